"""Fixtures of the emulator tests: real servers over real HTTP, one project per test."""

from __future__ import annotations

import time
import uuid
import weakref
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from scaleway_qaas.core.codecs import decode as decode_result
from scaleway_qaas.core.results import ExperimentResult
from scaleway_qaas.core.wire import ComputationModel, ComputationParameters, Program, ProgramFormat, ProgramResult
from scaleway_qaas.emulator import Emulator

P = "/qaas/v1alpha1"
BELL_QASM2 = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n'


class Api:
    """A thin test client: one project, one token, helpers for the common flows."""

    def __init__(self, url: str, token: str | None = None, project: str | None = None) -> None:
        self.project = project or str(uuid.uuid4())
        self.token = token or f"secret-{uuid.uuid4()}"
        self.http = httpx.Client(base_url=url, headers={"X-Auth-Token": self.token}, timeout=30)
        weakref.finalize(self, self.http.close)  # tests drop their Api objects: their connections close then
        self._platforms: dict[str, dict[str, Any]] = {}

    def ok(self, response: httpx.Response) -> Any:
        assert response.status_code == 200, response.text
        return response.json()

    def platform(self, name: str) -> dict[str, Any]:
        if name not in self._platforms:
            found = self.ok(self.http.get(f"{P}/platforms", params={"name": name}))["platforms"]
            assert len(found) == 1, found
            self._platforms[name] = found[0]
        return self._platforms[name]

    def session(self, platform: str = "EMU-AER-16C-128M", **fields: Any) -> dict[str, Any]:
        body = {"project_id": self.project, "platform_id": self.platform(platform)["id"], **fields}
        return self.ok(self.http.post(f"{P}/sessions", json=body))

    def model(self, *programs: str | Program, fmt: ProgramFormat = ProgramFormat.QASM_V2, **extra: Any) -> str:
        progs = tuple(p if isinstance(p, Program) else Program.from_text(p, fmt) for p in programs)
        payload = ComputationModel(programs=progs, **extra).to_json()
        return str(self.ok(self.http.post(f"{P}/models", json={"project_id": self.project, "payload": payload}))["id"])

    def submit(self, session_id: str, model_id: str, shots: int = 1000, **options: Any) -> httpx.Response:
        params = ComputationParameters(shots=shots, options=options or None).to_json()
        body = {"name": "tests-job", "session_id": session_id, "model_id": model_id, "parameters": params}
        return self.http.post(f"{P}/jobs", json=body)

    def wait(self, job_id: str, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            job = self.ok(self.http.get(f"{P}/jobs/{job_id}"))
            if job["status"] not in ("waiting", "running", "cancelling"):
                return job
            assert time.monotonic() < deadline, f"job still {job['status']}"
            time.sleep(0.005)

    def results(self, job_id: str) -> list[ProgramResult]:
        params = {"order_by": "created_at_asc"}  # the service's default is the newest first
        items = self.ok(self.http.get(f"{P}/jobs/{job_id}/results", params=params))["job_results"]
        out = []
        for item in items:
            text = item["result"] or httpx.get(item["url"], timeout=30).text
            out.append(ProgramResult.from_json(text))
        return out

    def run(
        self, platform: str, *programs: str | Program, fmt: ProgramFormat = ProgramFormat.QASM_V2, **kw: Any
    ) -> tuple[dict[str, Any], list[ProgramResult]]:
        """Session + model + job + wait; returns (final job, result payloads)."""
        session = self.session(platform)
        job = self.ok(self.submit(session["id"], self.model(*programs, fmt=fmt), **kw))
        job = self.wait(job["id"])
        return job, self.results(job["id"]) if job["status"] == "completed" else []


def help_message(response: httpx.Response) -> str:
    """The ``help_message`` of a gateway error body (``invalid_arguments`` details or ``precondition_failed``)."""
    body = response.json()
    if body.get("type") == "invalid_arguments":
        return " ".join(d["help_message"] for d in body["details"])
    return str(body.get("help_message", ""))


def decode(results: list[ProgramResult]) -> list[ExperimentResult]:
    return [exp for r in results for exp in decode_result(r)]


def within(count: int, shots: int, p: float, sigmas: float = 5.0) -> bool:
    """``count`` is within ``sigmas`` binomial standard deviations of ``shots * p``."""
    return abs(count - shots * p) <= sigmas * (shots * p * (1 - p)) ** 0.5 + 1


@pytest.fixture(scope="session")
def emu() -> Iterator[Emulator]:
    """An open-mode emulator shared by the emulator tests (tiny results served by URL above 200 kB)."""
    with Emulator(inline_result_bytes=200_000, session_start_delay=0.02) as emulator:
        yield emulator


@pytest.fixture
def api(emu: Emulator) -> Iterator[Api]:
    client = Api(emu.url)
    yield client
    client.http.close()
