"""Answers the real service may give that our emulator does not (issue 21, section 2).

Each test shapes one plausible answer (mock transports or plain documents) and checks that the
client reads it right; none depends on the emulator's choices.
"""

from __future__ import annotations

import httpx
import pytest

from scaleway_qaas import errors
from scaleway_qaas.core.client import QaaSClient
from scaleway_qaas.core.codecs import qiskit as qiskit_codec
from scaleway_qaas.core.config import Config
from scaleway_qaas.core.errors import error_from_response
from scaleway_qaas.core.requests import RetryPolicy

FAST = RetryPolicy(max_attempts=3, initial_delay=0.001, max_delay=0.002)


def client_for(handler) -> QaaSClient:
    return QaaSClient(
        Config("SCWSECRETKEY-service-answers-0001", "project-1", "http://127.0.0.1:9"),
        retry=FAST,
        transport=httpx.MockTransport(handler),
    )


def qiskit_document(header: dict, counts: dict[str, int]) -> dict:
    return {"results": [{"success": True, "shots": sum(counts.values()), "header": header, "data": {"counts": counts}}]}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ({"n_qubits": 3}, {"110": 5, "000": 3}),  # what qio's dict_to_qiskit and CUDA-Q's helper read
        ({"memory_slots": 3, "n_qubits": 5}, {"110": 5, "000": 3}),  # memory_slots wins
        ({"creg_sizes": [["c", 3]], "n_qubits": 5}, {"110": 5, "000": 3}),
        ({}, {"11": 5, "00": 3}),  # no width at all: the widest key
    ],
)
def test_hex_counts_take_their_width_from_n_qubits_when_nothing_else_gives_it(header, expected):
    [exp] = qiskit_codec.decode(qiskit_document(header, {"0x3": 5, "0x0": 3}))
    assert exp.counts == expected


@pytest.mark.parametrize("total", ["total_count", "x-total-count", None])
def test_a_server_capping_the_page_size_still_lists_everything(total: str | None) -> None:
    """The gateway may serve fewer items per page than asked (its maximum is unknown): page on the total."""
    platforms = [{"id": f"p{i}", "name": f"P{i}"} for i in range(120)]
    cap = 25
    pages: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page, size = int(request.url.params["page"]), min(int(request.url.params["page_size"]), cap)
        pages.append(page)
        body: dict = {"platforms": platforms[(page - 1) * size : page * size]}
        headers = {}
        if total == "total_count":
            body["total_count"] = len(platforms)
        elif total == "x-total-count":
            headers["X-Total-Count"] = str(len(platforms))
        return httpx.Response(200, json=body, headers=headers)

    listed = client_for(handler).list_platforms()
    if total is None:  # nothing says there is more: a short page ends the list
        assert len(listed) == cap and pages == [1]
    else:
        assert [p.id for p in listed] == [p["id"] for p in platforms]
        assert pages == [1, 2, 3, 4, 5]


def test_a_total_count_that_overstates_ends_on_an_empty_page() -> None:
    """A total larger than what the pages hold (items deleted meanwhile) ends on the first empty page."""
    pages: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        pages.append(page)
        chunk = [{"id": f"p{page}", "name": f"P{page}"}] if page <= 2 else []
        return httpx.Response(200, json={"platforms": chunk, "total_count": 10})

    assert len(client_for(handler).list_platforms()) == 2
    assert pages == [1, 2, 3]


# --- error bodies of every type the Go SDK knows (scaleway-sdk-go scw/errors.go) -------------------
# bodies exactly as scw/errors_test.go and internal/e2e/errors_test.go show them; the QaaS API's status
# for each is unknown, so the type decides (the status only when the type is unknown)

