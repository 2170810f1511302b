"""An emulator in a child process: its engines, and the sessions of this process, which it leaves to it."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from processes import alive, children

from scaleway_qaas.core import Program, ProgramFormat, QaaSClient, implicit_session, run_in
from scaleway_qaas.core.managed import terminate_implicit_sessions
from scaleway_qaas.emulator import run_emulator_process

from .conftest import BELL_QASM2


def test_a_process_emulator_leaves_this_processs_sessions_to_it(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    with run_emulator_process("--workers", "1") as url:
        client = QaaSClient(url=url, secret_key=f"secret-{uuid.uuid4()}", project_id=str(uuid.uuid4()))
        session = implicit_session(client, client.find_platform("EMU-AER-16C-128M"))
        program = Program.from_text(BELL_QASM2, ProgramFormat.QASM_V2)
        (result,) = run_in(session, [program], shots=100).result(timeout=60)
        assert set(result.counts) <= {"00", "11"}
        session_id = session.id
    # the emulator never called the core's session policy: the session is still this process's to close
    started = time.monotonic()
    assert terminate_implicit_sessions(url) == []  # nothing answers any more
    assert time.monotonic() - started < 3  # connection refused on loopback: the retry policy's few attempts
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, warnings
    assert f"nothing answers at {url}: {session_id}" in warnings[0]
    client.close()


def test_a_script_leaving_an_emulator_block_with_sessions_open_exits_at_once_and_quietly() -> None:
    script = """
import time, uuid
from qiskit import QuantumCircuit
from scaleway_qaas.adapters.qiskit import ScalewayProvider
from scaleway_qaas.emulator import Emulator
qc = QuantumCircuit(2, 2); qc.x(0); qc.measure([0, 1], [0, 1])
with Emulator(workers=1) as emu:
    provider = ScalewayProvider(url=emu.url, secret_key="exit-" + "0" * 20, project_id=str(uuid.uuid4()))
    print(provider.get_backend("EMU-AER-16C-128M").run(qc, shots=50).result().get_counts())
print(time.time(), flush=True)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    ended = time.time()
    assert done.returncode == 0, done.stderr
    counts, left_block = done.stdout.splitlines()[-2:]
    assert counts == "{'01': 50}"
    assert ended - float(left_block) < 5  # no hang at exit (on an idle machine: ~0.3 s)
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) <= 1 and all("could not terminate 1 session(s), nothing answers at" in x for x in lines), lines


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
