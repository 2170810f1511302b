"""Fixtures of the PennyLane adapter tests: devices on the real local emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pennylane as qml
import pytest

from scaleway_qaas.adapters.pennylane import ScalewayDevice
from scaleway_qaas.core import QaaSClient

AER = "EMU-AER-16C-128M"


@pytest.fixture
def aer2(scw_env: dict[str, str]) -> ScalewayDevice:
    return qml.device("scaleway.qaas", wires=2, backend=AER, shots=2000, seed=11)


@pytest.fixture
def client(scw_env: dict[str, str]) -> Iterator[QaaSClient]:
    """A core client on the emulator, to inject into devices and to inspect sessions and jobs."""
    with QaaSClient() as client:
        yield client
