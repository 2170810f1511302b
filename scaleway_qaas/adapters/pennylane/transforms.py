"""Transforms of the Scaleway devices, raising PennyLane's own error types."""

from __future__ import annotations

import warnings
from collections.abc import Callable

from pennylane.exceptions import DeviceError
from pennylane.measurements import MeasurementProcess, SampleMeasurement
from pennylane.tape import QuantumScript, QuantumScriptBatch
from pennylane.transforms import transform
from pennylane.typing import PostprocessingFn

from ...core import PlatformDescription


def _identity(results):  # type: ignore[no-untyped-def]
    return results[0]


def check_sample_measurement(mp: MeasurementProcess) -> bool:
    """Measurements a sampling device computes: expval, var, probs, sample, counts."""
    return isinstance(mp, SampleMeasurement)


class ShotsRequiredError(DeviceError, ValueError):
    """A circuit without shots (analytic) on a device that only samples.

    A ``DeviceError`` (PennyLane's type) and a ``ValueError`` (what the official device raises)."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"Number of shots must be specified: {name} samples and cannot compute analytic results; "
            "decorate the QNode with @qml.set_shots(1000) (or pass shots=... to qml.execute / the tape)"
        )


@transform
def require_shots(tape: QuantumScript, name: str = "scaleway.qaas") -> tuple[QuantumScriptBatch, PostprocessingFn]:
    """Analytic execution is impossible on a sampling device."""
    if not tape.shots:
        raise ShotsRequiredError(name)
    return (tape,), _identity


@transform
def cap_shots(
    tape: QuantumScript, platform: Callable[[], PlatformDescription]
) -> tuple[QuantumScriptBatch, PostprocessingFn]:
    """Run at most the platform's ``max_shots`` (with a warning), as the official AQT device does."""
    limit = platform().max_shots
    if not limit or tape.shots.total_shots is None or tape.shots.total_shots <= limit:
        return (tape,), _identity
    if tape.shots.has_partitioned_shots:
        raise DeviceError(f"the shot vector totals {tape.shots.total_shots} shots; {platform().name} runs {limit}")
    warnings.warn(
        f"{tape.shots.total_shots} shots exceed the limit of {platform().name}: running {limit} shots",
        UserWarning,
        stacklevel=2,
    )
    return (tape.copy(shots=limit),), _identity
