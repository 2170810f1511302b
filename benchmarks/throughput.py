"""8. Throughput of CPU-bound jobs with 1 and 2 engine processes (``--workers``).

60 jobs of one 12-qubit, 3,000-gate random circuit at 10,000 shots (Aer runs circuits under 14 qubits
single-threaded) are submitted at once, through ``core.run_async``, to an emulator in a child process
started with ``--workers 1``, then to one started with ``--workers 2``; the figure is the time from the
first submission until the emulator recorded the last job finished, and the ratio of the two rates
(goal >= 1.6x on 2 cores). The time until the client held every result is printed too: it adds the
client's own polling and decoding.
Each emulator first runs a few jobs, so that every engine has loaded Aer before the timing. The
"cores" column is the CPU used meanwhile by this benchmark's processes and by all others (Linux
/proc): on a shared machine, 2 workers cannot get 2 cores when others take one. The machine's own
ceiling comes first: the same 60 simulations run by 1, then 2, bare processes calling the
simulator directly (no emulator, no HTTP).
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from scaleway_qaas.core import run_async

from .common import AER, Context, goal, ms, print_table

JOBS, QUBITS, GATES, SHOTS = 60, 12, 3000, 10_000
GOAL = 1.6


def circuit_qasm(seed: int = 5) -> str:
    rng = random.Random(seed)
    lines = ["OPENQASM 2.0;", 'include "qelib1.inc";', f"qreg q[{QUBITS}];", f"creg c[{QUBITS}];"]
    for _ in range(GATES):
        kind = rng.choice(("h", "x", "rz", "cx", "cx"))
        if kind == "cx":
            a, b = rng.sample(range(QUBITS), 2)
            lines.append(f"cx q[{a}],q[{b}];")
        elif kind == "rz":
            lines.append(f"rz({rng.uniform(0, 6.28):.6f}) q[{rng.randrange(QUBITS)}];")
        else:
            lines.append(f"{kind} q[{rng.randrange(QUBITS)}];")
    lines.append("measure q -> c;")
    return "\n".join(lines) + "\n"


async def _batch(session: Any, program: Any, jobs: int) -> tuple[float, list[Any]]:
    """Submit ``jobs`` at once and wait for every result; (wall time, the jobs)."""
    start = time.perf_counter()
    submitted = await asyncio.gather(
        *(run_async(session.client, session.platform, [program], session=session, shots=SHOTS) for _ in range(jobs))
    )
    results = await asyncio.gather(*(job.result_async(timeout=600) for job in submitted))
    assert all(sum(r[0].counts.values()) == SHOTS for r in results)
    return time.perf_counter() - start, list(submitted)


def _epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def _ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _ours() -> int:
    """CPU ticks of this process and all its descendants (the emulator and its engines)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    tree, grew = {os.getpid()}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(_ticks(pid) for pid in tree)


def _busy() -> int:
    """CPU ticks the whole machine has spent busy."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return user + nice + system + irq + softirq + steal


def _measure(ctx: Context, workers: int, program: Any) -> tuple[float, float, float, float]:
    """Seconds until the emulator finished the batch's last job and until the client held every result;
    cores used by this benchmark's processes, and by others, meanwhile."""
    from scaleway_qaas.core.loop import run_sync
    from scaleway_qaas.core.managed import terminate_implicit_sessions
    from scaleway_qaas.emulator import run_emulator_process

    with run_emulator_process("--workers", str(workers), "--seed", "1") as url:
        child = Context(url=url, project_id=ctx.project_id, secret_key=ctx.secret_key, quick=ctx.quick)
        session = child.session(AER)
        run_sync(_batch(session, program, 2 * workers))  # every engine loads Aer
        time.sleep(1.0)
        busy, ours, began = _busy(), _ours(), time.time()
        wall, jobs = run_sync(_batch(session, program, JOBS))
        tick = os.sysconf("SC_CLK_TCK")
        ours = _ours() - ours
        # the emulator's own figure: until it recorded the last job finished (server timestamps, same clock)
        done = max(_epoch(child.client.get_job(job.job_id).updated_at) for job in jobs) - began
        terminate_implicit_sessions(url)  # the emulator stops next: the session is this process's to close
        return done, wall, ours / tick / wall, max(0.0, ((_busy() - busy) - ours) / tick / wall)


