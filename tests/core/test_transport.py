"""Retry and error paths of the client, on mock transports (the integration tests use the real emulator)."""

from __future__ import annotations

import logging

import httpx
import pytest

from scaleway_qaas.core.client import QaaSClient
from scaleway_qaas.core.config import Config
from scaleway_qaas.core.errors import error_from_response
from scaleway_qaas.core.requests import RetryPolicy
from scaleway_qaas.core.wire import ComputationParameters
from scaleway_qaas.errors import (
    AuthenticationError,
    ConnectionFailedError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionFailedError,
    QaaSError,
    RateLimitedError,
    ServerError,
)

SECRET = "SCWSECRETKEY-never-to-be-seen-0001"
CONFIG = Config(SECRET, "project-1", "http://qaas.test")
FAST = RetryPolicy(max_attempts=4, initial_delay=0.001, max_delay=0.002)
JOB = {"id": "job-1", "session_id": "s-1", "name": "n", "status": "waiting"}


def client_for(handler) -> QaaSClient:
    return QaaSClient(CONFIG, retry=FAST, transport=httpx.MockTransport(handler))


def test_429_and_503_are_retried_honouring_retry_after():
    answers = [
        httpx.Response(429, headers={"Retry-After": "0"}, json={"type": "too_many_requests"}),
        httpx.Response(503, json={"message": "busy"}),
        httpx.Response(200, json=JOB),
    ]
    seen = []

    def handler(request):
        seen.append(request)
        return answers[len(seen) - 1]

    assert client_for(handler).get_job("job-1").id == "job-1"
    assert len(seen) == 3
    assert seen[0].headers["X-Auth-Token"] == SECRET
    assert seen[0].headers["User-Agent"].startswith("scaleway-qaas/")


def test_rate_limit_that_never_ends_is_typed():
    with pytest.raises(RateLimitedError):
        client_for(lambda r: httpx.Response(429, headers={"Retry-After": "0"}, json={})).get_job("x")


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (
            400,
            {
                "type": "invalid_arguments",
                "message": "invalid argument(s)",
                "details": [{"argument_name": "shots", "reason": "constraint", "help_message": "must be > 0"}],
            },
            InvalidArgumentError,
        ),
        (
            401,
            {
                "type": "denied_authentication",
                "message": "invalid token",
                "method": "api_key",
                "reason": "invalid_argument",
            },
            AuthenticationError,
        ),
        (
            403,
            {
                "type": "permissions_denied",
                "message": "insufficient permissions",
                "details": [{"resource": "qaas_job", "action": "read"}],
            },
            PermissionDeniedError,
        ),
        (
            404,
            {"type": "not_found", "message": "resource is not found", "resource": "job", "resource_id": "j-1"},
            NotFoundError,
        ),
        (
            409,
            {
                "type": "transient_state",
                "message": "resource is in a transient state",
                "resource": "session",
                "resource_id": "s-1",
                "current_state": "stopping",
            },
            PreconditionFailedError,
        ),
        (
            412,
            {
                "type": "precondition_failed",
                "message": "precondition failed",
                "precondition": "unknown_precondition",
                "help_message": "session s-1 is stopped",
            },
            PreconditionFailedError,
        ),
        (500, {"message": "boom"}, ServerError),
        (418, "not json at all", QaaSError),
    ],
)
def test_error_bodies_become_typed_errors_keeping_the_message(status, body, error):
    def handler(request):
        if isinstance(body, dict):
            return httpx.Response(status, json=body, headers={"X-Request-Id": "req-42"})
        return httpx.Response(status, text=body, headers={"X-Request-Id": "req-42"})

    with pytest.raises(error) as info:
        client_for(handler).get_job("job-1")
    assert info.value.status_code == status
    assert info.value.request_id == "req-42"
    if isinstance(body, dict):
        assert body["message"] in str(info.value)


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        (
            {
                "type": "invalid_arguments",
                "message": "invalid argument(s)",
                "details": [
                    {"argument_name": "max_duration", "reason": "constraint", "help_message": "must be a duration"}
                ],
            },
            "max_duration: must be a duration",
        ),
        (
            {"type": "not_found", "message": "resource is not found", "resource": "platform", "resource_id": "p-9"},
            "platform p-9",
        ),
        (
            {
                "type": "precondition_failed",
                "message": "precondition failed",
                "precondition": "resource_still_in_use",
                "help_message": "the session still has running jobs",
            },
            "the session still has running jobs",
        ),
        (
            {
                "type": "transient_state",
                "message": "resource is in a transient state",
                "resource": "session",
                "resource_id": "s-1",
                "current_state": "stopping",
            },
            "current state stopping",
        ),
        (
            {
                "type": "permissions_denied",
                "message": "insufficient permissions",
                "details": [{"resource": "qaas_session", "action": "write"}],
            },
            "write on qaas_session denied",
        ),
    ],
)
def test_error_text_shows_the_gateway_details(body, shown):
    """The gateway's generic message alone ("invalid argument(s)") helps no one: str() shows its details."""
    error = error_from_response(400, body, "req-1")
    assert shown in str(error)
    assert SECRET not in str(error)


