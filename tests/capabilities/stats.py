"""Statistical comparison of a platform's counts with a framework's own simulator."""

from __future__ import annotations

import math
from collections.abc import Mapping

#: allowance for the noise the twins of QPUs add (a few percent per native gate and readout), on each outcome:
#: a generated program decomposed and routed on Garnet lost up to ~31% of its ideal outcome in the stress run.
#: A bit-order mistake still fails: it moves an outcome's whole weight to another key
NOISE_SLACK = 0.35


def assert_matches(
    got: Mapping[str, int], reference: Mapping[str, int], *, noisy: bool = False, what: str = ""
) -> None:
    """Every outcome's frequency agrees within 5 standard errors of the two samples (plus ``NOISE_SLACK`` for
    noisy platforms); keys are compared as they are, so a bit-order mistake on an asymmetric program fails."""
    n, m = sum(got.values()), sum(reference.values())
    assert n and m, (what, got, reference)
    slack = NOISE_SLACK if noisy else 0.0
    for key in set(got) | set(reference):
        p, q = got.get(key, 0) / n, reference.get(key, 0) / m
        pooled = max((got.get(key, 0) + reference.get(key, 0)) / (n + m), 1 / n)
        bound = 5 * math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / m)) + 1 / n + slack
        assert abs(p - q) <= bound, (
            f"{what} outcome {key!r}: {p:.3f} vs reference {q:.3f} (bound {bound:.3f}); "
            f"{dict(got)} vs {dict(reference)}"
        )
    tv = sum(abs(got.get(k, 0) / n - reference.get(k, 0) / m) for k in set(got) | set(reference)) / 2
    assert tv <= (0.5 if noisy else 0.25), f"{what} total variation {tv:.3f}; {dict(got)} vs {dict(reference)}"
