"""Provider look-ups and filters, and bad input rejected with clear errors before anything is sent."""

from __future__ import annotations

import subprocess
import sys

import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter
from qiskit.providers.exceptions import QiskitBackendNotFoundError

from scaleway_qaas.adapters.qiskit import ScalewayBackend, ScalewayBackendNotFoundError, ScalewayProvider
from scaleway_qaas.errors import InvalidArgumentError, NotFoundError


def measured(n: int) -> QuantumCircuit:
    qc = QuantumCircuit(n, name=f"w{n}")
    qc.h(0)
    qc.measure_all()
    return qc


def test_backends_and_filters(provider: ScalewayProvider) -> None:
    names = {b.name for b in provider.backends()}
    assert {"EMU-AER-16C-128M", "QPU-GARNET-20PQ", "QPU-IBEX-12PQ"} <= names
    sims = {b.name for b in provider.backends(simulator=True)}
    assert "EMU-AER-16C-128M" in sims and "QPU-GARNET-20PQ" not in sims
    qpus = {"QPU-GARNET-20PQ", "QPU-SIRIUS-24PQ", "QPU-EMERALD-54PQ", "QPU-IBEX-12PQ"}
    assert {b.name for b in provider.backends(simulator=False)} == qpus
    big = {b.name for b in provider.backends(min_num_qubits=25)}
    assert "EMU-AER-16C-128M" in big and "QPU-EMERALD-54PQ" in big and not big & {"QPU-GARNET-20PQ", "QPU-IBEX-12PQ"}
    aer = {b.name for b in provider.backends(backend_name="aer")}
    assert "EMU-AER-16C-128M" in aer and "EMU-IBEX-12PQ-L4" in aer  # AQT's digital twins run Aer
    iqm = {b.name for b in provider.backends(provider_name="iqm", operational=True)}
    assert iqm == {"QPU-GARNET-20PQ", "QPU-SIRIUS-24PQ", "QPU-EMERALD-54PQ"}
    assert {b.name for b in provider.backends(max_shot_count=2000)} >= {"QPU-IBEX-12PQ", "EMU-IBEX-12PQ-L4"}
    assert all(b.num_qubits == 12 for b in provider.backends(filters=lambda b: b.num_qubits == 12))
    assert provider.get_backend("EMU-AER-16C-128M") is provider.get_backend("EMU-AER-16C-128M")


def test_get_backend_unknown(provider: ScalewayProvider) -> None:
    with pytest.raises(ScalewayBackendNotFoundError) as info:
        provider.get_backend("EMU-NOPE")
    assert isinstance(info.value, QiskitBackendNotFoundError) and isinstance(info.value, NotFoundError)
    assert "EMU-NOPE" in str(info.value) and "EMU-AER-16C-128M" in str(info.value)


def test_unknown_filter(provider: ScalewayProvider) -> None:
    with pytest.raises(InvalidArgumentError, match="unknown backend filter"):
        provider.backends(colour="blue")


def test_too_wide(aer: ScalewayBackend) -> None:
    with pytest.raises(InvalidArgumentError, match=r"40 qubits but EMU-AER-16C-128M has 32"):
        aer.run(measured(40))


def test_unbound_parameters(aer: ScalewayBackend) -> None:
    qc = QuantumCircuit(1, 1, name="p")
    qc.rx(Parameter("alpha"), 0)
    qc.measure(0, 0)
    with pytest.raises(InvalidArgumentError, match=r"unbound parameters \(alpha\).*assign_parameters"):
        aer.run(qc)


def test_no_measurements(aer: ScalewayBackend) -> None:
    qc = QuantumCircuit(2, name="silent")
    qc.h(0)
    with pytest.raises(InvalidArgumentError, match="no measurements"):
        aer.run(qc)


def test_shots_outside_limits(aer: ScalewayBackend) -> None:
    with pytest.raises(InvalidArgumentError, match="shots"):
        aer.run(measured(1), shots=2_000_000)
    with pytest.raises(InvalidArgumentError, match="shots"):
        aer.run(measured(1), shots=0)
    with pytest.raises(ValueError):
        aer.set_options(shots=2_000_000)


def test_aer_run_options_reach_the_platform(aer: ScalewayBackend) -> None:
    """Aer's own run options (method, precision...) travel to the platform instead of being dropped:
    in the job parameters' options (and, as the official plugin sends them, in the model's backend options)."""
    import json

    job = aer.run(measured(1), shots=10, method="matrix_product_state", precision="single")
    assert sum(job.result().get_counts().values()) == 10
    info = aer.client.get_job(job.job_id())
    assert json.loads(info.parameters)["options"]["method"] == "matrix_product_state"


def test_not_a_circuit(aer: ScalewayBackend) -> None:
    with pytest.raises(InvalidArgumentError, match="QuantumCircuit"):
        aer.run(["OPENQASM 2.0;"])


def test_import_scaleway_qaas_stays_free_of_qiskit() -> None:
    code = "import sys, scaleway_qaas, scaleway_qaas.core, scaleway_qaas.adapters; assert 'qiskit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_noise_model_wire_format_matches_qio() -> None:
    from qio.core import quantum_noise_model as qio
    from qiskit_aer.noise import NoiseModel, ReadoutError, depolarizing_error

    from scaleway_qaas.adapters.qiskit.convert import to_noise_model

    noise = NoiseModel()
    noise.add_all_qubit_quantum_error(depolarizing_error(0.1, 1), ["x", "h"])
    noise.add_all_qubit_readout_error(ReadoutError([[0.9, 0.1], [0.2, 0.8]]))
    ours = to_noise_model(noise)
    ref = qio.QuantumNoiseModel.from_qiskit_aer_noise_model(noise)
    assert (int(ours.serialization_format), int(ours.compression_format)) == (1, 2)
    assert ours.serialization == ref.serialization
