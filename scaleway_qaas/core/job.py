"""Job handles: submit programs in as few jobs as the platform allows, wait adaptively, decode results."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Sequence
from typing import Any

import attrs

from .client import QaaSClient
from .errors import (
    InvalidArgumentError,
    JobCancelledError,
    JobFailedError,
    JobTimeoutError,
    PayloadError,
)
from .loop import on_core_loop, run_sync, submit
from .payload import (
    BackendData,
    ComputationModel,
    ComputationParameters,
    ExperimentResult,
    NoiseModel,
    Program,
)
from .polling import PollPolicy, board_for
from .resources import Job as JobInfo
from .resources import JobStatus, Platform
from .transport import USER_AGENT

__all__ = ["Job", "JobPart", "PollPolicy", "chunk_sizes", "validate_submission"]

MAX_CONCURRENT_SUBMISSIONS = 16
log = logging.getLogger("scaleway_qaas.job")


def validate_submission(
    platform: Platform, n_programs: int, shots: int, num_qubits: int | None = None
) -> None:
    """Check a submission against the platform's limits before anything is sent."""
    if n_programs <= 0:
        raise InvalidArgumentError("nothing to run: the list of programs is empty")
    if isinstance(shots, bool) or not isinstance(shots, int) or shots <= 0:
        raise InvalidArgumentError(f"shots must be a positive integer, got {shots!r}")
    if platform.max_shot_count and shots > platform.max_shot_count:
        raise InvalidArgumentError(
            f"{shots} shots exceed the limit of {platform.name} ({platform.max_shot_count} shots per program)"
        )
    if num_qubits is not None and platform.max_qubit_count and num_qubits > platform.max_qubit_count:
        raise InvalidArgumentError(
            f"the program uses {num_qubits} qubits but {platform.name} has {platform.max_qubit_count}"
        )


def chunk_sizes(n_programs: int, max_circuit_count: int) -> list[int]:
    """Split ``n_programs`` into as few jobs as ``max_circuit_count`` allows (0: no limit)."""
    per_job = max_circuit_count if max_circuit_count > 0 else n_programs
    full, rest = divmod(n_programs, per_job)
    return [per_job] * full + ([rest] if rest else [])


@attrs.frozen
class JobPart:
    """One remote job and how many of the submission's programs it holds."""

    job_id: str
    n_programs: int
    session_id: str | None = None


_STATUS_RANK = {
    JobStatus.ERROR: 0,
    JobStatus.CANCELLED: 1,
    JobStatus.CANCELLING: 2,
    JobStatus.RUNNING: 3,
    JobStatus.UNKNOWN: 4,
    JobStatus.WAITING: 5,
    JobStatus.COMPLETED: 6,
}


