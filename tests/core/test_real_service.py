"""The client against the real service's known answers and every plausible variant of its unknown ones.

Mock transports only: each test shapes one answer the real gateway gives (or may give),
so none depends on the emulator's choices (see ../shared/REAL-SERVICE.md).
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from scaleway_qaas.core.client import QaaSClient
from scaleway_qaas.core.codecs import decode as decode_result
from scaleway_qaas.core.config import Config
from scaleway_qaas.core.managed import terminate_implicit_sessions
from scaleway_qaas.core.platform import describe
from scaleway_qaas.core.records import PlatformInfo
from scaleway_qaas.core.requests import RetryPolicy
from scaleway_qaas.core.session import SessionSpec
from scaleway_qaas.core.submit import run
from scaleway_qaas.core.wire import Program, ProgramFormat
from scaleway_qaas.errors import InvalidArgumentError, ServerError, SessionClosedError

SECRET = "SCWSECRETKEY-real-service-tests-0001"
FAST = RetryPolicy(max_attempts=3, initial_delay=0.001, max_delay=0.002)
PLATFORM = PlatformInfo(
    id="p-1",
    name="EMU-AER-16C-128M",
    backend_name="aer",
    max_qubit_count=32,
    max_shot_count=100000,
    max_circuit_count=1000,
)
BELL = Program.from_text(
    'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n',
    ProgramFormat.QASM_V2,
)


def client_for(handler, url: str = "http://127.0.0.1:9") -> QaaSClient:
    return QaaSClient(Config(SECRET, "project-1", url), retry=FAST, transport=httpx.MockTransport(handler))


class FakeService:
    """Sessions and jobs; ``refusal`` is what a job posted to a stopped session gets (unknown for real)."""

    def __init__(self, refusal: httpx.Response, session_state: str = "stopped") -> None:
        self.refusal = refusal
        self.session_state = session_state
        self.sessions: dict[str, str] = {}
        self.posts: list[dict] = []
        self.models: list[dict] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/qaas/v1alpha1")
        if request.method == "POST" and path == "/sessions":
            sid = f"s-{len(self.sessions) + 1}"
            self.sessions[sid] = "starting"
            return httpx.Response(200, json={"id": sid, "platform_id": "p-1", "status": "starting"})
        if request.method == "GET" and path.startswith("/sessions/"):
            sid = path.rsplit("/", 1)[1]
            if self.sessions.get(sid) == "deleted":
                return httpx.Response(
                    404,
                    json={
                        "type": "not_found",
                        "message": "resource is not found",
                        "resource": "session",
                        "resource_id": sid,
                    },
                )
            return httpx.Response(200, json={"id": sid, "platform_id": "p-1", "status": self.sessions[sid]})
        if request.method == "POST" and path == "/models":
            self.models.append(json.loads(request.content))
            return httpx.Response(200, json={"id": f"m-{len(self.models)}"})
        if request.method == "POST" and path == "/jobs":
            body = json.loads(request.content)
            self.posts.append(body)
            if self.sessions[body["session_id"]] not in ("starting", "running"):
                return self.refusal
            return httpx.Response(
                200, json={"id": f"j-{len(self.posts)}", "session_id": body["session_id"], "status": "waiting"}
            )
        if request.method == "POST" and path.endswith("/terminate"):
            sid = path.split("/")[2]
            self.sessions[sid] = "stopping"
            return httpx.Response(200, json={"id": sid, "platform_id": "p-1", "status": "stopping"})
        raise AssertionError(f"unexpected {request.method} {path}")


REFUSALS = {
    "412 precondition_failed": httpx.Response(
        412,
        json={
            "type": "precondition_failed",
            "message": "precondition failed",
            "precondition": "unknown_precondition",
            "help_message": "session is stopped",
        },
    ),
    "409 transient_state": httpx.Response(
        409,
        json={
            "type": "transient_state",
            "message": "resource is in a transient state",
            "resource": "session",
            "resource_id": "s-1",
            "current_state": "stopped",
        },
    ),
    "400 invalid_arguments": httpx.Response(
        400,
        json={
            "type": "invalid_arguments",
            "message": "invalid argument(s)",
            "details": [{"argument_name": "session_id", "reason": "constraint", "help_message": "session is stopped"}],
        },
    ),
    "404 not_found": httpx.Response(
        404, json={"type": "not_found", "message": "resource is not found", "resource": "session", "resource_id": "s-1"}
    ),
    "403 permissions_denied": httpx.Response(403, json={"type": "permissions_denied", "message": "denied"}),
}


@pytest.mark.parametrize("refusal", list(REFUSALS))
@pytest.mark.parametrize("state", ["stopped", "stopping", "deleted"])
def test_a_closed_implicit_session_is_reopened_once_whatever_the_refusal(refusal, state):
    """The real answer to a job posted to a stopped session is unknown: any 4xx makes the client read the
    session; a closed (or deleted) one is replaced and the job resubmitted, exactly once."""
    fake = FakeService(REFUSALS[refusal])
    client = client_for(fake)
    platform = describe(PLATFORM)
    spec = SessionSpec(max_idle_duration="5min", name=f"reopen-{refusal}-{state}")
    first = run(client, platform, [BELL], shots=10, session=spec)
    assert first.parts[0].session_id == "s-1"
    fake.sessions["s-1"] = state  # idle too long, terminated elsewhere, or deleted
    second = run(client, platform, [BELL], shots=10, session=spec)
    assert second.parts[0].session_id == "s-2"
    assert [p["session_id"] for p in fake.posts] == ["s-1", "s-1", "s-2"]
    third = run(client, platform, [BELL], shots=10, session=spec)
    assert third.parts[0].session_id == "s-2"  # the dead session is not kept
    terminate_implicit_sessions("http://127.0.0.1:9")


def test_a_refusal_on_an_open_session_is_raised_not_retried():
    refusal = httpx.Response(
        400,
        json={
            "type": "invalid_arguments",
            "message": "invalid argument(s)",
            "details": [
                {"argument_name": "parameters", "reason": "constraint", "help_message": "shots must be <= 1000"}
            ],
        },
    )
    fake = FakeService(refusal)
    posts = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/jobs"):
            posts.append(request)
            return refusal
        return fake(request)

    with pytest.raises(InvalidArgumentError, match="parameters: shots must be <= 1000"):
        run(client_for(handler), describe(PLATFORM), [BELL], shots=10, session=SessionSpec(name="refused-open"))
    assert len(posts) == 1  # nothing resubmitted: the session was fine
    terminate_implicit_sessions("http://127.0.0.1:9")


def test_an_attached_session_found_closed_raises_a_clear_error():
    fake = FakeService(REFUSALS["412 precondition_failed"])
    fake.sessions["s-user"] = "stopped"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/platforms/p-1"):
            return httpx.Response(200, json={"id": "p-1", "name": "EMU-AER-16C-128M", "backend_name": "aer"})
        return fake(request)

    with pytest.raises(SessionClosedError, match="session s-user is stopped"):
        run(client_for(handler), describe(PLATFORM), [BELL], shots=10, session=SessionSpec(session_id="s-user"))


def test_job_creation_sends_what_the_official_sdk_sends():
    fake = FakeService(REFUSALS["412 precondition_failed"])
    spec = SessionSpec(name="sdk-shape")
    run(client_for(fake), describe(PLATFORM), [BELL], shots=10, session=spec, options={"method": "statevector"})
    job = fake.posts[-1]
    assert job["circuit"] == {"qiskit_circuit": None} and json.loads(job["parameters"])["shots"] == 10
    model = json.loads(fake.models[-1]["payload"])
    assert model["backend"]["name"] == "EMU-AER-16C-128M"  # the platform name, as the official plugins send
    assert model["backend"]["options"] == {"method": "statevector"}  # Aer reads run options in the model too
    terminate_implicit_sessions("http://127.0.0.1:9")


def test_session_durations_are_sent_as_decimal_seconds():
    bodies = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(200, json={"id": "s-1", "platform_id": "p-1", "status": "starting"})

    client_for(handler).create_session("p-1", max_duration="1h30m", max_idle_duration=2.5)
    assert bodies[0]["max_duration"] == "5400s" and bodies[0]["max_idle_duration"] == "2.5s"


def test_a_lost_session_creation_is_looked_up_by_name_not_repeated():
    created = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            body = json.loads(request.content)
            created.append(
                {"id": f"s-{len(created) + 1}", "platform_id": "p-1", "name": body["name"], "status": "starting"}
            )
            raise httpx.ReadError("connection dropped after the server acted")
        return httpx.Response(200, json={"total_count": len(created), "sessions": created})

    session = client_for(handler).create_session("p-1")
    assert session.id == "s-1" and len(created) == 1 and session.name.startswith("scaleway-qaas-")


@pytest.mark.parametrize("variant", ["total_count", "x-total-count", "short page only"])
def test_paging_stops_on_total_count_header_or_short_page(variant):
    platforms = [{"id": f"p{i}", "name": f"P{i}"} for i in range(150)]
    pages = []

    def handler(request: httpx.Request) -> httpx.Response:
        page, size = int(request.url.params["page"]), int(request.url.params["page_size"])
        pages.append(page)
        chunk = platforms[(page - 1) * size : page * size]
        body: dict = {"platforms": chunk}
        headers = {}
        if variant == "total_count":
            body["total_count"] = len(platforms)
        elif variant == "x-total-count":
            headers["X-Total-Count"] = str(len(platforms))
        return httpx.Response(200, json=body, headers=headers)

    assert len(client_for(handler).list_platforms()) == 150
    assert pages == [1, 2]  # never a third, empty page asked for


def test_a_success_answer_that_is_not_json_is_an_error():
    client = client_for(lambda r: httpx.Response(200, text="<html>gateway</html>"))
    with pytest.raises(ServerError, match="not JSON"):
        client.get_job("j-1")


def test_result_downloads_never_carry_the_key_and_use_the_configured_timeouts():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "storage.test":
            seen.append(request)
            return httpx.Response(
                200,
                text=json.dumps(
                    {
                        "serialization_format": 3,
                        "compression_format": 1,
                        "serialization": "[10,95,95,103,108,111,98,97,108,95,95,1,3,2,7]",
                    }
                ),
            )
        return httpx.Response(
            200,
            json={
                "total_count": 1,
                "job_results": [{"job_id": "j-1", "result": "", "url": "http://storage.test/r?X-Amz-Signature=abc"}],
            },
        )

    from scaleway_qaas.core.requests import Timeouts

    client = QaaSClient(
        Config(SECRET, "project-1", "http://127.0.0.1:9"),
        retry=FAST,
        timeouts=Timeouts(connect=1.5, read=7.0),
        transport=httpx.MockTransport(handler),
    )
    [result] = client.fetch_job_results("j-1")
    assert decode_result(result)[0].counts == {"11": 7}
    assert "X-Auth-Token" not in seen[0].headers and SECRET not in str(seen[0].headers)
    assert seen[0].extensions["timeout"] == {"connect": 1.5, "read": 7.0, "write": 7.0, "pool": 7.0}


def test_concurrent_refusals_reopen_one_session_not_one_each():
    """A split submission (one program per job) refused on a closed session reopens ONE session: the others
    see it reopened (each used to open its own, and all but one were left running, billed)."""
    fake = FakeService(REFUSALS["412 precondition_failed"])
    single = describe(
        PlatformInfo(
            id="p-1",
            name="EMU-CUDAQ-H100",
            backend_name="cudaq",
            max_qubit_count=32,
            max_shot_count=100000,
            max_circuit_count=1,
        )
    )

    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.02)  # the five creations are in flight together, as over a real network
        return fake(request)

    client = client_for(slow)
    spec = SessionSpec(name="split-reopen")
    run(client, single, [BELL], shots=10, session=spec)
    fake.sessions["s-1"] = "stopped"
    job = run(client, single, [BELL] * 5, shots=10, session=spec)
    assert {p.session_id for p in job.parts} == {"s-2"}
    assert sorted(fake.sessions) == ["s-1", "s-2"]  # exactly one session reopened
    terminate_implicit_sessions("http://127.0.0.1:9")
