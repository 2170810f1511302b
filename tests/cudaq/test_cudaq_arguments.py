"""Kernels of every argument type translate with their arguments (issue 22): CUDA-Q's VQE shape ``thetas[0]``."""

from __future__ import annotations

import math

import cudaq
import pytest
from cudaq import spin
from cudaq_helpers import assert_same_distribution, local_counts
from cudaq_kernels import ansatz_list, mid_circuit, typed_arguments

from scaleway_qaas.adapters import cudaq as scw
from scaleway_qaas.adapters.cudaq.kernels import translate
from scaleway_qaas.core.errors import InvalidArgumentError

H2 = 5.907 - 2.1433 * spin.x(0) * spin.x(1) - 2.1433 * spin.y(0) * spin.y(1) + 0.21829 * spin.z(0) - 6.125 * spin.z(1)


def test_list_argument_sample_and_observe(scw_env: dict[str, str]) -> None:
    """Failed with "cudaq.translate returned '{translation failed}'" blaming branches and loops."""
    counts = dict(scw.sample(ansatz_list, [0.59], shots_count=2000).items())
    assert_same_distribution(counts, local_counts(ansatz_list, [0.59]))
    shots = 4000
    energy = scw.observe(ansatz_list, H2, [0.59], shots_count=shots).expectation()
    cudaq.reset_target()
    exact = cudaq.observe(ansatz_list, H2, [0.59]).expectation()
    assert abs(energy - exact) < 6 * (2 * 2.1433 + 0.21829 + 6.125) / math.sqrt(shots)


@pytest.mark.parametrize("flip", [True, False])
def test_every_argument_type(scw_env: dict[str, str], flip: bool) -> None:
    args = ([0.3, math.pi, 1.1], [1, 2], 3, flip, 0.7)
    counts = dict(scw.sample(typed_arguments, *args, shots_count=1000, machine="EMU-AER-16C-128M").items())
    assert_same_distribution(counts, local_counts(typed_arguments, *args))


def test_untranslatable_kernel_quotes_cudaq_and_names_the_native_target() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        translate(mid_circuit, [])
    message = str(info.value)
    assert "CUDA-Q: " in message and "unable to translate" in message  # CUDA-Q's own words, from its stderr
    assert "cudaq.set_target('scaleway'" in message
    assert "loops" not in message
