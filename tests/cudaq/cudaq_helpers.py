"""Helpers of the CUDA-Q tests: local reference counts and a statistical comparison."""

from __future__ import annotations

import math

import cudaq


def local_counts(kernel: object, *args: object, shots: int = 20_000) -> dict[str, int]:
    """Counts of CUDA-Q's local simulator (qpp-cpu), the reference for bit order and distribution."""
    cudaq.reset_target()
    return dict(cudaq.sample(kernel, *args, shots_count=shots).items())


def assert_same_distribution(got: dict[str, int], ref: dict[str, int], sigmas: float = 6.0) -> None:
    """Each bitstring's frequency agrees within ``sigmas`` standard errors (plus one count of slack)."""
    n_got, n_ref = sum(got.values()), sum(ref.values())
    assert n_got and n_ref
    assert {len(k) for k in got} <= {len(k) for k in ref}, (got, ref)
    for key in set(got) | set(ref):
        p_got, p_ref = got.get(key, 0) / n_got, ref.get(key, 0) / n_ref
        p = max((got.get(key, 0) + ref.get(key, 0)) / (n_got + n_ref), 1 / n_got)
        bound = sigmas * math.sqrt(p * (1 - p) * (1 / n_got + 1 / n_ref)) + 1 / n_got
        assert abs(p_got - p_ref) <= bound, f"{key}: {p_got:.3f} vs local {p_ref:.3f} (bound {bound:.3f}); {got} {ref}"
