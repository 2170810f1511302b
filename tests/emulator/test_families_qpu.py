"""Emulated QPUs transpile on the server side: standard gates always run, native circuits (``move`` on
Sirius included) run too, and what is simulated respects the native set and the connectivity."""

from __future__ import annotations

import json

import pytest
from qiskit import QuantumCircuit, qasm2, qasm3, transpile

from scaleway_qaas.core.codecs import decode as decode_result
from scaleway_qaas.core.wire import Program, ProgramFormat
from scaleway_qaas.emulator.families.programs import to_qiskit
from scaleway_qaas.emulator.families.qpu import to_native
from scaleway_qaas.emulator.platforms import BY_NAME

from .conftest import Api
from .test_families import run

QPUS = ["QPU-GARNET-20PQ", "QPU-SIRIUS-24PQ", "QPU-EMERALD-54PQ", "QPU-IBEX-12PQ", "EMU-IBEX-12PQ-L4"]


def standard_gates_circuit(width: int) -> QuantumCircuit:
    """Toffoli, controlled-H, swap, u, sdg and rzz on qubits far apart on any lattice: outcome 1101 mostly."""
    far, mid = width - 1, width // 2
    qc = QuantumCircuit(width, 4)
    qc.x(0)
    qc.u(3.141592653589793, 0, 3.141592653589793, far)  # an X
    qc.ccx(0, far, mid)  # sets mid
    qc.swap(mid, 1)  # moves it to 1
    qc.ch(1, 2)  # H on 2 then...
    qc.ch(1, 2)  # ...undone
    qc.sdg(2)
    qc.rzz(0.7, 0, 2)  # phases only
    qc.measure([0, 1, mid, far], [0, 1, 2, 3])
    return qc


@pytest.mark.parametrize("name", QPUS)
def test_standard_gates_are_transpiled_not_refused(name: str) -> None:
    platform = BY_NAME[name]
    qc = standard_gates_circuit(platform.max_qubit_count)
    (exp,) = run(name, qasm3.dumps(qc), ProgramFormat.QASM_V3, shots=1000)
    assert max(exp.counts, key=exp.counts.__getitem__) == "1101"
    assert exp.counts["1101"] >= 0.6 * 1000, exp.counts


@pytest.mark.parametrize("name", QPUS)
def test_what_is_simulated_is_native_and_routed(name: str) -> None:
    platform = BY_NAME[name]
    qc = standard_gates_circuit(platform.max_qubit_count)
    native = to_native(platform, to_qiskit(Program.from_text(qasm3.dumps(qc), ProgramFormat.QASM_V3)))
    allowed = set(platform.native_gates) | {"measure", "barrier"}
    assert {inst.operation.name for inst in native.data} <= allowed
    if platform.coupling_map is not None:
        edges = {frozenset(e) for e in platform.coupling_map}
        for inst in native.data:
            if inst.operation.num_qubits == 2:
                assert frozenset(native.find_bit(q).index for q in inst.qubits) in edges


def test_garnet_lattice_and_emerald_size() -> None:
    garnet, emerald = BY_NAME["QPU-GARNET-20PQ"], BY_NAME["QPU-EMERALD-54PQ"]
    assert garnet.coupling_map is not None and len(garnet.coupling_map) == 30
    assert {q for e in garnet.coupling_map for q in e} == set(range(20))
    assert emerald.coupling_map is not None and {q for e in emerald.coupling_map for q in e} == set(range(54))


def test_iqm_and_aqt_native_programs_run_as_they_are() -> None:
    iqm = (
        'OPENQASM 3.0;\ninclude "stdgates.inc";\nbit[2] c;\nqubit[2] q;\nr(pi, 0) q[0];\nr(pi/2, pi/2) q[1];\n'
        "cz q[0], q[1];\nr(pi/2, -pi/2) q[1];\nc[0] = measure q[0];\nc[1] = measure q[1];\n"
    )
    (exp,) = run("QPU-GARNET-20PQ", iqm, ProgramFormat.QASM_V3, shots=1000)
    assert exp.counts.get("11", 0) >= 900, exp.counts  # X on 0, then RY(pi/2) CZ RY(-pi/2): a CNOT from 0 to 1
    aqt = (
        'OPENQASM 3.0;\ninclude "stdgates.inc";\nbit[2] c;\nqubit[2] q;\nrxx(pi/2) q[0], q[1];\nrz(pi/4) q[0];\n'
        "c[0] = measure q[0];\nc[1] = measure q[1];\n"
    )
    (exp,) = run("QPU-IBEX-12PQ", aqt, ProgramFormat.QASM_V3, shots=1000)
    assert exp.counts.get("00", 0) + exp.counts.get("11", 0) >= 900, exp.counts  # a Molmer-Sorensen Bell pair


