"""Issue #10: implicit sessions are all terminated; a killed client's session is stopped by its idle timeout."""

from __future__ import annotations

import subprocess
import sys
import time

from scaleway_qaas.core import QaaSClient
from scaleway_qaas.core.managed import terminate_implicit_sessions
from scaleway_qaas.core.submit import run

from .conftest import BELL, PROJECT, REPO, SECRET, qasm

HYGIENE_PROJECT = "44444444-5555-6666-7777-888888888888"
HYGIENE_SECRET = "hygiene-secret-0123456789"


def test_terminate_implicit_sessions_leaves_none_running(emulator_url):
    client = QaaSClient(secret_key=HYGIENE_SECRET, project_id=HYGIENE_PROJECT, url=emulator_url)
    for name in ("EMU-AER-16C-128M", "EMU-QSIM-16C-128M", "EMU-AER-16C-128M"):
        run(client, client.describe_platform(name), [qasm(BELL)], shots=10).result(timeout=60)
    implicit = [s for s in client.list_sessions() if s.name.startswith("scaleway-qaas-implicit-")]
    assert len(implicit) == 2  # reused per platform
    closed = terminate_implicit_sessions()
    assert {s.id for s in implicit} <= set(closed)
    still = [
        s
        for s in client.list_sessions()
        if s.name.startswith("scaleway-qaas-implicit-") and s.status.value in ("starting", "running")
    ]
    assert still == []


CHILD = """
import sys, time
from scaleway_qaas.core import QaaSClient, Session, Program, ProgramFormat, run
client = QaaSClient(secret_key=sys.argv[2], project_id=sys.argv[3], url=sys.argv[1])
session = Session.open(client, "EMU-AER-16C-128M", max_idle_duration="2s")
run(client, session.platform, [Program.from_text(sys.argv[4], ProgramFormat.QASM_V2)], shots=10,
    session=session).result(timeout=60)
print(session.id, flush=True)
time.sleep(600)
"""


def test_killed_client_session_stops_after_idle_duration(emulator_url):
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, emulator_url, SECRET, PROJECT, BELL], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        session_id = child.stdout.readline().strip()  # type: ignore[union-attr]
        assert session_id, "the child did not open a session"
    finally:
        child.kill()
        child.wait(10)
        child.stdout.close()  # type: ignore[union-attr]
    client = QaaSClient(secret_key=SECRET, project_id=PROJECT, url=emulator_url)
    assert client.get_session(session_id).status.value in ("starting", "running")
    deadline = time.monotonic() + 15
    status = ""
    while time.monotonic() < deadline:
        status = client.get_session(session_id).status.value
        if status in ("stopping", "stopped"):
            break
        time.sleep(0.2)
    assert status in ("stopping", "stopped"), status
    assert "idle" in client.get_session(session_id).progress_message


EXITING_CHILD = """
import sys
from scaleway_qaas.core import QaaSClient, Program, ProgramFormat, run
client = QaaSClient(secret_key=sys.argv[2], project_id=sys.argv[3], url=sys.argv[1])
job = run(client, client.describe_platform("EMU-AER-16C-128M"), [Program.from_text(sys.argv[4], ProgramFormat.QASM_V2)],
          shots=10)
job.result(timeout=60)
print(job.parts[0].session_id, flush=True)
# the script ends here: the implicit session must be terminated on the way out
"""


def test_implicit_session_is_terminated_when_the_script_exits(emulator_url):
    """At interpreter exit no new thread can start (asyncio's DNS executor among them): the exit hook must
    terminate the implicit session anyway (it did not: README scripts left theirs running)."""
    done = subprocess.run(
        [sys.executable, "-c", EXITING_CHILD, emulator_url, SECRET, PROJECT, BELL],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "could not terminate" not in done.stderr and "Traceback" not in done.stderr, done.stderr[-2000:]
    session_id = done.stdout.strip()
    client = QaaSClient(secret_key=SECRET, project_id=PROJECT, url=emulator_url)
    assert client.get_session(session_id).status.value in ("stopping", "stopped")
