"""``backend.run`` forwards ``resume=`` and ``label=`` to the core (issue 25): a run dropped before its
results is reattached by the same run; the label travels as a tag."""

from __future__ import annotations

import gc
import uuid
from pathlib import Path

import pytest
from qiskit import QuantumCircuit

from scaleway_qaas.adapters.qiskit import ScalewayBackend
from scaleway_qaas.core import Journal, QaaSClient


def test_run_reattaches_by_default_on_a_qpu(
    garnet: ScalewayBackend, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SCW_QAAS_RESUME")
    monkeypatch.setenv("SCW_QAAS_JOURNAL", str(tmp_path / "journal.sqlite"))
    qc = QuantumCircuit(2, 2)
    qc.x(0)
    qc.measure([0, 1], [0, 1])
    label = f"qiskit-{uuid.uuid4().hex}"
    first = garnet.run(qc, shots=50, label=label).job_id()
    gc.collect()  # the job was dropped undelivered
    again = garnet.run(qc, shots=50, label=label)
    assert again.job_id() == first
    counts = again.result().get_counts()
    assert max(counts, key=counts.get) == "01"
    (entry,) = Journal(tmp_path / "journal.sqlite").entries(label=label)
    assert entry.delivered_at is not None and [p.job_id for p in entry.parts.values()] == [first]
    assert garnet.run(qc, shots=50, label=label).job_id() != first  # delivered: a new run
    assert garnet.run(qc, shots=50, label=label, resume="off").job_id() != first
    with QaaSClient() as client:
        assert first in {j.id for j in client.list_jobs(tags=[f"qaas-label:{label}"])}
