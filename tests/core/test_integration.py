"""The core against the real local emulator over HTTP: sessions, splitting, results, failures."""

from __future__ import annotations

import asyncio

import pytest

from scaleway_qaas.core import Program, ProgramFormat, QaaSClient, Session, SessionStatus
from scaleway_qaas.core.job import Job
from scaleway_qaas.core.loop import blocking
from scaleway_qaas.core.managed import session_for
from scaleway_qaas.core.records import JobStatus
from scaleway_qaas.core.session import SessionSpec
from scaleway_qaas.core.submit import run, run_async
from scaleway_qaas.errors import (
    InvalidArgumentError,
    JobCancelledError,
    JobFailedError,
    JobTimeoutError,
    NotFoundError,
    SessionClosedError,
)

choose = blocking(session_for)

BELL = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;'
X0 = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[3]; creg c[3]; x q[0]; measure q -> c;'


def qasm(text: str) -> Program:
    return Program.from_text(text, ProgramFormat.QASM_V2)


@pytest.fixture
def client(scw_env) -> QaaSClient:
    return QaaSClient()


def assert_bell(counts: dict[str, int], shots: int) -> None:
    assert set(counts) <= {"00", "11"} and sum(counts.values()) == shots
    sigma = (shots * 0.25) ** 0.5
    assert abs(counts.get("00", 0) - shots / 2) < 5 * sigma


def test_aer_runs_many_programs_in_one_job_in_order(client):
    platform = client.describe_platform("EMU-AER-16C-128M")
    job = run(client, platform, [qasm(BELL), qasm(X0), qasm(BELL)], shots=400)
    assert "," not in job.job_id  # one remote job
    bell, x0, bell2 = job.result(timeout=60)
    assert_bell(bell.counts, 400)
    assert x0.counts == {"100": 400}  # classical bit 0 leftmost
    assert_bell(bell2.counts, 400)
    assert job.status() == JobStatus.COMPLETED


def test_platforms_taking_one_program_get_concurrent_jobs(client):
    platform = client.describe_platform("EMU-CUDAQ-H100")
    assert platform.max_circuits == 1
    job = run(client, platform, [qasm(X0), qasm(BELL), qasm(X0)], shots=100)
    assert len(job.ids) == 3
    results = job.result(timeout=60)
    assert [r.counts for r in (results[0], results[2])] == [{"100": 100}, {"100": 100}]
    assert_bell(results[1].counts, 100)
    again = Job.attach(client, job.job_id).result(timeout=10)
    assert [r.counts for r in again] == [r.counts for r in results]


def test_implicit_session_is_reused_then_reopened_after_termination(client):
    platform = client.describe_platform("EMU-AER-16C-128M")
    first = choose(client, platform)
    assert choose(client, platform) is first
    stale = first.id
    client.terminate_session(first.id)  # e.g. expired, or closed from the console
    job = run(client, platform, [qasm(BELL)], shots=50)
    assert_bell(job.result(timeout=60)[0].counts, 50)
    assert choose(client, platform) is first and first.id != stale  # the handle follows the fresh session
    assert client.get_job(job.ids[0]).session_id == first.id
    assert client.get_session(first.id).status in (SessionStatus.STARTING, SessionStatus.RUNNING)


def test_explicit_sessions_deduplicate_and_close_on_exit(client):
    with Session.open(
        client, "EMU-AER-16C-128M", deduplication_id="dedup-test", max_duration="10m", max_idle_duration=120
    ) as session:
        twin = Session.open(client, "EMU-AER-16C-128M", deduplication_id="dedup-test")
        assert twin.id == session.id
        assert session.info.max_duration == "600s" and session.info.max_idle_duration == "120s"
        assert session.wait_until_running(timeout=10).status == SessionStatus.RUNNING
    assert client.get_session(session.id).status in (SessionStatus.STOPPING, SessionStatus.STOPPED)
    with pytest.raises(SessionClosedError, match="stopp"):
        run(client, session.platform, [qasm(BELL)], shots=10, session=session)


def test_failed_job_raises_with_the_platforms_message(client):
    platform = client.describe_platform("EMU-AER-16C-128M")
    job = run(client, platform, [qasm("OPENQASM 2.0; qreg q[1]; frobnicate q[0];")], shots=10)
    with pytest.raises(JobFailedError, match="frobnicate") as info:
        job.result(timeout=60)
    assert info.value.job_id == job.ids[0]


def test_limits_are_checked_before_sending(client):
    platform = client.describe_platform("QPU-GARNET-20PQ")
    sessions = len(client.list_sessions())
    with pytest.raises(InvalidArgumentError, match="exceed"):
        run(client, platform, [qasm(BELL)], shots=platform.max_shots + 1)
    with pytest.raises(InvalidArgumentError, match="20"):
        run(client, platform, [qasm(BELL)], shots=10, num_qubits=21)
    with pytest.raises(InvalidArgumentError, match="empty"):
        run(client, platform, [], shots=10)
    with pytest.raises(InvalidArgumentError, match="positive"):
        run(client, platform, [qasm(BELL)], shots=0)
    assert len(client.list_sessions()) == sessions  # nothing was opened, nothing billed


