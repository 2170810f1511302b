"""Resuming runs against the real local emulator (issue 25): reattach, resubmit what failed, run anew
once delivered, find the jobs by tag, fetch from a stopped session without opening one."""

from __future__ import annotations

import gc
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from scaleway_qaas.core import Program, ProgramFormat, QaaSClient
from scaleway_qaas.core.config import journal_path
from scaleway_qaas.core.errors import InvalidArgumentError, JobCancelledError
from scaleway_qaas.core.job import Job
from scaleway_qaas.core.journal import Journal
from scaleway_qaas.core.resume import find_run
from scaleway_qaas.core.submit import ProgramStream, run

N = 51  # 2 jobs (50 and 1 programs) on QPU-IBEX-12PQ


def programs(n: int = N, salt: str = "") -> list[Program]:
    """Program i prepares the bits of i on 7 qubits (its result tells where it went)."""
    out = []
    for i in range(n):
        flips = " ".join(f"x q[{b}];" for b in range(7) if i >> b & 1)
        text = f'OPENQASM 2.0; include "qelib1.inc"; qreg q[7]; creg c[7]; {flips} measure q -> c; // {salt}'
        out.append(Program.from_text(text, ProgramFormat.QASM_V2))
    return out


def assert_in_order(results: list, n: int = N) -> None:
    """Program i's most frequent outcome is i (the core's bit order: clbit 0 first)."""
    assert [max(r.counts, key=r.counts.get) for r in results] == [format(i, "07b")[::-1] for i in range(n)]


