"""Parsing and bounding of every request input, answered with ``invalid_arguments`` (400) when out of range.

Nothing a request sends reaches SQLite or a simulator unchecked: ids are UUIDs,
integers are bounded (``page`` within int32, ``page_size`` 1..100, shots within
the platform's limit, seeds within 32 bits), durations are protobuf duration
strings within protobuf's range, timestamps are RFC 3339 dates within 1970..9999,
strings have a maximum length and valid Unicode, and JSON (bodies, job
parameters, model payloads) holds no NaN, no infinity, no integer beyond 64 bits
and no absurd nesting. Each error names the argument and its allowed range.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from .errors import invalid

MAX_PAGE = 2**31 - 1  # int32, as the spec types `page`
MAX_PAGE_SIZE = 100
MAX_NAME = 255  # names, deduplication ids, tags, descriptions
MAX_TAGS = 50
MAX_PARAMETERS = 1_000_000  # characters of a job's or a session's `parameters`
MAX_SECONDS = 315_576_000_000  # google.protobuf.Duration's range: 10,000 years
MAX_SEED = 2**32 - 1
_MAX_INT = 2**63  # JSON integers beyond int64 are refused
_MIN_TS, _MAX_TS = 0.0, datetime(9999, 12, 30, tzinfo=UTC).timestamp()
CREATED_ORDER = {"created_at_desc": "created_at DESC", "created_at_asc": "created_at ASC"}
_DURATION = re.compile(r"[0-9]{1,12}(\.[0-9]{1,9})?s")


# --- JSON -------------------------------------------------------------------------------------------------


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:40]} is out of the range of a double")
    return value


def _int64(text: str) -> int:
    if len(text) > 20:
        raise ValueError(f"{text[:20]}... is out of the range of a 64-bit integer")
    value = int(text)
    if not -_MAX_INT <= value < _MAX_INT:
        raise ValueError(f"{value} is out of the range of a 64-bit integer")
    return value


def strict_json(text: str | bytes, argument: str) -> Any:
    """Parse JSON refusing NaN, infinities, integers beyond 64 bits, deep nesting and invalid Unicode."""
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_float=_finite, parse_int=_int64)
        json.dumps(data, ensure_ascii=False).encode()  # lone surrogates (from \ud800 escapes) fail here
    except RecursionError:
        raise invalid(argument, "JSON nested too deeply", reason="syntax") from None
    except (ValueError, UnicodeError) as exc:  # JSONDecodeError is a ValueError
        raise invalid(argument, f"malformed JSON: {str(exc)[:200]}", reason="syntax") from None
    return data


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object (``{}`` for an empty body)."""
    raw = await request.body()
    if not raw.strip():
        return {}
    data = strict_json(raw, "body")
    if not isinstance(data, dict):
        raise invalid("body", "the request body must be a JSON object", reason="syntax")
    return data


# --- scalars ----------------------------------------------------------------------------------------------


def uuid_arg(value: Any, argument: str) -> str:
    """A UUID in its canonical form."""
    if not isinstance(value, str) or len(value) > 64:
        raise invalid(argument, "must be a UUID string", reason="syntax")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise invalid(argument, f"{value!r} is not a valid UUID", reason="syntax") from None


