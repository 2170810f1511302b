"""Unit tests of the QASM conversion: standard gates and native lowering + routing (no server)."""

from __future__ import annotations

import math

import numpy as np
import pennylane as qml
import pytest
from pennylane.exceptions import DeviceError
from pennylane.wires import Wires

from scaleway_qaas.adapters.pennylane.convert import NativeLowering, lowering_set, native_qasm, standard_qasm
from scaleway_qaas.emulator.platforms import GARNET_COUPLING_MAP

_X = np.array([[0, 1], [1, 0]], dtype=complex)
_Y = np.array([[0, -1j], [1j, 0]])
_Z = np.diag([1.0 + 0j, -1.0])


def _r(theta: float, phi: float) -> np.ndarray:
    gen = math.cos(phi) * _X + math.sin(phi) * _Y
    return math.cos(theta / 2) * np.eye(2) - 1j * math.sin(theta / 2) * gen


_ONE = {
    "r": lambda p: _r(p[0], p[1]),
    "rx": lambda p: _r(p[0], 0.0),
    "ry": lambda p: _r(p[0], math.pi / 2),
    "rz": lambda p: np.diag([np.exp(-1j * p[0] / 2), np.exp(1j * p[0] / 2)]),
}
_TWO = {
    "cz": lambda p: np.diag([1, 1, 1, -1]).astype(complex),
    "cx": lambda p: np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=complex),
    "rxx": lambda p: math.cos(p[0] / 2) * np.eye(4) - 1j * math.sin(p[0] / 2) * np.kron(_X, _X),
}


def _simulate(instructions, n: int) -> np.ndarray:
    state = np.zeros([2] * n, dtype=complex)
    state[(0,) * n] = 1
    for name, params, qubits in instructions:
        u = _ONE[name](params) if name in _ONE else _TWO[name](params).reshape(2, 2, 2, 2)
        k = len(qubits)
        state = np.tensordot(u, state, axes=(list(range(k, 2 * k)), list(qubits)))
        state = np.moveaxis(state, list(range(k)), list(qubits))
    return state


def _random_tape(n: int, depth: int, seed: int) -> qml.tape.QuantumScript:
    rng = np.random.default_rng(seed)
    ops = []
    for _ in range(depth):
        a, b = rng.choice(n, size=2, replace=False)
        kind = rng.integers(5)
        ops.append([qml.RX, qml.RY, qml.RZ][kind % 3](rng.uniform(-3, 3), wires=int(a)))
        ops.append(
            [qml.CNOT, qml.CZ, qml.IsingXX][kind % 3](
                *(([rng.uniform(-3, 3)]) if kind % 3 == 2 else []), wires=[int(a), int(b)]
            )
        )
    return qml.tape.QuantumScript(ops, [qml.probs(wires=range(n))])


@pytest.mark.parametrize(
    ("native", "coupling"),
    [(("r", "cz", "measure"), GARNET_COUPLING_MAP), (("r", "rz", "rxx", "measure"), None), (("rx", "ry", "cx"), None)],
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_native_lowering_preserves_probabilities(native, coupling, seed: int) -> None:
    n = 5
    tape = _random_tape(n, 12, seed)
    lowering = NativeLowering(native, coupling, 20)
    body, layout = lowering.lower(tape.operations, Wires(range(n)))
    allowed = set(native)
    assert {name for name, _, _ in body} <= allowed
    if coupling is not None:
        edges = {frozenset(e) for e in coupling}
        assert all(frozenset(q) in edges for _, _, q in body if len(q) == 2)
    width = max([*layout, *(q for _, _, qs in body for q in qs)]) + 1
    state = _simulate(body, width)
    probs = np.abs(state) ** 2
    # marginal over the measured qubits, in wire order
    others = tuple(q for q in range(width) if q not in layout)
    marginal = probs.sum(axis=others) if others else probs
    kept = sorted(layout)
    marginal = np.transpose(marginal, [kept.index(q) for q in layout]).reshape(-1)
    expected = qml.device("default.qubit").execute(tape)
    np.testing.assert_allclose(marginal, expected, atol=1e-9)


def test_native_qasm_measures_wire_i_into_clbit_i() -> None:
    tape = qml.tape.QuantumScript([qml.CNOT([0, 2])], [qml.probs(wires=[0, 1, 2])])
    text = native_qasm(tape, Wires([0, 1, 2]), NativeLowering(("r", "cz"), GARNET_COUPLING_MAP, 20))
    assert "cx" not in text
    assert text.count("measure") == 3
    assert "-> c[0];" in text and "-> c[2];" in text


def test_standard_qasm_maps_gates_and_drops_global_phase() -> None:
    tape = qml.tape.QuantumScript(
        [qml.Hadamard("a"), qml.CNOT(["a", "b"]), qml.GlobalPhase(0.3), qml.U3(0.1, 0.2, 0.3, wires="b")],
        [qml.probs()],
    )
    text = standard_qasm(tape, Wires(["a", "b"]))
    assert "h q[0];" in text and "cx q[0],q[1];" in text and "u3(0.1,0.2,0.3) q[1];" in text
    assert "gphase" not in text
    assert "measure q[1] -> c[1];" in text


def test_unusable_native_set_is_a_device_error() -> None:
    with pytest.raises(DeviceError, match="prx"):
        lowering_set(("prx", "measure"))
