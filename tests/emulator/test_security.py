"""Authentication, project isolation, and Scaleway error bodies for malformed requests (never a 500)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from scaleway_qaas.emulator import Emulator

from .conftest import BELL_QASM2, Api, P

ALICE, BOB = str(uuid.uuid4()), str(uuid.uuid4())


@pytest.fixture(scope="module")
def secured() -> Iterator[str]:
    with Emulator(tokens={"alice-secret": ALICE, "bob-secret": BOB}) as emulator:
        yield emulator.url


def test_missing_and_unknown_tokens(secured: str) -> None:
    bare = httpx.get(f"{secured}{P}/platforms")
    assert bare.status_code == 401 and bare.json()["type"] == "denied_authentication"
    unknown = httpx.get(f"{secured}{P}/platforms", headers={"X-Auth-Token": "mallory"})
    assert unknown.status_code == 401 and "mallory" not in unknown.text


def test_projects_are_isolated(secured: str) -> None:
    alice, bob = Api(secured, "alice-secret", ALICE), Api(secured, "bob-secret", BOB)
    session = alice.session()
    model = alice.model(BELL_QASM2)
    job = alice.ok(alice.submit(session["id"], model, shots=10))
    forbidden = bob.http.post(f"{P}/sessions", json={"project_id": ALICE, "platform_id": session["platform_id"]})
    assert forbidden.status_code == 403 and forbidden.json()["type"] == "permissions_denied"
    assert bob.http.get(f"{P}/sessions", params={"project_id": ALICE}).status_code == 403
    for path in (f"sessions/{session['id']}", f"models/{model}", f"jobs/{job['id']}", f"jobs/{job['id']}/results"):
        hidden = bob.http.get(f"{P}/{path}")
        assert hidden.status_code == 404 and hidden.json()["type"] == "not_found", path
    assert bob.http.post(f"{P}/sessions/{session['id']}/terminate", json={}).status_code == 404
    assert bob.http.post(f"{P}/jobs", json={"session_id": session["id"], "model_id": model}).status_code == 404
    assert bob.ok(bob.http.get(f"{P}/sessions"))["total_count"] == 0  # defaults to the token's project
    assert alice.ok(alice.http.get(f"{P}/sessions"))["total_count"] == 1


def test_open_mode_binds_a_token_to_its_first_project(api: Api) -> None:
    api.session()
    other = str(uuid.uuid4())
    body = {"project_id": other, "platform_id": api.platform("EMU-AER-16C-128M")["id"]}
    assert api.http.post(f"{P}/sessions", json=body).status_code == 403
    stranger = Api(str(api.http.base_url), project=other)
    assert stranger.ok(stranger.http.get(f"{P}/sessions", params={"project_id": other}))["total_count"] == 0


def _post(api: Api, path: str, **kw: Any) -> httpx.Response:
    return api.http.post(f"{P}/{path}", **kw)


@pytest.mark.parametrize(
    ("path", "kwargs", "status", "argument"),
    [
        ("sessions", {"content": b"{not json"}, 400, "body"),
        ("sessions", {"json": [1, 2]}, 400, "body"),
        ("sessions", {"json": {}}, 400, "platform_id"),
        ("sessions", {"json": {"platform_id": "nope"}}, 400, "platform_id"),
        ("sessions", {"json": {"platform_id": str(uuid.uuid4())}}, 404, None),
        ("sessions", {"json": {"platform_id": 12}}, 400, "platform_id"),
        ("sessions", {"json": {"project_id": "bad", "platform_id": str(uuid.uuid4())}}, 400, "project_id"),
        ("models", {"json": {"payload": {"programs": []}}}, 400, "payload"),
        ("models", {"json": {"payload": "not json"}}, 400, "payload"),
        ("models", {"json": {"payload": '{"programs": []}'}}, 400, "payload"),
        ("models", {"json": {"payload": '{"programs": [{"serialization_format": "x"}]}'}}, 400, "payload"),
        ("jobs", {"json": {"model_id": str(uuid.uuid4())}}, 400, "session_id"),
        ("jobs", {"json": {"session_id": "x"}}, 400, "session_id"),
        ("jobs", {"json": {"session_id": str(uuid.uuid4())}}, 404, None),
    ],
)
def test_malformed_requests_get_scaleway_errors(
    api: Api, path: str, kwargs: dict[str, Any], status: int, argument: str | None
) -> None:
    response = _post(api, path, **kwargs)
    assert response.status_code == status, response.text
    body = response.json()
    assert {"type", "message"} <= set(body)
    if argument:
        assert body["type"] == "invalid_arguments" and body["details"][0]["argument_name"] == argument


def test_bad_job_parameters(api: Api) -> None:
    session = api.session()
    model = api.model(BELL_QASM2)
    for parameters in ({"shots": 10}, "nope", '{"shots": "ten"}', '{"shots": 10, "options": 3}', "[]"):
        body = {"session_id": session["id"], "model_id": model, "parameters": parameters}
        response = _post(api, "jobs", json=body)
        assert response.status_code == 400, parameters
        assert response.json()["details"][0]["argument_name"] == "parameters"


def test_unknown_routes_and_methods(api: Api) -> None:
    missing = api.http.get(f"{P}/teleporters")
    assert missing.status_code == 404 and missing.json()["type"] == "not_found"
    wrong = api.http.put(f"{P}/platforms")
    assert wrong.status_code == 405 and wrong.json()["type"] == "method_not_allowed"
    unknown = str(uuid.uuid4())
    body = api.http.get(f"{P}/jobs/{unknown}").json()
    assert body == {"type": "not_found", "message": "resource is not found", "resource": "job", "resource_id": unknown}


DENIED = {"type": "denied_authentication", "message": "authentication is denied", "method": "api_key"}


def _local(url: str) -> str:
    """The URL of a server bound to every interface, reached over loopback only."""
    return url.replace("//0.0.0.0:", "//127.0.0.1:")


def _bound(server: Any) -> str:
    return str(server.servers[0].sockets[0].getsockname()[0])


def test_beyond_loopback_without_tokens_only_a_drawn_key_gets_in() -> None:
    with Emulator(host="0.0.0.0") as emulator:
        url = _local(emulator.url)
        made_up = httpx.get(f"{url}{P}/platforms", headers={"X-Auth-Token": "made-up-key"})
        assert made_up.status_code == 401
        assert made_up.json() == {**DENIED, "reason": "not_found"}
        assert emulator.credentials is not None
        secret, project = emulator.credentials
        assert len(secret) >= 32 and str(uuid.UUID(project)) == project
        assert httpx.get(f"{url}{P}/platforms", headers={"X-Auth-Token": secret}).status_code == 200
        assert _bound(emulator.storage._server) == "0.0.0.0" == _bound(emulator._server)


def test_on_loopback_open_mode_stays_and_storage_listens_where_the_api_does() -> None:
    with Emulator(host="127.0.0.2") as emulator:  # loopback, but not 127.0.0.1
        assert emulator.credentials is None
        assert emulator.url.startswith("http://127.0.0.2:")
        made_up = httpx.get(f"{emulator.url}{P}/platforms", headers={"X-Auth-Token": "made-up-key"})
        assert made_up.status_code == 200
        assert _bound(emulator.storage._server) == "127.0.0.2" == _bound(emulator._server)
        assert emulator.storage.base_url.startswith("http://127.0.0.2:")


def test_the_cli_beyond_loopback_prints_the_only_key_it_accepts() -> None:
    import signal
    import subprocess
    import sys

    command = [sys.executable, "-m", "scaleway_qaas.emulator", "--host", "0.0.0.0", "--port", "0", "--workers", "1"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first, second = proc.stdout.readline(), proc.stdout.readline()
        url = _local(first.split("listening on ")[1].split()[0])
        assert "only this key is accepted" in second, second
        fields = dict(word.split("=", 1) for word in second.split() if word.startswith("SCW_"))
        assert set(fields) == {"SCW_SECRET_KEY", "SCW_PROJECT_ID"}
        made_up = httpx.get(f"{url}{P}/platforms", headers={"X-Auth-Token": "made-up-key"})
        assert made_up.status_code == 401 and made_up.json() == {**DENIED, "reason": "not_found"}
        key = {"X-Auth-Token": fields["SCW_SECRET_KEY"]}
        sessions = httpx.get(f"{url}{P}/sessions", params={"project_id": fields["SCW_PROJECT_ID"]}, headers=key)
        assert sessions.status_code == 200, sessions.text
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()
