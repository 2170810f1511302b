"""Emulated QPUs: the target comes from the published native instructions; circuits go as they are (the service
transpiles), or transpiled locally with transpile(qc, backend)."""

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
    # no coupling map is published: the target is all-to-all, the service routes
    assert target.instruction_supported("cz", (0, 1)) and target.instruction_supported("cz", (0, 2))


def test_ibex_target(provider: ScalewayProvider) -> None:
    ibex = provider.get_backend("QPU-IBEX-12PQ")
    assert {"r", "rz", "rxx"} <= set(ibex.target.operation_names)
    assert ibex.target.instruction_supported("rxx", (0, 11))


def test_transpiled_circuit_runs(garnet: ScalewayBackend) -> None:
    qc = transpile(bell(), garnet, seed_transpiler=1)
    counts = garnet.run(qc, shots=400).result().get_counts()
    assert sum(counts.values()) == 400
    assert counts.get("00", 0) + counts.get("11", 0) >= 0.8 * 400  # noisy QPU


def test_untranspiled_circuit_is_sent_as_it_is(garnet: ScalewayBackend) -> None:
    """h and cx are not native to Garnet: the circuit goes as written and the service transpiles it."""
    counts = garnet.run(bell(), shots=400).result().get_counts()
    assert sum(counts.values()) == 400
    assert counts.get("00", 0) + counts.get("11", 0) >= 0.8 * 400


def test_sirius_move_in_target_and_transpiled_run(provider: ScalewayProvider) -> None:
    sirius = provider.get_backend("QPU-SIRIUS-24PQ")
    assert "move" in sirius.target.operation_names
    qc = transpile(bell(), sirius, seed_transpiler=1)
    counts = sirius.run(qc, shots=300).result().get_counts()
    assert counts.get("00", 0) + counts.get("11", 0) >= 0.8 * 300


def test_noise_model_refused_on_qpu(garnet: ScalewayBackend) -> None:
    from qiskit_aer.noise import NoiseModel

    with pytest.raises(InvalidArgumentError, match="only accepted by Aer"):
        garnet.run(transpile(bell(), garnet), noise_model=NoiseModel())
