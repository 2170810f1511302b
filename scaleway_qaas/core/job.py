"""Job handles: one submission (one or more remote jobs), waited on adaptively, results in submission order."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from .errors import (
    InvalidArgumentError,
    JobCancelledError,
    JobFailedError,
    JobTimeoutError,
    PayloadError,
    ServiceUnreachableError,
)
from .loop import blocking, on_core
from .polling import PollPolicy, board_for
from .progress import SessionProgress
from .records import JobInfo, JobStatus
from .results import ExperimentResult

if TYPE_CHECKING:
    from .client import QaaSClient

T = TypeVar("T")

#: result downloads in flight at once per submission
MAX_CONCURRENT_DOWNLOADS = 16


@attrs.frozen
class JobPart:
    """One remote job: its id, its session, and where its programs sit in the submission (None: unknown,
    for a job re-attached by id; then its programs follow the previous part's)."""

    job_id: str
    session_id: str | None = None
    indices: tuple[int, ...] | None = None


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

    ``job_id`` joins the remote ids with commas; :meth:`attach` takes it back. Every
    coroutine method ``x_async`` has a blocking twin ``x``.
    """

    def __init__(
        self, client: QaaSClient, parts: Sequence[JobPart], poll: PollPolicy | None = None, platform_name: str = ""
    ) -> None:
        self.client = client
        self.parts = tuple(parts)
        self.poll = poll or PollPolicy.for_url(client.config.api_url)
        self.platform_name = platform_name
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
        return sum(len(p.indices or ()) for p in self.parts)

    @classmethod
    def attach(cls, client: QaaSClient, job_id: str) -> Job:
        """Re-attach to a submission from its ``job_id`` (the program counts are read from the results)."""
        ids = [i.strip() for i in job_id.split(",") if i.strip()]
        if not ids:
            raise InvalidArgumentError(f"invalid job id {job_id!r}")
        return cls(client, [JobPart(i) for i in ids])

    # --- status and waiting --------------------------------------------------------

    async def _refresh(self) -> list[JobInfo]:
        pending = [
            p.job_id for p in self.parts if p.job_id not in self._infos or not self._infos[p.job_id].status.is_final
        ]
        infos = await asyncio.gather(*(self.client.aio.get_job(i) for i in pending))
        for info in infos:
            self._infos[info.id] = info
        return [self._infos[p.job_id] for p in self.parts]

    def _overall(self) -> JobStatus:
        return min((self._infos[p.job_id].status for p in self.parts), key=lambda s: _STATUS_RANK[s])

    @on_core
    async def status_async(self) -> JobStatus:
        """The least advanced status of its remote jobs (``error`` first)."""
        await self._refresh()
        return self._overall()

    status = blocking(status_async)

    @on_core
    async def wait_async(self, timeout: float | None = None) -> JobStatus:
        """Wait until every remote job is final (or one failed); :class:`JobTimeoutError` on timeout.

        Polling is adaptive and shared: the jobs of one session waited on at once are
        polled together (see :mod:`.polling`); outages and rate limits are ridden over
        for up to ``PollPolicy.max_outage`` seconds, then :class:`ServiceUnreachableError` names
        the URL and these jobs (which may still be running). While the session is still starting
        (minutes, on the cloud), a progress line shows it (``PollPolicy.show_progress``).
        """
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
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
        progress = SessionProgress.start(self) if pending and self.poll.show_progress else None
        try:
            while pending:
                remaining = None if deadline is None else max(0.0, deadline - loop.time())
                done, pending = await asyncio.wait(pending, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
                if not done:
                    raise self._timeout(waits, pending, timeout)
                for future in done:
                    try:
                        info = future.result()
                    except ServiceUnreachableError as exc:  # told of this submission's jobs, all of them
                        raise exc.for_jobs(self.ids) from exc.__cause__

                    self._infos[info.id] = info
                    if info.status in (JobStatus.ERROR, JobStatus.CANCELLED) or not info.status.is_final:
                        return info.status  # failed, or stuck (cancelling / unknown_status): reported by result()
        finally:
            if progress is not None:
                await progress.stop()
            for future in pending:
                job_id, board = waits[future]
                board.unwatch(job_id, future)
                future.cancel()
            for future in waits:  # one failure (e.g. an outage) may end several: it is raised once
                if future.done() and not future.cancelled():
                    future.exception()
        return self._overall()

    wait = blocking(wait_async)

    def _timeout(self, waits: dict[Any, tuple[str, Any]], pending: set[Any], timeout: float | None) -> JobTimeoutError:
        since = self.client.aio.unreachable_since
        if since is not None:  # nothing is known of the jobs since the service stopped answering
            last = next((b.last_error for _, b in waits.values() if b.last_error is not None), None)
            return JobTimeoutError(
                f"gave up waiting for job {self.job_id} after {timeout} s: the QaaS API at "
                f"{self.client.config.api_url} has been unreachable for the last {time.monotonic() - since:.0f} s"
                + (f" ({last})" if last is not None else "")
                + f"; the job may still be running on the service: wait again later (Job.attach(client, "
                f"{self.job_id!r}))"
            )
        for future in pending:
            job_id, board = waits[future]
            if job_id in board.last:
                self._infos[job_id] = board.last[job_id]
        status = min(
            (self._infos[p.job_id].status if p.job_id in self._infos else JobStatus.WAITING for p in self.parts),
            key=lambda s: _STATUS_RANK[s],
        )
        return JobTimeoutError(
            f"job {self.job_id} still {status.value} after {timeout} s (as the service last answered): wait again, "
            "or cancel it"
        )

    # --- results -----------------------------------------------------------------

    def _check(self, part: JobPart) -> None:
        info = self._infos[part.job_id]
        message = info.progress_message or "no message from the platform"
        if info.status == JobStatus.CANCELLED:
            raise JobCancelledError(f"job {part.job_id} was cancelled", job_id=part.job_id)
        if info.status == JobStatus.ERROR:
            raise JobFailedError(f"job {part.job_id} failed: {message}", job_id=part.job_id)
        if info.status == JobStatus.CANCELLING:
            raise JobCancelledError(
                f"job {part.job_id} is still cancelling after {self.poll.stuck_after:g} s; it will give no result",
                job_id=part.job_id,
            )
        if info.status != JobStatus.COMPLETED:
            raise JobFailedError(
                f"job {part.job_id} has been in status {info.status.value!r} for {self.poll.stuck_after:g} s "
                f"({message}); check it later with its id",
                job_id=part.job_id,
            )

    @on_core
    async def result_async(self, timeout: float | None = None) -> list[ExperimentResult]:
        """Wait, then decode every program's result, in submission order."""
        if self._results is not None:
            return self._results
        await self.wait_async(timeout)
        for part in self.parts:
            self._check(part)
        gate = asyncio.Semaphore(MAX_CONCURRENT_DOWNLOADS)

        async def fetch(job_id: str) -> list[Any]:
            async with gate:
                return await self.client.aio.fetch_job_results(job_id)

        payloads = await asyncio.gather(*(fetch(p.job_id) for p in self.parts))
        ordered: dict[int, ExperimentResult] = {}
        next_index = 0
        for part, part_payloads in zip(self.parts, payloads, strict=True):
            decoded = [exp for payload in part_payloads for exp in payload.decode()]
            indices = part.indices if part.indices is not None else range(next_index, next_index + len(decoded))
            if len(decoded) != len(indices):
                raise PayloadError(f"job {part.job_id} returned {len(decoded)} results for {len(indices)} programs")
            ordered.update(zip(indices, decoded, strict=True))
            next_index = max(indices, default=next_index - 1) + 1
        self._results = [ordered[i] for i in sorted(ordered)]
        return self._results

    result = blocking(result_async)

    @on_core
    async def cancel_async(self) -> None:
        """Cancel every remote job not yet final."""
        infos = await self._refresh()
        await asyncio.gather(*(self.client.aio.cancel_job(i.id) for i in infos if not i.status.is_final))

    cancel = blocking(cancel_async)


class ResultFuture(Generic[T]):
    """The pending result of a submission made without waiting: ``get()`` blocks, ``await`` works from
    any loop, ``job_id`` is known as soon as the remote jobs exist."""

    def __init__(
        self,
        future: Future[list[ExperimentResult]],
        convert: Callable[[list[ExperimentResult]], T],
        job: Callable[[], Job | None],
    ) -> None:
        self._future = future
        self._convert = convert
        self._job = job

    @property
    def job(self) -> Job | None:
        """The core job, once created."""
        return self._job()

    @property
    def job_id(self) -> str | None:
        """The core job id (``"id1,id2"`` when split), once the jobs are created."""
        job = self._job()
        return job.job_id if job is not None else None

    def done(self) -> bool:
        return self._future.done()

    def get(self, timeout: float | None = None) -> T:
        """The result; raises the core's errors (``JobFailedError``, ``JobTimeoutError``...)."""
        return self._convert(self._future.result(timeout))

    def __await__(self) -> Generator[Any, None, T]:
        results = yield from asyncio.wrap_future(self._future).__await__()
        return self._convert(results)
