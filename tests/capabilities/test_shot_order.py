"""qsim's per-shot records come sorted by outcome (qsimcirq samples terminal measurements in sorted order): found by
the stress run, a PennyLane shot vector on qsim read (1.0, -0.02) for <Z> = 0.54. Memory that is not in shot order is
shuffled before anyone slices it."""

from __future__ import annotations

import math

import pennylane as qml
from qiskit import QuantumCircuit

from scaleway_qaas.adapters.qiskit import ScalewayProvider
from scaleway_qaas.core import QaaSClient
from scaleway_qaas.emulator import Emulator

from .conftest import PLATFORMS


def test_a_shot_vector_on_qsim_gives_fair_slices(cap_env: Emulator) -> None:
    with QaaSClient() as client:
        dev = qml.device("scaleway.qaas", wires=2, backend=PLATFORMS["qsim"], shots=[(200, 2)], seed=1, client=client)

        @qml.qnode(dev)
        def circuit() -> object:
            qml.RX(1.0, 0)
            qml.CNOT([0, 1])
            return qml.expval(qml.PauliZ(1))

        first, second = (float(r) for r in circuit())
    bound = 5 / math.sqrt(200)
    assert abs(first - math.cos(1.0)) <= bound and abs(second - math.cos(1.0)) <= bound, (first, second)


def test_qiskit_memory_from_qsim_is_not_sorted(cap_env: Emulator) -> None:
    qc = QuantumCircuit(1, 1, name="coin")
    qc.h(0)
    qc.measure(0, 0)
    memory = ScalewayProvider().get_backend(PLATFORMS["qsim"]).run(qc, shots=200, memory=True).result().get_memory()
    assert len(memory) == 200 and 60 < memory.count("1") < 140
    assert memory[:100].count("1") > 20 and memory[100:].count("1") > 20, "".join(memory)  # sorted: 0 then 100
