"""7. First result: the wall time of a whole user script in a fresh interpreter, vs a bare local Aer script.

Ours imports the package, starts ``Emulator()`` in-process (engines spawned, the default), runs one Bell
circuit (100 shots) through the Qiskit adapter and exits; the baseline builds the same circuit and runs it
on a local ``AerSimulator``. Two more scripts are measured beside them: the same with the opt-in forked
first engine (``Emulator(fork_engine=True)``), and one pointing at a resident emulator (``scaleway-qaas
emulator`` started once in another process, before the runs, as a user keeps one in a terminal).
All run alternately, each ``n`` times, in fresh interpreters (``python -c``): the wall time counts the
interpreter's start and exit. The ``stages`` column breaks our script's median run down (time since start).
Python may cache compiled modules (``PYTHONDONTWRITEBYTECODE`` is dropped), as on a machine where the
package was installed: an editable checkout under that setting would recompile ours at every start.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from typing import Any

from .common import Context, goal, ms, print_table, stats

GOAL = 1.5  # ours at most this many times the bare Aer script

BARE = """
from qiskit import QuantumCircuit
from qiskit_aer import AerSimulator
qc = QuantumCircuit(2, 2); qc.h(0); qc.cx(0, 1); qc.measure([0, 1], [0, 1])
counts = AerSimulator().run(qc, shots=100).result().get_counts()
assert sum(counts.values()) == 100
"""

OURS = """
import time, uuid
t0 = time.perf_counter()
marks = []
def mark(stage): marks.append(f"{stage} {time.perf_counter() - t0:.3f}")
from qiskit import QuantumCircuit
from scaleway_qaas.adapters.qiskit import ScalewayProvider
from scaleway_qaas.emulator import Emulator
mark("imports")
with Emulator(EMULATOR_ARGS) as emu:
    mark("emulator")
    qc = QuantumCircuit(2, 2); qc.h(0); qc.cx(0, 1); qc.measure([0, 1], [0, 1])
    backend = ScalewayProvider(url=emu.url, secret_key="bench-" + "0" * 20, project_id=str(uuid.uuid4())).get_backend(
        "EMU-AER-16C-128M")
    mark("backend")
    counts = backend.run(qc, shots=100).result().get_counts()
    mark("result")
assert sum(counts.values()) == 100
mark("stopped")
print(";".join(marks))
"""

RESIDENT = """
import sys, uuid
from qiskit import QuantumCircuit
from scaleway_qaas.adapters.qiskit import ScalewayProvider
qc = QuantumCircuit(2, 2); qc.h(0); qc.cx(0, 1); qc.measure([0, 1], [0, 1])
# a key of its own: the emulator binds a key to the first project it names
credentials = dict(secret_key="bench-" + uuid.uuid4().hex, project_id=str(uuid.uuid4()))
backend = ScalewayProvider(url=sys.argv[1], **credentials).get_backend("EMU-AER-16C-128M")
counts = backend.run(qc, shots=100).result().get_counts()
assert sum(counts.values()) == 100
"""
SPAWNED = OURS.replace("EMULATOR_ARGS", "")
FORKED = OURS.replace("EMULATOR_ARGS", "fork_engine=True")


def _wall(script: str, *args: str) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "SCW_QAAS_ENGINE_FORK")}
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, env=env)
    if out.returncode:
        raise RuntimeError(f"a script failed (exit {out.returncode}): {out.stderr.strip()[-1500:]}")
    return time.perf_counter() - start, out.stdout.strip()


def run(ctx: Context) -> dict[str, Any]:
    from scaleway_qaas.emulator import run_emulator_process

    n = ctx.reps(3, 9)
    bare, ours, forked, resident, stages = [], [], [], [], []
    with run_emulator_process() as url:
        for script in (BARE, SPAWNED, FORKED):  # the first runs fill the OS and bytecode caches
            _wall(script)
        _wall(RESIDENT, url)  # and the resident emulator loads Aer, as it has after a user's first job
        for _ in range(n):
            bare.append(_wall(BARE)[0])
            seconds, marks = _wall(SPAWNED)
            ours.append(seconds)
            stages.append((seconds, marks))
            forked.append(_wall(FORKED)[0])
            resident.append(_wall(RESIDENT, url)[0])
    base, mine, fork, kept = stats(bare), stats(ours), stats(forked), stats(resident)
    factor = mine["median"] / base["median"]
    median_run = min(stages, key=lambda s: abs(s[0] - statistics.median(ours)))
    breakdown = ", ".join(f"{m.split()[0]} {float(m.split()[1]) * 1e3:.0f}" for m in median_run[1].split(";"))
    out = {
        "repetitions": n,
        "bare_aer": base,
        "emulator_qiskit": mine,
        "ratio": factor,
        "forked_first_engine": fork,
        "forked_ratio": fork["median"] / base["median"],
        "resident_emulator": kept,
        "resident_ratio": kept["median"] / base["median"],
        "goal": GOAL,
        "goal_met": factor <= GOAL,
        "stages_ms": breakdown,
    }
    print_table(
        f"7. first result: a whole script in a fresh interpreter, {n} runs each (alternating)",
        ["script", "median", "p90", "vs bare Aer", f"goal: <= {GOAL}x"],
        [
            ["bare AerSimulator script (baseline)", ms(base["median"]), ms(base["p90"]), "1.00x", "baseline"],
            [
                "Emulator() + Qiskit adapter, one Bell",
                ms(mine["median"]),
                ms(mine["p90"]),
                f"{factor:.2f}x",
                goal(factor <= GOAL, f"{factor:.2f}x vs {GOAL}x"),
            ],
            [
                "the same, Emulator(fork_engine=True) (opt-in)",
                ms(fork["median"]),
                ms(fork["p90"]),
                f"{out['forked_ratio']:.2f}x",
                "informative",
            ],
            [
                "resident `scaleway-qaas emulator`, the script points at it",
                ms(kept["median"]),
                ms(kept["p90"]),
                f"{out['resident_ratio']:.2f}x",
                "informative",
            ],
        ],
        f"our median run, ms since start at the end of each stage: {breakdown}, then the exit",
    )
    return out
