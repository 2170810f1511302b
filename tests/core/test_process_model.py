"""The core across processes, each case a whole script in a fresh interpreter against an emulator process.

A fork after real use (a loop thread, pooled connections, an implicit session, polling boards) gives the
child a core of its own: fresh loop, fresh HTTP clients, no session of the parent's. Children open
their own sessions and terminate them at their exit; the parent's session outlives them and ends at
the parent's exit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scaleway_qaas.core import QaaSClient
from scaleway_qaas.emulator import run_emulator_process

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="fork and forkserver are POSIX start methods")

SECRET = "process-model-key-0123456789"
PROJECT = "22222222-3333-4444-5555-666666666666"

POOLS = """
import json, multiprocessing, os, sys
from scaleway_qaas.core import Program, ProgramFormat, QaaSClient, run

BELL = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;'
CLIENT = None  # made by the parent before it forks; a forkserver child makes its own


def bell(shots):
    client = CLIENT or QaaSClient()
    job = run(client, client.describe_platform("EMU-AER-16C-128M"), [Program.from_text(BELL, ProgramFormat.QASM_V2)],
              shots=shots)
    counts = job.result(timeout=60)[0].counts
    return os.getpid(), job.parts[0].session_id, counts


if __name__ == "__main__":
    from qiskit import QuantumCircuit
    from scaleway_qaas.adapters.qiskit import ScalewayProvider

    qc = QuantumCircuit(2, 2); qc.h(0); qc.cx(0, 1); qc.measure([0, 1], [0, 1])
    backend = ScalewayProvider().get_backend("EMU-AER-16C-128M")
    first = backend.run(qc, shots=100).result().get_counts()  # real use: loop, connections, session, board
    CLIENT = QaaSClient()
    _, parent_session, _ = bell(100)
    out = {"parent": os.getpid(), "parent_session": parent_session, "first": first, "children": {}}
    for method in ("fork", "forkserver"):
        pool = multiprocessing.get_context(method).Pool(2)
        try:
            out["children"][method] = pool.map_async(bell, [200] * 4).get(timeout=60)  # a hang fails
        except BaseException:
            pool.terminate()
            raise
        pool.close()  # the workers exit normally: each terminates its own session
        pool.join()
    out["after"] = bell(100)[1]  # the parent carries on, in its own session
    print(json.dumps(out))
"""


@pytest.fixture
def emulator() -> Iterator[tuple[str, dict[str, str]]]:
    """An emulator in its own process (it outlives the scripts), and the environment that points at it."""
    with run_emulator_process() as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SCW_", "QISKIT_SCALEWAY", "CIRQ_SCALEWAY"))}
        env.update(SCW_API_URL=url, SCW_SECRET_KEY=SECRET, SCW_PROJECT_ID=PROJECT, SCW_CONFIG_PATH="/nonexistent")
        yield url, env


def run_script(path: Path, text: str, env: dict[str, str], timeout: float = 240) -> dict:
    """Run a script file (forkserver children import it) in a fresh interpreter; the JSON it prints last."""
    path.write_text(text)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, env=env, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def session_statuses(url: str) -> dict[str, str]:
    with QaaSClient(url=url, secret_key=SECRET, project_id=PROJECT) as client:
        return {s.id: s.status.value for s in client.list_sessions()}


def test_fork_and_forkserver_pools_after_real_use_run_jobs_in_sessions_of_their_own(emulator, tmp_path) -> None:
    url, env = emulator
    out = run_script(tmp_path / "pools.py", POOLS, env)
    assert set(out["first"]) <= {"00", "11"} and sum(out["first"].values()) == 100
    parent_session = out["parent_session"]
    assert out["after"] == parent_session  # the children left the parent's session alone
    child_sessions = set()
    for method, results in out["children"].items():
        assert len(results) == 4, method
        for pid, session_id, counts in results:
            assert pid != out["parent"], method
            assert set(counts) <= {"00", "11"} and sum(counts.values()) == 200, (method, counts)
            assert 40 <= counts.get("00", 0) <= 160, (method, counts)
            assert session_id != parent_session, method  # a child never reuses the parent's session
            child_sessions.add(session_id)
    statuses = session_statuses(url)
    # every session ended: the children's at their exits (before the parent's last job), the parent's at its own
    assert {statuses[s] for s in child_sessions | {parent_session}} <= {"stopping", "stopped"}, statuses
    assert all(status in ("stopping", "stopped") for status in statuses.values()), statuses


CHILD_SESSIONS = """
import json, multiprocessing, os, sys
from scaleway_qaas.core import Program, ProgramFormat, QaaSClient, run

BELL = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;'


def job(client, platform):
    return run(client, client.describe_platform(platform), [Program.from_text(BELL, ProgramFormat.QASM_V2)],
               shots=50)


def child(client, queue):
    # two sessions of its own (two platforms), and a job in each
    ids = [job(client, name).parts[0].session_id for name in ("EMU-AER-16C-128M", "EMU-QSIM-16C-128M")]
    queue.put(ids)


if __name__ == "__main__":
    client = QaaSClient()
    mine = job(client, "EMU-AER-16C-128M")
    mine.result(timeout=60)
    queue = multiprocessing.get_context("fork").Queue()
    process = multiprocessing.get_context("fork").Process(target=child, args=(client, queue), daemon=True)
    process.start()
    theirs = queue.get(timeout=60)
    process.join(60)
    statuses = {s.id: s.status.value for s in client.list_sessions()}
    print(json.dumps({"mine": mine.parts[0].session_id, "theirs": theirs, "exitcode": process.exitcode,
                      "statuses": statuses}))
"""


def test_a_forked_child_terminates_only_its_own_sessions_and_the_parents_ends_at_the_parents_exit(
    emulator, tmp_path
) -> None:
    url, env = emulator
    out = run_script(tmp_path / "child.py", CHILD_SESSIONS, env)
    assert out["exitcode"] == 0
    mine, theirs = out["mine"], out["theirs"]
    assert len(set(theirs)) == 2 and mine not in theirs
    # seen by the parent once the child exited: the child's sessions terminated, the parent's still running
    assert out["statuses"][mine] == "running", out["statuses"]
    assert {out["statuses"][s] for s in theirs} <= {"stopping", "stopped"}, out["statuses"]
    assert session_statuses(url)[mine] in ("stopping", "stopped")  # terminated at the parent's exit
