"""An emulator in a child process: its engines, and the sessions of this process closed before it stops."""

from __future__ import annotations

import logging
import os
import signal
import time
import uuid

import pytest
from processes import alive, children

from scaleway_qaas.core import Program, ProgramFormat, QaaSClient, implicit_session, run_in
from scaleway_qaas.core.managed import terminate_implicit_sessions
from scaleway_qaas.emulator import run_emulator_process

from .conftest import BELL_QASM2


def test_a_process_emulator_closes_this_processs_sessions_before_it_stops(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    with run_emulator_process("--workers", "1") as url:
        client = QaaSClient(url=url, secret_key=f"secret-{uuid.uuid4()}", project_id=str(uuid.uuid4()))
        session = implicit_session(client, client.find_platform("EMU-AER-16C-128M"))
        program = Program.from_text(BELL_QASM2, ProgramFormat.QASM_V2)
        (result,) = run_in(session, [program], shots=100).result(timeout=60)
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
        while any(alive(e) for e in engines):
            assert time.monotonic() < deadline, "an engine outlived its server"
            time.sleep(0.05)
