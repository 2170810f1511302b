"""CUDA-Q kernels of the tutorials' shapes (float, int, list[float], list[int] and bool arguments, partial mz,
spin operators) through our Python path on every family, matched with CUDA-Q's local simulator; a kernel that
resets a qubit is refused, before any model or job is created, where the capability table says so."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parents[1] / "cudaq"))  # kernels must live in a .py file

import cudaq
from cudaq import spin
from cudaq_kernels import ansatz_list, reuse, typed_arguments

from scaleway_qaas.adapters import cudaq as scw
from scaleway_qaas.core import Family
from scaleway_qaas.core.capabilities import CAPABILITIES, Feature
from scaleway_qaas.emulator import Emulator
from scaleway_qaas.errors import InvalidArgumentError, UnsupportedFeatureError

from .conftest import PLATFORMS, job_count
from .stats import assert_matches

SHOTS = 300
NOISY = {"aqt", "iqm"}
#: families that read no format the Python path writes (OpenQASM 2 from cudaq.translate): refused up front
WRITES_NO_FORMAT = {"quobly"}
FAMILIES = sorted(PLATFORMS)
#: the default run generates and reports without shrinking (a shrink re-runs jobs for minutes)
QUICK = (Phase.explicit, Phase.reuse, Phase.generate)
H = 0.5 * spin.z(0) - 0.7 * spin.x(0) * spin.x(1) + 0.2 * spin.y(1)


def _local(kernel: object, *args: object) -> dict[str, int]:
    cudaq.reset_target()
    return dict(cudaq.sample(kernel, *args, shots_count=4000).items())


def _check(emulator: Emulator, family: str, angles: list[float], targets: list[int], flip: bool, phase: float) -> None:
    machine = PLATFORMS[family]
    noisy = family in NOISY
    if family in WRITES_NO_FORMAT:
        before = job_count(emulator)
        with pytest.raises(InvalidArgumentError, match="it reads QASM_V3; this framework writes QASM_V2"):
            scw.sample(typed_arguments, angles, targets, 3, flip, phase, shots_count=SHOTS, machine=machine)
        assert job_count(emulator) == before
        return
    args = (angles, targets, 3, flip, phase)
    got = dict(scw.sample(typed_arguments, *args, shots_count=SHOTS, machine=machine).items())
    assert_matches(got, _local(typed_arguments, *args), noisy=noisy, what=f"{family} typed_arguments{args}")
    energy = scw.observe(ansatz_list, H, angles[:1], shots_count=SHOTS, machine=machine).expectation()
    cudaq.reset_target()
    exact = cudaq.observe(ansatz_list, H, angles[:1]).expectation()
    assert abs(energy - exact) <= 5 * 1.4 / math.sqrt(SHOTS) + (0.3 if noisy else 0.0), (family, energy, exact)
    if Feature.RESET in CAPABILITIES[Family(family)]:
        got = dict(scw.sample(reuse, phase, shots_count=SHOTS, machine=machine).items())
        assert_matches(got, _local(reuse, phase), noisy=noisy, what=f"{family} reuse")
    else:
        before = job_count(emulator)
        with pytest.raises(UnsupportedFeatureError, match="reset"):
            scw.sample(reuse, phase, shots_count=SHOTS, machine=machine)
        assert job_count(emulator) == before


_angles = st.lists(st.floats(0.1, 3.0), min_size=3, max_size=3)
_targets = st.lists(st.integers(0, 2), min_size=1, max_size=2)


@pytest.mark.parametrize("family", FAMILIES)
@settings(max_examples=1, suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=True, phases=QUICK)
@given(angles=_angles, targets=_targets, flip=st.booleans(), phase=st.floats(0.1, 3.0))
def test_typed_kernels(
    cap_env: Emulator, family: str, angles: list[float], targets: list[int], flip: bool, phase: float
) -> None:
    _check(cap_env, family, angles, targets, flip, phase)


@pytest.mark.stress
@pytest.mark.parametrize("family", FAMILIES)
@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=True)
@given(angles=_angles, targets=_targets, flip=st.booleans(), phase=st.floats(0.1, 3.0))
def test_typed_kernels_stress(
    cap_env: Emulator, family: str, angles: list[float], targets: list[int], flip: bool, phase: float
) -> None:
    _check(cap_env, family, angles, targets, flip, phase)
