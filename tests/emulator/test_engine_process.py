"""An emulator in a child process: its engines, and the sessions of this process closed before it stops."""

from __future__ import annotations

import logging
import os
import signal
import time
import uuid
from pathlib import Path

import pytest

from scaleway_qaas.core import Program, ProgramFormat, QaaSClient, Session
from scaleway_qaas.core.session import terminate_implicit_sessions
from scaleway_qaas.emulator import run_emulator_process

from .conftest import BELL_QASM2


def children(pid: int) -> list[int]:
    """The pids of a process's children (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # exited meanwhile
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_a_process_emulator_closes_this_processs_sessions_before_it_stops(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    with run_emulator_process("--workers", "1") as url:
        client = QaaSClient(url=url, secret_key=f"secret-{uuid.uuid4()}", project_id=str(uuid.uuid4()))
        session = Session.implicit(client, client.find_platform("EMU-AER-16C-128M"))
        program = Program.from_text(BELL_QASM2, ProgramFormat.QASM_V2)
        (result,) = session.run([program], shots=100).result(timeout=60)
        assert set(result.counts) <= {"00", "11"}
        session_id = session.id
    started = time.monotonic()
    assert session_id not in terminate_implicit_sessions()  # closed already, while the emulator served
    assert time.monotonic() - started < 0.5  # no retry against the stopped emulator
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


def test_the_engines_of_a_process_emulator_end_with_it() -> None:
    before = set(children(os.getpid()))  # other tests' in-process emulators have engines here too
    with run_emulator_process("--workers", "2") as url:
        assert url.startswith("http://127.0.0.1:")
        (server,) = set(children(os.getpid())) - before
        engines = children(server)
        assert len(engines) == 1  # one engine starts with the server, more when jobs wait
        os.kill(server, signal.SIGKILL)  # no shutdown code runs
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{e}").exists() and _state(e) != "Z" for e in engines):
            assert time.monotonic() < deadline, "an engine outlived its server"
            time.sleep(0.05)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"
