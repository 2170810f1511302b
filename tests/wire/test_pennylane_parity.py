"""Wire parity, PennyLane: pennylane-scaleway's devices and ours send the same jobs for the same QNode.

pennylane-scaleway converts tapes to Qiskit circuits and sends them through qiskit-scaleway, waiting
3 s per job: one Bell QNode per family here. Compared as in :mod:`.test_qiskit_parity`; rows of
docs/wire-differences.md for client ``pennylane-scaleway``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pennylane as qml
import pennylane_scaleway as official
import pytest

from scaleway_qaas.adapters import pennylane as ours_pl
from scaleway_qaas.emulator import Emulator

from .conftest import FAMILIES
from .decode import describe, differences, sent_jobs, unexplained

#: family -> (their device class, ours). Not here: IQM and QPerfect (the official device looks its platform
#: up in the first page of platforms only, where the emulator's Garnet and Quantanium are not) and qsim
#: (the official device fails reading its own result, IndexError); pennylane-scaleway sends through
#: qiskit-scaleway, which :mod:`.test_qiskit_parity` compares on those families.
DEVICES = {
    "aer": (official.AerDevice, ours_pl.AerDevice),
    "aqt": (official.AqtDevice, ours_pl.AqtDevice),
    "cudaq": (official.CudaqDevice, ours_pl.CudaqDevice),
    "quobly": (official.QuoblyDevice, ours_pl.QuoblyDevice),
}


def _bell_counts(device: Any) -> Any:
    @qml.set_shots(50)
    @qml.qnode(device)
    def bell() -> Any:
        qml.Hadamard(0)
        qml.CNOT([0, 1])
        return qml.counts()

    return bell()


def _recorded(emulator: Emulator, run: Callable[[], object]) -> list[Any]:
    before = len(emulator.recorded)
    run()
    return sent_jobs(emulator.recorded[before:])


@pytest.mark.parametrize("family", sorted(DEVICES))
def test_same_jobs_as_pennylane_scaleway(family: str, recording_emulator: Emulator, creds: dict[str, str]) -> None:
    theirs_cls, ours_cls = DEVICES[family]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the official device's advice on shots and analytic results
        their_device = theirs_cls(wires=2, backend=FAMILIES[family], **creds)
        with their_device:
            theirs = _recorded(recording_emulator, lambda: _bell_counts(their_device))
    our_device = ours_cls(wires=2, backend=FAMILIES[family], **creds)
    ours = _recorded(recording_emulator, lambda: _bell_counts(our_device))
    found = differences(ours, theirs)
    left = unexplained(found, family, "pennylane-scaleway", "bell")
    assert not left, f"differences not in docs/wire-differences.md: {sorted(left)}\nours: {describe(ours)}\n" + (
        f"theirs: {describe(theirs)}"
    )
