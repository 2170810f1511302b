"""Coalesced status polling, on a mock transport that counts requests."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from scaleway_qaas.core.client import QaaSClient
from scaleway_qaas.core.config import Config
from scaleway_qaas.core.finals import JobPart
from scaleway_qaas.core.job import Job
from scaleway_qaas.core.loop import submit
from scaleway_qaas.core.polling import PollPolicy
from scaleway_qaas.core.records import JobStatus
from scaleway_qaas.core.requests import RetryPolicy
from scaleway_qaas.errors import (
    ConnectionFailedError,
    JobCancelledError,
    JobFailedError,
    JobTimeoutError,
    NotFoundError,
    ServiceUnreachableError,
)

# a loopback URL: polling starts in milliseconds there (the transport is mocked; nothing listens)
CONFIG = Config("secret-for-polling-tests", "project-1", "http://127.0.0.1:9")


class FakeJobs:
    """Jobs that complete ``ready_after`` seconds after the test starts; counts requests by kind.

    ``final`` is the status they reach (e.g. stuck in ``cancelling``); ``limited_until`` answers 429
    with ``Retry-After`` until then."""

    def __init__(self, n: int, ready_after: float, session: str = "s-1", final: str = "completed") -> None:
        self.start = time.monotonic()
        self.ready_after = ready_after
        self.final = final
        self.jobs = {f"job-{i}": session for i in range(n)}
        self.gets = 0
        self.lists = 0
        self.limited = 0
        self.down_until = 0.0
        self.limited_until = 0.0

    def status(self, job_id: str) -> str:
        return self.final if time.monotonic() - self.start >= self.ready_after else "running"

    def body(self, job_id: str) -> dict:
        return {"id": job_id, "session_id": self.jobs[job_id], "status": self.status(job_id)}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if time.monotonic() < self.down_until:
            raise httpx.ConnectError("down")
        if time.monotonic() < self.limited_until:
            self.limited += 1
            return httpx.Response(429, headers={"Retry-After": "0.05"}, json={"type": "quotas_exceeded"})
        path = request.url.path.removeprefix("/qaas/v1alpha1")
        if path == "/jobs":
            self.lists += 1
            page, size = int(request.url.params["page"]), int(request.url.params["page_size"])
            ids = sorted(self.jobs, reverse=True)
            chunk = ids[(page - 1) * size : page * size]
            return httpx.Response(200, json={"total_count": len(ids), "jobs": [self.body(i) for i in chunk]})
        job_id = path.removeprefix("/jobs/")
        self.gets += 1
        if job_id not in self.jobs:
            return httpx.Response(404, json={"type": "not_found", "message": f"job {job_id} not found"})
        return httpx.Response(200, json=self.body(job_id))


class InTurnJobs(FakeJobs):
    """Jobs that complete one after another: job ``i`` at ``first + gap * i`` seconds after the start."""

    def __init__(self, n: int, first: float, gap: float) -> None:
        super().__init__(n, ready_after=first)
        self.ready = {f"job-{i}": first + gap * i for i in range(n)}

    def status(self, job_id: str) -> str:
        return "completed" if time.monotonic() - self.start >= self.ready[job_id] else "running"


def client_for(fake: FakeJobs) -> QaaSClient:
    retry = RetryPolicy(max_attempts=2, initial_delay=0.001, max_delay=0.002)
    return QaaSClient(CONFIG, retry=retry, transport=httpx.MockTransport(fake))


def test_many_waiting_jobs_share_one_poll_per_tick():
    fake = FakeJobs(40, ready_after=0.3)
    client = client_for(fake)
    jobs = [Job(client, [JobPart(i, "s-1", tuple(range(1)))]) for i in fake.jobs]

    async def wait_all() -> list[JobStatus]:
        return await asyncio.gather(*(job.wait_async(timeout=10) for job in jobs))

    assert submit(wait_all()).result(20) == [JobStatus.COMPLETED] * 40
    # one job polled alone would need ~10 polls in 0.3 s; 40 of them, ~400 GETs
    assert fake.gets <= 2
    assert 3 <= fake.lists <= 40


def test_jobs_finishing_in_turn_have_the_last_one_noticed_soon_after_it_finishes():
    fake = InTurnJobs(10, first=1.0, gap=0.1)  # the last one completes at 1.9 s
    # backing off fast: polls at 0.01, 0.04, 0.13, 0.4, 1.21 s, then every 2 s (the last seen at 3.21 s)
    poll = PollPolicy(initial_interval=0.01, factor=3.0, max_interval=2.0, show_progress=False)
    job = Job(client_for(fake), [JobPart(i, "s-1", (n,)) for n, i in enumerate(fake.jobs)], poll)
    assert job.wait(timeout=10) == JobStatus.COMPLETED
    late = time.monotonic() - fake.start - max(fake.ready.values())
    assert 0 <= late < 0.35, late  # polled sooner as jobs finish: within about half a gap
    assert fake.lists <= 30  # about two polls per job finished, not a busy loop


def test_polling_backs_off_while_nothing_finishes_between_finishing_jobs():
    fake = InTurnJobs(10, first=0.2, gap=0.0)
    fake.ready.update({f"job-{i}": 1.5 for i in range(5, 10)})  # half at 0.2 s, the rest at 1.5 s
    poll = PollPolicy(initial_interval=0.01, factor=1.5, max_interval=2.0, show_progress=False)
    job = Job(client_for(fake), [JobPart(i, "s-1", (n,)) for n, i in enumerate(fake.jobs)], poll)
    assert job.wait(timeout=10) == JobStatus.COMPLETED
    assert fake.lists <= 25  # the polls brought forward at 0.2 s back off again until 1.5 s


def test_a_lone_job_is_polled_directly_and_fast():
    fake = FakeJobs(1, ready_after=0.05)
    job = Job(client_for(fake), [JobPart("job-0", "s-1", tuple(range(1)))])
    started = time.monotonic()
    assert job.wait(timeout=5) == JobStatus.COMPLETED
    assert time.monotonic() - started < 0.2  # adaptive: no multi-second sleep
    assert fake.lists == 0 and fake.gets >= 2


def test_timeout_stops_polling_for_the_job():
    fake = FakeJobs(1, ready_after=60)
    job = Job(client_for(fake), [JobPart("job-0", "s-1", tuple(range(1)))])
    with pytest.raises(JobTimeoutError, match=r"still running after 0\.1 s"):
        job.wait(timeout=0.1)
    polls = fake.gets
    time.sleep(0.3)
    assert fake.gets == polls  # nobody waits: the board stopped


def test_polling_rides_over_an_outage():
    fake = FakeJobs(2, ready_after=0.4)
    fake.down_until = time.monotonic() + 0.3  # every request fails for 0.3 s
    client = client_for(fake)
    jobs = [Job(client, [JobPart(i, "s-1", tuple(range(1)))]) for i in fake.jobs]

    async def wait_all() -> list[JobStatus]:
        return await asyncio.gather(*(job.wait_async(timeout=10) for job in jobs))

    assert submit(wait_all()).result(20) == [JobStatus.COMPLETED] * 2


def test_outage_longer_than_the_policy_fails_the_waiters_naming_the_url_and_every_job():
    fake = FakeJobs(2, ready_after=10)
    fake.down_until = time.monotonic() + 30
    parts = [JobPart("job-0", "s-1", (0,)), JobPart("job-1", "s-1", (1,))]
    job = Job(client_for(fake), parts, PollPolicy(max_outage=0.2))
    started = time.monotonic()
    with pytest.raises(ConnectionFailedError, match="cannot reach") as info:
        job.wait(timeout=10)
    assert time.monotonic() - started < 2
    assert isinstance(info.value, ServiceUnreachableError)
    assert info.value.url == CONFIG.api_url and info.value.job_ids == ("job-0", "job-1")
    message = str(info.value)
    assert CONFIG.api_url in message and "job-0,job-1" in message and "may still be running" in message
    assert "Job.attach(client, 'job-0,job-1')" in message and "scaleway-qaas jobs show job-0" in message


def test_the_default_policy_gives_up_after_about_a_minute():
    assert 30 <= PollPolicy().max_outage <= 120


def test_a_poll_that_never_answers_ends_the_wait_after_max_outage():
    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(3600)  # a service that accepts and never answers (no HTTP timeout applies here)
        raise AssertionError("unreachable")

    client = QaaSClient(CONFIG, transport=httpx.MockTransport(hang))
    job = Job(client, [JobPart("job-0", "s-1", (0,))], PollPolicy(max_outage=0.3, show_progress=False))
    started = time.monotonic()
    with pytest.raises(ServiceUnreachableError, match=r"unreachable for \d+ s .*no answer to a status poll"):
        job.wait(timeout=10)
    assert time.monotonic() - started < 2


def test_a_timeout_while_the_service_is_unreachable_does_not_claim_the_job_runs():
    fake = FakeJobs(1, ready_after=10)
    client = client_for(fake)
    job = Job(client, [JobPart("job-0", "s-1", (0,))], PollPolicy(max_outage=30, show_progress=False))
    fake.down_until = time.monotonic() + 30
    with pytest.raises(JobTimeoutError) as info:
        job.wait(timeout=0.3)
    message = str(info.value)
    assert "keeps running" not in message and "still running" not in message, message
    assert f"the QaaS API at {CONFIG.api_url}" in message and "unreachable" in message, message
    assert "may still be running on the service" in message and "Job.attach(client, 'job-0')" in message


def test_a_deleted_job_fails_only_its_own_waiter():
    fake = FakeJobs(2, ready_after=0.1)
    client = client_for(fake)
    gone = Job(client, [JobPart("job-deleted", "s-1", tuple(range(1)))])
    alive = Job(client, [JobPart("job-0", "s-1", tuple(range(1)))])

    async def both() -> list[object]:
        return await asyncio.gather(gone.wait_async(timeout=5), alive.wait_async(timeout=5), return_exceptions=True)

    outcome = submit(both()).result(20)
    assert isinstance(outcome[0], NotFoundError)
    assert outcome[1] == JobStatus.COMPLETED


def test_first_poll_waits_longer_against_a_remote_host():
    assert PollPolicy.for_url("http://127.0.0.1:8080").initial_interval <= 0.005
    assert PollPolicy.for_url("http://localhost:8080").initial_interval <= 0.005
    assert 0.05 <= PollPolicy.for_url("https://api.scaleway.com").initial_interval <= 0.2


def test_polling_rides_over_rate_limiting_honouring_retry_after():
    """Seconds of 429 while polling do not fail the job (they did: RateLimitedError)."""
    fake = FakeJobs(1, ready_after=0.2)
    fake.limited_until = time.monotonic() + 1.0
    job = Job(client_for(fake), [JobPart("job-0", "s-1", (0,))])
    assert job.wait(timeout=10) == JobStatus.COMPLETED
    assert fake.limited >= 2


def test_a_job_stuck_in_cancelling_ends_the_wait_with_a_clear_error():
    fake = FakeJobs(1, ready_after=0.0, final="cancelling")
    job = Job(client_for(fake), [JobPart("job-0", "s-1", (0,))], PollPolicy(initial_interval=0.002, stuck_after=0.3))
    started = time.monotonic()
    with pytest.raises(JobCancelledError, match="still cancelling"):
        job.result(timeout=10)
    assert time.monotonic() - started < 5


def test_a_job_stuck_in_unknown_status_ends_the_wait_with_a_clear_error():
    fake = FakeJobs(1, ready_after=0.0, final="some_future_status")  # unknown values map to unknown_status
    job = Job(client_for(fake), [JobPart("job-0", "s-1", (0,))], PollPolicy(initial_interval=0.002, stuck_after=0.3))
    with pytest.raises(JobFailedError, match="unknown_status"):
        job.result(timeout=10)


def test_a_job_stuck_in_cancelling_without_grace_hits_the_timeout():
    fake = FakeJobs(1, ready_after=0.0, final="cancelling")
    job = Job(client_for(fake), [JobPart("job-0", "s-1", (0,))], PollPolicy(initial_interval=0.002, stuck_after=60))
    with pytest.raises(JobTimeoutError, match="cancelling"):
        job.result(timeout=0.3)
