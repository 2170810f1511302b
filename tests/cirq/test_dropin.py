"""Drop-in for the official cirq-scaleway: its README's and its own test's calls, in the same order, with our imports.

The official sequences (cirq-scaleway README.rst and tests/test_qsim_simple_circuit.py) are written again here
as a user would, changing only the import line; then every call of the official session API.
"""

from __future__ import annotations

import math
import os

import cirq
import pytest
import sympy

from scaleway_qaas.adapters.cirq import ScalewayDevice, ScalewayQuantumService, ScalewaySession
from scaleway_qaas.core.errors import ConnectionFailedError, InvalidArgumentError, NotFoundError
from scaleway_qaas.core.records import SessionStatus

from .conftest import AER, CUDAQ, GARNET, IBEX, QSIM, within


def test_readme_sequence(scw_env, capsys) -> None:
    """README.rst "Getting started" (the README names EMU-QSIM-H100: needs the full catalogue)."""
    service = ScalewayQuantumService(project_id=scw_env["SCW_PROJECT_ID"], secret_key=scw_env["SCW_SECRET_KEY"])
    devices = service.devices(min_num_qubits=34)
    print(devices)
    assert all(d.num_qubits >= 34 for d in devices)
    qsim_simulator = service.device(name="EMU-QSIM-H100")
    with qsim_simulator.create_session() as session:
        qubit = cirq.GridQubit(0, 0)
        circuit = cirq.Circuit(cirq.X(qubit) ** 0.5, cirq.measure(qubit, key="m"))
        result = session.run(circuit)
        print(result)
    assert "ScalewayDevice(name=" in capsys.readouterr().out
    assert result.repetitions == 1 and set(result.measurements["m"].ravel()) <= {0, 1}


def test_official_test_sequence(scw_env, monkeypatch) -> None:
    """tests/test_qsim_simple_circuit.py, with the official plugin's CIRQ_SCALEWAY_* variables."""
    for ours in ("SCW_PROJECT_ID", "SCW_SECRET_KEY", "SCW_API_URL"):
        monkeypatch.setenv(ours.replace("SCW_", "CIRQ_SCALEWAY_"), scw_env[ours])
        monkeypatch.delenv(ours)
    service = ScalewayQuantumService(
        project_id=os.environ["CIRQ_SCALEWAY_PROJECT_ID"],
        secret_key=os.environ["CIRQ_SCALEWAY_SECRET_KEY"],
        url=os.environ["CIRQ_SCALEWAY_API_URL"],
    )
    qsim_simulator = service.device(name=QSIM)
    assert qsim_simulator is not None
    with qsim_simulator.create_session() as session:
        qubit = cirq.GridQubit(0, 0)
        circuit = cirq.Circuit(cirq.X(qubit) ** 0.5, cirq.measure(qubit, key="m"))
        shots_count = 100
        result = session.run(circuit, repetitions=shots_count)
        assert result is not None
        assert result.repetitions == shots_count
    assert within(int(result.measurements["m"].sum()), shots_count, 0.5)


def test_credentials_from_cirq_variables_after_scw_ones(scw_env, monkeypatch) -> None:
    monkeypatch.setenv("CIRQ_SCALEWAY_API_URL", "http://127.0.0.1:9")  # read only after SCW_API_URL
    assert ScalewayQuantumService().device(QSIM).name == QSIM
    for name in ("SCW_PROJECT_ID", "SCW_SECRET_KEY", "SCW_API_URL"):
        monkeypatch.setenv(name.replace("SCW_", "CIRQ_SCALEWAY_"), scw_env[name])
        monkeypatch.delenv(name)
    assert ScalewayQuantumService().device(QSIM).name == QSIM


def test_dict_parameter_and_sweep(service: ScalewayQuantumService) -> None:
    """A parameter as a plain dict (as the official test does), then a real sweep (broken in the official plugin)."""
    q = cirq.LineQubit.range(2)
    theta = sympy.Symbol("theta")
    circuit = cirq.Circuit(cirq.rx(theta)(q[0]), cirq.X(q[1]), cirq.measure(*q, key="m"))
    with service.device(AER).create_session(max_duration="5m", max_idle_duration="2m") as session:
        result = session.run(circuit, param_resolver={"theta": float(sympy.pi)}, repetitions=100)
        sweep = session.run_sweep(circuit, cirq.Linspace("theta", 0, math.pi, 3), repetitions=100)
    assert result.histogram(key="m") == {3: 100}
    assert sweep[0].histogram(key="m") == {1: 100} and sweep[2].histogram(key="m") == {3: 100}
    assert within(sweep[1].histogram(key="m")[3], 100, 0.5)


