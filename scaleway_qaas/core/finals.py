"""A submission's final results, job by job: downloaded as soon as each job is seen completed, decoded,
handed to a converter and dropped.

While a submission waits, every job found ``completed`` has its results downloaded and decoded at once
(at most :data:`MAX_CONCURRENT_DOWNLOADS` at a time), so that when the last job completes only its own
results remain to be read. Each job's neutral results are converted into the framework's (``convert``) as
soon as they are decoded, so a sweep of 10,000 points keeps one job's neutral results alive at a time
instead of the whole sweep's.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

import attrs

from .codecs import decode
from .errors import PayloadError
from .results import ExperimentResult

if TYPE_CHECKING:
    from .client import AsyncQaaSClient
    from .wire import ProgramResult

T = TypeVar("T")

#: result downloads in flight at once per submission
MAX_CONCURRENT_DOWNLOADS = 16

#: one job's results -> one converted item each: (their submission indices, the neutral results)
Convert = Callable[[Sequence[int], list[ExperimentResult]], Sequence[T]]


@attrs.frozen
class JobPart:
    """One remote job: its id, its session, and where its programs sit in the submission (None: unknown,
    for a job re-attached by id; then its programs follow the previous part's)."""

    job_id: str
    session_id: str | None = None
    indices: tuple[int, ...] | None = None


def final_results(part: JobPart, payloads: Sequence[ProgramResult]) -> list[ExperimentResult]:
    """A job's final results: one per program, from its results in creation order.

    ``ListJobResults`` holds "all intermediate and final results" (the API's words): a job may
    list more results than programs. The final ones are the last: results are read from the
    newest back until they cover the job's programs, and of those the last N (N programs) are
    kept; older, intermediate ones are not decoded. A re-attached job (program count unknown)
    keeps them all. Fewer results than programs is a :class:`PayloadError`.
    """
    if part.indices is None:
        return [exp for payload in payloads for exp in decode(payload)]
    wanted = len(part.indices)
    newest_first: list[list[ExperimentResult]] = []
    found = 0
    for payload in reversed(payloads):
        if found >= wanted:
            break
        newest_first.append(decode(payload))
        found += len(newest_first[-1])
    if found < wanted:
        raise PayloadError(f"job {part.job_id} returned {found} results for {wanted} programs")
    return [exp for experiments in reversed(newest_first) for exp in experiments][-wanted:]


class Downloads(Generic[T]):
    """The result downloads of one submission's jobs, each started once (when its job is seen completed) and
    converted as soon as decoded.

    A re-attached job (indices unknown) follows the previous job's programs; its indices are known only once
    all results are in, so such a submission keeps the decoded results and converts them at the end, in one
    call."""

    def __init__(self, client: AsyncQaaSClient, parts: Sequence[JobPart], convert: Convert[T]) -> None:
        self._client = client
        self._convert = convert
        self._whole = any(p.indices is None for p in parts)
        self._gate = asyncio.Semaphore(MAX_CONCURRENT_DOWNLOADS)
        self._tasks: dict[str, asyncio.Task[list[ExperimentResult] | Sequence[T]]] = {}

    def start(self, part: JobPart) -> None:
        """Download, decode and convert the job's results in the background (nothing if already started)."""
        if part.job_id not in self._tasks:
            self._tasks[part.job_id] = asyncio.create_task(self._fetch(part))

    async def _fetch(self, part: JobPart) -> list[ExperimentResult] | Sequence[T]:
        async with self._gate:
            payloads = await self._client.fetch_job_results(part.job_id)
        experiments = final_results(part, payloads)  # the payloads are dropped once decoded
        if self._whole:
            return experiments
        return _checked(self._convert(part.indices or (), experiments), len(experiments))

    async def results(self, parts: Sequence[JobPart]) -> list[T]:
        """Every program's converted result, in submission order (jobs not started yet are started now)."""
        for part in parts:
            self.start(part)
        done = await asyncio.gather(*(self._tasks[p.job_id] for p in parts))
        if self._whole:
            return self._in_order(parts, done)  # type: ignore[arg-type]
        ordered: dict[int, T] = {}
        for part, converted in zip(parts, done, strict=True):
            ordered.update(zip(part.indices or (), converted, strict=True))  # type: ignore[arg-type]
        return [ordered[i] for i in sorted(ordered)]

    def _in_order(self, parts: Sequence[JobPart], decoded: Sequence[list[ExperimentResult]]) -> list[T]:
        """Results of re-attached jobs, whose programs follow the previous job's, converted in one call."""
        ordered: dict[int, ExperimentResult] = {}
        next_index = 0
        for part, experiments in zip(parts, decoded, strict=True):
            indices = part.indices if part.indices is not None else range(next_index, next_index + len(experiments))
            ordered.update(zip(indices, experiments, strict=True))
            next_index = max(indices, default=next_index - 1) + 1
        order = sorted(ordered)
        return list(_checked(self._convert(order, [ordered[i] for i in order]), len(order)))

    async def cancel(self) -> None:
        """Stop every download still running (the wait for the results ended without them)."""
        for task in self._tasks.values():
            task.cancel()
        for task in self._tasks.values():
            with contextlib.suppress(BaseException):  # retrieved, so that none is reported as never retrieved
                await task


def _checked(converted: Sequence[T], count: int) -> Sequence[T]:
    if len(converted) != count:
        raise ValueError(f"a result converter gave {len(converted)} items for {count} results")
    return converted
