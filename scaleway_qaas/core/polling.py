"""Coalesced status polling: every job waited on in a session shares one poll per tick.

A lone job is polled with ``GET /jobs/{id}``. When several jobs of a session
are waited on at once (a split sweep, many concurrent submissions), one
``GET /jobs?session_id=...`` (newest first, paged only as far as needed)
answers for all of them, so the request rate stays flat as concurrency grows.
Each job keeps its own adaptive schedule (milliseconds first on loopback, ~100 ms
against a remote host, then backing off); the board polls when the earliest job is due.
A poll that finds jobs newly final brings the others' next poll forward, never later than their own
schedule and at least ``PollPolicy.min_sooner_interval`` ahead: near the end of a run (the jobs
still waited on fit in one list page), to half the time that passed per finished job since the board
last saw one finish; before (each poll reads several pages), halfway to when the remaining jobs should
all have finished at that pace. Jobs that finish one after another (a sweep's jobs, run in turn) are
noticed within about half a gap, the last one too, instead of after a backed-off interval; while
nothing finishes, polling backs off as before.
An unreachable service (no connection, timeouts, 5xx; 429, honouring ``Retry-After``) is ridden
over for ``PollPolicy.max_outage``, then the waiters get :class:`ServiceUnreachableError`; a job
stuck in ``cancelling`` or ``unknown_status`` for ``PollPolicy.stuck_after`` is handed back to its
waiter, which reports it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import TYPE_CHECKING, Any

import attrs
import httpx

from .errors import NotFoundError, RateLimitedError, ServerError, ServiceUnreachableError
from .records import JobInfo, JobStatus

if TYPE_CHECKING:
    from .client import AsyncQaaSClient

log = logging.getLogger("scaleway_qaas.polling")

LIST_PAGE_SIZE = 100
#: at most this many jobs still waited on: the end of a run, polled sooner as jobs finish (one page holds them)
NEAR_END = LIST_PAGE_SIZE // 2


_LOOPBACK = ("localhost", "127.0.0.1", "::1")
_STUCK = (JobStatus.CANCELLING, JobStatus.UNKNOWN)


@attrs.frozen
class PollPolicy:
    """Adaptive polling: start at ``initial_interval``, grow by ``factor``, cap at ``max_interval``.

    ``max_outage`` (seconds, default 60) bounds every wait on an unreachable service: once no poll
    has succeeded for that long (connections refused or timing out, HTTP 5xx, 429), waiting ends with
    :class:`~scaleway_qaas.errors.ServiceUnreachableError`, which names the URL and the jobs (they may
    still be running on the service).
    """

    initial_interval: float = 0.1
    factor: float = 1.5
    max_interval: float = 2.0
    #: shortest spacing of two coalesced list calls of one session
    min_list_interval: float = 0.005
    #: shortest interval of the polls brought forward as jobs finish near the end of a run (each lists a page)
    min_sooner_interval: float = 0.02
    #: how long polling rides over an unreachable, failing or rate-limiting service before giving up
    max_outage: float = 60.0
    #: how long a job may stay ``cancelling`` or ``unknown_status`` before its waiter is told
    stuck_after: float = 60.0
    #: show a status line while a job waits for its session to start (see :mod:`.progress`)
    show_progress: bool = True

    @classmethod
    def for_url(cls, api_url: str, **changes: Any) -> PollPolicy:
        """The default policy for an API: milliseconds on loopback (the emulator), ~100 ms remotely."""
        host = httpx.URL(api_url).host
        local = host in _LOOPBACK or host.startswith("127.")
        return cls(**{"initial_interval": 0.002 if local else 0.1, **changes})


@attrs.define
class _Watch:
    future: asyncio.Future[JobInfo]
    due: float
    interval: float
    stuck_since: float | None = None


class StatusBoard:
    """The jobs of one session being waited on, polled together."""

    def __init__(self, client: AsyncQaaSClient, session_id: str, poll: PollPolicy) -> None:
        self.client = client
        self.session_id = session_id
        self.poll = poll
        self.last: dict[str, JobInfo] = {}
        self._watches: dict[str, list[_Watch]] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._key = (id(client), session_id)
        #: when a poll last found a waited-on job final (or, before any, when the board started waiting)
        self._progress_at: float | None = None
        #: the last error of a poll, while the service is unreachable
        self.last_error: BaseException | None = None

    def watch(self, job_id: str) -> asyncio.Future[JobInfo]:
        """A future resolved with the job's info once it is final (completed, error, cancelled)."""
        future: asyncio.Future[JobInfo] = asyncio.get_running_loop().create_future()
        interval = self.poll.initial_interval
        self._watches.setdefault(job_id, []).append(_Watch(future, time.monotonic() + interval, interval))
        if self._task is None or self._task.done():
            self._progress_at = time.monotonic()
            self._task = asyncio.create_task(self._run())
        self._wake.set()
        return future

    def unwatch(self, job_id: str, future: asyncio.Future[JobInfo]) -> None:
        """Stop polling for a waiter that gave up (timeout, cancellation)."""
        watches = [w for w in self._watches.get(job_id, []) if w.future is not future]
        if watches:
            self._watches[job_id] = watches
        else:
            self._watches.pop(job_id, None)

    async def _run(self) -> None:
        self.last_error = None
        last_list = 0.0
        while self._watches:
            due = min(w.due for ws in self._watches.values() for w in ws)
            if len(self._watches) > 1:
                due = max(due, last_list + self.poll.min_list_interval)
            self._wake.clear()
            delay = due - time.monotonic()
            if delay > 0:
                try:
                    await asyncio.wait_for(self._wake.wait(), delay)
                    continue  # a new waiter may be due sooner
                except TimeoutError:
                    pass
            ids = list(self._watches)
            try:  # one poll, retries included, lasts no longer than the outage still allowed
                since = self.client.unreachable_since or time.monotonic()
                budget = since + self.poll.max_outage - time.monotonic()
                infos, missing = await asyncio.wait_for(self._fetch(ids), max(0.0, budget))
                last_list, self.last_error = time.monotonic(), None
            except (TimeoutError, ServerError, RateLimitedError) as exc:
                timed_out = isinstance(exc, TimeoutError)  # the poll itself outlasted the outage allowed
                if not timed_out or self.last_error is None:
                    self.last_error = exc if str(exc) else TimeoutError("no answer to a status poll")
                since = self.client.unreachable_since or since
                waited = time.monotonic() - since
                if timed_out or waited >= self.poll.max_outage:
                    url = self.client.config.api_url
                    self._fail_all(ServiceUnreachableError(url, ids, waited, self.last_error))
                    return
                log.warning(
                    "service unreachable while polling session %s for %.0f s: %s; giving up after %g s",
                    self.session_id,
                    waited,
                    exc,
                    self.poll.max_outage,
                )
                self._reschedule(ids, getattr(exc, "retry_after", None))
                continue
            except Exception as exc:  # anything else is not transient: the waiters see it
                self._fail_all(exc)
                return
            for job_id, error in missing.items():  # deleted, or not visible to this key
                for w in self._watches.pop(job_id, []):
                    if not w.future.done():
                        w.future.set_exception(error)
            now = time.monotonic()
            finished = 0
            for info in infos:
                self.last[info.id] = info
                if info.status.is_final:
                    finished += info.id in self._watches
                    for w in self._watches.pop(info.id, []):
                        if not w.future.done():
                            w.future.set_result(info)
                    continue
                for w in self._watches.get(info.id, []):
                    w.stuck_since = (w.stuck_since or now) if info.status in _STUCK else None
                stuck = [
                    w
                    for w in self._watches.get(info.id, [])
                    if w.stuck_since is not None and now - w.stuck_since >= self.poll.stuck_after
                ]
                for w in stuck:
                    self.unwatch(info.id, w.future)
                    if not w.future.done():
                        w.future.set_result(info)  # not final: the waiter reports it as stuck
            self._reschedule([i for i in ids if i in self._watches])
            if finished:
                self._sooner(now, finished)
        if _boards.get(self._key) is self:
            del _boards[self._key]

    def _reschedule(self, ids: list[str], retry_after: float | None = None) -> None:
        now = time.monotonic()
        for job_id in ids:
            for w in self._watches.get(job_id, []):
                if w.due <= now:
                    w.interval = min(w.interval * self.poll.factor, self.poll.max_interval)
                    w.due = now + max(w.interval, min(retry_after or 0.0, self.poll.max_outage))

    def _sooner(self, now: float, finished: int) -> None:
        """``finished`` jobs were found final at this poll: the others are due again within half the time
        per finished job since the last ones were found, near the end of the run; before, halfway to when
        they should all have finished at that pace (never later than their own schedule)."""
        per_job = (now - (self._progress_at or now)) / finished
        self._progress_at = now
        remaining = len(self._watches)
        # near the end, half a job's time; before, half the time the remaining jobs should take at this pace
        ahead = per_job / 2 if remaining <= NEAR_END else per_job * remaining / 2
        interval = max(self.poll.initial_interval, self.poll.min_sooner_interval, ahead)
        for watches in self._watches.values():
            for w in watches:
                w.interval = min(w.interval, interval)
                w.due = min(w.due, now + w.interval)

    def _fail_all(self, exc: BaseException) -> None:
        watches, self._watches = self._watches, {}
        for ws in watches.values():
            for w in ws:
                if not w.future.done():
                    w.future.set_exception(exc)

    async def _fetch(self, ids: list[str]) -> tuple[list[JobInfo], dict[str, NotFoundError]]:
        """The jobs' infos, and the jobs that no longer exist."""
        if len(ids) == 1:
            try:
                return [await self.client.get_job(ids[0])], {}
            except NotFoundError as exc:
                return [], {ids[0]: exc}
        wanted = set(ids)
        found: list[JobInfo] = []
        # waited-on jobs are mostly the newest: a page a little larger than their number usually holds them all
        page_size = min(LIST_PAGE_SIZE, max(10, 2 * len(ids)))
        page, seen = 1, 0
        while wanted:
            jobs, total = await self.client.list_jobs_page(
                session_id=self.session_id, page=page, page_size=page_size, order_by="created_at_desc"
            )
            seen += len(jobs)
            for info in jobs:
                if info.id in wanted:
                    wanted.discard(info.id)
                    found.append(info)
            # as AsyncQaaSClient._list: a server may serve shorter pages than asked while its total says more
            if seen >= total or not jobs if total is not None else len(jobs) < page_size:
                break
            page += 1
        missing: dict[str, NotFoundError] = {}
        for job_id in wanted:  # not listed (another session, or just deleted): ask directly
            try:
                found.append(await self.client.get_job(job_id))
            except NotFoundError as exc:
                missing[job_id] = exc
        return found, missing


_boards: dict[tuple[int, str], StatusBoard] = {}


def _forget_after_fork() -> None:
    """A forked child polls for itself: the parent's boards and their tasks live on the parent's loop."""
    _boards.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


def board_for(client: AsyncQaaSClient, session_id: str, poll: PollPolicy) -> StatusBoard:
    """The status board of a session (one per client and session, on the core's loop)."""
    key = (id(client), session_id)
    board = _boards.get(key)
    if board is None or board.client is not client:
        board = _boards[key] = StatusBoard(client, session_id, poll)
    return board
