"""Emulated QPUs: the target drives transpile(), untranspiled circuits are rejected before sending."""

from __future__ import annotations

import pytest
from qiskit import QuantumCircuit, transpile

from scaleway_qaas.adapters.qiskit import ScalewayBackend, ScalewayProvider
from scaleway_qaas.errors import InvalidArgumentError


def bell() -> QuantumCircuit:
    qc = QuantumCircuit(2, name="bell")
    qc.h(0)
    qc.cx(0, 1)
    qc.measure_all()
    return qc


def test_garnet_target(garnet: ScalewayBackend) -> None:
    target = garnet.target
    assert garnet.num_qubits == 20
    assert {"r", "cz", "measure"} <= set(target.operation_names)
    assert "h" not in target.operation_names
    assert target.instruction_supported("cz", (0, 1)) and target.instruction_supported("cz", (1, 0))
    assert not target.instruction_supported("cz", (0, 2))
    assert garnet.max_circuits == 200


def test_ibex_target(provider: ScalewayProvider) -> None:
    ibex = provider.get_backend("QPU-IBEX-12PQ")
    assert {"r", "rz", "rxx"} <= set(ibex.target.operation_names)
    assert ibex.target.instruction_supported("rxx", (0, 11))


def test_transpiled_circuit_runs(garnet: ScalewayBackend) -> None:
    qc = transpile(bell(), garnet, seed_transpiler=1)
    counts = garnet.run(qc, shots=400).result().get_counts()
    assert sum(counts.values()) == 400
    assert counts.get("00", 0) + counts.get("11", 0) >= 0.8 * 400  # noisy QPU


def test_untranspiled_circuit_rejected(garnet: ScalewayBackend) -> None:
    with pytest.raises(InvalidArgumentError, match=r"gate 'h' is not native to QPU-GARNET-20PQ.*transpile"):
        garnet.run(bell())


def test_uncoupled_pair_rejected(garnet: ScalewayBackend) -> None:
    qc = QuantumCircuit(3, 3, name="far")
    qc.cz(0, 2)
    qc.measure(range(3), range(3))
    with pytest.raises(InvalidArgumentError, match=r"qubits \[0, 2\].*coupling map"):
        garnet.run(qc)


def test_noise_model_refused_on_qpu(garnet: ScalewayBackend) -> None:
    from qiskit_aer.noise import NoiseModel

    with pytest.raises(InvalidArgumentError, match="only accepted by Aer"):
        garnet.run(transpile(bell(), garnet), noise_model=NoiseModel())
