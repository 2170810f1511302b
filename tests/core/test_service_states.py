"""States of the service the default emulator never shows, set on a real emulator of this module's own.

Intermediate results beside the final ones, platforms in maintenance or shortage, sessions that
stop while idle or under waiting jobs: each is produced in the emulator's store or settings, and
the client is driven through real HTTP.
"""

from __future__ import annotations

import concurrent.futures
import time
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest

from scaleway_qaas.core import (
    Program,
    ProgramFormat,
    QaaSClient,
    Session,
    SessionSpec,
    run,
    terminate_implicit_sessions,
)
from scaleway_qaas.core import job as job_module
from scaleway_qaas.emulator import Emulator
from scaleway_qaas.errors import PlatformShortageWarning, PlatformUnavailableError, SessionClosedError

AER = "EMU-AER-16C-128M"
QSIM = "EMU-QSIM-16C-128M"


def qasm(*gates: str, n: int = 2) -> Program:
    body = "".join(f"{g};\n" for g in gates)
    return Program.from_text(
        f'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[{n}];\ncreg c[{n}];\n{body}measure q -> c;\n',
        ProgramFormat.QASM_V2,
    )


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(workers=1) as emu:
        yield emu


@pytest.fixture
def client(emulator: Emulator) -> Iterator[QaaSClient]:
    """A fresh project on the module's emulator; its managed sessions end with the test."""
    with QaaSClient(url=emulator.url, secret_key=f"states-{uuid.uuid4().hex}", project_id=str(uuid.uuid4())) as c:
        yield c


# --- item 10: intermediate results ---------------------------------------------------------------


def add_result(emulator: Emulator, job_id: str, text: str, *, idx: int, age: float) -> None:
    """A result row for ``job_id``, created ``age`` seconds before now, listed at position ``idx``."""
    with emulator.store._lock:
        emulator.store._db.execute(
            "INSERT INTO results (job_id, idx, result, created_at, token) VALUES (?, ?, ?, ?, ?)",
            (job_id, idx, text, time.time() - age, uuid.uuid4().hex),
        )


@pytest.mark.parametrize("listed", ["before", "after"])
@pytest.mark.parametrize("platform_name", [AER, QSIM])
def test_intermediate_results_are_skipped_for_the_final_ones(
    emulator: Emulator, client: QaaSClient, platform_name: str, listed: str
) -> None:
    """An older result of another outcome (an intermediate one) beside the final one: the final one is
    returned, whether the server lists it before or after (ordered by ``created_at``)."""
    platform = client.describe_platform(platform_name)
    other = run(client, platform, [qasm()], shots=30)  # all zeros: the "intermediate" outcome
    other.result()
    [other_text] = [row["result"] for row in emulator.store.results(other.ids[0])]
    job = run(client, platform, [qasm("x q[0]")], shots=50)
    job.wait()
    add_result(emulator, job.ids[0], other_text, idx=-1 if listed == "before" else 99, age=5.0)
    assert len(client.list_job_results(job.ids[0])) == 2
    [result] = job.result()
    assert result.counts == {"10": 50}


def test_a_job_of_several_programs_keeps_the_last_results(emulator: Emulator, client: QaaSClient) -> None:
    """Two older results per job (more results than programs): the newest ones, one per program, are kept."""
    platform = client.describe_platform(QSIM)  # one result per program
    zeros = run(client, platform, [qasm()], shots=20)
    zeros.result()
    [zeros_text] = [row["result"] for row in emulator.store.results(zeros.ids[0])]
    job = run(client, platform, [qasm("x q[0]"), qasm("x q[1]")], shots=20)
    job.wait()
    for part in job.parts:
        for idx in (-2, -1):
            add_result(emulator, part.job_id, zeros_text, idx=idx, age=9.0 + idx)
    assert [r.counts for r in job.result()] == [{"10": 20}, {"01": 20}]


# --- item 7: platforms in maintenance or shortage -----------------------------------------------


