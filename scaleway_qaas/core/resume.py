"""Resuming a run: the jobs of the same submission made before, and which of its parts remain to submit.

:func:`plan` is the one hook of :mod:`.submit`. ``resume=`` (else ``$SCW_QAAS_RESUME``) decides:

- ``"auto"`` (default): ``"local"`` on QPU platforms, ``"off"`` on simulators;
- ``"local"``: the journal (:mod:`.journal`) is consulted: the undelivered jobs of the same run are
  reattached (running ones waited on, finished ones fetched), failed or cancelled ones resubmitted; a
  run whose results were delivered runs anew. A process that died while submitting left jobs it had no
  time to write down: they are looked up on the service by tag;
- ``"service"``: as ``"local"``, and when the journal knows no undelivered run, the jobs are looked up
  on the service by tag (another machine, a cleared journal), excluding those the journal saw delivered;
- ``"off"``: neither. Every run's jobs carry its content key as tags whatever the mode.

Finished jobs are fetched whatever their session's state: no session is opened to reattach.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from .config import journal_path, resume_mode
from .errors import InvalidArgumentError, NotFoundError, QaaSError
from .finals import JobPart
from .journal import (
    KEY_TAG,
    MAX_LABEL,
    PART_TAG,
    Journal,
    JournalEntry,
    Part,
    content_key,
    is_alive,
    part_of,
    release,
    tags,
)
from .loop import blocking, on_core
from .records import JobInfo, JobStatus

if TYPE_CHECKING:
    from .client import QaaSClient
    from .job import Job
    from .platform import PlatformDescription
    from .wire import NoiseModel, Program

#: the run options the core reads itself (adapters forward them to :func:`.submit.run`)
RESUME_OPTIONS = ("resume", "label")
#: statuses whose job gives no result: its part is submitted again
FAILED = (JobStatus.ERROR, JobStatus.CANCELLED, JobStatus.CANCELLING)
#: how long to wait, without progress, for another process submitting the same run
SHARED_STALL = 120.0
#: a crashed run's unrecorded jobs are looked up among those created at most this long before its entry
CLOCK_SLACK = 300.0


@attrs.define
class Plan:
    """A run's key and tags, its jobs found (part number -> job and its last status), its journal entry."""

    key: str
    label: str | None
    n_parts: int
    found: dict[int, tuple[JobPart, JobInfo]] = attrs.field(factory=dict)
    journal: Journal | None = None
    entry_id: int | None = None

    def tags(self, number: int) -> list[str]:
        return tags(self.key, self.label, number, self.n_parts) if self.key else []

    def record(self, number: int, part: JobPart) -> None:
        """Write a job just created into the journal (before the submission returns)."""
        if self.journal is not None and self.entry_id is not None:
            self.journal.record(self.entry_id, Part(number, part.job_id, part.session_id, part.indices or ()))

    def report(self, delivered: bool) -> None:
        """The results were returned to the user (True), or their wait ended without them (False)."""
        if self.journal is None or self.entry_id is None:
            return
        if delivered:
            self.journal.delivered(self.entry_id)
        else:
            release(str(self.journal.path), self.entry_id)

    def follow(self, job: Job) -> Job:
        """Let ``job`` report its delivery; once garbage-collected undelivered, its entry may be reattached."""
        if self.journal is not None and self.entry_id is not None:
            job.on_delivery = self.report
            weakref.finalize(job, release, str(self.journal.path), self.entry_id)
        return job


def effective_mode(platform: PlatformDescription, resume: str | bool | None = None) -> str:
    """The resume mode of a run on ``platform``: "auto" is "local" on QPUs (a job run twice is paid twice)
    and "off" on simulators (a rerun wants new samples)."""
    mode = resume_mode(resume)
    if mode == "auto":
        return "off" if platform.is_simulator else "local"
    return mode


async def plan(
    client: QaaSClient,
    platform: PlatformDescription,
    programs: Sequence[Program] | None,
    shots: Sequence[int],
    options: dict[str, Any],
    noise_model: NoiseModel | None,
    work: Sequence[Sequence[int]],
    *,
    resume: str | bool | None = None,
    label: str | None = None,
) -> Plan:
    """Claim the run (program indices of each job in ``work``) and find the jobs it already has.

    ``programs`` None: they are streamed (not all known up front), so the run has no key, no tags, no resuming."""
    if label is not None and (
        not isinstance(label, str) or not label.strip() or len(label) > MAX_LABEL or "," in label
    ):  # a comma would split the label in a list filter (tags=a,b)
        raise InvalidArgumentError(f"label= must be a non-empty string of at most {MAX_LABEL} characters, no comma")
    mode = effective_mode(platform, resume)
    if programs is None:
        return Plan("", label, len(work))
    result = Plan(content_key(platform.name, programs, shots, options, noise_model, label), label, len(work))
    if mode == "off":
        return result
    journal = Journal(journal_path())
    scope = (client.config.api_url, client.config.project_id)
    entry, how = await _claim(journal, scope, result.key, label, platform.name, len(work))
    result.journal, result.entry_id = journal, entry.id
    expected = {n: tuple(chunk) for n, chunk in enumerate(work)}
    result.found = await _current(client, {n: p for n, p in entry.parts.items() if p.indices == expected.get(n)})
    missing = set(expected) - set(result.found)
    if missing and how != "shared" and (mode == "service" or how == "resumed"):
        exclude = await asyncio.to_thread(journal.known_jobs, *scope, result.key)
        since = None if mode == "service" and how == "new" else entry.created_at - CLOCK_SLACK
        found = await on_service(client, result.key, len(work), missing, exclude, since)
        for number, job_info in found.items():
            part = JobPart(job_info.id, job_info.session_id, expected[number])
            result.record(number, part)
            result.found[number] = (part, job_info)
    return result


