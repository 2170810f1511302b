"""PennyLane programs of the tutorials' shapes through our device on every family, matched with default.qubit.

PennyLane defers mid-circuit measurements (``qml.measure``/``qml.cond`` become controlled gates on extra wires)
and decomposes templates before they reach us, so every family runs them: nothing is refused here."""

from __future__ import annotations

import math

import pennylane as qml
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pennylane import numpy as pnp

from scaleway_qaas.core import QaaSClient
from scaleway_qaas.emulator import Emulator

from .conftest import PLATFORMS

SHOTS = 400
NOISY = {"aqt", "iqm"}
FAMILIES = sorted(PLATFORMS)
#: the default run generates and reports without shrinking (a shrink re-runs jobs for minutes)
QUICK = (Phase.explicit, Phase.reuse, Phase.generate)
H = qml.Hamiltonian([0.5, 0.3, -0.2], [qml.PauliZ(0), qml.PauliX(0) @ qml.PauliX(1), qml.PauliY(1)])


def _tolerance(family: str, scale: float, shots: int = SHOTS) -> float:
    """Five standard errors of a sum of Pauli expectations weighing ``scale``, plus the twins' noise."""
    return 5 * scale / math.sqrt(shots) + (0.2 * scale if family in NOISY else 0.0)


def _programs(weights: pnp.ndarray, angle: float) -> dict[str, qml.QNode]:
    def body() -> None:
        qml.PauliX(0)  # asymmetric: wire order shows
        qml.BasicEntanglerLayers(weights, wires=[0, 1, 2])

    def templates() -> object:
        body()
        return qml.probs(wires=[0, 1, 2])

    def mid_circuit() -> object:
        qml.RY(angle, 0)
        m = qml.measure(0)
        qml.cond(m, qml.PauliX)(1)
        qml.Hadamard(2)
        return qml.probs(wires=[1, 2])

    def hamiltonian() -> object:
        body()
        return qml.expval(H)

    def broadcast(x: object) -> object:
        qml.RX(x, 0)
        qml.CNOT([0, 1])
        return qml.expval(qml.PauliZ(1))

    return {"templates": templates, "mid_circuit": mid_circuit, "hamiltonian": hamiltonian, "broadcast": broadcast}


def _check(family: str, weights: pnp.ndarray, angle: float) -> None:
    reference = qml.device("default.qubit", wires=4)
    with QaaSClient() as client:
        options = {"run_options": {"noise": False}} if family == "quobly" else {}
        ours = qml.device("scaleway.qaas", wires=4, backend=PLATFORMS[family], shots=SHOTS, seed=3, client=client,
                          **options)  # fmt: skip
        for name, fn in _programs(weights, angle).items():
            got_node, ref_node = qml.QNode(fn, ours), qml.QNode(fn, reference)
            if name == "broadcast":
                xs = pnp.array([0.3, angle, 2.8])
                got, ref = pnp.asarray(got_node(xs)), pnp.asarray(ref_node(xs))
                assert got.shape == (3,)
                assert pnp.all(abs(got - ref) <= _tolerance(family, 1.0)), (family, got, ref)
            elif name == "hamiltonian":
                got, ref = float(got_node()), float(ref_node())
                assert abs(got - ref) <= _tolerance(family, 1.0), (family, got, ref)
            else:
                got, ref = pnp.asarray(got_node()), pnp.asarray(ref_node())
                assert got.shape == ref.shape
                bound = 5 * pnp.sqrt(ref * (1 - ref) / SHOTS) + 1 / SHOTS + (0.12 if family in NOISY else 0.0)
                assert pnp.all(abs(got - ref) <= bound), (family, name, got, ref)
        vector = qml.set_shots(qml.QNode(_programs(weights, angle)["broadcast"], ours), shots=[(100, 2)])
        results = vector(angle)
        exact = float(qml.QNode(_programs(weights, angle)["broadcast"], reference)(angle))
        assert len(results) == 2
        assert all(abs(float(r) - exact) <= _tolerance(family, 1.0, 100) for r in results), (family, results, exact)


_weights = st.lists(st.floats(0.1, 3.0), min_size=3, max_size=3).map(lambda w: pnp.array([w]))


@pytest.mark.parametrize("family", FAMILIES)
@settings(max_examples=1, suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=True, phases=QUICK)
@given(weights=_weights, angle=st.floats(0.2, 2.9))
def test_tutorial_shapes(cap_env: Emulator, family: str, weights: pnp.ndarray, angle: float) -> None:
    _check(family, weights, angle)


@pytest.mark.stress
@pytest.mark.parametrize("family", FAMILIES)
@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=True)
@given(weights=_weights, angle=st.floats(0.2, 2.9))
def test_tutorial_shapes_stress(cap_env: Emulator, family: str, weights: pnp.ndarray, angle: float) -> None:
    _check(family, weights, angle)
