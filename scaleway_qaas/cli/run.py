"""``run FILE.qasm``: submit one OpenQASM program, wait, print its counts.

The program runs in an implicit session that is always terminated before the
command returns (also on errors and Ctrl-C).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import output, qasm
from .context import Context, UsageError

if TYPE_CHECKING:
    from rich.status import Status

    from ..core.job import Job
    from ..core.payload import ExperimentResult
    from ..core.session import Session


class Interrupted(Exception):
    """The user pressed Ctrl-C and the job was cancelled."""


def _read(path: str) -> tuple[str, str]:
    if path == "-":
        return sys.stdin.read(), "<stdin>"
    try:
        return Path(path).read_text(encoding="utf-8"), path
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None


def _phase(job_status: str, session_status: str) -> str:
    if job_status == "waiting" and session_status == "starting":
        return "session starting"
    return f"job {job_status}"


def _ask_cancel(ctx: Context, job: Job) -> bool:
    """On a terminal, ask whether to cancel (default yes); otherwise cancel."""
    if not ctx.stdin_is_tty:
        return True
    from rich.prompt import Confirm

    try:
        return Confirm.ask(f"Cancel job {job.job_id}? (no: keep waiting)", console=ctx.err, default=True)
    except (EOFError, KeyboardInterrupt):
        return True


def wait(ctx: Context, job: Job, session: Session, live: bool) -> str:
    """Poll until the job is final, showing status and elapsed time when ``live``; returns the status."""
    from ..core.resources import JobStatus

    started = time.monotonic()
    spinner: Status | None = None
    if live and ctx.err.is_terminal:
        spinner = ctx.err.status("submitted", spinner="dots")
        spinner.start()
    last = ""
    interval = 0.005
    try:
        while True:
            try:
                status = job.status()
                if status.is_final:
                    return status.value
                session_status = session.refresh().status.value if status == JobStatus.WAITING else "running"
                phase = _phase(status.value, session_status)
                elapsed = time.monotonic() - started
                if spinner is not None:
                    spinner.update(f"{phase} on {session.platform.name} [dim]({elapsed:.1f} s)[/dim]")
                elif live and phase != last:
                    ctx.err.print(f"{phase} on {session.platform.name} ({elapsed:.1f} s)")
                last = phase
                time.sleep(interval)
                interval = min(interval * 1.5, 0.5)
            except KeyboardInterrupt:
                if spinner is not None:
                    spinner.stop()
                if _ask_cancel(ctx, job):
                    job.cancel()
                    raise Interrupted(f"cancelled job {job.job_id}") from None
                if spinner is not None:
                    spinner.start()
    finally:
        if spinner is not None:
            spinner.stop()


def _program(ctx: Context, checked: qasm.QasmProgram, name: str, platform: Any) -> Any:
    from ..core.payload import Program, ProgramFormat

    fmt = ProgramFormat.QASM_V2 if checked.version == 2 else ProgramFormat.QASM_V3
    accepted = platform.program_formats
    if fmt in accepted:
        return Program.from_text(checked.text, fmt)
    if fmt == ProgramFormat.QASM_V3 and ProgramFormat.QASM_V2 in accepted:
        text = qasm.to_qasm2(checked, name)
        if not ctx.json:
            ctx.err.print(f"note: {platform.name} takes OpenQASM 2; converted {name} with Qiskit")
        return Program.from_text(text, ProgramFormat.QASM_V2)
    raise UsageError(f"{platform.name} does not accept OpenQASM {checked.version} programs")


def run(ctx: Context) -> int:
    """Validate, submit, wait, print counts; terminate the implicit session in every case."""
    from ..core.job import validate_submission
    from ..core.session import Session, terminate_implicit_sessions

    a = ctx.args
    text, name = _read(a.file)
    checked = qasm.check(text, name)
    client = ctx.client
    platform = client.find_platform(a.platform)
    validate_submission(platform, 1, a.shots, checked.num_qubits)
    program = _program(ctx, checked, name, platform)
    started = time.monotonic()
    session: Session | None = None
    try:
        session = Session.implicit(client, platform)
        job = session.run([program], shots=a.shots, num_qubits=checked.num_qubits)
        if a.wait and not ctx.json:
            ctx.err.print(f"job {job.job_id} submitted to {platform.name} (session {session.id})")
        status = wait(ctx, job, session, live=a.wait)
        results: list[ExperimentResult] = job.result()
    except Interrupted as exc:
        ctx.err.print(f"interrupted: {exc}")
        return 130
    finally:
        closed = terminate_implicit_sessions()
        if a.wait and closed and not ctx.json:
            ctx.err.print(f"terminated session {', '.join(closed)}")
    elapsed = time.monotonic() - started
    if ctx.json:
        ctx.print_json({
            "file": name,
            "openqasm_version": checked.version,
            "platform": platform.name,
            "session_id": session.id,
            "job_id": job.job_id,
            "status": status,
            "shots": a.shots,
            "wall_time_seconds": round(elapsed, 3),
            "results": [output.result_json(i, r) for i, r in enumerate(results)],
        })
        return 0
    ctx.out.print(f"job {job.job_id} on {platform.name}: {status} in {output.human_seconds(elapsed)}")
    output.print_results(ctx.out, results, a.top)
    return 0
