"""The official ``scaleway-qaas-client`` (0.1.24), unchanged, against the emulator over real HTTP.

Everything the client wraps that a job needs works: platform listing and filtering, sessions (create, get,
list, terminate, delete), models carrying qio ``QuantumComputationModel`` payloads, jobs (create, get, list,
cancel), results decoded with qio, and the client's error path (HTTP status >= 400 raises). The client never
polls: these tests poll ``get_job`` themselves, tightly, so the module takes about a second.
On Python 3.11 it needs the 3.12 ``HTTPStatus`` properties that ``conftest.py`` adds to the runtime.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from qio.core import (
    BackendData,
    ClientData,
    QuantumComputationModel,
    QuantumComputationParameters,
    QuantumProgram,
    QuantumProgramCompressionFormat,
    QuantumProgramResult,
    QuantumProgramSerializationFormat,
)
from qio.utils.compression import str_to_zlib
from scaleway_qaas_client.v1alpha1 import QaaSClient

from .conftest import AER, QSIM

BELL_QASM2 = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n'
X_QASM3 = (
    'OPENQASM 3.0;\ninclude "stdgates.inc";\nbit[2] c;\nqubit[2] q;\nx q[1];\n'
    "c[0] = measure q[0];\nc[1] = measure q[1];\n"
)


@pytest.fixture
def client(creds: dict[str, str]) -> QaaSClient:
    return QaaSClient(**creds)


@pytest.fixture
def session(client: QaaSClient) -> Any:
    platform = client.list_platforms(name=AER)[0]
    session = client.create_session(platform_id=platform.id, max_duration="5m", max_idle_duration="2m")
    yield session
    client.terminate_session(session.id)


def program(text: str, fmt: QuantumProgramSerializationFormat) -> QuantumProgram:
    return QuantumProgram(
        compression_format=QuantumProgramCompressionFormat.ZLIB_BASE64_V1,
        serialization_format=fmt,
        serialization=str_to_zlib(text),
    )


def model_payload(*programs: QuantumProgram, platform: str = AER) -> str:
    return QuantumComputationModel(
        programs=list(programs), backend=BackendData(name=platform), client=ClientData(user_agent="tests/official")
    ).to_json_str()


def wait(client: QaaSClient, job_id: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get_job(job_id)
        if job.status in ("completed", "error", "cancelled"):
            return job
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} still {job.status} after {timeout} s")


def test_list_and_get_platforms(client: QaaSClient) -> None:
    # the official client reads only the first page (20 of the 25 platforms here): ask by name too
    first_page = {p.name for p in client.list_platforms()}
    assert len(first_page) == 20 and AER in first_page
    platforms = {
        name: p
        for name in (AER, QSIM, "EMU-CUDAQ-H100", "QPU-GARNET-20PQ", "QPU-IBEX-12PQ")
        for p in client.list_platforms(name=name)
    }
    assert set(platforms) == {AER, QSIM, "EMU-CUDAQ-H100", "QPU-GARNET-20PQ", "QPU-IBEX-12PQ"}
    aer = platforms[AER]
    assert (aer.provider_name, aer.backend_name, aer.type_, aer.availability) == (
        "scaleway",
        "aer",
        "simulator",
        "available",
    )
    assert aer.max_qubit_count > 0 and aer.max_shot_count > 0
    assert [p.name for p in client.list_platforms(name=QSIM)] == [QSIM]
    assert {p.name for p in client.list_platforms(provider_name="iqm")} == {
        "QPU-GARNET-20PQ",
        "QPU-SIRIUS-24PQ",
        "QPU-EMERALD-54PQ",
    }
    assert {p.name for p in client.list_platforms(platform_type="QPU")} >= {"QPU-GARNET-20PQ", "QPU-IBEX-12PQ"}
    assert client.get_platform(aer.id).name == AER


def test_bell_job_end_to_end(client: QaaSClient, session: Any) -> None:
    assert session.status in ("starting", "running")
    assert session.max_duration == "300s" and session.max_idle_duration == "120s"  # pytimeparse'd by the client
    assert client.get_session(session.id).id == session.id
    assert session.id in {s.id for s in client.list_sessions()}

    model = client.create_model(payload=model_payload(program(BELL_QASM2, QuantumProgramSerializationFormat.QASM_V2)))
    assert model.id
    assert client.get_model(model.id).id == model.id
    params = QuantumComputationParameters(shots=1000, options={"memory": False}).to_json_str()
    job = client.create_job(session_id=session.id, model_id=model.id, parameters=params, name="bell")
    assert job.status in ("waiting", "running", "completed") and job.name == "bell"

    job = wait(client, job.id)
    assert job.status == "completed", job.progress_message
    assert job.id in {j.id for j in client.list_jobs(session.id)}
    results = client.list_job_results(job.id)
    assert len(results) == 1 and results[0].job_id == job.id
    counts = QuantumProgramResult.from_json_str(results[0].result).to_qiskit_result().get_counts()
    assert set(counts) == {"00", "11"} and sum(counts.values()) == 1000
    assert 400 <= counts["00"] <= 600, counts


def test_two_programs_in_one_model(client: QaaSClient, session: Any) -> None:
    """qiskit-scaleway's multi-circuit runs: one model with N programs, one job, one result of N experiments."""
    model = client.create_model(
        payload=model_payload(
            program(BELL_QASM2, QuantumProgramSerializationFormat.QASM_V2),
            program(X_QASM3, QuantumProgramSerializationFormat.QASM_V3),
        )
    )
    job = client.create_job(
        session_id=session.id, model_id=model.id, parameters=QuantumComputationParameters(shots=100).to_json_str()
    )
    assert wait(client, job.id).status == "completed"
    (result,) = client.list_job_results(job.id)
    bell, x = QuantumProgramResult.from_json_str(result.result).to_qiskit_result().get_counts()
    assert set(bell) == {"00", "11"} and x == {"10": 100}


