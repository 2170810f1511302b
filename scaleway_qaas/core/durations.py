"""Durations, the one grammar: as users write them, and as the API wants them.

Users write ``"59m"``, ``"5min"``, ``"1h30m"``, ``"1h 30min"``, ``"90 minutes"``, ``"2.5s"``,
``"300s"``, ``"300"`` or a number of seconds (the forms of CUDA-Q's documentation and the
official plugins). The API takes protobuf durations: decimal seconds with an ``s``
(``"3540s"``, ``"2.5s"``), never in exponent form.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from .errors import InvalidArgumentError

_UNITS = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1.0),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60.0),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600.0),
    **dict.fromkeys(("d", "day", "days"), 86400.0),
}
_PART = re.compile(r"\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]+)\s*")
_HELP = "write e.g. '300s', '2.5s', '59m', '5min', '1h30m' or a number of seconds"


def parse_duration(value: str | int | float) -> float:
    """Seconds in a duration; :class:`InvalidArgumentError` on malformed or negative input."""
    if isinstance(value, bool):
        raise InvalidArgumentError(f"invalid duration {value!r}: {_HELP}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip().lower()
        if re.fullmatch(r"\d+(\.\d+)?", text):
            seconds = float(text)
        else:
            seconds = 0.0
            pos = 0
            seen = set()
            for match in _PART.finditer(text):
                unit = _UNITS.get(match.group(2))
                if match.start() != pos or unit is None or unit in seen:
                    raise InvalidArgumentError(f"invalid duration {value!r}: {_HELP}")
                seen.add(unit)
                seconds += float(match.group(1)) * unit
                pos = match.end()
            if pos != len(text) or not seen:
                raise InvalidArgumentError(f"invalid duration {value!r}: {_HELP}")
    else:
        raise InvalidArgumentError(f"invalid duration {value!r}: expected a string or a number of seconds")
    if not math.isfinite(seconds) or seconds < 0:
        raise InvalidArgumentError(f"invalid duration {value!r}: must be a finite, non-negative number of seconds")
    return seconds


def format_duration(value: str | int | float) -> str:
    """A user duration as the API wants it: decimal seconds with an ``s`` (``"3540s"``, ``"2.5s"``)."""
    seconds = Decimal(repr(parse_duration(value))).quantize(Decimal("0.000001")).normalize()
    return f"{seconds:f}s"
