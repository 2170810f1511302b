"""The framework-neutral core's public surface: what adapters, the CLI and users import.

``from scaleway_qaas.core import QaaSClient, Session, run`` ... Every other module of this package is
internal (its names may move); :mod:`.codecs` (the result formats) is public as a whole. Importing it
imports no quantum framework, and (names load lazily) not even httpx until a client is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names below load lazily (module __getattr__); the type checker sees them here
    from . import codecs as codecs
    from .capabilities import CAPABILITIES as CAPABILITIES
    from .capabilities import FORMAT_GATES as FORMAT_GATES
    from .capabilities import FORMAT_INSTRUCTIONS as FORMAT_INSTRUCTIONS
    from .capabilities import Feature as Feature
    from .capabilities import check_features as check_features
    from .capabilities import memory_in_shot_order as memory_in_shot_order
    from .capabilities import require_feature as require_feature
    from .capabilities import shot_ordered as shot_ordered
    from .client import AsyncQaaSClient as AsyncQaaSClient
    from .client import QaaSClient as QaaSClient
    from .client import closest_names as closest_names
    from .config import Config as Config
    from .config import config_file_path as config_file_path
    from .config import journal_path as journal_path
    from .config import redact as redact
    from .config import resolve_config as resolve_config
    from .config import use_endpoint as use_endpoint
    from .durations import format_duration as format_duration
    from .durations import parse_duration as parse_duration
    from .families import Family as Family
    from .finals import JobPart as JobPart
    from .formats import CannotEncode as CannotEncode
    from .formats import encode_program as encode_program
    from .future import ResultFuture as ResultFuture
    from .job import Job as Job
    from .journal import KEY_TAG as KEY_TAG
    from .journal import LABEL_TAG as LABEL_TAG
    from .journal import Journal as Journal
    from .journal import JournalEntry as JournalEntry
    from .journal import is_alive as is_alive
    from .loop import blocking as blocking
    from .managed import IMPLICIT_MAX_DURATION as IMPLICIT_MAX_DURATION
    from .managed import implicit_session as implicit_session
    from .managed import terminate_at_exit as terminate_at_exit
    from .managed import terminate_deduplicated_sessions as terminate_deduplicated_sessions
    from .managed import terminate_implicit_sessions as terminate_implicit_sessions
    from .platform import SERVER_FILTERS as SERVER_FILTERS
    from .platform import CostEstimate as CostEstimate
    from .platform import PlatformDescription as PlatformDescription
    from .platform import describe as describe
    from .platform import select as select
    from .polling import PollPolicy as PollPolicy
    from .records import JobInfo as JobInfo
    from .records import JobStatus as JobStatus
    from .records import PlatformInfo as PlatformInfo
    from .records import PlatformType as PlatformType
    from .records import SessionInfo as SessionInfo
    from .records import SessionStatus as SessionStatus
    from .records import from_object as from_object
    from .requests import RetryPolicy as RetryPolicy
    from .requests import Timeouts as Timeouts
    from .results import ExperimentResult as ExperimentResult
    from .results import Register as Register
    from .resume import RESUME_OPTIONS as RESUME_OPTIONS
    from .resume import find_run as find_run
    from .resume import find_run_async as find_run_async
    from .resume import key_and_parts as key_and_parts
    from .session import Session as Session
    from .session import SessionSpec as SessionSpec
    from .submit import ProgramStream as ProgramStream
    from .submit import run as run
    from .submit import run_async as run_async
    from .submit import run_in as run_in
    from .submit import run_nowait as run_nowait
    from .templates import Template as Template
    from .templates import find_template as find_template
    from .wire import Compression as Compression
    from .wire import ComputationModel as ComputationModel
    from .wire import ComputationParameters as ComputationParameters
    from .wire import NoiseModel as NoiseModel
    from .wire import Program as Program
    from .wire import ProgramFormat as ProgramFormat
    from .wire import ProgramResult as ProgramResult
    from .wire import ResultFormat as ResultFormat

_LAZY = {
    "CAPABILITIES": "capabilities",
    "FORMAT_GATES": "capabilities",
    "FORMAT_INSTRUCTIONS": "capabilities",
    "Feature": "capabilities",
    "check_features": "capabilities",
    "memory_in_shot_order": "capabilities",
    "require_feature": "capabilities",
    "shot_ordered": "capabilities",
    "AsyncQaaSClient": "client",
    "QaaSClient": "client",
    "closest_names": "client",
    "Config": "config",
    "resolve_config": "config",
    "config_file_path": "config",
    "journal_path": "config",
    "redact": "config",
    "format_duration": "durations",
    "parse_duration": "durations",
    "CannotEncode": "formats",
    "encode_program": "formats",
    "Job": "job",
    "JobPart": "finals",
    "ResultFuture": "future",
    "KEY_TAG": "journal",
    "LABEL_TAG": "journal",
    "Journal": "journal",
    "JournalEntry": "journal",
    "is_alive": "journal",
    "blocking": "loop",
    "implicit_session": "managed",
    "IMPLICIT_MAX_DURATION": "managed",
    "terminate_at_exit": "managed",
    "terminate_deduplicated_sessions": "managed",
    "terminate_implicit_sessions": "managed",
    "use_endpoint": "config",
    "CostEstimate": "platform",
    "Family": "families",
    "PlatformDescription": "platform",
    "SERVER_FILTERS": "platform",
    "describe": "platform",
    "select": "platform",
    "PollPolicy": "polling",
    "JobInfo": "records",
    "JobStatus": "records",
    "PlatformInfo": "records",
    "PlatformType": "records",
    "SessionInfo": "records",
    "SessionStatus": "records",
    "from_object": "records",
    "RetryPolicy": "requests",
    "Timeouts": "requests",
    "ExperimentResult": "results",
    "Register": "results",
    "RESUME_OPTIONS": "resume",
    "find_run": "resume",
    "find_run_async": "resume",
    "key_and_parts": "resume",
    "Session": "session",
    "SessionSpec": "session",
    "ProgramStream": "submit",
    "run": "submit",
    "run_in": "submit",
    "run_async": "submit",
    "run_nowait": "submit",
    "Template": "templates",
    "find_template": "templates",
    "Compression": "wire",
    "ComputationModel": "wire",
    "ComputationParameters": "wire",
    "NoiseModel": "wire",
    "Program": "wire",
    "ProgramFormat": "wire",
    "ProgramResult": "wire",
    "ResultFormat": "wire",
}

__all__ = sorted([*_LAZY, "codecs"])


def __getattr__(name: str) -> Any:
    if name == "codecs":
        return importlib.import_module(f"{__name__}.codecs")
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
