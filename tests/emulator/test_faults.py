"""Fault injection: deterministic from the seed, each mode behaves as documented."""

from __future__ import annotations

import uuid

import httpx
import pytest

from scaleway_qaas.emulator import Emulator, FaultConfig

from .conftest import Api, P


def outcomes(config: FaultConfig, n: int = 40) -> list[str]:
    """Status (or 'dropped') of ``n`` sequential requests."""
    seen = []
    with Emulator(faults=config) as emulator, httpx.Client(headers={"X-Auth-Token": "t"}, timeout=10) as client:
        for _ in range(n):
            try:
                seen.append(str(client.get(f"{emulator.url}{P}/platforms").status_code))
            except httpx.TransportError:
                seen.append("dropped")
    return seen


def test_faults_are_deterministic_from_the_seed() -> None:
    config = FaultConfig(rate=0.5, modes=("429", "503", "drop_before"), seed=7)
    first = outcomes(config)
    assert first == outcomes(config)
    assert {"200", "429", "503", "dropped"} <= set(first)
    expected = [{None: "200", "429": "429", "503": "503", "drop_before": "dropped"}[config.fault(i)] for i in range(40)]
    assert first == expected
    assert outcomes(FaultConfig(rate=0.5, modes=("429", "503", "drop_before"), seed=8)) != first


def test_429_carries_retry_after() -> None:
    with Emulator(faults=FaultConfig(rate=1.0, modes=("429",), retry_after=2)) as emulator:
        response = httpx.get(f"{emulator.url}{P}/platforms", headers={"X-Auth-Token": "t"})
    assert response.status_code == 429 and response.headers["retry-after"] == "2"
    assert response.json()["type"] == "quotas_exceeded"


def test_drop_after_processes_the_request() -> None:
    project = str(uuid.uuid4())
    with Emulator(faults=FaultConfig(rate=1.0, modes=("drop_after",))) as emulator:
        api = Api(emulator.url, project=project)
        payload = '{"programs": [{"serialization_format": 2, "compression_format": 1, "serialization": "x"}]}'
        with pytest.raises(httpx.TransportError):
            api.http.post(f"{P}/models", json={"project_id": project, "payload": payload})
        total, _ = emulator.store.page("models", {"project_id": project}, "created_at", 1, 10)
        assert total == 1  # created although the client never saw the answer
        assert emulator.faults is not None and emulator.faults.log[0][2] == "drop_after"


def test_delay_mode_answers_late_but_correctly() -> None:
    with Emulator(faults=FaultConfig(rate=1.0, modes=("delay",), delay=0.1)) as emulator:
        response = httpx.get(f"{emulator.url}{P}/platforms", headers={"X-Auth-Token": "t"})
    assert response.status_code == 200 and response.elapsed.total_seconds() >= 0.1


def test_invalid_fault_config() -> None:
    with pytest.raises(ValueError, match="modes"):
        FaultConfig(rate=0.1, modes=("teleport",))
    with pytest.raises(ValueError, match="rate"):
        FaultConfig(rate=2.0)