def test_session_api(service: ScalewayQuantumService) -> None:
    device = service.device(QSIM)
    session = device.create_session(name="cirq-dropin", deduplication_id="cirq-dropin", max_duration="5m")
    assert isinstance(session, ScalewaySession) and isinstance(session, cirq.Sampler)
    assert (session.id, session.status, session.name) == (None, "unknown_status", "cirq-dropin")
    assert session.start() is session
    assert session.id and session.name == "cirq-dropin" and session.status in ("starting", "running")
    with pytest.raises(InvalidArgumentError, match="already started"):
        session.start()
    q = cirq.LineQubit(0)
    assert session.run(cirq.Circuit(cirq.X(q), cirq.measure(q, key="m"))).measurements["m"].tolist() == [[1]]
    assert [j.session_id for j in session.client.list_jobs(session_id=session.id)] == [session.id]
    assert session.stop() is session
    assert session.refresh().status in (SessionStatus.STOPPING, SessionStatus.STOPPED)
    session_id = session.id
    session.delete()
    with pytest.raises(NotFoundError):
        service.client.get_session(session_id)


def test_session_calls_before_start(service: ScalewayQuantumService) -> None:
    session = service.device(QSIM).create_session()
    for call in (session.stop, session.delete):
        with pytest.raises(InvalidArgumentError, match="not started"):
            call()


def test_devices_and_filters(service: ScalewayQuantumService) -> None:
    names = {d.name for d in service.devices()}
    assert {QSIM, AER, CUDAQ, IBEX, GARNET} <= names  # CUDA-Q too (the official plugin leaves it out)
    qpus = service.devices(platform_type="qpu")
    assert {d.name for d in qpus} >= {IBEX, GARNET} and all(not d.platform.is_simulator for d in qpus)
    assert {d.name for d in service.devices(simulator=True)} & {IBEX, GARNET} == set()
    assert all(d.availability in ("available", "scarce") for d in service.devices(operational=True))
    assert [d.name for d in service.devices(name=IBEX)] == [IBEX]
    big = service.devices(min_num_qubits=13)
    assert IBEX not in {d.name for d in big} and all(d.num_qubits >= 13 for d in big)
    with pytest.raises(InvalidArgumentError, match="unknown device filter"):
        service.devices(colour="blue")


def test_device_attributes(service: ScalewayQuantumService) -> None:
    device = service.device(IBEX)
    assert isinstance(device, ScalewayDevice) and isinstance(device, cirq.Device)
    assert device.name == IBEX and device.num_qubits == 12 and device.version
    assert device.availability in ("available", "scarce", "shortage", "maintenance")
    assert repr(device) == f"<ScalewayDevice(name={IBEX},num_qubits=12,platform_id={device.id})>"


def test_unknown_device_names_close_ones(service: ScalewayQuantumService) -> None:
    with pytest.raises(NotFoundError, match=r"no platform named 'EMU-QSIM-16C'.*EMU-QSIM-16C-128M"):
        service.device("EMU-QSIM-16C")


def test_service_sends_nothing_until_asked() -> None:
    service = ScalewayQuantumService(project_id="p", secret_key="s" * 20, url="http://127.0.0.1:9")
    assert "127.0.0.1:9" in repr(service)
    with pytest.raises(ConnectionFailedError):
        service.devices()


class _PartialRecord:
    """A platform record with only some fields (no provider_name, backend, prices, metadata), as the
    official device-repr test builds one; ``type`` is another library's enum member."""

    class _Type:
        value = "simulator"

    id, name, version, max_qubit_count, type = "p-123", "qsim_test", "0.0", 5, _Type()


def test_device_from_a_record_lacking_optional_fields() -> None:
    device = ScalewayDevice(client=None, platform=_PartialRecord())  # type: ignore[arg-type]
    text = repr(device)
    assert "ScalewayDevice" in text and "name=qsim_test" in text
    assert "num_qubits=5" in text and "platform_id=p-123" in text
    assert (device.id, device.version, device.platform.info.provider_name) == ("p-123", "0.0", "")
    assert device.platform.info.is_simulator
