"""ScalewaySampler against the real local emulator."""

from __future__ import annotations

import asyncio
import json
import math

import cirq
import numpy as np
import pytest
import sympy

from scaleway_qaas.adapters.cirq import ScalewaySampler
from scaleway_qaas.adapters.cirq import sampler as sampler_module
from scaleway_qaas.core.errors import InvalidArgumentError, QaaSError
from scaleway_qaas.core.records import SessionStatus
from scaleway_qaas.core.wire import ProgramFormat

from .conftest import AER, CUDAQ, GARNET, IBEX, QSIM, asymmetric_circuit, bell, within


def test_bell_statistics(make_sampler) -> None:
    result = make_sampler(QSIM).run(bell(), repetitions=2000)
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
        assert ours.records[key].dtype == ref.records[key].dtype
    assert ours.measurements["b"][0].tolist() == [0, 1, 0]
    assert ours.measurements["my key"][0].tolist() == [1, 0]
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
    assert sampler.describe_platform().max_circuits < 20  # the core splits the sweep into several jobs
    reps = 400
    results = sampler.run_sweep(circuit, sweep, repetitions=reps)
    assert len(results) == 20
    for resolver, result in zip(sweep, results, strict=True):
        assert result.params == resolver
        p1 = math.sin(resolver.value_of("theta") / 2) ** 2
        ones = int(result.measurements["m"].sum())
        assert within(ones, reps, p1), (resolver, ones)


@pytest.mark.parametrize("keys", [str, sympy.Symbol])
def test_a_list_sweep_gives_cirq_s_params_over_several_jobs(make_sampler, keys) -> None:
    """Each point's ``params`` equal Cirq's simulator's (a ``ListSweep`` of names: its own resolvers, not copies;
    of symbols: named as Cirq names them), measurements in their place, over jobs converted one by one."""
    t = sympy.Symbol("t")
    q = cirq.LineQubit(0)
    circuit = cirq.Circuit(cirq.rx(t).on(q), cirq.measure(q, key="m"))
    sweep = cirq.ListSweep([{keys("t"): float(i % 2) * math.pi} for i in range(12)])
    sampler = make_sampler(QSIM)
    assert sampler.describe_platform().max_circuits < 12  # several jobs
    results = sampler.run_sweep(circuit, sweep, repetitions=5)
    reference = cirq.Simulator().run_sweep(circuit, sweep, repetitions=5)
    assert [r.params for r in results] == [r.params for r in reference]
    assert [repr(r.params) for r in results] == [repr(r.params) for r in reference]
    if keys is str:
        assert all(r.params is p for r, p in zip(results, sweep.resolver_list, strict=True))
    assert [r.measurements["m"].tolist() for r in results] == [r.measurements["m"].tolist() for r in reference]


def test_a_sweep_is_one_submission(make_sampler, monkeypatch) -> None:
    """A 60-point sweep on QPU-IBEX-12PQ (50 circuits per job) is one core submission, split into two jobs.

    (``transpile=True`` only so that the previous emulator, which refused non-native gates, runs it too.)"""
    calls: list[tuple[int, list[int]]] = []
    original = sampler_module.run_nowait

    def counting(client, platform, programs, convert, **kwargs):
        calls.append((len(programs), list(kwargs["shots"])))
        return original(client, platform, programs, convert, **kwargs)

    monkeypatch.setattr(sampler_module, "run_nowait", counting)
    q = cirq.LineQubit(0)
    circuit = cirq.Circuit(cirq.X(q) ** sympy.Symbol("t"), cirq.measure(q, key="m"))
    sweep = cirq.Linspace("t", 0, 1, 60)
    with make_sampler(IBEX, transpile=True) as sampler:
        results = sampler.run_sweep(circuit, sweep, repetitions=20)
        jobs = sampler.client.list_jobs(session_id=sampler.id)
    assert calls == [(60, [20] * 60)]
    assert len(jobs) == 2
    assert [r.params for r in results] == list(sweep)
    assert all(r.measurements["m"].shape == (20, 1) for r in results)
    assert results[0].measurements["m"].sum() <= 2 and results[-1].measurements["m"].sum() >= 18  # X^0, X^1


