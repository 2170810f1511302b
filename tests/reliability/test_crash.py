"""Issue #10: SIGKILL the emulator (a subprocess on a file DB) while jobs are queued and running,
restart it on the same DB and port: nothing is lost, and a client that was waiting resumes.

A single request gives up after the default RetryPolicy (8 attempts, ~1-3 s in all), but a client
*waiting* for a job keeps polling through an outage (``PollPolicy.max_outage``), so the waiting
client here uses the defaults and resumes after the restart."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid

import pytest
from processes import children

from scaleway_qaas.core import QaaSClient, Session, run, run_in
from scaleway_qaas.core.job import Job
from scaleway_qaas.core.records import JobStatus
from scaleway_qaas.errors import QaaSError

from .conftest import BELL, PROJECT, SECRET, assert_bell, qasm

# a Bell pair on c, with gates after the measurements: Aer must simulate shot by shot (~0.15 s per job)
SLOW_BELL = (
    'OPENQASM 2.0; include "qelib1.inc"; qreg q[12]; creg c[2]; '
    + " ".join(f"h q[{i}]; cx q[{i}],q[{i + 1}];" for i in range(2, 11))
    + " h q[0]; cx q[0],q[1]; measure q[0] -> c[0]; measure q[1] -> c[1]; h q[0]; h q[1]; "
    + " ".join(f"cx q[{i}],q[{i + 1}];" for i in range(11))
)
SLOW_SHOTS = 20_000


def _crash_and_restart(emulator_process, n: int) -> None:
    emu = emulator_process("--workers", "1", "--seed", "5")
    emu.start()
    client = QaaSClient(secret_key=SECRET, project_id=PROJECT, url=emu.url)
    platform = client.describe_platform("EMU-AER-16C-128M")
    session = Session.open(client, platform, deduplication_id=uuid.uuid4().hex, max_idle_duration="10m")

    # finished before the crash: their results must survive it unchanged
    done = [run(client, platform, [qasm(BELL)], shots=100, session=session) for _ in range(3)]
    done_counts = [job.result(timeout=60)[0].counts for job in done]

    jobs = [run(client, platform, [qasm(SLOW_BELL)], shots=SLOW_SHOTS, session=session) for _ in range(n)]
    waiter_outcome: dict[str, object] = {}

    def wait_last() -> None:
        try:
            waiter_outcome["results"] = jobs[-1].result(timeout=300)
        except BaseException as exc:
            waiter_outcome["error"] = exc

    waiter = threading.Thread(target=wait_last, daemon=True)
    waiter.start()

    # kill while some job runs and others wait
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        statuses = [client.get_job(j.job_id).status for j in jobs[:3]]
        if any(s != JobStatus.WAITING for s in statuses):
            break
        time.sleep(0.02)
    emu.kill()
    time.sleep(0.5)  # the waiting client now meets refused connections
    emu.start()

    waiter.join(timeout=300)
    assert "error" not in waiter_outcome, f"the waiting client failed: {waiter_outcome.get('error')!r}"
    assert_bell(waiter_outcome["results"][0].counts, SLOW_SHOTS)  # type: ignore[index]

    # every job ends, completed with a correct result or in error with a message
    completed = 0
    for job in jobs:
        again = Job.attach(client, job.job_id)
        status = again.wait(timeout=300)
        info = client.get_job(job.job_id)
        if status == JobStatus.COMPLETED:
            assert_bell(again.result()[0].counts, SLOW_SHOTS)
            completed += 1
        else:
            assert status == JobStatus.ERROR, status
            assert info.progress_message, f"job {job.job_id} ended in error without a message"
    assert completed >= n - 1  # the emulator re-queues interrupted jobs: all should complete

    # the session, the models and the finished results are intact
    assert client.get_session(session.id).status.value in ("running", "starting")
    server_jobs = client.list_jobs(session_id=session.id)
    assert len(server_jobs) == n + 3
    for info in server_jobs:
        assert client.get_model(info.model_id).id == info.model_id
    assert [Job.attach(client, j.job_id).result()[0].counts for j in done] == done_counts
    session.terminate()


def test_sigkill_and_restart(emulator_process):
    _crash_and_restart(emulator_process, 30)


@pytest.mark.stress
def test_sigkill_and_restart_stress(emulator_process):
    _crash_and_restart(emulator_process, 100)


def test_a_single_request_during_an_outage_fails_cleanly(emulator_process):
    """Outside job waits, a request during an outage fails after the retries, with a typed error."""
    emu = emulator_process()
    emu.start()
    client = QaaSClient(secret_key=SECRET, project_id=PROJECT, url=emu.url)
    client.list_platforms()
    emu.kill()
    started = time.monotonic()
    with pytest.raises(QaaSError) as info:
        client.list_platforms()
    assert time.monotonic() - started < 20
    assert SECRET not in str(info.value)


# 20 qubits, 30 layers of rotations and a ring of CNOTs: seconds of Aer
HEAVY = (
    'OPENQASM 2.0; include "qelib1.inc"; qreg q[20]; creg c[20]; '
    + " ".join(f"rx({0.1 * (i + k)}) q[{i}]; cx q[{i}],q[{(i + 1) % 20}];" for k in range(30) for i in range(20))
    + " measure q -> c;"
)


def test_a_killed_engine_process_fails_its_job_and_loses_no_other(emulator_process):
    """SIGKILL the engine process running a job (as the kernel's OOM killer would): that job ends in error
    with a message, the jobs queued behind it complete on the engine that replaces it."""
    emu = emulator_process("--workers", "1", "--seed", "5")
    emu.start()
    client = QaaSClient(secret_key=SECRET, project_id=PROJECT, url=emu.url)
    session = Session.open(client, client.find_platform("EMU-AER-16C-128M"), deduplication_id=uuid.uuid4().hex)
    heavy = run_in(session, [qasm(HEAVY)], shots=10)
    queued = [run_in(session, [qasm(BELL)], shots=200) for _ in range(10)]
    deadline = time.monotonic() + 60
    while client.get_job(heavy.job_id).status != JobStatus.RUNNING:
        assert time.monotonic() < deadline, "the heavy job never ran"
        time.sleep(0.02)
    (engine,) = children(emu.proc.pid)  # type: ignore[union-attr]
    os.kill(engine, signal.SIGKILL)

    assert Job.attach(client, heavy.job_id).wait(timeout=60) == JobStatus.ERROR
    message = client.get_job(heavy.job_id).progress_message
    assert "killed by signal SIGKILL" in message and "out of memory" in message, message
    for job in queued:
        assert_bell(job.result(timeout=120)[0].counts, 200)
    (replacement,) = children(emu.proc.pid)  # type: ignore[union-attr]
    assert replacement != engine
    session.terminate()