@pytest.fixture
def client(scw_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[QaaSClient]:
    monkeypatch.delenv("SCW_QAAS_RESUME")  # the default: "local" on QPUs, "off" on simulators
    monkeypatch.setenv("SCW_QAAS_JOURNAL", str(tmp_path / "journal.sqlite"))
    with QaaSClient() as c:
        yield c


def _submit(client: QaaSClient, salt: str, **kwargs: object) -> list[str]:
    """Submit and drop the job undelivered (as a killed process would)."""
    job = run(client, client.describe_platform("QPU-IBEX-12PQ"), programs(salt=salt), shots=10, **kwargs)
    ids = job.ids
    del job
    gc.collect()
    return ids


def test_reattach_then_run_anew_once_delivered(client: QaaSClient) -> None:
    salt = uuid.uuid4().hex
    ibex = client.describe_platform("QPU-IBEX-12PQ")
    held = run(client, ibex, programs(salt=salt), shots=10)
    repeat = run(client, ibex, programs(salt=salt), shots=10)  # the first is still held: a repeat, run anew
    assert set(repeat.ids).isdisjoint(held.ids) and len(held.ids) == 2
    first, repeated = held.ids, repeat.ids
    del held, repeat
    gc.collect()
    again = run(client, ibex, programs(salt=salt), shots=10)
    assert again.ids == first
    assert_in_order(again.result())
    other = run(client, ibex, programs(salt=salt), shots=10)
    assert other.ids == repeated  # the other undelivered one
    other.result()
    fresh = run(client, ibex, programs(salt=salt), shots=10)
    assert set(fresh.ids).isdisjoint(first + repeated)


def test_a_new_shot_count_option_or_label_is_a_new_run(client: QaaSClient) -> None:
    salt = uuid.uuid4().hex
    ids = _submit(client, salt)
    for kwargs in ({"shots": 11}, {"options": {"memory": True}}, {"label": "mine"}):
        job = run(client, client.describe_platform("QPU-IBEX-12PQ"), programs(salt=salt), **{"shots": 10, **kwargs})
        assert set(job.ids).isdisjoint(ids), kwargs
    assert _submit(client, salt) == ids


def test_failed_cancelled_or_deleted_jobs_are_resubmitted(client: QaaSClient) -> None:
    salt = uuid.uuid4().hex
    first = _submit(client, salt)
    Job.attach(client, ",".join(first)).wait(timeout=60)
    client.delete_job(first[1])
    again = run(client, client.describe_platform("QPU-IBEX-12PQ"), programs(salt=salt), shots=10)
    assert again.ids[0] == first[0] and again.ids[1] not in first
    assert_in_order(again.result())


def test_a_cancelled_part_is_resubmitted_the_others_reattached(client: QaaSClient) -> None:
    from scaleway_qaas.emulator import Emulator

    with (
        Emulator(session_start_delay=60) as emulator,  # the jobs wait: one can be cancelled
        QaaSClient(secret_key="s" * 20, project_id=client.config.project_id, url=emulator.url) as slow,
    ):
        first = _submit(slow, "cancelled")
        slow.cancel_job(first[0])
        again = run(slow, slow.describe_platform("QPU-IBEX-12PQ"), programs(salt="cancelled"), shots=10)
        assert again.ids[1:] == first[1:] and again.ids[0] not in first
        assert len(slow.list_jobs()) == 3


def test_journal_gone_resume_service_finds_the_jobs_by_tag(client: QaaSClient, tmp_path: Path) -> None:
    salt = uuid.uuid4().hex
    first = _submit(client, salt, label="by tag")
    assert Journal(tmp_path / "journal.sqlite").clear() == 1
    local = run(client, client.describe_platform("QPU-IBEX-12PQ"), programs(salt=salt), shots=10, label="by tag")
    assert set(local.ids).isdisjoint(first)  # the journal knows nothing: "local" runs anew
    local.result()
    again = run(
        client,
        client.describe_platform("QPU-IBEX-12PQ"),
        programs(salt=salt),
        shots=10,
        label="by tag",
        resume="service",
    )
    assert again.ids == first  # the delivered run is known to the journal: not taken
    assert_in_order(again.result())
    tagged = client.list_jobs(tags=["qaas-label:by tag"])
    assert {j.id for j in tagged} == set(first) | set(local.ids)


def test_finished_jobs_of_a_stopped_session_are_fetched_without_a_session(client: QaaSClient) -> None:
    salt = uuid.uuid4().hex
    first = _submit(client, salt)
    Job.attach(client, ",".join(first)).wait(timeout=60)
    client.terminate_session(client.get_job(first[0]).session_id)
    sessions = {s.id for s in client.list_sessions()}
    again = run(client, client.describe_platform("QPU-IBEX-12PQ"), programs(salt=salt), shots=10)
    assert again.ids == first
    assert_in_order(again.result())
    assert {s.id for s in client.list_sessions()} == sessions


def test_simulators_run_anew_by_default_and_resume_off_writes_nothing(client: QaaSClient, tmp_path: Path) -> None:
    aer = client.describe_platform("EMU-AER-16C-128M")
    first = run(client, aer, programs(4), shots=10)
    assert set(run(client, aer, programs(4), shots=10).ids).isdisjoint(first.ids)
    off = run(client, client.describe_platform("QPU-IBEX-12PQ"), programs(2), shots=10, resume="off")
    assert Journal(tmp_path / "journal.sqlite").entries() == []
    assert any(t.startswith("qaas-key:") for t in client.get_job(off.ids[0]).tags or ())  # tags whatever the mode
    run(client, aer, programs(4), shots=10, resume="local")
    assert [e.platform for e in Journal(tmp_path / "journal.sqlite").entries()] == [aer.name]


def test_a_run_found_by_key_gives_its_results_in_order(client: QaaSClient, tmp_path: Path) -> None:
    salt = uuid.uuid4().hex
    first = _submit(client, salt)
    (entry,) = Journal(tmp_path / "journal.sqlite").entries()
    assert find_run(client, entry.key).ids == first
    Journal(tmp_path / "journal.sqlite").clear()
    from_service = find_run(client, entry.key)  # by tag, in part order
    assert from_service.ids == first
    assert_in_order(from_service.result())
    with pytest.raises(LookupError, match="no job of run"):
        find_run(client, "0" * 64)


def test_bad_label(client: QaaSClient) -> None:
    for label in ("x" * 201, "a,b", " "):
        with pytest.raises(InvalidArgumentError, match="label= must be a non-empty string of at most 200 characters"):
            run(client, client.describe_platform("QPU-IBEX-12PQ"), programs(1), shots=10, label=label)


def test_jobs_resubmitted_after_their_session_stopped_are_tagged_and_journaled(
    client: QaaSClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from scaleway_qaas.core import job as job_module
    from scaleway_qaas.emulator import Emulator

    monkeypatch.setattr(job_module, "SESSION_CHECK_EVERY", 0.05)
    with (
        Emulator(session_start_delay=1) as emulator,
        QaaSClient(secret_key="s" * 20, project_id=client.config.project_id, url=emulator.url) as slow,
    ):
        job = run(slow, slow.describe_platform("QPU-IBEX-12PQ"), programs(salt="stopped"), shots=10)
        first = job.ids
        stopped, now = job.parts[0].session_id, time.time()
        with emulator.store._lock:  # stopped as a service might: its waiting jobs stay waiting, never to run
            emulator.store._update("sessions", stopped, {"status": "stopped", "terminated_at": now, "updated_at": now})
        assert_in_order(job.result(timeout=60))
        assert set(job.ids).isdisjoint(first)
        (entry,) = Journal(tmp_path / "journal.sqlite").entries()
        assert [p.job_id for _, p in sorted(entry.parts.items())] == job.ids and entry.delivered_at is not None
        for number, job_id in enumerate(job.ids):
            assert f"qaas-part:{number}/2" in (slow.get_job(job_id).tags or ())


def test_a_later_part_cancelled_while_the_first_waits_raises_job_cancelled(client: QaaSClient) -> None:
    from scaleway_qaas.emulator import Emulator

    with (
        Emulator(session_start_delay=60) as emulator,  # nothing runs: part 0 keeps waiting
        QaaSClient(secret_key="s" * 20, project_id=client.config.project_id, url=emulator.url) as slow,
    ):
        job = run(slow, slow.describe_platform("QPU-IBEX-12PQ"), programs(salt="later"), shots=10, resume="off")
        slow.cancel_job(job.ids[1])
        with pytest.raises(JobCancelledError, match=f"job {job.ids[1]} was cancelled"):
            job.result(timeout=30)
        slow.cancel_job(job.ids[0])


def test_a_streamed_run_on_a_qpu_is_named_and_reattached(client: QaaSClient) -> None:
    """A sweep streamed by an adapter (Qiskit's Sampler, Cirq and PennyLane sweeps) resumes like a list: the core
    produces it whole first when the run resumes (the default on QPUs), so a rerun reattaches; on a simulator
    (resume off by default) it stays a stream, not journaled."""
    salt = uuid.uuid4().hex
    ibex = client.describe_platform("QPU-IBEX-12PQ")
    first = run(client, ibex, ProgramStream(iter(programs(salt=salt)), N), shots=10)
    ids = first.ids
    del first
    gc.collect()
    again = run(client, ibex, ProgramStream(iter(programs(salt=salt)), N), shots=10)
    assert again.ids == ids
    assert_in_order(again.result())
    aer = client.describe_platform("EMU-AER-16C-128M")
    streamed = run(client, aer, ProgramStream(iter(programs(salt=salt)), N), shots=10)
    assert [entry.platform for entry in Journal(journal_path()).entries()] == ["QPU-IBEX-12PQ"]
    assert_in_order(streamed.result())