def test_run_batch(make_sampler) -> None:
    q = cirq.LineQubit.range(2)
    t = sympy.Symbol("t")
    flip = cirq.Circuit(cirq.X(q[0]) ** t, cirq.measure(q[0], key="x"))
    pair = cirq.Circuit(cirq.X(q[1]), cirq.measure(q[0], q[1], key="p"))
    batch = make_sampler(AER).run_batch([flip, pair], [cirq.Points("t", [0, 1]), None], repetitions=[5, 9])
    assert [len(b) for b in batch] == [2, 1]
    assert batch[0][0].measurements["x"].tolist() == [[0]] * 5
    assert batch[0][1].measurements["x"].tolist() == [[1]] * 5
    assert batch[1][0].measurements["p"].tolist() == [[0, 1]] * 9


def test_empty_sweep_sends_nothing(make_sampler, monkeypatch) -> None:
    monkeypatch.setattr(sampler_module, "run_nowait", None)  # would fail if called
    q = cirq.LineQubit(0)
    assert make_sampler(QSIM).run_sweep(cirq.Circuit(cirq.measure(q)), cirq.Points("t", [])) == []


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


async def test_async_session_block(make_sampler) -> None:
    async with make_sampler(AER, max_duration="5m") as sampler:
        assert sampler.status in ("starting", "running")
        result = await sampler.run_async(bell(), repetitions=10)
    assert set(result.histogram(key="m")) <= {0, 3}
    info = await sampler.session.refresh_async()
    assert info.status in (SessionStatus.STOPPING, SessionStatus.STOPPED)


def test_own_session_and_attach(make_sampler) -> None:
    q = cirq.LineQubit(0)
    with make_sampler(QSIM, deduplication_id="cirq-tests", max_duration="10m", max_idle_duration="2m") as sampler:
        result = sampler.run(cirq.Circuit(cirq.X(q), cirq.measure(q, key="m")), repetitions=2)
        assert result.measurements["m"].tolist() == [[1], [1]]
        session_id = sampler.id
        assert session_id is not None and sampler.session.info.deduplication_id == "cirq-tests"
        with make_sampler(QSIM, session_id=session_id) as attached:
            assert attached.run(cirq.Circuit(cirq.measure(q, key="m"))).measurements["m"].tolist() == [[0]]
        assert attached.refresh().status == SessionStatus.RUNNING  # an attached session is left running
        assert sampler.client.list_jobs(session_id=session_id)  # both runs went to the session
    assert sampler.refresh().status in (SessionStatus.STOPPING, SessionStatus.STOPPED)


def test_options_reach_the_job(recording) -> None:
    client, transport = recording
    sampler = ScalewaySampler(AER, client=client, options={"method": "matrix_product_state", "seed_simulator": 3})
    sampler.run(bell(), repetitions=5)
    (job,) = transport.bodies("POST", "/jobs")
    options = json.loads(job["parameters"])["options"]
    assert options["method"] == "matrix_product_state" and options["seed_simulator"] == 3
    (model,) = transport.bodies("POST", "/models")
    assert json.loads(model["payload"])["backend"]["options"]["method"] == "matrix_product_state"


@pytest.mark.parametrize(
    ("backend", "fmt"),
    [(QSIM, ProgramFormat.CIRQ_CIRCUIT_JSON_V1), (AER, ProgramFormat.QASM_V2), (IBEX, ProgramFormat.QASM_V3)],
)
def test_the_platform_chooses_the_format(recording, backend: str, fmt: ProgramFormat) -> None:
    client, transport = recording
    result = ScalewaySampler(backend, client=client).run(asymmetric_circuit(), repetitions=50)
    assert [p.serialization_format for p in transport.programs()] == [fmt]
    assert result.measurements["a"].mean() > 0.9  # X then measure, on every platform (QPU noise is small)


# --- no network before the first run; an injected client -----------------------------


def test_no_network_in_constructor_or_properties(scw_env, monkeypatch) -> None:
    monkeypatch.setenv("SCW_API_URL", "http://127.0.0.1:9")  # nothing listens there
    sampler = ScalewaySampler(QSIM)
    assert (sampler.id, sampler.status, sampler.name) == (None, "unknown_status", None)
    assert "EMU-QSIM-16C-128M" in repr(sampler)
    with pytest.raises(QaaSError):
        sampler.run(bell())


