"""Fixtures of the PennyLane adapter tests: devices on the real local emulator."""

from __future__ import annotations

import pytest

pytest.importorskip("pennylane")

import pennylane as qml

from scaleway_qaas.adapters.pennylane import ScalewayDevice

AER = "EMU-AER-16C-128M"


@pytest.fixture
def aer2(scw_env: dict[str, str]) -> ScalewayDevice:
    return qml.device("scaleway.qaas", wires=2, backend=AER, shots=2000, seed=11)
