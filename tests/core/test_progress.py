"""A status line while a job waits for its session to start (the cloud takes minutes to allocate a GPU or QPU)."""

from __future__ import annotations

import logging

import pytest

from scaleway_qaas.core import Program, ProgramFormat, QaaSClient
from scaleway_qaas.core.submit import run
from scaleway_qaas.emulator import Emulator

BELL = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;'


@pytest.fixture(scope="module")
def slow_start():
    with Emulator(session_start_delay=3.5) as emulator:
        client = QaaSClient(
            url=emulator.url, secret_key="progress-test-key", project_id="22222222-3333-4444-5555-666666666666"
        )
        yield client, client.describe_platform("EMU-AER-16C-128M")
        client.close()


def test_a_session_still_starting_after_two_seconds_is_reported(slow_start, caplog, monkeypatch):
    client, platform = slow_start
    monkeypatch.delenv("SCW_QAAS_PROGRESS", raising=False)
    caplog.set_level(logging.WARNING, logger="scaleway_qaas.progress")
    job = run(client, platform, [Program.from_text(BELL, ProgramFormat.QASM_V2)], shots=10, session=None)
    (result,) = job.result(timeout=30)
    assert result.shots == 10
    lines = [r.getMessage() for r in caplog.records if r.name == "scaleway_qaas.progress"]
    assert lines and "EMU-AER-16C-128M: session starting" in lines[0]  # no TTY here: a log line
    client.terminate_session(job.parts[0].session_id)


def test_progress_can_be_silenced(slow_start, caplog, monkeypatch):
    client, platform = slow_start
    monkeypatch.setenv("SCW_QAAS_PROGRESS", "0")
    caplog.set_level(logging.WARNING, logger="scaleway_qaas.progress")
    from scaleway_qaas.core.session import SessionSpec

    job = run(
        client, platform, [Program.from_text(BELL, ProgramFormat.QASM_V2)], shots=10, session=SessionSpec(name="quiet")
    )
    job.result(timeout=30)
    assert not [r for r in caplog.records if r.name == "scaleway_qaas.progress"]
    client.terminate_session(job.parts[0].session_id)
