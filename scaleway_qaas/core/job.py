"""Job handles: one submission (one or more remote jobs), waited on adaptively, results in submission order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import (
    InvalidArgumentError,
    JobCancelledError,
    JobFailedError,
    JobTimeoutError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    ServiceUnreachableError,
    SessionClosedError,
)
from .finals import Convert, Downloads, JobPart
from .loop import blocking, on_core, run_sync
from .polling import PollPolicy, board_for
from .progress import SessionProgress
from .records import JobInfo, JobStatus, SessionStatus
from .results import ExperimentResult

if TYPE_CHECKING:
    from .client import QaaSClient

T = TypeVar("T")
log = logging.getLogger("scaleway_qaas.job")

#: how often (s) the sessions of jobs still ``waiting`` are read while waiting, to notice one that stopped
SESSION_CHECK_EVERY = 10.0


#: submits stranded jobs again in a fresh session: (closed session id, stranded parts) -> their replacements
Resubmit = Callable[[str, list["JobPart"]], Awaitable[list["JobPart"]]]


class _StoppedUnderJobs(Exception):
    """A session stopped (or vanished) while jobs still wait in it."""

    def __init__(self, session_id: str, job_ids: list[str], state: str) -> None:
        super().__init__(session_id)
        self.session_id, self.job_ids, self.state = session_id, job_ids, state


_STATUS_RANK = {
    JobStatus.ERROR: 0,
    JobStatus.CANCELLED: 1,
    JobStatus.CANCELLING: 2,
    JobStatus.RUNNING: 3,
    JobStatus.UNKNOWN: 4,
    JobStatus.WAITING: 5,
    JobStatus.COMPLETED: 6,
}


@contextlib.contextmanager
def delivering(job: Callable[[], Job | None]) -> Iterator[None]:
    """Tell the job's ``on_delivery`` whether the results handed over in the block reached the caller."""
    try:
        yield
    except BaseException:
        if (known := job()) is not None and known.on_delivery is not None:
            known.on_delivery(False)
        raise
    if (known := job()) is not None and known.on_delivery is not None:
        known.on_delivery(True)


