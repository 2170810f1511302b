"""User durations -> API durations: every form CUDA-Q's Scaleway page and the official plugins use."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scaleway_qaas.core.durations import format_duration, parse_duration
from scaleway_qaas.errors import InvalidArgumentError


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("59m", "3540s"),
        ("1h30m", "5400s"),
        ("300s", "300s"),
        (600, "600s"),
        ("45", "45s"),
        ("1h", "3600s"),
        (2.5, "2.5s"),
        ("5min", "300s"),
        ("30m", "1800s"),
        ("1h 30min", "5400s"),
        ("5 minutes", "300s"),
        ("2.5s", "2.5s"),
        ("1d", "86400s"),
        ("1.5h", "5400s"),
        (1e-7, "0s"),
        (1e21, "1000000000000000000000s"),
    ],
)
def test_format(given, sent):
    assert format_duration(given) == sent


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False))
def test_sent_durations_are_decimal_never_exponent(seconds):
    sent = format_duration(seconds)
    assert sent.endswith("s") and "e" not in sent.lower().removesuffix("s")
    assert abs(float(sent[:-1]) - seconds) <= 1e-6 + 1e-9 * seconds


@pytest.mark.parametrize(
    "bad", ["", "abc", "1m1m", "-5s", "5 fortnights", "m5", None, True, [1], float("nan"), float("inf"), -1]
)
def test_malformed_durations_raise(bad):
    with pytest.raises(InvalidArgumentError, match="duration"):
        parse_duration(bad)
