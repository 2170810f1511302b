"""ScalewaySampler against the real local emulator."""

from __future__ import annotations

import asyncio
import math

import cirq
import numpy as np
import pytest
import sympy

from scaleway_qaas.adapters.cirq import ScalewaySampler
from scaleway_qaas.core.errors import InvalidArgumentError

QSIM = "EMU-QSIM-16C-128M"
AER = "EMU-AER-16C-128M"
CUDAQ = "EMU-CUDAQ-H100"
IBEX = "QPU-IBEX-12PQ"
GARNET = "QPU-GARNET-20PQ"


def within(k: int, n: int, p: float, sigmas: float = 5.0) -> bool:
    """k successes out of n are within `sigmas` binomial standard deviations of p (plus one count)."""
    return abs(k - n * p) <= sigmas * math.sqrt(n * p * (1 - p)) + 1


def asymmetric_circuit() -> cirq.Circuit:
    """X on q0 only; a 1-qubit key, a 3-qubit key in non-sorted qubit order, a key with a space."""
    q = cirq.LineQubit.range(4)
    return cirq.Circuit(
        cirq.X(q[0]),
        cirq.X(q[3]),
        cirq.measure(q[0], key="a"),
        cirq.measure(q[2], q[0], q[1], key="b"),
        cirq.measure(q[3], q[1], key="my key"),
    )


def test_bell_statistics(make_sampler) -> None:
    q = cirq.LineQubit.range(2)
    bell = cirq.Circuit(cirq.H(q[0]), cirq.CNOT(q[0], q[1]), cirq.measure(*q, key="m"))
    result = make_sampler(QSIM).run(bell, repetitions=2000)
    hist = result.histogram(key="m")
    assert set(hist) <= {0, 3}
    assert within(hist[0], 2000, 0.5)
    assert result.measurements["m"].shape == (2000, 2)


@pytest.mark.parametrize("backend", [QSIM, AER, CUDAQ])
def test_keys_and_bit_order_match_cirq_simulator(make_sampler, backend: str) -> None:
    circuit = asymmetric_circuit()
    ours = make_sampler(backend).run(circuit, repetitions=7)
    ref = cirq.Simulator().run(circuit, repetitions=7)
    assert list(ours.records) == list(ref.records) == ["a", "b", "my key"]
    for key in ref.records:
        np.testing.assert_array_equal(ours.records[key], ref.records[key])
        np.testing.assert_array_equal(ours.measurements[key], ref.measurements[key])
        assert ours.records[key].dtype == ref.records[key].dtype
    assert ours.measurements["b"][0].tolist() == [0, 1, 0]
    assert ours == ref


@pytest.mark.parametrize("backend", [QSIM, AER])
def test_repeated_keys(make_sampler, backend: str) -> None:
    q = cirq.LineQubit.range(2)
    circuit = cirq.Circuit(
        cirq.measure(q[0], q[1], key="r"), cirq.X(q[0]), cirq.measure(q[0], q[1], key="r"), cirq.measure(q[1], key="z")
    )
    ours = make_sampler(backend).run(circuit, repetitions=3)
    ref = cirq.Simulator().run(circuit, repetitions=3)
    assert ours.records["r"].shape == (3, 2, 2)
    for key in ref.records:
        np.testing.assert_array_equal(ours.records[key], ref.records[key])


def test_linspace_sweep_matches_analytic_probabilities(make_sampler) -> None:
    theta = sympy.Symbol("theta")
    q = cirq.LineQubit(0)
    circuit = cirq.Circuit(cirq.ry(theta)(q), cirq.measure(q, key="m"))
    sweep = cirq.Linspace("theta", 0, 2 * math.pi, 20)
    sampler = make_sampler(QSIM)
    assert sampler.platform.max_circuit_count < 20  # the core splits the sweep into several jobs
    reps = 400
    results = sampler.run_sweep(circuit, sweep, repetitions=reps)
    assert len(results) == 20
    for resolver, result in zip(sweep, results, strict=True):
        assert result.params == resolver
        p1 = math.sin(resolver.value_of("theta") / 2) ** 2
        ones = int(result.measurements["m"].sum())
        assert within(ones, reps, p1), (resolver, ones)