class Job:
    """A submission: one or more remote jobs whose programs, in order, are the submitted ones.

    ``job_id`` joins the remote ids with commas; :meth:`attach` takes it back.
    """

    def __init__(self, client: QaaSClient, parts: Sequence[JobPart], poll: PollPolicy | None = None) -> None:
        self.client = client
        self.parts = tuple(parts)
        self.poll = poll or PollPolicy()
        self._infos: dict[str, JobInfo] = {}
        self._results: list[ExperimentResult] | None = None

    def __repr__(self) -> str:
        return f"Job({self.job_id!r}, programs={self.n_programs})"

    @property
    def job_id(self) -> str:
        return ",".join(p.job_id for p in self.parts)

    @property
    def ids(self) -> list[str]:
        return [p.job_id for p in self.parts]

    @property
    def n_programs(self) -> int:
        return sum(p.n_programs for p in self.parts)

    @classmethod
    def attach(cls, client: QaaSClient, job_id: str) -> Job:
        """Re-attach to a submission from its ``job_id`` (the program counts are read from the results)."""
        ids = [i.strip() for i in job_id.split(",") if i.strip()]
        if not ids:
            raise InvalidArgumentError(f"invalid job id {job_id!r}")
        return cls(client, [JobPart(i, 0) for i in ids])

    # --- submission --------------------------------------------------------------

    @classmethod
    async def submit_async(
        cls,
        client: QaaSClient,
        session_id: str,
        platform: Platform,
        programs: Sequence[Program],
        *,
        shots: int,
        options: dict[str, Any] | None = None,
        noise_model: NoiseModel | None = None,
        num_qubits: int | None = None,
        poll: PollPolicy | None = None,
    ) -> Job:
        """Create the models and jobs (concurrently) and return without waiting for results."""
        return await on_core_loop(
            cls._submit(client, session_id, platform, programs, shots=shots, options=options,
                        noise_model=noise_model, num_qubits=num_qubits, poll=poll)
        )

    @classmethod
    async def _submit(
        cls,
        client: QaaSClient,
        session_id: str,
        platform: Platform,
        programs: Sequence[Program],
        *,
        shots: int,
        options: dict[str, Any] | None,
        noise_model: NoiseModel | None,
        num_qubits: int | None,
        poll: PollPolicy | None,
    ) -> Job:
        validate_submission(platform, len(programs), shots, num_qubits)
        parameters = ComputationParameters(shots=shots, options=options or None)
        backend = BackendData(name=platform.backend_name or platform.name, version=platform.version or None)
        gate = asyncio.Semaphore(MAX_CONCURRENT_SUBMISSIONS)

        async def one(chunk: Sequence[Program]) -> JobPart:
            async with gate:
                model = ComputationModel(tuple(chunk), backend=backend, client=USER_AGENT, noise_model=noise_model)
                stored = await client.aio.create_model(model)
                name = f"scaleway-qaas-{uuid.uuid4().hex[:16]}"
                job = await client.aio.create_job(session_id, stored.id, parameters, name=name)
                return JobPart(job.id, len(chunk), session_id)

        chunks = []
        start = 0
        for size in chunk_sizes(len(programs), platform.max_circuit_count):
            chunks.append(programs[start : start + size])
            start += size
        parts = await asyncio.gather(*(one(c) for c in chunks))
        return cls(client, parts, poll)

    @classmethod
    def submit(cls, client: QaaSClient, session_id: str, platform: Platform, programs: Sequence[Program],
               **kwargs: Any) -> Job:
        """Blocking form of :meth:`submit_async`."""
        return run_sync(cls.submit_async(client, session_id, platform, programs, **kwargs))

    # --- status and waiting --------------------------------------------------------

    async def _refresh(self) -> list[JobInfo]:
        pending = [p.job_id for p in self.parts
                   if p.job_id not in self._infos or not self._infos[p.job_id].status.is_final]
        infos = await asyncio.gather(*(self.client.aio.get_job(i) for i in pending))
        for info in infos:
            self._infos[info.id] = info
        return [self._infos[p.job_id] for p in self.parts]

    def _overall(self) -> JobStatus:
        return min((self._infos[p.job_id].status for p in self.parts), key=lambda s: _STATUS_RANK[s])

    async def status_async(self) -> JobStatus:
        await on_core_loop(self._refresh())
        return self._overall()

    def status(self) -> JobStatus:
        """The least advanced status of its remote jobs (``error`` first)."""
        return run_sync(self.status_async())

    async def wait_async(self, timeout: float | None = None) -> JobStatus:
        """Wait until every remote job is final (or one failed); :class:`JobTimeoutError` on timeout.

        Polling is adaptive and shared: the jobs of one session waited on at once
        are polled together (see :mod:`.polling`), and an outage of the service is
        ridden over for up to ``PollPolicy.max_outage`` seconds.
        """
        return await on_core_loop(self._wait(timeout))

    async def _wait(self, timeout: float | None) -> JobStatus:
        deadline = None if timeout is None else time.monotonic() + timeout
        if any(p.session_id is None and p.job_id not in self._infos for p in self.parts):
            await self._refresh()  # re-attached jobs: learn their sessions (and statuses)
        waits: dict[asyncio.Future[JobInfo], tuple[str, Any]] = {}
        for part in self.parts:
            known = self._infos.get(part.job_id)
            if known is not None and known.status.is_final:
                continue
            session_id = part.session_id or (known.session_id if known else "")
            board = board_for(self.client.aio, session_id, self.poll)
            waits[board.watch(part.job_id)] = (part.job_id, board)
        pending = set(waits)
        try:
            while pending:
                remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
                done, pending = await asyncio.wait(pending, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
                if not done:
                    for future in pending:
                        job_id, board = waits[future]
                        if job_id in board.last:
                            self._infos[job_id] = board.last[job_id]
                    status = min((self._infos[p.job_id].status if p.job_id in self._infos else JobStatus.WAITING
                                  for p in self.parts), key=lambda s: _STATUS_RANK[s])
                    raise JobTimeoutError(
                        f"job {self.job_id} still {status.value} after {timeout} s; "
                        "it keeps running: wait again, or cancel it"
                    )
                for future in done:
                    info = future.result()
                    self._infos[info.id] = info
                    if info.status in (JobStatus.ERROR, JobStatus.CANCELLED):
                        return info.status
        finally:
            for future in pending:
                job_id, board = waits[future]
                board.unwatch(job_id, future)
                future.cancel()
        return self._overall()

    def wait(self, timeout: float | None = None) -> JobStatus:
        return run_sync(self.wait_async(timeout))

    # --- results -----------------------------------------------------------------

    async def result_async(self, timeout: float | None = None) -> list[ExperimentResult]:
        """Wait, then decode every program's result, in submission order."""
        return await on_core_loop(self._result(timeout))

    async def _result(self, timeout: float | None) -> list[ExperimentResult]:
        if self._results is not None:
            return self._results
        await self._wait(timeout)
        for part in self.parts:
            info = self._infos[part.job_id]
            if info.status == JobStatus.CANCELLED:
                raise JobCancelledError(f"job {part.job_id} was cancelled", job_id=part.job_id)
            if info.status == JobStatus.ERROR:
                raise JobFailedError(
                    f"job {part.job_id} failed: {info.progress_message or 'no message from the platform'}",
                    job_id=part.job_id,
                )
        gate = asyncio.Semaphore(MAX_CONCURRENT_SUBMISSIONS)

        async def fetch(job_id: str) -> list[Any]:
            async with gate:
                return await self.client.aio.fetch_job_results(job_id)

        payloads = await asyncio.gather(*(fetch(p.job_id) for p in self.parts))
        results: list[ExperimentResult] = []
        for part, part_payloads in zip(self.parts, payloads, strict=True):
            decoded = [exp for payload in part_payloads for exp in payload.decode()]
            if part.n_programs and len(decoded) != part.n_programs:
                raise PayloadError(
                    f"job {part.job_id} returned {len(decoded)} results for {part.n_programs} programs"
                )
            results.extend(decoded)
        self._results = results
        return results

    def result(self, timeout: float | None = None) -> list[ExperimentResult]:
        return run_sync(self._result(timeout))

    async def cancel_async(self) -> None:
        await on_core_loop(self._cancel())

    async def _cancel(self) -> None:
        infos = await self._refresh()
        await asyncio.gather(*(self.client.aio.cancel_job(i.id) for i in infos if not i.status.is_final))

    def cancel(self) -> None:
        """Cancel every remote job not yet final."""
        run_sync(self.cancel_async())

    def result_future(self, timeout: float | None = None) -> Any:
        """A ``concurrent.futures.Future`` of :meth:`result` (for ``sample_async``-style APIs)."""
        return submit(self._result(timeout))
