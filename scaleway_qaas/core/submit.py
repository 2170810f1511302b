"""The one submission flow every adapter uses: validate, choose the session, group, batch, create, return a handle.

1. validate once against the platform (:meth:`PlatformDescription.validate`), its known
   options and the budget (``max_cost=``, else ``$SCW_QAAS_MAX_COST``; and a session's own
   ``max_cost`` over everything submitted to it; on a platform billed by the hour, the session's
   whole ``max_duration``), before anything is sent or billed;
2. name the run by its content key and find the jobs it already has (:func:`.resume.plan`: the journal,
   or the service by tag); only the parts without a usable job are submitted, tagged and journaled
   (a :class:`ProgramStream` is produced whole first when the run resumes, so that it can be named; it is
   streamed only when the run does not resume, e.g. on simulators by default);
3. choose the session by the one policy (:func:`.managed.session_for`), and read it first if it
   may have stopped since it was last used (:meth:`.session.Session.may_have_stopped`);
4. group programs by shots (a job has one shot count), split each group into jobs of as many
   programs as the family takes in one model (:meth:`FamilyTraits.programs_per_job`: up to
   ``max_circuit_count`` on Aer, AQT, IQM; one elsewhere), create the models and jobs concurrently;
5. if a job creation on a managed session is refused (any 4xx), read the session: if
   it is closed or gone, open a fresh one and resubmit, once (:func:`.managed.ensure_open`);
6. return a :class:`~.job.Job` whose remote ids are known, results in submission order; if a
   managed session stops while its jobs still wait (:meth:`.job.Job.wait`), they are submitted
   again, once, in a fresh session (and the stranded ones cancelled).

Jobs are made at most :func:`creation_window` at a time, each model then its job, so that the first
jobs run while later ones are still being created. Programs may come as a :class:`ProgramStream`
(a sweep's points, converted as they are needed): each job's programs are then produced in a worker
thread when its creation starts, so that jobs are created while later points are still being
converted and the client holds a few jobs' programs, not the whole sweep's. If producing a program or
creating a job fails midway, no further job is made and the jobs already made are cancelled (such a run
is not resumable: nobody would get their results).

Run options go to the job parameters; families that read them in the model too (Aer's
``method``/``precision``..., QPerfect's, Quobly's) get them in ``backend.options`` as well, each
with the family's defaults (:meth:`FamilyTraits.job_options`, :meth:`FamilyTraits.backend_options`).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from .config import default_max_cost, max_creations
from .errors import QaaSError, SessionClosedError
from .finals import Convert, JobPart
from .future import ResultFuture
from .job import Job
from .loop import blocking, on_core, submit
from .managed import check_hourly_budget, ensure_open, session_for
from .platform import PlatformDescription
from .polling import PollPolicy
from .requests import USER_AGENT
from .resume import effective_mode
from .resume import plan as resume_plan
from .session import Session, SessionSpec
from .wire import BackendData, ComputationModel, ComputationParameters, NoiseModel, Program

if TYPE_CHECKING:
    from .client import QaaSClient

T = TypeVar("T")


#: jobs' worth of a :class:`ProgramStream` converted and not yet stored, at most, where jobs hold many programs
STREAM_WINDOW = 4


def creation_window(per_job: int, streamed: bool) -> int:
    """How many jobs are being made at once (programs converted if streamed, model created, job created): as
    many as creations may be in flight (:func:`.config.max_creations`), so that each job is created right
    after its model instead of behind every other model; a stream whose jobs hold many programs,
    :data:`STREAM_WINDOW` (the programs held stay few)."""
    return STREAM_WINDOW if streamed and per_job != 1 else max_creations()


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

    def all(self) -> tuple[Program, ...]:
        """Every program, produced now (the submission then reads them as a list)."""
        return self.take(range(self._count)) if self._count else ()


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
    resume: str | bool | None = None,
    label: str | None = None,
) -> Job:
    """Submit ``programs`` (``shots`` for all, or one count per program) and return once the jobs exist.

    ``resume=`` and ``label=``: reattach to the jobs of the same run made before (:mod:`.resume`)."""
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
    platform.check_budget(budget, {count: len(indices) for count, indices in groups.items()})
    await check_hourly_budget(client, platform, session, budget)
    traits = platform.traits
    per_job = traits.programs_per_job(platform.max_circuits)
    work = [(chunk, count) for count, indices in groups.items() for chunk in _chunks(indices, per_job)]
    if isinstance(programs, ProgramStream) and effective_mode(platform, resume) != "off":
        programs = programs.all()  # a resumable run is named by its programs: all converted before any job
    streamed = isinstance(programs, ProgramStream)
    found = await resume_plan(
        client, platform, None if streamed else programs, per_program, options, noise_model, [c for c, _ in work],
        resume=resume, label=label,
    )  # fmt: skip
    todo = [n for n in range(len(work)) if n not in found.found]
    chosen: Session | None = None

    async def where() -> Session:
        """The session new jobs go to, chosen when the first one must be created (none to reattach)."""
        nonlocal chosen
        if chosen is None:
            chosen = session if isinstance(session, Session) else await session_for(client, platform, session)
            if chosen.may_have_stopped():
                await ensure_open(chosen)  # read it: a managed one found closed is reopened, another raises
        return chosen

    if todo:
        (await where()).charge(platform.estimate_submission(Counter(work[n][1] for n in todo for _ in work[n][0])))
    # job id -> its part, model id and parameters (reattached jobs: as the service tells them)
    created: dict[str, tuple[int, str, ComputationParameters | str]] = {
        info.id: (n, info.model_id, info.parameters)
        for n, (_, info) in found.found.items()
        if info.model_id and info.parameters
    }

    reattached = set(created)
    window = asyncio.Semaphore(creation_window(per_job, isinstance(programs, ProgramStream)))

    async def create_job(number: int, model_id: str, parameters: ComputationParameters | str) -> JobPart:
        target = await where()
        job = await client.aio.create_job(
            target.id, model_id, parameters, name=f"scaleway-qaas-{uuid.uuid4().hex[:16]}", tags=found.tags(number)
        )
        created[job.id] = (number, model_id, parameters)
        part = JobPart(job.id, target.id, tuple(work[number][0]))
        found.record(number, part)
        return part

    failed = asyncio.Event()  # a streamed run that failed makes no further job

    async def create(number: int) -> JobPart:
        indices, count = work[number]
        async with window:
            if failed.is_set():
                raise _Abandoned
            if isinstance(programs, ProgramStream):
                chunk = await asyncio.to_thread(programs.take, indices)
            else:
                chunk = tuple(programs[i] for i in indices)
            backend = BackendData(
                name=platform.name,
                version=platform.info.version or None,
                options=traits.backend_options(options, count),
            )
            model = ComputationModel(chunk, backend=backend, client=USER_AGENT, noise_model=noise_model)
            stored = await client.aio.create_model(model)
            del chunk, model
            parameters = ComputationParameters(shots=count, options=traits.job_options(options, count))
            for attempt in (1, 2):
                session_id = (await where()).id
                try:
                    return await create_job(number, stored.id, parameters)
                except QaaSError as exc:
                    refused = exc.status_code is not None and 400 <= exc.status_code < 500
                    if attempt == 2 or not refused or not await ensure_open(await where(), session_id):
                        raise
        raise AssertionError("unreachable")

    async def resubmit(closed_id: str, stranded: list[JobPart]) -> list[JobPart]:
        """Jobs left waiting in the stopped managed session ``closed_id``: the same models and parameters
        in a fresh session; the stranded jobs are cancelled (best effort: a stopped session runs nothing)."""
        await ensure_open(await where(), closed_id)
        fresh = []
        for part in stranded:
            if part.job_id not in created:
                raise SessionClosedError(f"session {closed_id} stopped under job {part.job_id}: run again to resubmit")
            fresh.append(await create_job(*created[part.job_id]))
            with contextlib.suppress(QaaSError):
                await client.aio.cancel_job(part.job_id)
        (await where()).last_used = time.monotonic()
        return fresh

    tasks = [asyncio.ensure_future(create(n)) for n in todo]
    try:
        made = dict(zip(todo, await asyncio.gather(*tasks), strict=True))
    except BaseException:
        found.report(False)  # what was created is in the journal: a rerun reattaches to it
        if streamed:  # not resumable: its jobs would be billed for results nobody gets
            failed.set()
            await asyncio.gather(*tasks, return_exceptions=True)  # jobs in creation are made, then cancelled
            await _cancel(client, [job_id for job_id in created if job_id not in reattached])
        raise
    if chosen is not None:
        chosen.last_used = time.monotonic()
    owner = chosen or session  # all reattached: the session new jobs would have gone to
    managed = owner.is_managed if isinstance(owner, Session) else not (owner and owner.session_id)
    parts = [found.found[n][0] if n in found.found else made[n] for n in range(len(work))]
    known = [info for _, info in found.found.values()]
    job = Job(client, parts, poll, platform_name=platform.name, known=known, resubmit=resubmit if managed else None)
    return found.follow(job)


run = blocking(run_async)


class _Abandoned(Exception):
    """A job of a streamed run not created because another part of the run failed."""


async def _cancel(client: QaaSClient, job_ids: list[str]) -> None:
    """Cancel the jobs a failed streamed run made (best effort: the run's own error is what is raised)."""
    for outcome in await asyncio.gather(*(client.aio.cancel_job(i) for i in job_ids), return_exceptions=True):
        if isinstance(outcome, BaseException) and not isinstance(outcome, Exception):
            raise outcome


def run_in(session: Session, programs: Sequence[Program], **kwargs: Any) -> Job:
    """Submit ``programs`` to an open :class:`~.session.Session` (``run`` with its client, platform and itself)."""
    return run(session.client, session.platform, programs, session=session, **kwargs)


def run_nowait(
    client: QaaSClient,
    platform: PlatformDescription,
    programs: Sequence[Program],
    convert: Callable[[list[Any]], T],
    *,
    each: Convert[Any] | None = None,
    timeout: float | None = None,
    **kwargs: Any,
) -> ResultFuture[T]:
    """Submit and return at once a future of the converted results (for ``*_async`` framework APIs).

    ``each``: converts each job's results as soon as they are decoded (:meth:`.job.Job.collect_each_async`);
    ``convert`` then gets those items, in submission order, instead of the neutral results."""
    created: list[Job] = []

    async def go() -> list[Any]:
        job = await run_async(client, platform, programs, **kwargs)
        created.append(job)
        if each is None:
            return await job.collect_async(timeout)
        return await job.collect_each_async(each, timeout)

    return ResultFuture(submit(go()), convert, lambda: created[0] if created else None)
