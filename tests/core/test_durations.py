"""User durations -> API durations."""

from __future__ import annotations

import pytest

from scaleway_qaas.core.durations import format_duration, parse_duration
from scaleway_qaas.errors import InvalidArgumentError


@pytest.mark.parametrize(
    ("given", "sent"),
    [("59m", "3540s"), ("1h30m", "5400s"), ("300s", "300s"), (600, "600s"), ("45", "45s"), ("1h", "3600s"),
     (2.5, "2.5s")],
)
def test_format(given, sent):
    assert format_duration(given) == sent


@pytest.mark.parametrize("bad", ["", "abc", "5 minutes", "1m1m", "-5s", "1d", None, True, [1], float("nan")])
def test_malformed_durations_raise(bad):
    with pytest.raises(InvalidArgumentError, match="duration"):
        parse_duration(bad)