def test_sweep_larger_than_circuit_limit_on_qpu(make_sampler) -> None:
    """QPU-IBEX-12PQ takes 50 circuits per job: a 60-point sweep spans two jobs, all results come back."""
    sampler = make_sampler(IBEX)
    assert sampler.platform.max_circuit_count < 60
    q = cirq.LineQubit(0)
    circuit = cirq.Circuit(cirq.rz(sympy.Symbol("t"))(q), cirq.measure(q, key="m"))
    sweep = cirq.Linspace("t", 0, 1, 60)
    results = sampler.run_sweep(circuit, sweep, repetitions=20)
    assert [r.params for r in results] == list(sweep)
    assert all(r.measurements["m"].shape == (20, 1) for r in results)


def test_run_batch(make_sampler) -> None:
    q = cirq.LineQubit.range(2)
    t = sympy.Symbol("t")
    flip = cirq.Circuit(cirq.X(q[0]) ** t, cirq.measure(q[0], key="x"))
    pair = cirq.Circuit(cirq.X(q[1]), cirq.measure(q[0], q[1], key="p"))
    batch = make_sampler(QSIM).run_batch([flip, pair], [cirq.Points("t", [0, 1]), None], repetitions=[5, 9])
    assert [len(b) for b in batch] == [2, 1]
    assert batch[0][0].measurements["x"].tolist() == [[0]] * 5
    assert batch[0][1].measurements["x"].tolist() == [[1]] * 5
    assert batch[1][0].measurements["p"].tolist() == [[0, 1]] * 9


def test_sample_dataframe_matches_cirq(make_sampler) -> None:
    circuit = asymmetric_circuit()
    circuit.append(cirq.X(cirq.LineQubit(2)) ** sympy.Symbol("s"))
    params = [{"s": 0}, {"s": 1}]
    ours = make_sampler(QSIM).sample(circuit, repetitions=3, params=params)
    ref = cirq.Simulator().sample(circuit, repetitions=3, params=params)
    assert list(ours.columns) == list(ref.columns)
    assert ours.equals(ref)


async def test_async_forms(make_sampler) -> None:
    sampler = make_sampler(QSIM)
    circuit = asymmetric_circuit()
    one = await sampler.run_async(circuit, repetitions=4)
    assert one.measurements["b"].tolist() == [[0, 1, 0]] * 4
    q = cirq.LineQubit(0)
    sweep_circuit = cirq.Circuit(cirq.X(q) ** sympy.Symbol("t"), cirq.measure(q, key="m"))
    sweep, batch = await asyncio.gather(
        sampler.run_sweep_async(sweep_circuit, cirq.Points("t", [1, 0, 1]), repetitions=3),
        sampler.run_batch_async([circuit, circuit], repetitions=2),
    )
    assert [int(r.measurements["m"].sum()) for r in sweep] == [3, 0, 3]
    assert [len(b) for b in batch] == [1, 1]


def test_platform_and_listing(make_sampler, scw_env) -> None:
    sampler = make_sampler(QSIM)
    assert sampler.platform.name == QSIM
    assert sampler.platform.max_qubit_count > 0
    names = {p.name for p in ScalewaySampler.list_platforms()}
    assert {QSIM, AER, IBEX} <= names
    qpus = ScalewaySampler.list_platforms(platform_type="qpu")
    assert qpus and all(not p.is_simulator for p in qpus)


def test_own_session(make_sampler) -> None:
    with make_sampler(QSIM, deduplication_id="cirq-tests", max_duration="10m", max_idle_duration="2m") as sampler:
        q = cirq.LineQubit(0)
        result = sampler.run(cirq.Circuit(cirq.X(q), cirq.measure(q, key="m")), repetitions=2)
        assert result.measurements["m"].tolist() == [[1], [1]]
        session_id = sampler.session.id
        attached = make_sampler(QSIM, session_id=session_id)
        assert attached.run(cirq.Circuit(cirq.measure(q, key="m"))).measurements["m"].tolist() == [[0]]


# --- bad input -------------------------------------------------------------------------


