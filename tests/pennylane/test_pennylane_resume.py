"""The device forwards ``resume=`` and ``label=`` to the core (issue 25)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pennylane as qml
import pytest

from scaleway_qaas.core import Journal, QaaSClient


def test_qnode_executions_are_journaled_and_tagged(
    scw_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SCW_QAAS_JOURNAL", str(tmp_path / "journal.sqlite"))
    label = f"pennylane-{uuid.uuid4().hex}"
    dev = qml.device("scaleway.qaas", wires=2, backend="QPU-GARNET-20PQ", shots=100, resume="local", label=label)

    @qml.qnode(dev)
    def circuit() -> object:
        qml.PauliX(0)
        return qml.expval(qml.PauliZ(0))

    assert circuit() < 0
    (entry,) = Journal(tmp_path / "journal.sqlite").entries(label=label)
    assert entry.delivered_at is not None and entry.platform == "QPU-GARNET-20PQ"
    with QaaSClient() as client:
        tagged = {j.id for j in client.list_jobs(tags=[f"qaas-label:{label}"])}
    assert tagged == {p.job_id for p in entry.parts.values()}
