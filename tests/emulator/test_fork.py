"""Forked engines, as users' scripts get them: each test runs a whole script in a fresh interpreter.

Engines are spawned unless the script opts in (``Emulator(fork_engine=True)``, ``SCW_QAAS_ENGINE_FORK=1``),
so these scripts are where the fork of a user's process is exercised: spawned by default, right results
and bit order, Qiskit's thread pool started before the fork, a QPU job transpiled in the fork, the fork
killed mid-job and replaced, nothing frozen in the script, no file descriptor of the script held by the
fork, and nothing left behind when a script exits without stopping its emulator.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from processes import alive

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="engines are forked on Linux only")

PRELUDE = """
import json, os, signal, sys, time, uuid
from scaleway_qaas.emulator import Emulator

def kind(pid):
    # a fork runs the script's own command line; a spawned engine runs the engine module
    own = open("/proc/self/cmdline", "rb").read()
    theirs = open(f"/proc/{pid}/cmdline", "rb").read()
    return "forked" if theirs == own else ("spawned" if b"scaleway_qaas.emulator.engine" in theirs else "?")

CREDENTIALS = dict(secret_key="fork-" + "0" * 20, project_id=str(uuid.uuid4()))
"""


def run_script(body: str, timeout: float = 120, fork: str | None = "1") -> dict:
    """Run PRELUDE + body in a fresh interpreter (``SCW_QAAS_ENGINE_FORK`` set to ``fork``, or unset);
    return the JSON it prints last."""
    env = {k: v for k, v in os.environ.items() if k != "SCW_QAAS_ENGINE_FORK"}
    if fork is not None:
        env["SCW_QAAS_ENGINE_FORK"] = fork
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + body], capture_output=True, text=True, env=env, timeout=timeout
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_qiskit_script_gets_a_forked_engine_that_runs_right_and_is_replaced_when_killed() -> None:
    out = run_script("""
from qiskit import QuantumCircuit, transpile
from qiskit.transpiler import CouplingMap
from scaleway_qaas.adapters.qiskit import ScalewayProvider

qc = QuantumCircuit(3, 3); qc.x(0); qc.h(1); qc.cx(1, 2); qc.measure([0, 1, 2], [0, 1, 2])
# the script uses Qiskit's native thread pool before the emulator forks
transpile(qc, coupling_map=CouplingMap.from_line(3), optimization_level=3, seed_transpiler=1)
facts = {}
with Emulator(session_start_delay=0.01) as emu:
    provider = ScalewayProvider(url=emu.url, **CREDENTIALS)
    engine = emu.pool.engines[0]
    facts["first"] = kind(engine.pid)
    import gc
    facts["frozen"] = gc.get_freeze_count()
    facts["counts"] = provider.get_backend("EMU-AER-16C-128M").run(qc, shots=2000).result().get_counts()
    # a QPU platform: the fork transpiles to its native gates, on Qiskit's native code
    facts["qpu"] = provider.get_backend("QPU-GARNET-20PQ").run(qc, shots=200).result().get_counts()
    heavy = QuantumCircuit(20, 20)
    for layer in range(40):
        for q in range(20):
            heavy.rx(0.1 * (q + layer), q); heavy.cx(q, (q + 1) % 20)
    heavy.measure(range(20), range(20))
    job = provider.get_backend("EMU-AER-16C-128M").run(heavy, shots=10)
    killed = engine.pid
    while not emu.store._all("SELECT id FROM jobs WHERE status = 'running'", ()):
        time.sleep(0.01)
    os.kill(killed, signal.SIGKILL)
    try:
        job.result()
        facts["killed_job"] = "completed"
    except Exception as exc:
        facts["killed_job"] = str(exc)
    facts["after"] = provider.get_backend("EMU-AER-16C-128M").run(qc, shots=500).result().get_counts()
    facts["replacement"] = kind(engine.pid)
facts["killed_gone"] = not os.path.exists(f"/proc/{killed}")
print(json.dumps(facts))
""")
    assert out["first"] == "forked"
    assert out["frozen"] == 0  # the script's objects stay collectable
    counts = out["counts"]
    assert set(counts) <= {"001", "111"}, counts  # q0 always 1 (rightmost), q1 = q2
    assert 850 <= counts.get("001", 0) <= 1150, counts
    assert sum(out["qpu"].values()) == 200 and max(out["qpu"], key=out["qpu"].get) in ("001", "111")
    assert "killed by signal SIGKILL" in out["killed_job"], out["killed_job"]
    assert out["replacement"] == "spawned"
    assert set(out["after"]) <= {"001", "111"} and sum(out["after"].values()) == 500
    assert out["killed_gone"]


def test_a_cirq_script_gets_a_forked_engine_running_qsim() -> None:
    out = run_script("""
import cirq
from scaleway_qaas.adapters.cirq import ScalewaySampler

