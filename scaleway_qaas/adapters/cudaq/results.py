"""Neutral results to CUDA-Q's: ``cudaq.SampleResult`` and Pauli-term expectations."""

from __future__ import annotations

from collections.abc import Mapping

import cudaq

from ...core import ExperimentResult


def to_sample_result(experiment: ExperimentResult) -> cudaq.SampleResult:
    """A ``cudaq.SampleResult`` whose bitstrings are the experiment's (already in CUDA-Q's order)."""
    return cudaq.SampleResult({bits: int(n) for bits, n in experiment.counts.items() if n})


def parity_expectation(counts: Mapping[str, int]) -> float:
    """<Z...Z> over all bits of ``counts``: +1 for even parity, -1 for odd."""
    total = sum(counts.values())
    if not total:
        return 0.0
    return sum(n * (-1 if bits.count("1") % 2 else 1) for bits, n in counts.items()) / total