@pytest.fixture
def availability(emulator: Emulator) -> Iterator[Callable[[str, str], None]]:
    """Set platforms' availability on the module's emulator; back to ``available`` after the test."""
    changed: list[str] = []

    def set_(name: str, value: str) -> None:
        emulator.set_availability(name, value)
        changed.append(name)

    yield set_
    for name in changed:
        emulator.set_availability(name, "available")


def test_a_platform_in_maintenance_is_refused_before_a_session_is_opened(
    client: QaaSClient, availability: Callable[[str, str], None]
) -> None:
    availability("EMU-AER-2L4", "maintenance")
    platform = client.describe_platform("EMU-AER-2L4")
    with pytest.raises(PlatformUnavailableError, match=r"EMU-AER-2L4 is in maintenance.*no session was opened"):
        run(client, platform, [qasm("x q[0]")], shots=10)
    with pytest.raises(PlatformUnavailableError, match="maintenance"):
        Session.open(client, "EMU-AER-2L4")
    assert client.list_sessions() == []


def test_every_adapter_reads_the_refusal_from_the_core(
    emulator: Emulator, client: QaaSClient, availability: Callable[[str, str], None]
) -> None:
    from qiskit import QuantumCircuit

    from scaleway_qaas.adapters.qiskit import ScalewayProvider

    availability("EMU-AER-2L40S", "maintenance")
    config = client.config
    provider = ScalewayProvider(url=config.api_url, secret_key=config.secret_key, project_id=config.project_id)
    qc = QuantumCircuit(1, 1)
    qc.measure(0, 0)
    with pytest.raises(PlatformUnavailableError, match="EMU-AER-2L40S is in maintenance"):
        provider.get_backend("EMU-AER-2L40S").run(qc, shots=5)
    assert client.list_sessions() == []


def test_a_shortage_warns_once_per_platform_and_runs(
    client: QaaSClient, availability: Callable[[str, str], None]
) -> None:
    availability("EMU-AER-4L40S", "shortage")
    platform = client.describe_platform("EMU-AER-4L40S")
    with pytest.warns(PlatformShortageWarning, match="EMU-AER-4L40S reports a shortage.*may wait long") as caught:
        [first] = run(client, platform, [qasm("x q[0]")], shots=10).result()
        terminate_implicit_sessions(client=client)  # the next run opens a session again: still one warning
        [second] = run(client, platform, [qasm("x q[1]")], shots=10).result()
    assert (first.counts, second.counts) == ({"10": 10}, {"01": 10})
    assert len([w for w in caught if issubclass(w.category, PlatformShortageWarning)]) == 1


# --- item 8: sessions that stop while idle, or under waiting jobs -------------------------------


@pytest.fixture(scope="module")
def slow_emulator() -> Iterator[Emulator]:
    """Sessions start 0.6 s after creation: a job submitted at once stays ``waiting`` that long."""
    with Emulator(workers=1, session_start_delay=0.6) as emu:
        yield emu


