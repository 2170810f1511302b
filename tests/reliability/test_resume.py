"""Issue 25: a script killed after submitting loses no result and pays for no job twice.

Fresh interpreters run a Qiskit script that submits 200 circuits (4 jobs on QPU-IBEX-12PQ, 50 programs
per job) to a child-process emulator on a file DB whose sessions start slowly, so that the script is
SIGKILLed before its results arrive. Run again, the same script gets all 200 results (circuit i
prepares the bits of i: the order is checked), and the emulator holds exactly the jobs of the first
run. With the journal, with the journal deleted (recovery by tag: ``SCW_QAAS_RESUME=service``), and
with the session stopped in between; and two processes started at once submit it once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scaleway_qaas.core import QaaSClient
from scaleway_qaas.core.job import Job
from scaleway_qaas.core.records import JobStatus
from scaleway_qaas.emulator import run_emulator_process

from .conftest import PROJECT, REPO, SECRET

N = 200
SCRIPT = """
import json, os
from qiskit import QuantumCircuit
from scaleway_qaas.adapters.qiskit import ScalewayProvider

circuits = []
for i in range(200):
    qc = QuantumCircuit(8, 8)
    for bit in range(8):
        if i >> bit & 1:
            qc.x(bit)
    qc.measure(range(8), range(8))
    circuits.append(qc)
job = ScalewayProvider().get_backend("QPU-IBEX-12PQ").run(circuits, shots=20)
print("SUBMITTED", job.job_id(), flush=True)
counts = job.result().get_counts()
print("RESULTS", json.dumps([max(c, key=c.get) for c in counts]), flush=True)
"""
EXPECTED = [format(i, "08b") for i in range(N)]


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[str]:
    with run_emulator_process("--db", str(tmp_path / "emulator.db"), "--session-start-delay", "2") as url:
        yield url


@pytest.fixture
def env(emulator: str, tmp_path: Path) -> dict[str, str]:
    (tmp_path / "script.py").write_text(SCRIPT)
    env = {k: v for k, v in os.environ.items() if k != "SCW_QAAS_RESUME"}  # the default: resume on a QPU
    return env | {
        "SCW_API_URL": emulator,
        "SCW_SECRET_KEY": SECRET,
        "SCW_PROJECT_ID": PROJECT,
        "SCW_QAAS_JOURNAL": str(tmp_path / "cache" / "journal.sqlite"),
        "SCW_CONFIG_PATH": str(tmp_path / "no-config.yaml"),
        "PYTHONPATH": str(REPO),
        "SCW_QAAS_PROGRESS": "0",
    }


def _start(env: dict[str, str], tmp_path: Path) -> subprocess.Popen[str]:
    script = str(tmp_path / "script.py")
    return subprocess.Popen([sys.executable, script], stdout=subprocess.PIPE, text=True, env=env)


def _line(proc: subprocess.Popen[str], word: str) -> str:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(word + " "):
            return line.split(" ", 1)[1].strip()
    raise AssertionError(f"the script ended (code {proc.wait(60)}) without printing {word}")


def _finish(proc: subprocess.Popen[str]) -> tuple[list[str], list[str]]:
    ids = _line(proc, "SUBMITTED").split(",")
    results = json.loads(_line(proc, "RESULTS"))
    assert proc.wait(120) == 0
    if proc.stdout:
        proc.stdout.close()
    return ids, results


def _killed_run(env: dict[str, str], tmp_path: Path, client: QaaSClient) -> list[str]:
    """Run the script and SIGKILL it once its jobs exist, before their results."""
    proc = _start(env, tmp_path)
    ids = _line(proc, "SUBMITTED").split(",")
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    if proc.stdout:
        proc.stdout.close()
    assert len(ids) == 4
    assert any(client.get_job(i).status != JobStatus.COMPLETED for i in ids), "the results came before the kill"
    return ids


@pytest.mark.parametrize(
    "between",
    [
        "nothing",
        # ~30 s each on a busy machine; tests/core/test_resume.py covers both in-process, quickly
        pytest.param("journal deleted", marks=pytest.mark.stress),
        pytest.param("session stopped", marks=pytest.mark.stress),
    ],
)
def test_rerun_after_kill_reattaches(env: dict[str, str], tmp_path: Path, emulator: str, between: str) -> None:
    client = QaaSClient(secret_key=SECRET, project_id=PROJECT, url=emulator)
    first = _killed_run(env, tmp_path, client)
    if between == "journal deleted":
        for path in (tmp_path / "cache").iterdir():
            path.unlink()
        env = env | {"SCW_QAAS_RESUME": "service"}
    if between == "session stopped":
        Job.attach(client, ",".join(first)).wait(timeout=120)  # finished, then its session ends
        session_id = client.get_job(first[0]).session_id
        client.terminate_session(session_id)
    sessions_before = {s.id for s in client.list_sessions()}

    ids, results = _finish(_start(env, tmp_path))

    assert ids == first
    assert results == EXPECTED
    assert sorted(j.id for j in client.list_jobs()) == sorted(first)  # none created twice
    if between == "session stopped":  # nothing was left to submit: no session was opened to fetch
        assert {s.id for s in client.list_sessions()} == sessions_before


def test_two_processes_at_once_submit_once(env: dict[str, str], tmp_path: Path, emulator: str) -> None:
    client = QaaSClient(secret_key=SECRET, project_id=PROJECT, url=emulator)
    procs = [_start(env, tmp_path) for _ in range(2)]
    (ids_a, results_a), (ids_b, results_b) = (_finish(p) for p in procs)
    assert ids_a == ids_b
    assert results_a == results_b == EXPECTED
    assert sorted(j.id for j in client.list_jobs()) == sorted(ids_a)
