"""Unit tests of the Cirq conversions and of the native decomposition (no emulator)."""

from __future__ import annotations

import cirq
import numpy as np
import pytest

from scaleway_qaas.adapters.cirq.convert import Layout, Slot, to_result
from scaleway_qaas.adapters.cirq.native import _decompose
from scaleway_qaas.core.results import ExperimentResult, Register

LAYOUT = Layout((Slot("k0", "my key", 2), Slot("k1", "b", 1)), declared=("m_k0", "m_k1"))


def test_registers_map_back_to_keys_by_name() -> None:
    exp = ExperimentResult(
        counts={"101": 1, "010": 1}, registers=(Register("m_k1", 1), Register("m_k0", 2)), memory=("101", "010")
    )
    result = to_result(exp, LAYOUT, cirq.ParamResolver({"t": 1}))
    assert result.measurements["my key"].tolist() == [[0, 1], [1, 0]]
    assert result.measurements["b"].tolist() == [[1], [0]]
    assert result.params == cirq.ParamResolver({"t": 1})


def test_one_global_register_follows_declaration_order() -> None:
    exp = ExperimentResult(counts={"011": 2}, registers=(Register("__global__", 3),))
    result = to_result(exp, LAYOUT, cirq.ParamResolver())
    assert result.measurements["my key"].tolist() == [[0, 1]] * 2
    assert result.measurements["b"].tolist() == [[1]] * 2
    assert result.measurements["b"].dtype == np.int8


@pytest.mark.parametrize("native", [{"r", "cz"}, {"r", "rz", "rxx"}])
@pytest.mark.parametrize("seed", range(4))
def test_native_decomposition_keeps_the_distribution(native: set[str], seed: int) -> None:
    """transpile=True's Cirq transformers: only r/cz or r/rz/rxx-expressible gates, same outcome probabilities."""
    qubits = cirq.LineQubit.range(3)
    body = cirq.testing.random_circuit(qubits, n_moments=8, op_density=0.9, random_state=seed)
    body = cirq.Circuit(cirq.H.on_each(*qubits), cirq.T(qubits[1]), body, cirq.S(qubits[2]))
    decomposed = _decompose(body + cirq.Circuit(cirq.measure(*qubits, key="k0")), native)
    allowed = (cirq.PhasedXZGate, cirq.PhasedXPowGate, cirq.XPowGate, cirq.YPowGate, cirq.ZPowGate)
    allowed += (cirq.CZPowGate,) if "cz" in native else (cirq.XXPowGate,)
    gates = [op.gate for op in decomposed.all_operations() if not cirq.is_measurement(op)]
    assert all(isinstance(g, (*allowed, cirq.GlobalPhaseGate)) for g in gates), {type(g) for g in gates}
    unitary_part = cirq.Circuit(op for op in decomposed.all_operations() if not cirq.is_measurement(op))
    exact = np.abs(cirq.final_state_vector(body, qubit_order=qubits)) ** 2
    ours = np.abs(cirq.final_state_vector(unitary_part, qubit_order=qubits)) ** 2
    np.testing.assert_allclose(ours, exact, atol=1e-6)
