"""The simulation code of each platform family, behind one entry point: :func:`run`.

Each family module turns a job's model and parameters into the JSON texts of its job results, in the
result format of the real family. Quantum libraries are imported inside functions only.
"""

from __future__ import annotations

from typing import Any

from ...core.wire import Compression, ComputationModel, ComputationParameters, ProgramResult, ResultFormat
from ..platforms import PlatformSpec

#: how results travel: qio's server-side converters compress them with ZLIB_BASE64_V1 by default
RESULT_COMPRESSION = Compression.ZLIB_BASE64_V1


def packed(fmt: ResultFormat, data: Any) -> str:
    """A job result's JSON text: ``data`` (a result document) compressed as the service sends it."""
    return ProgramResult.encode(fmt, data, RESULT_COMPRESSION).to_json()


class ExecutionError(Exception):
    """A job-level failure: bad program, platform limit... Its message becomes the job's ``progress_message``."""


def run(platform: PlatformSpec, model: ComputationModel, params: ComputationParameters, seed: int | None) -> list[str]:
    """Run every program of ``model`` on ``platform``; return the JSON texts of the job results."""
    from ...core.errors import PayloadError

    try:
        return list(_runner(platform.family)(platform, model, params, seed))
    except PayloadError as exc:
        raise ExecutionError(str(exc)) from exc


def _runner(family: str) -> Any:
    if family == "qsim":
        from .qsim import run as qsim

        return qsim
    if family == "quantanium":
        from .mimiq import run as mimiq

        return mimiq
    from .aer import run as aer  # aer, cudaq, qpu, pioneer

    return aer


def warm_up() -> None:
    """Import and initialise every family's libraries once (the server calls it at start)."""
    from . import aer, qsim

    aer.warm_up()
    qsim.warm_up()
