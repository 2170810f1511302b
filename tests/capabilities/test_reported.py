"""The programs reported in issue 22, each of which failed only after a job was created (or silently)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister
from qiskit.circuit.library import PauliEvolutionGate, UnitaryGate
from qiskit.quantum_info import SparsePauliOp

from scaleway_qaas.adapters.qiskit import ScalewayProvider
from scaleway_qaas.adapters.qiskit.primitives import Sampler
from scaleway_qaas.core.capabilities import Feature
from scaleway_qaas.emulator import Emulator
from scaleway_qaas.errors import UnsupportedFeatureError

from .conftest import PLATFORMS

ALL = sorted(PLATFORMS.values())
#: families whose twin adds noise (compared with a looser bound)
NOISY = {PLATFORMS["aqt"], PLATFORMS["iqm"], PLATFORMS["quobly"]}


def initialize_one() -> QuantumCircuit:
    """The tutorial's ``initialize`` without transpiling: its definition holds a reset inside a gate body."""
    qc = QuantumCircuit(2, 2, name="initialize")
    qc.initialize([0, 1], 0)
    qc.measure([0, 1], [0, 1])
    return qc


def high_level() -> QuantumCircuit:
    """Gates the exporters write as opaque gate bodies: UnitaryGate, PauliEvolutionGate, mcx. Ideal outcome 1101."""
    qc = QuantumCircuit(4, 4, name="high_level")
    qc.append(UnitaryGate(np.array([[0, 1], [1, 0]])), [0])  # X as a matrix
    qc.append(PauliEvolutionGate(SparsePauliOp("X"), time=np.pi / 2), [1])  # exp(-i pi/2 X) = -iX
    qc.mcx([0, 1], 3)
    qc.measure(range(4), range(4))
    return qc


def teleport() -> QuantumCircuit:
    """Qiskit's teleportation tutorial: |1> teleported from qubit 0 to qubit 2 with if_test corrections."""
    q, a, b, out = (
        QuantumRegister(3, "q"),
        ClassicalRegister(1, "a"),
        ClassicalRegister(1, "b"),
        ClassicalRegister(1, "o"),
    )
    qc = QuantumCircuit(q, a, b, out, name="teleport")
    qc.x(0)
    qc.h(1)
    qc.cx(1, 2)
    qc.cx(0, 1)
    qc.h(0)
    qc.measure(0, a[0])
    qc.measure(1, b[0])
    with qc.if_test((b, 1)):
        qc.x(2)
    with qc.if_test((a, 1)):
        qc.z(2)
    qc.measure(2, out[0])
    return qc


@pytest.mark.parametrize("name", ALL)
def test_initialize_and_high_level_gates_run_everywhere(cap_env: Emulator, name: str) -> None:
    """Failed on every platform with "only gate applications are valid within a 'gate' body, but saw reset"."""
    backend = ScalewayProvider().get_backend(name)
    circuits = [initialize_one(), high_level()]
    result = backend.run(circuits, shots=100).result()
    least = 80 if name in NOISY else 100
    assert result.get_counts("initialize").get("01", 0) >= least  # qubit 0 is |1>: Qiskit's key, bit 0 rightmost
    assert result.get_counts("high_level").get("1011", 0) >= least - 15


@pytest.mark.parametrize("name", sorted(set(ALL) - {PLATFORMS["aer"]}))
def test_if_test_is_refused_before_anything_is_sent(
    cap_env: Emulator, nothing_sent: Callable[[], None], name: str
) -> None:
    """Failed server-side on qsim, after the job was created on Garnet; now refused up front, naming the way out."""
    backend = ScalewayProvider().get_backend(name)
    with pytest.raises(UnsupportedFeatureError) as info:
        backend.run(teleport(), shots=10)
    message = str(info.value)
    assert info.value.feature == Feature.CONDITIONS
    assert "classical conditions" in message and name in message and "EMU-AER-*" in message
    assert "deferred measurement" in message and "nothing was sent" in message
    nothing_sent()


def test_if_test_runs_on_aer(cap_env: Emulator) -> None:
    counts = ScalewayProvider().get_backend(PLATFORMS["aer"]).run(teleport(), shots=100).result().get_counts()
    assert sum(n for key, n in counts.items() if key.split()[0] == "1") == 100  # register o (leftmost): always 1


@pytest.mark.parametrize("name", [PLATFORMS["cudaq"], PLATFORMS["qperfect"]])
def test_memory_is_refused_where_results_hold_counts_only(
    cap_env: Emulator, nothing_sent: Callable[[], None], name: str
) -> None:
    """Ran, then ``get_memory()`` raised Qiskit's 'No memory for experiment "None"'."""
    backend = ScalewayProvider().get_backend(name)
    bell = QuantumCircuit(2, name="bell")
    bell.h(0)
    bell.cx(0, 1)
    bell.measure_all()
    with pytest.raises(UnsupportedFeatureError, match="per-shot memory") as info:
        backend.run(bell, shots=10, memory=True)
    assert info.value.feature == Feature.MEMORY and "memory=False" in str(info.value)
    with pytest.raises(UnsupportedFeatureError, match="SamplerV2 always asks for memory"):
        Sampler(backend).run([bell], shots=10).result()
    nothing_sent()
    assert backend.run(bell, shots=10).result().results[0].header["name"] == "bell"


@pytest.mark.parametrize("name", sorted(set(ALL) - {PLATFORMS["cudaq"], PLATFORMS["qperfect"]}))
def test_memory_and_names_on_every_family_that_has_it(cap_env: Emulator, name: str) -> None:
    backend = ScalewayProvider().get_backend(name)
    one = QuantumCircuit(2, 2, name="one")
    one.x(0)
    one.measure([0, 1], [0, 1])
    two = QuantumCircuit(2, 2, name="two")
    two.x(1)
    two.measure([0, 1], [0, 1])
    result = backend.run([one, two], shots=20, memory=True).result()
    assert [r.header["name"] for r in result.results] == ["one", "two"]
    memory = result.get_memory("two")
    assert len(memory) == 20
    if name not in NOISY:
        assert set(result.get_memory("one")) == {"01"} and set(memory) == {"10"}
