"""CUDA-Q's built-in C++ ``scaleway`` target, unchanged, against the emulator over HTTP.

The C++ helper polls each job every second, one after another: this module runs ~10 jobs.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import cudaq
import pytest
from cudaq import spin
from cudaq_helpers import assert_same_distribution, local_counts
from cudaq_kernels import ansatz, asymmetric, bell, builder_kernel, partial, pauli_exp

from scaleway_qaas.adapters import cudaq as scw
from scaleway_qaas.core import QaaSClient

MACHINE = "EMU-CUDAQ-H100"


@pytest.fixture
def native(native_env: dict[str, str]) -> Iterator[dict[str, str]]:
    """The scaleway target configured from SCW_* environment variables only; reset afterwards."""
    cudaq.set_target("scaleway", machine=MACHINE)
    yield native_env
    cudaq.reset_target()


def test_set_target_with_every_option(native_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for key in native_env:
        monkeypatch.delenv(key)
    cudaq.set_target(
        "scaleway",
        url=native_env["SCW_API_URL"],
        machine=MACHINE,
        project_id=native_env["SCW_PROJECT_ID"],
        secret_key=native_env["SCW_SECRET_KEY"],
        deduplication_id="cudaq-native-tests",
        max_duration="30m",
        max_idle_duration="5m",
    )
    try:
        result = cudaq.sample(asymmetric, shots_count=100)
    finally:
        cudaq.reset_target()
    assert dict(result.items()) == {"100": 100}  # qubit 0 leftmost, as CUDA-Q's local simulator
    client = QaaSClient(
        url=native_env["SCW_API_URL"], secret_key=native_env["SCW_SECRET_KEY"], project_id=native_env["SCW_PROJECT_ID"]
    )
    sessions = [s for s in client.list_sessions() if s.deduplication_id == "cudaq-native-tests"]
    assert sessions, "the native target's session carries the deduplication id"
    assert client.get_platform(sessions[0].platform_id).name == MACHINE
    assert (sessions[0].max_duration, sessions[0].max_idle_duration) == ("1800s", "300s")


def test_scw_set_target_sends_durations_in_the_api_form(native_env: dict[str, str]) -> None:
    """The page's ``max_duration="30m"``, ``max_idle_duration="5min"`` reach the session as "1800s", "300s"."""
    scw.set_target(
        machine=MACHINE, deduplication_id="cudaq-scw-set-target", max_duration="30m", max_idle_duration="5min"
    )
    try:
        assert dict(cudaq.sample(asymmetric, shots_count=20).items()) == {"100": 20}
    finally:
        cudaq.reset_target()
    client = QaaSClient()
    sessions = [s for s in client.list_sessions() if s.deduplication_id == "cudaq-scw-set-target"]
    assert len(sessions) == 1
    assert (sessions[0].max_duration, sessions[0].max_idle_duration) == ("1800s", "300s")
    client.terminate_session(sessions[0].id)


def test_sample_default_shots_matches_local(native: dict[str, str]) -> None:
    result = cudaq.sample(bell)
    assert result.get_total_shots() == 1000
    assert set(dict(result.items())) <= {"00", "11"}
    assert_same_distribution(dict(result.items()), local_counts(bell))


def test_sample_async_partial_measurement(native: dict[str, str]) -> None:
    future = cudaq.sample_async(partial, shots_count=200)
    counts = dict(future.get().items())
    assert counts == {"10": 200}  # qubits 0 and 2, qubit 0 leftmost
    assert local_counts(partial, shots=100) == {"10": 100}


def test_builder_kernel_with_argument(native: dict[str, str]) -> None:
    kernel, _ = builder_kernel()
    counts = dict(cudaq.sample(kernel, 1.2, shots_count=1000).items())
    assert set(counts) <= {"00", "11"}
    assert_same_distribution(counts, local_counts(kernel, 1.2))


def test_exp_pauli(native: dict[str, str]) -> None:
    counts = dict(cudaq.sample(pauli_exp, 0.4, shots_count=1000).items())
    assert_same_distribution(counts, local_counts(pauli_exp, 0.4))


H2 = 5.907 - 2.1433 * spin.x(0) * spin.x(1) - 2.1433 * spin.y(0) * spin.y(1) + 0.21829 * spin.z(0) - 6.125 * spin.z(1)


def test_observe_and_observe_async(native: dict[str, str]) -> None:
    hamiltonian = 1.5 * spin.z(0) - 0.5 * spin.x(0) * spin.x(1)
    result = cudaq.observe(ansatz, hamiltonian, 0.59, shots_count=2000)  # 2 jobs
    # exact: <Z0> = -1 (qubit 0 flipped unless the cx fires)... computed by the local simulator
    cudaq.reset_target()
    exact = cudaq.observe(ansatz, hamiltonian, 0.59).expectation()
    # bound: each term's estimate has variance <= 1/shots
    assert abs(result.expectation() - exact) < 6 * (1.5 + 0.5) / math.sqrt(2000)
    cudaq.set_target("scaleway", machine=MACHINE)
    future = cudaq.observe_async(ansatz, spin.z(1), 0.59, shots_count=1000)  # 1 job
    value = future.get().expectation()
    p1 = math.sin(0.59 / 2) ** 2
    assert abs(value - (1 - 2 * p1)) < 6 * math.sqrt(1 / 1000)


def test_unknown_machine_is_cudaq_runtime_error(native_env: dict[str, str]) -> None:
    cudaq.set_target("scaleway", machine="EMU-CUDAQ-H1000")
    try:
        with pytest.raises(RuntimeError, match="No platform found with name: EMU-CUDAQ-H1000"):
            cudaq.sample(bell, shots_count=10)
    finally:
        cudaq.reset_target()
