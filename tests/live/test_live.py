"""Live checks against the real Scaleway cloud (``pytest -m live``; billed; see docs/live.md).

In order: the platform list and the cheapest simulator; one session opened with a
deduplication id and joined again by it; one Bell job through the core client; the gateway's
error answers to a few wrong calls; one Bell job per adapter, each joining the same session
by its deduplication id; then the termination, what a job posted to the terminated session
gets, and a check that no session this run created is left running. The core client's answers
are recorded (``recorder.py``) and written as golden files at the end.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from recorder import SHOTS, Recorder, recorded_client

from scaleway_qaas.core import errors
from scaleway_qaas.core.client import QaaSClient
from scaleway_qaas.core.codecs import decode as decode_result
from scaleway_qaas.core.records import JobStatus, PlatformInfo, PlatformType, SessionInfo, SessionStatus
from scaleway_qaas.core.wire import ComputationModel, ComputationParameters, Program, ProgramFormat

pytestmark = pytest.mark.live

SESSION_OPTIONS = {"max_duration": "20m", "max_idle_duration": "5m"}
BELL_QASM2 = """OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[2];
h q[0];
cx q[0],q[1];
measure q[0] -> c[0];
measure q[1] -> c[1];
"""
JOB_TIMEOUT = 900.0
OPEN = (SessionStatus.STARTING, SessionStatus.RUNNING)


def assert_bell(counts: dict[str, int], shots: int = SHOTS) -> None:
    """Only 00 and 11, each within 6 standard deviations of half the shots."""
    assert set(counts) <= {"00", "11"}, counts
    assert sum(counts.values()) == shots, counts
    bound = 6 * math.sqrt(shots / 4)
    assert abs(counts.get("00", 0) - shots / 2) <= bound, counts


def cheapest_simulator(platforms: list[PlatformInfo]) -> PlatformInfo:
    """The Aer simulator with the lowest hourly price (unpublished prices last; CPU before GPU sizes)."""
    candidates = [
        p
        for p in platforms
        if p.type == PlatformType.SIMULATOR
        and p.backend_name.lower() == "aer"
        and p.provider_name.lower() != "aqt"
        and p.availability.value in ("available", "scarce")
    ]
    assert candidates, f"no available Aer simulator among {[p.name for p in platforms]}"

    def cost(p: PlatformInfo) -> tuple[float, int, str]:
        hourly = p.price_per_hour.amount if p.price_per_hour and p.price_per_hour.amount else math.inf
        return hourly, 0 if "C-" in p.name else 1, p.name

    return min(candidates, key=cost)


@pytest.fixture(scope="module")
def client(recorder: Recorder, live_credentials: dict[str, str]) -> Any:
    with recorded_client(recorder, **live_credentials) as recorded:
        yield recorded


@pytest.fixture(scope="module")
def platform(client: QaaSClient) -> PlatformInfo:
    platforms = client.list_platforms()
    chosen = os.environ.get("SCW_LIVE_PLATFORM")
    if chosen:
        return next(p for p in platforms if p.name == chosen)
    return cheapest_simulator(platforms)


@pytest.fixture(scope="module")
def session(client: QaaSClient, platform: PlatformInfo, dedup_id: str) -> SessionInfo:
    return client.create_session(platform.id, name="scaleway-qaas-live", deduplication_id=dedup_id, **SESSION_OPTIONS)


def jobs_in(client: QaaSClient, session: SessionInfo) -> int:
    return len(client.list_jobs(session_id=session.id))


def wait_job(client: QaaSClient, job_id: str) -> JobStatus:
    deadline = time.monotonic() + JOB_TIMEOUT
    while True:
        status = client.get_job(job_id).status
        if status.is_final:
            return status
        assert time.monotonic() < deadline, f"job {job_id} still {status.value} after {JOB_TIMEOUT:.0f} s"
        time.sleep(2.0)


def test_platforms_and_the_cheapest_simulator(client: QaaSClient, platform: PlatformInfo) -> None:
    assert platform.type == PlatformType.SIMULATOR and platform.max_qubit_count >= 2
    assert client.get_platform(platform.id).name == platform.name
    assert [p.id for p in client.list_platforms(name=platform.name)] == [platform.id]


def test_session_reuse_through_deduplication_id(
    client: QaaSClient, platform: PlatformInfo, session: SessionInfo, dedup_id: str
) -> None:
    again = client.create_session(platform.id, name="scaleway-qaas-live", deduplication_id=dedup_id, **SESSION_OPTIONS)
    assert again.id == session.id
    read = client.get_session(session.id)
    assert read.status in OPEN and read.deduplication_id == dedup_id and read.platform_id == platform.id
    assert (read.max_duration, read.max_idle_duration) == ("1200s", "300s")
    assert session.id in {s.id for s in client.list_sessions(platform_id=platform.id)}


def test_core_bell_job(client: QaaSClient, platform: PlatformInfo, session: SessionInfo, recorder: Recorder) -> None:
    model = client.create_model(ComputationModel(programs=(Program.from_text(BELL_QASM2, ProgramFormat.QASM_V2),)))
    job = client.create_job(session.id, model.id, ComputationParameters(shots=SHOTS), name=f"live-{uuid.uuid4().hex}")
    assert job.session_id == session.id and job.model_id == model.id
    assert wait_job(client, job.id) == JobStatus.COMPLETED
    for item in client.list_job_results(job.id):
        assert item.job_id == job.id and (item.result or item.url)
        if not item.result and item.url:
            recorder.download(item.url)
    experiments = [e for r in client.fetch_job_results(job.id) for e in decode_result(r)]
    assert len(experiments) == 1
    assert_bell(experiments[0].counts)
    assert job.id in {j.id for j in client.list_jobs(session_id=session.id)}


def test_error_answers(client: QaaSClient, recorder: Recorder, live_credentials: dict[str, str]) -> None:
    with pytest.raises(errors.NotFoundError):
        client.get_session(str(uuid.uuid4()))
    with pytest.raises(errors.QaaSError) as invalid:
        client.create_session("not-a-platform-id", max_duration="20m")
    assert invalid.value.status_code is not None and 400 <= invalid.value.status_code < 500
    wrong_key = {**live_credentials, "secret_key": str(uuid.uuid4())}
    with (
        recorded_client(recorder, **wrong_key) as stranger,
        pytest.raises((errors.AuthenticationError, errors.PermissionDeniedError)),
    ):
        stranger.list_platforms()
    other_project = {**live_credentials, "project_id": str(uuid.uuid4())}
    # a 403, or an empty list: never another project's sessions
    with recorded_client(recorder, **other_project) as outsider, contextlib.suppress(errors.PermissionDeniedError):
        assert outsider.list_sessions() == []


# --- one Bell job per adapter, all in the session of the deduplication id -----------------------


def run_qiskit(platform: PlatformInfo, dedup_id: str) -> dict[str, int]:
    from qiskit import QuantumCircuit

    from scaleway_qaas.adapters.qiskit import ScalewayProvider

    qc = QuantumCircuit(2, 2)
    qc.h(0)
    qc.cx(0, 1)
    qc.measure([0, 1], [0, 1])
    backend = ScalewayProvider().get_backend(platform.name)
    result = backend.run(qc, shots=SHOTS, deduplication_id=dedup_id, **SESSION_OPTIONS).result(timeout=JOB_TIMEOUT)
    return {k.replace(" ", ""): v for k, v in result.get_counts().items()}


def run_cirq(platform: PlatformInfo, dedup_id: str) -> dict[str, int]:
    import cirq

    from scaleway_qaas.adapters.cirq import ScalewaySampler

    a, b = cirq.LineQubit.range(2)
    circuit = cirq.Circuit(cirq.H(a), cirq.CNOT(a, b), cirq.measure(a, b, key="m"))
    sampler = ScalewaySampler(backend=platform.name, deduplication_id=dedup_id, timeout=JOB_TIMEOUT, **SESSION_OPTIONS)
    histogram = sampler.run(circuit, repetitions=SHOTS).histogram(key="m")
    return {format(value, "02b"): n for value, n in histogram.items()}


def run_pennylane(platform: PlatformInfo, dedup_id: str) -> dict[str, int]:
    import pennylane as qml

    device = qml.device("scaleway.qaas", wires=2, backend=platform.name, deduplication_id=dedup_id, **SESSION_OPTIONS)

    @qml.set_shots(SHOTS)
    @qml.qnode(device)
    def bell() -> Any:
        qml.Hadamard(0)
        qml.CNOT([0, 1])
        return qml.counts(all_outcomes=False)

    return {str(k): int(v) for k, v in bell().items()}


def run_cudaq(platform: PlatformInfo, dedup_id: str) -> dict[str, int]:
    from cudaq_kernels import bell

    from scaleway_qaas.adapters import cudaq as scw

    return dict(
        scw.sample(bell, shots_count=SHOTS, machine=platform.name, deduplication_id=dedup_id, **SESSION_OPTIONS).items()
    )


def run_cudaq_native(platform: PlatformInfo, dedup_id: str) -> dict[str, int]:
    import cudaq
    from cudaq_kernels import bell

    from scaleway_qaas.adapters.cudaq import set_target

    set_target(machine=platform.name, deduplication_id=dedup_id, **SESSION_OPTIONS)
    try:
        return dict(cudaq.sample(bell, shots_count=SHOTS).items())
    finally:
        cudaq.reset_target()


ADAPTERS = {
    "qiskit": run_qiskit,
    "cirq": run_cirq,
    "pennylane": run_pennylane,
    "cudaq": run_cudaq,
    "cudaq-native-target": run_cudaq_native,
}


@pytest.mark.parametrize("adapter", list(ADAPTERS))
def test_one_bell_job_per_adapter(
    adapter: str, client: QaaSClient, platform: PlatformInfo, session: SessionInfo, dedup_id: str
) -> None:
    before = jobs_in(client, session)
    counts = ADAPTERS[adapter](platform, dedup_id)
    assert_bell(counts)
    assert jobs_in(client, session) == before + 1, "the adapter joined the session of the deduplication id"


# --- termination ---------------------------------------------------------------------------------


def test_termination_and_no_session_left_running(
    client: QaaSClient, platform: PlatformInfo, session: SessionInfo, started_at: datetime, dedup_id: str
) -> None:
    from scaleway_qaas.core.managed import terminate_implicit_sessions

    terminated = client.terminate_session(session.id)
    assert terminated.id == session.id and terminated.status in (SessionStatus.STOPPING, SessionStatus.STOPPED)
    # What does a job posted to a terminated session get? Unknown publicly: the answer is recorded.
    model = client.create_model(ComputationModel(programs=(Program.from_text(BELL_QASM2, ProgramFormat.QASM_V2),)))
    try:
        late = client.create_job(session.id, model.id, ComputationParameters(shots=SHOTS), name="live-after-stop")
    except errors.QaaSError as exc:
        assert exc.status_code is not None and 400 <= exc.status_code < 500, exc
    else:
        assert wait_job(client, late.id) in (JobStatus.CANCELLED, JobStatus.ERROR)
    terminate_implicit_sessions()
    deadline = time.monotonic() + 600
    while (status := client.get_session(session.id).status) != SessionStatus.STOPPED:
        assert status == SessionStatus.STOPPING, status
        assert time.monotonic() < deadline, "the session is still stopping after 10 minutes"
        time.sleep(5.0)
    since = started_at - timedelta(minutes=2)  # tolerates a skew between this machine's clock and the service's
    left = [
        (s.id, s.name, s.status.value)
        for s in client.list_sessions()
        if s.status in OPEN
        and (s.deduplication_id == dedup_id or s.name.startswith("scaleway-qaas"))
        and s.created_at
        and datetime.fromisoformat(s.created_at) >= since
    ]
    assert not left, f"sessions this run created are still open: {left}"
