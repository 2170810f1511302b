"""Session lifecycle: start, deduplication, terminate, idle and duration limits, listing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from scaleway_qaas.emulator import Emulator

from .conftest import BELL_QASM2, Api, P, help_message


def wait_status(api: Api, session_id: str, status: str, timeout: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        session = api.ok(api.http.get(f"{P}/sessions/{session_id}"))
        if session["status"] == status:
            return session
        assert time.monotonic() < deadline, f"session still {session['status']}"
        time.sleep(0.01)


@pytest.fixture
def slow_start() -> Iterator[Api]:
    """A private emulator whose sessions stay 'starting' for a while."""
    with Emulator(session_start_delay=1.0) as emulator:
        client = Api(emulator.url)
        yield client
        client.http.close()


def test_lifecycle(api: Api) -> None:
    session = api.session(max_duration="120s", max_idle_duration="60s", name="life", tags=["a"])
    assert session["status"] == "starting" and session["started_at"] == ""  # a string for CUDA-Q's helper
    assert (session["max_duration"], session["max_idle_duration"], session["tags"]) == ("120s", "60s", ["a"])
    running = wait_status(api, session["id"], "running")
    assert running["started_at"].endswith("Z")
    job = api.wait(api.ok(api.submit(session["id"], api.model(BELL_QASM2)))["id"])
    assert api.ok(api.http.get(f"{P}/sessions/{session['id']}"))["finished_job_count"] == 1
    patched = api.ok(api.http.patch(f"{P}/sessions/{session['id']}", json={"name": "renamed", "max_duration": "300s"}))
    assert (patched["name"], patched["max_duration"]) == ("renamed", "300s")
    stopping = api.ok(api.http.post(f"{P}/sessions/{session['id']}/terminate", json={}))
    assert stopping["status"] in ("stopping", "stopped") and stopping["terminated_at"].endswith("Z")
    wait_status(api, session["id"], "stopped")
    refused = api.submit(session["id"], api.model(BELL_QASM2))
    assert refused.status_code == 412
    body = refused.json()
    assert body["type"] == "precondition_failed" and "message" not in body  # as a recorded Scaleway 412 body
    assert body["precondition"] == "unknown_precondition"  # the gateway's vocabulary; the real answer is unknown
    assert session["id"] in body["help_message"] and "stopped" in body["help_message"]
    assert api.ok(api.http.get(f"{P}/sessions/{session['id']}/acls"))["acls"] == ["full"]
    assert api.http.delete(f"{P}/sessions/{session['id']}").status_code == 204
    assert api.http.get(f"{P}/sessions/{session['id']}").status_code == 404
    assert api.http.get(f"{P}/jobs/{job['id']}").status_code == 404


def test_deduplication(api: Api) -> None:
    first = api.session(deduplication_id="workshop")
    assert api.session(deduplication_id="workshop")["id"] == first["id"]
    assert api.session(deduplication_id="other")["id"] != first["id"]
    assert api.session("EMU-QSIM-16C-128M", deduplication_id="workshop")["id"] != first["id"]
    assert api.session()["id"] != first["id"]
    api.ok(api.http.post(f"{P}/sessions/{first['id']}/terminate", json={}))
    assert api.session(deduplication_id="workshop")["id"] != first["id"]


def test_terminate_cancels_waiting_jobs(slow_start: Api) -> None:
    api = slow_start
    session = api.session()
    model = api.model(BELL_QASM2)
    jobs = [api.ok(api.submit(session["id"], model))["id"] for _ in range(3)]
    assert api.ok(api.http.get(f"{P}/sessions/{session['id']}"))["waiting_job_count"] == 3
    api.ok(api.http.post(f"{P}/sessions/{session['id']}/terminate", json={}))
    for job_id in jobs:
        job = api.ok(api.http.get(f"{P}/jobs/{job_id}"))
        assert job["status"] == "cancelled" and "terminated" in job["progress_message"]


def test_cancel_and_delete_job(slow_start: Api) -> None:
    api = slow_start
    session = api.session()
    job = api.ok(api.submit(session["id"], api.model(BELL_QASM2)))
    cancelled = api.ok(api.http.post(f"{P}/jobs/{job['id']}/cancel", json={}))
    assert cancelled["status"] == "cancelled"
    assert api.ok(api.http.post(f"{P}/jobs/{job['id']}/cancel", json={}))["status"] == "cancelled"
    assert api.ok(api.http.get(f"{P}/jobs/{job['id']}/results"))["job_results"] == []
    renamed = api.ok(api.http.patch(f"{P}/jobs/{job['id']}", json={"name": "x", "tags": ["t"]}))
    assert (renamed["name"], renamed["tags"]) == ("x", ["t"])
    assert api.http.delete(f"{P}/jobs/{job['id']}").status_code == 204
    assert api.http.get(f"{P}/jobs/{job['id']}").status_code == 404


def test_idle_timeout_and_max_duration(api: Api) -> None:
    idle = api.session(max_idle_duration="0.3s")
    duration = api.session(max_duration="0.4s", max_idle_duration="60s")
    stopped = wait_status(api, idle["id"], "stopped", timeout=5)
    assert "idle" in stopped["progress_message"]
    assert "max_duration" in wait_status(api, duration["id"], "stopped", timeout=5)["progress_message"]


@pytest.mark.parametrize("value", ["59m", "abc", "-5s", "0s", True, {"seconds": 3}])
def test_malformed_durations_are_rejected(api: Api, value: Any) -> None:
    body = {"project_id": api.project, "platform_id": api.platform("EMU-AER-16C-128M")["id"], "max_duration": value}
    response = api.http.post(f"{P}/sessions", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["details"][0]["argument_name"] == "max_duration"


def test_list_sessions_and_jobs_with_paging(api: Api) -> None:
    sessions = [api.session(name=f"s{i}")["id"] for i in range(3)]
    qsim = api.session("EMU-QSIM-16C-128M", name="q")
    listed = api.ok(api.http.get(f"{P}/sessions", params={"project_id": api.project, "page_size": 2}))
    assert listed["total_count"] == 4 and len(listed["sessions"]) == 2
    only_qsim = api.ok(api.http.get(f"{P}/sessions", params={"platform_id": qsim["platform_id"]}))
    assert [s["id"] for s in only_qsim["sessions"]] == [qsim["id"]]
    model = api.model(BELL_QASM2)
    jobs = [api.ok(api.submit(sessions[0], model, shots=10))["id"] for _ in range(5)]
    seen: list[str] = []
    for page in (1, 2, 3):
        body = api.ok(api.http.get(f"{P}/jobs", params={"session_id": sessions[0], "page": page, "page_size": 2}))
        assert body["total_count"] == 5
        seen += [j["id"] for j in body["jobs"]]
    assert seen == jobs[::-1]  # newest first by default
    models = api.ok(api.http.get(f"{P}/models", params={"project_id": api.project}))
    assert [m["id"] for m in models["models"]] == [model]


def test_booking_requires_bookable_platform(api: Api) -> None:
    body = {"project_id": api.project, "platform_id": api.platform("EMU-AER-16C-128M")["id"], "booking_demand": {}}
    response = api.http.post(f"{P}/sessions", json=body)
    assert response.status_code == 400 and "not bookable" in help_message(response)
    demand = {"started_at": "2030-01-01T10:00:00Z", "finished_at": "2030-01-01T11:00:00Z", "time_zone": "Europe/Paris"}
    session = api.session("QPU-GARNET-20PQ", booking_demand=demand)
    booking = api.ok(api.http.get(f"{P}/bookings/{session['booking_id']}"))
    assert booking["started_at"] == "2030-01-01T10:00:00.000000Z" and booking["time_zone"] == "Europe/Paris"
