"""Rendering of stored rows as the spec's JSON objects.

Every field of each schema is present. String fields are never ``null``: CUDA-Q's
C++ helper reads the session, job and result fields it knows as strings and
fails on a ``null``, so the timestamps it reads (a session's ``started_at`` and
``terminated_at``, a job's ``started_at``) are ``""`` while unset. Other unset
timestamps are ``null``, as other Scaleway APIs answer.

Jobs are encoded once per state (:class:`JobJsonCache`): the coalesced status
polls of clients list the same finished jobs again and again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from starlette.responses import JSONResponse

from .schema import Row

if TYPE_CHECKING:
    from .platforms import PlatformSpec


def listing(name: str, total: int, items: list[Any]) -> JSONResponse:
    """A page of a list: ``{"total_count": total, name: items}``."""
    return JSONResponse({"total_count": total, name: items})


def timestamp(ts: float | None) -> str | None:
    """RFC 3339 with microseconds, e.g. ``2026-11-24T01:02:03.123456Z``."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def read_timestamp(ts: float | None) -> str:
    """A timestamp CUDA-Q's helper reads: ``""`` while unset, never ``null`` (it parses them as strings)."""
    return timestamp(ts) or ""


def duration(seconds: float) -> str:
    """Seconds as the API's duration string: ``1800s``, ``0.0125s`` (never in exponent form)."""
    if float(seconds).is_integer():
        return f"{int(seconds)}s"
    return f"{seconds:.9f}".rstrip("0").rstrip(".") + "s"


def session(row: Row, waiting: int, finished: int) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "platform_id": row["platform_id"],
        "created_at": timestamp(row["created_at"]),
        "started_at": read_timestamp(row["started_at"]),
        "updated_at": timestamp(row["updated_at"]),
        "terminated_at": read_timestamp(row["terminated_at"]),
        "max_idle_duration": duration(row["max_idle"]),
        "max_duration": duration(row["max_duration"]),
        "waiting_job_count": waiting,
        "finished_job_count": finished,
        "status": row["status"],
        "project_id": row["project_id"],
        "tags": json.loads(row["tags"]),
        "deduplication_id": row["deduplication_id"],
        "origin_type": "customer",
        "origin_id": "",
        "progress_message": row["progress_message"],
        "booking_id": row["booking_id"],
        "model_id": row["model_id"],
        "parameters": row["parameters"],
    }


def job(row: Row) -> dict[str, Any]:
    started, finished = row["started_at"], row["finished_at"]
    return {
        "id": row["id"],
        "name": row["name"],
        "tags": json.loads(row["tags"]),
        "session_id": row["session_id"],
        "created_at": timestamp(row["created_at"]),
        "started_at": read_timestamp(started),
        "updated_at": timestamp(row["updated_at"]),
        "status": row["status"],
        "progress_message": row["progress_message"],
        "job_duration": duration(round(finished - started, 6)) if started and finished else "0s",
        "result_distribution": "",
        "model_id": row["model_id"],
        "parameters": row["parameters"],
    }


def dumps(content: Any) -> bytes:
    """JSON bytes as Starlette's ``JSONResponse`` writes them (compact, UTF-8)."""
    return json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode()


#: the columns of a job that may change after it is created (everything ``job()`` renders but these is fixed)
_JOB_MUTABLE = ("status", "progress_message", "started_at", "updated_at", "finished_at", "name", "tags")


class JobJsonCache:
    """The encoded JSON of jobs, rendered again only when one of their mutable columns changed.

    Used from the event loop thread only; bounded (cleared when full).
    """

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._items: dict[str, tuple[tuple[Any, ...], bytes]] = {}

    def get(self, row: Row) -> bytes:
        state = tuple(row[k] for k in _JOB_MUTABLE)
        hit = self._items.get(row["id"])
        if hit is not None and hit[0] == state:
            return hit[1]
        data = dumps(job(row))
        if len(self._items) >= self.size:
            self._items.clear()
        self._items[row["id"]] = (state, data)
        return data


def model(row: Row) -> dict[str, Any]:
    return {"id": row["id"], "created_at": timestamp(row["created_at"]), "url": "", "project_id": row["project_id"]}


def booking(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "created_at": timestamp(row["created_at"]),
        "started_at": timestamp(row["started_at"]),
        "updated_at": timestamp(row["updated_at"]),
        "finished_at": timestamp(row["finished_at"]),
        "status": row["status"],
        "description": row["description"],
        "progress_message": row["progress_message"],
        "time_zone": row["time_zone"],
    }


def job_result(row: Row, url: str) -> dict[str, Any]:
    """The result inline, or (``url`` not empty) an empty ``result`` and the storage ``url``."""
    return {
        "job_id": row["job_id"],
        "result": "" if url else row["result"],
        "url": url,
        "created_at": timestamp(row["created_at"]),
    }


_ZERO_EUR = {"currency_code": "EUR", "units": 0, "nanos": 0}


def served(spec: PlatformSpec, availability: Mapping[str, str]) -> dict[str, Any]:
    """The platform's record as served: its cached record, with the availability set for it, if any."""
    shown = availability.get(spec.id)
    return {**spec.record, "availability": shown} if shown else spec.record


def platform(spec: PlatformSpec) -> dict[str, Any]:
    """The spec's ``Platform`` object. ``metadata`` takes the real shapes only: ``""`` for simulators,
    the Qiskit target's instructions for QPUs and their twins (no coupling map: the real one publishes none).
    An unpublished price is a zero amount, not ``null``: the official SDK's generated client fails on a
    ``null`` price, so the real service cannot be sending one. The description says it is unpublished."""
    metadata = ""
    if spec.instructions:
        instructions = [
            {"name": name, **({"params": list(params)} if params else {})} for name, params in spec.instructions
        ]
        metadata = json.dumps({"qiskit": {"target": {"instructions": instructions}}})
    bookable = spec.is_bookable
    return {
        "id": spec.id,
        "version": spec.version,
        "name": spec.name,
        "provider_name": spec.provider_name,
        "backend_name": spec.backend_name,
        "type": spec.type,
        "technology": spec.technology,
        "max_qubit_count": spec.max_qubit_count,
        "max_shot_count": spec.max_shot_count,
        "max_circuit_count": spec.max_circuit_count,
        "availability": "available",
        "metadata": metadata,
        "price_per_hour": spec.price_per_hour or _ZERO_EUR,
        "price_per_shot": spec.price_per_shot or _ZERO_EUR,
        "price_per_circuit": spec.price_per_circuit or _ZERO_EUR,
        "hardware": spec.hardware,
        "booking_requirement": {
            "min_duration": "600s" if bookable else None,
            "max_duration": "14400s" if bookable else None,
            "max_cancellation_duration": "86400s" if bookable else None,
            "max_planification_duration": "2592000s" if bookable else None,
            "min_planification_duration": "0s" if bookable else None,
            "max_booking_per_week": 10 if bookable else 0,
            "max_booking_per_day": 2 if bookable else 0,
        },
        "description": spec.description,
        "documentation_url": spec.documentation_url,
        "is_bookable": bookable,
    }
