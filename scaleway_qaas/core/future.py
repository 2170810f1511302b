"""The pending result of a submission made without waiting (for the frameworks' ``*_async`` APIs)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Generator
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

from .job import Job, delivering

T = TypeVar("T")


class ResultFuture(Generic[T]):
    """The pending result of a submission made without waiting: ``get()`` blocks, ``await`` works from
    any loop, ``job_id`` is known as soon as the remote jobs exist."""

    def __init__(
        self,
        future: Future[list[Any]],
        convert: Callable[[list[Any]], T],
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
        with delivering(self._job):
            return self._convert(self._future.result(timeout))

    def __await__(self) -> Generator[Any, None, T]:
        with delivering(self._job):
            results = yield from asyncio.wrap_future(self._future).__await__()
            return self._convert(results)
