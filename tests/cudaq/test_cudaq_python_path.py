"""The pure-Python path: kernel -> OpenQASM 2 -> core -> emulator over HTTP -> ``cudaq`` results."""

from __future__ import annotations

import math
import subprocess
import sys

import cudaq
import pytest
from cudaq import spin
from cudaq_helpers import assert_same_distribution, local_counts
from cudaq_kernels import (
    ansatz,
    asymmetric,
    bell,
    builder_kernel,
    gate_after_measure,
    mid_circuit,
    partial,
    pauli_exp,
    phases,
    reversed_measure,
    rotation,
)

from scaleway_qaas.adapters import cudaq as scw
from scaleway_qaas.core import QaaSClient
from scaleway_qaas.errors import InvalidArgumentError, NotFoundError

SIMULATORS = ["EMU-CUDAQ-H100", "EMU-AER-16C-128M", "EMU-QSIM-16C-128M"]


@pytest.mark.parametrize("machine", SIMULATORS)
@pytest.mark.parametrize(
    ("kernel", "expected"),
    [(asymmetric, {"100": 64}), (partial, {"10": 64}), (reversed_measure, {"10": 64})],
    ids=["no-mz", "mz-subset", "mz-reversed"],
)
def test_bit_order_is_cudaq_order_on_every_backend(scw_env: dict[str, str], machine: str, kernel: object,
                                                  expected: dict[str, int]) -> None:
    result = scw.sample(kernel, shots_count=64, machine=machine)
    assert isinstance(result, cudaq.SampleResult)
    assert dict(result.items()) == expected == local_counts(kernel, shots=64)


def test_default_shots_and_distribution_match_local(scw_env: dict[str, str]) -> None:
    result = scw.sample(bell)
    assert result.get_total_shots() == 1000
    assert set(dict(result.items())) <= {"00", "11"}
    assert_same_distribution(dict(result.items()), local_counts(bell))


@pytest.mark.parametrize("machine", ["EMU-CUDAQ-H100", "EMU-AER-16C-128M"])
def test_arguments_builder_kernels_and_exp_pauli(scw_env: dict[str, str], machine: str) -> None:
    counts = dict(scw.sample(rotation, 1.1, 3, shots_count=2000, machine=machine).items())
    assert_same_distribution(counts, local_counts(rotation, 1.1, 3))
    kernel, _ = builder_kernel()
    counts = dict(scw.sample(kernel, 2.0, shots_count=2000, machine=machine).items())
    assert_same_distribution(counts, local_counts(kernel, 2.0))
    counts = dict(scw.sample(pauli_exp, 0.4, shots_count=2000, machine=machine).items())
    assert_same_distribution(counts, local_counts(pauli_exp, 0.4))


async def test_sample_async_get_and_await(scw_env: dict[str, str]) -> None:
    first = scw.sample_async(asymmetric, shots_count=10)
    second = scw.sample_async(partial, shots_count=20, machine="EMU-AER-16C-128M")
    assert dict((await second).items()) == {"10": 20}
    assert dict(first.get(timeout=60).items()) == {"100": 10}
    assert first.done() and first.job_id


@pytest.mark.parametrize(("machine", "n_jobs"), [("EMU-AER-16C-128M", 1), ("EMU-CUDAQ-H100", 8)])
def test_sample_batch_is_one_core_run(scw_env: dict[str, str], machine: str, n_jobs: int) -> None:
    thetas = [i * math.pi / 7 for i in range(8)]
    future = scw.sample_batch_async(rotation, [(t, 2) for t in thetas], shots_count=1000, machine=machine)
    results = future.get(timeout=120)
    assert future.job_id is not None and len(future.job_id.split(",")) == n_jobs  # split by max_circuit_count
    for theta, result in zip(thetas, results, strict=True):
        p1 = math.sin(theta / 2) ** 2
        assert set(dict(result.items())) <= {"00", "10"}
        assert abs(result.count("10") / 1000 - p1) <= 6 * math.sqrt(max(p1 * (1 - p1), 1e-3) / 1000) + 1e-3
    single = scw.sample_batch(asymmetric, [()], shots_count=5, machine=machine)
    assert [dict(r.items()) for r in single] == [{"100": 5}]


H2 = 5.907 - 2.1433 * spin.x(0) * spin.x(1) - 2.1433 * spin.y(0) * spin.y(1) + 0.21829 * spin.z(0) - 6.125 * spin.z(1)


@pytest.mark.parametrize("machine", ["EMU-CUDAQ-H100", "EMU-AER-16C-128M"])
def test_observe_matches_exact_expectation(scw_env: dict[str, str], machine: str) -> None:
    shots = 4000
    result = scw.observe(ansatz, H2, 0.59, shots_count=shots, machine=machine)
    assert isinstance(result, cudaq.ObserveResult)
    cudaq.reset_target()
    exact = cudaq.observe(ansatz, H2, 0.59)
    bound = 6 * (2 * 2.1433 + 0.21829 + 6.125) / math.sqrt(shots)  # each <P> has variance <= 1/shots
    assert abs(result.expectation() - exact.expectation()) < bound
    for term in H2:
        if not term.is_identity():
            assert abs(result.expectation(term) - exact.expectation(term)) < 6 / math.sqrt(shots)
            assert result.counts(term).get_total_shots() == shots
    assert set(result.term_counts) == {"X0X1", "Y0Y1", "Z0", "Z1"}


