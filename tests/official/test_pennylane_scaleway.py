"""The official ``pennylane-scaleway`` (0.3.4), unchanged, on the emulator (with pennylane 0.45.1).

What works: the ``scaleway.aer`` device from the plugin's entry point (it wraps the official qiskit-scaleway
backend, so it lists every platform first: this needs the IQM/AQT qiskit target metadata to name only real
instructions), its session as a context manager, a QNode returning counts of a Bell state (~50/50), and a batch
of two tapes with expectation values, which the plugin sends as one job of two circuits.
The plugin polls every 3 s through qiskit-scaleway: two jobs here.
"""

from __future__ import annotations

from typing import Any

import pennylane as qml
import pytest

from .conftest import AER

pytestmark = [  # the plugin's own advice, not our concern here
    pytest.mark.filterwarnings("ignore:Setting shots on device is deprecated"),
    pytest.mark.filterwarnings("ignore:The analytic calculation of results is not supported"),
]


@pytest.fixture
def device(creds: dict[str, str]) -> Any:
    dev = qml.device("scaleway.aer", wires=2, backend=AER, shots=1000, **creds)
    assert type(dev).__module__.startswith("pennylane_scaleway")  # the official plugin, not ours
    with dev:  # starts a session, terminates it on exit
        yield dev


def test_bell_counts(device: Any) -> None:
    @qml.qnode(device)
    def bell() -> Any:
        qml.Hadamard(0)
        qml.CNOT([0, 1])
        return qml.counts()

    counts = {str(k): int(v) for k, v in bell().items()}
    assert set(counts) == {"00", "11"} and sum(counts.values()) == 1000
    assert 400 <= counts["00"] <= 600, counts


def test_batch_of_two_tapes_in_one_job(device: Any) -> None:
    zz = qml.tape.QuantumScript([qml.Hadamard(0), qml.CNOT([0, 1])], [qml.expval(qml.Z(0) @ qml.Z(1))], shots=500)
    z1 = qml.tape.QuantumScript([qml.X(1)], [qml.expval(qml.Z(0)), qml.expval(qml.Z(1))], shots=500)
    (bell_zz, (x_z0, x_z1)) = qml.execute([zz, z1], device)
    assert float(bell_zz) == pytest.approx(1.0)
    assert (float(x_z0), float(x_z1)) == pytest.approx((1.0, -1.0))
