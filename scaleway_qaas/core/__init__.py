"""The framework-neutral core: configuration, client, sessions, jobs and the shared format.

Importing it imports no quantum framework, and (names load lazily) not even httpx
until a client is used.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "AsyncQaaSClient": "client",
    "QaaSClient": "client",
    "Config": "config",
    "resolve_config": "config",
    "Job": "job",
    "PollPolicy": "job",
    "Compression": "payload",
    "ComputationModel": "payload",
    "ComputationParameters": "payload",
    "ExperimentResult": "payload",
    "NoiseModel": "payload",
    "Program": "payload",
    "ProgramFormat": "payload",
    "ProgramResult": "payload",
    "Register": "payload",
    "ResultFormat": "payload",
    "JobStatus": "resources",
    "Platform": "resources",
    "PlatformType": "resources",
    "SessionStatus": "resources",
    "Session": "session",
    "terminate_implicit_sessions": "session",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
