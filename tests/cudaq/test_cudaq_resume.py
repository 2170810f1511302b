"""``sample`` and ``observe`` forward ``resume=`` and ``label=`` to the core (issue 25)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from cudaq import spin
from cudaq_kernels import asymmetric, rotation

from scaleway_qaas.adapters import cudaq as scw
from scaleway_qaas.core import Journal


def test_sample_and_observe_are_journaled(
    scw_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SCW_QAAS_JOURNAL", str(tmp_path / "journal.sqlite"))
    label = f"cudaq-{uuid.uuid4().hex}"
    result = scw.sample(asymmetric, shots_count=64, machine="EMU-AER-16C-128M", resume="local", label=label)
    assert dict(result.items()) == {"100": 64}
    energy = scw.observe(
        rotation, spin.z(0), 0.0, 1, shots_count=64, machine="EMU-AER-16C-128M", resume=True, label=label
    )
    assert energy.expectation() == pytest.approx(1.0)
    entries = Journal(tmp_path / "journal.sqlite").entries(label=label)
    assert len(entries) == 2 and all(e.delivered_at is not None for e in entries)
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        scw.sample(asymmetric, shots_count=64, resumed="local")
