"""Jobs on every platform: statistics, bit order, result formats, limits, native gates, large results."""

from __future__ import annotations

import json

import cirq
import httpx
import pytest
from qiskit import QuantumCircuit, qasm3
from qiskit_aer.noise import NoiseModel as AerNoise
from qiskit_aer.noise import depolarizing_error

from scaleway_qaas.core.codecs import decode as decode_result
from scaleway_qaas.core.wire import Compression, NoiseModel, NoiseModelFormat, Program, ProgramFormat, ResultFormat

from .conftest import BELL_QASM2, Api, P, decode, help_message, within

X0_QASM2 = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\ncreg c[3];\nx q[0];\nmeasure q -> c;\n'
FORMATS = {
    "EMU-AER-16C-128M": ResultFormat.QISKIT_RESULT_JSON_V1,
    "EMU-QSIM-16C-128M": ResultFormat.CIRQ_RESULT_JSON_V1,
    "EMU-CUDAQ-H100": ResultFormat.CUDAQ_SAMPLE_RESULT_JSON_V1,
}


def _native_bell(platform: str) -> str:
    """A Bell pair in each QPU's native gates (qubits 0 and 1 are coupled on both)."""
    qc = QuantumCircuit(2, 2)
    if platform == "QPU-GARNET-20PQ":  # H = R(pi/2, pi/2) then Z-ish; CX = H CZ H on the target
        qc.r(1.5707963267948966, 1.5707963267948966, 0)
        qc.r(1.5707963267948966, 1.5707963267948966, 1)
        qc.cz(0, 1)
        qc.r(-1.5707963267948966, 1.5707963267948966, 1)
    else:  # Molmer-Sorensen: RXX(pi/2) makes (|00> - i|11>)/sqrt(2)
        qc.rxx(1.5707963267948966, 0, 1)
    qc.measure([0, 1], [0, 1])
    return qasm3.dumps(qc)


@pytest.mark.parametrize("platform", [*FORMATS])
def test_bell_statistics_and_format(api: Api, platform: str) -> None:
    job, results = api.run(platform, BELL_QASM2, shots=2000)
    assert job["status"] == "completed", job["progress_message"]
    assert [r.serialization_format for r in results] == [FORMATS[platform]]
    (exp,) = decode(results)
    assert set(exp.counts) == {"00", "11"} and exp.shots == 2000
    assert within(exp.counts["00"], 2000, 0.5)


@pytest.mark.parametrize("platform", ["QPU-GARNET-20PQ", "QPU-IBEX-12PQ"])
def test_qpu_native_bell_is_noisy_but_correlated(api: Api, platform: str) -> None:
    job, results = api.run(platform, _native_bell(platform), fmt=ProgramFormat.QASM_V3, shots=2000)
    assert job["status"] == "completed", job["progress_message"]
    (exp,) = decode(results)
    correlated = exp.counts.get("00", 0) + exp.counts.get("11", 0)
    assert 0.85 * 2000 < correlated < 2000  # readout and gate noise leave some 01/10
    assert within(exp.counts["00"], correlated, 0.5, sigmas=6)


@pytest.mark.parametrize("platform", [*FORMATS])
def test_bit_order_x_on_qubit_0(api: Api, platform: str) -> None:
    job, results = api.run(platform, X0_QASM2, shots=50)
    assert job["status"] == "completed", job["progress_message"]
    (exp,) = decode(results)
    assert exp.counts == {"100": 50}  # classical bit 0 leftmost in the neutral order
    raw = json.loads(results[0].text())
    if platform == "EMU-AER-16C-128M":
        assert raw["results"][0]["data"]["counts"] == {"0x1": 50}  # Aer's own hex: bit 0 least significant
    elif platform == "EMU-CUDAQ-H100":
        assert raw == [10, *map(ord, "__global__"), 1, 0b100, 3, 50]  # CUDA-Q: qubit 0 leftmost


def test_qsim_accepts_cirq_json_and_keeps_keys(api: Api) -> None:
    a, b = cirq.LineQubit.range(2)
    circuit = cirq.Circuit(cirq.X(a), cirq.measure(a, key="alpha"), cirq.measure(a, b, key="beta"))
    job, results = api.run("EMU-QSIM-16C-128M", cirq.to_json(circuit), fmt=ProgramFormat.CIRQ_CIRCUIT_JSON_V1, shots=20)
    assert job["status"] == "completed", job["progress_message"]
    result = cirq.read_json(json_text=results[0].text())
    assert result.measurements["alpha"].tolist() == [[1]] * 20
    assert result.measurements["beta"].tolist() == [[1, 0]] * 20


