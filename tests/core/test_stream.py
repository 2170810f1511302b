"""A ProgramStream through the real emulator: jobs are created while later programs are still produced,
the client holds a few jobs' programs at a time, and results are those of the same programs as a list."""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence

import pytest

from scaleway_qaas.core import (
    ExperimentResult,
    JobStatus,
    Program,
    ProgramFormat,
    ProgramStream,
    QaaSClient,
    run,
    run_nowait,
)
from scaleway_qaas.core.submit import creation_window
from scaleway_qaas.emulator import Emulator

COUNT = 12


def program(i: int) -> Program:
    gates = "".join(f"x q[{b}];" for b in range(3) if i >> b & 1)
    text = f'OPENQASM 2.0; include "qelib1.inc"; qreg q[3]; creg c[3]; {gates} measure q -> c;'
    return Program.from_text(text, ProgramFormat.QASM_V2)


def test_a_stream_creates_jobs_before_its_last_program_and_frees_programs(
    scw_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCW_QAAS_MAX_CREATIONS", "4")  # one program per job: converted as far ahead as creations
    client = QaaSClient()
    platform = client.describe_platform("EMU-QSIM-16C-128M")  # one program per job
    produced: list[weakref.ref[Program]] = []
    alive: list[int] = []  # programs produced and still held by anyone, when each program is produced

    def source() -> Iterator[Program]:
        for i in range(COUNT):
            alive.append(sum(ref() is not None for ref in produced))
            made = program(i)
            produced.append(weakref.ref(made))
            yield made

    streamed = run(client, platform, ProgramStream(source(), COUNT), shots=10).result()
    assert len(alive) == COUNT
    assert creation_window(1, streamed=True) == 4
    assert max(alive) <= creation_window(1, streamed=True) + 1, alive  # a list would hold all of them: 0, 1, ..., 11
    listed = run(client, platform, [program(i) for i in range(COUNT)], shots=10).result()
    assert [r.counts for r in streamed] == [r.counts for r in listed]
    assert len({next(iter(r.counts)) for r in streamed}) == 8  # every point in its place


def test_a_stream_shorter_than_announced_is_an_error(scw_env: dict[str, str]) -> None:
    client = QaaSClient()
    platform = client.describe_platform("EMU-QSIM-16C-128M")
    with pytest.raises(ValueError, match="ended after 3 of 5 programs"):
        run(client, platform, ProgramStream((program(i) for i in range(3)), 5), shots=10)


def failing_source(fail_at: int) -> Iterator[Program]:
    for i in range(fail_at):
        yield program(i)
    raise ValueError(f"point {fail_at} cannot be converted")


def test_a_stream_that_fails_midway_cancels_the_jobs_it_made(scw_env: dict[str, str], monkeypatch) -> None:
    """Jobs wait in a session that stays starting: those the failed run made are found cancelled, none waits."""
    with Emulator(session_start_delay=60) as emulator:
        monkeypatch.setenv("SCW_API_URL", emulator.url)
        client = QaaSClient()
        platform = client.describe_platform("EMU-QSIM-16C-128M")  # one program per job
        with pytest.raises(ValueError, match="point 7 cannot be converted"):
            run(client, platform, ProgramStream(failing_source(7), COUNT), shots=10)
        jobs = client.list_jobs()
        client.close()
    assert jobs, "the stream's first programs became jobs before it failed"
    assert {j.status for j in jobs} == {JobStatus.CANCELLED}, [(j.id, j.status) for j in jobs]
    assert len(jobs) <= 7


def test_results_are_converted_job_by_job_and_in_submission_order(scw_env: dict[str, str]) -> None:
    """``result_each`` hands each remote job's results to the converter once, with their submission indices."""
    client = QaaSClient()
    platform = client.describe_platform("EMU-AER-16C-128M")  # many programs per job
    programs = [program(i % 8) for i in range(COUNT)]
    shots = [10 if i % 3 else 20 for i in range(COUNT)]  # two shot counts: two groups of jobs, indices interleave
    job = run(client, platform, programs, shots=shots)
    calls: list[tuple[int, ...]] = []

    def convert(indices: Sequence[int], results: list[ExperimentResult]) -> list[tuple[int, dict[str, int]]]:
        calls.append(tuple(indices))
        return [(i, r.counts) for i, r in zip(indices, results, strict=True)]

    each = job.result_each(convert)
    assert sorted(calls) == sorted(tuple(p.indices or ()) for p in job.parts) and len(calls) > 1
    assert [i for i, _ in each] == list(range(COUNT))
    assert [c for _, c in each] == [r.counts for r in job.result()]
    assert [sum(c.values()) for _, c in each] == shots


def test_run_nowait_converts_each_job_then_the_whole(scw_env: dict[str, str]) -> None:
    client = QaaSClient()
    platform = client.describe_platform("EMU-AER-16C-128M")
    future = run_nowait(
        client, platform, [program(i) for i in range(COUNT)], lambda items: "".join(items), shots=10,
        each=lambda _, results: [next(iter(r.counts)) for r in results],
    )  # fmt: skip
    assert future.get() == "".join(f"{i:03b}"[::-1] for i in range(COUNT) for i in [i % 8])
