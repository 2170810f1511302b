"""Runs by content key or label (``jobs list/results --key/--label``) and the local journal (``journal ...``).

See ``docs/resume.md``: every submission's jobs carry its content key (and label) as tags, and the
journal in the user's cache directory records them.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from . import output
from .context import Context, UsageError

if TYPE_CHECKING:
    from ..core import JobInfo, Journal, JournalEntry


def _journal() -> Journal:
    from ..core import Journal, journal_path

    return Journal(journal_path())


def _tagged(ctx: Context) -> list[JobInfo]:
    """The project's jobs of the run ``--key`` (a prefix known to the journal will do) or ``--label``."""
    from ..core import KEY_TAG, LABEL_TAG

    tag = KEY_TAG + _full_key(ctx.args.key) if ctx.args.key else LABEL_TAG + ctx.args.label
    return [j for j in ctx.client.list_jobs(tags=[tag]) if tag in (j.tags or ())]


def _full_key(key: str) -> str:
    if len(key) == 64:
        return key
    known = {e.key for e in _journal().entries(key)}
    if len(known) != 1:
        raise UsageError(
            f"key prefix {key!r} matches {len(known)} runs in the journal; give the full 64-character key"
            if known
            else f"key prefix {key!r} is not in the journal; give the full 64-character key"
        )
    return known.pop()


def _run_of(job: JobInfo) -> tuple[str, str]:
    from ..core import key_and_parts

    found = key_and_parts(job.tags)
    return (found[0], f"{found[1]}/{found[2]}") if found else ("-", "-")


def jobs_tagged(ctx: Context) -> int:
    """The jobs of a run, or of every run with a label, oldest first."""
    found = _tagged(ctx)
    if ctx.json:
        ctx.print_json(
            [
                {"id": j.id, "key": _run_of(j)[0], "part": _run_of(j)[1], "session_id": j.session_id}
                | {"status": j.status.value, "created_at": j.created_at, "tags": j.tags}
                for j in found
            ]
        )
        return 0
    rows = [
        (j.id, _run_of(j)[0][:12], _run_of(j)[1], j.status.value, output.when(j.created_at), j.session_id)
        for j in found
    ]
    what = f"run {ctx.args.key}" if ctx.args.key else f"label {ctx.args.label!r}"
    cols = ("id", "key", "part", "status", "created", "session")
    ctx.out.print(output.table(f"{len(found)} jobs of {what}", cols, rows))
    return 0


def jobs_results(ctx: Context) -> int:
    """The results of a run (by key, or by a label only one run has), in program order."""
    from ..core import find_run

    keys = {_run_of(j)[0] for j in _tagged(ctx)} - {"-"}
    if ctx.args.key:
        keys = {_full_key(ctx.args.key)}
    if len(keys) != 1:
        raise UsageError(
            f"label {ctx.args.label!r} names {len(keys)} runs: pick one with --key ({', '.join(sorted(keys))})"
            if keys
            else f"no job is tagged with label {ctx.args.label!r}"
        )
    try:
        job = find_run(ctx.client, keys.pop())
    except LookupError as exc:
        raise UsageError(str(exc)) from None
    status = job.status()
    if not status.is_final:
        raise UsageError(f"run {job.job_id}: jobs still {status.value}; no results yet (see 'jobs list --key')")
    results = job.collect()
    if ctx.json:
        ctx.print_json({"job_id": job.job_id, "results": [output.result_json(i, r) for i, r in enumerate(results)]})
        return 0
    output.print_results(ctx.out, results)
    return 0


def _entry_json(entry: JournalEntry) -> dict[str, Any]:
    from ..core import is_alive

    return {
        "key": entry.key,
        "label": entry.label,
        "platform": entry.platform,
        "api_url": entry.api_url,
        "project_id": entry.project_id,
        "jobs": [p.job_id for _, p in sorted(entry.parts.items())],
        "parts": f"{len(entry.parts)}/{entry.n_parts}",
        "created_at": _iso(entry.created_at),
        "delivered_at": _iso(entry.delivered_at),
        "owner_running": is_alive(entry.owner),
    }


def _iso(stamp: float | None) -> str | None:
    if stamp is None:
        return None
    return datetime.datetime.fromtimestamp(stamp, datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def journal_list(ctx: Context) -> int:
    """The runs the journal knows, oldest first."""
    journal = _journal()
    entries = [_entry_json(e) for e in journal.entries(ctx.args.key, ctx.args.label)]
    if ctx.json:
        ctx.print_json({"journal": str(journal.path), "runs": entries})
        return 0
    rows = [
        (
            e["key"][:12],
            e["label"] or "-",
            e["platform"],
            e["parts"],
            output.when(e["created_at"]),
            output.when(e["delivered_at"]) if e["delivered_at"] else "no",
            e["api_url"],
        )
        for e in entries
    ]
    cols = ("key", "label", "platform", "jobs", "created", "delivered", "api")
    ctx.out.print(output.table(f"{len(rows)} runs in {journal.path}", cols, rows))
    return 0


def journal_clear(ctx: Context) -> int:
    """Forget the journal's runs (all, or one key): their reruns submit anew. Nothing is sent."""
    journal = _journal()
    from .resources import _confirm

    what = f"the runs of key {ctx.args.key}" if ctx.args.key else f"every run in {journal.path}"
    if not _confirm(ctx, f"Forget {what} (their reruns will submit, and pay, again)?"):
        ctx.err.print("nothing forgotten")
        return 1
    count = journal.clear(ctx.args.key)
    ctx.out.print(f"forgot {count} run(s) in {journal.path}")
    return 0
