"""The official pennylane-scaleway device names, with the official keyword arguments, on every family.

The calls follow the official README in its order (a device with credentials and ``backend``,
``with`` for the session, ``qml.set_shots`` on the QNode, ``device.stop()``), with our classes.
Platforms of the full catalogue (Sirius, the AQT twins, QPerfect, Quobly) and server-side
transpilation on QPUs are the emulator's target behaviour.
"""

from __future__ import annotations

import importlib
import json
import tomllib
import warnings
from importlib import metadata
from pathlib import Path

import numpy as np
import pennylane as qml
import pytest
from pennylane.exceptions import DeviceError
from qiskit_aer.noise import NoiseModel, ReadoutError

from scaleway_qaas.adapters.pennylane import (
    DEVICES,
    AerDevice,
    AqtDevice,
    CudaqDevice,
    IqmDevice,
    QperfectDevice,
    QsimDevice,
    QuoblyDevice,
    ScalewayDevice,
)
from scaleway_qaas.core import QaaSClient, SessionStatus
from scaleway_qaas.core.errors import BudgetExceededError

ROOT = Path(__file__).resolve().parents[2]

#: (device class, platform, noiseless): one platform per family, and each QPU
FAMILIES = [
    (AerDevice, "EMU-AER-16C-128M", True),
    (QsimDevice, "EMU-QSIM-16C-128M", True),
    (CudaqDevice, "EMU-CUDAQ-H100", True),
    (QperfectDevice, "EMU-QUANTANIUM-16C-128M", True),
    (QuoblyDevice, "EMU-PIONEER-16C-128M", False),
    (AqtDevice, "EMU-IBEX-12PQ-L4", False),
    (AqtDevice, "QPU-IBEX-12PQ", False),
    (IqmDevice, "QPU-GARNET-20PQ", False),
    (IqmDevice, "QPU-SIRIUS-24PQ", False),
]
IDS = [backend for _, backend, _ in FAMILIES]


def _official_kwargs(env: dict[str, str], backend: str) -> dict[str, str]:
    return {
        "project_id": env["SCW_PROJECT_ID"],
        "secret_key": env["SCW_SECRET_KEY"],
        "url": env["SCW_API_URL"],
        "backend": backend,
    }


def _unreachable() -> QaaSClient:
    """A client on a closed port: any request would fail."""
    return QaaSClient(url="http://127.0.0.1:9", secret_key="unused-secret-key-0000", project_id=_PROJECT)


_PROJECT = "00000000-0000-0000-0000-000000000000"


# --- names -------------------------------------------------------------------------------


def test_pyproject_declares_every_official_name_and_each_loads_by_name() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]["pennylane.plugins"]
    official = {ep.name for ep in metadata.distribution("pennylane-scaleway").entry_points}
    assert official and official <= set(declared)
    assert set(declared) == set(DEVICES) == official | {"scaleway.qaas"}
    for name, target in declared.items():
        module, attr = target.split(":")
        cls = getattr(importlib.import_module(module), attr)
        assert issubclass(cls, ScalewayDevice) and cls.short_name == name and DEVICES[name] is cls


def test_constructors_and_properties_make_no_network_call() -> None:
    """Nothing is read before the first run."""
    client = _unreachable()
    for name, cls in DEVICES.items():
        dev = cls(wires=2, backend="ANY-PLATFORM", shots=10, client=client, deduplication_id="d", max_duration="1h")
        assert dev.name == name and dev.client is client and dev.backend_name == "ANY-PLATFORM"
        assert dev.num_wires == 2 and dev.shots.total_shots == 10 and "ANY-PLATFORM" in repr(dev)
        assert dev.session is None and dev.session_id is None and dev.deduplication_id == "d"
        if cls is not AqtDevice:  # AQT reads its shot limit when the pipeline is built
            assert len(dev.preprocess_transforms()) > 5


def test_bad_arguments_are_refused_without_network() -> None:
    client = _unreachable()
    with pytest.raises(DeviceError, match="either client= or project_id"):
        AerDevice(wires=1, client=client, secret_key="other-secret-key-000000")
    with pytest.raises(DeviceError, match=r"scaleway\.iqm needs backend="):
        IqmDevice(wires=1, client=client)
    with pytest.raises(DeviceError, match=r"noise_model must be a qiskit_aer\.noise\.NoiseModel, got dict"):
        AerDevice(wires=1, client=client, noise_model={"errors": []})
    with pytest.raises(DeviceError, match="invalid duration '5 parsecs'"):
        AerDevice(wires=1, client=client, max_idle_duration="5 parsecs")


