"""The emulator answers as the real gateway does: error shapes, request ids, protobuf durations, tags filters,
string fields for CUDA-Q's helper, and large results from a separate presigned-URL storage endpoint."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from scaleway_qaas.emulator import Emulator, FaultConfig

from .conftest import BELL_QASM2, Api, P, help_message

ALICE, BOB = str(uuid.uuid4()), str(uuid.uuid4())


@pytest.fixture(scope="module")
def secured() -> Iterator[Emulator]:
    with Emulator(tokens={"alice": ALICE, "bob": BOB}, inline_result_bytes=50, session_start_delay=0.01) as emulator:
        yield emulator


@pytest.fixture
def alice(secured: Emulator) -> Iterator[Api]:
    client = Api(secured.url, "alice", ALICE)
    yield client
    client.http.close()


# --- error bodies ---------------------------------------------------------------------------------------------


def test_invalid_arguments_shape(api: Api) -> None:
    response = api.http.get(f"{P}/jobs", params={"page": 0})
    assert response.status_code == 400
    assert response.json() == {
        "type": "invalid_arguments",
        "message": "invalid argument(s)",
        "details": [
            {
                "argument_name": "page",
                "reason": "constraint",
                "help_message": "0 is out of range: must be an integer from 1 to 2147483647",
            }
        ],
    }


def test_authentication_and_permission_shapes(secured: Emulator, alice: Api) -> None:
    bare = httpx.get(f"{secured.url}{P}/platforms")
    assert (bare.status_code, bare.json()) == (
        401,
        {"type": "denied_authentication", "message": "authentication is denied", "method": "api_key",
         "reason": "invalid_argument"},
    )  # fmt: skip
    unknown = httpx.get(f"{secured.url}{P}/platforms", headers={"X-Auth-Token": "mallory"})
    assert unknown.status_code == 401 and unknown.json()["reason"] == "not_found" and "mallory" not in unknown.text
    other = alice.http.get(f"{P}/sessions", params={"project_id": BOB})
    assert (other.status_code, other.json()) == (
        403,
        {"type": "permissions_denied", "message": "insufficient permissions",
         "details": [{"resource": "qaas", "action": "write"}]},
    )  # fmt: skip


def test_not_found_shape(alice: Api) -> None:
    missing = str(uuid.uuid4())
    response = alice.http.get(f"{P}/sessions/{missing}")
    assert response.status_code == 404
    assert response.json() == {
        "type": "not_found",
        "message": "resource is not found",
        "resource": "session",
        "resource_id": missing,
    }


def test_job_on_a_stopped_session_is_refused_with_the_gateway_vocabulary(alice: Api) -> None:
    session = alice.session()
    alice.ok(alice.http.post(f"{P}/sessions/{session['id']}/terminate", json={}))
    refused = alice.submit(session["id"], alice.model(BELL_QASM2))
    assert refused.status_code == 412
    body = refused.json()
    assert set(body) == {"type", "precondition", "help_message"}  # no message, as a recorded Scaleway 412 body
    assert body["precondition"] in ("unknown_precondition", "resource_still_in_use", "attribute_must_be_set")
    assert f"session {session['id']} is stopp" in body["help_message"]


# --- request ids ------------------------------------------------------------------------------------------------


def test_every_answer_carries_a_request_id(secured: Emulator, alice: Api) -> None:
    answers = [
        alice.http.get(f"{P}/platforms"),  # 200
        alice.http.get(f"{P}/jobs", params={"page": "x"}),  # 400
        httpx.get(f"{secured.url}{P}/platforms"),  # 401
        alice.http.get(f"{P}/jobs/{uuid.uuid4()}"),  # 404
        alice.http.get(f"{P}/nowhere"),  # 404 of the router
        alice.http.put(f"{P}/platforms"),  # 405
    ]
    session = alice.session()
    answers.append(alice.http.delete(f"{P}/sessions/{session['id']}"))  # 204
    ids = [r.headers.get("x-request-id") for r in answers]
    assert all(ids) and len(set(ids)) == len(ids), [(r.status_code, r.headers) for r in answers]


def test_injected_faults_carry_a_request_id() -> None:
    faults = FaultConfig(rate=1.0, modes=("429", "503"), seed=3)
    with Emulator(faults=faults) as emulator, httpx.Client(headers={"X-Auth-Token": "t"}) as client:
        answers = [client.get(f"{emulator.url}{P}/platforms") for _ in range(6)]
    assert {r.status_code for r in answers} == {429, 503}
    assert all(r.headers.get("x-request-id") for r in answers)
    quota = next(r for r in answers if r.status_code == 429).json()
    assert quota["type"] == "quotas_exceeded" and quota["message"] == "quota(s) exceeded for this resource"


# --- durations ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "shown"), [("2.5s", "2.5s"), ("3540s", "3540s"), ("0.5s", "0.5s"), ("1.25s", "1.25s")]
)
def test_protobuf_durations_are_accepted(api: Api, sent: str, shown: str) -> None:
    session = api.session(max_duration=sent, max_idle_duration=sent)
    assert (session["max_duration"], session["max_idle_duration"]) == (shown, shown)


@pytest.mark.parametrize("sent", ["59m", 60, 2.5, "abc", "1h30m", "-5s", "0s", "1e3s", "s", " 60s", "60S", True, []])
def test_other_duration_forms_are_refused(api: Api, sent: object) -> None:
    body = {"project_id": api.project, "platform_id": api.platform("EMU-AER-16C-128M")["id"], "max_duration": sent}
    response = api.http.post(f"{P}/sessions", json=body)
    assert response.status_code == 400, response.text
    (detail,) = response.json()["details"]
    assert detail["argument_name"] == "max_duration" and '"3540s"' in detail["help_message"]


# --- tags filters -----------------------------------------------------------------------------------------------


def test_tags_filters(api: Api) -> None:
    red = api.session(tags=["red", "big"])
    api.session(tags=["blue"])
    model = api.model(BELL_QASM2)
    job = api.ok(api.submit(red["id"], model))
    api.ok(api.http.patch(f"{P}/jobs/{job['id']}", json={"tags": ["red"]}))
    api.ok(api.submit(red["id"], model))

    def sessions(**params: object) -> list[str]:
        body = api.ok(api.http.get(f"{P}/sessions", params={"project_id": api.project, **params}))
        assert body["total_count"] == len(body["sessions"])
        return [s["id"] for s in body["sessions"]]

    assert sessions(tags="red") == [red["id"]]
    assert sessions(tags=["red", "big"]) == [red["id"]]  # repeated: every tag must be held
    assert sessions(tags="red,big") == [red["id"]]  # comma-separated, as other Scaleway APIs take them
    assert sessions(tags=["red", "blue"]) == []
    assert len(sessions()) == 2
    jobs = api.ok(api.http.get(f"{P}/jobs", params={"tags": "red"}))
    assert (jobs["total_count"], [j["id"] for j in jobs["jobs"]]) == (1, [job["id"]])
    assert api.ok(api.http.get(f"{P}/jobs", params={"tags": "green"}))["total_count"] == 0


# --- CUDA-Q's helper reads these fields as strings -------------------------------------------------------------

SESSION_STRINGS = ("id", "name", "platform_id", "created_at", "started_at", "updated_at", "terminated_at",
                   "max_idle_duration", "max_duration", "status", "project_id", "deduplication_id",
                   "progress_message", "parameters")  # fmt: skip
JOB_STRINGS = ("id", "name", "session_id", "created_at", "started_at", "updated_at", "status", "progress_message",
               "model_id", "parameters")  # fmt: skip
PLATFORM_STRINGS = ("id", "version", "name", "provider_name", "backend_name", "type", "technology", "availability",
                    "metadata")  # fmt: skip


def test_fields_read_by_cudaq_are_strings_never_null() -> None:
    with Emulator(session_start_delay=60) as emulator:  # the session stays starting, its job waiting
        api = Api(emulator.url)
        for platform in api.ok(api.http.get(f"{P}/platforms", params={"page_size": 100}))["platforms"]:
            assert all(isinstance(platform[k], str) for k in PLATFORM_STRINGS), platform
        session = api.session()
        job = api.ok(api.submit(session["id"], api.model(BELL_QASM2)))
        api.http.close()
    assert all(isinstance(session[k], str) for k in SESSION_STRINGS), session
    assert all(isinstance(job[k], str) for k in JOB_STRINGS), job
    assert (session["status"], job["status"]) == ("starting", "waiting")
    assert session["started_at"] == session["terminated_at"] == job["started_at"] == ""


# --- result storage -------------------------------------------------------------------------------------------


def test_large_results_come_from_a_presigned_storage_url(secured: Emulator, alice: Api) -> None:
    session = alice.session()
    job = alice.wait(alice.ok(alice.submit(session["id"], alice.model(BELL_QASM2), shots=100))["id"])
    (item,) = alice.ok(alice.http.get(f"{P}/jobs/{job['id']}/results"))["job_results"]
    url = httpx.URL(item["url"])
    assert item["result"] == "" and job["status"] == "completed"
    assert url.host == httpx.URL(secured.url).host and url.port != httpx.URL(secured.url).port
    assert url.path.startswith("/scaleway-qaas-results/") and {"Expires", "Signature"} <= set(url.params)
    assert int(url.params["Expires"]) > time.time() + 600

    fetched = httpx.get(url)  # no key: presigned
    assert fetched.status_code == 200 and '"serialization"' in fetched.text

    with_key = httpx.get(url, headers={"X-Auth-Token": "alice"})
    assert with_key.status_code == 403 and "<Code>AccessDenied</Code>" in with_key.text
    assert "alice" not in with_key.text

    forged = httpx.get(url.copy_set_param("Signature", "A" * 43))
    assert forged.status_code == 403 and "SignatureDoesNotMatch" in forged.text
    stretched = httpx.get(url.copy_set_param("Expires", str(int(url.params["Expires"]) + 10)))
    assert stretched.status_code == 403
    unsigned = httpx.get(url.copy_with(query=None))
    assert unsigned.status_code == 403


def test_an_expired_storage_url_is_refused(secured: Emulator) -> None:
    old = httpx.URL(secured.storage.url("0" * 32, now=time.time() - 7200))
    response = httpx.get(old)
    assert response.status_code == 403 and "expired" in response.text


def test_small_results_stay_inline(api: Api) -> None:
    job, results = api.run("EMU-AER-16C-128M", BELL_QASM2, shots=10)
    (item,) = api.ok(api.http.get(f"{P}/jobs/{job['id']}/results"))["job_results"]
    assert item["url"] == "" and item["result"] and len(results) == 1


# --- applications and processes -----------------------------------------------------------------------------


def test_process_crud(api: Api) -> None:
    (application,) = api.ok(api.http.get(f"{P}/applications"))["applications"]
    assert api.ok(api.http.get(f"{P}/applications/{application['id']}")) == application
    aer = api.platform("EMU-AER-16C-128M")["id"]
    body = {"project_id": api.project, "platform_id": aer, "application_id": application["id"], "tags": ["t"]}
    created = api.ok(api.http.post(f"{P}/processes", json={**body, "name": "p1", "input": "{}"}))
    assert (created["name"], created["tags"], created["input"], created["project_id"]) == (
        "p1",
        ["t"],
        "{}",
        api.project,
    )
    assert created["status"] == "error" and "does not run applications" in created["progress_message"]
    pid = created["id"]
    assert api.ok(api.http.get(f"{P}/processes/{pid}")) == created
    renamed = api.ok(api.http.patch(f"{P}/processes/{pid}", json={"name": "p2", "tags": ["u"]}))
    assert (renamed["name"], renamed["tags"]) == ("p2", ["u"])
    listed = api.ok(api.http.get(f"{P}/processes", params={"project_id": api.project, "tags": "u"}))
    assert [p["id"] for p in listed["processes"]] == [pid]
    by_app = {"project_id": api.project, "application_id": str(uuid.uuid4())}
    assert api.ok(api.http.get(f"{P}/processes", params=by_app))["total_count"] == 0
    assert api.ok(api.http.post(f"{P}/processes/{pid}/cancel", json={}))["status"] == "error"
    assert api.ok(api.http.get(f"{P}/processes/{pid}/results")) == {"total_count": 0, "process_results": []}
    assert api.http.delete(f"{P}/processes/{pid}").status_code == 204
    gone = api.http.get(f"{P}/processes/{pid}")
    assert gone.status_code == 404 and gone.json()["resource"] == "process"
    no_app = api.http.post(f"{P}/processes", json={**body, "application_id": str(uuid.uuid4())})
    assert no_app.status_code == 404 and no_app.json()["resource"] == "application"
    qpu = api.http.post(f"{P}/processes", json={**body, "platform_id": api.platform("QPU-GARNET-20PQ")["id"]})
    assert qpu.status_code == 400 and "does not run on" in help_message(qpu)


#: mid-circuit measurements each followed by entangling gates: Aer simulates shot by shot (its shot
#: branching cannot merge them), about 50 us a shot here, so 80,000 shots keep a job running for seconds
SLOW = (
    'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[14];\ncreg c[14];\n'
    + "".join(f"h q[{i}];\ncx q[{i}],q[{i + 1}];\n" for i in range(13))
    + "".join(f"measure q[{i}] -> c[{i}];\nh q[{i}];\ncx q[{i}],q[{(i + 1) % 14}];\n" for i in range(14))
    + "measure q -> c;\n"
)


def test_deleting_a_job_still_cancelling_is_a_transient_state(api: Api) -> None:
    session = api.session()
    refused = None
    for _attempt in range(5):  # the job may end between two requests on a loaded machine: try again
        job = api.ok(api.submit(session["id"], api.model(SLOW), shots=80_000))
        deadline = time.monotonic() + 30
        while api.ok(api.http.get(f"{P}/jobs/{job['id']}"))["status"] == "waiting":
            assert time.monotonic() < deadline
            time.sleep(0.002)
        if api.ok(api.http.post(f"{P}/jobs/{job['id']}/cancel", json={}))["status"] != "cancelling":
            continue
        refused = api.http.delete(f"{P}/jobs/{job['id']}")
        if refused.status_code != 204:
            break
    assert refused is not None and refused.status_code == 409, "no job stayed cancelling long enough, 5 times"
    assert refused.json() == {
        "type": "transient_state",
        "message": "resource is in a transient state",
        "resource": "job",
        "resource_id": job["id"],
        "current_state": "cancelling",
    }
    assert api.wait(job["id"])["status"] == "cancelled"
    assert api.http.delete(f"{P}/jobs/{job['id']}").status_code == 204
