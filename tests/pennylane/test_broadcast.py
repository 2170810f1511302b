"""Broadcast tapes bound into one template give exactly the programs of PennyLane's own expansion."""

from __future__ import annotations

import numpy as np
import pennylane as qml
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pennylane.transforms import broadcast_expand
from pennylane.wires import Wires

from scaleway_qaas.adapters.pennylane import broadcast, convert
from scaleway_qaas.core.platform import describe
from scaleway_qaas.core.records import PlatformInfo
from scaleway_qaas.core.wire import ProgramFormat

_FLOATS = st.floats(allow_nan=False, allow_infinity=False, width=64) | st.floats(-10, 10)
_PLATFORMS = {
    ProgramFormat.QASM_V2: describe(PlatformInfo(id="p", name="aer", provider_name="scaleway", backend_name="aer")),
    ProgramFormat.QASM_V3: describe(PlatformInfo(id="p", name="iqm", provider_name="iqm", backend_name="garnet")),
}


@st.composite
def broadcast_tapes(draw: st.DrawFn) -> qml.tape.QuantumScript:
    """Rotations with batched or constant angles (int or float arrays), among fixed gates, on 3 wires."""
    points = draw(st.integers(broadcast.MIN_POINTS, 6))

    def angle() -> object:
        if draw(st.booleans()):
            return draw(_FLOATS)
        if draw(st.booleans()):
            return np.array(draw(st.lists(st.integers(-5, 5), min_size=points, max_size=points)))
        return np.array(draw(st.lists(_FLOATS, min_size=points, max_size=points)))

    ops: list[qml.operation.Operator] = [qml.RX(np.zeros(points), 0)]  # at least one batched parameter
    for _ in range(draw(st.integers(1, 6))):
        a, b = draw(st.permutations([0, 1, 2]))[:2]
        ops += [
            draw(st.sampled_from([qml.RX, qml.RY, qml.RZ, qml.PhaseShift]))(angle(), a),
            qml.U3(angle(), angle(), angle(), b),
            qml.CRZ(angle(), [a, b]),
            qml.CNOT([b, a]),
        ]
    return qml.tape.QuantumScript(ops, [qml.counts()], shots=10)


@pytest.mark.parametrize("fmt", list(_PLATFORMS))
@settings(max_examples=40, deadline=None)
@given(tape=broadcast_tapes())
def test_bound_points_are_the_full_conversion_of_each_expanded_tape(
    fmt: ProgramFormat, tape: qml.tape.QuantumScript
) -> None:
    wires, platform = Wires([2, 0, 1]), _PLATFORMS[fmt]
    assert broadcast.template(tape, wires, fmt) is not None  # the bound path is the one under test
    first, rest = broadcast.programs(tape, wires, platform)
    ours = [p.text() for p in [first, *rest]]
    theirs = [convert.to_program(t, wires, platform).text() for t in broadcast_expand(tape)[0]]
    assert ours == theirs
    assert {p.serialization_format for p in [first]} == {fmt}


def test_points_bound_a_few_rows_at_a_time_keep_their_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(broadcast, "ROWS", 2)
    x = np.array([0.5, -0.0, 1e-300, 3.0, -2.5e17, 0.1, 7.0])
    tape = qml.tape.QuantumScript([qml.RX(x, 0), qml.CNOT([0, 1]), qml.RY(x[::-1].copy(), 1)], [qml.counts()], shots=5)
    wires, platform = Wires([0, 1]), _PLATFORMS[ProgramFormat.QASM_V2]
    first, rest = broadcast.programs(tape, wires, platform)
    ours = [p.text() for p in [first, *rest]]
    assert ours == [convert.to_program(t, wires, platform).text() for t in broadcast_expand(tape)[0]]


def test_a_broadcast_tape_runs_as_its_expanded_tapes_would(scw_env: dict[str, str]) -> None:
    """Same seed, same programs: the bound broadcast gives each expanded tape's exact results, stacked as
    PennyLane's own ``broadcast_expand`` stacks them (shot vector, several measurements)."""
    tape = qml.tape.QuantumScript(
        [qml.RX(np.array([0.3, 1.2, 2.0, 2.9]), 0), qml.CNOT([0, 1]), qml.RY(np.array([0.1, 0.4, 0.8, 1.6]), 1)],
        [qml.counts(), qml.expval(qml.Z(1)), qml.probs(wires=[0])],
        shots=[60, 40],
    )
    devices = [qml.device("scaleway.qaas", wires=2, backend="EMU-AER-16C-128M", seed=3) for _ in range(2)]
    ours = devices[0].execute(tape)
    tapes, stack = broadcast_expand(tape)
    theirs = stack(devices[1].execute(tapes))
    assert len(ours) == len(theirs) == 2
    for copy_ours, copy_theirs in zip(ours, theirs, strict=True):
        assert [dict(c) for c in copy_ours[0]] == [dict(c) for c in copy_theirs[0]]
        assert copy_ours[0][0] != copy_ours[0][3]  # the points differ
        for a, b in zip(copy_ours[1:], copy_theirs[1:], strict=True):
            assert a.shape == b.shape and np.array_equal(a, b)


@pytest.mark.parametrize("backend", ["EMU-AER-16C-128M", "EMU-QSIM-16C-128M"])
def test_a_broadcast_over_several_jobs_gives_each_point_in_its_place(scw_env: dict[str, str], backend: str) -> None:
    """Points converted job by job as each job's results arrive: every point in its place, and on a platform
    whose per-shot memory is not in shot order (qsim: one program per job, jobs finishing in any order), the
    seeded shuffles drawn in submission order, so that the same seed gives the same samples."""
    angles = np.array([0.0, np.pi, 0.0, np.pi, np.pi / 2, 0.0, np.pi, np.pi / 2] * 3)
    tape = qml.tape.QuantumScript([qml.RX(angles, 0), qml.CNOT([0, 1])], [qml.sample()], shots=30)
    runs = [qml.device("scaleway.qaas", wires=2, backend=backend, seed=7).execute(tape) for _ in range(2)]
    assert np.array_equal(runs[0], runs[1])
    assert runs[0].shape == (len(angles), 30, 2)
    for angle, samples in zip(angles, runs[0], strict=True):
        if angle in (0.0, np.pi):
            assert (samples == int(angle > 0)).all(), (angle, samples)