def test_a_platform_of_another_family_names_the_right_device(client: QaaSClient) -> None:
    dev = AerDevice(wires=1, shots=10, backend="QPU-GARNET-20PQ", client=client)
    with pytest.raises(DeviceError, match=r"runs aer platforms; QPU-GARNET-20PQ is a iqm .*scaleway\.iqm"):
        dev.describe_platform()


# --- the official README, per family ------------------------------------------------------


@pytest.mark.parametrize(("cls", "backend", "noiseless"), FAMILIES, ids=IDS)
def test_official_readme_calls(scw_env: dict[str, str], client: QaaSClient, cls, backend: str, noiseless: bool) -> None:  # type: ignore[no-untyped-def]
    kwargs = _official_kwargs(scw_env, backend)
    # qml.device(cls.short_name, ...) once installed; the shared test environment also holds the official plugin
    with cls(wires=2, session_name="readme", max_duration="1h", max_idle_duration="5m",
             deduplication_id=f"readme-{backend}", **kwargs) as dev:  # fmt: skip

        @qml.set_shots(512)
        @qml.qnode(dev)
        def circuit():  # type: ignore[no-untyped-def]
            qml.Hadamard(wires=0)
            qml.CNOT(wires=[0, 1])
            return qml.counts()

        counts = circuit()
        session = client.get_session(dev.session_id)
        assert session.status == SessionStatus.RUNNING and session.name == "readme"
        assert session.deduplication_id == f"readme-{backend}" and session.max_idle_duration == "300s"
    assert sum(counts.values()) == 512
    correlated = counts.get("00", 0) + counts.get("11", 0)
    assert correlated == 512 if noiseless else correlated > 0.8 * 512
    assert 0.3 < counts.get("00", 0) / 512 < 0.7
    assert client.get_session(session.id).status in (SessionStatus.STOPPED, SessionStatus.STOPPING)


@pytest.mark.parametrize(("cls", "backend", "noiseless"), FAMILIES, ids=IDS)
def test_bit_order_on_an_asymmetric_circuit(client: QaaSClient, cls, backend: str, noiseless: bool) -> None:  # type: ignore[no-untyped-def]
    """X on wire 0 only, then a rotation on wire 2: wire 0 is the leftmost character and the first column."""
    dev = cls(wires=3, backend=backend, client=client, seed=4)

    @qml.set_shots(400)
    @qml.qnode(dev)
    def circuit():  # type: ignore[no-untyped-def]
        qml.PauliX(0)
        qml.RY(0.6, wires=2)
        return qml.counts(wires=[0, 1, 2]), qml.sample(wires=[0, 1]), qml.expval(qml.Z(2))

    counts, samples, z2 = circuit()
    assert set(counts) <= {"100", "101"} if noiseless else counts.get("100", 0) > 0.6 * 400
    assert samples.shape == (400, 2) and (samples[:, 0] == 1).mean() > (1.0 if noiseless else 0.85) - 1e-9
    assert abs(z2 - np.cos(0.6)) < (5 / np.sqrt(400) if noiseless else 0.3)
    dev.stop()


def test_device_stop_after_runs_without_with(scw_env: dict[str, str], client: QaaSClient) -> None:
    """The README's first example: runs, then ``device.stop()`` (the official device needs ``with`` first)."""
    device = AerDevice(wires=2, **_official_kwargs(scw_env, "EMU-AER-16C-128M"), deduplication_id="readme-stop")
    circuit = qml.set_shots(qml.QNode(lambda: (qml.Hadamard(0), qml.CNOT([0, 1]), qml.counts())[2], device), 64)
    assert set(circuit()) <= {"00", "11"}
    session_id = device.session_id
    assert session_id is not None
    device.stop()
    assert client.get_session(session_id).status in (SessionStatus.STOPPED, SessionStatus.STOPPING)
    with pytest.raises(RuntimeError, match="No session running"):
        device.stop()
    assert set(circuit()) <= {"00", "11"}  # the core opens a fresh session for the next run
    assert device.session_id not in (None, session_id)
    device.stop()


# --- options, noise, limits ---------------------------------------------------------------


def test_aer_run_options_are_passed_through(client: QaaSClient) -> None:
    dev = AerDevice(wires=2, client=client, method="matrix_product_state", run_options={"precision": "single"})
    with dev:
        counts = qml.set_shots(qml.QNode(lambda: (qml.PauliX(1), qml.counts())[1], dev), 50)()
        (job,) = client.list_jobs(session_id=dev.session_id)
    assert counts == {"01": 50}
    options = json.loads(job.parameters or "{}")["options"]
    assert options["method"] == "matrix_product_state" and options["precision"] == "single"
    assert options["memory"] is True