def test_cirq_json_program_on_qsim(client: QaaSClient) -> None:
    import cirq

    qsim = client.list_platforms(name=QSIM)[0]
    session = client.create_session(platform_id=qsim.id)
    try:
        q = cirq.LineQubit.range(2)
        circuit = cirq.Circuit(cirq.H(q[0]), cirq.CNOT(q[0], q[1]), cirq.measure(*q, key="m"))
        prog = QuantumProgram.from_cirq_circuit(circuit)  # CIRQ_CIRCUIT_JSON_V1, zlib
        model = client.create_model(payload=model_payload(prog, platform=QSIM))
        job = client.create_job(
            session_id=session.id, model_id=model.id, parameters=QuantumComputationParameters(shots=200).to_json_str()
        )
        assert wait(client, job.id).status == "completed"
        (result,) = client.list_job_results(job.id)
        histogram = QuantumProgramResult.from_json_str(result.result).to_cirq_result().histogram(key="m")
        assert set(histogram) == {0, 3} and sum(histogram.values()) == 200
    finally:
        client.terminate_session(session.id)


def test_cancel_terminate_delete(client: QaaSClient, session: Any) -> None:
    model = client.create_model(payload=model_payload(program(BELL_QASM2, QuantumProgramSerializationFormat.QASM_V2)))
    job = client.create_job(
        session_id=session.id, model_id=model.id, parameters=QuantumComputationParameters(shots=10).to_json_str()
    )
    client.cancel_job(job.id)
    assert wait(client, job.id).status in ("cancelled", "completed")  # it may finish before the cancel lands

    other = client.create_session(platform_id=session.platform_id)
    stopped = client.terminate_session(other.id)
    assert stopped.status in ("stopping", "stopped")
    client.delete_session(other.id)
    with pytest.raises(Exception, match="error 404"):
        client.get_session(other.id)


def test_errors_raise(client: QaaSClient) -> None:
    with pytest.raises(Exception, match="error 404"):
        client.get_job("00000000-0000-0000-0000-000000000000")
    with pytest.raises(Exception, match="error 400"):
        client.create_model(payload="this is not a QuantumComputationModel")
