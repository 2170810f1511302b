"""Fixtures of the CUDA-Q tests: kernels' directory on sys.path, an out-of-process emulator for the native target."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # cudaq_kernels (kernels must live in a .py file)

import cudaq

from scaleway_qaas.emulator import run_emulator_process

TEST_SECRET = "test-secret-key-0123456789"
TEST_PROJECT = "11111111-2222-3333-4444-555555555555"


@pytest.fixture(scope="session")
def process_emulator_url() -> Iterator[str]:
    """URL of the project's emulator run in a child process (``python -m scaleway_qaas.emulator``).

    CUDA-Q's native target holds the GIL while its C++ code polls a job, so it cannot
    talk to the in-process emulator of ``emulator_url`` (whose HTTP thread needs the GIL).
    """
    from scaleway_qaas.core import terminate_deduplicated_sessions

    with run_emulator_process() as url:
        yield url
        terminate_deduplicated_sessions(url)  # what exit would do, while the emulator still answers


@pytest.fixture
def native_env(process_emulator_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """SCW_* variables pointing at the out-of-process emulator (and away from any config file)."""
    env = {"SCW_API_URL": process_emulator_url, "SCW_SECRET_KEY": TEST_SECRET, "SCW_PROJECT_ID": TEST_PROJECT}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("SCW_DEFAULT_PROJECT_ID", raising=False)
    monkeypatch.setenv("SCW_CONFIG_PATH", str(tmp_path / "no-config.yaml"))
    return env


@pytest.fixture
def local_target() -> Iterator[None]:
    """Make sure the test starts and ends on CUDA-Q's local simulator (the target is process-global)."""
    cudaq.reset_target()
    yield
    cudaq.reset_target()


@pytest.fixture(autouse=True)
def local_target_after() -> Iterator[None]:
    """CUDA-Q's target is process-global: every test ends on the local simulator."""
    yield
    cudaq.reset_target()
