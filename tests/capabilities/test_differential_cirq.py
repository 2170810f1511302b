"""Cirq programs of the tutorials' shapes, generated: each runs through our sampler on every family the capability
table says can run it and matches Cirq's own simulator, or is refused before any model or job is created."""

from __future__ import annotations

from collections import Counter

import cirq
import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from scaleway_qaas.adapters.cirq import ScalewaySampler
from scaleway_qaas.core import Family, QaaSClient
from scaleway_qaas.core.capabilities import CAPABILITIES, Feature
from scaleway_qaas.emulator import Emulator
from scaleway_qaas.errors import UnsupportedFeatureError

from .conftest import PLATFORMS, job_count
from .stats import assert_matches

SHOTS = 200
NOISY = {"aqt", "iqm"}
FAMILIES = sorted(PLATFORMS)
#: the default run generates and reports without shrinking (a shrink re-runs jobs for minutes)
QUICK = (Phase.explicit, Phase.reuse, Phase.generate)
Q = cirq.LineQubit.range(3)


@st.composite
def programs(draw: st.DrawFn) -> tuple[cirq.Circuit, set[Feature]]:
    """A 3-qubit circuit from tutorial pieces (keys measured once, or repeated), with the features it needs."""
    ops: list[cirq.Operation] = [cirq.X(Q[0])]  # asymmetric: bit order shows
    needs = {Feature.REGISTERS}  # two keys at least
    angle = draw(st.floats(0.2, 2.9))
    for piece in draw(st.lists(st.sampled_from(["ry", "h", "cnot", "cz", "sym"]), min_size=1, max_size=4)):
        ops.append(
            {
                "ry": cirq.ry(angle).on(Q[1]),
                "h": cirq.H(Q[2]),
                "cnot": cirq.CNOT(Q[1], Q[2]),
                "cz": cirq.CZ(Q[0], Q[1]),
                "sym": cirq.rx(sympy.Symbol("t")).on(Q[2]),
            }[piece]
        )
    dynamic = draw(st.sampled_from(["none", "reset", "repeated", "control"]))
    if dynamic == "reset":
        ops += [cirq.H(Q[1]), cirq.reset(Q[1]), cirq.X(Q[1])]
        needs.add(Feature.RESET)
    elif dynamic == "repeated":
        ops += [cirq.measure(Q[1], key="r"), cirq.X(Q[1]), cirq.measure(Q[1], key="r")]
        needs.add(Feature.MID_CIRCUIT_MEASUREMENT)
    elif dynamic == "control":
        ops += [cirq.measure(Q[1], key="c"), cirq.X(Q[2]).with_classical_controls("c")]
        needs.add(Feature.CONDITIONS)
    ops += [cirq.measure(Q[0], key="a"), cirq.measure(Q[2], Q[1], key="b")]
    if dynamic == "control":
        ops.pop()
        ops.append(cirq.measure(Q[2], key="b"))
    return cirq.Circuit(ops), needs


def _counts(result: cirq.Result) -> dict[str, int]:
    """Joint outcomes of every key (sorted), repeated keys' instances in order."""
    keys = sorted(result.records)
    rows = np.concatenate([result.records[k].reshape(result.repetitions, -1) for k in keys], axis=1)
    return dict(Counter("".join(map(str, row)) for row in rows))


def _check(emulator: Emulator, circuit: cirq.Circuit, needs: set[Feature], families: list[str]) -> None:
    sweep = cirq.Points("t", [0.4, 2.2]) if cirq.is_parameterized(circuit) else cirq.UnitSweep
    reference = [_counts(r) for r in cirq.Simulator(seed=5).run_sweep(circuit, sweep, repetitions=1000)]
    with QaaSClient() as client:
        for family in families:
            seed = {"seed": 3} if family not in NOISY else {}
            options = {**seed, **({"noise": False} if family == "quobly" else {})}
            sampler = ScalewaySampler(PLATFORMS[family], client=client, options=options)
            if needs <= CAPABILITIES[Family(family)]:
                results = sampler.run_sweep(circuit, sweep, repetitions=SHOTS)
                for got, ref in zip(results, reference, strict=True):
                    assert_matches(_counts(got), ref, noisy=family in NOISY, what=f"{family} {circuit!r}")
            else:
                before = job_count(emulator)
                with pytest.raises(UnsupportedFeatureError):
                    sampler.run_sweep(circuit, sweep, repetitions=SHOTS)
                assert job_count(emulator) == before, f"{family}: a refused program created a model or a job"


@pytest.mark.parametrize("family", FAMILIES)
@settings(max_examples=2, suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=True, phases=QUICK)
@given(program=programs())
def test_generated_programs(cap_env: Emulator, family: str, program: tuple[cirq.Circuit, set[Feature]]) -> None:
    _check(cap_env, *program, [family])


@pytest.mark.stress
@pytest.mark.parametrize("family", FAMILIES)
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=True)
@given(program=programs())
def test_generated_programs_stress(cap_env: Emulator, family: str, program: tuple[cirq.Circuit, set[Feature]]) -> None:
    _check(cap_env, *program, [family])


def test_tutorial_shapes(cap_env: Emulator) -> None:
    """Cirq's classical-control tutorial (measure, then a controlled X) and a qubit reused after cirq.reset."""
    control = cirq.Circuit(
        cirq.H(Q[0]),
        cirq.measure(Q[0], key="m"),
        cirq.X(Q[1]).with_classical_controls("m"),
        cirq.measure(Q[1], key="n"),
    )
    _check(cap_env, control, {Feature.CONDITIONS, Feature.REGISTERS}, FAMILIES)
    reuse = cirq.Circuit(
        cirq.X(Q[0]), cirq.measure(Q[0], key="first"), cirq.reset(Q[0]), cirq.H(Q[0]), cirq.measure(Q[0], key="second")
    )
    _check(cap_env, reuse, {Feature.RESET, Feature.MID_CIRCUIT_MEASUREMENT, Feature.REGISTERS}, FAMILIES)
