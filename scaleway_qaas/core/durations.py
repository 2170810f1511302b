"""Durations as users write them (``"59m"``, ``"1h30m"``, ``"300s"``, ``600``) and as the API sends them."""

from __future__ import annotations

import re

from .errors import InvalidArgumentError

_PART = re.compile(r"(\d+(?:\.\d+)?)(h|m|s)")
_UNIT = {"h": 3600.0, "m": 60.0, "s": 1.0}


def parse_duration(value: str | int | float) -> float:
    """Seconds in a duration; raises :class:`InvalidArgumentError` on malformed input."""
    if isinstance(value, bool):
        raise InvalidArgumentError(f"invalid duration {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
        if re.fullmatch(r"\d+(\.\d+)?", text):
            seconds = float(text)
        else:
            parts = _PART.findall(text)
            if not parts or "".join(n + u for n, u in parts) != text or len({u for _, u in parts}) != len(parts):
                raise InvalidArgumentError(
                    f"invalid duration {value!r}: write e.g. '300s', '59m', '1h30m' or a number of seconds"
                )
            seconds = sum(float(n) * _UNIT[u] for n, u in parts)
    else:
        raise InvalidArgumentError(f"invalid duration {value!r}: expected a string or a number of seconds")
    if seconds != seconds or seconds < 0:
        raise InvalidArgumentError(f"invalid duration {value!r}: must be a non-negative number of seconds")
    return seconds


def format_duration(value: str | int | float) -> str:
    """A user duration as the API wants it: whole seconds with an ``s`` (``"3540s"``)."""
    seconds = parse_duration(value)
    return f"{round(seconds)}s" if seconds == int(seconds) else f"{seconds:g}s"
