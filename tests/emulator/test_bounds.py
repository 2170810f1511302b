"""Issue 17: every input is bounded and refused with a gateway-shaped 400 naming the argument and the allowed
range; nothing reaches SQLite or a simulator unchecked, and no input gets a 500."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from .conftest import BELL_QASM2, Api, P


def _refused(response: httpx.Response, argument: str, *excerpts: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert (body["type"], body["message"]) == ("invalid_arguments", "invalid argument(s)"), body
    (detail,) = body["details"]
    assert detail["argument_name"] == argument, body
    assert all(e in detail["help_message"] for e in excerpts), body


def test_huge_page_is_refused_not_a_500(api: Api) -> None:
    """Found by schemathesis as an authenticated caller: 500 OverflowError from SQLite before the fix."""
    response = api.http.get(f"{P}/jobs?page=881231406726696448&order_by=created_at_desc")
    _refused(response, "page", "881231406726696448", "from 1 to 2147483647")
    assert response.headers["x-request-id"]


LISTS = ["platforms", "sessions", "jobs", "models", "bookings", "applications", "processes"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("argument", "value", "excerpt"),
    [
        ("page", "0", "from 1 to 2147483647"),
        ("page", "-1", "from 1 to 2147483647"),
        ("page", "2147483648", "from 1 to 2147483647"),
        ("page", "9" * 400, "not an integer"),
        ("page", "1.5", "not an integer"),
        ("page", "NaN", "not an integer"),
        ("page", "inf", "not an integer"),
        ("page", "1e3", "not an integer"),
        ("page", "\u0663", "not an integer"),  # an Arabic-Indic digit: int() would take it
        ("page_size", "0", "from 1 to 100"),
        ("page_size", "101", "from 1 to 100"),
        ("page_size", "-5", "from 1 to 100"),
        ("page_size", "18446744073709551616", "from 1 to 100"),
        ("order_by", "x" * 10_000, "is not one of"),
    ],
)
def test_paging_is_bounded(api: Api, path: str, argument: str, value: str, excerpt: str) -> None:
    params = {"project_id": api.project, argument: value}
    _refused(api.http.get(f"{P}/{path}", params=params), argument, excerpt)


def test_sub_lists_are_bounded(api: Api) -> None:
    session = api.session()
    job = api.ok(api.submit(session["id"], api.model(BELL_QASM2), shots=10))
    for path in (f"jobs/{job['id']}/results", f"sessions/{session['id']}/acls"):
        _refused(api.http.get(f"{P}/{path}", params={"page": 2**40}), "page", "2147483647")
        _refused(api.http.get(f"{P}/{path}", params={"page_size": 1000}), "page_size", "100")


@pytest.mark.parametrize(
    ("params", "argument"),
    [
        ({"name": "x" * 256}, "name"),
        ({"provider_name": "y" * 10_000}, "provider_name"),
        ({"platform_type": "quantum"}, "platform_type"),
        ({"platform_technology": "magic"}, "platform_technology"),
    ],
)
def test_platform_filters_are_bounded(api: Api, params: dict[str, str], argument: str) -> None:
    _refused(api.http.get(f"{P}/platforms", params=params), argument)


def test_tag_filters_are_bounded(api: Api) -> None:
    _refused(api.http.get(f"{P}/sessions", params={"tags": "t" * 256}), "tags", "at most 255")
    _refused(api.http.get(f"{P}/jobs", params={"tags": [str(i) for i in range(51)]}), "tags", "at most 50")


@pytest.mark.parametrize(
    "parameters",
    [
        '{"shots": NaN}',
        '{"shots": Infinity}',
        '{"shots": -Infinity}',
        '{"shots": 1e400}',
        '{"shots": -1}',
        '{"shots": 0}',
        '{"shots": 1000001}',
        '{"shots": 18446744073709551616}',
        '{"shots": ' + "9" * 5000 + "}",
        '{"shots": 10.5}',
        '{"shots": 10.0}',
        '{"shots": "10"}',
        '{"shots": true}',
        '{"shots": null}',
        '{"options": {}}',
        '{"shots": 10, "options": {"seed": 4294967296}}',
        '{"shots": 10, "options": {"seed": -1}}',
        '{"shots": 10, "options": {"seed_simulator": 1.5}}',
        '{"shots": 10, "options": {"memory": "yes"}}',
        '{"shots": 10, "options": {"anything": NaN}}',
        '{"shots": 10, "options": []}',
        "[" * 100_000 + "]" * 100_000,
        '{"shots": 10, "pad": "' + "x" * 1_000_001 + '"}',
    ],
)
def test_job_parameters_are_bounded(api: Api, parameters: str) -> None:
    session = api.session()
    body = {"session_id": session["id"], "model_id": api.model(BELL_QASM2), "parameters": parameters}
    _refused(api.http.post(f"{P}/jobs", json=body), "parameters")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_duration", "1e400s"),
        ("max_duration", "99999999999999s"),
        ("max_duration", "315576000001s"),
        ("max_duration", "NaNs"),
        ("max_duration", "infs"),
        ("max_duration", "-1s"),
        ("max_duration", "0.0000000001s"),  # beyond protobuf's nanoseconds
        ("max_idle_duration", 1e308),
        ("max_idle_duration", "x" * 100_000),
    ],
)
def test_durations_are_bounded(api: Api, field: str, value: Any) -> None:
    body = {"project_id": api.project, "platform_id": api.platform("EMU-AER-16C-128M")["id"], field: value}
    _refused(api.http.post(f"{P}/sessions", json=body), field, "315576000000s")


@pytest.mark.parametrize(
    ("demand", "argument"),
    [
        ({"started_at": "99999-01-01T00:00:00Z"}, "booking_demand.started_at"),
        ({"started_at": "0001-01-01T00:00:00+01:00"}, "booking_demand.started_at"),
        ({"started_at": "1969-12-31T23:59:59Z"}, "booking_demand.started_at"),
        ({"started_at": 1700000000}, "booking_demand.started_at"),
        ({"finished_at": "tomorrow"}, "booking_demand.finished_at"),
        ({"started_at": "2030-01-01T10:00:00Z", "finished_at": "2030-01-01T09:00:00Z"}, "booking_demand.finished_at"),
        ({"description": "d" * 256}, "description"),
        ({"time_zone": 3}, "time_zone"),
    ],
)
def test_booking_demands_are_bounded(api: Api, demand: dict[str, Any], argument: str) -> None:
    body = {"project_id": api.project, "platform_id": api.platform("QPU-GARNET-20PQ")["id"], "booking_demand": demand}
    _refused(api.http.post(f"{P}/sessions", json=body), argument)


def _session_body(api: Api, **extra: Any) -> dict[str, Any]:
    return {"project_id": api.project, "platform_id": api.platform("EMU-AER-16C-128M")["id"], **extra}


BODIES: list[tuple[str, Callable[[Api], dict[str, Any]], str]] = [
    ("long name", lambda a: _session_body(a, name="n" * 256), "name"),
    ("long deduplication id", lambda a: _session_body(a, deduplication_id="d" * 256), "deduplication_id"),
    ("too many tags", lambda a: _session_body(a, tags=["t"] * 51), "tags"),
    ("tag not a string", lambda a: _session_body(a, tags=[1]), "tags"),
    ("platform id as a number", lambda a: _session_body(a, platform_id=2**40), "platform_id"),
    ("number beyond 64 bits", lambda a: _session_body(a, platform_id=2**70), "body"),
    ("platform id as a float", lambda a: _session_body(a, platform_id=1.5), "platform_id"),
    ("long platform id", lambda a: _session_body(a, platform_id="p" * 100_000), "platform_id"),
    ("model id not a UUID", lambda a: _session_body(a, model_id="../etc"), "model_id"),
    ("project id as a list", lambda a: _session_body(a, project_id=["x"]), "project_id"),
]


@pytest.mark.parametrize(("case", "body", "argument"), BODIES, ids=[b[0] for b in BODIES])
def test_session_bodies_are_bounded(api: Api, case: str, body: Callable[[Api], dict[str, Any]], argument: str) -> None:
    _refused(api.http.post(f"{P}/sessions", json=body(api)), argument)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"platform_id": ' + b"9" * 5000 + b"}",  # beyond Python's int-from-string limit
        b'{"platform_id": 1e999}',
        b'{"platform_id": NaN}',
        b"[" * 200_000,
        b'{"name": "\\ud800"}',  # a lone surrogate: SQLite could not store it
        b"\xff\xfe\x00garbage",
    ],
)
def test_malformed_bodies_are_refused(api: Api, raw: bytes) -> None:
    _refused(api.http.post(f"{P}/sessions", content=raw), "body")


def test_ids_are_bounded(api: Api) -> None:
    _refused(api.http.get(f"{P}/jobs/{'j' * 5000}"), "job_id", "UUID")
    _refused(api.http.get(f"{P}/jobs", params={"session_id": "s" * 5000}), "session_id", "UUID")
    _refused(api.http.get(f"{P}/sessions", params={"platform_id": "1e400"}), "platform_id", "UUID")
    _refused(api.http.post(f"{P}/jobs", json={"session_id": 10**15}), "session_id", "UUID")
    _refused(
        api.http.get(f"{P}/processes", params={"project_id": api.project, "application_id": "-1"}), "application_id"
    )


def test_model_payloads_hold_no_nan(api: Api) -> None:
    payload = json.dumps({"programs": [{"serialization_format": 2, "compression_format": 1, "serialization": "x"}]})
    payload = payload.replace('"compression_format": 1', '"compression_format": NaN')
    _refused(api.http.post(f"{P}/models", json={"project_id": api.project, "payload": payload}), "payload")


def test_job_names_and_tags_are_bounded(api: Api) -> None:
    session = api.session()
    job = api.ok(api.submit(session["id"], api.model(BELL_QASM2), shots=10))
    _refused(api.http.patch(f"{P}/jobs/{job['id']}", json={"name": "n" * 256}), "name", "255")
    _refused(api.http.patch(f"{P}/jobs/{job['id']}", json={"tags": "not-a-list"}), "tags")
    _refused(api.http.patch(f"{P}/sessions/{session['id']}", json={"max_idle_duration": 600}), "max_idle_duration")


@pytest.mark.parametrize("key", ["backend", "client", "noise_model"])
def test_model_parts_are_objects(api: Api, key: str) -> None:
    program = {"serialization_format": 2, "compression_format": 1, "serialization": BELL_QASM2}
    payload = json.dumps({"programs": [program], key: 3})
    _refused(api.http.post(f"{P}/models", json={"project_id": api.project, "payload": payload}), "payload", key)