def test_aer_noise_model_from_pennylane(client: QaaSClient) -> None:
    noise = NoiseModel()
    noise.add_all_qubit_readout_error(ReadoutError([[0.0, 1.0], [1.0, 0.0]]))  # every readout flipped
    dev = AerDevice(wires=2, client=client, noise_model=noise)
    counts = qml.set_shots(qml.QNode(lambda: (qml.PauliX(0), qml.counts())[1], dev), 100)()
    assert counts == {"01": 100}
    qpu = IqmDevice(wires=1, backend="QPU-GARNET-20PQ", client=client, noise_model=noise)
    with pytest.raises(DeviceError, match="noise_model is only accepted by Aer platforms"):
        qml.set_shots(qml.QNode(lambda: qml.counts(), qpu), 10)()


def test_aqt_caps_shots_at_the_platform_limit_with_a_warning(client: QaaSClient) -> None:
    dev = AqtDevice(wires=1, backend="QPU-IBEX-12PQ", client=client)
    circuit = qml.set_shots(qml.QNode(lambda: qml.sample(wires=0), dev), 3000)
    with pytest.warns(UserWarning, match="3000 shots exceed the limit of QPU-IBEX-12PQ: running 2000 shots"):
        samples = circuit()
    assert samples.shape == (2000, 1)
    plain = ScalewayDevice(wires=1, backend="QPU-IBEX-12PQ", client=client)
    with pytest.raises(DeviceError, match="3000 shots exceed the limit"):
        qml.set_shots(qml.QNode(lambda: qml.sample(wires=0), plain), 3000)()


def test_qperfect_options_and_unknown_ones(client: QaaSClient) -> None:
    dev = QperfectDevice(wires=2, client=client, bonddim=16, algorithm="mps", seed=3)
    counts = qml.set_shots(qml.QNode(lambda: (qml.PauliX(0), qml.counts())[1], dev), 100)()
    assert counts == {"10": 100}
    bad = QperfectDevice(wires=2, client=client, method="statevector")
    with pytest.raises(DeviceError, match="method are not read by EMU-QUANTANIUM-16C-128M"):
        qml.set_shots(qml.QNode(lambda: qml.counts(), bad), 10)()


def test_quobly_gets_openqasm_3_and_its_options(client: QaaSClient) -> None:
    def run(seed: int) -> np.ndarray:
        dev = QuoblyDevice(wires=2, client=client, noise=False, seed=seed)
        return qml.set_shots(qml.QNode(lambda: (qml.Hadamard(0), qml.CNOT([0, 1]), qml.sample())[2], dev), 200)()

    first = run(7)
    assert set(map(tuple, first.tolist())) <= {(0, 0), (1, 1)}  # noise off: a perfect Bell state
    np.testing.assert_array_equal(first, run(7))


def test_sirius_publishes_move_and_runs_a_bell_state(client: QaaSClient) -> None:
    dev = IqmDevice(wires=2, backend="QPU-SIRIUS-24PQ", client=client, seed=1)
    assert "move" in (dev.describe_platform().native_gates or ())
    probs = qml.set_shots(qml.QNode(lambda: (qml.Hadamard(0), qml.CNOT([0, 1]), qml.probs())[2], dev), 500)()
    assert probs[0] + probs[3] > 0.8


def test_max_cost_refuses_before_billing_at_the_boundary(client: QaaSClient) -> None:
    probe = IqmDevice(wires=1, backend="QPU-GARNET-20PQ", client=client)
    estimate = probe.describe_platform().estimate_submission({100: 2}).amount  # billed per circuit and shot
    assert estimate is not None and estimate > 0
    tapes = [qml.tape.QuantumScript([], [qml.counts()], shots=100)] * 2
    dev = IqmDevice(wires=1, backend="QPU-GARNET-20PQ", client=client, max_cost=estimate - 0.001)
    with pytest.raises(BudgetExceededError, match=rf"{estimate:.4f} EUR on QPU-GARNET-20PQ exceeds max_cost="):
        dev.execute(tapes)
    assert dev.session_id is None  # nothing was sent
    exact = IqmDevice(wires=1, backend="QPU-GARNET-20PQ", client=client, max_cost=estimate)
    assert [sum(c.values()) for c in exact.execute(tapes)] == [100, 100]
    exact.stop()


def test_injected_client_is_the_one_used(emulator_url: str) -> None:
    """No SCW_* variable set: the device reaches the service only through the given client."""
    client = QaaSClient(url=emulator_url, secret_key="injected-secret-key-0000", project_id=_PROJECT)
    dev = QsimDevice(wires=2, client=client, deduplication_id="injected")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        counts = qml.set_shots(qml.QNode(lambda: (qml.PauliX(1), qml.counts())[1], dev), 20)()
    assert counts == {"01": 20}
    assert [job.session_id for job in client.list_jobs(session_id=dev.session_id)] == [dev.session_id]
    dev.stop()
