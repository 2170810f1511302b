"""Shared fixtures: one real local emulator per test session, reached over real HTTP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

from scaleway_qaas.core.managed import terminate_implicit_sessions

if TYPE_CHECKING:
    from scaleway_qaas.emulator import Emulator

settings.register_profile("suite", deadline=None, print_blob=True)
settings.load_profile("suite")

# Runs are not resumed across tests (one test's jobs are never another's): tests/core/test_resume.py
# and the adapters' resume tests turn it on where they test it.
os.environ.setdefault("SCW_QAAS_RESUME", "off")

TEST_SECRET = "test-secret-key-0123456789"
TEST_PROJECT = "11111111-2222-3333-4444-555555555555"


@pytest.fixture(scope="session", autouse=True)
def _journal(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The journal of submissions lives in a temporary directory, never in the user's cache."""
    os.environ.setdefault("SCW_QAAS_JOURNAL", str(tmp_path_factory.mktemp("journal") / "journal.sqlite"))


@pytest.fixture(scope="session")
def shared_emulator() -> Iterator[Emulator]:
    """An in-process emulator (SQLite in memory, free loopback port); its ``store`` counts what was sent."""
    from scaleway_qaas.emulator import Emulator

    with Emulator() as emulator:
        yield emulator
        terminate_implicit_sessions()  # the emulator leaves this process's sessions to it: closed here
        # session hygiene, after the whole suite: no session the package opened for its runs is left running
        query = "SELECT id FROM sessions WHERE status IN ('starting', 'running') AND name LIKE ?"
        left = [row["id"] for row in emulator.store._all(query, ("scaleway-qaas-implicit-%",))]
        assert not left, f"implicit sessions left running after the test suite: {left}"


@pytest.fixture(scope="session")
def emulator_url(shared_emulator: Emulator) -> str:
    """URL of :func:`shared_emulator`."""
    return shared_emulator.url


@pytest.fixture
def scw_env(emulator_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> dict[str, str]:
    """Point the SCW_* variables at the emulator (and away from any real config file)."""
    env = {"SCW_API_URL": emulator_url, "SCW_SECRET_KEY": TEST_SECRET, "SCW_PROJECT_ID": TEST_PROJECT}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("SCW_DEFAULT_PROJECT_ID", raising=False)
    monkeypatch.setenv("SCW_CONFIG_PATH", str(tmp_path / "no-config.yaml"))
    return env
