"""Issue #10: jobs through the core client survive ~20 % injected faults (429, 503, dropped
connections before/after processing, delays) and the server holds exactly one job per submission."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest

from scaleway_qaas.core import QaaSClient, Session
from scaleway_qaas.core.errors import JobTimeoutError
from scaleway_qaas.core.managed import terminate_implicit_sessions
from scaleway_qaas.core.submit import run, run_async
from scaleway_qaas.emulator import Emulator
from scaleway_qaas.emulator.faults import MODES, FaultConfig

from .conftest import BELL, PROJECT, SECRET, assert_bell, qasm

SHOTS = 64


@pytest.fixture(scope="module")
def faulty() -> Iterator[Emulator]:
    """An emulator failing ~20 % of requests in every mode, deterministically seeded."""
    config = FaultConfig(rate=0.2, seed=10, delay=0.05, retry_after=0)
    with Emulator(faults=config, seed=3, workers=4) as emulator:
        yield emulator
        terminate_implicit_sessions(emulator.url)


def _client(url: str) -> QaaSClient:
    return QaaSClient(secret_key=SECRET, project_id=PROJECT, url=url)


def _jobs_on_server(emulator: Emulator, session_id: str | None = None) -> list[dict]:
    """Read the jobs straight from the store: a path with no fault injection."""
    where = {"project_id": PROJECT, **({"session_id": session_id} if session_id else {})}
    _total, rows = emulator.store.page("jobs", where, "seq ASC", 1, 1_000_000)
    return rows


def _check(emulator: Emulator, session: Session, n: int, job_ids: list[str]) -> None:
    rows = _jobs_on_server(emulator, session.id)
    assert len(rows) == n, f"server holds {len(rows)} jobs for {n} submissions"
    assert sorted(r["id"] for r in rows) == sorted(job_ids)
    assert all(r["status"] == "completed" for r in rows)
    injected = Counter(mode for _n, _path, mode in emulator.faults.log)  # type: ignore[union-attr]
    assert set(injected) == set(MODES), injected  # every fault mode did happen
    total = len(emulator.faults.log)  # type: ignore[union-attr]
    assert total >= n // 2
    print(f"\n{n} jobs, {total} faults injected so far ({dict(injected)}), all {n} completed, 0 lost")


def _run_sync(emulator: Emulator, n: int) -> None:
    client = _client(emulator.url)
    platform = client.describe_platform("EMU-AER-16C-128M")
    with Session.open(client, platform, deduplication_id=uuid.uuid4().hex, max_idle_duration="10m") as session:
        jobs = [run(client, platform, [qasm(BELL)], shots=SHOTS, session=session) for _ in range(n)]
        for job in jobs:
            (result,) = job.result(timeout=120)
            assert_bell(result.counts, SHOTS)
        _check(emulator, session, n, [j.job_id for j in jobs])


def _run_async(emulator: Emulator, n: int) -> None:
    client = _client(emulator.url)
    platform = client.describe_platform("EMU-AER-16C-128M")

    async def one(session: Session) -> tuple[str, dict[str, int]]:
        job = await run_async(client, platform, [qasm(BELL)], shots=SHOTS, session=session)
        (result,) = await job.result_async(timeout=120)
        return job.job_id, result.counts

    async def all_of(session: Session) -> list[tuple[str, dict[str, int]]]:
        return await asyncio.gather(*(one(session) for _ in range(n)))

    with Session.open(client, platform, deduplication_id=uuid.uuid4().hex) as session:
        # the core's coroutines run on its background loop; any other loop awaits them
        try:
            outcomes = asyncio.run(all_of(session))
        except JobTimeoutError as exc:  # say where the job is stuck: on the server, or only in the client's view
            late = [(r["id"], r["status"]) for r in _jobs_on_server(emulator, session.id) if r["status"] != "completed"]
            pool = emulator.pool
            raise AssertionError(
                f"{exc}; server: {late}; pool: {len(pool._queue)} queued, {len(pool._pending)} pending, "
                f"running {sorted(pool._running)}"
            ) from exc
        for _job_id, counts in outcomes:
            assert_bell(counts, SHOTS)
        _check(emulator, session, n, [job_id for job_id, _ in outcomes])


def test_sync_jobs_under_faults(faulty):
    _run_sync(faulty, 60)


def test_async_jobs_under_faults(faulty):
    _run_async(faulty, 60)


@pytest.mark.stress
def test_sync_jobs_under_faults_stress(faulty):
    _run_sync(faulty, 500)


@pytest.mark.stress
def test_async_jobs_under_faults_stress(faulty):
    _run_async(faulty, 500)


def test_qiskit_backend_run_under_faults(faulty):
    import qiskit

    from scaleway_qaas.adapters.qiskit import ScalewayProvider

    provider = ScalewayProvider(project_id=PROJECT, secret_key=SECRET, url=faulty.url)
    backend = provider.get_backend("EMU-AER-16C-128M")
    circuit = qiskit.QuantumCircuit(2, 2)
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.measure([0, 1], [0, 1])
    before = len(_jobs_on_server(faulty))
    jobs = [backend.run(circuit, shots=SHOTS) for _ in range(15)]
    for job in jobs:
        assert_bell(job.result().get_counts(), SHOTS)
    assert len(_jobs_on_server(faulty)) == before + 15
