"""A ProgramStream through the real emulator: jobs are created while later programs are still produced,
the client holds a few jobs' programs at a time, and results are those of the same programs as a list."""

from __future__ import annotations

import weakref
from collections.abc import Iterator

import pytest

from scaleway_qaas.core import Program, ProgramFormat, ProgramStream, QaaSClient, run
from scaleway_qaas.core.submit import creation_window

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
