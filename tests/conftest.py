"""Shared fixtures: one real local emulator per test session, reached over real HTTP."""

from __future__ import annotations

import gc
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
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


#: the test directories that run the official SDK and plugins' code (unchanged, in this process)
OFFICIAL_CODE = (Path(__file__).parent / "official", Path(__file__).parent / "wire")


def _runs_official_code(item: pytest.Item) -> bool:
    return any(directory in Path(item.path).parents for directory in OFFICIAL_CODE)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The official SDK and plugins leave their HTTP connections to the garbage collector (their code,
    run unchanged: not ours to fix); the rest of the suite treats such leaks as errors."""
    for item in items:
        if _runs_official_code(item):
            item.add_marker(pytest.mark.filterwarnings("ignore::ResourceWarning"))
            item.add_marker(pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After each of these tests, their connections left in reference cycles are collected here, quietly
    (else a later test would meet them)."""
    yield
    if _runs_official_code(item):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()