def opt_uuid(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    return None if value in (None, "") else uuid_arg(value, key)


def text(value: Any, argument: str, max_len: int = MAX_NAME) -> str:
    """A string of at most ``max_len`` characters."""
    if not isinstance(value, str):
        raise invalid(argument, f"must be a string, got {type(value).__name__}")
    if len(value) > max_len:
        raise invalid(argument, f"must be at most {max_len} characters long, got {len(value)}")
    return value


def opt_str(body: Mapping[str, Any], key: str, max_len: int = MAX_NAME) -> str | None:
    value = body.get(key)
    return None if value is None else text(value, key, max_len)


def tag_list(values: Any, argument: str = "tags") -> list[str]:
    if not isinstance(values, list):
        raise invalid(argument, "must be a list of strings")
    if len(values) > MAX_TAGS:
        raise invalid(argument, f"at most {MAX_TAGS} tags, got {len(values)}")
    return [text(v, argument) for v in values]


def opt_tags(body: Mapping[str, Any]) -> list[str] | None:
    value = body.get("tags")
    return None if value is None else tag_list(value)


def query_tags(request: Request) -> list[str]:
    """The ``tags`` filter: repeated (``tags=a&tags=b``) or comma-separated (``tags=a,b``)."""
    tags = [t for value in request.query_params.getlist("tags") for t in value.split(",") if t]
    return tag_list(tags)


def duration(body: Mapping[str, Any], key: str, default: float | None) -> float | None:
    """A protobuf duration string (``"3540s"``, ``"2.5s"``) as seconds; None or absent -> ``default``."""
    value = body.get(key)
    if value is None:
        return default
    allowed = f'a duration string in seconds such as "3540s" or "2.5s", from 0s (excluded) to {MAX_SECONDS}s'
    if not isinstance(value, str) or not _DURATION.fullmatch(value):
        raise invalid(key, f"{str(value)[:40]!r} is not {allowed}", reason="syntax")
    seconds = float(value[:-1])
    if not 0 < seconds <= MAX_SECONDS:
        raise invalid(key, f"{value} is out of range: must be {allowed}")
    return seconds


def timestamp(value: Any, argument: str) -> float:
    """An RFC 3339 date (``Z`` or an offset) within 1970..9999, as a UNIX time."""
    try:
        parsed = datetime.fromisoformat(text(value, argument, 64).replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        seconds = parsed.timestamp()
    except (ValueError, OverflowError):
        raise invalid(argument, f"{str(value)[:64]!r} is not an RFC 3339 date", reason="syntax") from None
    if not _MIN_TS <= seconds <= _MAX_TS:
        raise invalid(argument, f"{value} is out of range: must be between 1970-01-01 and 9999-12-30")
    return seconds


def query_int(request: Request, name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within [low, high]."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    allowed = f"must be an integer from {low} to {high}"
    if len(raw) > 20 or not re.fullmatch(r"[+-]?[0-9]+", raw.strip()):
        raise invalid(name, f"{raw[:40]!r} is not an integer: {allowed}", reason="syntax")
    value = int(raw)
    if not low <= value <= high:
        raise invalid(name, f"{value} is out of range: {allowed}")
    return value


def choice(request: Request, name: str, allowed: Mapping[str, Any] | tuple[str, ...], default: str) -> str:
    """An enum query parameter."""
    value = request.query_params.get(name) or default
    if value not in allowed:
        raise invalid(name, f"{value[:64]!r} is not one of {', '.join(allowed)}")
    return value


def paging(request: Request, orders: Mapping[str, Any], default: str) -> tuple[int, int, Any]:
    """(page, page_size, order) of a list request."""
    page = query_int(request, "page", 1, 1, MAX_PAGE)
    size = query_int(request, "page_size", 20, 1, MAX_PAGE_SIZE)
    return page, size, orders[choice(request, "order_by", orders, default)]


def query_str(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    return text(value, name) if value else None


# --- job parameters ---------------------------------------------------------------------------------------


def job_parameters(raw: str, max_shots: int, platform: str) -> str:
    """Check a job's ``parameters`` JSON: ``shots`` within 1..``max_shots``, a 32-bit ``seed``, a boolean ``memory``.

    Returns the parameters as one JSON object text (a JSON string holding one, as older qio sent, unwrapped)."""
    if len(raw) > MAX_PARAMETERS:
        raise invalid("parameters", f"must be at most {MAX_PARAMETERS} characters long")
    data = strict_json(raw, "parameters")
    for _ in range(4):  # qio before Feb 2026 double-encoded them; the service unwraps strings until an object
        if not isinstance(data, str):
            break
        raw, data = data, strict_json(data, "parameters")
    if not isinstance(data, dict):
        raise invalid("parameters", 'must be a JSON object such as {"shots": 1000}', reason="syntax")
    shots = data.get("shots")
    allowed = f"shots must be an integer from 1 to {max_shots} on {platform}"
    if not isinstance(shots, int) or isinstance(shots, bool):
        raise invalid("parameters", f"{allowed}, got {json.dumps(shots)[:40]}")
    if not 1 <= shots <= max_shots:
        raise invalid("parameters", f"{allowed}, got {shots}")
    options = data.get("options")
    if options is None:
        return raw
    if not isinstance(options, dict):
        raise invalid("parameters", "options must be a JSON object")
    for key in ("seed", "seed_simulator"):
        seed = options.get(key)
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED):
            raise invalid("parameters", f"options.{key} must be an integer from 0 to {MAX_SEED}")
    if options.get("memory") is not None and not isinstance(options["memory"], bool):
        raise invalid("parameters", "options.memory must be true or false")
    return raw
