"""``backend.run`` of a long list of circuits, streamed: jobs are created while later circuits are still converted,
results are those of the circuits one by one, and a circuit that cannot be sent cancels the jobs already made."""

from __future__ import annotations

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter

from scaleway_qaas.adapters.qiskit import ScalewayProvider, sweeps
from scaleway_qaas.adapters.qiskit import backend as backend_module
from scaleway_qaas.core import JobStatus
from scaleway_qaas.emulator import Emulator
from scaleway_qaas.errors import InvalidArgumentError

QSIM = "EMU-QSIM-16C-128M"  # one program per job
COUNT = 20


def bound(count: int = COUNT) -> list[QuantumCircuit]:
    """Circuits of one structure whose outcome is known: qubit k flipped where bit k of the point's index is set."""
    angles = [Parameter(f"a{k}") for k in range(3)]
    template = QuantumCircuit(3)
    for k, angle in enumerate(angles):
        template.rx(angle, k)
    template.measure_all()
    return [template.assign_parameters([np.pi * (i >> k & 1) for k in range(3)]) for i in range(count)]


def test_a_long_list_creates_jobs_before_its_last_circuit_is_converted(
    provider: ScalewayProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sweeps, "CHUNK", 4)
    backend = provider.get_backend(QSIM)
    jobs_seen: list[int] = []  # jobs of the run's session when each circuit is prepared
    fit = backend_module.fit

    def spying(circuit: QuantumCircuit, platform: object) -> QuantumCircuit:
        jobs_seen.append(len(provider.client.list_jobs()))
        return fit(circuit, platform)  # type: ignore[arg-type]

    monkeypatch.setattr(backend_module, "fit", spying)
    before = len(provider.client.list_jobs())
    circuits = bound()
    result = backend.run(circuits, shots=8).result()
    assert len(jobs_seen) == COUNT
    assert jobs_seen[:4] == [before] * 4  # the first chunk, in run()
    assert jobs_seen[-1] > before  # the last circuit was converted after jobs were created
    for i, circuit in enumerate(circuits):
        assert result.get_counts(i) == {f"{i & 7:03b}": 8}, i
        assert result.results[i].header["name"] == circuit.name


def test_a_bad_circuit_midway_names_it_and_cancels_the_jobs_made(
    scw_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jobs wait in a session that stays starting: those the run made before its 13th circuit are cancelled."""
    monkeypatch.setattr(sweeps, "CHUNK", 4)
    circuits = bound()
    circuits[12] = QuantumCircuit(3, name="unmeasured")
    with Emulator(session_start_delay=60) as emulator:
        monkeypatch.setenv("SCW_API_URL", emulator.url)
        provider = ScalewayProvider()
        with pytest.raises(InvalidArgumentError, match=r"circuit 12 of the 20 given to run\(\): circuit 'unmeasured'"):
            provider.get_backend(QSIM).run(circuits, shots=8)
        jobs = provider.client.list_jobs()
    assert jobs, "the first circuits became jobs before the bad one was read"
    assert {j.status for j in jobs} == {JobStatus.CANCELLED}, [(j.id, j.status) for j in jobs]


def test_a_bad_circuit_in_the_first_chunk_is_refused_before_anything_is_sent(provider: ScalewayProvider) -> None:
    circuits = bound()
    circuits[2] = QuantumCircuit(3, name="unmeasured")
    before = len(provider.client.list_jobs())
    with pytest.raises(InvalidArgumentError, match="circuit 2 of the 20"):
        provider.get_backend(QSIM).run(circuits, shots=8)
    assert len(provider.client.list_jobs()) == before


def test_a_circuit_too_wide_anywhere_in_the_list_is_named_before_anything_is_sent(
    provider: ScalewayProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The core refuses the submission's width at once; the error still says which circuit it is."""
    monkeypatch.setattr(sweeps, "CHUNK", 4)
    backend = provider.get_backend(QSIM)
    circuits = bound()
    circuits[17] = QuantumCircuit(backend.num_qubits + 1, name="wide")
    circuits[17].measure_all()
    before = len(provider.client.list_jobs())
    with pytest.raises(InvalidArgumentError, match=r"circuit 17 of the 20 given to run\(\): circuit 'wide' has"):
        backend.run(circuits, shots=8)
    assert len(provider.client.list_jobs()) == before
