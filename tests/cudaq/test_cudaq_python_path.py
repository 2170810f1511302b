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
from scaleway_qaas.core import Family, ProgramFormat, QaaSClient, Session
from scaleway_qaas.core.errors import BudgetExceededError, InvalidArgumentError, NotFoundError

SIMULATORS = ["EMU-CUDAQ-H100", "EMU-AER-16C-128M", "EMU-QSIM-16C-128M"]


@pytest.mark.parametrize("machine", SIMULATORS)
@pytest.mark.parametrize(
    ("kernel", "expected"),
    [(asymmetric, {"100": 64}), (partial, {"10": 64}), (reversed_measure, {"10": 64})],
    ids=["no-mz", "mz-subset", "mz-reversed"],
)
def test_bit_order_is_cudaq_order_on_every_backend(
    scw_env: dict[str, str], machine: str, kernel: object, expected: dict[str, int]
) -> None:
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
    options = dict(deduplication_id="cudaq-python-tests", max_duration="30m", max_idle_duration="5min")
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
    [
        ((0.5,), r"takes 2 argument\(s\) \(theta: float, n: int\), got 1"),
        (("a", 2), "do not match"),
        ((0.5, 2, 3), "got 3"),
    ],
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


@pytest.mark.parametrize(
    ("machine", "shots", "match"),
    [
        ("EMU-CUDAQ-H100", 0, "positive"),
        ("QPU-IBEX-12PQ", 5000, "exceed the limit of QPU-IBEX-12PQ"),
    ],
)
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


# --- QPUs, every family, injected clients, budgets, run options ----------------------------


@pytest.mark.parametrize("machine", ["QPU-GARNET-20PQ", "QPU-IBEX-12PQ"])
def test_qpus_run_ordinary_kernels_transpiled_server_side(scw_env: dict[str, str], machine: str) -> None:
    """h / x.ctrl / mz as CUDA-Q writes them: no local gate check, the service transpiles (noisy emulation)."""
    counts = dict(scw.sample(bell, shots_count=500, machine=machine).items())
    assert sum(counts.values()) == 500
    assert counts.get("00", 0) + counts.get("11", 0) >= 425, counts  # ~1-2% readout error per qubit
    assert min(counts.get("00", 0), counts.get("11", 0)) >= 150, counts
    future = scw.sample_async(asymmetric, shots_count=200, machine=machine)
    counts = dict(future.get(timeout=120).items())
    assert counts.get("100", 0) >= 170, counts  # qubit 0 leftmost, as CUDA-Q's local simulator
    energy = scw.observe(ansatz, spin.x(0), 0.1, shots_count=400, machine=machine).expectation()
    assert abs(energy) < 0.3  # <X0> of |1>|.> is 0


def test_every_platform_of_the_catalogue(scw_env: dict[str, str]) -> None:
    """The asymmetric kernel on every platform that reads OpenQASM 2 (bit order and each family's result
    format); the others refuse it with a clear error, before anything is sent."""
    client = QaaSClient()
    for info in client.list_platforms():
        platform = client.describe_platform(info.name)
        if ProgramFormat.QASM_V2 not in platform.program_formats:
            with pytest.raises(InvalidArgumentError, match=f"cannot be sent to {info.name}.*QASM_V2"):
                scw.sample(asymmetric, shots_count=10, machine=info.name)
            continue
        counts = dict(scw.sample(asymmetric, shots_count=100, machine=info.name).items())
        assert sum(counts.values()) == 100, (info.name, counts)
        if platform.family in (Family.AQT, Family.IQM):  # QPUs and their digital twins: noisy
            assert counts.get("100", 0) >= 80, (info.name, counts)
        else:
            assert counts == {"100": 100}, (info.name, counts)


