"""From circuits to a core submission: the client and platform the options name, the programs, the future.

Everything that decides anything (validation, session, format, batching, budget, waiting)
is the core's: :func:`submit` hands the programs to :func:`scaleway_qaas.core.submit.run_nowait`.
What is kept here are caches: one client per configuration, one platform description per
client and machine, one encoded program per circuit and platform formats.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import attrs

from ...core import (
    RESUME_OPTIONS,
    Config,
    ExperimentResult,
    Feature,
    PlatformDescription,
    Program,
    ProgramFormat,
    QaaSClient,
    ResultFuture,
    Session,
    SessionSpec,
    check_features,
    encode_program,
    resolve_config,
    run_nowait,
)
from .qasm import Circuit
from .target import DEFAULT_MACHINE

T = TypeVar("T")
CONNECTION_OPTIONS = ("secret_key", "project_id", "url", "profile")
#: keyword arguments of sample/observe besides shots_count and machine
OPTIONS = ("client", "session", *CONNECTION_OPTIONS, *SessionSpec.OPTIONS, "max_cost", "run_options", *RESUME_OPTIONS)

_lock = threading.Lock()
_clients: dict[Config, QaaSClient] = {}
_platforms: weakref.WeakKeyDictionary[QaaSClient, dict[str, PlatformDescription]] = weakref.WeakKeyDictionary()
#: (machine, explicit connection options) -> client, when the options alone decide the configuration
_explicit: dict[tuple[tuple[str, Any], ...], QaaSClient] = {}
#: circuit -> {platform's program formats: its sample program}
_programs: weakref.WeakKeyDictionary[Circuit, dict[tuple[ProgramFormat, ...], Program]] = weakref.WeakKeyDictionary()


@attrs.frozen
class Where:
    """Where and how a submission runs, from the keyword arguments of ``sample``/``observe``."""

    client: QaaSClient
    platform: PlatformDescription
    session: Session | SessionSpec
    max_cost: float | None = None
    run_options: dict[str, Any] | None = None
    #: ``resume=`` and ``label=``, forwarded to the core (``docs/resume.md``)
    resume: dict[str, Any] = attrs.field(factory=dict)


def check_options(options: dict[str, Any]) -> None:
    """``TypeError`` for keyword arguments nobody reads (e.g. ``shots=`` for ``shots_count=``)."""
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise TypeError(
            f"unexpected keyword argument(s) {unknown}; accepted: shots_count, machine, {', '.join(OPTIONS)}"
        )


def where(machine: str | None, options: dict[str, Any]) -> Where:
    """The client (``client=``, else from the connection options), the platform and the session to use."""
    check_options(options)
    client = options.get("client") or _client_for({k: options[k] for k in CONNECTION_OPTIONS if options.get(k)})
    platform = _platform(client, machine or DEFAULT_MACHINE)
    spec = SessionSpec.from_options({k: options.get(k) for k in SessionSpec.OPTIONS})
    session = options.get("session") or spec
    if session is not spec and not spec.is_default:
        raise TypeError(f"give session= or the session options {', '.join(SessionSpec.OPTIONS)}, not both")
    resume = {k: options[k] for k in RESUME_OPTIONS if options.get(k) is not None}
    return Where(client, platform, session, options.get("max_cost"), options.get("run_options"), resume)


def _client_for(connection: dict[str, Any]) -> QaaSClient:
    """One client per resolved configuration; memoized when ``secret_key``, ``project_id`` and ``url`` are
    all arguments (otherwise ``SCW_*`` variables or the config file may have changed since the last call)."""
    key = tuple(sorted(connection.items()))
    explicit = all(connection.get(k) for k in ("secret_key", "project_id", "url"))
    if explicit and (known := _explicit.get(key)) is not None:
        return known
    config = resolve_config(**connection)
    with _lock:
        client = _clients.get(config)
        if client is None:
            client = _clients[config] = QaaSClient(config)
        if explicit:
            _explicit[key] = client
    return client


def _platform(client: QaaSClient, machine: str) -> PlatformDescription:
    with _lock:
        known = _platforms.setdefault(client, {})
        cached = known.get(machine)
    if cached is None:
        cached = client.describe_platform(machine)  # NotFoundError listing close names
        with _lock:
            known[machine] = cached
    return cached


_RESET = re.compile(r"(?:^|;)\s*reset\b", re.MULTILINE)


def program(
    platform: PlatformDescription,
    circuit: Circuit,
    rotations: Sequence[str] = (),
    measured: Sequence[int] | None = None,
) -> Program:
    """The circuit as the platform's program (the core picks the format); sample programs are built once.

    A kernel that resets a qubit is refused where the capability table says the family cannot reset."""
    if _RESET.search(circuit.body):
        check_features(platform, (Feature.RESET,), what="the kernel")
    if rotations or measured is not None:
        encoders = {ProgramFormat.QASM_V2: lambda: circuit.qasm(rotations, measured)}
        return encode_program(platform, encoders, what="the kernel")
    with _lock:
        known = _programs.setdefault(circuit, {})
        cached = known.get(platform.program_formats)
    if cached is None:
        cached = encode_program(platform, {ProgramFormat.QASM_V2: circuit.qasm}, what="the kernel")
        with _lock:
            known[platform.program_formats] = cached
    return cached


def submit(
    where: Where,
    programs: Sequence[Program],
    shots: int,
    num_qubits: int,
    convert: Callable[[list[ExperimentResult]], T],
) -> ResultFuture[T]:
    """Every program in one core submission; a future of the converted results."""
    return run_nowait(
        where.client, where.platform, programs, convert, shots=shots, session=where.session,
        options=where.run_options, num_qubits=num_qubits, max_cost=where.max_cost, **where.resume,
    )  # fmt: skip
