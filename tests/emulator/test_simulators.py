"""The simulator layer's shortcuts give what the libraries they shortcut give."""

from __future__ import annotations

import cirq
import pytest
import qsimcirq

from scaleway_qaas.core.codecs import decode as decode_result
from scaleway_qaas.core.wire import ComputationModel, ComputationParameters, Program, ProgramFormat, ProgramResult
from scaleway_qaas.emulator import simulators
from scaleway_qaas.emulator.families import qsim
from scaleway_qaas.emulator.platforms import BY_NAME

Q = cirq.LineQubit.range(5)
G = cirq.GridQubit.rect(2, 2)
TERMINAL = {
    "bell": cirq.Circuit(cirq.H(Q[0]), cirq.CNOT(Q[0], Q[1]), cirq.measure(Q[0], Q[1], key="m")),
    "reversed order": cirq.Circuit(cirq.rx(0.3).on(Q[0]), cirq.CNOT(Q[0], Q[1]), cirq.measure(Q[1], Q[0], key="m")),
    "keys and invert mask": cirq.Circuit(
        cirq.H.on_each(*Q), cirq.measure(Q[4], Q[0], key="a", invert_mask=(True,)), cirq.measure(Q[2], key="b")
    ),
    "grid qubits": cirq.Circuit(cirq.H(G[0]), cirq.CZ(G[0], G[3]), cirq.X(G[2]), cirq.measure(*G, key="z")),
    "unmeasured qubit": cirq.Circuit(cirq.H(Q[0]), cirq.X(Q[3]), cirq.measure(Q[3], key="only")),
}


@pytest.mark.parametrize("name", list(TERMINAL))
@pytest.mark.parametrize("seed", [0, 7, 123456])
def test_qsim_terminal_sampling_matches_qsimcirq(name: str, seed: int) -> None:
    circuit = TERMINAL[name]
    expected = qsimcirq.QSimSimulator(seed=seed).run(circuit, repetitions=300)
    records = qsim._qsim_terminal_sample(circuit, 300, seed)
    assert records is not None
    got = cirq.ResultDict(params=cirq.ParamResolver({}), records=records)
    assert cirq.to_json(got) == cirq.to_json(expected)  # same samples, shapes and dtypes


@pytest.mark.parametrize(
    "circuit",
    [
        cirq.Circuit(cirq.measure(Q[0], key="a"), cirq.X(Q[0]), cirq.measure(Q[0], key="b")),  # mid-circuit
        cirq.Circuit(cirq.depolarize(0.1).on(Q[0]), cirq.measure(Q[0], key="a")),  # a channel
        cirq.Circuit(cirq.measure(Q[0], key="a"), cirq.measure(Q[1], key="a")),  # a repeated key
    ],
)
def test_qsim_other_circuits_take_qsimcirqs_path(circuit: cirq.Circuit) -> None:
    assert qsim._qsim_terminal_sample(circuit, 100, 1) is None
    assert qsim._qsim_terminal_sample(TERMINAL["bell"], 1, 1) is None  # one shot


def test_qsim_job_results_are_seeded_and_compact() -> None:
    platform = BY_NAME["EMU-QSIM-16C-128M"]
    program = Program.from_text(cirq.to_json(TERMINAL["keys and invert mask"]), ProgramFormat.CIRQ_CIRCUIT_JSON_V1)
    first = qsim._run_program(platform, program, 200, 5)
    assert first == qsim._run_program(platform, program, 200, 5)
    assert "\\n" not in first  # no indentation inside the result document


def test_small_noiseless_aer_jobs_run_single_threaded() -> None:
    platform = BY_NAME["EMU-AER-16C-128M"]
    bell = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n'
    model = ComputationModel(programs=(Program.from_text(bell, ProgramFormat.QASM_V2),))
    params = ComputationParameters(shots=500, options=None)
    payload = ProgramResult.from_json(simulators.execute(platform, model, params, 3)[0])
    assert payload.document()["results"][0]["metadata"]["parallel_state_update"] == 1
    (first,) = decode_result(payload)
    (again,) = decode_result(ProgramResult.from_json(simulators.execute(platform, model, params, 3)[0]))
    assert first.counts == again.counts  # still seeded
    assert set(first.counts) <= {"00", "11"} and first.shots == 500


def test_cudaq_one_element_register_measurements_are_indexed() -> None:
    from scaleway_qaas.emulator.families.programs import fix_qasm2

    text = "qreg var0[1];\ncreg var2[1];\nmeasure var0 -> var2[0];\nmeasure var0[0] -> var2;\n"
    assert fix_qasm2(text) == "qreg var0[1];\ncreg var2[1];\nmeasure var0[0] -> var2[0];\nmeasure var0[0] -> var2[0];\n"
    wide = "qreg q[2];\ncreg c[2];\nmeasure q -> c;\nmeasure q[1] -> c[0];\n"
    assert fix_qasm2(wide) == wide  # broadcasts between equal registers and indexed bits stay as they are


def test_bare_native_gates_in_qasm3_become_standard_gates() -> None:
    from scaleway_qaas.emulator.families.programs import to_qiskit

    text = "OPENQASM 3.0;\nqubit[2] q;\nbit[2] c;\nr(0.5, 0.25) q[0];\nrxx(0.3) q[0], q[1];\n"
    text += "move q[0], q[1];\nc = measure q;\n"
    qc = to_qiskit(Program.from_text(text, ProgramFormat.QASM_V3))
    ops = [(inst.operation.name, type(inst.operation).__name__) for inst in qc.data]
    assert ops[:3] == [("r", "RGate"), ("rxx", "RXXGate"), ("move", "MoveGate")]
    assert [float(p) for p in qc.data[0].operation.params] == [0.5, 0.25]


def test_qsim_reads_qasm3_and_gates_cirqs_importer_lacks() -> None:
    platform = BY_NAME["EMU-QSIM-16C-128M"]
    qasm3 = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nbit[2] m;\nqubit[2] q;\nx q[0];\nm = measure q;\n'
    qasm2 = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg m[2];\nr(pi, 0) q[0];\nrxx(0) q[0],q[1];\n'
    qasm2 += "measure q -> m;\n"
    for text, fmt in ((qasm3, ProgramFormat.QASM_V3), (qasm2, ProgramFormat.QASM_V2)):
        payload = ProgramResult.from_json(qsim._run_program(platform, Program.from_text(text, fmt), 50, 1))
        (exp,) = decode_result(payload)
        assert exp.counts == {"10": 50} and [r.name for r in exp.registers] == ["m"]