def test_aer_multi_program_one_result_with_registers_and_memory(api: Api) -> None:
    qc = QuantumCircuit.from_qasm_str(X0_QASM2)
    two_regs = (
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg a[1];\ncreg b[2];\n'
        "x q[1];\nmeasure q[0] -> a[0];\nmeasure q[1] -> b[1];\n"
    )
    zipped = Program.from_text(qasm3.dumps(qc), ProgramFormat.QASM_V3, Compression.ZLIB_BASE64_V1)
    programs = [BELL_QASM2, two_regs, zipped]
    job, results = api.run("EMU-AER-16C-128M", *programs, shots=64, memory=True, seed=3)
    assert job["status"] == "completed", job["progress_message"]
    assert len(results) == 1
    bell, regs, x0 = decode_result(results[0])
    assert bell.memory is not None and len(bell.memory) == 64
    assert [(r.name, r.size) for r in regs.registers] == [("a", 1), ("b", 2)]
    assert regs.counts == {"001": 64} and regs.register_counts("b") == {"01": 64}
    assert x0.counts == {"100": 64}


def test_seed_makes_results_reproducible(api: Api) -> None:
    session = api.session()
    model = api.model(BELL_QASM2)
    memories = []
    for _ in range(2):
        job = api.wait(api.ok(api.submit(session["id"], model, shots=200, memory=True, seed=42))["id"])
        memories.append(decode(api.results(job["id"]))[0].memory)
    assert memories[0] == memories[1]


def test_aer_noise_model_is_applied(api: Api) -> None:
    noise = AerNoise()
    noise.add_all_qubit_quantum_error(depolarizing_error(0.5, 1), ["x"])
    text = json.dumps(noise.to_dict(serializable=True))
    payload = NoiseModel(NoiseModelFormat.QISKIT_AER_JSON_V1, Compression.NONE, text)
    session = api.session()
    model = api.model(X0_QASM2, noise_model=payload)
    job = api.wait(api.ok(api.submit(session["id"], model, shots=2000))["id"])
    assert job["status"] == "completed", job["progress_message"]
    (exp,) = decode(api.results(job["id"]))
    assert within(exp.counts.get("000", 0), 2000, 0.25)  # depolarizing(0.5) flips X back a quarter of the time


@pytest.mark.parametrize(
    ("platform", "gate"),
    [("QPU-GARNET-20PQ", "h q[0];"), ("QPU-GARNET-20PQ", "cz q[0],q[5];"), ("QPU-IBEX-12PQ", "cx q[0],q[1];")],
)
def test_qpus_transpile_non_native_programs_on_the_server(api: Api, platform: str, gate: str) -> None:
    """The real service transpiles server-side: gates outside the native set and uncoupled pairs run."""
    qasm = f'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[6];\ncreg c[6];\n{gate}\nmeasure q -> c;\n'
    job, _ = api.run(platform, qasm, shots=10)
    assert job["status"] == "completed", job["progress_message"]


def test_limits(api: Api) -> None:
    session = api.session("QPU-IBEX-12PQ")
    model = api.model(BELL_QASM2)
    too_many_shots = api.submit(session["id"], model, shots=2001)
    assert too_many_shots.status_code == 400
    assert too_many_shots.json()["details"][0]["argument_name"] == "parameters"
    assert api.submit(session["id"], model, shots=0).status_code == 400
    qsim = api.session("EMU-QSIM-16C-128M")
    two = api.model(BELL_QASM2, BELL_QASM2)
    too_many_programs = api.submit(qsim["id"], two)
    assert too_many_programs.status_code == 400 and "at most 1 per job" in help_message(too_many_programs)
    wide = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[13];\ncreg c[13];\nmeasure q -> c;\n'
    job = api.wait(api.ok(api.submit(session["id"], api.model(wide), shots=10))["id"])
    assert job["status"] == "error" and "13 qubits" in job["progress_message"]


@pytest.mark.parametrize(
    ("program", "message"),
    [
        (Program(ProgramFormat.QASM_V2, Compression.NONE, "OPENQASM 2.0; qreg q[1]; bogus q[0];"), "cannot parse"),
        (Program(ProgramFormat.QASM_V2, Compression.ZLIB_BASE64_V1, "@@not base64@@"), "corrupt"),
        (Program(ProgramFormat.QIR_V1, Compression.NONE, "x"), "not accepted"),
    ],
)
def test_bad_programs_end_in_error(api: Api, program: Program, message: str) -> None:
    job, _ = api.run("EMU-AER-16C-128M", program)
    assert job["status"] == "error" and message in job["progress_message"]


def test_large_result_is_served_by_url(api: Api) -> None:
    qasm = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[20];\ncreg c[20];\nh q;\nmeasure q -> c;\n'
    session = api.session()
    # results travel compressed (zlib, then base64): 60,000 random 20-bit memories exceed 200 kB even so
    job = api.wait(api.ok(api.submit(session["id"], api.model(qasm), shots=60000, memory=True))["id"])
    assert job["status"] == "completed", job["progress_message"]
    (item,) = api.ok(api.http.get(f"{P}/jobs/{job['id']}/results"))["job_results"]
    assert item["result"] == "" and item["url"].startswith(api.http.base_url.scheme)
    assert httpx.URL(item["url"]).port != api.http.base_url.port  # the separate storage endpoint
    (exp,) = decode(api.results(job["id"]))
    assert exp.shots == 60000 and len(exp.memory or ()) == 60000
