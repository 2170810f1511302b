"""Code written for the official qiskit-scaleway runs unchanged but for its imports.

Each test replays, in order, the calls of one public example or README section of the official
plugin (their code is not copied here), with ``scaleway_qaas.adapters.qiskit`` imports.
"""

from __future__ import annotations

import math
import uuid

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit.library import TwoLocal
from qiskit.quantum_info import SparsePauliOp

from scaleway_qaas.adapters.qiskit import MoveGate, ScalewayBackend, ScalewayBackendNotFoundError, ScalewayProvider
from scaleway_qaas.adapters.qiskit import backends as official_backends
from scaleway_qaas.adapters.qiskit.primitives import Estimator, Sampler

from ..conftest import TEST_PROJECT, TEST_SECRET


def ghz(n: int = 4) -> QuantumCircuit:
    qc = QuantumCircuit(n)
    qc.h(0)
    for i in range(1, n):
        qc.cx(0, i)
    qc.measure_all()
    return qc


def assert_ghz(counts: dict[str, int], shots: int, n: int = 4) -> None:
    assert set(counts) <= {"0" * n, "1" * n} and sum(counts.values()) == shots
    assert abs(counts.get("0" * n, 0) - shots / 2) < 5 * math.sqrt(shots / 4)


@pytest.fixture
def official_env(emulator_url, monkeypatch, tmp_path) -> None:
    """Only the official plugin's variables are set, as a user of qiskit-scaleway has them."""
    for name in ("SCW_SECRET_KEY", "SCW_PROJECT_ID", "SCW_DEFAULT_PROJECT_ID", "SCW_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SCW_CONFIG_PATH", str(tmp_path / "none.yaml"))
    monkeypatch.setenv("QISKIT_SCALEWAY_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("QISKIT_SCALEWAY_PROJECT_ID", TEST_PROJECT)
    monkeypatch.setenv("QISKIT_SCALEWAY_API_URL", emulator_url)


def test_readme(official_env) -> None:
    provider = ScalewayProvider()
    operational = provider.backends(operational=True)
    assert operational and all(b.availability in ("available", "scarce") for b in operational)
    big = provider.backends(min_num_qubits=35)
    assert all(b.num_qubits >= 35 for b in big)
    backend = provider.get_backend("EMU-CUDAQ-4H100SXM")
    result = backend.run(ghz(), method="statevector", shots=1000).result()
    assert result.success
    assert_ghz(result.get_counts(), 1000)


@pytest.mark.parametrize(
    ("name", "dedup", "duration"),
    [
        ("EMU-AER-2L40S", "my-aer-session-workshop", "2h"),
        ("EMU-IBEX-12PQ-2L4", "my-aqt-session-workshop", "20m"),
        ("EMU-QSIM-L40S", "my-qsim-session-workshop", "2h"),
    ],
)
def test_run_simple_circuit_in_a_session(official_env, name, dedup, duration) -> None:
    provider = ScalewayProvider(project_id=TEST_PROJECT, secret_key=TEST_SECRET)
    backend = provider.get_backend(name)
    session_id = backend.start_session(deduplication_id=f"{dedup}-{uuid.uuid4().hex[:6]}", max_duration=duration)
    try:
        job = backend.run(ghz(), shots=1000, session_id=session_id)
        result = job.result()
        assert result.success
        counts = result.get_counts()
        if name.startswith("EMU-IBEX"):  # AQT's digital twin is noisy
            assert counts.get("0000", 0) + counts.get("1111", 0) >= 800
        else:
            assert_ghz(counts, 1000)
        assert [j.id for j in backend.client.list_jobs(session_id=session_id)] == [job.job_id()]
    finally:
        backend.stop_session(session_id)


def test_seamless_session_and_tutorial(official_env) -> None:
    provider = ScalewayProvider()
    backend = provider.get_backend("EMU-AER-4L40S")
    assert_ghz(backend.run(ghz(), shots=1000).result().get_counts(), 1000)
    bell = QuantumCircuit(2, 2, name="Bell state")
    bell.h(0)
    bell.cx(0, 1)
    bell.measure_all()
    counts = backend.run(bell, shots=1000).result().get_counts()
    assert set(counts) <= {"00 00", "11 00"}  # "meas" then the unused "c" register, as Qiskit keys them


def test_run_sampler_and_estimator(official_env) -> None:
    from qiskit.circuit.library import IQP
    from scipy.optimize import minimize

    provider = ScalewayProvider()
    backend = provider.get_backend("EMU-AER-2L40S")
    session_id = backend.start_session(deduplication_id=f"my-sampler-{uuid.uuid4().hex[:6]}", max_duration="20m")
    try:
        sampler = Sampler(backend=backend, session_id=session_id)
        circuit = IQP(np.array([[6, 5, 3, 1, 2], [5, 6, 0, 2, 1], [3, 0, 1, 2, 0], [1, 2, 2, 0, 5], [2, 1, 0, 5, 1]]))
        circuit.measure_all()
        result = sampler.run([circuit], shots=100).result()
        assert len(result[0].data.meas.get_bitstrings()) == 100
        assert sum(result[0].data.meas.get_counts().values()) == 100

        estimator = Estimator(backend=backend, session_id=session_id)
        hamiltonian = SparsePauliOp.from_list([("II", -1.05), ("IZ", 0.39), ("ZI", -0.39), ("ZZ", -0.01), ("XX", 0.18)])
        ansatz = TwoLocal(2, "ry", "cz")
        calls = []

        def cost(params: np.ndarray) -> float:
            value = float(estimator.run([(ansatz, hamiltonian, params)]).result()[0].data["evs"])
            calls.append(value)
            return value

        best = minimize(cost, [0.0] * ansatz.num_parameters, method="cobyla", options={"maxiter": 25})
        assert best.fun < -1.5  # the ground energy is about -1.86
        assert len(backend.client.list_jobs(session_id=session_id)) >= len(calls)
    finally:
        backend.stop_session(session_id)


def test_official_backend_class_names_are_our_backend() -> None:
    names = ("BaseBackend", "AerBackend", "AqtBackend", "IqmBackend", "QsimBackend", "CudaqBackend",
             "QperfectBackend", "QuoblyBackend")  # fmt: skip
    assert all(getattr(official_backends, n) is ScalewayBackend for n in names)
    assert sorted(official_backends.__all__) == sorted((*names, "BaseJob"))


def test_get_backend_by_filters_alone(provider: ScalewayProvider) -> None:
    sirius = provider.get_backend(provider_name="iqm", min_num_qubits=16, max_qubit_count=16)
    assert sirius.name == "QPU-SIRIUS-24PQ" and isinstance(sirius, official_backends.IqmBackend)
    assert "move" in sirius.target.operation_names
    assert isinstance(sirius.target.operation_from_name("move"), MoveGate)
    with pytest.raises(ScalewayBackendNotFoundError, match=r"more than one backend matches provider_name='iqm': "):
        provider.get_backend(provider_name="iqm")
    with pytest.raises(ScalewayBackendNotFoundError, match=r"no backend matches name='EMU-AER-16C', min_num_qubits=2"):
        provider.get_backend("EMU-AER-16C", min_num_qubits=2)
    with pytest.raises(ScalewayBackendNotFoundError, match="more than one backend matches no criteria"):
        provider.get_backend()
