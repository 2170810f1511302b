"""Unit tests of the tape -> OpenQASM conversion (no server): both versions run the same circuit."""

from __future__ import annotations

import numpy as np
import pennylane as qml
import pytest
from pennylane.exceptions import DeviceError
from pennylane.wires import Wires
from qiskit import qasm2, qasm3
from qiskit.quantum_info import Statevector

from scaleway_qaas.adapters.pennylane import convert
from scaleway_qaas.core.errors import InvalidArgumentError
from scaleway_qaas.core.platform import describe
from scaleway_qaas.core.records import PlatformInfo
from scaleway_qaas.core.wire import ProgramFormat

_ONE_QUBIT = [qml.PauliX, qml.PauliY, qml.PauliZ, qml.Hadamard, qml.S, qml.T]
_ROTATIONS = [qml.RX, qml.RY, qml.RZ, qml.PhaseShift, qml.U1]
_CONTROLLED = [qml.CRZ, qml.ControlledPhaseShift]


def _random_tape(n: int, depth: int, seed: int) -> qml.tape.QuantumScript:
    """A random circuit over every gate of :data:`convert.GATES` (plus ignored ones)."""
    rng = np.random.default_rng(seed)
    ops: list[qml.operation.Operator] = []
    for _ in range(depth):
        a, b, c = (int(w) for w in rng.choice(n, size=3, replace=False))
        angle = float(rng.uniform(-3, 3))
        ops += [
            _ONE_QUBIT[rng.integers(len(_ONE_QUBIT))](wires=a),
            _ROTATIONS[rng.integers(len(_ROTATIONS))](angle, wires=b),
            qml.adjoint(qml.S(wires=c)),
            qml.adjoint(qml.T(wires=a)),
            qml.U2(angle, -angle / 2, wires=c),
            qml.U3(angle, 0.3, -0.7, wires=a),
            [qml.CNOT, qml.CZ, qml.CY, qml.CH][rng.integers(4)](wires=[a, b]),
            _CONTROLLED[rng.integers(len(_CONTROLLED))](angle, wires=[b, c]),
            qml.Toffoli(wires=[a, b, c]),
            qml.GlobalPhase(angle),
            qml.Identity(b),
        ]
    return qml.tape.QuantumScript(ops, [qml.probs(wires=range(n))])


def _probabilities(circuit) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Probabilities of a loaded QASM circuit, wire ``i`` leftmost (Qiskit's are little-endian)."""
    probs = Statevector(circuit.remove_final_measurements(inplace=False)).probabilities_dict()
    n = circuit.num_qubits
    out = np.zeros(2**n)
    for key, p in probs.items():
        out[int(key[::-1], 2)] = p
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_both_versions_match_default_qubit(seed: int) -> None:
    tape = _random_tape(4, 6, seed)
    expected = qml.device("default.qubit").execute(tape)
    wires = Wires(range(4))
    for text, load in ((convert.qasm2(tape, wires), qasm2.loads), (convert.qasm3(tape, wires), qasm3.loads)):
        np.testing.assert_allclose(_probabilities(load(text)), expected, atol=1e-9)


def test_wire_i_is_measured_into_clbit_i_in_wire_order() -> None:
    tape = qml.tape.QuantumScript([qml.Hadamard("a"), qml.CNOT(["a", "b"]), qml.GlobalPhase(0.3)], [qml.probs()])
    text2 = convert.qasm2(tape, Wires(["b", "a"]))
    assert "h q[1];" in text2 and "cx q[1],q[0];" in text2 and "gphase" not in text2
    assert text2.endswith("measure q[0] -> c[0];\nmeasure q[1] -> c[1];\n")
    text3 = convert.qasm3(tape, Wires(["b", "a"]))
    assert text3.startswith('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\n')
    assert text3.endswith("c[0] = measure q[0];\nc[1] = measure q[1];\n")


def test_controlled_phase_is_named_per_version() -> None:
    tape = qml.tape.QuantumScript([qml.ControlledPhaseShift(0.5, wires=[0, 1])], [qml.probs()])
    assert "cu1(0.5) q[0],q[1];" in convert.qasm2(tape, Wires([0, 1]))
    assert "cp(0.5) q[0],q[1];" in convert.qasm3(tape, Wires([0, 1]))


@pytest.mark.parametrize("op", [qml.IsingXX(0.1, wires=[0, 1]), qml.SWAP([0, 1]), qml.SX(0), qml.CRX(0.2, [0, 1])])
def test_an_undecomposed_operation_is_a_device_error(op: qml.operation.Operator) -> None:
    tape = qml.tape.QuantumScript([op], [qml.probs()])
    with pytest.raises(DeviceError, match=f"{op.name} has no OpenQASM equivalent"):
        convert.qasm2(tape, Wires([0, 1]))


def test_openqasm_2_needs_only_the_papers_qelib1() -> None:
    """Every OpenQASM 2 gate written is in the paper's qelib1.inc: Qiskit loads it without extensions."""
    tape = _random_tape(3, 4, 0)
    circuit = qasm2.loads(convert.qasm2(tape, Wires(range(3))))
    assert circuit.num_qubits == 3 and circuit.count_ops()["measure"] == 3


def _platform(provider: str, backend: str):  # type: ignore[no-untyped-def]
    return describe(PlatformInfo(id="p", name=f"{provider}-{backend}", provider_name=provider, backend_name=backend))


@pytest.mark.parametrize(
    ("provider", "backend", "fmt"),
    [
        ("scaleway", "aer", ProgramFormat.QASM_V2),
        ("scaleway", "qsim", ProgramFormat.QASM_V2),
        ("scaleway", "cudaq", ProgramFormat.QASM_V2),
        ("qperfect", "quantanium", ProgramFormat.QASM_V2),
        ("quobly", "pioneer", ProgramFormat.QASM_V3),
        ("iqm", "garnet", ProgramFormat.QASM_V3),
        ("aqt", "aer", ProgramFormat.QASM_V3),
    ],
)
def test_the_platform_chooses_the_openqasm_version(provider: str, backend: str, fmt: ProgramFormat) -> None:
    tape = qml.tape.QuantumScript([qml.Hadamard(0)], [qml.probs()])
    program = convert.to_program(tape, Wires([0]), _platform(provider, backend))
    assert program.serialization_format == fmt
    assert program.text().startswith("OPENQASM 3.0;" if fmt == ProgramFormat.QASM_V3 else "OPENQASM 2.0;")


def test_a_platform_reading_no_openqasm_is_refused_by_name() -> None:
    platform = _platform("scaleway", "qsim")
    only_cirq = describe.__wrapped__(platform.info)  # type: ignore[attr-defined]
    only_cirq = type(only_cirq)(
        info=platform.info,
        family=platform.family,
        traits=type(platform.traits)((ProgramFormat.CIRQ_CIRCUIT_JSON_V1,), platform.traits.result_format),
        native_instructions=None,
        prices=platform.prices,
    )
    tape = qml.tape.QuantumScript([qml.Hadamard(0)], [qml.probs()])
    with pytest.raises(InvalidArgumentError, match="cannot be sent to scaleway-qsim: it reads CIRQ_CIRCUIT_JSON_V1"):
        convert.to_program(tape, Wires([0]), only_cirq)
