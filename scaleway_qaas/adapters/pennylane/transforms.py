"""Validation transforms of the ``scaleway.qaas`` device, raising PennyLane's own error types."""

from __future__ import annotations

from pennylane.exceptions import DeviceError, WireError
from pennylane.measurements import MeasurementProcess, SampleMeasurement, Shots
from pennylane.tape import QuantumScript, QuantumScriptBatch
from pennylane.transforms import transform
from pennylane.typing import PostprocessingFn
from pennylane.wires import Wires

from ...core import Platform


def _identity(results):  # type: ignore[no-untyped-def]
    return results[0]


def check_sample_measurement(mp: MeasurementProcess) -> bool:
    """Measurements a sampling device computes: expval, var, probs, sample, counts."""
    return isinstance(mp, SampleMeasurement)


def validate_shots(shots: Shots, platform: Platform) -> None:
    """Check shots against the platform's ``max_shot_count``."""
    if shots and platform.max_shot_count and shots.total_shots > platform.max_shot_count:
        raise DeviceError(
            f"{shots.total_shots} shots exceed the limit of {platform.name} ({platform.max_shot_count} shots)"
        )


@transform
def validate_tape_shots(tape: QuantumScript, platform: Platform) -> tuple[QuantumScriptBatch, PostprocessingFn]:
    """Transform form of :func:`validate_shots`."""
    validate_shots(tape.shots, platform)
    return (tape,), _identity


@transform
def require_shots(tape: QuantumScript, name: str = "scaleway.qaas") -> tuple[QuantumScriptBatch, PostprocessingFn]:
    """Analytic execution is impossible on a sampling device."""
    if not tape.shots:
        raise DeviceError(
            f"{name} samples; pass shots=... (qml.set_shots(qnode, shots=1000) or the device's shots); "
            "analytic execution (shots=None) is not available"
        )
    return (tape,), _identity


@transform
def validate_wire_count(
    tape: QuantumScript, platform: Platform, device_wires: Wires | None = None
) -> tuple[QuantumScriptBatch, PostprocessingFn]:
    """A circuit cannot use more wires (device wires plus any it added) than the platform has qubits."""
    n = len(Wires.all_wires([device_wires, tape.wires])) if device_wires is not None else len(tape.wires)
    if platform.max_qubit_count and n > platform.max_qubit_count:
        raise WireError(f"the circuit uses {n} wires but {platform.name} has {platform.max_qubit_count} qubits")
    return (tape,), _identity