def test_injected_client_carries_every_request(recording, monkeypatch) -> None:
    client, transport = recording
    monkeypatch.setenv("SCW_API_URL", "http://127.0.0.1:9")  # the environment would fail
    sampler = ScalewaySampler(QSIM, client=client)
    assert transport.requests == []
    with sampler:
        assert sampler.run(bell(), repetitions=3).measurements["m"].shape == (3, 2)
    paths = [r.url.path.rsplit("/", 1)[-1] for r in transport.requests if r.method == "POST"]
    assert {"sessions", "models", "jobs"} <= set(paths)


# --- local transpilation, on request ------------------------------------------------


@pytest.mark.parametrize("backend", [GARNET, IBEX])
def test_transpile_to_native_gates_on_qpus(recording, backend: str) -> None:
    """A random 3-qubit circuit keeps its distribution once decomposed to r + cz / r + rz + rxx."""
    client, transport = recording
    qubits = [cirq.LineQubit(i) for i in (0, 1, 4)]
    body = cirq.testing.random_circuit(qubits, n_moments=10, op_density=0.9, random_state=5)
    a, b, c = qubits
    body = cirq.Circuit(
        cirq.H.on_each(*qubits), cirq.rx(0.7)(a), cirq.ry(1.1)(c), cirq.T(b), body, cirq.H.on_each(*qubits)
    )
    body += cirq.Circuit(cirq.CZ(a, b) ** 0.5, cirq.S(c), cirq.CNOT(b, c), cirq.rx(0.4)(a))
    circuit = body + cirq.Circuit(cirq.measure(c, a, b, key="m"))
    exact = np.abs(cirq.final_state_vector(body, qubit_order=[c, a, b])) ** 2
    reps = 2000
    result = ScalewaySampler(backend, client=client, transpile=True).run(circuit, repetitions=reps)
    (program,) = transport.programs()
    gates = {line.split("(")[0].split(" ")[0] for line in program.text().splitlines()[3:] if line}
    native = {"r", "cz"} if backend == GARNET else {"r", "rz", "rxx"}
    assert gates - {"creg", "measure"} <= native
    hist = result.histogram(key="m")
    observed = np.array([hist.get(i, 0) for i in range(8)]) / reps
    assert exact.max() < 0.6  # a non-trivial distribution
    assert 0.5 * np.abs(observed - exact).sum() < 0.1  # platform noise is a few percent


def test_transpile_is_a_no_op_on_simulators(recording) -> None:
    client, transport = recording
    ScalewaySampler(AER, client=client, transpile=True).run(bell())
    assert "h q[0];" in transport.programs()[0].text()


def test_qpu_circuits_are_sent_as_written(recording) -> None:
    """No local gate check: the service transpiles QPU circuits (needs the emulator's server-side transpilation)."""
    client, transport = recording
    result = ScalewaySampler(GARNET, client=client).run(bell(), repetitions=500)
    assert "h q[0];" in transport.programs()[0].text()
    hist = result.histogram(key="m")
    assert hist[0] + hist[3] > 450


# --- bad input ---------------------------------------------------------------------


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


def test_too_many_shots(make_sampler) -> None:
    with pytest.raises(InvalidArgumentError, match=r"2001 shots exceed the limit of QPU-IBEX-12PQ"):
        make_sampler(IBEX).run(bell(), repetitions=2001)


def test_budget_guard(make_sampler) -> None:
    """QPU-IBEX-12PQ bills per circuit and shot: a budget below the estimate refuses before anything is sent."""
    sampler = make_sampler(IBEX, max_cost=0.0001)
    with pytest.raises(InvalidArgumentError, match=r"exceeds max_cost=0.0001 EUR"):
        sampler.run(bell(), repetitions=10)
    assert sampler.session is None


def test_unknown_platform(make_sampler) -> None:
    with pytest.raises(QaaSError, match=r"no platform named 'EMU-QSIM-16C-128'.*EMU-QSIM-16C-128M"):
        make_sampler("EMU-QSIM-16C-128").run(bell())


def test_backend_names_match_ignoring_case(make_sampler) -> None:
    a, b = cirq.LineQubit.range(2)
    result = make_sampler("emu-qsim-16c-128m").run(cirq.Circuit(cirq.X(a), cirq.measure(a, b, key="m")), repetitions=50)
    assert result.histogram(key="m") == {0b10: 50}
