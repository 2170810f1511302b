"""``ScalewaySampler``: a ``cirq.Sampler`` running on Scaleway QaaS (or the local emulator).

It converts and delegates: circuits become programs (:mod:`.convert`), a whole batch or
sweep goes to the core in one submission (:func:`scaleway_qaas.core.submit.run_nowait`,
which validates, chooses the session, groups by shots and batches), and neutral results
become ``cirq.ResultDict`` job by job, as each job's arrive. It is also the official plugin's session object
(``ScalewaySession``): a context manager with ``start``/``stop``/``delete``/``id``/``name``/``status``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

import attrs
import cirq
import numpy as np

from ...core import (
    ExperimentResult,
    PlatformDescription,
    Program,
    ProgramStream,
    QaaSClient,
    ResultFuture,
    Session,
    SessionInfo,
    SessionSpec,
    SessionStatus,
    blocking,
    run_nowait,
)
from ...errors import InvalidArgumentError
from .convert import Layout, prepare, to_result
from .sweeps import prepare_sweep, stream_sweep

_Sweepable = Any  # cirq.Sweepable


@attrs.frozen
class _Batch:
    """Every point of every sweep of a ``run_batch`` call: programs (bound lazily where a sweep streams)."""

    programs: list[Iterable[Program]]
    points: list[tuple[Layout, cirq.ParamResolver]]
    shots: list[int]
    sizes: list[int]  # points per circuit
    num_qubits: list[int]

    def convert(self, indices: Sequence[int], experiments: list[ExperimentResult]) -> list[cirq.Result]:
        """One job's results (points ``indices``) as ``cirq.ResultDict``, converted as soon as the job's arrive."""
        return [to_result(e, *self.points[i]) for i, e in zip(indices, experiments, strict=True)]

    def split(self, results: list[cirq.Result]) -> list[list[cirq.Result]]:
        """Every point's result (in submission order) -> one list per circuit."""
        out, start = [], 0
        for n in self.sizes:
            out.append(results[start : start + n])
            start += n
        return out


