"""Neutral per-shot results -> PennyLane measurement results (expval, var, probs, sample, counts)."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from pennylane.exceptions import DeviceError
from pennylane.measurements import CountsMP, SampleMeasurement
from pennylane.tape import QuantumScript
from pennylane.wires import Wires

from ...core import ExperimentResult


def samples_from_result(
    result: ExperimentResult, n_wires: int, rng: np.random.Generator, *, in_shot_order: bool = True
) -> np.ndarray:
    """An ``(shots, n_wires)`` int array; column ``i`` is classical bit ``i`` (wire ``wire_order[i]``).

    Uses per-shot ``memory`` when the platform returned it in shot order; otherwise expands ``counts``
    and shuffles them (the statistics are the same; the shot order is not the real one), so that
    every slice of a shot vector is a fair sample.
    """
    if result.memory and in_shot_order:
        bits = list(result.memory)
    else:
        bits = [key for key, n in result.counts.items() for _ in range(n)]
        rng.shuffle(bits)
    if not bits:
        return np.zeros((0, n_wires), dtype=np.int64)
    joined = "".join(bits)
    if len(joined) == n_wires * len(bits) and " " not in joined:  # the usual case: one register, n_wires bits
        samples = _bits_array(joined, n_wires)
    else:
        clean = [b.replace(" ", "") for b in bits]
        width = len(clean[0])
        if width < n_wires or any(len(b) != width for b in clean):
            raise DeviceError(f"result bitstrings have {len(clean[0])} bits, expected {n_wires}")
        samples = _bits_array("".join(clean), width)
    order = _clbit_columns(result, n_wires)
    return samples[:, order] if order is not None else samples[:, :n_wires]


def _clbit_columns(result: ExperimentResult, n_wires: int) -> list[int] | None:
    """Where classical bit ``i`` sits in the bitstrings when a platform names one key per bit (``c_0``,
    ``c_1``..., as Cirq reads OpenQASM), in any order; None: bit ``i`` is character ``i``."""
    names = [r.name for r in result.registers]
    if len(names) < n_wires or any(r.size != 1 for r in result.registers):
        return None
    wanted = [f"c_{i}" for i in range(n_wires)]
    if names[:n_wires] == wanted or not set(wanted) <= set(names):
        return None
    return [names.index(key) for key in wanted]


def _bits_array(joined: str, n_wires: int) -> np.ndarray:
    return (np.frombuffer(joined.encode("ascii"), dtype=np.uint8) - ord("0")).reshape(-1, n_wires).astype(np.int64)


def _counts(mp: CountsMP, samples: np.ndarray, wire_order: Wires, shot_range: tuple[int, int] | None) -> Any:
    """``qml.counts()`` / ``qml.counts(wires=...)`` as PennyLane computes it (``np.str_`` keys in sorted order,
    ``np.int64`` values, all outcomes first when asked) without its per-shot string conversion;
    ``None`` for counts of observables or mid-circuit measurements (PennyLane's own code then)."""
    if mp.obs is not None or mp.mv is not None:
        return None
    columns = wire_order.indices(mp.wires) if len(mp.wires) else list(range(len(wire_order)))
    n = len(columns)
    rows = samples if shot_range is None else samples[shot_range[0] : shot_range[1]]
    if not 0 < n <= 62 or not len(rows):
        return None
    values = rows[:, columns] @ (1 << np.arange(n - 1, -1, -1, dtype=np.int64))
    outcomes, counts = np.unique(values, return_counts=True)  # ascending ints = sorted bitstrings
    out: dict[Any, Any] = {f"{x:0{n}b}": np.int64(0) for x in range(2**n)} if mp.all_outcomes else {}
    for outcome, count in zip(outcomes.tolist(), counts, strict=True):
        out[_outcome(outcome, n)] = count
    return out


@functools.lru_cache(maxsize=1 << 16)
def _outcome(value: int, n: int) -> np.str_:
    """The key of an outcome, one object shared by every counts dict (a sweep's 10,000 dicts share them)."""
    return np.str_(f"{value:0{n}b}")


def _measure(tape: QuantumScript, samples: np.ndarray, wire_order: Wires, shot_range: tuple[int, int] | None) -> Any:
    out = []
    for mp in tape.measurements:
        if not isinstance(mp, SampleMeasurement):
            raise DeviceError(f"{type(mp).__name__} cannot be computed from samples")
        fast = _counts(mp, samples, wire_order, shot_range) if type(mp) is CountsMP else None
        out.append(mp.process_samples(samples, wire_order, shot_range=shot_range) if fast is None else fast)
    return out[0] if len(out) == 1 else tuple(out)


def tape_results(tape: QuantumScript, samples: np.ndarray, wire_order: Wires) -> Any:
    """The tape's results; a shot vector splits the samples into consecutive bins."""
    if tape.shots.has_partitioned_shots:
        return tuple(_measure(tape, samples, wire_order, (start, stop)) for start, stop in tape.shots.bins())
    return _measure(tape, samples, wire_order, None)
