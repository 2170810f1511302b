"""Unit tests of the Cirq conversions (no emulator)."""

from __future__ import annotations

import cirq
import numpy as np

from scaleway_qaas.adapters.cirq.convert import Layout, Slot, to_result
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
