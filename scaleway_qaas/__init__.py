"""Run CUDA-Q, Qiskit, PennyLane and Cirq programs on Scaleway Quantum as a Service.

The core (:mod:`scaleway_qaas.core`) is framework-neutral; adapters live in
:mod:`scaleway_qaas.adapters` and the local emulator in :mod:`scaleway_qaas.emulator`.
Names below are loaded lazily so that ``import scaleway_qaas`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

from .__about__ import __version__

_LAZY = {
    "QaaSClient": "scaleway_qaas.core.client",
    "AsyncQaaSClient": "scaleway_qaas.core.client",
    "Session": "scaleway_qaas.core.session",
    "Job": "scaleway_qaas.core.job",
    "Config": "scaleway_qaas.core.config",
    "resolve_config": "scaleway_qaas.core.config",
    "terminate_implicit_sessions": "scaleway_qaas.core.managed",
    "QaaSError": "scaleway_qaas.core.errors",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'scaleway_qaas' has no attribute {name!r}")
