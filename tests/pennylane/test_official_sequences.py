"""The call sequences of the official pennylane-scaleway tests, replayed on our devices (written here).

Each test follows one official test's calls and checks what that test checks through public API
(the official tests' reads of ``dev._session_id`` / ``dev._platform`` become ``dev.session_id`` /
``dev.describe_platform()``). Our classes are used directly: in this virtualenv the official plugin
owns the ``scaleway.*`` entry points.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pennylane as qml
import pytest
from pennylane.exceptions import DeviceError, PennyLaneDeprecationWarning

from scaleway_qaas.adapters.pennylane import AerDevice, AqtDevice, IqmDevice, ShotsRequiredError

CASES = [(AerDevice, "EMU-AER-16C-128M"), (AqtDevice, "EMU-IBEX-12PQ-L4")]


@pytest.fixture
def creds(scw_env: dict[str, str]) -> dict[str, str]:
    return {
        "project_id": scw_env["SCW_PROJECT_ID"],
        "secret_key": scw_env["SCW_SECRET_KEY"],
        "url": scw_env["SCW_API_URL"],
    }


@pytest.mark.parametrize(
    ("cls", "backend", "wires"), [(AqtDevice, "EMU-IBEX-12PQ-L4", 2), (IqmDevice, "QPU-SIRIUS-24PQ", 5)]
)
def test_instantiation_with_the_official_arguments(cls: Any, backend: str, wires: int, creds: dict[str, str]) -> None:
    with cls(wires=wires, backend=backend, **creds) as dev:
        assert (dev.name, dev.num_wires) == (cls.short_name, wires)
        assert dev.session_id is not None and dev.describe_platform().name == backend
    assert dev.session_id is None
    with pytest.raises(RuntimeError, match="No session running"):
        dev.stop()


@pytest.mark.parametrize(("cls", "backend"), CASES)
def test_tracker_persists_across_contexts_until_stop(cls: Any, backend: str, creds: dict[str, str]) -> None:
    with cls(backend=backend, wires=1, **creds) as dev:

        @qml.set_shots(10)
        @qml.qnode(dev)
        def circuit(x: Any) -> Any:
            qml.RX(x, wires=0)
            qml.Hadamard(wires=0)
            return qml.probs(wires=0)

        circuit(4.2)  # not tracked: the tracker is not active
        assert not dev.tracker.active and dev.tracker.totals == {}
        with dev.tracker:
            circuit(2.1)
            assert dev.tracker.totals["executions"] == dev.tracker.latest["executions"] == 1
        with dev.tracker:  # kept from the first block: a broadcast of 3 adds 3 executions
            circuit([0.0, 0.5, 1.0])
            assert len(dev.tracker.history["executions"]) == dev.tracker.totals["executions"] == 4
            assert dev.tracker.latest["executions"] == 1
            totals = dict(dev.tracker.totals)
        circuit(3.14)
        assert dev.tracker.totals == totals
    assert dev.tracker.history == dev.tracker.latest == dev.tracker.totals == {}


def test_a_user_tracker_is_not_reset_by_stop(creds: dict[str, str]) -> None:
    with AerDevice(backend="EMU-AER-16C-128M", wires=1, **creds) as dev:
        tracker = qml.Tracker(dev)
        with tracker:
            qml.set_shots(qml.QNode(lambda: qml.counts(), dev), shots=5)()
    assert tracker.totals["executions"] == 1


@pytest.mark.parametrize(("cls", "backend"), CASES)
def test_shots_on_the_device_are_deprecated_and_honoured(cls: Any, backend: str, creds: dict[str, str]) -> None:
    with pytest.warns(PennyLaneDeprecationWarning, match="Setting shots on device is deprecated"):
        dev = cls(backend=backend, wires=1, shots=100, **creds)
    with dev:

        @qml.qnode(dev)
        def counts() -> Any:
            qml.Hadamard(wires=0)
            qml.Hadamard(wires=0)
            return qml.counts(wires=0)

        flips = 5 if cls is AqtDevice else 0  # the AQT twin's readout noise (1%) may flip a few shots
        result = counts()
        assert sum(result.values()) == 100 and result.get("0", 0) >= 100 - flips, result
        samples = qml.set_shots(qml.QNode(lambda: qml.sample(wires=0), dev), shots=50)()
        assert isinstance(samples, np.ndarray) and samples.shape == (50, 1) and samples.sum() <= flips


def test_no_shots_no_warning_and_no_analytic_run(creds: dict[str, str], recwarn: pytest.WarningsRecorder) -> None:
    dev = AerDevice(backend="EMU-AER-16C-128M", wires=1, **creds)
    assert not [w for w in recwarn if issubclass(w.category, PennyLaneDeprecationWarning)]
    circuit = qml.QNode(lambda: qml.expval(qml.Z(0)), dev)
    with pytest.raises(ValueError, match="Number of shots must be specified") as info:
        circuit()
    assert isinstance(info.value, DeviceError) and isinstance(info.value, ShotsRequiredError)
    assert "set_shots" in str(info.value)


@pytest.mark.parametrize(("cls", "backend"), CASES)
def test_bell_probs_and_a_batch_of_tapes(cls: Any, backend: str, creds: dict[str, str]) -> None:
    with cls(wires=2, backend=backend, **creds) as dev:

        @qml.set_shots(2000)
        @qml.qnode(dev)
        def probs() -> Any:
            qml.Hadamard(wires=0)
            qml.CNOT(wires=[0, 1])
            return qml.probs(wires=[0, 1])

        p = probs()
        assert p.shape == (4,) and np.isclose(p.sum(), 1.0)
        assert abs(p[0] - 0.5) < 0.1 and abs(p[3] - 0.5) < 0.1 and p[1] + p[2] < 0.05
        tapes = [
            qml.tape.QuantumScript([qml.Hadamard(0)], [qml.expval(qml.Z(0))], shots=1000),
            qml.tape.QuantumScript([qml.X(0)], [qml.expval(qml.Z(0))], shots=1000),
        ]
        h, x = dev.execute(tapes)
        assert abs(h) < 0.2 and x < -0.9
