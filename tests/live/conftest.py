"""Fixtures of the live checks (``pytest -m live``): real credentials, one recorder, one deduplication id.

The live checks are deselected by default (``addopts`` in pyproject). When they are selected
and ``SCW_SECRET_KEY`` or ``SCW_PROJECT_ID`` is missing, the run STOPS with exit status 1 and a message
saying what to set: a requested check that silently skipped would look like a pass.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # recorder (and the CUDA-Q kernels' directory below)
sys.path.insert(0, str(Path(__file__).parents[1] / "cudaq"))

from recorder import BELL_OUTCOMES, SHOTS, Recorder, Redactor, golden_documents, source_line, write_golden

REQUIRED = ("SCW_SECRET_KEY", "SCW_PROJECT_ID")
DEFAULT_API = "https://api.scaleway.com"
GOLDEN = Path(__file__).parents[1] / "data" / "golden"


def missing_credentials() -> list[str]:
    return [name for name in REQUIRED if not os.environ.get(name)]


@pytest.fixture(scope="session", autouse=True)
def live_credentials() -> dict[str, str]:
    """The credentials of the account the live checks bill; a clear failure when they are not set."""
    missing = missing_credentials()
    if missing:
        pytest.exit(
            f"pytest -m live runs against the real Scaleway cloud and needs {', '.join(missing)} "
            "(export SCW_SECRET_KEY=... SCW_PROJECT_ID=...; see docs/live.md). Without -m live these "
            "checks are deselected.",
            returncode=pytest.ExitCode.TESTS_FAILED,
        )
    return {
        "secret_key": os.environ["SCW_SECRET_KEY"],
        "project_id": os.environ["SCW_PROJECT_ID"],
        "url": os.environ.get("SCW_API_URL") or DEFAULT_API,
    }


@pytest.fixture(scope="session")
def started_at() -> datetime:
    """When this live run began: every session created after it must be stopped at the end."""
    return datetime.now(UTC)


@pytest.fixture(scope="session")
def dedup_id() -> str:
    """One deduplication id for the whole run: every adapter joins the same session."""
    return f"scaleway-qaas-live-{uuid.uuid4().hex[:12]}"


def golden_directory(api_url: str) -> Path | None:
    """Where recorded answers go: ``SCW_LIVE_GOLDEN_DIR``, else tests/data/golden for the real API only."""
    chosen = os.environ.get("SCW_LIVE_GOLDEN_DIR")
    if chosen:
        return Path(chosen)
    return GOLDEN if api_url.rstrip("/") == DEFAULT_API else None


@pytest.fixture(scope="session")
def recorder(live_credentials: dict[str, str]) -> Iterator[Recorder]:
    """Records every answer of the recorded client; writes the golden files when the run ends."""
    rec = Recorder()
    yield rec
    directory = golden_directory(live_credentials["url"])
    if directory is None:
        return
    redactor = Redactor([live_credentials["secret_key"], os.environ.get("SCW_ACCESS_KEY", "")])
    documents = golden_documents(
        rec, redactor, source_line(live_credentials["url"]), {"shots": SHOTS, "outcomes": BELL_OUTCOMES}
    )
    write_golden(directory, documents)