def test_sirius_move_exchanges_qubit_and_resonator_states() -> None:
    bare = (
        'OPENQASM 3.0;\ninclude "stdgates.inc";\nbit[2] c;\nqubit[16] q;\nx q[0];\nmove q[0], q[15];\n'
        "c[0] = measure q[0];\nc[1] = measure q[15];\n"
    )
    (exp,) = run("QPU-SIRIUS-24PQ", bare, ProgramFormat.QASM_V3, shots=1000)
    assert exp.counts.get("01", 0) >= 900, exp.counts
    opaque = (  # qiskit's QASM 2 export of a circuit holding IQM's MoveGate
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nopaque move q0,q1;\nqreg q[3];\ncreg c[3];\nx q[0];\n'
        "move q[0],q[2];\ncz q[1],q[2];\nmove q[0],q[2];\nmeasure q -> c;\n"
    )
    (exp,) = run("QPU-SIRIUS-24PQ", opaque, ProgramFormat.QASM_V2, shots=1000)
    assert exp.counts.get("100", 0) >= 850, exp.counts  # moved out and back


def test_official_plugin_transpile_output_runs_on_sirius(api: Api) -> None:
    """``transpile(qc, backend)`` with qiskit-scaleway's Sirius target, ``move`` appended by hand, sent as
    qiskit-scaleway sends it."""
    from qiskit_scaleway.backends.iqm.move_gate import MoveGate
    from qiskit_scaleway.utils import create_target_from_platform
    from scaleway_qaas_client.v1alpha1 import QaaSPlatform

    platform = QaaSPlatform.from_dict(api.platform("QPU-SIRIUS-24PQ"))
    target = create_target_from_platform(platform, additional_gates={"move": MoveGate()})
    bell = QuantumCircuit(3, 3)
    bell.x(0)
    bell.h(1)
    bell.cx(1, 2)
    bell.measure([0, 1, 2], [0, 1, 2])
    native = transpile(bell, target=target, optimization_level=1, seed_transpiler=1)
    assert {i.operation.name for i in native.data} <= {"r", "cz", "measure", "id"}
    native_with_move = native.copy_empty_like()
    for inst in native.data:
        if inst.operation.name != "measure":
            native_with_move.append(inst)
    native_with_move.append(MoveGate(), [0, 2])  # qubit 0 and qubit 2 (as the resonator) exchange...
    native_with_move.append(MoveGate(), [0, 2])  # ...and back
    native_with_move.measure([0, 1, 2], [0, 1, 2])
    for text, fmt in (
        (qasm3.dumps(native), ProgramFormat.QASM_V3),
        (qasm2.dumps(native_with_move), ProgramFormat.QASM_V2),
    ):
        job, payloads = api.run("QPU-SIRIUS-24PQ", text, fmt=fmt, shots=1000)
        assert job["status"] == "completed", job["progress_message"]
        (exp,) = decode_result(payloads[0])
        assert exp.counts.get("100", 0) + exp.counts.get("111", 0) >= 850, exp.counts


def test_ibex_takes_at_most_2000_shots(api: Api) -> None:
    session = api.session("QPU-IBEX-12PQ")
    model = api.model('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\ncreg c[1];\nmeasure q -> c;\n')
    refused = api.submit(session["id"], model, shots=2001)
    assert refused.status_code == 400 and refused.json()["type"] == "invalid_arguments"
    assert "2000" in json.dumps(refused.json())
    assert api.submit(session["id"], model, shots=2000).status_code == 200


@pytest.mark.parametrize("name", ["QPU-GARNET-20PQ", "QPU-EMERALD-54PQ"])
def test_results_report_the_programs_width_not_the_devices(name: str) -> None:
    """CUDA-Q's helper widens hex keys to ``header.n_qubits`` bits: a 20- or 54-bit key would be wrong."""
    from scaleway_qaas.core.wire import ComputationModel, ComputationParameters, ProgramResult
    from scaleway_qaas.emulator.simulators import _execute

    text = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\ncreg c[3];\nx q[0];\nmeasure q -> c;\n'
    model = ComputationModel(programs=(Program.from_text(text, ProgramFormat.QASM_V2),))
    (payload,) = _execute(BY_NAME[name], model, ComputationParameters(100), 1)
    header = json.loads(ProgramResult.from_json(payload).text())["results"][0]["header"]
    assert header["n_qubits"] == 3 and header["memory_slots"] == 3


def test_emerald_runs_wide_circuits() -> None:
    """40 entangled qubits: more than a state vector holds here, so wide QPU jobs use matrix product states."""
    n = 40
    lines = ['OPENQASM 2.0;\ninclude "qelib1.inc";', f"qreg q[{n}];", f"creg c[{n}];", "h q[0];"]
    lines += [f"cx q[{i}],q[{i + 1}];" for i in range(n - 1)] + ["measure q -> c;"]
    (exp,) = run("QPU-EMERALD-54PQ", "\n".join(lines), shots=200)
    top = sorted(exp.counts, key=exp.counts.__getitem__, reverse=True)[:2]
    assert set(top) == {"0" * n, "1" * n}, exp.counts
