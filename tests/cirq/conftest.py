"""Fixtures of the Cirq adapter tests (against the real local emulator, over real HTTP)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator

import cirq
import httpx
import pytest

from scaleway_qaas.adapters.cirq import ScalewayQuantumService, ScalewaySampler
from scaleway_qaas.core.client import QaaSClient
from scaleway_qaas.core.managed import terminate_implicit_sessions
from scaleway_qaas.core.wire import ComputationModel, Program

QSIM = "EMU-QSIM-16C-128M"
AER = "EMU-AER-16C-128M"
CUDAQ = "EMU-CUDAQ-H100"
IBEX = "QPU-IBEX-12PQ"
GARNET = "QPU-GARNET-20PQ"


@pytest.fixture
def make_sampler(scw_env: dict[str, str]):
    """Factory of samplers on the emulator (credentials from the SCW_* environment)."""

    def make(backend: str = QSIM, **kwargs) -> ScalewaySampler:
        return ScalewaySampler(backend, **kwargs)

    return make


@pytest.fixture
def service(scw_env: dict[str, str]) -> ScalewayQuantumService:
    return ScalewayQuantumService()


def within(k: int, n: int, p: float, sigmas: float = 5.0) -> bool:
    """k successes out of n are within `sigmas` binomial standard deviations of p (plus one count)."""
    return abs(k - n * p) <= sigmas * math.sqrt(n * p * (1 - p)) + 1


def asymmetric_circuit() -> cirq.Circuit:
    """X on q0 and q3 only; a 1-qubit key, a 3-qubit key in non-sorted qubit order, a key with a space."""
    q = cirq.LineQubit.range(4)
    return cirq.Circuit(
        cirq.X(q[0]),
        cirq.X(q[3]),
        cirq.measure(q[0], key="a"),
        cirq.measure(q[2], q[0], q[1], key="b"),
        cirq.measure(q[3], q[1], key="my key"),
    )


def bell() -> cirq.Circuit:
    q = cirq.LineQubit.range(2)
    return cirq.Circuit(cirq.H(q[0]), cirq.CNOT(q[0], q[1]), cirq.measure(*q, key="m"))


class RecordingTransport(httpx.AsyncHTTPTransport):
    """A real HTTP transport that keeps the requests it sends (to see what reached the service)."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await super().handle_async_request(request)

    def bodies(self, method: str, path_end: str) -> list[dict]:
        return [
            json.loads(r.content)
            for r in self.requests
            if r.method == method and r.url.path.endswith(path_end) and r.content
        ]

    def programs(self) -> list[Program]:
        """Every program sent, in order, from the ``POST /models`` payloads."""
        models = [ComputationModel.from_json(body["payload"]) for body in self.bodies("POST", "/models")]
        return [p for model in models for p in model.programs]


@pytest.fixture
def recording(scw_env: dict[str, str]) -> Iterator[tuple[QaaSClient, RecordingTransport]]:
    """A core client on the emulator whose transport records the requests."""
    transport = RecordingTransport()
    client = QaaSClient(
        url=scw_env["SCW_API_URL"],
        secret_key=scw_env["SCW_SECRET_KEY"],
        project_id=scw_env["SCW_PROJECT_ID"],
        transport=transport,
    )
    yield client, transport
    # the core shares managed sessions between clients of one URL: end those this client may hold, then close it
    terminate_implicit_sessions(scw_env["SCW_API_URL"])
    client.close()
