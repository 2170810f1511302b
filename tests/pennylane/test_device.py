"""Integration tests of the ``scaleway.qaas`` device against the real local emulator."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pennylane as qml
import pytest
from pennylane import numpy as pnp
from pennylane.exceptions import DeviceError, WireError

from scaleway_qaas.adapters.pennylane import ScalewayDevice
from scaleway_qaas.core import QaaSClient, SessionStatus

AER = "EMU-AER-16C-128M"
GARNET = "QPU-GARNET-20PQ"
IBEX = "QPU-IBEX-12PQ"

SIGMA5 = 5 / np.sqrt(2000)  # 5 standard deviations of a +-1 mean over 2000 shots (upper bound)


def bell() -> None:
    qml.Hadamard(0)
    qml.CNOT([0, 1])


def test_entry_point_builds_the_device(scw_env: dict[str, str]) -> None:
    dev = qml.device("scaleway.qaas", wires=2, backend=AER, shots=1000)
    assert isinstance(dev, ScalewayDevice)
    assert dev.name == "scaleway.qaas"
    assert dev.shots == qml.measurements.Shots(1000)
    assert dev.backend_name == AER and AER in repr(dev)
    assert dev.describe_platform().name == AER


def test_bell_probabilities(aer2: ScalewayDevice) -> None:
    probs = qml.QNode(lambda: (bell(), qml.probs(wires=[0, 1]))[1], aer2)()
    assert probs[1] == probs[2] == 0
    assert abs(probs[0] - 0.5) < SIGMA5 / 2 and probs[0] + probs[3] == pytest.approx(1)


def test_bit_order_x_on_wire_0_only(aer2: ScalewayDevice) -> None:
    @qml.qnode(aer2)
    def circuit():
        qml.PauliX(0)
        return qml.probs(wires=[0, 1]), qml.sample(wires=[0, 1]), qml.counts(wires=[0, 1])

    probs, samples, counts = circuit()
    np.testing.assert_array_equal(probs, [0, 0, 1, 0])
    assert samples.shape == (2000, 2) and (samples == [1, 0]).all()
    assert counts == {"10": 2000}


def test_expval_zz_and_xx_of_bell(aer2: ScalewayDevice) -> None:
    @qml.qnode(aer2)
    def circuit():
        bell()
        return qml.expval(qml.Z(0) @ qml.Z(1)), qml.expval(qml.X(0) @ qml.X(1)), qml.var(qml.Z(0))

    zz, xx, var_z = circuit()
    assert zz == pytest.approx(1) and xx == pytest.approx(1)
    assert abs(var_z - 1) < 0.01


def test_hamiltonian_and_broadcasting(aer2: ScalewayDevice) -> None:
    h = qml.Hamiltonian([0.5, -1.0], [qml.Z(0) @ qml.Z(1), qml.Y(0)])

    @qml.qnode(aer2)
    def circuit(theta):
        qml.RX(theta, 0)
        return qml.expval(h)

    thetas = np.array([0.0, 0.8, np.pi])
    got = circuit(thetas)
    want = 0.5 * np.cos(thetas) + np.sin(thetas)
    assert got.shape == (3,)
    assert np.all(np.abs(got - want) < 1.5 * SIGMA5)


def test_broadcast_with_non_commuting_measurements_keeps_each_points_results(aer2: ScalewayDevice) -> None:
    """Broadcasting is expanded after the measurement groups are split: each point still gets its own values."""

    @qml.qnode(aer2)
    def circuit(theta):
        qml.RX(theta, 0)
        qml.Hadamard(1)
        return qml.expval(qml.Z(0)), qml.expval(qml.X(1)), qml.counts(wires=[0])

    z, x, counts = circuit(np.array([0.0, np.pi, 0.0, np.pi]))
    np.testing.assert_allclose(z, [1, -1, 1, -1])
    np.testing.assert_allclose(x, [1, 1, 1, 1])
    assert [dict(c) for c in counts] == [{"0": 2000}, {"1": 2000}, {"0": 2000}, {"1": 2000}]


def test_parameter_shift_gradient_matches_default_qubit(client: QaaSClient) -> None:
    dev = qml.device("scaleway.qaas", wires=2, backend=AER, shots=4000, seed=5, deduplication_id="pl-gradient")

    def ansatz(p):
        qml.RX(p[0], 0)
        qml.RY(p[1], 1)
        qml.CNOT([0, 1])
        return qml.expval(qml.Z(1))

    params = pnp.array([0.4, 1.1], requires_grad=True)
    remote = qml.QNode(ansatz, dev)  # diff_method "best" resolves to parameter-shift
    exact = qml.QNode(ansatz, qml.device("default.qubit"))
    with qml.Tracker(dev) as tracker:
        grad = qml.grad(remote)(params)
    np.testing.assert_allclose(grad, qml.grad(exact)(params), atol=5 / np.sqrt(4000))
    # one forward batch + one batch holding the 4 shifted tapes, each ONE submission and one remote job
    assert tracker.totals["batches"] == 2 and tracker.totals["jobs"] == 2
    assert tracker.history["batch_len"] == [1, 4]
    assert tracker.totals["shots"] == 5 * 4000
    jobs = client.list_jobs(session_id=dev.session_id)
    assert sorted(job.id for job in jobs) == sorted(tracker.history["job_ids"][0] + tracker.history["job_ids"][1])
    dev.stop()
    assert client.get_session(jobs[0].session_id).status in (SessionStatus.STOPPED, SessionStatus.STOPPING)


def test_a_batch_with_different_shots_is_one_submission(client: QaaSClient) -> None:
    """The core groups a batch by shots: one remote job per shot count, results back in tape order."""
    dev = qml.device("scaleway.qaas", wires=1, backend=AER, client=client, deduplication_id="pl-mixed-shots")
    tapes = [
        qml.tape.QuantumScript([qml.PauliX(0)] * flip, [qml.counts(wires=0)], shots=shots)
        for flip, shots in ((1, 100), (0, 300), (1, 300), (0, 100))
    ]
    with qml.Tracker(dev) as tracker:
        results = dev.execute(tapes)
    assert results == ({"1": 100}, {"0": 300}, {"1": 300}, {"0": 100})
    assert tracker.totals["batches"] == 1 and tracker.totals["jobs"] == 2
    assert len(client.list_jobs(session_id=dev.session_id)) == 2
    dev.stop()


def test_explicit_parameter_shift(aer2: ScalewayDevice) -> None:
    @qml.qnode(aer2, diff_method="parameter-shift")
    def circuit(x):
        qml.RY(x, 0)
        return qml.expval(qml.Z(0))

    x = pnp.array(0.7, requires_grad=True)
    assert abs(qml.grad(circuit)(x) + np.sin(0.7)) < SIGMA5


def test_batch_of_50_tapes_is_one_remote_job(scw_env: dict[str, str]) -> None:
    tapes = [
        qml.tape.QuantumScript([qml.RY(theta, 0)], [qml.expval(qml.Z(0))], shots=500)
        for theta in np.linspace(0, np.pi, 50)
    ]
    with qml.device("scaleway.qaas", wires=1, backend=AER, shots=500, deduplication_id="pl-batch-50") as dev:
        with qml.Tracker(dev) as tracker:
            results = dev.execute(tapes)
        session_id = dev.session_id
        jobs = QaaSClient().list_jobs(session_id=session_id)
    assert len(jobs) == 1 and tracker.totals["jobs"] == 1
    assert tracker.totals["executions"] == 50 and tracker.totals["shots"] == 50 * 500
    want = np.cos(np.linspace(0, np.pi, 50))
    assert np.all(np.abs(np.array(results) - want) < 5 / np.sqrt(500))
    assert QaaSClient().get_session(session_id).status in (SessionStatus.STOPPED, SessionStatus.STOPPING)


def test_shot_vector(scw_env: dict[str, str]) -> None:
    dev = qml.device("scaleway.qaas", wires=2, backend=AER, shots=[100, 1000])

    @qml.qnode(dev)
    def circuit():
        bell()
        return qml.expval(qml.Z(0) @ qml.Z(1)), qml.sample(wires=[0, 1])

    with qml.Tracker(dev) as tracker:
        res = circuit()
    assert len(res) == 2
    assert res[0][1].shape == (100, 2) and res[1][1].shape == (1000, 2)
    assert res[0][0] == pytest.approx(1) and res[1][0] == pytest.approx(1)
    assert tracker.totals["jobs"] == 1 and tracker.totals["shots"] == 1100

    over = qml.set_shots(circuit, shots=[(50, 3)])()
    assert len(over) == 3 and all(r[1].shape == (50, 2) for r in over)


def test_seed_makes_runs_reproducible(scw_env: dict[str, str]) -> None:
    def run(seed: int) -> np.ndarray:
        dev = qml.device("scaleway.qaas", wires=1, backend=AER, shots=50, seed=seed)
        return qml.QNode(lambda: (qml.Hadamard(0), qml.sample(wires=0))[1], dev)()

    np.testing.assert_array_equal(run(3), run(3))


def test_garnet_gets_standard_gates_and_the_service_transpiles(scw_env: dict[str, str]) -> None:
    """Target behaviour: QPUs transpile server-side (the emulator of the full catalogue does)."""
    dev = qml.device("scaleway.qaas", wires=3, backend=GARNET, shots=2000, seed=1)

    @qml.qnode(dev)
    def ghz():
        qml.Hadamard(0)
        qml.CNOT([0, 2])  # 0 and 2 are not coupled on Garnet: the service routes
        qml.CNOT([2, 1])
        return qml.probs(wires=[0, 1, 2])

    probs = ghz()
    assert probs[0] + probs[7] > 0.8
    assert abs(probs[0] - probs[7]) < 0.15


def test_ibex_runs_a_bell_state(scw_env: dict[str, str]) -> None:
    dev = qml.device("scaleway.qaas", wires=2, backend=IBEX, shots=1000, seed=2)
    probs = qml.QNode(lambda: (bell(), qml.probs(wires=[0, 1]))[1], dev)()
    assert probs[0] + probs[3] > 0.9


def test_context_manager_terminates_its_session(scw_env: dict[str, str]) -> None:
    with qml.device("scaleway.qaas", wires=1, backend=AER, shots=10, max_duration="10m") as dev:
        qml.QNode(lambda: (qml.Hadamard(0), qml.probs(wires=0))[1], dev)()
        session_id = dev.session_id
        assert dev.session is not None and dev.session.id == session_id
        session = QaaSClient().get_session(session_id)
        assert session.status == SessionStatus.RUNNING and session.max_duration == "600s"
        assert [job.session_id for job in QaaSClient().list_jobs(session_id=session_id)] == [session_id]
    assert dev.session is None
    assert QaaSClient().get_session(session_id).status in (SessionStatus.STOPPED, SessionStatus.STOPPING)
    with pytest.raises(RuntimeError, match="No session running"):
        dev.stop()


def test_a_given_session_id_is_used_and_left_running(client: QaaSClient) -> None:
    from scaleway_qaas.core import Session

    with Session.open(client, AER, max_duration="5m") as session:
        with qml.device("scaleway.qaas", wires=1, backend=AER, shots=10, session_id=session.id) as dev:
            qml.QNode(lambda: (qml.PauliX(0), qml.probs(wires=0))[1], dev)()
        assert len(client.list_jobs(session_id=session.id)) == 1
        assert client.get_session(session.id).status == SessionStatus.RUNNING  # the user's: not terminated


# --- bad input ---------------------------------------------------------------------------


def test_too_many_wires_names_the_platform_limit(scw_env: dict[str, str]) -> None:
    dev = qml.device("scaleway.qaas", wires=13, backend=IBEX, shots=10)  # nothing read yet
    with pytest.raises(DeviceError, match="uses 13 qubits but QPU-IBEX-12PQ has 12"):
        qml.QNode(lambda: qml.probs(wires=range(13)), dev)()
    dev = qml.device("scaleway.qaas", backend=IBEX, shots=10)  # wires inferred from the circuit
    with pytest.raises(DeviceError, match="12"):
        qml.QNode(lambda: qml.probs(wires=range(13)), dev)()


def test_wire_outside_device_wires(aer2: ScalewayDevice) -> None:
    with pytest.raises(WireError):
        qml.QNode(lambda: (qml.PauliX(5), qml.probs())[1], aer2)()


def test_state_is_not_available(aer2: ScalewayDevice) -> None:
    with pytest.raises(DeviceError, match="state"):
        qml.QNode(lambda: (bell(), qml.state())[1], aer2)()


def test_analytic_execution_is_refused(aer2: ScalewayDevice) -> None:
    circuit = qml.set_shots(qml.QNode(lambda: (bell(), qml.probs())[1], aer2), shots=None)
    with pytest.raises(DeviceError, match=r"Number of shots must be specified.*set_shots"):
        circuit()


def test_shots_beyond_platform_limit(scw_env: dict[str, str]) -> None:
    dev = qml.device("scaleway.qaas", wires=1, backend=IBEX, shots=5000)
    with pytest.raises(DeviceError, match="5000 shots exceed the limit of QPU-IBEX-12PQ \\(2000 shots"):
        qml.QNode(lambda: qml.probs(), dev)()
    dev = qml.device("scaleway.qaas", wires=1, backend=IBEX, shots=10)
    circuit = qml.set_shots(qml.QNode(lambda: qml.probs(), dev), shots=3000)
    with pytest.raises(DeviceError, match="2000 shots"):
        circuit()


def test_invalid_shots(scw_env: dict[str, str]) -> None:
    with pytest.raises(DeviceError, match="invalid shots"):
        qml.device("scaleway.qaas", wires=1, backend=AER, shots=-5)


class Opaque(qml.operation.Operation):
    """A gate with neither a matrix nor a decomposition."""

    num_wires = 1


def test_undecomposable_operation_names_the_device(scw_env: dict[str, str]) -> None:
    dev = qml.device("scaleway.qaas", wires=1, backend=GARNET, shots=10)
    with pytest.raises(DeviceError, match=r"Opaque.*scaleway.qaas \(standard OpenQASM gates\)"):
        qml.QNode(lambda: (Opaque(wires=0), qml.probs())[1], dev)()


def test_import_scaleway_qaas_does_not_import_pennylane() -> None:
    code = "import sys, scaleway_qaas, scaleway_qaas.core; assert 'pennylane' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_standard_gates_match_default_qubit(scw_env: dict[str, str]) -> None:
    def circuit():
        qml.StatePrep(np.array([0, 1, 1, 0]) / np.sqrt(2), wires=[0, 1])
        qml.U3(0.3, 0.5, -0.2, wires=2)
        qml.U2(0.4, -0.6, wires=1)
        qml.CRX(0.7, wires=[2, 0])
        qml.ControlledPhaseShift(1.1, wires=[0, 2])
        qml.IsingXX(0.9, wires=[1, 2])
        qml.CY(wires=[0, 1])
        qml.SX(0)
        qml.Toffoli(wires=[0, 1, 2])
        qml.QFT(wires=[0, 1, 2])
        return qml.probs(wires=[0, 1, 2])

    dev = qml.device("scaleway.qaas", wires=3, backend=AER, shots=4000, seed=9)
    got = qml.QNode(circuit, dev)()
    want = qml.QNode(circuit, qml.device("default.qubit"))()
    assert np.all(np.abs(got - want) < 5 * np.sqrt(want * (1 - want) / 4000) + 1e-3)


def test_mid_circuit_measurement_is_deferred(aer2: ScalewayDevice) -> None:
    @qml.qnode(aer2)
    def circuit():
        qml.Hadamard(0)
        m = qml.measure(0)
        qml.cond(m, qml.PauliX)(1)
        return qml.probs(wires=[0, 1])

    probs = circuit()
    assert probs[1] == probs[2] == 0 and abs(probs[0] - 0.5) < SIGMA5 / 2


@pytest.mark.parametrize("backend", ["EMU-QSIM-16C-128M", "EMU-CUDAQ-H100"])
def test_one_circuit_per_job_platforms(scw_env: dict[str, str], backend: str) -> None:
    dev = qml.device("scaleway.qaas", wires=2, backend=backend, shots=100)
    tapes = [qml.tape.QuantumScript([qml.PauliX(i)], [qml.probs()], shots=100) for i in (0, 1, 0)]
    with qml.Tracker(dev) as tracker:
        results = dev.execute(tapes)
    assert tracker.totals["jobs"] == 3  # max_circuit_count is 1: the core splits the run
    np.testing.assert_array_equal(results[0], [0, 0, 1, 0])
    np.testing.assert_array_equal(results[1], [0, 1, 0, 0])


def test_backend_names_match_ignoring_case(scw_env: dict[str, str]) -> None:
    dev = qml.device("scaleway.qaas", wires=2, backend="emu-aer-16c-128m", shots=50)
    assert dev.describe_platform().name == "EMU-AER-16C-128M"

    @qml.qnode(dev)
    def circuit():
        qml.PauliX(0)
        return qml.counts(wires=[0, 1])

    assert circuit() == {"10": 50}
