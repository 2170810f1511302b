"""State on a SQLite file survives a SIGKILL: results are served, waiting jobs run after restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scaleway_qaas.emulator.store import Store

from .conftest import BELL_QASM2, Api, decode, within


@contextmanager
def emulator_process(db: Path, token: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``python -m scaleway_qaas.emulator`` on a free port; yields (process, url)."""
    command = [sys.executable, "-m", "scaleway_qaas.emulator", "--port", "0", "--db", str(db)]
    command += ["--session-start-delay", "0.5", "--token", f"{token}=11111111-2222-3333-4444-555555555555"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as proc:  # its exit closes the pipe
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert "listening on" in line, line
            yield proc, line.split("listening on ")[1].split()[0]
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                proc.wait(timeout=30)


def test_sigkill_and_restart(tmp_path: Path) -> None:
    db = tmp_path / "qaas.sqlite"
    token = "restart-secret"
    with emulator_process(db, token) as (proc, url):
        api = Api(url, token, "11111111-2222-3333-4444-555555555555")
        done_job, _ = api.run("EMU-AER-16C-128M", BELL_QASM2, shots=500)
        assert done_job["status"] == "completed"
        session = api.session()  # starting for 0.5 s: its job is waiting when the process dies
        waiting = api.ok(api.submit(session["id"], api.model(BELL_QASM2), shots=500))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    with emulator_process(db, token) as (_, url):
        api = Api(url, token, "11111111-2222-3333-4444-555555555555")
        (served,) = decode(api.results(done_job["id"]))
        assert served.shots == 500
        rerun = api.wait(waiting["id"])
        assert rerun["status"] == "completed", rerun["progress_message"]
        (exp,) = decode(api.results(rerun["id"]))
        assert within(exp.counts["00"], 500, 0.5)


def test_interrupted_running_jobs_are_requeued(tmp_path: Path) -> None:
    db = str(tmp_path / "state.sqlite")
    store = Store(db)
    now = time.time()
    store.insert("jobs", {"id": "running-job", "session_id": "s", "status": "running", "created_at": now})
    store.insert("jobs", {"id": "cancelling-job", "session_id": "s", "status": "cancelling", "created_at": now})
    store.close()
    store = Store(db)  # as after a crash
    assert store.recover(time.time()) == ["running-job"]
    requeued = store.get("jobs", "running-job")
    assert requeued is not None and requeued["status"] == "waiting"
    assert "re-queued" in requeued["progress_message"]
    cancelled = store.get("jobs", "cancelling-job")
    assert cancelled is not None and cancelled["status"] == "cancelled"
    store.close()
