"""Fixtures of the Qiskit adapter tests: a provider on the real local emulator."""

from __future__ import annotations

import pytest

from scaleway_qaas.adapters.qiskit import ScalewayBackend, ScalewayProvider

AER = "EMU-AER-16C-128M"
GARNET = "QPU-GARNET-20PQ"


@pytest.fixture
def provider(scw_env: dict[str, str]) -> ScalewayProvider:
    return ScalewayProvider()


@pytest.fixture
def aer(provider: ScalewayProvider) -> ScalewayBackend:
    return provider.get_backend(AER)


@pytest.fixture
def garnet(provider: ScalewayProvider) -> ScalewayBackend:
    return provider.get_backend(GARNET)
