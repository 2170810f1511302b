"""backend.run against the local emulator: counts, bit order, batches, memory, noise, sessions."""

from __future__ import annotations

import math

import pytest
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister
from qiskit.providers import JobStatus
from qiskit_aer import AerSimulator
from qiskit_aer.noise import NoiseModel, ReadoutError, depolarizing_error

from scaleway_qaas.adapters.qiskit import ScalewayBackend, ScalewayJob
from scaleway_qaas.core.records import SessionStatus


def within_5_sigma(count: int, shots: int, p: float) -> bool:
    return abs(count - shots * p) <= 5 * math.sqrt(shots * p * (1 - p)) + 1


def bell() -> QuantumCircuit:
    qc = QuantumCircuit(2, name="bell")
    qc.h(0)
    qc.cx(0, 1)
    qc.measure_all()
    return qc


def ghz(n: int) -> QuantumCircuit:
    qc = QuantumCircuit(n, n, name=f"ghz{n}")
    qc.h(0)
    for i in range(n - 1):
        qc.cx(i, i + 1)
    qc.measure(range(n), range(n))
    return qc


def test_bell_counts(aer: ScalewayBackend) -> None:
    job = aer.run(bell(), shots=1000)
    assert isinstance(job, ScalewayJob)
    counts = job.result().get_counts()
    assert set(counts) <= {"00", "11"}
    assert sum(counts.values()) == 1000
    assert within_5_sigma(counts.get("00", 0), 1000, 0.5)
    assert job.status() == JobStatus.DONE


def test_ghz_counts(aer: ScalewayBackend) -> None:
    qc = ghz(5)
    counts = aer.run(qc, shots=800).result().get_counts(qc)
    assert set(counts) <= {"00000", "11111"}
    assert within_5_sigma(counts.get("11111", 0), 800, 0.5)


def _asymmetric_circuits() -> list[QuantumCircuit]:
    x0 = QuantumCircuit(2, 2, name="x0")
    x0.x(0)
    x0.measure([0, 1], [0, 1])
    swapped = QuantumCircuit(3, 3, name="swapped")
    swapped.x(0)
    swapped.x(1)
    swapped.measure([0, 1, 2], [2, 0, 1])
    a, b, q = ClassicalRegister(2, "a"), ClassicalRegister(1, "b"), QuantumRegister(3, "q")
    regs = QuantumCircuit(q, a, b, name="regs")
    regs.x(q[0])
    regs.x(q[2])
    regs.measure(q[0], a[0])
    regs.measure(q[1], a[1])
    regs.measure(q[2], b[0])
    meas = QuantumCircuit(3, 1, name="measure_all_extra")
    meas.x(1)
    meas.measure(1, 0)
    meas.measure_all()
    return [x0, swapped, regs, meas]


def test_bit_order_matches_aer_simulator(aer: ScalewayBackend) -> None:
    circuits = _asymmetric_circuits()
    ours = aer.run(circuits, shots=20).result()
    reference = AerSimulator().run(circuits, shots=20).result()
    for qc in circuits:
        assert ours.get_counts(qc) == reference.get_counts(qc), qc.name
    assert ours.get_counts(circuits[0]) == {"01": 20}
    assert ours.get_counts(circuits[2]) == {"1 01": 20}


def test_four_circuits_in_one_remote_job(aer: ScalewayBackend) -> None:
    circuits = [ghz(n) for n in (2, 3, 4)] + [_asymmetric_circuits()[0]]
    job = aer.run(circuits, shots=100)
    assert "," not in job.job_id()  # one remote job on Aer
    result = job.result()
    assert len(result.results) == 4
    for qc in circuits[:3]:
        assert set(result.get_counts(qc)) <= {"0" * qc.num_qubits, "1" * qc.num_qubits}
    assert result.get_counts("x0") == {"01": 100}


