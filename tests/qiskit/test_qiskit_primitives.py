"""Qiskit's reference primitives on a Scaleway backend."""

from __future__ import annotations

import math

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter
from qiskit.primitives import BackendEstimatorV2, BackendSamplerV2
from qiskit.quantum_info import SparsePauliOp

from scaleway_qaas.adapters.qiskit import ScalewayBackend


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