BARE = """
import sys, time
from benchmarks.throughput import circuit_qasm, SHOTS
from scaleway_qaas.core.wire import ComputationModel, ComputationParameters, Program, ProgramFormat
from scaleway_qaas.emulator import simulators
from scaleway_qaas.emulator.platforms import CATALOGUE
platform = next(p for p in CATALOGUE if p.name == "EMU-AER-16C-128M")
model = ComputationModel(programs=(Program.from_text(circuit_qasm(), ProgramFormat.QASM_V2),))
params = ComputationParameters(shots=SHOTS, options=None)
simulators.execute(platform, model, params, 1)
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
for _ in range(int(sys.argv[1])):
    simulators.execute(platform, model, params, 1)
"""


def _bare(processes: int) -> float:
    """Wall time of JOBS simulations shared by ``processes`` bare processes started together."""
    start_at = time.time() + 8  # all imported and warm by then
    procs = [
        subprocess.Popen([sys.executable, "-c", BARE, str(JOBS // processes), str(start_at)]) for _ in range(processes)
    ]
    for proc in procs:
        proc.wait()
    return time.time() - start_at


def run(ctx: Context) -> dict[str, Any]:
    from scaleway_qaas.core import Program, ProgramFormat

    program = Program.from_text(circuit_qasm(), ProgramFormat.QASM_V2)
    bare = {n: _bare(n) for n in (1, 2)}
    ceiling = bare[1] / bare[2]
    figures = {workers: _measure(ctx, workers, program) for workers in (1, 2)}
    done = {w: f[0] for w, f in figures.items()}
    walls = {w: f[1] for w, f in figures.items()}
    used = {w: f[2] for w, f in figures.items()}
    others = {w: f[3] for w, f in figures.items()}
    rates = {w: JOBS / s for w, s in done.items()}
    speedup = rates[2] / rates[1]
    client_speedup = walls[1] / walls[2]
    out = {
        "jobs": JOBS,
        "qubits": QUBITS,
        "gates": GATES,
        "shots": SHOTS,
        "emulator_done_s": done,
        "client_wall_s": walls,
        "jobs_per_s": rates,
        "client_speedup": client_speedup,
        "our_processes_cores": used,
        "other_processes_cores": others,
        "bare_processes_wall_s": bare,
        "machine_ceiling": ceiling,
        "speedup": speedup,
        "goal": GOAL,
        "goal_met": speedup >= GOAL,
    }
    rows = [
        ["bare simulator, 1 process", ms(bare[1]), "-", f"{JOBS / bare[1]:.1f}", "-", "1.00x", "machine"],
        [
            "bare simulator, 2 processes",
            ms(bare[2]),
            "-",
            f"{JOBS / bare[2]:.1f}",
            "-",
            f"{ceiling:.2f}x",
            "the machine's ceiling",
        ],
    ]
    for w in (1, 2):
        mark = "baseline" if w == 1 else goal(speedup >= GOAL, f"{speedup:.2f}x vs {GOAL}x")
        rows.append(
            [
                f"--workers {w}",
                ms(done[w]),
                f"{ms(walls[w])} ({walls[1] / walls[w]:.2f}x)",
                f"{rates[w]:.1f}",
                f"{used[w]:.2f} / {others[w]:.2f}",
                f"{rates[w] / rates[1]:.2f}x",
                mark,
            ]
        )
    print_table(
        f"8. throughput: {JOBS} jobs of a {QUBITS}-qubit, {GATES:,}-gate circuit at {SHOTS:,} shots, "
        "submitted at once (emulator in a child process)",
        [
            "engine processes",
            "all jobs done",
            "all results in hand",
            "jobs/s",
            "cores: ours / others",
            "vs 1 worker",
            f"goal: >= {GOAL}x",
        ],
        rows,
        "all jobs done: from the first submission until the emulator recorded the last job finished; all "
        "results in hand: until the client had fetched every result (its polling backs off while it "
        "waits); cores: CPU used meanwhile by this benchmark's processes (client, emulator, engines) and "
        f"by all others, of the {os.cpu_count()} cores",
    )
    return out
