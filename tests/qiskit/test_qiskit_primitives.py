"""Qiskit's reference primitives on a Scaleway backend."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister
from qiskit.circuit import Parameter
from qiskit.primitives import BackendEstimatorV2, BackendSamplerV2
from qiskit.quantum_info import SparsePauliOp

from scaleway_qaas.adapters.qiskit import ScalewayBackend, ScalewayProvider


def test_sampler_v2(aer: ScalewayBackend) -> None:
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    qc.measure_all()
    theta = Parameter("theta")
    rot = QuantumCircuit(1)
    rot.ry(theta, 0)
    rot.measure_all()
    sampler = BackendSamplerV2(backend=aer)
    result = sampler.run([qc, (rot, [[0.0], [math.pi]])], shots=500).result()
    counts = result[0].data.meas.get_counts()
    assert set(counts) <= {"00", "11"} and sum(counts.values()) == 500
    assert abs(counts.get("00", 0) - 250) <= 5 * math.sqrt(125)
    swept = result[1].data.meas
    assert swept.shape == (2,)
    assert swept[0].get_counts() == {"0": 500}
    assert swept[1].get_counts() == {"1": 500}


def test_estimator_v2(aer: ScalewayBackend) -> None:
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    observables = [SparsePauliOp("ZZ"), SparsePauliOp("XX"), SparsePauliOp("ZI")]
    estimator = BackendEstimatorV2(backend=aer, options={"default_precision": 0.05})
    evs = estimator.run([(qc, observables)]).result()[0].data.evs
    assert np.allclose(evs, [1.0, 1.0, 0.0], atol=0.3)
    assert abs(evs[0] - 1) < 1e-9 and abs(evs[1] - 1) < 1e-9


def test_official_primitive_names_run_in_the_given_session(aer: ScalewayBackend) -> None:
    """qiskit-scaleway's ``Sampler(backend, session_id)`` / ``Estimator(backend, session_id)``, same calls."""
    from scaleway_qaas.adapters.qiskit import Estimator, Sampler

    session_id = aer.start_session(name="primitives", max_duration="10m")
    try:
        qc = QuantumCircuit(2)
        qc.x(0)
        qc.measure_all()
        result = Sampler(backend=aer, session_id=session_id).run([qc], shots=100).result()
        assert result[0].data.meas.get_counts() == {"01": 100}  # Qiskit order: qubit 0 rightmost
        jobs = aer.client.list_jobs(session_id=session_id)
        assert len(jobs) == 1
        bell = QuantumCircuit(2)
        bell.h(0)
        bell.cx(0, 1)
        value = Estimator(backend=aer, session_id=session_id).run([(bell, SparsePauliOp("ZZ"))]).result()[0]
        assert abs(float(value.data.evs) - 1.0) < 1e-9
        assert len(aer.client.list_jobs(session_id=session_id)) > 1
        assert aer.options.session_id is None  # the backend itself is left as it was
    finally:
        aer.stop_session(session_id)


def test_sampler_sweep_gives_what_qiskits_own_sampler_gives(aer: ScalewayBackend) -> None:
    """Our Sampler binds each point into one export; Qiskit's binds and exports each: same seeded samples."""
    from qiskit.circuit.library import efficient_su2

    from scaleway_qaas.adapters.qiskit import Sampler

    ansatz = efficient_su2(3, reps=1)
    ansatz.measure_all()
    values = np.random.default_rng(3).uniform(-math.pi, math.pi, (2, 3, ansatz.num_parameters))
    values[0, 0, :2] = [math.pi / 2, 0.0]
    bell = QuantumCircuit(2)
    bell.h(0)
    bell.cx(0, 1)
    bell.measure_all()
    pubs = [(ansatz, values), bell]
    options = {"default_shots": 64, "seed_simulator": 11}
    ours = Sampler(aer, options=options).run(pubs).result()
    reference = BackendSamplerV2(backend=aer, options=options).run(pubs).result()
    assert ours[0].data.meas.shape == (2, 3)
    for mine, theirs in zip(ours, reference, strict=True):
        assert mine.data.meas == theirs.data.meas
        assert mine.metadata == theirs.metadata


def test_sampler_bit_arrays_are_qiskits_own_from_the_same_shots(provider: ScalewayProvider) -> None:
    """Our Sampler builds its bit arrays from the neutral results; Qiskit's own BackendSamplerV2 reads a Qiskit
    Result. From the same job, the arrays must be equal bit for bit (registers of 3, 1 and 9 bits, a PUB of
    shape (2, 2), and on qsim the per-bit keys Cirq returns and its memory put in shot order); end to end on
    Aer, the two samplers' seeded jobs give equal arrays too."""
    from qiskit.primitives.backend_sampler_v2 import _analyze_circuit, _prepare_memory

    from scaleway_qaas.adapters.qiskit import Sampler, samples
    from scaleway_qaas.core import shot_ordered

    a, b = Parameter("a"), Parameter("b")
    qr = QuantumRegister(4)
    small, one, wide = ClassicalRegister(3, "small"), ClassicalRegister(1, "one"), ClassicalRegister(9, "wide")
    qc = QuantumCircuit(qr, small, one, wide)
    qc.ry(a, 0)
    qc.rx(b, 1)
    qc.h(2)
    qc.cx(2, 3)
    qc.measure([0, 1, 2], small)
    qc.measure(3, one)
    qc.x(0)
    qc.measure([0, 1, 3, 2, 0, 1, 2, 3, 0], wide)
    values = np.array([[[0.3, 2.0], [1.5, 0.1]], [[2.9, 1.1], [0.7, 3.0]]])
    options = {"default_shots": 300, "seed_simulator": 7}

    def assert_equal(ours: Any, theirs: Any) -> None:
        assert ours.metadata == theirs.metadata
        for reg in ("small", "one", "wide"):
            got, want = ours.data[reg], theirs.data[reg]
            assert got.shape == want.shape == (2, 2) and got.num_bits == want.num_bits
            assert np.array_equal(got.array, want.array), reg
        assert ours.data["wide"][1, 0].get_counts() != ours.data["wide"][0, 0].get_counts()

    for name in ("EMU-AER-16C-128M", "EMU-QSIM-16C-128M"):
        backend = provider.get_backend(name)
        job = backend.run([qc.assign_parameters(v) for v in values.reshape(4, 2)], shots=300, memory=True)
        experiments = enumerate(job.core_job.result())
        ordered = [shot_ordered(e, backend.platform, f"{job.job_id()}/{i}") for i, e in experiments]
        ours = samples.pub_result(
            [samples.unpacked(e, qc, samples.width(qc)) for e in ordered],
            qc,
            (2, 2),
            300,
        )
        reference = BackendSamplerV2(backend=backend, options=options)
        meas_info, max_num_bytes = _analyze_circuit(qc)
        theirs = reference._postprocess_pub(
            _prepare_memory([job.result()]), 300, (2, 2), meas_info, max_num_bytes, qc.metadata, None
        )
        assert_equal(ours, theirs)
    aer = provider.get_backend("EMU-AER-16C-128M")
    assert_equal(
        Sampler(aer, options=options).run([(qc, values)]).result()[0],
        BackendSamplerV2(backend=aer, options=options).run([(qc, values)]).result()[0],
    )
