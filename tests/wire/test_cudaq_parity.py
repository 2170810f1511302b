# ruff: noqa: F821  (CUDA-Q kernel builtins: x, h, mz, ry)
"""Wire parity, CUDA-Q: CUDA-Q's own ``scaleway`` target (its C++ helper) and our CUDA-Q adapter send the same jobs.

CUDA-Q's C++ HTTP client holds the GIL while it waits, so both talk to a child-process emulator run with
``--record FILE``; the jobs each sent are decoded and compared as in :mod:`.test_qiskit_parity`. Every
difference must be a row of docs/wire-differences.md (client ``cudaq-target``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cudaq
import pytest

from scaleway_qaas.adapters import cudaq as scw
from scaleway_qaas.core import terminate_implicit_sessions
from scaleway_qaas.emulator import run_emulator_process
from scaleway_qaas.emulator.recorder import read_recording

from .conftest import TEST_PROJECT, TEST_SECRET
from .decode import describe, differences, sent_jobs, unexplained

MACHINE = "EMU-CUDAQ-H100"


@cudaq.kernel
def wire_bell():
    q = cudaq.qvector(2)
    h(q[0])
    x.ctrl(q[0], q[1])
    mz(q)


@cudaq.kernel
def wire_implicit():
    q = cudaq.qvector(3)
    x(q[0])


@cudaq.kernel
def wire_partial():
    q = cudaq.qvector(3)
    x(q[0])
    h(q[1])
    mz(q[0])
    mz(q[2])


@cudaq.kernel
def wire_rotation(theta: float):
    q = cudaq.qvector(2)
    ry(theta, q[0])
    x.ctrl(q[0], q[1])
    mz(q)


#: case -> (kernel, arguments, shots); a list of arguments broadcasts (several programs in one call)
CASES: dict[str, tuple[Any, tuple[Any, ...], int]] = {
    "several": (wire_rotation, ([0.25, 0.75, 1.5],), 20),
    "bell": (wire_bell, (), 100),
    "implicit_measure": (wire_implicit, (), 50),
    "partial_measure": (wire_partial, (), 50),
    "bound": (wire_rotation, (0.75,), 100),
}


@pytest.fixture(scope="module")
def recording_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    record = tmp_path_factory.mktemp("wire") / "requests.jsonl"
    with run_emulator_process("--record", str(record), "--workers", "1", "--seed", "1") as url:
        yield url, record
        terminate_implicit_sessions(url)  # our adapter's session there; the emulator leaves it to us


def _recorded(record: Path, run: Callable[[], object]) -> list[Any]:
    before = len(read_recording(str(record)))
    run()
    return sent_jobs(read_recording(str(record))[before:])


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_jobs_as_cudaq_target(case: str, recording_process: tuple[str, Path]) -> None:
    url, record = recording_process
    kernel, args, shots = CASES[case]
    creds = {"url": url, "project_id": TEST_PROJECT, "secret_key": TEST_SECRET}
    cudaq.set_target("scaleway", machine=MACHINE, **creds)
    try:
        theirs = _recorded(record, lambda: cudaq.sample(kernel, *args, shots_count=shots))
    finally:
        cudaq.reset_target()
    if args and isinstance(args[0], list):  # CUDA-Q broadcasts a list of values; ours: sample_batch
        ours = _recorded(record, lambda: scw.sample_batch(kernel, args[0], shots_count=shots, machine=MACHINE, **creds))
    else:
        ours = _recorded(record, lambda: scw.sample(kernel, *args, shots_count=shots, machine=MACHINE, **creds))
    found = differences(ours, theirs)
    left = unexplained(found, "cudaq", "cudaq-target", case)
    assert not left, f"differences not in docs/wire-differences.md: {sorted(left)}\nours: {describe(ours)}\n" + (
        f"theirs: {describe(theirs)}"
    )
