"""The engine processes: side by side, replaced when they die, never handed a job too big for memory."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import cirq
import pytest
from processes import alive

from scaleway_qaas.core.wire import ComputationModel, Program, ProgramFormat
from scaleway_qaas.emulator import CATALOGUE, Emulator
from scaleway_qaas.emulator.memory import qubit_count, refusal

from .conftest import BELL_QASM2, Api, decode, within

AER = "EMU-AER-16C-128M"
QSIM = "EMU-QSIM-16C-128M"


def heavy(n: int, layers: int) -> str:
    """A circuit Aer needs a second or more for: ``layers`` of rotations and a ring of CNOTs."""
    body = " ".join(f"rx({0.1 * (i + k)}) q[{i}]; cx q[{i}],q[{(i + 1) % n}];" for k in range(layers) for i in range(n))
    return f'OPENQASM 2.0; include "qelib1.inc"; qreg q[{n}]; creg c[{n}]; {body} measure q -> c;'


def wait_status(api: Api, job_id: str, status: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while api.ok(api.http.get(f"/qaas/v1alpha1/jobs/{job_id}"))["status"] != status:
        assert time.monotonic() < deadline, f"job never {status}"
        time.sleep(0.01)


def wait_loaded(emu: Emulator, family: str, timeout: float = 60) -> None:
    """Until every started engine has loaded a family (the idle ones load it after the first job)."""
    deadline = time.monotonic() + timeout
    while not all(family in e.families for e in emu.pool.engines if e.pid is not None):
        assert time.monotonic() < deadline, f"the engines never all loaded {family}"
        time.sleep(0.05)


def mapped(pid: int) -> str:
    """The files a process has mapped (its loaded native libraries)."""
    return Path(f"/proc/{pid}/maps").read_text()


@pytest.fixture(scope="module")
def two() -> Iterator[Emulator]:
    with Emulator(workers=2, session_start_delay=0.01, memory_limit=2**20) as emulator:
        yield emulator


@pytest.fixture
def api2(two: Emulator) -> Iterator[Api]:
    client = Api(two.url)
    yield client
    client.http.close()


def test_an_engine_killed_mid_job_fails_that_job_with_a_message_and_is_replaced() -> None:
    with Emulator(workers=1, session_start_delay=0.01) as emu:
        api = Api(emu.url)
        session = api.session(AER)
        job = api.ok(api.submit(session["id"], api.model(heavy(20, 30)), shots=10))
        wait_status(api, job["id"], "running")
        engine = emu.pool.engines[0]
        killed = engine.pid
        assert killed is not None
        os.kill(killed, signal.SIGKILL)
        failed = api.wait(job["id"])
        assert failed["status"] == "error"
        assert "killed by signal SIGKILL" in failed["progress_message"]
        assert "not retried" in failed["progress_message"]
        # the pool goes on with a new engine
        done, results = api.run(AER, BELL_QASM2, shots=500)
        assert done["status"] == "completed", done["progress_message"]
        assert set(decode(results)[0].counts) <= {"00", "11"}
        assert engine.pid not in (None, killed)


def test_a_job_past_the_deadline_fails_by_name_and_its_engine_is_replaced() -> None:
    with Emulator(workers=1, session_start_delay=0.01, job_deadline=0.5) as emu:
        api = Api(emu.url)
        warm, _ = api.run(AER, BELL_QASM2, shots=10)  # Aer loads first: loading does not count
        assert warm["status"] == "completed", warm["progress_message"]
        engine = emu.pool.engines[0]
        slow_engine = engine.pid
        started = time.monotonic()
        session = api.session(AER)
        job = api.ok(api.submit(session["id"], api.model(heavy(20, 60)), shots=10))
        failed = api.wait(job["id"], timeout=60)
        assert time.monotonic() - started < 20
        assert failed["status"] == "error"
        assert failed["progress_message"] == (
            "simulation exceeded the emulator's job deadline of 0.5 s; the engine was restarted"
        )
        assert not alive(slow_engine)
        done, results = api.run(AER, BELL_QASM2, shots=500)  # the next job runs, on a new engine
        assert done["status"] == "completed", done["progress_message"]
        assert set(decode(results)[0].counts) <= {"00", "11"}
        assert engine.pid not in (None, slow_engine)


def test_a_job_deadline_must_be_positive() -> None:
    import subprocess
    import sys

    with pytest.raises(ValueError, match="job_deadline must be a positive number of seconds, got 0"):
        Emulator(job_deadline=0)
    command = [sys.executable, "-m", "scaleway_qaas.emulator", "--job-deadline", "-1"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "--job-deadline must be a positive number of seconds, got -1" in done.stderr


def test_jobs_run_side_by_side_on_two_engines(api2: Api, two: Emulator) -> None:
    session = api2.session(AER)
    model = api2.model(heavy(16, 20))
    warm = [api2.ok(api2.submit(session["id"], model, shots=10))["id"] for _ in range(3)]  # starts both engines
    assert all(api2.wait(j, timeout=60)["status"] == "completed" for j in warm)
    assert all(e.pid is not None for e in two.pool.engines)
    wait_loaded(two, "aer")
    jobs = [api2.ok(api2.submit(session["id"], model, shots=2000))["id"] for _ in range(2)]
    first, second = (api2.wait(j, timeout=60) for j in jobs)
    assert first["status"] == second["status"] == "completed"
    # each started before the other had finished: they ran at the same time
    (start1, end1), (start2, end2) = ((_time(j["started_at"]), _time(j["updated_at"])) for j in (first, second))
    assert start2 < end1 and start1 < end2, (start1, end1, start2, end2)


def test_a_job_too_big_for_memory_is_refused_unrun_naming_qubits_and_memory(api2: Api, two: Emulator) -> None:
    # memory_limit is 1 MiB: 16 qubits of Aer (16 B x 2^16 = 1 MiB) fit, 17 do not
    job, _ = api2.run(AER, heavy(17, 1), shots=10)
    assert job["status"] == "error"
    message = job["progress_message"]
    assert "17 qubits" in message and "2 MiB" in message and "16 B x 2^17" in message, message
    assert "1 MiB" in message and "refused without being run" in message
    ok, _ = api2.run(AER, heavy(16, 1), shots=10)
    assert ok["status"] == "completed", ok["progress_message"]
    # qsim holds 8-byte amplitudes: 17 qubits fit, 18 do not
    q = cirq.LineQubit.range(18)
    circuit = cirq.Circuit(cirq.H.on_each(*q), cirq.measure(*q, key="m"))
    job, _ = api2.run(QSIM, cirq.to_json(circuit), fmt=ProgramFormat.CIRQ_CIRCUIT_JSON_V1, shots=10)
    assert job["status"] == "error" and "18 qubits" in job["progress_message"]
    assert "8 B x 2^18" in job["progress_message"]


@pytest.mark.parametrize(
    ("text", "fmt", "n"),
    [
        (BELL_QASM2, ProgramFormat.QASM_V2, 2),
        ("OPENQASM 2.0; qreg a[3]; qreg b[4]; // qreg c[40];\ncreg c[7];", ProgramFormat.QASM_V2, 7),
        ("OPENQASM 3.0; qubit[34] q; qubit r; bit[2] c;", ProgramFormat.QASM_V3, 35),
        (cirq.to_json(cirq.Circuit(cirq.CZ(*cirq.GridQubit.rect(1, 2)), cirq.X(cirq.LineQubit(9)))),
         ProgramFormat.CIRQ_CIRCUIT_JSON_V1, 3),
    ],
)  # fmt: skip
def test_qubits_are_counted_as_programs_declare_them(text: str, fmt: ProgramFormat, n: int) -> None:
    assert qubit_count(Program.from_text(text, fmt)) == n


def test_a_34_qubit_statevector_is_refused_on_a_machine_with_less_than_256_gib() -> None:
    aer = next(p for p in CATALOGUE if p.name == AER)
    program = Program.from_text('OPENQASM 3.0; include "stdgates.inc"; qubit[34] q; h q;', ProgramFormat.QASM_V3)
    model = ComputationModel(programs=(program,))
    message = refusal(aer, model, 200 * 2**30)
    assert message is not None and "34 qubits" in message and "256 GiB" in message and "200 GiB" in message
    assert refusal(aer, model, 256 * 2**30) is None


def test_a_status_read_waits_for_a_job_about_to_finish_and_no_longer(api2: Api, two: Emulator) -> None:
    session = api2.session(AER)
    api2.run(AER, BELL_QASM2, shots=10)
    wait_loaded(two, "aer")
    model = api2.model(BELL_QASM2)
    for _ in range(5):  # a Bell job is done by the first read that follows its creation
        job = api2.ok(api2.submit(session["id"], model, shots=100))
        assert api2.ok(api2.http.get(f"/qaas/v1alpha1/jobs/{job['id']}"))["status"] == "completed"
    slow = api2.ok(api2.submit(session["id"], api2.model(heavy(16, 60)), shots=10))
    started = time.monotonic()
    read = api2.ok(api2.http.get(f"/qaas/v1alpha1/jobs/{slow['id']}"))
    assert read["status"] in ("waiting", "running")
    assert time.monotonic() - started < 0.5  # bounded: about 0.1 s
    finished = api2.wait(slow["id"], timeout=60)
    assert finished["status"] == "completed"
    started = time.monotonic()
    api2.ok(api2.http.get(f"/qaas/v1alpha1/jobs/{finished['id']}"))
    assert time.monotonic() - started < 0.05  # a finished job is answered at once


def test_each_family_loads_only_its_own_simulator() -> None:
    with Emulator(workers=2, session_start_delay=0.01) as emu:
        api = Api(emu.url)
        api.run(AER, BELL_QASM2, shots=10)
        wait_loaded(emu, "aer")
        maps = [mapped(e.pid) for e in emu.pool.engines if e.pid is not None]
        assert all("qiskit_aer" in m for m in maps)
        assert not any("qsim" in m or "matplotlib" in m for m in maps)  # no Cirq for a Qiskit user
        _, results = api.run(QSIM, BELL_QASM2, shots=400)
        assert within(decode(results)[0].counts.get("00", 0), 400, 0.5)
        assert any("qsim" in mapped(e.pid) for e in emu.pool.engines if e.pid is not None)


def test_a_family_loads_at_its_platforms_first_use_before_any_job() -> None:
    with Emulator(workers=1, session_start_delay=0.01) as emu:
        api = Api(emu.url)
        engine = emu.pool.engines[0]
        api.ok(api.http.get("/qaas/v1alpha1/platforms"))  # listing the catalogue uses no platform
        time.sleep(0.3)
        assert engine.families == set()
        api.ok(api.http.get("/qaas/v1alpha1/platforms", params={"name": AER}))  # get_backend("EMU-AER-...")
        wait_loaded(emu, "aer")
        assert engine.families == {"aer"}
        api.session(QSIM)  # a session opened on a platform
        wait_loaded(emu, "qsim")
        assert "qsim" in mapped(engine.pid)


def test_an_idle_emulator_uses_no_measurable_cpu() -> None:
    with Emulator(workers=1) as emu:
        Api(emu.url).session(AER)  # the engine loads Aer: idling starts once it has
        wait_loaded(emu, "aer")
        time.sleep(0.5)
        engine = emu.pool.engines[0].pid
        before, engine_before = time.process_time(), _cpu(engine)
        time.sleep(3)
        used, engine_used = time.process_time() - before, _cpu(engine) - engine_before
    assert used < 0.03, f"{used * 1000:.0f} ms of CPU in 3 s of idling"  # under 1 %
    assert engine_used < 0.01


def _time(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _cpu(pid: int | None) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_a_pool_without_engines_is_refused_by_name() -> None:
    import subprocess
    import sys

    with pytest.raises(ValueError, match="workers must be at least 1"):
        Emulator(workers=0)
    done = subprocess.run(
        [sys.executable, "-m", "scaleway_qaas.emulator", "--workers", "-2"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "argument --workers: expected a whole number of engine processes, at least 1; got '-2'" in done.stderr
