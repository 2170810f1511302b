"""The sampler forwards ``resume=`` and ``label=`` to the core (issue 25)."""

from __future__ import annotations

import uuid
from pathlib import Path

import cirq
import pytest
import sympy

from scaleway_qaas.core import Journal, QaaSClient

from .conftest import GARNET


def test_run_sweep_is_journaled_and_tagged(make_sampler, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SCW_QAAS_JOURNAL", str(tmp_path / "journal.sqlite"))
    q = cirq.LineQubit.range(2)
    t = sympy.Symbol("t")
    circuit = cirq.Circuit(cirq.X(q[0]) ** t, cirq.measure(*q, key="m"))
    label = f"cirq-{uuid.uuid4().hex}"
    sampler = make_sampler(GARNET, resume="local", label=label)
    results = sampler.run_sweep(circuit, cirq.Points("t", [0.0, 1.0]), repetitions=40)
    assert results[1].histogram(key="m").most_common(1)[0][0] == 0b10  # Cirq: q0 is the high bit
    (entry,) = Journal(tmp_path / "journal.sqlite").entries(label=label)
    assert entry.delivered_at is not None
    with QaaSClient() as client:
        tagged = {j.id for j in client.list_jobs(tags=[f"qaas-label:{label}"])}
    assert tagged == {p.job_id for p in entry.parts.values()}
