"""Fixtures of the capability tests: the emulator's job count, to prove that a refusal sent nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from platforms_by_family import PLATFORM_OF_FAMILY

from scaleway_qaas.emulator import Emulator

PLATFORMS = PLATFORM_OF_FAMILY


@pytest.fixture
def cap_env(shared_emulator: Emulator, scw_env: dict[str, str]) -> Emulator:
    """The suite's emulator, with the SCW_* variables pointing at it."""
    return shared_emulator


def job_count(emulator: Emulator) -> int:
    """Jobs and models the emulator holds: a refused program must add neither."""
    jobs = emulator.store._all("SELECT COUNT(*) AS n FROM jobs", ())[0]["n"]
    models = emulator.store._all("SELECT COUNT(*) AS n FROM models", ())[0]["n"]
    return int(jobs) + int(models)


@pytest.fixture
def nothing_sent(cap_env: Emulator) -> Callable[[], None]:
    """Call it after a refusal: asserts that no model or job was created since the test started."""
    before = job_count(cap_env)

    def check() -> None:
        assert job_count(cap_env) == before, "a refused program created a model or a job"

    return check
