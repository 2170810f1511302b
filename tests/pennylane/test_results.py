"""Result conversion: per-shot samples from neutral results, and counts identical to PennyLane's own."""

from __future__ import annotations

import numpy as np
import pennylane as qml
import pytest
from pennylane.wires import Wires

from scaleway_qaas.adapters.pennylane import ScalewayDevice
from scaleway_qaas.adapters.pennylane.results import _counts, samples_from_result, tape_results
from scaleway_qaas.core.results import ExperimentResult, Register

WIRES = Wires(["a", "b", "c", "d"])


@pytest.mark.parametrize("shots", [1, 2, 9, 1000])
@pytest.mark.parametrize(
    "mp",
    [
        qml.counts(),
        qml.counts(wires=["c"]),
        qml.counts(wires=["d", "a"]),
        qml.counts(all_outcomes=True),
        qml.counts(wires=["b", "a"], all_outcomes=True),
    ],
    ids=["all", "one", "reordered", "all-outcomes", "subset-all-outcomes"],
)
def test_counts_are_pennylanes_own(shots: int, mp: qml.measurements.CountsMP) -> None:
    samples = np.random.default_rng(shots).integers(0, 2, (shots, len(WIRES)))
    for shot_range in (None, (0, max(1, shots // 2)), (shots // 2, shots)):
        expected = mp.process_samples(samples, WIRES, shot_range=shot_range)
        got = _counts(mp, samples, WIRES, shot_range)
        assert got == expected and list(got) == list(expected)  # same outcomes, counts and order
        assert [type(k) for k in got] == [type(k) for k in expected]
        assert [type(v) for v in got.values()] == [type(v) for v in expected.values()]


def test_counts_of_observables_and_shot_vectors_use_pennylane() -> None:
    samples = np.random.default_rng(0).integers(0, 2, (100, len(WIRES)))
    assert _counts(qml.counts(qml.Z("a")), samples, WIRES, None) is None
    tape = qml.tape.QuantumScript([], [qml.counts(wires=["a"]), qml.counts(qml.Z("b"))], shots=[40, 60])
    first, second = tape_results(tape, samples, WIRES)
    assert first[0] == qml.counts(wires=["a"]).process_samples(samples, WIRES, shot_range=(0, 40))
    assert second[1] == qml.counts(qml.Z("b")).process_samples(samples, WIRES, shot_range=(40, 100))


def _result(
    memory: tuple[str, ...] | None, counts: dict[str, int], registers: tuple[Register, ...]
) -> ExperimentResult:
    return ExperimentResult(counts=counts, registers=registers, memory=memory)


def test_samples_from_memory_counts_and_spaced_registers() -> None:
    rng = np.random.default_rng(0)
    plain = samples_from_result(_result(("01", "11", "10"), {}, (Register("c", 2),)), 2, rng)
    assert plain.tolist() == [[0, 1], [1, 1], [1, 0]] and plain.dtype == np.int64
    spaced = samples_from_result(_result(("0 1", "1 1"), {}, (Register("a", 1), Register("b", 1))), 2, rng)
    assert spaced.tolist() == [[0, 1], [1, 1]]
    longer = samples_from_result(_result(("011", "110"), {}, (Register("c", 3),)), 2, rng)
    assert longer.tolist() == [[0, 1], [1, 1]]  # extra classical bits beyond the wires are dropped
    from_counts = samples_from_result(_result(None, {"10": 3, "01": 1}, (Register("c", 2),)), 2, rng)
    assert sorted(map(tuple, from_counts.tolist())) == [(0, 1), (1, 0), (1, 0), (1, 0)]


def test_one_key_per_classical_bit_is_put_back_in_bit_order() -> None:
    """Cirq reads ``measure q[i] -> c[i]`` as one key ``c_i`` per bit, which may come in any order."""
    rng = np.random.default_rng(0)
    keys = tuple(Register(f"c_{i}", 1) for i in (2, 0, 1))
    samples = samples_from_result(_result(("100", "001"), {}, keys), 3, rng)
    assert samples.tolist() == [[0, 0, 1], [0, 1, 0]]  # columns: c_0, c_1, c_2
    ordered = tuple(Register(f"c_{i}", 1) for i in range(12))  # c_10 sorts before c_2 as text: no matter
    assert samples_from_result(_result(("1" + "0" * 11,), {}, ordered), 12, rng).tolist() == [[1] + [0] * 11]


def test_device_counts_subsets_and_all_outcomes(aer2: ScalewayDevice) -> None:
    @qml.qnode(aer2)
    def circuit():  # type: ignore[no-untyped-def]
        qml.PauliX(1)
        return qml.counts(), qml.counts(wires=[1]), qml.counts(wires=[1, 0], all_outcomes=True)

    every, one, reordered = circuit()
    assert every == {"01": 2000} and one == {"1": 2000}
    assert reordered == {"00": 0, "01": 0, "10": 2000, "11": 0} and list(reordered) == ["00", "01", "10", "11"]
