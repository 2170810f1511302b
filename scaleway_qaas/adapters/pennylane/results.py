"""Neutral per-shot results -> PennyLane measurement results (expval, var, probs, sample, counts)."""

from __future__ import annotations

from typing import Any

import numpy as np
from pennylane.exceptions import DeviceError
from pennylane.measurements import SampleMeasurement
from pennylane.tape import QuantumScript
from pennylane.wires import Wires

from ...core.payload import ExperimentResult


def samples_from_result(result: ExperimentResult, n_wires: int, rng: np.random.Generator) -> np.ndarray:
    """An ``(shots, n_wires)`` int array; column ``i`` is classical bit ``i`` (wire ``wire_order[i]``).

    Uses per-shot ``memory`` when the platform returned it; otherwise expands ``counts``
    and shuffles them (the statistics are the same; the shot order is not the real one).
    """
    if result.memory:
        bits = list(result.memory)
    else:
        bits = [key for key, n in result.counts.items() for _ in range(n)]
        rng.shuffle(bits)
    if not bits:
        return np.zeros((0, n_wires), dtype=np.int64)
    clean = [b.replace(" ", "")[:n_wires] for b in bits]
    if any(len(b) != n_wires for b in clean):
        raise DeviceError(f"result bitstrings have {len(clean[0])} bits, expected {n_wires}")
    return (
        (np.frombuffer("".join(clean).encode("ascii"), dtype=np.uint8) - ord("0")).reshape(-1, n_wires).astype(np.int64)
    )


def _measure(tape: QuantumScript, samples: np.ndarray, wire_order: Wires, shot_range: tuple[int, int] | None) -> Any:
    out = []
    for mp in tape.measurements:
        if not isinstance(mp, SampleMeasurement):
            raise DeviceError(f"{type(mp).__name__} cannot be computed from samples")
        out.append(mp.process_samples(samples, wire_order, shot_range=shot_range))
    return out[0] if len(out) == 1 else tuple(out)


def tape_results(tape: QuantumScript, samples: np.ndarray, wire_order: Wires) -> Any:
    """The tape's results; a shot vector splits the samples into consecutive bins."""
    if tape.shots.has_partitioned_shots:
        return tuple(_measure(tape, samples, wire_order, (start, stop)) for start, stop in tape.shots.bins())
    return _measure(tape, samples, wire_order, None)