def test_memory(aer: ScalewayBackend) -> None:
    job = aer.run(bell(), shots=50, memory=True)
    memory = job.get_memory()
    assert len(memory) == 50
    assert set(memory) <= {"00", "11"}
    counts = job.result().get_counts()
    assert {k: memory.count(k) for k in set(memory)} == counts


def test_retrieve_job(aer: ScalewayBackend) -> None:
    qc = _asymmetric_circuits()[0]
    job = aer.run(qc, shots=30)
    counts = job.result().get_counts()
    again = aer.retrieve_job(job.job_id())
    assert again.job_id() == job.job_id()
    assert again.result().get_counts() == counts == {"01": 30}


def test_noise_model_changes_distribution(aer: ScalewayBackend) -> None:
    qc = QuantumCircuit(1, 1, name="x")
    qc.x(0)
    qc.measure(0, 0)
    assert aer.run(qc, shots=500).result().get_counts() == {"1": 500}
    noise = NoiseModel()
    noise.add_all_qubit_quantum_error(depolarizing_error(0.2, 1), ["x"])
    noise.add_all_qubit_readout_error(ReadoutError([[0.9, 0.1], [0.1, 0.9]]))
    noisy = aer.run(qc, shots=2000, noise_model=noise).result().get_counts()
    # P(0) = 0.1 * 0.9 (depolarized to |0>) + 0.9 * 0.1 (readout flip) = 0.18
    assert within_5_sigma(noisy.get("0", 0), 2000, 0.18)


def test_seed_reproducible(aer: ScalewayBackend) -> None:
    first = aer.run(bell(), shots=200, seed_simulator=11).result().get_counts()
    assert aer.run(bell(), shots=200, seed_simulator=11).result().get_counts() == first


def test_open_session_is_used_and_terminated(aer: ScalewayBackend) -> None:
    with aer.open_session(deduplication_id="qiskit-test-ctx", max_duration="10m") as session:
        job = aer.run(bell(), shots=10)
        info = aer.client.get_job(job.job_id())
        assert info.session_id == session.id
        by_id = aer.run(bell(), shots=10, session_id=session.id)
        assert aer.client.get_job(by_id.job_id()).session_id == session.id
        assert sum(job.result().get_counts().values()) == 10
    assert aer.client.get_session(session.id).status in (SessionStatus.STOPPING, SessionStatus.STOPPED)


def test_deduplication_option_reuses_session(aer: ScalewayBackend) -> None:
    a = aer.run(bell(), shots=10, deduplication_id="qiskit-test-dedup", max_idle_duration="5m")
    b = aer.run(bell(), shots=10, deduplication_id="qiskit-test-dedup", max_idle_duration="5m")
    sa = aer.client.get_job(a.job_id()).session_id
    assert sa == aer.client.get_job(b.job_id()).session_id
    assert aer.client.get_session(sa).deduplication_id == "qiskit-test-dedup"
    b.result()
    aer.client.terminate_session(sa)


@pytest.mark.parametrize("name", ["EMU-CUDAQ-H100", "EMU-QSIM-16C-128M"])
def test_other_simulator_bit_order(provider, name: str) -> None:
    circuits = _asymmetric_circuits()[:3]
    result = provider.get_backend(name).run(circuits, shots=10).result()
    reference = AerSimulator().run(circuits, shots=10).result()
    for qc in circuits:
        assert result.get_counts(qc) == reference.get_counts(qc), qc.name


def test_quantanium_bit_order_on_x_on_qubit_0_of_3(provider) -> None:
    """QPerfect (MIMIQ): X on qubit 0 only reads as Qiskit's "001" (clbit 0 rightmost), as Aer gives it. MIMIQ's
    ``to01()`` puts clbit 0 first (see core/codecs/mimiq.py for the evidence); qio's ``mimiq_to_qiskit`` would
    give "100"."""
    qc = QuantumCircuit(3, 3)
    qc.x(0)
    qc.measure([0, 1, 2], [0, 1, 2])
    counts = provider.get_backend("EMU-QUANTANIUM-16C-128M").run(qc, shots=64).result().get_counts()
    assert counts == {"001": 64} == AerSimulator().run(qc, shots=64).result().get_counts()