def test_unreachable_url_names_the_url():
    def handler(request):
        raise httpx.ConnectError("connection refused")

    with pytest.raises(ConnectionFailedError, match=r"http://qaas\.test"):
        client_for(handler).list_platforms()


def test_lost_answer_to_job_creation_does_not_create_a_second_job():
    created: list[dict] = []

    def handler(request):
        if request.method == "POST" and request.url.path.endswith("/jobs"):
            created.append({**JOB, "id": f"job-{len(created) + 1}", "name": request.read().decode()})
            raise httpx.ReadError("connection dropped after the server acted")
        if request.method == "GET" and request.url.path.endswith("/jobs"):
            jobs = [{**JOB, "id": j["id"], "name": "unique-name"} for j in created]
            return httpx.Response(200, json={"total_count": len(jobs), "jobs": jobs})
        raise AssertionError(request)

    job = client_for(handler).create_job("s-1", "m-1", ComputationParameters(10), name="unique-name")
    assert job.id == "job-1"
    assert len(created) == 1


def test_lost_answer_without_trace_is_sent_again():
    posts = []

    def handler(request):
        if request.method == "POST":
            posts.append(request)
            if len(posts) == 1:
                raise httpx.ReadError("dropped before the server acted")
            return httpx.Response(200, json=JOB)
        return httpx.Response(200, json={"total_count": 0, "jobs": []})

    assert client_for(handler).create_job("s-1", "m-1", "{}", name="n").id == "job-1"
    assert len(posts) == 2


def test_lists_follow_every_page():
    platforms = [{"id": f"p{i}", "name": f"P{i}"} for i in range(250)]

    def handler(request):
        page, size = int(request.url.params["page"]), int(request.url.params["page_size"])
        chunk = platforms[(page - 1) * size : page * size]
        return httpx.Response(200, json={"total_count": len(platforms), "platforms": chunk})

    assert [p.id for p in client_for(handler).list_platforms()] == [p["id"] for p in platforms]


def test_unknown_platform_lists_close_names():
    names = [{"id": "1", "name": "EMU-AER-16C-128M"}, {"id": "2", "name": "EMU-QSIM-16C-128M"}]

    def handler(request):
        wanted = request.url.params.get("name")
        found = [p for p in names if wanted in (None, p["name"])]
        return httpx.Response(200, json={"total_count": len(found), "platforms": found})

    with pytest.raises(NotFoundError, match="EMU-AER-16C-128M"):
        client_for(handler).find_platform("EMU-AER-16C")


def test_unknown_fields_and_enum_values_are_tolerated():
    body = {**JOB, "status": "teleporting", "brand_new_field": {"x": 1}, "progress_message": None}
    job = client_for(lambda r: httpx.Response(200, json=body)).get_job("job-1")
    assert job.status.value == "unknown_status" and job.progress_message is None


def test_secret_is_absent_from_errors_and_debug_logs(caplog):
    caplog.set_level(logging.DEBUG)
    client = client_for(lambda r: httpx.Response(401, json={"type": "denied_authentication", "message": "no"}))
    with pytest.raises(AuthenticationError) as info:
        client.get_job("job-1")
    assert SECRET not in str(info.value) and SECRET not in repr(info.value)
    assert SECRET not in repr(client)
    assert caplog.records and all(SECRET not in r.getMessage() for r in caplog.records)


def test_a_client_of_a_plain_http_url_loads_no_certificate_and_verifies_any_tls_it_meets():
    import ssl

    from scaleway_qaas.core.requests import tls_context, tls_context_for

    plain = tls_context_for("http://127.0.0.1:8080")  # the local emulator: no CA bundle to load
    assert plain.cert_store_stats()["x509_ca"] == 0
    assert plain.verify_mode == ssl.CERT_REQUIRED and plain.check_hostname  # trusting nothing, it fails closed
    secure = tls_context_for("HTTPS://api.scaleway.com")
    assert secure is tls_context() and secure.cert_store_stats()["x509_ca"] > 0


def test_importing_the_package_leaves_httpx_as_httpx_made_it():
    """No trick in the user's process: httpx's command-line client stays importable after our import."""
    import subprocess
    import sys

    code = (
        "import sys, scaleway_qaas, scaleway_qaas.core.client, httpx, httpx._main;"
        "print(sys.modules['httpx._main'] is not None, httpx.main is httpx._main.main)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True True"
