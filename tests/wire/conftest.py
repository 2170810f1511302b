"""Fixtures of the wire-parity suite: an emulator that records the bodies it receives."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from official.conftest import add_httpstatus_312_properties
from platforms_by_family import PLATFORM_OF_FAMILY

from scaleway_qaas.core import terminate_implicit_sessions
from scaleway_qaas.emulator import Emulator

add_httpstatus_312_properties()  # the official client needs it on Python 3.11 (see tests/official/conftest.py)

TEST_SECRET = "test-secret-key-0123456789"
TEST_PROJECT = "11111111-2222-3333-4444-555555555555"

FAMILIES = PLATFORM_OF_FAMILY


@pytest.fixture(scope="package")
def recording_emulator() -> Iterator[Emulator]:
    """An in-process emulator that records every POST body (one engine: the suite only reads requests)."""
    with Emulator(record=True, workers=1, seed=1) as emulator:
        yield emulator
        terminate_implicit_sessions(emulator.url)  # the emulator leaves this process's sessions to it


@pytest.fixture
def creds(recording_emulator: Emulator) -> dict[str, str]:
    """The arguments every provider takes: the recording emulator's URL and test credentials."""
    return {"project_id": TEST_PROJECT, "secret_key": TEST_SECRET, "url": recording_emulator.url}