def test_injected_client_is_used(scw_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    client = QaaSClient(
        url=scw_env["SCW_API_URL"], secret_key=scw_env["SCW_SECRET_KEY"], project_id=scw_env["SCW_PROJECT_ID"]
    )
    monkeypatch.setenv("SCW_API_URL", "http://127.0.0.1:9")  # the environment is not read when a client is given
    assert dict(scw.sample(asymmetric, shots_count=7, client=client).items()) == {"100": 7}
    assert scw.observe(ansatz, spin.z(1), 0.0, shots_count=50, client=client).expectation() == pytest.approx(1.0)


def test_session_id_attaches_to_an_open_session(scw_env: dict[str, str]) -> None:
    client = QaaSClient()
    with Session.open(client, "EMU-AER-16C-128M") as session:
        scw.sample(asymmetric, shots_count=5, machine="EMU-AER-16C-128M", session_id=session.id)
        scw.sample(partial, shots_count=5, machine="EMU-AER-16C-128M", session=session)
        assert session.refresh().finished_job_count == 2
        with pytest.raises(TypeError, match="not both"):
            scw.sample(asymmetric, shots_count=5, session=session, deduplication_id="other")


def _estimate(machine: str, shots: int, circuits: int = 1) -> float:
    """The estimate the core computes from the platform record the emulator serves."""
    amount = QaaSClient().describe_platform(machine).estimate(circuits=circuits, shots=shots).amount
    assert amount is not None and amount > 0, f"{machine} publishes no price per circuit or shot"
    return amount


def test_max_cost_at_the_budget_runs_one_cent_over_refuses(scw_env: dict[str, str]) -> None:
    machine = "QPU-IBEX-12PQ"
    budget = _estimate(machine, 100)
    counts = dict(scw.sample(phases, shots_count=100, machine=machine, max_cost=budget).items())
    assert sum(counts.values()) == 100
    client = QaaSClient()
    jobs_before = sum(s.waiting_job_count + s.finished_job_count for s in client.list_sessions())
    with pytest.raises(BudgetExceededError) as refused:
        scw.sample(phases, shots_count=100, machine=machine, max_cost=budget - 0.01)
    assert f"{budget:.4f} EUR" in str(refused.value) and f"max_cost={budget - 0.01:g} EUR" in str(refused.value)
    assert sum(s.waiting_job_count + s.finished_job_count for s in client.list_sessions()) == jobs_before
    terms = 2.0 * spin.z(0) + spin.z(1)  # two programs: twice the price per circuit
    with pytest.raises(BudgetExceededError):
        scw.observe(phases, terms, shots_count=100, machine=machine, max_cost=budget)
    result = scw.observe(phases, terms, shots_count=100, machine=machine, max_cost=_estimate(machine, 100, 2))
    assert result.expectation() > 2.5  # phases leaves |00>: <2 Z0 + Z1> = 3, less the readout errors


def test_run_options_reach_the_platform(scw_env: dict[str, str]) -> None:
    """A seed in ``run_options`` makes Aer's counts repeat exactly; another seed changes them."""

    def counts(seed: int) -> dict[str, int]:
        options = {"seed_simulator": seed}
        return dict(
            scw.sample(rotation, 1.3, 4, shots_count=500, machine="EMU-AER-16C-128M", run_options=options).items()
        )

    first = counts(11)
    assert counts(11) == first
    assert counts(12) != first


def test_qperfect_options_pass_through(scw_env: dict[str, str]) -> None:
    """QPerfect reads ``nsamples`` (its shot count) and ``seed``; names it does not read are refused before
    anything is sent."""
    machine = "EMU-QUANTANIUM-16C-128M"
    options = {"nsamples": 37, "seed": 3}
    first = dict(scw.sample(rotation, 1.3, 3, shots_count=100, machine=machine, run_options=options).items())
    assert sum(first.values()) == 37 and set(first) <= {"000", "100"}
    again = dict(scw.sample(rotation, 1.3, 3, shots_count=100, machine=machine, run_options=options).items())
    assert again == first
    with pytest.raises(InvalidArgumentError, match="not read by EMU-QUANTANIUM-16C-128M"):
        scw.sample(bell, shots_count=10, machine=machine, run_options={"method": "statevector"})
