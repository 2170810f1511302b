"""``ScalewaySampler``: a ``cirq.Sampler`` running on Scaleway QaaS (or the local emulator)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import cirq
import numpy as np

from ...core import loop as core_loop
from ...core.client import QaaSClient
from ...core.errors import InvalidArgumentError
from ...core.payload import ExperimentResult
from ...core.resources import Platform
from ...core.session import Session, session_for
from .convert import Prepared, choose_format, prepare, resolve, results_for

_Sweepable = Any  # cirq.Sweepable


class ScalewaySampler(cirq.Sampler):
    """Sample Cirq circuits on a Scaleway QaaS platform.

    A whole sweep or batch is sent in one core submission (split in as few jobs
    as the platform's ``max_circuit_count`` allows, created concurrently).
    Without ``session_id`` and session options, the process's implicit session
    on the platform is used; with ``deduplication_id``/``max_duration``/
    ``max_idle_duration``, the sampler opens its own session, terminated by
    :meth:`close` (or on leaving a ``with`` block). ``options`` go to every job
    (e.g. ``{"seed": 7}``); ``timeout`` bounds the wait for results; on QPU
    platforms ``transpile=True`` decomposes circuits to the native gates
    (LineQubit(i) is physical qubit i; no routing).
    """

    def __init__(
        self,
        backend: str = "EMU-QSIM-16C-128M",
        project_id: str | None = None,
        secret_key: str | None = None,
        url: str | None = None,
        session_id: str | None = None,
        deduplication_id: str | None = None,
        max_duration: str | int | None = None,
        max_idle_duration: str | int | None = None,
        *,
        options: dict[str, Any] | None = None,
        timeout: float | None = None,
        transpile: bool = False,
    ) -> None:
        self.client = QaaSClient(secret_key=secret_key, project_id=project_id, url=url)
        self.platform: Platform = self.client.find_platform(backend)
        self.program_format = choose_format(self.platform)
        self.options = dict(options or {})
        self.timeout = timeout
        self.transpile = transpile
        self._session_id = session_id
        self._session_options: dict[str, Any] = {
            k: v
            for k, v in dict(
                deduplication_id=deduplication_id, max_duration=max_duration, max_idle_duration=max_idle_duration
            ).items()
            if v is not None
        }

    def __repr__(self) -> str:
        return f"ScalewaySampler(backend={self.platform.name!r})"

    @classmethod
    def list_platforms(
        cls,
        project_id: str | None = None,
        secret_key: str | None = None,
        url: str | None = None,
        **filters: str | None,
    ) -> list[Platform]:
        """Platforms visible to the account (filters: name, provider_name, backend_name, platform_type...)."""
        with QaaSClient(secret_key=secret_key, project_id=project_id, url=url) as client:
            return client.list_platforms(**filters)

    # --- session -----------------------------------------------------------------

    @property
    def session(self) -> Session:
        """The session jobs go to: ``session_id``, else one per session options, else the implicit one."""
        return session_for(self.client, self.platform, session_id=self._session_id, **self._session_options)

    def close(self) -> None:
        """Terminate the session this sampler's options opened (attached and implicit ones are left alone)."""
        if self._session_id is None and self._session_options:
            self.session.terminate()

    def __enter__(self) -> ScalewaySampler:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- preparation -------------------------------------------------------------

    def _normalize(
        self,
        programs: Sequence[cirq.AbstractCircuit],
        params_list: Sequence[_Sweepable] | None,
        repetitions: int | Sequence[int],
    ) -> tuple[Sequence[_Sweepable], Sequence[int]]:
        if not isinstance(repetitions, Sequence):
            repetitions = [_check_positive(repetitions)] * len(programs)  # type: ignore[arg-type]
        return self._normalize_batch_args(programs, params_list, repetitions)

    def _prepare_batch(
        self, programs: Sequence[cirq.AbstractCircuit], params_list: Sequence[_Sweepable], repetitions: Sequence[int]
    ) -> list[tuple[list[Prepared], list[cirq.ParamResolver], int]]:
        """Resolve and serialize every point of every sweep (all checks happen here, before submission)."""
        out = []
        for circuit, params, reps in zip(programs, params_list, repetitions, strict=True):
            shots = _check_positive(reps)
            resolvers = list(cirq.to_resolvers(params))
            prepared = [
                prepare(resolve(circuit, r), self.platform, self.program_format, transpile=self.transpile)
                for r in resolvers
            ]
            out.append((prepared, resolvers, shots))
        return out

    async def _execute(
        self, work: list[tuple[list[Prepared], list[cirq.ParamResolver], int]]
    ) -> list[list[cirq.ResultDict]]:
        """On the core loop: one core submission per distinct repetitions value, all concurrent."""
        session = await asyncio.to_thread(lambda: self.session)
        options = {**self.options, "memory": True}
        by_shots: dict[int, list[int]] = {}
        for i, (_, _, reps) in enumerate(work):
            by_shots.setdefault(reps, []).append(i)

        async def submit(shots: int, indices: list[int]) -> list[ExperimentResult]:
            programs = [p.program for i in indices for p in work[i][0]]
            num_qubits = max(p.num_qubits for i in indices for p in work[i][0])
            job = await session.run_async(programs, shots=shots, options=options, num_qubits=num_qubits)
            return await job.result_async(self.timeout)

        groups = [(shots, idx) for shots, idx in by_shots.items() if any(work[i][0] for i in idx)]
        answers = await asyncio.gather(*(submit(s, idx) for s, idx in groups))
        results: list[list[cirq.ResultDict]] = [[] for _ in work]
        for (_, indices), experiments in zip(groups, answers, strict=True):
            pos = 0
            for i in indices:
                prepared, resolvers, _ = work[i]
                results[i] = results_for(experiments[pos : pos + len(prepared)], prepared, resolvers)
                pos += len(prepared)
        return results

    # --- cirq.Sampler --------------------------------------------------------------

    def run_sweep(
        self, program: cirq.AbstractCircuit, params: _Sweepable, repetitions: int = 1
    ) -> Sequence[cirq.Result]:
        """Sample every point of the sweep (one submission); results in sweep order."""
        return self.run_batch([program], [params], repetitions)[0]

    async def run_sweep_async(
        self, program: cirq.AbstractCircuit, params: _Sweepable, repetitions: int = 1
    ) -> Sequence[cirq.Result]:
        """Async :meth:`run_sweep`; awaitable from any asyncio loop."""
        return (await self.run_batch_async([program], [params], repetitions))[0]

    def run_batch(
        self,
        programs: Sequence[cirq.AbstractCircuit],
        params_list: Sequence[_Sweepable] | None = None,
        repetitions: int | Sequence[int] = 1,
    ) -> Sequence[Sequence[cirq.Result]]:
        """Sample several circuits (each with its sweep) in one submission per repetitions value."""
        params_list, reps = self._normalize(programs, params_list, repetitions)
        work = self._prepare_batch(programs, params_list, reps)
        return core_loop.run_sync(self._execute(work))

    async def run_batch_async(
        self,
        programs: Sequence[cirq.AbstractCircuit],
        params_list: Sequence[_Sweepable] | None = None,
        repetitions: int | Sequence[int] = 1,
    ) -> Sequence[Sequence[cirq.Result]]:
        """Async :meth:`run_batch`; runs on the core's loop, awaited through ``asyncio.wrap_future``."""
        params_list, reps = self._normalize(programs, params_list, repetitions)
        work = self._prepare_batch(programs, params_list, reps)
        return await asyncio.wrap_future(core_loop.submit(self._execute(work)))


def _check_positive(repetitions: int) -> int:
    if isinstance(repetitions, bool) or not isinstance(repetitions, int | np.integer) or repetitions <= 0:
        raise InvalidArgumentError(f"repetitions must be a positive integer, got {repetitions!r}")
    return int(repetitions)
