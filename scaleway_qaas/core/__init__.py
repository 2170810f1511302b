"""The framework-neutral core: client, platform descriptions, sessions, the submission flow, the shared format.

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
    "ResultFuture": "job",
    "PollPolicy": "polling",
    "Compression": "wire",
    "ComputationModel": "wire",
    "ComputationParameters": "wire",
    "NoiseModel": "wire",
    "Program": "wire",
    "ProgramFormat": "wire",
    "ProgramResult": "wire",
    "ResultFormat": "wire",
    "ExperimentResult": "results",
    "Register": "results",
    "CostEstimate": "platform",
    "Family": "platform",
    "PlatformDescription": "platform",
    "describe": "platform",
    "JobInfo": "records",
    "JobStatus": "records",
    "PlatformInfo": "records",
    "PlatformType": "records",
    "SessionInfo": "records",
    "SessionStatus": "records",
    "Session": "session",
    "SessionSpec": "session",
    "terminate_implicit_sessions": "managed",
    "use_endpoint": "endpoint",
    "run": "submit",
    "run_async": "submit",
    "run_nowait": "submit",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
