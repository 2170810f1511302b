"""Where the pure-Python path runs: clients, platforms and sessions (all from the core), and async results."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

from ...core import Config, Program, ProgramFormat, QaaSClient, Session, resolve_config
from ...core.job import validate_submission
from ...core.loop import submit
from ...core.payload import ExperimentResult
from ...core.resources import Platform
from ...core.session import session_for as core_session_for
from ...errors import InvalidArgumentError
from .convert import Circuit
from .target import DEFAULT_MACHINE, SESSION_OPTIONS

T = TypeVar("T")
CONNECTION_OPTIONS = ("secret_key", "project_id", "url", "profile")

_lock = threading.Lock()
_clients: dict[Config, QaaSClient] = {}
_platforms: dict[tuple[Config, str], Platform] = {}
#: (machine, explicit connection options) -> (client, platform), when the options alone decide the config
_targets: dict[tuple[str, tuple[tuple[str, Any], ...]], tuple[QaaSClient, Platform]] = {}


class ScalewayFuture(Generic[T]):
    """The pending result of a ``*_async`` call: ``get()`` blocks, ``await`` works from any event loop."""

    def __init__(self, future: Future[list[ExperimentResult]], convert: Callable[[list[ExperimentResult]], T],
                 job_id: Callable[[], str | None]) -> None:
        self._future = future
        self._convert = convert
        self._job_id = job_id

    @property
    def job_id(self) -> str | None:
        """The core job id (``"id1,id2"`` when split), once the jobs are created."""
        return self._job_id()

    def done(self) -> bool:
        return self._future.done()

    def get(self, timeout: float | None = None) -> T:
        """The result; raises the core's errors (``JobFailedError``, ``JobTimeoutError``...)."""
        return self._convert(self._future.result(timeout))

    def __await__(self) -> Generator[Any, None, T]:
        results = yield from asyncio.wrap_future(self._future).__await__()
        return self._convert(results)


def _client(config: Config) -> QaaSClient:
    with _lock:
        if config not in _clients:
            _clients[config] = QaaSClient(config)
        return _clients[config]


def _platform(client: QaaSClient, machine: str) -> Platform:
    key = (client.config, machine)
    with _lock:
        cached = _platforms.get(key)
    if cached is None:
        cached = client.find_platform(machine)  # NotFoundError listing close names
        if ProgramFormat.QASM_V2 not in cached.program_formats:
            raise InvalidArgumentError(f"platform {machine} does not accept OpenQASM 2 programs")
        with _lock:
            _platforms[key] = cached
    return cached


def split_options(options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(connection options, session options)``; unknown names raise ``TypeError``."""
    unknown = sorted(set(options) - set(CONNECTION_OPTIONS) - set(SESSION_OPTIONS) - {"session"})
    if unknown:
        raise TypeError(
            f"unexpected keyword argument(s) {unknown}; accepted: shots_count, machine, session, "
            f"{', '.join(CONNECTION_OPTIONS + SESSION_OPTIONS)}"
        )
    return ({k: options[k] for k in CONNECTION_OPTIONS if options.get(k) is not None},
            {k: options[k] for k in SESSION_OPTIONS if options.get(k) is not None})


def session_for(machine: str | None = None, **options: Any) -> Session:
    """The session to run on: ``session=``, else the core's choice (per session options, else implicit)."""
    connection, session_options = split_options(options)
    if options.get("session") is not None:
        return options["session"]
    client, platform = _target(machine or DEFAULT_MACHINE, connection)
    return core_session_for(client, platform, **session_options)


def _target(machine: str, connection: dict[str, Any]) -> tuple[QaaSClient, Platform]:
    """Client and platform; memoized when ``secret_key``, ``project_id`` and ``url`` are all arguments
    (otherwise ``SCW_*`` variables or the config file may have changed since the last call)."""
    explicit = all(connection.get(k) for k in ("secret_key", "project_id", "url"))
    key = (machine, tuple(sorted(connection.items())))
    if explicit and (known := _targets.get(key)) is not None:
        return known
    client = _client(resolve_config(**connection))
    target = client, _platform(client, machine)
    if explicit:
        with _lock:
            _targets[key] = target
    return target


def check_native_gates(platform: Platform, circuits: Sequence[Circuit], extra: Sequence[str] = ()) -> None:
    """Refuse, before anything is billed, gates a QPU does not run natively (simulators run any)."""
    if platform.native_gates is None:
        return
    used = set(extra).union(*(c.gates for c in circuits))
    foreign = sorted(used - set(platform.native_gates))
    if foreign:
        raise InvalidArgumentError(
            f"{platform.name} runs only its native gates ({', '.join(platform.native_gates)}); the kernel uses "
            f"{', '.join(foreign)}. CUDA-Q emits h, s, t, rx, ry, rz, x, y, z, cx: use a simulator platform "
            "(EMU-CUDAQ-H100, EMU-AER-16C-128M, EMU-QSIM-16C-128M) or the Qiskit adapter, which transpiles"
        )


def run_async(session: Session, programs: Sequence[Program], shots: int, num_qubits: int,
              convert: Callable[[list[ExperimentResult]], T]) -> ScalewayFuture[T]:
    """Validate, then submit every program in one core run and return a future of the converted results."""
    validate_submission(session.platform, len(programs), shots, num_qubits)
    job_ref: dict[str, str] = {}

    async def go() -> list[ExperimentResult]:
        job = await session.run_async(programs, shots=shots, num_qubits=num_qubits)  # reopens expired ones
        job_ref["id"] = job.job_id
        return await job.result_async()

    return ScalewayFuture(submit(go()), convert, lambda: job_ref.get("id"))
