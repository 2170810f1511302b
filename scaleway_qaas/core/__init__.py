"""The framework-neutral core: configuration, client, sessions, jobs and the shared format.

Importing it imports no quantum framework.
"""

from .client import AsyncQaaSClient, QaaSClient
from .config import Config, resolve_config
from .job import Job, PollPolicy
from .payload import (
    Compression,
    ComputationModel,
    ComputationParameters,
    ExperimentResult,
    NoiseModel,
    Program,
    ProgramFormat,
    ProgramResult,
    Register,
    ResultFormat,
)
from .resources import JobStatus, Platform, PlatformType, SessionStatus
from .session import Session, terminate_implicit_sessions

__all__ = [
    "AsyncQaaSClient",
    "Compression",
    "ComputationModel",
    "ComputationParameters",
    "Config",
    "ExperimentResult",
    "Job",
    "JobStatus",
    "NoiseModel",
    "Platform",
    "PlatformType",
    "PollPolicy",
    "Program",
    "ProgramFormat",
    "ProgramResult",
    "QaaSClient",
    "Register",
    "ResultFormat",
    "Session",
    "SessionStatus",
    "resolve_config",
    "terminate_implicit_sessions",
]
