"""Tapes of one structure in a batch share a template: each program is exactly the tape's full conversion."""

from __future__ import annotations

import numpy as np
import pennylane as qml
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pennylane.wires import Wires

from scaleway_qaas.adapters.pennylane import batches, convert
from scaleway_qaas.core.platform import describe
from scaleway_qaas.core.records import PlatformInfo
from scaleway_qaas.core.wire import ProgramFormat

_PLATFORMS = {
    ProgramFormat.QASM_V2: describe(PlatformInfo(id="p", name="aer", provider_name="scaleway", backend_name="aer")),
    ProgramFormat.QASM_V3: describe(PlatformInfo(id="p", name="iqm", provider_name="iqm", backend_name="garnet")),
}
_ANGLE = st.floats(allow_nan=False, allow_infinity=False, width=64) | st.floats(-7, 7) | st.sampled_from([0, 2, -1])
_GATES = [qml.RX, qml.RY, qml.RZ, qml.PhaseShift, qml.U3, qml.CRZ, qml.CNOT, qml.Hadamard, qml.GlobalPhase]


@st.composite
def structures(draw: st.DrawFn) -> list[tuple[type, tuple[int, ...]]]:
    """A sequence of gate types and the wires of each, on 3 wires."""
    out = []
    for _ in range(draw(st.integers(1, 6))):
        gate = draw(st.sampled_from(_GATES))
        wires = draw(st.permutations([0, 1, 2]))[: max(gate.num_wires, 1) if isinstance(gate.num_wires, int) else 1]
        out.append((gate, tuple(wires)))
    return out


def tape_of(structure: list[tuple[type, tuple[int, ...]]], draw: st.DrawFn) -> qml.tape.QuantumScript:
    ops = []
    for gate, wires in structure:
        params = [draw(_ANGLE) for _ in range(gate.num_params)]
        params = [np.float64(p) if draw(st.booleans()) else p for p in params]  # numpy or Python numbers
        ops.append(gate(*params, wires=wires) if gate is not qml.GlobalPhase else gate(*params))
    return qml.tape.QuantumScript(ops, [qml.counts()], shots=10)


@pytest.mark.parametrize("fmt", list(_PLATFORMS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_each_tape_of_a_batch_is_its_full_conversion(fmt: ProgramFormat, data: st.DataObject) -> None:
    shapes = data.draw(st.lists(structures(), min_size=1, max_size=3))
    picks = data.draw(st.lists(st.integers(0, len(shapes) - 1), min_size=1, max_size=12))
    tapes = [tape_of(shapes[i], data.draw) for i in picks]
    wires, platform = Wires([2, 0, 1]), _PLATFORMS[fmt]
    batch = batches.Batch(platform, len(tapes))
    assert [batch.program(t, wires).text() for t in tapes] == [
        convert.to_program(t, wires, platform).text() for t in tapes
    ]


def test_from_the_third_tape_of_a_structure_on_its_values_are_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    platform, wires = _PLATFORMS[ProgramFormat.QASM_V2], Wires([0, 1])
    tapes = [
        qml.tape.QuantumScript([qml.RX(x, 0), qml.CNOT([0, 1]), qml.RZ(-x / 3, 1)], [qml.counts()], shots=5)
        for x in np.linspace(-3, 3, 6)
    ]
    converted: list[object] = []
    full = convert.to_program
    monkeypatch.setattr(convert, "to_program", lambda *a: converted.append(a[0]) or full(*a))
    batch = batches.Batch(platform, len(tapes))
    programs = [batch.program(t, wires) for t in tapes]
    assert converted == tapes[:2]
    assert [p.text() for p in programs] == [full(t, wires, platform).text() for t in tapes]
