"""Wire parity, Qiskit: the same calls through qiskit-scaleway and through our adapter send the same jobs.

For each family and each case (Bell with ``measure_all()``, two registers, bound parameters, several
circuits in one call, a shot count with ``memory=True``), the official backend and ours run the same
circuits against a recording emulator; the jobs each sent are decoded (programs parsed, parameters
and ``backend`` read) and compared field by field. Every difference must be a row of the table in
docs/wire-differences.md. No result is waited for: only what is sent matters here.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister
from qiskit.circuit import Parameter
from qiskit_scaleway import ScalewayProvider as OfficialProvider

from scaleway_qaas.adapters.qiskit import ScalewayProvider
from scaleway_qaas.core.errors import UnsupportedFeatureError
from scaleway_qaas.emulator import Emulator

from .conftest import FAMILIES
from .decode import describe, differences, sent_jobs, unexplained


def bell() -> QuantumCircuit:
    qc = QuantumCircuit(2, name="bell")
    qc.h(0)
    qc.cx(0, 1)
    qc.measure_all()  # adds a barrier
    return qc


def two_registers() -> QuantumCircuit:
    q, a, b = QuantumRegister(3, "q"), ClassicalRegister(1, "a"), ClassicalRegister(2, "b")
    qc = QuantumCircuit(q, a, b, name="two_registers")
    qc.x(0)
    qc.h(2)
    qc.measure(0, b[1])
    qc.measure(1, a[0])
    qc.measure(2, b[0])
    return qc


def bound() -> QuantumCircuit:
    theta = Parameter("theta")
    qc = QuantumCircuit(2, name="bound")
    qc.rx(theta, 0)
    qc.ry(theta / 2, 1)
    qc.cz(0, 1)
    qc.measure_all()
    return qc.assign_parameters({theta: 0.75})


#: case -> (circuits, run options)
CASES: dict[str, tuple[Callable[[], list[QuantumCircuit]], dict[str, Any]]] = {
    "bell": (lambda: [bell()], {"shots": 100}),
    "two_registers": (lambda: [two_registers()], {"shots": 50}),
    "bound": (lambda: [bound()], {"shots": 100}),
    "several": (lambda: [bell(), bound(), two_registers()], {"shots": 20}),
    "memory": (lambda: [bell()], {"shots": 10, "memory": True}),
}


def _recorded(emulator: Emulator, run: Callable[[], object]) -> list[Any]:
    before = len(emulator.recorded)
    run()
    return sent_jobs(emulator.recorded[before:])


@pytest.fixture(scope="module")
def official_sessions(recording_emulator: Emulator) -> Any:
    """One session per family for the official backends (their default opens one per run)."""
    from .conftest import TEST_PROJECT, TEST_SECRET

    provider = OfficialProvider(project_id=TEST_PROJECT, secret_key=TEST_SECRET, url=recording_emulator.url)
    opened: dict[str, tuple[Any, str]] = {}
    yield provider, opened
    for backend, session_id in opened.values():
        backend.stop_session(session_id)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_same_jobs_as_qiskit_scaleway(
    family: str, case: str, recording_emulator: Emulator, creds: dict[str, str], official_sessions: Any
) -> None:
    make, options = CASES[case]
    platform = FAMILIES[family]
    provider, opened = official_sessions
    if family not in opened:
        official = provider.get_backend(platform)
        opened[family] = (official, official.start_session(name="wire-parity", max_duration="10m"))
    official, session_id = opened[family]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Option memory is not used by this backend" on some families
        theirs = _recorded(recording_emulator, lambda: official.run(make(), session_id=session_id, **options))
    ours_backend = ScalewayProvider(**creds).get_backend(platform)
    try:
        ours = _recorded(recording_emulator, lambda: ours_backend.run(make(), **options))
    except UnsupportedFeatureError:  # refused before anything is sent (the capability table)
        ours = None
    found = {"refused"} if ours is None else differences(ours, theirs)
    left = unexplained(found, family, "qiskit-scaleway", case)
    assert not left, f"differences not in docs/wire-differences.md: {sorted(left)}\nours: {describe(ours)}\n" + (
        f"theirs: {describe(theirs)}"
    )
