"""``platforms``, ``sessions ...`` and ``jobs ...`` commands."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from . import output
from .context import Context, UsageError

if TYPE_CHECKING:
    from ..core import JobInfo, PlatformDescription, SessionInfo


def missing_subcommand(ctx: Context) -> int:
    raise UsageError(f"'{ctx.args.command}' needs an action (see 'scaleway-qaas {ctx.args.command} --help')")


# --- platforms -----------------------------------------------------------------------------------


def platform_json(p: PlatformDescription) -> dict[str, Any]:
    info = p.info
    return {
        "id": p.id,
        "name": p.name,
        "family": p.family.value,
        "provider": info.provider_name,
        "backend": info.backend_name,
        "type": info.type.value,
        "technology": info.technology.value,
        "max_qubits": p.max_qubits,
        "max_shots": p.max_shots,
        "max_circuits": p.max_circuits,
        "availability": info.availability.value,
        "program_formats": [f.name for f in p.program_formats],
        "native_gates": list(p.native_gates) if p.native_gates else None,
        "prices": {
            "currency": "EUR",
            "per_circuit": p.prices.per_circuit,
            "per_shot": p.prices.per_shot,
            "per_hour": p.prices.per_hour,
        },
    }


def platforms(ctx: Context) -> int:
    """List platforms (filtered by type and minimum qubit count): family, limits and published prices."""
    from ..core import describe

    a = ctx.args
    if a.min_qubits < 0:
        raise UsageError("--min-qubits must be >= 0")
    found = [describe(p) for p in ctx.client.list_platforms(platform_type=a.type) if p.max_qubit_count >= a.min_qubits]
    found.sort(key=lambda p: p.name)
    if ctx.json:
        ctx.print_json([platform_json(p) for p in found])
        return 0
    rows = [
        (p.name, p.family.value, p.info.type.value, p.max_qubits, p.max_shots, p.info.availability.value,
         output.price(p.prices.per_circuit), output.price(p.prices.per_shot), output.price(p.prices.per_hour))
        for p in found
    ]  # fmt: skip
    cols = ("name", "family", "type", "qubits", "shots", "availability", "per circuit", "per shot", "per hour")
    right = {c: "right" for c in ("qubits", "shots", "per circuit", "per shot", "per hour")}
    caption = "prices in EUR as the platforms publish them; 'unpublished': no figure is published"
    ctx.out.print(output.table(f"{len(found)} platforms", cols, rows, justify=right, caption=caption))
    return 0


# --- sessions ------------------------------------------------------------------------------------


def _platform_names(ctx: Context) -> dict[str, str]:
    return {p.id: p.name for p in ctx.client.list_platforms()}


def session_json(s: SessionInfo, platform_name: str | None) -> dict[str, Any]:
    return {
        "id": s.id,
        "name": s.name,
        "platform_id": s.platform_id,
        "platform": platform_name,
        "status": s.status.value,
        "created_at": s.created_at,
        "started_at": s.started_at,
        "terminated_at": s.terminated_at,
        "max_duration": s.max_duration,
        "max_idle_duration": s.max_idle_duration,
        "waiting_jobs": s.waiting_job_count,
        "finished_jobs": s.finished_job_count,
        "deduplication_id": s.deduplication_id,
    }


def _sessions_table(title: str, sessions: list[SessionInfo], names: dict[str, str]) -> Any:
    rows = [
        (
            s.id,
            s.name,
            names.get(s.platform_id, s.platform_id),
            s.status.value,
            output.when(s.created_at),
            f"{s.waiting_job_count}/{s.finished_job_count}",
            output.human_duration(s.max_duration),
            output.human_duration(s.max_idle_duration),
        )
        for s in sessions
    ]
    cols = ("id", "name", "platform", "status", "created", "jobs waiting/done", "max duration", "max idle")
    return output.table(title, cols, rows)


def _select_sessions(ctx: Context, platform: str | None) -> list[SessionInfo]:
    platform_id = ctx.client.find_platform(platform).id if platform else None
    return ctx.client.list_sessions(platform_id=platform_id)


def sessions_list(ctx: Context) -> int:
    """Sessions of the project, newest first."""
    a = ctx.args
    found = _select_sessions(ctx, a.platform)
    if a.status:
        found = [s for s in found if s.status.value == a.status]
    found.sort(key=lambda s: s.created_at or "", reverse=True)
    names = _platform_names(ctx)
    if ctx.json:
        ctx.print_json([session_json(s, names.get(s.platform_id)) for s in found])
        return 0
    ctx.out.print(_sessions_table(f"{len(found)} sessions", found, names))
    return 0


def _confirm(ctx: Context, question: str) -> bool:
    """Ask on a terminal; refuse (UsageError) without one."""
    if ctx.args.yes:
        return True
    if not ctx.stdin_is_tty:
        raise UsageError(f"{question.rstrip('?')}: refusing without confirmation (not a terminal); pass --yes")
    from rich.prompt import Confirm

    try:
        return Confirm.ask(question, console=ctx.err, default=False)
    except EOFError:
        return False


def sessions_terminate(ctx: Context) -> int:
    """Terminate the named sessions, or every open one with ``--all``."""
    a = ctx.args
    if a.all and a.ids:
        raise UsageError("give session ids or --all, not both")
    if not a.all and not a.ids:
        raise UsageError("give the ids of the sessions to terminate, or --all")
    if a.platform and not a.all:
        raise UsageError("--platform only applies with --all")
    if a.all:
        targets = [s.id for s in _select_sessions(ctx, a.platform) if s.is_open]
        where = f" on {a.platform}" if a.platform else ""
        if not targets:
            if ctx.json:
                ctx.print_json([])
            else:
                ctx.err.print(f"no open session{where}")
            return 0
        if not _confirm(ctx, f"Terminate {len(targets)} open session(s){where}?"):
            ctx.err.print("nothing terminated")
            return 1
    else:
        targets = list(dict.fromkeys(a.ids))
    done = [ctx.client.terminate_session(session_id) for session_id in targets]
    names = _platform_names(ctx)
    if ctx.json:
        ctx.print_json([session_json(s, names.get(s.platform_id)) for s in done])
    else:
        for s in done:
            ctx.out.print(f"terminated session {s.id} ({names.get(s.platform_id, s.platform_id)}): {s.status.value}")
    return 0


def sessions_delete(ctx: Context) -> int:
    ctx.client.delete_session(ctx.args.id)
    ctx.out.print(f"deleted session {ctx.args.id}")
    return 0


# --- jobs ----------------------------------------------------------------------------------------


def _shots(job: JobInfo) -> int | None:
    try:
        shots = json.loads(job.parameters or "{}").get("shots")
    except (ValueError, AttributeError):
        return None
    return shots if isinstance(shots, int) else None


def job_json(job: JobInfo) -> dict[str, Any]:
    return {
        "id": job.id,
        "name": job.name,
        "session_id": job.session_id,
        "status": job.status.value,
        "progress_message": job.progress_message or None,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "duration_seconds": output.seconds(job.job_duration),
        "shots": _shots(job),
    }


def jobs_list(ctx: Context) -> int:
    """Jobs of one session (or of a run: :func:`.runs.jobs_tagged`), oldest first."""
    if ctx.args.session is None:
        from .runs import jobs_tagged

        return jobs_tagged(ctx)
    ctx.client.get_session(ctx.args.session)  # an unknown session is an error, not an empty list
    found = ctx.client.list_jobs(session_id=ctx.args.session)
    if ctx.json:
        ctx.print_json([job_json(j) for j in found])
        return 0
    rows = [
        (
            j.id,
            j.name,
            j.status.value,
            output.when(j.created_at),
            _shots(j) or "-",
            output.human_duration(j.job_duration) if j.status.is_final else "-",
            j.progress_message or "",
        )
        for j in found
    ]
    cols = ("id", "name", "status", "created", "shots", "duration", "message")
    ctx.out.print(
        output.table(f"{len(found)} jobs in session {ctx.args.session}", cols, rows, justify={"shots": "right"})
    )
    return 0


def _results(ctx: Context, job_id: str) -> list[Any]:
    from ..core import Job

    return Job.attach(ctx.client, job_id).result()


def _summary(results: list[Any]) -> list[dict[str, Any]]:
    out = []
    for i, r in enumerate(results):
        top = output.sorted_counts(r.counts)[:3]
        out.append(
            {
                "index": i,
                "shots": sum(r.counts.values()),
                "distinct_outcomes": len(r.counts),
                "most_frequent": dict(top),
            }
        )
    return out


def jobs_show(ctx: Context) -> int:
    """Status, progress message, duration and (when completed) a summary of the results."""
    from ..core import JobStatus

    job = ctx.client.get_job(ctx.args.id)
    summary = _summary(_results(ctx, job.id)) if job.status == JobStatus.COMPLETED else None
    if ctx.json:
        ctx.print_json({**job_json(job), "results": summary})
        return 0
    duration = output.human_duration(job.job_duration) if job.status.is_final else "-"
    rows: list[tuple[str, Any]] = [
        ("id", job.id),
        ("name", job.name),
        ("session", job.session_id),
        ("status", job.status.value),
        ("progress message", job.progress_message or "-"),
        ("created", output.when(job.created_at)),
        ("started", output.when(job.started_at)),
        ("duration", duration),
        ("shots", _shots(job) or "-"),
    ]
    for item in summary or []:
        top = ", ".join(f"{bits or '-'}: {n}" for bits, n in item["most_frequent"].items())
        rows.append(
            (
                f"program {item['index']}",
                f"{item['shots']} shots, {item['distinct_outcomes']} outcomes; most frequent {top}",
            )
        )
    ctx.out.print(output.table(None, ("job", job.id), rows[1:]))
    return 0


def jobs_cancel(ctx: Context) -> int:
    job = ctx.client.cancel_job(ctx.args.id)
    if ctx.json:
        ctx.print_json(job_json(job))
    else:
        ctx.out.print(f"job {job.id}: {job.status.value}")
    return 0


def jobs_results(ctx: Context) -> int:
    """Counts per program of a finished job, or run (:func:`.runs.jobs_results`); an error if still running."""
    if ctx.args.key or ctx.args.label:
        if ctx.args.id:
            raise UsageError("give a job id, or --key/--label, not both")
        from . import runs

        return runs.jobs_results(ctx)
    if not ctx.args.id:
        raise UsageError("give a job id, or --key/--label")
    ids = [i.strip() for i in ctx.args.id.split(",") if i.strip()]
    if not ids:
        raise UsageError(f"invalid job id {ctx.args.id!r}")
    for job_id in ids:
        job = ctx.client.get_job(job_id)
        if not job.status.is_final:
            raise UsageError(f"job {job_id} is {job.status.value}: no results yet (see 'scaleway-qaas jobs show')")
    results = _results(ctx, ",".join(ids))
    if ctx.json:
        ctx.print_json({"job_id": ",".join(ids), "results": [output.result_json(i, r) for i, r in enumerate(results)]})
        return 0
    output.print_results(ctx.out, results)
    return 0
