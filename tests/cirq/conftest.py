"""Fixtures of the Cirq adapter tests (against the real local emulator)."""

from __future__ import annotations

import pytest

cirq = pytest.importorskip("cirq")
# Work around an emulator crash when Aer is first imported in its worker thread (see notes/core_bugs.md).
pytest.importorskip("qiskit_aer")

from scaleway_qaas.adapters.cirq import ScalewaySampler  # noqa: E402


@pytest.fixture
def make_sampler(scw_env: dict[str, str]):
    """Factory of samplers on the emulator (credentials from the SCW_* environment)."""

    def make(backend: str = "EMU-QSIM-16C-128M", **kwargs) -> ScalewaySampler:
        return ScalewaySampler(backend, **kwargs)

    return make