class ScalewaySampler(cirq.Sampler):
    """Sample Cirq circuits on a Scaleway QaaS platform.

    ``backend`` is a platform name (looked up on the first run, not before) or a
    :class:`~scaleway_qaas.core.platform.PlatformDescription`. ``client`` injects a core
    client; otherwise one is built from ``project_id``/``secret_key``/``url`` (then the
    ``SCW_*`` and ``CIRQ_SCALEWAY_*`` variables, then the Scaleway config file).

    Sessions: inside ``with sampler:`` (or between :meth:`start` and :meth:`stop`) runs go
    to a session opened with the session options (``name``, ``deduplication_id``,
    ``max_duration``, ``max_idle_duration``) and terminated at the end; ``session_id``
    attaches to an existing session instead (never terminated by the sampler); ``session``
    takes a :class:`~scaleway_qaas.core.session.Session` the caller opened. Outside a
    block, the core chooses (see :mod:`scaleway_qaas.core.session`).

    ``options`` go to every job (e.g. Aer's ``{"method": "matrix_product_state"}``,
    QPerfect's ``{"bonddim": 64}``, Quobly's ``{"seed": 7}``); ``timeout`` bounds the wait
    for results; ``max_cost`` (EUR) refuses a submission estimated above it; ``resume`` and ``label``
    reattach to the jobs of a run that never delivered (``docs/resume.md``);
    ``transpile=True`` decomposes circuits to a QPU's native instructions locally (the
    service otherwise transpiles them itself).
    """

    def __init__(
        self,
        backend: str | PlatformDescription = "EMU-QSIM-16C-128M",
        project_id: str | None = None,
        secret_key: str | None = None,
        url: str | None = None,
        session_id: str | None = None,
        deduplication_id: str | None = None,
        max_duration: str | int | None = None,
        max_idle_duration: str | int | None = None,
        *,
        name: str | None = None,
        session: Session | None = None,
        client: QaaSClient | None = None,
        options: dict[str, Any] | None = None,
        timeout: float | None = None,
        transpile: bool = False,
        max_cost: float | None = None,
        resume: str | bool | None = None,
        label: str | None = None,
    ) -> None:
        self.client = client or QaaSClient(secret_key=secret_key, project_id=project_id, url=url)
        self._platform = backend if isinstance(backend, PlatformDescription) else None
        self.platform_name = backend.name if isinstance(backend, PlatformDescription) else backend
        self.spec = SessionSpec.from_options(
            dict(
                session_id=session_id,
                deduplication_id=deduplication_id,
                max_duration=max_duration,
                max_idle_duration=max_idle_duration,
                name=name,
            )
        )
        #: the session runs go to, once started (or given); None: the core chooses from ``spec``
        self.session = session
        self._owned = False
        self.options = dict(options or {})
        self.timeout = timeout
        self.transpile = transpile
        self.max_cost = max_cost
        #: reattach to the jobs of a run that never delivered (``docs/resume.md``)
        self.resume = resume
        self.label = label

    def __repr__(self) -> str:
        session = f", session={self.session.id!r}" if self.session is not None else ""
        return f"ScalewaySampler(backend={self.platform_name!r}{session})"

    # --- platform (looked up once, on first use) ------------------------------------------

    async def describe_platform_async(self) -> PlatformDescription:
        """What the platform can do (read from the service on the first call only)."""
        if self._platform is None:
            self._platform = await self.client.aio.describe_platform(self.platform_name)
        return self._platform

    describe_platform = blocking(describe_platform_async)

    # --- session (the official plugin's ScalewaySession API) ------------------------------

    @property
    def id(self) -> str | None:
        """The id of the session runs go to (None before :meth:`start`)."""
        return self.session.id if self.session is not None else None

    @property
    def name(self) -> str | None:
        """The session's name."""
        return self.session.info.name if self.session is not None else self.spec.name

    @property
    def status(self) -> str:
        """The session's status as last read (no request: :meth:`refresh` reads it again)."""
        return self.session.info.status.value if self.session is not None else SessionStatus.UNKNOWN.value

    def refresh(self) -> SessionInfo | None:
        """Read the session again (status, job counts)."""
        return self.session.refresh() if self.session is not None else None

    async def start_async(self) -> ScalewaySampler:
        """Open the session of this sampler's options (or attach to ``session_id``)."""
        if self.session is not None and self.session.info.status.is_open:
            raise InvalidArgumentError(f"session {self.session.id} already started; stop() it first")
        if self.spec.session_id:
            self.session, self._owned = await Session.attach_async(self.client, self.spec.session_id), False
            return self
        platform = await self.describe_platform_async()
        spec = self.spec
        self.session = await Session.open_async(
            self.client,
            platform,
            name=spec.name,
            deduplication_id=spec.deduplication_id,
            max_duration=spec.max_duration,
            max_idle_duration=spec.max_idle_duration,
        )
        self._owned = True
        return self

    async def stop_async(self) -> ScalewaySampler:
        """Terminate the session :meth:`start` opened (its billing stops; an attached one is left running)."""
        if self.session is None:
            raise InvalidArgumentError("session not started")
        if self._owned and self.session.info.status.is_open:
            await self.session.terminate_async()
        return self

    async def delete_async(self) -> None:
        """Delete the session and its jobs."""
        if self.session is None:
            raise InvalidArgumentError("session not started")
        await self.session.delete_async()

    start = blocking(start_async)
    stop = blocking(stop_async)
    delete = blocking(delete_async)

    def __enter__(self) -> ScalewaySampler:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> ScalewaySampler:
        return await self.start_async()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop_async()

    # --- cirq.Sampler -----------------------------------------------------------------------

    def _batch(
        self,
        platform: PlatformDescription,
        programs: Sequence[cirq.AbstractCircuit],
        params_list: Sequence[_Sweepable] | None,
        repetitions: int | Sequence[int],
    ) -> _Batch:
        """Resolve and write every point of every sweep (bad input fails here, before anything is sent)."""
        if not isinstance(repetitions, Sequence):
            repetitions = [_check_positive(repetitions)] * len(programs)
        params_list, repetitions = self._normalize_batch_args(programs, params_list, repetitions)
        batch = _Batch([], [], [], [], [])
        for circuit, sweep, reps in zip(programs, params_list, repetitions, strict=True):
            shots = _check_positive(reps)
            resolvers = _resolvers(sweep)
            streamed = None if self.transpile else stream_sweep(circuit, resolvers, platform)
            if streamed is not None:  # one export, each further point bound as the submission reads it
                first, rest = streamed
                batch.programs.extend([[first.program], rest])
                batch.points.extend((first.layout, r) for r in resolvers)
                batch.num_qubits.append(first.num_qubits)
            else:
                if self.transpile:
                    points = [prepare(circuit, r, platform, transpile=True) for r in resolvers]
                else:  # bound into one export where it can
                    points = list(prepare_sweep(circuit, resolvers, platform))
                batch.programs.append([p.program for p in points])
                batch.points.extend((p.layout, p.params) for p in points)
                batch.num_qubits.extend(p.num_qubits for p in points)
            batch.shots.extend([shots] * len(resolvers))
            batch.sizes.append(len(resolvers))
        return batch

    def _submit(self, platform: PlatformDescription, batch: _Batch) -> ResultFuture[list[list[cirq.Result]]]:
        """One core submission for the whole batch (the core groups by shots and splits into jobs); streamed
        when a sweep is bound lazily (the core produces a stream whole first when the run resumes)."""
        programs = chain.from_iterable(batch.programs)
        lazy = any(not isinstance(p, list) for p in batch.programs)
        return run_nowait(
            self.client,
            platform,
            ProgramStream(programs, len(batch.points)) if lazy else list(programs),
            batch.split,
            each=batch.convert,
            timeout=self.timeout,
            shots=batch.shots,
            session=self.session if self.session is not None else self.spec,
            options={**self.options, "memory": True},
            num_qubits=max(batch.num_qubits),
            max_cost=self.max_cost,
            resume=self.resume,
            label=self.label,
        )

    def run_batch(
        self,
        programs: Sequence[cirq.AbstractCircuit],
        params_list: Sequence[_Sweepable] | None = None,
        repetitions: int | Sequence[int] = 1,
    ) -> Sequence[Sequence[cirq.Result]]:
        """Sample several circuits, each with its sweep, in one submission; results in order."""
        platform = self.describe_platform()
        batch = self._batch(platform, programs, params_list, repetitions)
        return self._submit(platform, batch).get() if batch.points else batch.split([])

    async def run_batch_async(
        self,
        programs: Sequence[cirq.AbstractCircuit],
        params_list: Sequence[_Sweepable] | None = None,
        repetitions: int | Sequence[int] = 1,
    ) -> Sequence[Sequence[cirq.Result]]:
        """Async :meth:`run_batch`, awaitable from any event loop."""
        platform = await self.describe_platform_async()
        batch = self._batch(platform, programs, params_list, repetitions)
        return await self._submit(platform, batch) if batch.points else batch.split([])

    def run_sweep(
        self, program: cirq.AbstractCircuit, params: _Sweepable, repetitions: int = 1
    ) -> Sequence[cirq.Result]:
        """Sample every point of the sweep (one submission); results in sweep order."""
        return self.run_batch([program], [params], repetitions)[0]

    async def run_sweep_async(
        self, program: cirq.AbstractCircuit, params: _Sweepable, repetitions: int = 1
    ) -> Sequence[cirq.Result]:
        """Async :meth:`run_sweep`, awaitable from any event loop."""
        return (await self.run_batch_async([program], [params], repetitions))[0]


#: the official plugin's name of the object ``device.create_session()`` returns
ScalewaySession = ScalewaySampler


def _check_positive(repetitions: Any) -> int:
    if isinstance(repetitions, bool) or not isinstance(repetitions, int | np.integer) or repetitions <= 0:
        raise InvalidArgumentError(f"repetitions must be a positive integer, got {repetitions!r}")
    return int(repetitions)


def _resolvers(sweep: _Sweepable) -> list[cirq.ParamResolver]:
    """The sweep's points: a ``ListSweep``'s own resolvers when all their keys are names (``cirq.to_resolvers``
    would build equal ones anew: 10,000 more dicts at 10,000 points), else ``cirq.to_resolvers``'."""
    if type(sweep) is cirq.ListSweep and all(isinstance(k, str) for r in sweep.resolver_list for k in r.param_dict):
        return list(sweep.resolver_list)
    return list(cirq.to_resolvers(sweep))
