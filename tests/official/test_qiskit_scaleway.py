"""The official ``qiskit-scaleway`` (0.3.13), unchanged, on the emulator (with qiskit 2.6.2 / qiskit-aer 0.18.2).

What works: ``ScalewayProvider(project_id, secret_key, url)``, listing every backend (Aer, qsim, CUDA-Q and the
IQM/AQT QPUs, whose Target the plugin builds from the platform metadata), ``get_backend("EMU-AER-16C-128M")``,
``backend.run()`` of one Bell circuit (automatic session, counts ~50/50) and of two circuits in one job (one
``Result`` with two experiments), and runs inside an explicit ``start_session`` / ``stop_session``.
The plugin sleeps 3 s between two status polls, so each job takes ~3 s: two jobs here.
"""

from __future__ import annotations

import pytest
from qiskit import QuantumCircuit
from qiskit_scaleway import ScalewayProvider

from .conftest import AER, QSIM


@pytest.fixture
def provider(creds: dict[str, str]) -> ScalewayProvider:
    return ScalewayProvider(**creds)


def bell() -> QuantumCircuit:
    qc = QuantumCircuit(2, 2)
    qc.h(0)
    qc.cx(0, 1)
    qc.measure([0, 1], [0, 1])
    return qc


def test_backends(provider: ScalewayProvider) -> None:
    # the official provider lists only the first page of platforms: ask by name
    backends = {
        b.name: type(b).__name__
        for name in (AER, QSIM, "EMU-CUDAQ-H100", "QPU-GARNET-20PQ", "QPU-IBEX-12PQ")
        for b in provider.backends(name)
    }
    assert backends == {
        AER: "AerBackend",
        QSIM: "QsimBackend",
        "EMU-CUDAQ-H100": "CudaqBackend",
        "QPU-GARNET-20PQ": "IqmBackend",
        "QPU-IBEX-12PQ": "AqtBackend",
    }
    garnet = provider.get_backend("QPU-GARNET-20PQ")
    assert {"r", "cz", "measure"} <= set(garnet.target.operation_names)
    assert provider.get_backend(AER).num_qubits > 2


def test_bell_counts(provider: ScalewayProvider) -> None:
    backend = provider.get_backend(AER)
    result = backend.run(bell(), shots=1000).result()  # a new session per run ("auto")
    assert result.success
    counts = result.get_counts()
    assert set(counts) == {"00", "11"} and sum(counts.values()) == 1000
    assert 400 <= counts["00"] <= 600, counts


def test_two_circuits_in_an_explicit_session(provider: ScalewayProvider) -> None:
    backend = provider.get_backend(AER)
    flip = QuantumCircuit(2, 2)
    flip.x(0)
    flip.measure([0, 1], [0, 1])
    session_id = backend.start_session(name="tests-official", max_duration="5m", max_idle_duration="2m")
    try:
        result = backend.run([bell(), flip], shots=200, session_id=session_id).result()
    finally:
        backend.stop_session(session_id)
    assert len(result.results) == 2
    bell_counts, flip_counts = result.get_counts()
    assert set(bell_counts) == {"00", "11"} and sum(bell_counts.values()) == 200
    assert flip_counts == {"01": 200}
