"""Waiting on a service that died: the emulator, in its own process, is SIGKILLed while jobs wait."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from processes import children

from scaleway_qaas.core import PollPolicy, Program, ProgramFormat, QaaSClient, Session, run
from scaleway_qaas.emulator import run_emulator_process
from scaleway_qaas.errors import ConnectionFailedError, JobTimeoutError, ServiceUnreachableError

BELL = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;'


def emulator_pid() -> int:
    """The emulator process (not an engine of the suite's in-process emulator: those are children too)."""
    command = b"-m\x00scaleway_qaas.emulator\x00--port\x00"
    return next(pid for pid in children(os.getpid()) if command in Path(f"/proc/{pid}/cmdline").read_bytes())


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the emulator process in /proc")
def test_a_killed_service_ends_every_wait_with_an_error_that_says_what_is_known() -> None:
    bell = Program.from_text(BELL, ProgramFormat.QASM_V2)
    # sessions stay 'starting' for a minute: the jobs wait in them, and the service dies meanwhile
    with run_emulator_process("--session-start-delay", "60") as url:
        pid = emulator_pid()
        with QaaSClient(url=url, secret_key="bounded-waits-0123456789", project_id=os.urandom(16).hex()) as client:
            platform = client.describe_platform("EMU-CUDAQ-H100")  # one program per job: two jobs
            quiet = {"show_progress": False}
            patient = run(
                client,
                platform,
                [bell],
                shots=50,
                session=Session.open(client, platform),
                # polled at least every 0.3 s: its wait of 1.5 s sees the dead service however loaded the machine
                poll=PollPolicy.for_url(url, max_outage=60, max_interval=0.3, **quiet),
            )
            bounded = run(
                client,
                platform,
                [bell, bell],
                shots=50,
                session=Session.open(client, platform),
                poll=PollPolicy.for_url(url, max_outage=2, **quiet),
            )
            assert len(bounded.ids) == 2
            os.kill(pid, signal.SIGKILL)
            killed = time.monotonic()

            with pytest.raises(JobTimeoutError) as timed_out:
                patient.result(timeout=1.5)
            message = str(timed_out.value)
            assert "keeps running" not in message and "still waiting" not in message, message
            assert url in message and patient.job_id in message and "unreachable" in message, message
            assert "may still be running on the service" in message, message

            with pytest.raises(ServiceUnreachableError) as gave_up:
                bounded.result()  # no timeout: max_outage bounds it, counted from the first failed request
            assert 2 <= time.monotonic() - killed <= 15
            error = gave_up.value
            assert 2 <= error.waited <= 15
            assert isinstance(error, ConnectionFailedError)
            assert error.url == url and error.job_ids == tuple(bounded.ids)
            message = str(error)
            assert url in message and bounded.job_id in message and "may still be running" in message, message
