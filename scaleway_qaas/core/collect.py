"""A submission's results, job by job: each remote job's payloads decoded, handed to a converter and dropped.

A sweep of 10,000 points is several jobs: converting each job's neutral results into the framework's as soon as
they are decoded (``convert``) keeps one job's neutral results alive at a time instead of the whole sweep's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

import attrs

from .codecs import decode
from .errors import PayloadError
from .results import ExperimentResult

if TYPE_CHECKING:
    from .client import AsyncQaaSClient
    from .wire import ProgramResult

T = TypeVar("T")


@attrs.frozen
class JobPart:
    """One remote job: its id, its session, and where its programs sit in the submission (None: unknown,
    for a job re-attached by id; then its programs follow the previous part's)."""

    job_id: str
    session_id: str | None = None
    indices: tuple[int, ...] | None = None


#: result downloads in flight at once per submission
MAX_CONCURRENT_DOWNLOADS = 16

#: one job's results -> one converted item each: (their submission indices, the neutral results)
Convert = Callable[[Sequence[int], list[ExperimentResult]], Sequence[T]]


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


async def each_job(client: AsyncQaaSClient, parts: Sequence[JobPart], convert: Convert[T]) -> list[T]:
    """Every program's converted result, in submission order; each job's converted as soon as decoded.

    A re-attached job (indices unknown) follows the previous job's programs; its indices are then known only
    once all results are in, so such a submission is converted once, at the end, in one call."""
    gate = asyncio.Semaphore(MAX_CONCURRENT_DOWNLOADS)
    if any(p.indices is None for p in parts):
        return _in_order(parts, await asyncio.gather(*(_download(client, p, gate) for p in parts)), convert)

    async def one(part: JobPart) -> tuple[Sequence[int], Sequence[T]]:
        indices = part.indices or ()
        return indices, _checked(convert(indices, await _download(client, part, gate)), len(indices))

    ordered: dict[int, T] = {}
    for indices, converted in await asyncio.gather(*(one(p) for p in parts)):
        ordered.update(zip(indices, converted, strict=True))
    return [ordered[i] for i in sorted(ordered)]


async def _download(client: AsyncQaaSClient, part: JobPart, gate: asyncio.Semaphore) -> list[ExperimentResult]:
    async with gate:
        payloads = await client.fetch_job_results(part.job_id)
    return final_results(part, payloads)  # the payloads are dropped once decoded


def _in_order(parts: Sequence[JobPart], decoded: Sequence[list[ExperimentResult]], convert: Convert[T]) -> list[T]:
    """Results of re-attached jobs, whose programs follow the previous job's, converted in one call."""
    ordered: dict[int, ExperimentResult] = {}
    next_index = 0
    for part, experiments in zip(parts, decoded, strict=True):
        indices = part.indices if part.indices is not None else range(next_index, next_index + len(experiments))
        ordered.update(zip(indices, experiments, strict=True))
        next_index = max(indices, default=next_index - 1) + 1
    order = sorted(ordered)
    return list(_checked(convert(order, [ordered[i] for i in order]), len(order)))


def _checked(converted: Sequence[T], count: int) -> Sequence[T]:
    if len(converted) != count:
        raise ValueError(f"a result converter gave {len(converted)} items for {count} results")
    return converted
