"""A request costs the same however many jobs its session (or project) has run.

The work is measured in SQLite virtual-machine steps taken on the HTTP thread (a
progress handler called at every step), not in time: deterministic, and blind to the
housekeeper and the workers sharing the connection.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx

from scaleway_qaas.emulator import Emulator
from scaleway_qaas.emulator.schema import new_id
from scaleway_qaas.emulator.store import Store

from .conftest import BELL_QASM2, Api, P

HISTORY = 2000


def _finished_jobs(store: Store, api: Api, session_id: str, model_id: str, n: int) -> None:
    now = time.time()
    for _ in range(n):
        job_id = new_id()
        store.insert(
            "jobs",
            {
                "id": job_id, "project_id": api.project, "session_id": session_id, "name": "old", "tags": "[]",
                "model_id": model_id, "parameters": "{}", "status": "completed", "progress_message": "completed",
                "created_at": now, "started_at": now, "updated_at": now, "finished_at": now,
            },
        )  # fmt: skip
        store.insert("results", {"job_id": job_id, "idx": 0, "result": "{}", "created_at": now, "token": job_id})


def _steps(emu: Emulator, call: Callable[[], httpx.Response]) -> int:
    """SQLite VM steps the HTTP thread takes to answer ``call()`` (which must succeed)."""
    steps = 0
    http_thread = emu._thread

    def tick() -> int:
        nonlocal steps
        if threading.current_thread() is http_thread:
            steps += 1
        return 0

    db = emu.store._db
    with emu.store._lock:  # no statement in flight: one would wait for the GIL this thread holds
        db.set_progress_handler(tick, 1)
    try:
        response = call()
    finally:
        with emu.store._lock:
            db.set_progress_handler(None, 1)
    assert response.status_code == 200, response.text
    return steps


def _costs(emu: Emulator, history: int) -> dict[str, int]:
    api = Api(emu.url)
    try:
        session = api.session()
        model = api.model(BELL_QASM2)
        job = api.wait(api.ok(api.submit(session["id"], model, shots=10))["id"])
        _finished_jobs(emu.store, api, session["id"], model, history)
        sid, jid = session["id"], job["id"]
        calls: dict[str, Callable[[], httpx.Response]] = {
            "GET /sessions/{id}": lambda: api.http.get(f"{P}/sessions/{sid}"),
            "GET /sessions": lambda: api.http.get(f"{P}/sessions"),
            "GET /jobs?session_id": lambda: api.http.get(
                f"{P}/jobs", params={"session_id": sid, "order_by": "created_at_desc", "page_size": 20}
            ),
            "GET /jobs": lambda: api.http.get(f"{P}/jobs", params={"page_size": 20}),
            "GET /jobs/{id}": lambda: api.http.get(f"{P}/jobs/{jid}"),
            "GET /jobs/{id}/results": lambda: api.http.get(f"{P}/jobs/{jid}/results"),
            "POST /jobs": lambda: api.submit(sid, model, shots=10),
        }
        for call in calls.values():
            call()  # warm: statements prepared, caches filled
        return {name: _steps(emu, call) for name, call in calls.items()}
    finally:
        api.http.close()


def test_request_cost_does_not_grow_with_the_jobs_of_a_session(emu: Emulator) -> None:
    fresh = _costs(emu, 30)  # a full page of jobs either way: only the history differs
    old = _costs(emu, 30 + HISTORY)
    for name, steps in fresh.items():
        # O(history) work would be tens of thousands of steps here: 2,000 jobs, several steps each
        assert old[name] <= 1.5 * steps + 100, f"{name}: {steps} SQLite steps fresh, {old[name]} after {HISTORY} jobs"


def test_job_counts_follow_every_status_change(api: Api, emu: Emulator) -> None:
    def check(session_id: str) -> dict[str, int]:
        jobs = api.ok(api.http.get(f"{P}/jobs", params={"session_id": session_id, "page_size": 100}))
        session = api.ok(api.http.get(f"{P}/sessions/{session_id}"))
        statuses = [j["status"] for j in jobs["jobs"]]
        assert jobs["total_count"] == len(statuses)
        assert session["waiting_job_count"] == statuses.count("waiting")
        finished = sum(statuses.count(s) for s in ("completed", "error", "cancelled"))
        assert session["finished_job_count"] == finished
        return {s: statuses.count(s) for s in set(statuses)}

    session = api.session("EMU-AER-16C-128M", max_idle_duration="60s")
    model = api.model(BELL_QASM2)
    done = api.wait(api.ok(api.submit(session["id"], model, shots=10))["id"])
    assert check(session["id"]) == {"completed": 1}
    bad = api.wait(api.ok(api.submit(session["id"], api.model("OPENQASM 2.0; nonsense"), shots=10))["id"])
    assert bad["status"] == "error"
    assert check(session["id"]) == {"completed": 1, "error": 1}
    assert api.http.delete(f"{P}/jobs/{done['id']}").status_code == 204
    assert check(session["id"]) == {"error": 1}
    # a session still starting keeps its jobs waiting: cancel one, then terminate the session with the other
    later = api.session("EMU-AER-16C-128M", max_idle_duration="60s")
    emu.store.update("sessions", later["id"], {"status": "starting", "start_at": time.time() + 60})
    first = api.ok(api.submit(later["id"], model, shots=10))
    api.ok(api.submit(later["id"], model, shots=10))
    assert check(later["id"]) == {"waiting": 2}
    api.ok(api.http.post(f"{P}/jobs/{first['id']}/cancel"))
    assert check(later["id"]) == {"waiting": 1, "cancelled": 1}
    api.ok(api.http.post(f"{P}/sessions/{later['id']}/terminate"))
    assert check(later["id"]) == {"cancelled": 2}
    project_jobs = api.ok(api.http.get(f"{P}/jobs", params={"page_size": 100}))
    assert project_jobs["total_count"] == len(project_jobs["jobs"]) == 3
    assert api.http.delete(f"{P}/sessions/{later['id']}").status_code == 204
    assert api.ok(api.http.get(f"{P}/jobs", params={"page_size": 100}))["total_count"] == 1


def test_job_counts_are_rebuilt_when_the_store_opens(tmp_path: Path) -> None:
    db = str(tmp_path / "state.sqlite")
    store = Store(db)
    for status in ("waiting", "completed", "completed", "error", "running"):
        store.insert("jobs", {"id": str(uuid.uuid4()), "project_id": "p", "session_id": "s", "status": status})
    assert store.job_counts("s") == (1, 3)
    store.close()
    store = Store(db)
    try:
        assert store.job_counts("s") == (1, 3)
        assert store.page("jobs", {"project_id": "p", "session_id": "s"}, "seq DESC", 1, 2)[0] == 5
        store.recover(time.time())  # the running job is waiting again
        assert store.job_counts("s") == (2, 3)
        assert store.page("jobs", {"project_id": "p"}, "seq DESC", 1, 2)[0] == 5
    finally:
        store.close()


def test_a_long_history_is_counted(emu: Emulator) -> None:
    api = Api(emu.url)
    try:
        session = api.session()
        _finished_jobs(emu.store, api, session["id"], api.model(BELL_QASM2), HISTORY)
        body = api.ok(api.http.get(f"{P}/sessions/{session['id']}"))
        assert (body["waiting_job_count"], body["finished_job_count"]) == (0, HISTORY)
        listed = api.ok(api.http.get(f"{P}/jobs", params={"session_id": session["id"], "page": 3, "page_size": 7}))
        assert listed["total_count"] == HISTORY and len(listed["jobs"]) == 7
    finally:
        api.http.close()
