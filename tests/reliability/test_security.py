"""Issue #10: authentication, project isolation, secrets kept out of logs/reprs/errors/CLI, TLS verification."""

from __future__ import annotations

import inspect
import logging
import os
import ssl
import subprocess
import sys
import uuid

import httpx
import pytest

from scaleway_qaas.core import QaaSClient, Session, requests, run
from scaleway_qaas.errors import AuthenticationError, NotFoundError, PermissionDeniedError

from .conftest import API, BELL, OTHER_PROJECT, OTHER_SECRET, PROJECT, REPO, SECRET, qasm


def _get(url: str, path: str, token: str | None, **kwargs) -> httpx.Response:
    headers = {"X-Auth-Token": token} if token else {}
    return httpx.get(f"{url}{API}{path}", headers=headers, timeout=10, **kwargs)


def test_401_without_token(token_emulator):
    for path in ("/platforms", "/sessions", "/jobs", "/models", f"/jobs/{uuid.uuid4()}"):
        response = _get(token_emulator, path, None)
        assert response.status_code == 401, path
        assert response.json()["type"] == "denied_authentication"


def test_401_unknown_token(token_emulator):
    assert _get(token_emulator, "/platforms", "not-a-known-secret").status_code == 401
    with pytest.raises(AuthenticationError) as info:
        QaaSClient(secret_key="not-a-known-secret", project_id=PROJECT, url=token_emulator).list_platforms()
    assert "not-a-known-secret" not in str(info.value)


def test_403_on_another_project(token_emulator):
    response = _get(token_emulator, "/sessions", OTHER_SECRET, params={"project_id": PROJECT})
    assert response.status_code == 403
    assert response.json()["type"] == "permissions_denied"
    intruder = QaaSClient(secret_key=OTHER_SECRET, project_id=PROJECT, url=token_emulator)
    with pytest.raises(PermissionDeniedError):
        intruder.create_session(intruder.find_platform("EMU-AER-16C-128M").id)


def test_404_for_another_projects_resources(token_emulator):
    owner = QaaSClient(secret_key=SECRET, project_id=PROJECT, url=token_emulator)
    with Session.open(owner, "EMU-AER-16C-128M") as session:
        job = run(owner, session.platform, [qasm(BELL)], shots=10, session=session)
        job.result(timeout=60)
        info = owner.get_job(job.job_id)
        other = QaaSClient(secret_key=OTHER_SECRET, project_id=OTHER_PROJECT, url=token_emulator)
        for call, arg in (
            (other.get_session, session.id),
            (other.get_job, job.job_id),
            (other.get_model, info.model_id),
            (other.list_job_results, job.job_id),
            (other.cancel_job, job.job_id),
            (other.delete_session, session.id),
        ):
            with pytest.raises(NotFoundError):
                call(arg)
        assert session.id not in {s.id for s in other.list_sessions()}
        assert job.job_id not in {j.id for j in other.list_jobs()}
        assert owner.get_job(job.job_id).status.value == "completed"  # untouched


def test_secret_never_logged_nor_shown(token_emulator, caplog):
    caplog.set_level(logging.DEBUG)  # root logger, every library
    client = QaaSClient(secret_key=SECRET, project_id=PROJECT, url=token_emulator)
    with Session.open(client, "EMU-AER-16C-128M") as session:
        job = run(client, session.platform, [qasm(BELL)], shots=10, session=session)
        results = job.result(timeout=60)
        shown = [
            repr(client),
            str(client.config),
            repr(client.config),
            repr(session),
            repr(job),
            repr(results),
            repr(client.aio),
        ]
    with pytest.raises(AuthenticationError) as info:
        QaaSClient(secret_key=SECRET + "x", project_id=PROJECT, url=token_emulator).list_platforms()
    shown += [str(info.value), repr(info.value), repr(info.value.details)]
    messages = [record.getMessage() for record in caplog.records]
    assert any("scaleway_qaas" in r.name for r in caplog.records)  # the package did log at DEBUG
    for text in messages + shown:
        assert SECRET not in text, text
        assert SECRET[8:] not in text, text  # not even a tail of it


def test_cli_never_prints_the_secret(token_emulator, tmp_path):
    env = {
        **os.environ,
        "SCW_SECRET_KEY": SECRET,
        "SCW_PROJECT_ID": PROJECT,
        "SCW_API_URL": token_emulator,
        "SCW_CONFIG_PATH": str(tmp_path / "none.yaml"),
    }
    for args in (["config", "show"], ["jobs", "get", str(uuid.uuid4())], ["no-such-command"]):
        done = subprocess.run(
            [sys.executable, "-m", "scaleway_qaas", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert SECRET not in done.stdout + done.stderr, args
        assert "Traceback" not in done.stderr, (args, done.stderr[-2000:])


def test_https_client_verifies_certificates():
    client = QaaSClient(secret_key=SECRET, project_id=PROJECT, url="https://127.0.0.1:1")
    http = client.aio._http._http  # the httpx.AsyncClient
    context = http._transport._pool._ssl_context
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True
    # and no code path turns verification off
    source = inspect.getsource(requests)
    assert "verify=False" not in source.replace(" ", "")
    assert "CERT_NONE" not in source
