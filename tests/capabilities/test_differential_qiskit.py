"""Qiskit programs of the tutorials' shapes, generated: each runs through our adapter on every family the capability
table says can run it and matches Qiskit's own simulator (Aer), or is refused before any model or job is created."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister, transpile
from qiskit.circuit import Parameter
from qiskit.circuit.library import PauliEvolutionGate, UnitaryGate
from qiskit.quantum_info import SparsePauliOp, random_unitary
from qiskit_aer import AerSimulator

from scaleway_qaas.adapters.qiskit import ScalewayProvider
from scaleway_qaas.core import Family
from scaleway_qaas.core.capabilities import CAPABILITIES, Feature
from scaleway_qaas.emulator import Emulator
from scaleway_qaas.errors import UnsupportedFeatureError

from .conftest import PLATFORMS, job_count
from .stats import assert_matches

SHOTS = 200
NOISY = {"aqt", "iqm"}
#: run options per family: Quobly's twin runs without noise when asked (its ``noise`` option)
OPTIONS = {"quobly": {"noise": False}}


@st.composite
def programs(draw: st.DrawFn) -> tuple[QuantumCircuit, set[Feature]]:
    """A 3-qubit circuit from tutorial pieces, and the features the pieces need (tracked here, not detected)."""
    q = QuantumRegister(3, "q")
    split = draw(st.booleans())
    cregs = [ClassicalRegister(1, "a"), ClassicalRegister(2, "b")] if split else [ClassicalRegister(3, "c")]
    qc = QuantumCircuit(q, *cregs, name=f"gen{draw(st.integers(0, 10**6))}")
    bits = qc.clbits
    needs: set[Feature] = {Feature.REGISTERS} if split else set()
    if draw(st.booleans()):
        qc.initialize([0, 1], 0)  # tutorial state preparation: a reset on a fresh qubit, dropped
    else:
        qc.x(0)  # asymmetric: bit order shows
    angle = draw(st.floats(0.2, 2.9))
    pieces = draw(st.lists(st.sampled_from(["ry", "unitary", "pauli", "mcx", "barrier", "delay", "param", "cx"]),
                           min_size=1, max_size=4))  # fmt: skip
    theta = Parameter("theta")
    for piece in pieces:
        if piece == "ry":
            qc.ry(angle, 1)
        elif piece == "unitary":
            qc.append(UnitaryGate(random_unitary(2, seed=draw(st.integers(0, 99))).data), [2])
        elif piece == "pauli":
            qc.append(PauliEvolutionGate(SparsePauliOp(["XY", "ZZ"], [0.3, 0.7]), time=angle), [1, 2])
        elif piece == "mcx":
            qc.mcx([0, 1], 2)
        elif piece == "barrier":
            qc.barrier()
        elif piece == "delay":
            qc.delay(100, 1, unit="ns")
        elif piece == "param":
            qc.rx(theta, 2)
        else:
            qc.cx(1, 2)
    dynamic = draw(st.sampled_from(["none", "reset", "mid", "if"]))
    if dynamic == "reset":
        qc.reset(1)
        qc.h(1)
        needs.add(Feature.RESET)
    elif dynamic in ("mid", "if"):
        qc.measure(1, bits[1])
        needs.add(Feature.MID_CIRCUIT_MEASUREMENT)
        if dynamic == "if":
            with qc.if_test((bits[1], 1)):
                qc.x(2)
            needs.add(Feature.CONDITIONS)
        else:
            qc.h(1)
    qc.measure([0, 1, 2], bits)
    if qc.parameters:
        qc = qc.assign_parameters({theta: draw(st.floats(0.1, 3.0))})
    return qc, needs


def _reference(qc: QuantumCircuit) -> dict[str, int]:
    simulator = AerSimulator(seed_simulator=7)
    return dict(simulator.run(transpile(qc, simulator), shots=4000).result().get_counts())


def _check(emulator: Emulator, qc: QuantumCircuit, needs: set[Feature], families: list[str]) -> None:
    provider = ScalewayProvider()
    reference = _reference(qc)
    for family in families:
        backend = provider.get_backend(PLATFORMS[family])
        if needs <= CAPABILITIES[Family(family)]:
            seed = backend.platform.traits.seed_option
            options = {**OPTIONS.get(family, {}), **({seed: 3} if seed else {})}
            result = backend.run(qc, shots=SHOTS, **options).result()
            assert_matches(result.get_counts(), reference, noisy=family in NOISY, what=f"{family} {qc.name}")
        else:
            before = job_count(emulator)
            with pytest.raises(UnsupportedFeatureError):
                backend.run(qc, shots=SHOTS)
            assert job_count(emulator) == before, f"{family}: a refused program created a model or a job"


FAMILIES = sorted(PLATFORMS)
#: the default run generates and reports without shrinking (a shrink re-runs jobs for minutes)
QUICK = (Phase.explicit, Phase.reuse, Phase.generate)


@pytest.mark.parametrize("family", FAMILIES)
@settings(max_examples=3, suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=True, phases=QUICK)
@given(program=programs())
def test_generated_programs(cap_env: Emulator, family: str, program: tuple[QuantumCircuit, set[Feature]]) -> None:
    _check(cap_env, *program, [family])


@pytest.mark.stress
@pytest.mark.parametrize("family", FAMILIES)
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=True)
@given(program=programs())
def test_generated_programs_stress(
    cap_env: Emulator, family: str, program: tuple[QuantumCircuit, set[Feature]]
) -> None:
    _check(cap_env, *program, [family])


def _teleport() -> tuple[QuantumCircuit, set[Feature]]:
    q, a, b = QuantumRegister(3, "q"), ClassicalRegister(1, "a"), ClassicalRegister(1, "b")
    out = ClassicalRegister(1, "out")
    qc = QuantumCircuit(q, a, b, out, name="teleport")
    qc.ry(1.1, 0)  # the state teleported: P(1) = sin^2(0.55)
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
    return qc, {Feature.REGISTERS, Feature.MID_CIRCUIT_MEASUREMENT, Feature.CONDITIONS}


def _ghz_registers() -> tuple[QuantumCircuit, set[Feature]]:
    qc = QuantumCircuit(QuantumRegister(3, "q"), ClassicalRegister(2, "lo"), ClassicalRegister(1, "hi"), name="ghz")
    qc.h(0)
    qc.cx(0, 1)
    qc.cx(1, 2)
    qc.x(0)
    qc.measure([0, 1, 2], [0, 1, 2])
    return qc, {Feature.REGISTERS}


def _reset_reuse() -> tuple[QuantumCircuit, set[Feature]]:
    qc = QuantumCircuit(2, 3, name="reuse")
    qc.x(0)
    qc.measure(0, 0)
    qc.reset(0)
    qc.h(0)
    qc.cx(0, 1)
    qc.measure([0, 1], [1, 2])
    return qc, {Feature.MID_CIRCUIT_MEASUREMENT, Feature.RESET}


def _state_preparation() -> tuple[QuantumCircuit, set[Feature]]:
    qc = QuantumCircuit(2, 2, name="prep")
    qc.initialize(np.array([0.6, 0, 0, 0.8]), [0, 1])
    qc.measure([0, 1], [0, 1])
    return qc, set()


def _repeat_until_success() -> tuple[QuantumCircuit, set[Feature]]:
    """A for loop and a while loop (repeat until the measured coin reads 1)."""
    qc = QuantumCircuit(2, 2, name="loops")
    with qc.for_loop(range(3)):
        qc.x(1)  # three flips: qubit 1 ends in |1>
    qc.h(0)
    qc.measure(0, 0)
    with qc.while_loop((qc.clbits[0], 0)):
        qc.h(0)
        qc.measure(0, 0)
    qc.measure(1, 1)
    return qc, {Feature.LOOPS, Feature.MID_CIRCUIT_MEASUREMENT}


TUTORIALS: dict[str, Callable[[], tuple[QuantumCircuit, set[Feature]]]] = {
    "teleport": _teleport,
    "ghz_registers": _ghz_registers,
    "reset_reuse": _reset_reuse,
    "state_preparation": _state_preparation,
    "loops": _repeat_until_success,
}


@pytest.mark.parametrize("shape", sorted(TUTORIALS))
def test_tutorial_shapes(cap_env: Emulator, shape: str) -> None:
    _check(cap_env, *TUTORIALS[shape](), FAMILIES)