GO_SDK_ERRORS = [
    (  # internal/e2e/errors_test.go "quotas exceeded"
        403,
        {
            "details": [{"current": 10, "quota": 10, "resource": "human"}],
            "message": "quota(s) exceeded for this resource",
            "type": "quotas_exceeded",
        },
        errors.QuotaExceededError,
        "quota of human: 10 of 10 in use",
    ),
    (  # internal/e2e/errors_test.go "out of stock"
        409,
        {"message": "resource is out of stock", "resource": "ShoeSize60", "type": "out_of_stock"},
        errors.OutOfStockError,
        "resource is out of stock: ShoeSize60",
    ),
    (  # scw/errors_test.go: invalid_request_error with fields
        400,
        {
            "fields": {"volumes.5.id": ["92 is not a valid UUID."], "volumes.5.name": ["required key not provided"]},
            "message": "Validation Error",
            "type": "invalid_request_error",
        },
        errors.InvalidArgumentError,
        "Validation Error: volumes.5.id: 92 is not a valid UUID.; volumes.5.name: required key not provided",
    ),
    (  # scw/errors_test.go: invalid_request_error without fields
        400,
        {"message": "server should be running", "type": "invalid_request_error"},
        errors.InvalidArgumentError,
        "server should be running (HTTP 400, invalid_request_error)",
    ),
    (  # scw/errors_test.go: a quota said as invalid_request_error (the Go SDK reads it as quotas exceeded)
        403,
        {
            "type": "invalid_request_error",
            "message": "Quota exceeded for this resource.",
            "resource": "compute_snapshots_type_b_ssd_available",
        },
        errors.QuotaExceededError,
        "Quota exceeded for this resource.: compute_snapshots_type_b_ssd_available",
    ),
    (  # scw/errors_test.go: unknown_resource
        404,
        {"type": "unknown_resource", "message": 'Security group "11111111-1111-4111-8111-111111111111" not found'},
        errors.NotFoundError,
        '"11111111-1111-4111-8111-111111111111" not found (HTTP 404, unknown_resource)',
    ),
    (  # scw/errors.go ResourceLockedError {resource, resource_id}
        403,
        {"message": "resource is locked", "resource": "session", "resource_id": "s-1", "type": "locked"},
        errors.ResourceLockedError,
        "resource is locked: session s-1",
    ),
    (  # scw/errors.go ResourceExpiredError {resource, resource_id, expired_since}
        410,
        {
            "message": "resource is expired",
            "resource": "session",
            "resource_id": "s-1",
            "expired_since": "2026-01-02T03:04:05Z",
            "type": "resource_expired",
        },
        errors.ResourceExpiredError,
        "resource is expired: session s-1; expired since 2026-01-02T03:04:05Z",
    ),
    (  # internal/e2e/errors_test.go "transient state"
        409,
        {
            "current_state": "running",
            "message": "resource is in a transient state",
            "resource": "human",
            "resource_id": "b3ba839a-dcf2-4b0a-ac81-fc32370052a0",
            "type": "transient_state",
        },
        errors.PreconditionFailedError,
        "human b3ba839a-dcf2-4b0a-ac81-fc32370052a0; current state running",
    ),
    (  # scw/errors.go PermissionsDeniedError details {resource, action}
        403,
        {
            "details": [{"resource": "qaas_session", "action": "write"}],
            "message": "insufficient permissions",
            "type": "permissions_denied",
        },
        errors.PermissionDeniedError,
        "insufficient permissions: write on qaas_session denied",
    ),
]


@pytest.mark.parametrize(
    ("status", "body", "cls", "shown"), GO_SDK_ERRORS, ids=[b["type"] for _, b, _, _ in GO_SDK_ERRORS]
)
def test_every_error_type_of_the_go_sdk_is_typed_and_explained(status, body, cls, shown) -> None:
    error = error_from_response(status, body, "req-1")
    assert type(error) is cls
    assert shown in str(error) and "req-1" in str(error)
    assert "denied" not in str(error) or cls is errors.PermissionDeniedError


@pytest.mark.parametrize("status", [400, 403, 404, 409, 412])
def test_the_type_decides_whatever_the_status(status: int) -> None:
    for _, body, cls, _ in GO_SDK_ERRORS:
        if body["type"] != "invalid_request_error" or "fields" in body:
            assert type(error_from_response(status, body)) is cls, body


def test_a_quota_error_reaching_the_client_reads_as_a_quota_problem() -> None:
    body = GO_SDK_ERRORS[0][1]
    client = client_for(lambda request: httpx.Response(403, json=body, headers={"X-Request-Id": "r-9"}))
    with pytest.raises(errors.QuotaExceededError) as caught:
        client.create_session("p-1")
    assert "quota of human: 10 of 10 in use" in str(caught.value) and "denied" not in str(caught.value)


class PageCap(httpx.AsyncBaseTransport):
    """A gateway serving at most ``cap`` items per page whatever ``page_size`` asks (real HTTP behind it)."""

    def __init__(self, cap: int) -> None:
        self.cap, self.inner = cap, httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if "page_size" in request.url.params:
            capped = min(int(request.url.params["page_size"]), self.cap)
            request.url = request.url.copy_set_param("page_size", str(capped))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_backends_lists_every_platform_of_a_server_capping_pages(emulator_url: str) -> None:
    from scaleway_qaas.adapters.qiskit import ScalewayProvider
    from scaleway_qaas.emulator.platforms import CATALOGUE

    config = Config("SCWSECRETKEY-service-answers-0001", "project-1", emulator_url)
    with QaaSClient(config, transport=PageCap(7)) as client:
        assert len(CATALOGUE) > 7
        assert {b.name for b in ScalewayProvider(client=client).backends()} == {p.name for p in CATALOGUE}


def test_status_polling_pages_on_the_total_of_a_server_capping_pages() -> None:
    """The jobs of one session are read by listing it; capped pages are followed, not each job read alone."""
    from scaleway_qaas.core.finals import JobPart
    from scaleway_qaas.core.job import Job
    from scaleway_qaas.core.polling import PollPolicy

    jobs = [{"id": f"j-{i}", "session_id": "s-1", "status": "completed"} for i in range(12)]
    singles: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/qaas/v1alpha1")
        if path == "/jobs":
            page, size = int(request.url.params["page"]), min(int(request.url.params["page_size"]), 5)
            return httpx.Response(200, json={"jobs": jobs[(page - 1) * size : page * size], "total_count": len(jobs)})
        if path.startswith("/jobs/"):
            singles.append(path)
            return httpx.Response(200, json=next(j for j in jobs if j["id"] == path.rsplit("/", 1)[1]))
        return httpx.Response(200, json={"id": "s-1", "platform_id": "p-1", "status": "running"})

    client = client_for(handler)
    job = Job(client, [JobPart(j["id"], "s-1", (i,)) for i, j in enumerate(jobs)], PollPolicy(show_progress=False))
    assert job.wait(timeout=10).value == "completed"
    assert singles == []
