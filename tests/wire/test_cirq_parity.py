"""Wire parity, Cirq: cirq-scaleway and our Cirq sampler send the same jobs for the same calls.

cirq-scaleway waits for each result (it sleeps 2 s before each status read), so this module runs one
job per case and family. Compared as in :mod:`.test_qiskit_parity`; rows of docs/wire-differences.md
for client ``cirq-scaleway``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cirq
import pytest
import sympy
from cirq_scaleway import ScalewayQuantumService

from scaleway_qaas.adapters.cirq import ScalewaySampler
from scaleway_qaas.emulator import Emulator

from .conftest import FAMILIES
from .decode import describe, differences, sent_jobs, unexplained

Q = cirq.LineQubit.range(3)
THETA = sympy.Symbol("theta")

#: case -> (circuit, parameters resolved by the client, repetitions)
CASES: dict[str, tuple[cirq.Circuit, dict[str, float], int]] = {
    "bell": (cirq.Circuit(cirq.H(Q[0]), cirq.CNOT(Q[0], Q[1]), cirq.measure(Q[0], Q[1], key="m")), {}, 50),
    "two_keys": (
        cirq.Circuit(cirq.X(Q[0]), cirq.H(Q[2]), cirq.measure(Q[0], key="a"), cirq.measure(Q[2], Q[1], key="b")),
        {},
        20,
    ),
    "bound": (
        cirq.Circuit(cirq.rx(THETA)(Q[0]), cirq.CZ(Q[0], Q[1]), cirq.measure(Q[0], Q[1], key="m")),
        {"theta": 0.75},
        20,
    ),
}
#: the families cirq-scaleway reaches (it offers no CUDA-Q device)
CIRQ_FAMILIES = ("aer", "aqt", "iqm", "qperfect", "qsim", "quobly")


def _recorded(emulator: Emulator, run: Callable[[], object]) -> list[Any]:
    before = len(emulator.recorded)
    run()
    return sent_jobs(emulator.recorded[before:])


@pytest.fixture(scope="module")
def official_sessions(recording_emulator: Emulator) -> Any:
    from .conftest import TEST_PROJECT, TEST_SECRET

    service = ScalewayQuantumService(project_id=TEST_PROJECT, secret_key=TEST_SECRET, url=recording_emulator.url)
    opened: dict[str, Any] = {}
    yield service, opened
    for session in opened.values():
        session.__exit__(None, None, None)


def _cases() -> list[tuple[str, str]]:
    return [("qsim", case) for case in sorted(CASES)] + [(f, "bell") for f in CIRQ_FAMILIES if f != "qsim"]


@pytest.mark.parametrize(("family", "case"), _cases())
def test_same_jobs_as_cirq_scaleway(
    family: str, case: str, recording_emulator: Emulator, creds: dict[str, str], official_sessions: Any
) -> None:
    circuit, resolver, repetitions = CASES[case]
    platform = FAMILIES[family]
    service, opened = official_sessions
    if family not in opened:
        opened[family] = service.device(platform).create_session(max_duration="10m").__enter__()
    session = opened[family]
    theirs = _recorded(
        recording_emulator, lambda: session.run(circuit, param_resolver=resolver or None, repetitions=repetitions)
    )
    sampler = ScalewaySampler(platform, **creds)
    ours = _recorded(
        recording_emulator, lambda: sampler.run(circuit, param_resolver=resolver or None, repetitions=repetitions)
    )
    found = differences(ours, theirs)
    left = unexplained(found, family, "cirq-scaleway", case)
    assert not left, f"differences not in docs/wire-differences.md: {sorted(left)}\nours: {describe(ours)}\n" + (
        f"theirs: {describe(theirs)}"
    )
