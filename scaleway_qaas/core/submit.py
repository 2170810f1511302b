"""The one submission flow every adapter uses: validate, choose the session, group, batch, create, return a handle.

1. validate once against the platform (:meth:`PlatformDescription.validate`), its known
   options and the budget (``max_cost=``, else ``$SCW_QAAS_MAX_COST``; and a session's own
   ``max_cost`` over everything submitted to it; on a platform billed by the hour, the session's
   whole ``max_duration``), before anything is sent or billed;
2. choose the session by the one policy (:func:`.managed.session_for`), and read it first if it
   may have stopped since it was last used (:meth:`.session.Session.may_have_stopped`);
3. group programs by shots (a job has one shot count), split each group into as few
   jobs as ``max_circuit_count`` allows, and create the models and jobs concurrently;
4. if a job creation on a managed session is refused (any 4xx), read the session: if
   it is closed or gone, open a fresh one and resubmit, once (:func:`.managed.ensure_open`);
5. return a :class:`~.job.Job` whose remote ids are known, results in submission order; if a
   managed session stops while its jobs still wait (:meth:`.job.Job.wait`), they are submitted
   again, once, in a fresh session (and the stranded ones cancelled).

Programs may come as a :class:`ProgramStream` (a sweep's points, converted as they are needed):
each job's programs are then produced in a worker thread when its creation starts, at most
:data:`STREAM_WINDOW` jobs' worth at a time, so that jobs are created while later points are
still being converted and the client holds a few jobs' programs, not the whole sweep's.

Run options go to the job parameters; families that read them in the model too (Aer's
``method``/``precision``..., QPerfect's) get them in ``backend.options`` as well.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from .config import default_max_cost
from .errors import QaaSError
from .job import Job, JobPart, ResultFuture
from .loop import blocking, on_core, submit
from .managed import check_hourly_budget, ensure_open, session_for
from .platform import PlatformDescription
from .polling import PollPolicy
from .requests import USER_AGENT
from .results import ExperimentResult
from .session import Session, SessionSpec
from .wire import BackendData, ComputationModel, ComputationParameters, NoiseModel, Program

if TYPE_CHECKING:
    from .client import QaaSClient

T = TypeVar("T")


#: jobs' worth of a :class:`ProgramStream` converted and not yet stored, at most
STREAM_WINDOW = 4


class ProgramStream(Sequence[Program]):
    """``count`` programs that ``source`` yields in order, produced as the submission needs them.

    A program is handed out once (then forgotten): it is read by the submission only.
    """

    def __init__(self, source: Iterable[Program], count: int) -> None:
        self._source: Iterator[Program] = iter(source)
        self._count = count
        self._next = 0
        self._ready: dict[int, Program] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        raise TypeError("a ProgramStream is read by the submission flow only, once")

    def take(self, indices: Sequence[int]) -> tuple[Program, ...]:
        """The programs at ``indices``, producing (and keeping) those before them that are not taken yet."""
        with self._lock:
            while self._next <= max(indices):
                try:
                    self._ready[self._next] = next(self._source)
                except StopIteration:
                    raise ValueError(f"the program stream ended after {self._next} of {self._count} programs") from None
                self._next += 1
            return tuple(self._ready.pop(i) for i in indices)


def _chunks(indices: list[int], per_job: int) -> list[list[int]]:
    size = per_job if per_job > 0 else len(indices)
    return [indices[i : i + size] for i in range(0, len(indices), size)]


@on_core
async def run_async(
    client: QaaSClient,
    platform: PlatformDescription,
    programs: Sequence[Program],
    *,
    shots: int | Sequence[int],
    session: Session | SessionSpec | None = None,
    options: dict[str, Any] | None = None,
    noise_model: NoiseModel | None = None,
    num_qubits: int | None = None,
    max_cost: float | None = None,
    poll: PollPolicy | None = None,
) -> Job:
    """Submit ``programs`` (``shots`` for all, or one count per program) and return once the jobs exist."""
    per_program = list(shots) if isinstance(shots, Sequence) else [shots] * len(programs)
    if len(per_program) != len(programs):
        raise ValueError(f"{len(per_program)} shot counts for {len(programs)} programs")
    options = {k: v for k, v in (options or {}).items() if v is not None}
    groups: dict[int, list[int]] = {}
    for index, count in enumerate(per_program):
        groups.setdefault(count, []).append(index)
    platform.validate(len(programs), per_program[0] if per_program else 0, num_qubits)
    for count, indices in groups.items():
        platform.validate(len(indices), count, num_qubits)
    platform.check_options(options)
    budget = max_cost if max_cost is not None else default_max_cost()
    estimate = platform.check_budget(budget, {count: len(indices) for count, indices in groups.items()})
    await check_hourly_budget(client, platform, session, budget)
    chosen = session if isinstance(session, Session) else await session_for(client, platform, session)
    if chosen.may_have_stopped():
        await ensure_open(chosen)  # read it: a managed one found closed is reopened, another raises
    chosen.charge(
        estimate
        if estimate is not None
        else platform.estimate_submission({count: len(indices) for count, indices in groups.items()})
    )
    backend = BackendData(
        name=platform.name,
        version=platform.info.version or None,
        options={k: v for k, v in options.items() if k != "memory"} or None
        if platform.traits.options_in_backend
        else None,
    )

    window: contextlib.AbstractAsyncContextManager[Any] = (
        asyncio.Semaphore(STREAM_WINDOW) if isinstance(programs, ProgramStream) else contextlib.nullcontext()
    )

    async def create(indices: list[int], count: int) -> JobPart:
        async with window:
            if isinstance(programs, ProgramStream):
                chunk = await asyncio.to_thread(programs.take, indices)
            else:
                chunk = tuple(programs[i] for i in indices)
            model = ComputationModel(chunk, backend=backend, client=USER_AGENT, noise_model=noise_model)
            stored = await client.aio.create_model(model)
            del chunk, model
        parameters = ComputationParameters(shots=count, options=options or None)
        for attempt in (1, 2):
            session_id = chosen.id
            try:
                job = await client.aio.create_job(
                    session_id, stored.id, parameters, name=f"scaleway-qaas-{uuid.uuid4().hex[:16]}"
                )
                created[job.id] = (stored.id, parameters)
                return JobPart(job.id, session_id, tuple(indices))
            except QaaSError as exc:
                refused = exc.status_code is not None and 400 <= exc.status_code < 500
                if attempt == 2 or not refused or not await ensure_open(chosen, session_id):
                    raise
        raise AssertionError("unreachable")

    async def resubmit(closed_id: str, stranded: list[JobPart]) -> list[JobPart]:
        """Jobs left waiting in the stopped managed session ``closed_id``: the same models and parameters
        in a fresh session; the stranded jobs are cancelled (best effort: a stopped session runs nothing)."""
        await ensure_open(chosen, closed_id)
        fresh = []
        for part in stranded:
            model_id, parameters = created[part.job_id]
            job = await client.aio.create_job(
                chosen.id, model_id, parameters, name=f"scaleway-qaas-{uuid.uuid4().hex[:16]}"
            )
            created[job.id] = (model_id, parameters)
            fresh.append(JobPart(job.id, chosen.id, part.indices))
            with contextlib.suppress(QaaSError):
                await client.aio.cancel_job(part.job_id)
        chosen.last_used = time.monotonic()
        return fresh

    created: dict[str, tuple[str, ComputationParameters]] = {}  # job id -> its model id and parameters
    work = [(chunk, count) for count, indices in groups.items() for chunk in _chunks(indices, platform.max_circuits)]
    parts = await asyncio.gather(*(create(chunk, count) for chunk, count in work))
    chosen.last_used = time.monotonic()
    return Job(client, parts, poll, platform_name=platform.name, resubmit=resubmit if chosen.is_managed else None)


run = blocking(run_async)


def run_in(session: Session, programs: Sequence[Program], **kwargs: Any) -> Job:
    """Submit ``programs`` to an open :class:`~.session.Session` (``run`` with its client, platform and itself)."""
    return run(session.client, session.platform, programs, session=session, **kwargs)


def run_nowait(
    client: QaaSClient,
    platform: PlatformDescription,
    programs: Sequence[Program],
    convert: Callable[[list[ExperimentResult]], T],
    *,
    timeout: float | None = None,
    **kwargs: Any,
) -> ResultFuture[T]:
    """Submit and return at once a future of the converted results (for ``*_async`` framework APIs)."""
    created: list[Job] = []

    async def go() -> list[ExperimentResult]:
        job = await run_async(client, platform, programs, **kwargs)
        created.append(job)
        return await job.result_async(timeout)

    return ResultFuture(submit(go()), convert, lambda: created[0] if created else None)