def test_dynamic_circuit_goes_as_openqasm3_and_runs(aer: ScalewayBackend) -> None:
    """Circuits OpenQASM 2 cannot express (classical control flow) are sent as OpenQASM 3."""
    from scaleway_qaas.adapters.qiskit.convert import to_program
    from scaleway_qaas.core import ProgramFormat

    qr, cr = QuantumRegister(2), ClassicalRegister(2, "c")
    qc = QuantumCircuit(qr, cr)
    qc.x(0)
    qc.measure(0, 0)
    with qc.if_test((cr[0], 1)):
        qc.x(1)
    qc.measure(1, 1)
    assert to_program(qc, aer.platform).serialization_format == ProgramFormat.QASM_V3
    plain = QuantumCircuit(1, 1)
    plain.h(0)
    plain.measure(0, 0)
    assert to_program(plain, aer.platform).serialization_format == ProgramFormat.QASM_V2
    assert aer.run(qc, shots=50).result().get_counts() == {"11": 50}


def test_backend_names_match_ignoring_case(provider) -> None:
    backend = provider.get_backend("emu-aer-16c-128m")  # the emulator's own name filter is case-sensitive
    assert backend.name == "EMU-AER-16C-128M"
    qc = QuantumCircuit(2, 2)
    qc.x(0)
    qc.measure([0, 1], [0, 1])
    assert backend.run(qc, shots=50).result().get_counts() == {"01": 50}
    assert [b.name for b in provider.backends(name="Qpu-Garnet-20PQ")] == ["QPU-GARNET-20PQ"]


def test_run_sweep_gives_what_running_the_bound_circuits_gives(aer: ScalewayBackend) -> None:
    """One export bound per point: the same seeded shots, in order, as run() of each bound circuit."""
    import numpy as np
    from qiskit.circuit import Parameter

    from scaleway_qaas.errors import InvalidArgumentError

    theta, phi = Parameter("θ"), Parameter("φ")
    qc = QuantumCircuit(2, 2)
    qc.ry(theta, 0)
    qc.rx(phi, 1)
    qc.cx(0, 1)
    qc.measure([0, 1], [0, 1])
    rows = np.array([[0.0, math.pi], [math.pi / 2, 0.3], [math.pi, 0.0], [1.234, -2.5]])
    swept = aer.run_sweep(qc, rows, shots=200, seed_simulator=3, memory=True).result()
    bound = aer.run([qc.assign_parameters(r) for r in rows], shots=200, seed_simulator=3, memory=True).result()
    assert [swept.get_memory(i) for i in range(4)] == [bound.get_memory(i) for i in range(4)]
    assert swept.get_counts(0) == {"10": 200} and swept.get_counts(2) == {"11": 200}
    with pytest.raises(InvalidArgumentError, match="one row of 2 values per point"):
        aer.run_sweep(qc, [0.1, 0.2])


def test_retrieve_a_run_split_into_several_jobs(provider) -> None:
    """qsim takes one program per job: three circuits are three jobs, and ``job_id()`` is their ids joined
    by commas, in circuit order; ``retrieve_job`` takes that composite id back whole."""
    qsim = provider.get_backend("EMU-QSIM-16C-128M")
    circuits = []
    for k in range(3):
        qc = QuantumCircuit(2, 2, name=f"c{k}")
        if k & 1:
            qc.x(0)
        if k & 2:
            qc.x(1)
        qc.measure([0, 1], [0, 1])
        circuits.append(qc)
    job = qsim.run(circuits, shots=10)
    ids = job.job_id().split(",")
    assert len(ids) == 3 and all(qsim.client.get_job(i).id == i for i in ids)
    again = qsim.retrieve_job(job.job_id())
    assert again.result().get_counts() == [{"00": 10}, {"01": 10}, {"10": 10}]