a, b, c = cirq.LineQubit.range(3)
circuit = cirq.Circuit(cirq.X(a), cirq.H(b), cirq.CNOT(b, c), cirq.measure(a, b, c, key="m"))
with Emulator() as emu:
    first = kind(emu.pool.engines[0].pid)
    sampler = ScalewaySampler(backend="EMU-QSIM-16C-128M", url=emu.url, **CREDENTIALS)
    result = sampler.run(circuit, repetitions=1000)
    counts = {format(k, "03b"): v for k, v in result.histogram(key="m").items()}
print(json.dumps({"first": first, "counts": counts}))
""")
    assert out["first"] == "forked"
    assert set(out["counts"]) <= {"100", "111"}, out["counts"]  # a is the first (leftmost) bit in Cirq
    assert 400 <= out["counts"].get("100", 0) <= 600


def test_engines_are_spawned_unless_the_script_opts_in() -> None:
    out = run_script(
        """
import gc
from qiskit import QuantumCircuit
seen = {}
with Emulator() as emu:
    seen["default"] = kind(emu.pool.engines[0].pid)
with Emulator(fork_engine=True) as emu:
    seen["fork_engine=True"] = kind(emu.pool.engines[0].pid)
os.environ["SCW_QAAS_ENGINE_FORK"] = "1"
with Emulator() as emu:
    seen["SCW_QAAS_ENGINE_FORK=1"] = kind(emu.pool.engines[0].pid)
with Emulator(fork_engine=False) as emu:
    seen["fork_engine=False wins"] = kind(emu.pool.engines[0].pid)
os.environ["SCW_QAAS_ENGINE_FORK"] = "off"
with Emulator() as emu:
    seen["SCW_QAAS_ENGINE_FORK=off"] = kind(emu.pool.engines[0].pid)
seen["frozen"] = gc.get_freeze_count()
print(json.dumps(seen))
""",
        fork=None,
    )
    assert out == {
        "default": "spawned",
        "fork_engine=True": "forked",
        "SCW_QAAS_ENGINE_FORK=1": "forked",
        "fork_engine=False wins": "spawned",
        "SCW_QAAS_ENGINE_FORK=off": "spawned",
        "frozen": 0,
    }


def test_a_forked_engine_holds_no_file_descriptor_of_the_script() -> None:
    out = run_script("""
import tempfile
from qiskit import QuantumCircuit
script_file = tempfile.NamedTemporaryFile("w", suffix="script-file")  # open before the emulator starts
def descriptors(pid):
    found = {}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            found[int(fd)] = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            pass
    return found
with Emulator(fork_engine=True) as emu:
    engine = emu.pool.engines[0]
    child, ours, how = descriptors(engine.pid), descriptors(os.getpid()), kind(engine.pid)
print(json.dumps({"kind": how, "child": child, "ours": ours}))
""")
    assert out["kind"] == "forked"
    child = {int(fd): target for fd, target in out["child"].items()}
    ours = {int(fd): target for fd, target in out["ours"].items()}
    assert child[0] == child[1] == "/dev/null"
    assert child[2] == ours[2]  # stderr, kept
    shared = {t for fd, t in child.items() if fd > 2} & set(ours.values())
    assert not shared, f"the fork holds the script's {shared}"
    assert not any(t.endswith("script-file") for t in child.values())
    assert len([t for t in child.values() if t.startswith("socket:")]) == 1  # its own connection only


def test_engines_are_forked_only_where_nothing_inherited_can_break() -> None:
    out = run_script("""
import threading
from scaleway_qaas.emulator import forked

seen = {"no framework": forked.forkable()}
import qiskit
seen["qiskit imported"] = forked.forkable()
stop = threading.Event(); other = threading.Thread(target=stop.wait); other.start()
seen["another thread"] = forked.forkable()
with Emulator(fork_engine=True) as emu:
    seen["engine with another thread"] = kind(emu.pool.engines[0].pid)
stop.set(); other.join()
seen["thread gone"] = forked.forkable()
import qiskit_aer
seen["qiskit_aer imported"] = forked.forkable()
print(json.dumps(seen))
""")
    assert out == {
        "no framework": False,
        "qiskit imported": True,
        "another thread": False,
        "engine with another thread": "spawned",
        "thread gone": True,
        "qiskit_aer imported": False,
    }


def test_a_script_that_never_stops_its_emulator_exits_at_once_and_leaves_no_engine() -> None:
    started = time.monotonic()
    out = run_script("""
from qiskit import QuantumCircuit
emu = Emulator(); emu.start()
print(json.dumps({"engine": emu.pool.engines[0].pid, "kind": kind(emu.pool.engines[0].pid)}))
""")  # its stdout is a pipe read to its end: a fork holding it would keep the run waiting
    assert out["kind"] == "forked"
    assert time.monotonic() - started < 30
    deadline = time.monotonic() + 10
    while alive(out["engine"]):
        assert time.monotonic() < deadline, "the forked engine outlived its script"
        time.sleep(0.05)
