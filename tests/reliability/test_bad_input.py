"""Issue #10: the bad-input catalogue (docs/bad-input.md), one test per row, against a real emulator.

Each row: what the user does -> what the user sees (exception type + message excerpt through the core
client, or HTTP status + Scaleway error type for raw requests)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import attrs
import httpx
import pytest

from scaleway_qaas.core import PlatformDescription, QaaSClient, Session, describe, run_in
from scaleway_qaas.core.codecs import decode as decode_result
from scaleway_qaas.core.records import Availability
from scaleway_qaas.core.wire import ProgramResult
from scaleway_qaas.errors import (
    AuthenticationError,
    InvalidArgumentError,
    JobCancelledError,
    JobFailedError,
    NotFoundError,
    PayloadError,
    PermissionDeniedError,
    PlatformUnavailableError,
    QaaSError,
    SessionClosedError,
)

from .conftest import API, BELL, OTHER_PROJECT, PROJECT, SECRET, qasm

H = 'OPENQASM 2.0; include "qelib1.inc"; '


@attrs.define
class Ctx:
    url: str
    client: QaaSClient
    aer: Session
    garnet: Session

    def raw(self, method: str, path: str, *, token: str | None = SECRET, **kwargs: Any) -> httpx.Response:
        headers = {"X-Auth-Token": token} if token is not None else {}
        return httpx.request(method, f"{self.url}{API}{path}", headers=headers, timeout=10, **kwargs)

    def run(self, text: str, session: Session | None = None, **kwargs: Any) -> Any:
        kwargs.setdefault("shots", 10)
        return run_in(session or self.aer, [qasm(text)], **kwargs).result(timeout=60)


@pytest.fixture(scope="module")
def ctx(token_emulator) -> Ctx:
    client = QaaSClient(secret_key=SECRET, project_id=PROJECT, url=token_emulator)
    aer = Session.open(client, "EMU-AER-16C-128M", deduplication_id=uuid.uuid4().hex)
    garnet = Session.open(client, "QPU-GARNET-20PQ", deduplication_id=uuid.uuid4().hex)
    yield Ctx(token_emulator, client, aer, garnet)
    aer.terminate()
    garnet.terminate()


@dataclass
class Row:
    id: str
    input: str
    action: Callable[[Ctx], Any]
    error: type[QaaSError] | None = None  # core rows
    status: int | None = None  # raw HTTP rows
    error_type: str | None = None
    excerpt: str = ""


def _terminated(c: Ctx) -> Any:
    session = Session.open(c.client, "EMU-AER-16C-128M")
    session.terminate()
    return run_in(session, [qasm(BELL)], shots=10)


def _expired(c: Ctx, **durations: str) -> Any:
    session = Session.open(c.client, "EMU-AER-16C-128M", **durations)
    session.wait_until_running(10)
    time.sleep(1.6)
    return run_in(session, [qasm(BELL)], shots=10)


def _in_maintenance(c: Ctx, name: str) -> PlatformDescription:
    """The platform as the service describes it while in maintenance (tests/core/test_service_states.py
    sets it on the emulator itself)."""
    return describe(attrs.evolve(c.client.find_platform(name), availability=Availability.MAINTENANCE))


def _cancelled(c: Ctx) -> Any:
    from .test_crash import SLOW_BELL

    session = Session.open(c.client, "EMU-AER-16C-128M")
    jobs = [run_in(session, [qasm(SLOW_BELL)], shots=20_000) for _ in range(6)]
    jobs[-1].cancel()  # still queued behind the others
    try:
        return jobs[-1].result(timeout=60)
    finally:
        session.terminate()


def _corrupt(_c: Ctx) -> Any:
    return ProgramResult.from_json('{"serialization_format": 2, "compression_format": 1, "serialization": "{oops')


def _truncated(c: Ctx) -> Any:
    job = run_in(c.aer, [qasm(BELL)], shots=10)
    job.wait(60)
    (item,) = c.client.list_job_results(job.job_id)
    text = item.result
    return decode_result(ProgramResult.from_json(text[: len(text) // 2]))


def _garbage_result(_c: Ctx) -> Any:
    return decode_result(ProgramResult.from_json('["not", "an", "object"]'))


def _stopped_raw(c: Ctx) -> httpx.Response:
    session = Session.open(c.client, "EMU-AER-16C-128M")
    session.terminate()
    return c.raw("POST", "/jobs", json={"name": "stopped", "session_id": session.id, "model_id": _model(c)})


UUID0 = str(uuid.UUID(int=0))

ROWS = [
    # --- programs and submissions (core client) ---
    Row(
        "malformed-qasm",
        "QASM that does not parse (`qreg q[2]; hh q[0];`)",
        lambda c: c.run(H + "qreg q[2]; creg c[2]; hh q[0]; measure q -> c;"),
        JobFailedError,
        excerpt="cannot parse",
    ),
    Row(
        "not-qasm",
        "a program that is not QASM at all",
        lambda c: c.run("this is not a program"),
        JobFailedError,
        excerpt="cannot parse",
    ),
    Row(
        "too-many-qubits-program",
        "a 40-qubit QASM program without num_qubits",
        lambda c: c.run(H + "qreg q[40]; creg c[1]; x q[39]; measure q[39] -> c[0];"),
        JobFailedError,
        excerpt="qubits",
    ),
    Row(
        "too-many-shots",
        "shots above the platform limit",
        lambda c: c.run(BELL, shots=10**9),
        InvalidArgumentError,
        excerpt="exceed the limit",
    ),
    Row("zero-shots", "shots=0", lambda c: c.run(BELL, shots=0), InvalidArgumentError, excerpt="positive integer"),
    Row(
        "float-shots", "shots=10.5", lambda c: c.run(BELL, shots=10.5), InvalidArgumentError, excerpt="positive integer"
    ),
    Row(
        "empty-programs",
        "an empty list of programs",
        lambda c: run_in(c.aer, [], shots=10),
        InvalidArgumentError,
        excerpt="empty",
    ),
    Row(
        "nan-parameter",
        "`rx(nan)` in QASM",
        lambda c: c.run(H + "qreg q[1]; creg c[1]; rx(nan) q[0]; measure q -> c;"),
        JobFailedError,
        excerpt="cannot parse",
    ),
    Row(
        "bad-duration",
        "max_duration='forever'",
        lambda c: Session.open(c.client, "EMU-AER-16C-128M", max_duration="forever"),
        InvalidArgumentError,
        excerpt="forever",
    ),
    Row(
        "maintenance-platform",
        "open a session on a platform whose record says `maintenance`",
        lambda c: Session.open(c.client, _in_maintenance(c, "EMU-AER-16C-128M")),
        PlatformUnavailableError,
        excerpt="is in maintenance",
    ),
    Row(
        "negative-duration",
        "max_idle_duration=-5",
        lambda c: Session.open(c.client, "EMU-AER-16C-128M", max_idle_duration=-5),
        InvalidArgumentError,
    ),
    # --- sessions and jobs in the wrong state ---
    Row(
        "terminated-session",
        "run on a session the user terminated",
        _terminated,
        SessionClosedError,
        excerpt="accepts no more jobs",
    ),
    Row(
        "expired-session",
        "run on a session past its max_duration (1 s)",
        lambda c: _expired(c, max_duration="1s"),
        SessionClosedError,
        excerpt="no more jobs",
    ),
    Row(
        "idle-session",
        "run on a session idle past its max_idle_duration (1 s)",
        lambda c: _expired(c, max_idle_duration="1s"),
        SessionClosedError,
        excerpt="no more jobs",
    ),
    Row("cancelled-job", "result() of a cancelled job", _cancelled, JobCancelledError, excerpt="cancelled"),
    # --- results ---
    Row("corrupt-result", "a result payload that is not JSON", _corrupt, PayloadError),
    Row("truncated-result", "a result download cut in half", _truncated, PayloadError),
    Row("result-not-object", "a result payload that is a JSON array", _garbage_result, PayloadError),
    # --- ids ---
    Row(
        "unknown-job",
        "get_job of an id that does not exist",
        lambda c: c.client.get_job(UUID0),
        NotFoundError,
        excerpt="not found",
    ),
    Row(
        "unknown-session",
        "Session.attach to an unknown id",
        lambda c: Session.attach(c.client, UUID0),
        NotFoundError,
        excerpt="not found",
    ),
    Row(
        "unknown-platform",
        "find_platform('EMU-AER-16C-128')",
        lambda c: c.client.find_platform("EMU-AER-16C-128"),
        NotFoundError,
        excerpt="did you mean",
    ),
    Row(
        "bad-uuid",
        "get_job('not-a-uuid')",
        lambda c: c.client.get_job("not-a-uuid"),
        InvalidArgumentError,
        excerpt="not a valid UUID",
    ),
    Row(
        "id-with-slash", "get_job('a/../b')", lambda c: c.client.get_job("a/../b"), NotFoundError, excerpt="invalid id"
    ),
    Row(
        "wrong-secret",
        "a secret key the service does not know",
        lambda c: QaaSClient(secret_key="nope-0000000000", project_id=PROJECT, url=c.url).list_platforms(),
        AuthenticationError,
        excerpt="authentication is denied",
    ),
    Row(
        "other-project",
        "a valid key naming another project",
        lambda c: QaaSClient(secret_key=SECRET, project_id=OTHER_PROJECT, url=c.url).create_session(c.aer.platform.id),
        PermissionDeniedError,
        excerpt="insufficient permissions",
    ),
    # --- raw HTTP (server side) ---
    Row(
        "no-token",
        "any call without X-Auth-Token",
        lambda c: c.raw("GET", "/platforms", token=None),
        status=401,
        error_type="denied_authentication",
    ),
    Row(
        "malformed-json",
        "POST /sessions with a body that is not JSON",
        lambda c: c.raw("POST", "/sessions", content=b"{not json"),
        status=400,
        error_type="invalid_arguments",
        excerpt="malformed JSON",
    ),
    Row(
        "json-array-body",
        "POST /sessions with a JSON array body",
        lambda c: c.raw("POST", "/sessions", json=[1]),
        status=400,
        error_type="invalid_arguments",
        excerpt="JSON object",
    ),
    Row(
        "missing-platform-id",
        "POST /sessions without platform_id",
        lambda c: c.raw("POST", "/sessions", json={}),
        status=400,
        error_type="invalid_arguments",
        excerpt="platform_id",
    ),
    Row(
        "non-string-payload",
        "POST /models with payload=123",
        lambda c: c.raw("POST", "/models", json={"payload": 123}),
        status=400,
        error_type="invalid_arguments",
        excerpt="payload",
    ),
    Row(
        "payload-not-a-model",
        "POST /models with payload='{\"x\": 1}'",
        lambda c: c.raw("POST", "/models", json={"payload": '{"x": 1}'}),
        status=400,
        error_type="invalid_arguments",
        excerpt="payload",
    ),
    Row(
        "job-missing-session",
        "POST /jobs without session_id",
        lambda c: c.raw("POST", "/jobs", json={}),
        status=400,
        error_type="invalid_arguments",
        excerpt="session_id",
    ),
    Row(
        "job-zero-shots-raw",
        "POST /jobs with parameters shots=0",
        lambda c: c.raw(
            "POST", "/jobs", json={"session_id": c.aer.id, "model_id": _model(c), "parameters": '{"shots": 0}'}
        ),
        status=400,
        error_type="invalid_arguments",
        excerpt="shots",
    ),
    Row(
        "bad-uuid-path",
        "GET /sessions/xyz",
        lambda c: c.raw("GET", "/sessions/xyz"),
        status=400,
        error_type="invalid_arguments",
        excerpt="not a valid UUID",
    ),
    Row(
        "unknown-route",
        "GET /nothing-here",
        lambda c: c.raw("GET", "/nothing-here"),
        status=404,
        error_type="not_found",
    ),
    Row(
        "bad-page",
        "GET /jobs?page=0",
        lambda c: c.raw("GET", "/jobs", params={"page": 0}),
        status=400,
        error_type="invalid_arguments",
        excerpt="page",
    ),
    Row(
        "bad-order-by",
        "GET /sessions?order_by=sideways",
        lambda c: c.raw("GET", "/sessions", params={"order_by": "sideways"}),
        status=400,
        error_type="invalid_arguments",
        excerpt="order_by",
    ),
    Row(
        "bad-duration-raw",
        "POST /sessions with max_duration='forever'",
        lambda c: c.raw("POST", "/sessions", json={"platform_id": c.aer.platform.id, "max_duration": "forever"}),
        status=400,
        error_type="invalid_arguments",
        excerpt="max_duration",
    ),
    Row("wrong-method", "PUT /platforms", lambda c: c.raw("PUT", "/platforms"), status=405),
    Row(
        "huge-page",
        "GET /jobs?page=881231406726696448 (a 500 before issue 17)",
        lambda c: c.raw("GET", "/jobs", params={"page": 881231406726696448, "order_by": "created_at_desc"}),
        status=400,
        error_type="invalid_arguments",
        excerpt="from 1 to 2147483647",
    ),
    Row(
        "page-size-above-100",
        "GET /sessions?page_size=1000",
        lambda c: c.raw("GET", "/sessions", params={"page_size": 1000}),
        status=400,
        error_type="invalid_arguments",
        excerpt="from 1 to 100",
    ),
    Row(
        "nan-shots-raw",
        "POST /jobs with parameters shots=NaN",
        lambda c: c.raw(
            "POST", "/jobs", json={"session_id": c.aer.id, "model_id": _model(c), "parameters": '{"shots": NaN}'}
        ),
        status=400,
        error_type="invalid_arguments",
        excerpt="NaN",
    ),
    Row(
        "bare-number-duration-raw",
        "POST /sessions with max_duration=60 (a number, not a duration string)",
        lambda c: c.raw("POST", "/sessions", json={"platform_id": c.aer.platform.id, "max_duration": 60}),
        status=400,
        error_type="invalid_arguments",
        excerpt="3540s",
    ),
    Row(
        "stopped-session-raw",
        "POST /jobs on a session the user terminated",
        _stopped_raw,
        status=412,
        error_type="precondition_failed",
        excerpt="accepts no more jobs",
    ),
]


def _model(c: Ctx) -> str:
    from scaleway_qaas.core.wire import ComputationModel

    return c.client.create_model(ComputationModel((qasm(BELL),))).id


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_bad_input(ctx, row: Row):
    if row.error is not None:
        with pytest.raises(row.error) as info:
            row.action(ctx)
        assert row.excerpt.lower() in str(info.value).lower(), str(info.value)
        assert SECRET not in str(info.value)
    else:
        response = row.action(ctx)
        assert response.status_code == row.status, response.text
        body = response.json()
        assert response.headers["x-request-id"], response.headers
        if row.error_type:
            assert body["type"] == row.error_type, body
        if body["type"] == "invalid_arguments":  # the gateway's fixed message; the specifics are in details
            assert body["message"] == "invalid argument(s)", body
            assert row.excerpt.lower() in json.dumps(body["details"]).lower(), body
        else:
            assert row.excerpt.lower() in json.dumps(body).lower(), body


def test_catalogue_is_documented():
    from .conftest import REPO

    doc = (REPO / "docs" / "bad-input.md").read_text()
    missing = [r.id for r in ROWS if f"`{r.id}`" not in doc]
    assert not missing and len(ROWS) >= 30, missing