def test_observe_async_and_identity_only(scw_env: dict[str, str]) -> None:
    future = scw.observe_async(ansatz, 2.0 * spin.z(1) + 0.5, 0.59, shots_count=2000)
    p1 = math.sin(0.59 / 2) ** 2
    assert abs(future.get().expectation() - (0.5 + 2.0 * (1 - 2 * p1))) < 2 * 6 / math.sqrt(2000)
    assert scw.observe(ansatz, 3.0 + 0 * spin.z(0), 0.59).expectation() == pytest.approx(3.0)


def test_session_options_open_and_reuse_one_session(scw_env: dict[str, str]) -> None:
    options = dict(deduplication_id="cudaq-python-tests", max_duration="30m", max_idle_duration="5m")
    scw.sample(asymmetric, shots_count=5, **options)
    scw.sample(partial, shots_count=5, **options)
    client = QaaSClient()
    sessions = [s for s in client.list_sessions() if s.deduplication_id == "cudaq-python-tests"]
    assert len(sessions) == 1 and sessions[0].finished_job_count == 2
    assert (sessions[0].max_duration, sessions[0].max_idle_duration) == ("1800s", "300s")


# --- bad input ---------------------------------------------------------------------


def test_unknown_machine_lists_platforms(scw_env: dict[str, str]) -> None:
    with pytest.raises(NotFoundError, match="EMU-CUDAQ-H100"):
        scw.sample(bell, machine="EMU-CUDAQ-H1000")


def test_untranslatable_kernels(scw_env: dict[str, str]) -> None:
    with pytest.raises(InvalidArgumentError, match=r"cannot be translated to OpenQASM 2.*native target"):
        scw.sample(mid_circuit)
    with pytest.raises(InvalidArgumentError, match="operation after a measurement"):
        scw.sample(gate_after_measure)


@pytest.mark.parametrize(
    ("args", "match"),
    [((0.5,), r"takes 2 argument\(s\) \(theta: float, n: int\), got 1"), (("a", 2), "do not match"),
     ((0.5, 2, 3), "got 3")],
)
def test_arguments_not_matching_the_signature(scw_env: dict[str, str], args: tuple, match: str) -> None:
    with pytest.raises(scw.KernelArgumentError, match=match) as info:
        scw.sample(rotation, *args)
    assert isinstance(info.value, TypeError) and isinstance(info.value, InvalidArgumentError)


def test_not_a_kernel_and_unknown_options(scw_env: dict[str, str]) -> None:
    with pytest.raises(InvalidArgumentError, match="expected a CUDA-Q kernel"):
        scw.sample(lambda: None)
    with pytest.raises(TypeError, match="shots"):
        scw.sample(bell, shots=10)


@pytest.mark.parametrize(("machine", "shots", "match"), [
    ("EMU-CUDAQ-H100", 0, "positive"), ("QPU-IBEX-12PQ", 5000, "exceed the limit of QPU-IBEX-12PQ"),
])
def test_shots_outside_the_platform_limits(scw_env: dict[str, str], machine: str, shots: int, match: str) -> None:
    with pytest.raises(InvalidArgumentError, match=match):
        scw.sample(phases, shots_count=shots, machine=machine)


def test_observe_term_outside_the_kernel(scw_env: dict[str, str]) -> None:
    with pytest.raises(InvalidArgumentError, match="qubit 5"):
        scw.observe(ansatz, spin.z(5), 0.1)


def test_import_scaleway_qaas_does_not_import_cudaq() -> None:
    code = "import sys, scaleway_qaas, scaleway_qaas.core, scaleway_qaas.adapters; print('cudaq' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("machine", ["QPU-IBEX-12PQ", "QPU-GARNET-20PQ"])
def test_qpu_refuses_non_native_gates_before_submission(scw_env: dict[str, str], machine: str) -> None:
    with pytest.raises(InvalidArgumentError, match=r"runs only its native gates .* uses cx, h"):
        scw.sample(bell, shots_count=100, machine=machine)
    with pytest.raises(InvalidArgumentError, match="native gates"):
        scw.observe(ansatz, spin.x(0), 0.1, machine=machine)


def test_qpu_runs_kernels_of_native_gates(scw_env: dict[str, str]) -> None:
    counts = dict(scw.sample(phases, shots_count=500, machine="QPU-IBEX-12PQ").items())
    assert sum(counts.values()) == 500 and counts.get("00", 0) >= 450  # noisy QPU emulation: ~1% readout error