class Job:
    """A submission: one or more remote jobs whose programs, in order, are the submitted ones.

    ``job_id`` joins the remote ids with commas; :meth:`attach` takes it back. Every
    coroutine method ``x_async`` has a blocking twin ``x``.
    """

    def __init__(
        self,
        client: QaaSClient,
        parts: Sequence[JobPart],
        poll: PollPolicy | None = None,
        platform_name: str = "",
        known: Sequence[JobInfo] = (),
        resubmit: Resubmit | None = None,
    ) -> None:
        self.client = client
        self.parts = tuple(parts)
        self.poll = poll or PollPolicy.for_url(client.config.api_url)
        self.platform_name = platform_name
        self._infos: dict[str, JobInfo] = {info.id: info for info in known}
        self._results: list[ExperimentResult] | None = None
        #: told whether the results reached the caller (True) or the wait for them ended without (False)
        self.on_delivery: Callable[[bool], None] | None = None
        #: given by the submission flow for a managed session; used at most once (see :meth:`wait_async`)
        self._resubmit = resubmit
        #: the result downloads of a :meth:`collect_async` under way (each job's start once it is completed)
        self._downloads: Downloads[Any] | None = None
        self._by_id: tuple[tuple[JobPart, ...], dict[str, JobPart]] = ((), {})

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

        Every ``SESSION_CHECK_EVERY`` seconds the sessions of jobs still ``waiting`` are read: if one
        stopped (or vanished) under them, they will never run. Jobs of a managed session are then
        submitted again in a fresh one, once (``job_id`` then names the new jobs); otherwise
        :class:`SessionClosedError` names the session and the jobs.
        """
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            try:
                return await self._wait(deadline, timeout)
            except _StoppedUnderJobs as stopped:
                await self._recover(stopped)

    async def _wait(self, deadline: float | None, timeout: float | None) -> JobStatus:
        loop = asyncio.get_running_loop()
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
        progress = (
            SessionProgress.start(self.client.aio, self.platform_name, self._session_ids)
            if pending and self.poll.show_progress
            else None
        )
        next_check = loop.time() + SESSION_CHECK_EVERY
        try:
            while pending:
                step = next_check - loop.time() if deadline is None else min(deadline, next_check) - loop.time()
                done, pending = await asyncio.wait(pending, timeout=max(0.0, step), return_when=asyncio.FIRST_COMPLETED)
                if pending and loop.time() >= next_check:
                    await self._check_sessions([waits[f] for f in pending])
                    next_check = loop.time() + SESSION_CHECK_EVERY
                if not done:
                    if deadline is not None and loop.time() >= deadline:
                        raise self._timeout(waits, pending, timeout)
                    continue
                for future in done:
                    try:
                        info = future.result()
                    except ServiceUnreachableError as exc:  # told of this submission's jobs, all of them
                        raise exc.for_jobs(self.ids) from exc.__cause__

                    self._infos[info.id] = info
                    if info.status == JobStatus.COMPLETED and self._downloads is not None:
                        self._downloads.start(self._part(info.id))
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

    async def _check_sessions(self, watched: list[tuple[str, Any]]) -> None:
        """Raise :class:`_StoppedUnderJobs` if a session of jobs still ``waiting`` stopped or vanished."""
        waiting: dict[str, list[str]] = {}
        for job_id, board in watched:
            info = board.last.get(job_id) or self._infos.get(job_id)
            if info is not None and info.status == JobStatus.WAITING and info.session_id:
                waiting.setdefault(info.session_id, []).append(job_id)
        for session_id, job_ids in waiting.items():
            try:
                state = (await self.client.aio.get_session(session_id)).status
            except NotFoundError:
                state = None
            except (ServerError, RateLimitedError):
                continue  # an outage: the status boards bound it (PollPolicy.max_outage)
            if state is None or state in (SessionStatus.STOPPING, SessionStatus.STOPPED):
                raise _StoppedUnderJobs(session_id, sorted(job_ids), state.value if state else "deleted")

    async def _recover(self, stopped: _StoppedUnderJobs) -> None:
        """Resubmit the stranded jobs once (managed sessions), or raise :class:`SessionClosedError`."""
        jobs = ", ".join(stopped.job_ids)
        if self._resubmit is None:
            raise SessionClosedError(
                f"session {stopped.session_id} is {stopped.state} while job(s) {jobs} still wait in it: they "
                "will not run; submit them again in an open session"
            )
        resubmit, self._resubmit = self._resubmit, None
        by_id = {p.job_id: p for p in self.parts}
        stranded = [by_id[job_id] for job_id in stopped.job_ids]
        replacements = dict(zip(stopped.job_ids, await resubmit(stopped.session_id, stranded), strict=True))
        self.parts = tuple(replacements.get(p.job_id, p) for p in self.parts)
        for job_id in stopped.job_ids:
            self._infos.pop(job_id, None)
        log.warning(
            "session %s is %s while job(s) %s still waited in it: submitted again as %s",
            stopped.session_id,
            stopped.state,
            jobs,
            ", ".join(p.job_id for p in replacements.values()),
        )

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

    def _session_ids(self) -> set[str]:
        """The sessions of its remote jobs, as far as known."""
        ids = {p.session_id for p in self.parts if p.session_id}
        return ids | {info.session_id for info in self._infos.values() if info.session_id}

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

    async def result_async(self, timeout: float | None = None) -> list[ExperimentResult]:
        """Wait, then decode every program's result, in submission order."""
        with delivering(lambda: self):
            return await self.collect_async(timeout)

    def result(self, timeout: float | None = None) -> list[ExperimentResult]:
        """Wait, then decode every program's result, in submission order."""
        with delivering(lambda: self):
            return run_sync(self.collect_async(timeout))

    @on_core
    async def collect_async(self, timeout: float | None = None) -> list[ExperimentResult]:
        """The results, without reporting their delivery (:meth:`result_async` does, in the caller's context)."""
        if self._results is None:
            self._results = await self.collect_each_async(lambda _, experiments: experiments, timeout)
        return self._results

    @on_core
    async def collect_each_async(self, convert: Convert[T], timeout: float | None = None) -> list[T]:
        """Every program's result converted by ``convert``, in submission order.

        Each job's results are downloaded as soon as it is seen completed, while the others still run, and
        converted as soon as decoded (:mod:`.finals`; then dropped: a long sweep holds one job's neutral
        results at a time). ``convert(indices, results)`` gets one job's results and their submission indices
        and returns one item per result. Nothing is kept: each call downloads again (:meth:`collect_async`
        keeps its results)."""
        downloads = self._downloads = Downloads(self.client.aio, self.parts, convert)
        try:
            for part in self.parts:  # already known completed (re-attached, or waited on before)
                known = self._infos.get(part.job_id)
                if known is not None and known.status == JobStatus.COMPLETED:
                    downloads.start(part)
            await self.wait_async(timeout)
            for part in sorted(self.parts, key=lambda p: p.job_id not in self._infos):  # a failed one is known
                self._check(part)
            return await downloads.results(self.parts)
        except BaseException:
            await downloads.cancel()
            raise
        finally:
            self._downloads = None

    def result_each(self, convert: Convert[T], timeout: float | None = None) -> list[T]:
        """Wait, then every program's result converted job by job (:meth:`collect_each_async`), in order."""
        with delivering(lambda: self):
            return run_sync(self.collect_each_async(convert, timeout))

    def _part(self, job_id: str) -> JobPart:
        """The part of a job id (the parts may be made again after a resubmission replaced some)."""
        if self._by_id[0] is not self.parts:
            self._by_id = (self.parts, {p.job_id: p for p in self.parts})
        return self._by_id[1][job_id]

    collect = blocking(collect_async)

    @on_core
    async def cancel_async(self) -> None:
        """Cancel every remote job not yet final."""
        infos = await self._refresh()
        await asyncio.gather(*(self.client.aio.cancel_job(i.id) for i in infos if not i.status.is_final))

    cancel = blocking(cancel_async)