class Recording(httpx.AsyncBaseTransport):
    """Real HTTP, with every exchange noted as (method, path, status)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.log: list[tuple[str, str, int]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        self.log.append((request.method, request.url.path.removeprefix("/qaas/v1alpha1"), response.status_code))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def recording() -> Recording:
    return Recording()


@pytest.fixture
def slow_client(slow_emulator: Emulator, recording: Recording) -> Iterator[QaaSClient]:
    project, key = str(uuid.uuid4()), f"states-{uuid.uuid4().hex}"
    with QaaSClient(url=slow_emulator.url, secret_key=key, project_id=project, transport=recording) as c:
        yield c


def stop_leaving_jobs_waiting(emulator: Emulator, session_id: str) -> None:
    """Stop a session the way a service might: its waiting jobs stay ``waiting`` (the emulator itself cancels
    them), so that they never run."""
    now = time.time()
    with emulator.store._lock:
        emulator.store._update("sessions", session_id, {"status": "stopped", "terminated_at": now, "updated_at": now})


@pytest.fixture
def quick_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(job_module, "SESSION_CHECK_EVERY", 0.2)


def test_a_managed_session_stopped_while_idle_is_read_before_the_next_job(
    slow_client: QaaSClient, recording: Recording
) -> None:
    """No job is refused: the session, idle longer than half its max_idle_duration, is read first and
    reopened (as CUDA-Q's helper reads its session before every submission)."""
    platform, spec = slow_client.describe_platform(AER), SessionSpec(max_idle_duration="1s")
    first = run(slow_client, platform, [qasm("x q[0]")], shots=10, session=spec)
    first.result()
    old = first.parts[0].session_id
    assert old is not None
    deadline = time.monotonic() + 10
    while slow_client.get_session(old).status.value != "stopped":  # the emulator's idle timeout
        assert time.monotonic() < deadline
        time.sleep(0.05)
    log = recording.log
    log.clear()
    second = run(slow_client, platform, [qasm("x q[1]")], shots=10, session=spec)
    assert second.result()[0].counts == {"01": 10}
    assert ("GET", f"/sessions/{old}", 200) in log
    assert [e for e in log if e[:2] == ("POST", "/jobs")] == [("POST", "/jobs", 200)]  # none refused
    assert second.parts[0].session_id != old


def test_jobs_waiting_in_a_managed_session_that_stopped_are_submitted_again_once(
    slow_emulator: Emulator, slow_client: QaaSClient, quick_checks: None
) -> None:
    platform = slow_client.describe_platform(QSIM)
    job = run(slow_client, platform, [qasm("x q[0]")], shots=20)
    [stranded] = job.parts
    assert stranded.session_id is not None
    stop_leaving_jobs_waiting(slow_emulator, stranded.session_id)
    [result] = job.result(timeout=30)
    assert result.counts == {"10": 20}
    [fresh] = job.parts
    assert fresh.job_id != stranded.job_id and fresh.session_id != stranded.session_id
    assert slow_client.get_job(stranded.job_id).status.value == "cancelled"


def test_jobs_stranded_twice_raise_naming_the_session_and_jobs(quick_checks: None) -> None:
    # sessions that never start within the test: the reopened one is stopped before it can run the job,
    # however loaded the machine is (with the module's 0.6 s, a loaded machine could lose that race)
    with (
        Emulator(workers=1, session_start_delay=60.0) as stalled,
        QaaSClient(url=stalled.url, secret_key=f"states-{uuid.uuid4().hex}", project_id=str(uuid.uuid4())) as client,
    ):
        platform = client.describe_platform(QSIM)
        job = run(client, platform, [qasm("x q[0]")], shots=20)
        first = job.parts[0].session_id
        assert first is not None
        stop_leaving_jobs_waiting(stalled, first)
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            waiting = pool.submit(job.result, 30)
            deadline = time.monotonic() + 10
            # the reopened session, once the job is in it (stopped before that, the job is refused with HTTP 412)
            while not (
                fresh := [
                    s
                    for s in client.list_sessions()
                    if s.id != first and s.status.is_open and stalled.store.job_counts(s.id)[0] > 0
                ]
            ):
                assert time.monotonic() < deadline, "no session was reopened"
                time.sleep(0.02)
            stop_leaving_jobs_waiting(stalled, fresh[0].id)
            pattern = rf"session {fresh[0].id} is stopped while job\(s\) \S+ still"
            with pytest.raises(SessionClosedError, match=pattern):
                waiting.result()


def test_jobs_waiting_in_a_stopped_session_of_the_users_raise_a_clear_error(
    slow_emulator: Emulator, slow_client: QaaSClient, quick_checks: None
) -> None:
    with Session.open(slow_client, QSIM) as session:
        job = run(slow_client, session.platform, [qasm("x q[0]")], shots=20, session=session)
        stop_leaving_jobs_waiting(slow_emulator, session.id)
        pattern = rf"session {session.id} is stopped while job\(s\) {job.ids[0]} still wait in it: they will not run"
        with pytest.raises(SessionClosedError, match=pattern):
            job.result(timeout=10)
