"""Execution of a job's programs on the simulator behind its platform.

:func:`execute` turns a model and parameters into result payloads in the
platform's result format, or raises :class:`ExecutionError` whose message
becomes the job's ``progress_message``. Quantum libraries are imported on
first use, once, so the HTTP request path never pays for them. The
simulation code of each platform family lives in :mod:`.families`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ..core.wire import ComputationModel, ComputationParameters
from . import families
from .families import ExecutionError
from .platforms import PlatformSpec

__all__ = ["ExecutionError", "execute", "warm_up"]


#: All simulation work of the process (imports, parsing, runs) happens on ONE long-lived thread, one job
#: at a time. Qiskit 2.6's native code crashes (SIGSEGV) when several threads import it or build and run
#: circuits, even one at a time; each simulator still parallelises a job internally.
_ENGINE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qaas-emulator-engine")


def execute(
    platform: PlatformSpec, model: ComputationModel, params: ComputationParameters, seed: int | None
) -> list[str]:
    """Run every program (on the engine thread); return the JSON texts of the job results."""
    return _ENGINE.submit(_execute, platform, model, params, seed).result()


def _execute(
    platform: PlatformSpec, model: ComputationModel, params: ComputationParameters, seed: int | None
) -> list[str]:
    return families.run(platform, model, params, seed)


def warm_up() -> None:
    """Import and initialise the simulators once, on the engine thread (the server calls it at start)."""
    _ENGINE.submit(_warm_up).result()


def _warm_up() -> None:
    families.warm_up()
