"""A local emulator of the Scaleway QaaS v1alpha1 API, backed by real simulators.

Start it in-process with :class:`Emulator` / :func:`run_emulator`, or from the
shell with ``scaleway-qaas emulator`` (:mod:`.cli`). Names load on first use, so
that an engine process (:mod:`.engine`) does not import the HTTP server.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .faults import FaultConfig
    from .platforms import CATALOGUE, PlatformSpec
    from .server import Emulator, run_emulator, run_emulator_process

_WHERE = {
    "CATALOGUE": ".platforms",
    "Emulator": ".server",
    "FaultConfig": ".faults",
    "PlatformSpec": ".platforms",
    "run_emulator": ".server",
    "run_emulator_process": ".server",
}
__all__ = ["CATALOGUE", "Emulator", "FaultConfig", "PlatformSpec", "run_emulator", "run_emulator_process"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name], __name__), name)