async def _claim(
    journal: Journal, scope: tuple[str, str], key: str, label: str | None, platform: str, n_parts: int
) -> tuple[JournalEntry, str]:
    """Claim the key; when another live process runs it, wait until its jobs are all written."""
    entry, how = await asyncio.to_thread(journal.claim, *scope, key, label, platform, n_parts)
    loop = asyncio.get_running_loop()
    seen, stalled_at = -1, loop.time()
    while how == "shared":
        current = await asyncio.to_thread(journal.get, entry.id)
        if current is None or not is_alive(current.owner):
            entry, how = await asyncio.to_thread(journal.claim, *scope, key, label, platform, n_parts)
            continue
        entry = current
        if len(entry.parts) >= entry.n_parts or entry.delivered_at is not None:
            break
        if len(entry.parts) != seen:
            seen, stalled_at = len(entry.parts), loop.time()
        elif loop.time() - stalled_at > SHARED_STALL:
            raise QaaSError(
                f"another process ({entry.owner}) has been submitting the same run for {SHARED_STALL:g} s without "
                "progress; pass label=... to run this one separately, or resume='off'"
            )
        await asyncio.sleep(0.1)
    return entry, how


async def _current(client: QaaSClient, parts: dict[int, Part]) -> dict[int, tuple[JobPart, JobInfo]]:
    """The recorded jobs that exist and have not failed, with their status."""

    async def read(part: Part) -> JobInfo | None:
        try:
            return await client.aio.get_job(part.job_id)
        except NotFoundError:
            return None

    infos = await asyncio.gather(*(read(p) for p in parts.values()))
    return {
        n: (JobPart(p.job_id, info.session_id, p.indices), info)
        for (n, p), info in zip(parts.items(), infos, strict=True)
        if info is not None and info.status not in FAILED
    }


def _created(info: JobInfo) -> float | None:
    try:
        return datetime.fromisoformat(info.created_at or "").timestamp()
    except ValueError:
        return None


async def on_service(
    client: QaaSClient,
    key: str,
    n_parts: int,
    wanted: set[int] | None = None,
    exclude: set[str] | frozenset[str] = frozenset(),
    since: float | None = None,
) -> dict[int, JobInfo]:
    """The project's jobs tagged with run ``key``, best per part (completed first, then the newest); not
    failed, not in ``exclude``, created after ``since`` when it can be told. The tags are checked here too
    (the service's filter semantics are not documented)."""
    best: dict[int, JobInfo] = {}
    for info in await client.aio.list_jobs(tags=[KEY_TAG + key]):  # oldest first
        number = part_of(info.tags, key, n_parts)
        if number is None or (wanted is not None and number not in wanted) or info.id in exclude:
            continue
        created = _created(info)
        if info.status in FAILED or (since is not None and created is not None and created < since):
            continue
        current = best.get(number)
        if current is None or current.status != JobStatus.COMPLETED or info.status == JobStatus.COMPLETED:
            best[number] = info
    return best


def key_and_parts(job_tags: Sequence[str] | None) -> tuple[str, int, int] | None:
    """A job's run key, part number and part count, from its tags (None: not a tagged run's job)."""
    found = list(job_tags or ())
    key = next((t[len(KEY_TAG) :] for t in found if t.startswith(KEY_TAG)), None)
    part = next((t[len(PART_TAG) :] for t in found if t.startswith(PART_TAG)), "")
    number, _, total = part.partition("/")
    if key is None or not number.isdigit() or not total.isdigit():
        return None
    return key, int(number), int(total)


@on_core
async def find_run_async(client: QaaSClient, key: str) -> Job:
    """The submission of run ``key`` as one job handle: from the journal's newest complete entry of it,
    else from the service's jobs tagged with it (programs then in part order). ``LookupError`` if a
    part is missing. Reading it does not mark the run delivered."""
    from .job import Job

    journal = Journal(journal_path())
    scope = (client.config.api_url, client.config.project_id)
    entries = await asyncio.to_thread(journal.entries, key)
    complete = [e for e in entries if (e.api_url, e.project_id) == scope and len(e.parts) == e.n_parts]
    if complete:
        parts = complete[-1].parts
        return Job(client, [JobPart(p.job_id, p.session_id, p.indices) for _, p in sorted(parts.items())])
    tagged = [k for info in await client.aio.list_jobs(tags=[KEY_TAG + key]) if (k := key_and_parts(info.tags))]
    totals = {total for k, _, total in tagged if k == key}
    if len(totals) != 1:
        raise LookupError(f"no job of run {key} on the service" if not totals else f"run {key} has parts {totals}")
    n_parts = totals.pop()
    best = await on_service(client, key, n_parts)
    if len(best) != n_parts:
        missing = sorted(set(range(n_parts)) - set(best))
        raise LookupError(f"run {key}: parts {missing} of {n_parts} have no usable job on the service")
    return Job(client, [JobPart(best[n].id, best[n].session_id) for n in range(n_parts)], known=list(best.values()))


find_run = blocking(find_run_async)
