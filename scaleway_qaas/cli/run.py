"""``run FILE.qasm``: submit one OpenQASM program, wait, print its counts (or, with ``--dry-run``, its cost).

The core does the work: the platform description validates and prices the submission, its capability
table refuses what the platform's family cannot run (before anything is sent),
:func:`~scaleway_qaas.core.formats.encode_program` picks the program format (the file as
written, or converted with Qiskit when the platform prefers or needs the other version),
:func:`~scaleway_qaas.core.submit.run` submits (refusing before anything is billed when
``--max-cost`` is exceeded), and the core :class:`~scaleway_qaas.core.job.Job` waits.
The program runs in an implicit session that is terminated before the command returns
(also on errors and Ctrl-C).
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import output, qasm
from .context import Context, UsageError

if TYPE_CHECKING:
    from ..core import CostEstimate, Job, PlatformDescription, Program


def _read(path: str) -> tuple[str, str]:
    if path == "-":
        return sys.stdin.read(), "<stdin>"
    try:
        return Path(path).read_text(encoding="utf-8"), path
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None


def _program(checked: qasm.QasmProgram, name: str, platform: PlatformDescription) -> Program:
    """The file as written, or converted to the other OpenQASM version: the core picks by the platform.

    A program using what the platform's family cannot run (the core's capability table: conditions, loops,
    mid-circuit measurement, ``reset``...) is refused first, as the adapters refuse it; the features are read
    from the circuit Qiskit parsed (without Qiskit, the service judges).
    """
    from ..core import CannotEncode, ProgramFormat, check_features, encode_program

    if checked.circuit is not None:
        from ..adapters.qiskit.fit import features

        check_features(platform, features(checked.circuit), what=name)

    def converted(version: int) -> Any:
        def encode() -> str:
            try:
                return qasm.convert(checked, name, version)
            except UsageError as exc:
                raise CannotEncode(str(exc)) from None

        return encode

    written = ProgramFormat.QASM_V2 if checked.version == 2 else ProgramFormat.QASM_V3
    other = ProgramFormat.QASM_V3 if checked.version == 2 else ProgramFormat.QASM_V2
    encoders = {written: lambda: checked.text, other: converted(5 - checked.version)}
    return encode_program(platform, encoders, what=name)


def _ask_cancel(ctx: Context, job: Job) -> bool:
    """On a terminal, ask whether to cancel (default yes); otherwise cancel."""
    if not ctx.stdin_is_tty:
        return True
    from rich.prompt import Confirm

    try:
        return Confirm.ask(f"Cancel job {job.job_id}? (no: keep waiting)", console=ctx.err, default=True)
    except (EOFError, KeyboardInterrupt):
        return True


def _wait(ctx: Context, job: Job) -> bool:
    """The core job's wait (it shows the session's start-up on terminals); Ctrl-C: cancel, or keep waiting.
    False when the user cancelled."""
    while True:
        try:
            job.wait()
            return True
        except KeyboardInterrupt:
            if _ask_cancel(ctx, job):
                job.cancel()
                ctx.err.print(f"interrupted: cancelled job {job.job_id}")
                return False


def estimate_json(estimate: CostEstimate) -> dict[str, Any]:
    return {
        "amount": estimate.amount,
        "currency": estimate.currency,
        "breakdown": list(estimate.breakdown),
        "unknown": estimate.unknown,
    }


def _sent_as(checked: qasm.QasmProgram, program: Program) -> str:
    """What the file is and what is sent: ``OpenQASM 2, sent as QASM_V3 (converted with Qiskit)``."""
    sent = program.serialization_format.name
    converted = "" if sent == f"QASM_V{checked.version}" else " (converted with Qiskit)"
    return f"OpenQASM {checked.version}, sent as {sent}{converted}"


def _dry_run(ctx: Context, name: str, checked: qasm.QasmProgram, platform: PlatformDescription) -> int:
    """Validate, price and encode the submission; send nothing."""
    from ..core import IMPLICIT_MAX_DURATION, parse_duration

    a = ctx.args
    program = _program(checked, name, platform)
    estimate = platform.estimate_submission({a.shots: 1})
    platform.check_budget(a.max_cost, {a.shots: 1})
    hourly = platform.estimate_session(parse_duration(IMPLICIT_MAX_DURATION)) if platform.billed_by_the_hour else None
    platform.check_session_budget(a.max_cost, parse_duration(IMPLICIT_MAX_DURATION))
    if ctx.json:
        ctx.print_json({
            "file": name,
            "openqasm_version": checked.version,
            "program_format": program.serialization_format.name,
            "platform": platform.name,
            "shots": a.shots,
            "estimate": estimate_json(estimate),
            "session_estimate": estimate_json(hourly) if hourly is not None else None,
            "max_cost": a.max_cost,
            "sent": False,
        })  # fmt: skip
        return 0
    ctx.out.print(f"dry run: {name} ({_sent_as(checked, program)}), {a.shots} shots on {platform.name}")
    ctx.out.print(f"estimated cost: {estimate}")
    if hourly is not None:
        ctx.out.print(f"billed by the hour: worst case {hourly}")
    if a.max_cost is not None:
        known = estimate.amount is not None or hourly is not None
        ctx.out.print(f"within max cost {a.max_cost:g} EUR" if known else
                      f"max cost {a.max_cost:g} EUR cannot be checked: the price is unknown")  # fmt: skip
    ctx.out.print("nothing was sent")
    return 0


def run(ctx: Context) -> int:
    """Validate, submit, wait, print counts; terminate the implicit session in every case."""
    from ..core import run as submit
    from ..core import terminate_implicit_sessions

    a = ctx.args
    if a.max_cost is not None and not (math.isfinite(a.max_cost) and a.max_cost >= 0):
        raise UsageError(f"--max-cost must be a number of EUR >= 0, got {a.max_cost}")
    text, name = _read(a.file)
    checked = qasm.check(text, name)
    client = ctx.client
    platform = client.describe_platform(a.platform)
    platform.validate(1, a.shots, checked.num_qubits)
    if a.dry_run:
        return _dry_run(ctx, name, checked, platform)
    program = _program(checked, name, platform)
    started = time.monotonic()
    try:
        job = submit(client, platform, [program], shots=a.shots, num_qubits=checked.num_qubits, max_cost=a.max_cost)
        session_id = job.parts[0].session_id
        if program.serialization_format.name != f"QASM_V{checked.version}" and not ctx.json:
            ctx.err.print(f"note: {name} is {_sent_as(checked, program)}: {platform.name} takes that format")
        if a.wait and not ctx.json:
            ctx.err.print(f"job {job.job_id} submitted to {platform.name} (session {session_id})")
        if not _wait(ctx, job):
            return 130
        status = job.status().value
        results = job.result()
    finally:
        closed = terminate_implicit_sessions(client.config.api_url)
        if a.wait and closed and not ctx.json:
            ctx.err.print(f"terminated session {', '.join(closed)}")
    elapsed = time.monotonic() - started
    if ctx.json:
        ctx.print_json({
            "file": name,
            "openqasm_version": checked.version,
            "program_format": program.serialization_format.name,
            "platform": platform.name,
            "session_id": session_id,
            "job_id": job.job_id,
            "status": status,
            "shots": a.shots,
            "wall_time_seconds": round(elapsed, 3),
            "results": [output.result_json(i, r) for i, r in enumerate(results)],
        })  # fmt: skip
        return 0
    ctx.out.print(f"job {job.job_id} on {platform.name}: {status} in {output.human_seconds(elapsed)}")
    output.print_results(ctx.out, results, a.top)
    return 0