def test_unresolved_symbols(make_sampler) -> None:
    q = cirq.LineQubit(0)
    circuit = cirq.Circuit(cirq.X(q) ** sympy.Symbol("alpha"), cirq.measure(q))
    with pytest.raises(ValueError, match="alpha"):
        make_sampler(QSIM).run(circuit)
    with pytest.raises(ValueError, match="alpha"):
        make_sampler(QSIM).run_sweep(circuit, cirq.Points("beta", [1]))


def test_no_measurements(make_sampler) -> None:
    with pytest.raises(ValueError, match=r"Circuit has no measurements to sample\."):
        make_sampler(QSIM).run(cirq.Circuit(cirq.X(cirq.LineQubit(0))))


@pytest.mark.parametrize("reps", [0, -3, 1.5])
def test_bad_repetitions(make_sampler, reps) -> None:
    q = cirq.LineQubit(0)
    with pytest.raises(ValueError, match="repetitions"):
        make_sampler(QSIM).run(cirq.Circuit(cirq.measure(q)), repetitions=reps)


def test_too_many_qubits(make_sampler) -> None:
    q = cirq.LineQubit.range(13)
    circuit = cirq.Circuit(cirq.measure(*q, key="m"))
    with pytest.raises(InvalidArgumentError, match=r"13 qubits.*QPU-IBEX-12PQ has 12"):
        make_sampler(IBEX).run(circuit)


def test_qpu_rejects_non_native_and_uncoupled_gates(make_sampler) -> None:
    q = cirq.LineQubit.range(3)
    sampler = make_sampler(GARNET)
    with pytest.raises(InvalidArgumentError, match=r"gate 'h'.*not native to QPU-GARNET-20PQ"):
        sampler.run(cirq.Circuit(cirq.H(q[0]), cirq.measure(q[0])))
    with pytest.raises(InvalidArgumentError, match=r"qubits 0 and 2.*not coupled"):
        sampler.run(cirq.Circuit(cirq.CZ(q[0], q[2]), cirq.measure(q[0])))


@pytest.mark.parametrize("backend", [GARNET, IBEX])
def test_transpile_to_native_gates_on_qpus(make_sampler, backend: str) -> None:
    """A random 3-qubit circuit (on coupled qubits 0-1-4 of Garnet) keeps its distribution once decomposed."""
    qubits = [cirq.LineQubit(i) for i in (0, 1, 4)]
    body = cirq.testing.random_circuit(qubits, n_moments=10, op_density=0.9, random_state=5)
    body = cirq.Circuit(op for op in body.all_operations() if {q.x for q in op.qubits} != {0, 4})
    a, b, c = qubits
    body = cirq.Circuit(
        cirq.H.on_each(*qubits), cirq.rx(0.7)(a), cirq.ry(1.1)(c), cirq.T(b), body, cirq.H.on_each(*qubits)
    )
    body += cirq.Circuit(cirq.CZ(a, b) ** 0.5, cirq.S(c), cirq.CNOT(b, c), cirq.rx(0.4)(a))
    circuit = body + cirq.Circuit(cirq.measure(qubits[2], qubits[0], qubits[1], key="m"))
    exact = np.abs(cirq.final_state_vector(body, qubit_order=[qubits[2], qubits[0], qubits[1]])) ** 2
    reps = 2000
    result = make_sampler(backend, transpile=True).run(circuit, repetitions=reps)
    hist = result.histogram(key="m")
    observed = np.array([hist.get(i, 0) for i in range(8)]) / reps
    assert exact.max() < 0.6  # a non-trivial distribution
    assert 0.5 * np.abs(observed - exact).sum() < 0.1  # platform noise is a few percent


def test_a_sweep_is_one_core_submission(make_sampler, monkeypatch) -> None:
    from scaleway_qaas.core.session import Session

    calls: list[int] = []
    original = Session.run_async

    async def counting(self, programs, **kwargs):
        calls.append(len(programs))
        return await original(self, programs, **kwargs)

    monkeypatch.setattr(Session, "run_async", counting)
    q = cirq.LineQubit(0)
    circuit = cirq.Circuit(cirq.X(q) ** sympy.Symbol("t"), cirq.measure(q, key="m"))
    make_sampler(QSIM).run_sweep(circuit, cirq.Linspace("t", 0, 1, 12), repetitions=5)
    assert calls == [12]
