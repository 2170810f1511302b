"""Fixtures of the Cirq adapter tests (against the real local emulator)."""

from __future__ import annotations

import pytest

from scaleway_qaas.adapters.cirq import ScalewaySampler


@pytest.fixture
def make_sampler(scw_env: dict[str, str]):
    """Factory of samplers on the emulator (credentials from the SCW_* environment)."""

    def make(backend: str = "EMU-QSIM-16C-128M", **kwargs) -> ScalewaySampler:
        return ScalewaySampler(backend, **kwargs)

    return make