def test_unknown_ids_and_platforms(client):
    with pytest.raises(NotFoundError, match="EMU-AER-16C-128M"):
        client.find_platform("EMU-AER-16C")
    with pytest.raises(NotFoundError):
        client.get_job("00000000-0000-0000-0000-000000000000")


def test_cancel_and_timeout(scw_env):
    from scaleway_qaas.emulator import Emulator

    # a session that takes long to start keeps the job waiting, deterministically
    with Emulator(session_start_delay=60) as slow:
        client = QaaSClient(url=slow.url)
        with Session.open(client, "EMU-AER-16C-128M") as session:
            job = run(client, session.platform, [qasm(BELL)], shots=10, session=session)
            with pytest.raises(JobTimeoutError, match="still waiting"):
                job.wait(timeout=0.05)
            job.cancel()
            with pytest.raises(JobCancelledError):
                job.result(timeout=10)
        client.close()


async def test_async_submissions_run_concurrently(scw_env):
    client = QaaSClient()
    platform = await client.aio.describe_platform("EMU-AER-16C-128M")

    async def one() -> dict[str, int]:
        job = await run_async(client, platform, [qasm(BELL)], shots=200)
        return (await job.result_async(timeout=60))[0].counts

    # the core's coroutines run on its own loop; this test's loop awaits them directly
    counts = await asyncio.gather(*(one() for _ in range(20)))
    for c in counts:
        assert_bell(c, 200)


def test_session_for_chooses_like_every_adapter(client):
    from scaleway_qaas.core.managed import terminate_implicit_sessions

    platform = client.describe_platform("EMU-AER-16C-128M")
    implicit = choose(client, platform)
    assert implicit is choose(client, platform, SessionSpec())
    timed = choose(client, platform, SessionSpec(max_idle_duration="2m"))
    assert timed is choose(client, platform, SessionSpec(max_idle_duration=120)) and timed.id != implicit.id
    assert timed.info.max_idle_duration == "120s"
    shared = choose(client, platform, SessionSpec(deduplication_id="shared-by-the-user"))
    assert Session.open(client, platform, deduplication_id="shared-by-the-user").id == shared.id
    mine = Session.open(client, platform)
    assert choose(client, platform, SessionSpec(session_id=mine.id)).id == mine.id

    closed = terminate_implicit_sessions()
    assert implicit.id in closed and timed.id in closed
    assert shared.id not in closed and mine.id not in closed  # joined by the user's id / opened by the user
    assert client.get_session(shared.id).is_open and client.get_session(mine.id).is_open
    mine.terminate()
    client.terminate_session(shared.id)


def test_sessions_outlive_the_client_that_opened_them(scw_env):
    """Two clients of one account share the implicit session; closing the first one's connections
    (without ``close()``) neither breaks the second nor leaves the session running at the end."""
    from scaleway_qaas.core.loop import run_sync
    from scaleway_qaas.core.managed import terminate_implicit_sessions

    first, second = QaaSClient(), QaaSClient()
    platform = first.describe_platform("EMU-AER-16C-128M")
    spec = SessionSpec(name="outlived")
    job = run(first, platform, [qasm(BELL)], shots=20, session=spec)
    run_sync(first.aio.aclose())  # its connections only: the package still holds the session
    again = run(second, platform, [qasm(BELL)], shots=20, session=spec)
    assert again.parts[0].session_id == job.parts[0].session_id
    assert_bell(again.result(timeout=60)[0].counts, 20)
    run_sync(second.aio.aclose())
    assert job.parts[0].session_id in terminate_implicit_sessions()
    assert QaaSClient().get_session(job.parts[0].session_id).status in (SessionStatus.STOPPING, SessionStatus.STOPPED)


def test_platform_names_match_ignoring_case(client):
    # the emulator's name filter is case-sensitive, as the real service's may be: the listing decides
    assert client.find_platform("emu-aer-16c-128m").name == "EMU-AER-16C-128M"
    assert client.describe_platform("Qpu-Garnet-20pq").name == "QPU-GARNET-20PQ"
    assert [p.name for p in client.list_platforms(name="emu-qsim-16c-128m")] == ["EMU-QSIM-16C-128M"]
    assert client.find_platform("EMU-AER-16C-128M").name == "EMU-AER-16C-128M"
    with pytest.raises(NotFoundError, match="did you mean EMU-AER-16C-128M"):
        client.find_platform("emu-aer-16c-128")
