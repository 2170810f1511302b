"""A submission's final results, downloaded job by job as each job is seen completed (not once all are).

While a submission waits, every job found ``completed`` has its results downloaded and decoded at once
(at most :data:`MAX_CONCURRENT_DOWNLOADS` at a time), so that when the last job completes only its own
results remain to be read.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .codecs import decode
from .errors import PayloadError
from .results import ExperimentResult

if TYPE_CHECKING:
    from .client import AsyncQaaSClient
    from .wire import ProgramResult

#: result downloads in flight at once per submission
MAX_CONCURRENT_DOWNLOADS = 16


def final_results(job_id: str, programs: int | None, payloads: Sequence[ProgramResult]) -> list[ExperimentResult]:
    """A job's final results: one per program (``programs`` of them), from its results in creation order.

    ``ListJobResults`` holds "all intermediate and final results" (the API's words): a job may
    list more results than programs. The final ones are the last: results are read from the
    newest back until they cover the job's programs, and of those the last N (N programs) are
    kept; older, intermediate ones are not decoded. A re-attached job (``programs`` None: unknown)
    keeps them all. Fewer results than programs is a :class:`PayloadError`.
    """
    if programs is None:
        return [exp for payload in payloads for exp in decode(payload)]
    newest_first: list[list[ExperimentResult]] = []
    found = 0
    for payload in reversed(payloads):
        if found >= programs:
            break
        newest_first.append(decode(payload))
        found += len(newest_first[-1])
    if found < programs:
        raise PayloadError(f"job {job_id} returned {found} results for {programs} programs")
    return [exp for experiments in reversed(newest_first) for exp in experiments][-programs:]


class Downloads:
    """The result downloads of one submission's jobs, each started once (when its job is seen completed)."""

    def __init__(self, client: AsyncQaaSClient) -> None:
        self._client = client
        self._gate = asyncio.Semaphore(MAX_CONCURRENT_DOWNLOADS)
        self._tasks: dict[str, asyncio.Task[list[ExperimentResult]]] = {}

    def start(self, job_id: str, programs: int | None) -> None:
        """Download and decode the job's results in the background (nothing if already started)."""
        if job_id not in self._tasks:
            self._tasks[job_id] = asyncio.create_task(self._fetch(job_id, programs))

    async def _fetch(self, job_id: str, programs: int | None) -> list[ExperimentResult]:
        async with self._gate:
            payloads = await self._client.fetch_job_results(job_id)
        return final_results(job_id, programs, payloads)  # the payloads are dropped once decoded

    async def results(self, jobs: Sequence[tuple[str, int | None]]) -> list[list[ExperimentResult]]:
        """Each job's results, in the order given (jobs not started yet are started now)."""
        for job_id, programs in jobs:
            self.start(job_id, programs)
        return list(await asyncio.gather(*(self._tasks[job_id] for job_id, _ in jobs)))

    async def cancel(self) -> None:
        """Stop every download still running (the wait for the results ended without them)."""
        for task in self._tasks.values():
            task.cancel()
        for task in self._tasks.values():
            with contextlib.suppress(BaseException):  # retrieved, so that none is reported as never retrieved
                await task
