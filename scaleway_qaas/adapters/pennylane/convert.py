"""PennyLane tapes -> OpenQASM programs (version 2 or 3, whichever the platform prefers).

The device decomposes every tape to :data:`GATES`, the PennyLane operators that both
OpenQASM 2 and OpenQASM 3 (``stdgates.inc``) write with the same convention. For OpenQASM 2
that is the ``qelib1.inc`` of the OpenQASM 2 paper, which every reader knows (Qiskit's
``qasm2.loads`` without extensions, Cirq's parser...), not Qiskit's longer file (``sx``,
``swap``, ``crx``... are decomposed instead). Circuits are sent as written: the service
transpiles for its QPUs.

Bit order: wire ``wire_order[i]`` is measured into classical bit ``i``, so character ``i``
of a neutral result bitstring is wire ``wire_order[i]``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import numpy as np
import pennylane as qml
from pennylane.exceptions import DeviceError
from pennylane.tape import QuantumScript
from pennylane.wires import Wires

from ...core import PlatformDescription, Program, ProgramFormat, encode_program

#: PennyLane operator name -> (OpenQASM 2 ``qelib1.inc`` gate, OpenQASM 3 ``stdgates.inc`` gate), same matrices.
_NAMES: dict[str, tuple[str, str]] = {
    "PauliX": ("x", "x"),
    "PauliY": ("y", "y"),
    "PauliZ": ("z", "z"),
    "Hadamard": ("h", "h"),
    "S": ("s", "s"),
    "Adjoint(S)": ("sdg", "sdg"),
    "T": ("t", "t"),
    "Adjoint(T)": ("tdg", "tdg"),
    "RX": ("rx", "rx"),
    "RY": ("ry", "ry"),
    "RZ": ("rz", "rz"),
    "PhaseShift": ("u1", "u1"),
    "U1": ("u1", "u1"),
    "U2": ("u2", "u2"),
    "U3": ("u3", "u3"),
    "CNOT": ("cx", "cx"),
    "CZ": ("cz", "cz"),
    "CY": ("cy", "cy"),
    "CH": ("ch", "ch"),
    "CRZ": ("crz", "crz"),
    "ControlledPhaseShift": ("cu1", "cp"),
    "Toffoli": ("ccx", "ccx"),
}

#: Operators left out of programs: they do not change measured statistics.
IGNORED = frozenset({"Identity", "GlobalPhase", "Barrier", "Snapshot"})

#: What the device decomposes tapes to.
GATES = frozenset(_NAMES) | IGNORED

Instruction = tuple[str, tuple[float, ...], tuple[int, ...]]


def _param(value: object) -> float:
    if type(value) is float or type(value) is int or isinstance(value, np.floating | np.integer):
        return float(value)  # the common case, without autoray's dispatch
    return float(np.real(qml.math.toarray(value)))


def structure(tape: QuantumScript, wire_order: Wires) -> Hashable:
    """Everything the tape's program depends on but its parameter values (:func:`values`)."""
    return tuple(wire_order), tuple((op.name, op.wires, len(op.data)) for op in tape.operations)


def values(tape: QuantumScript) -> list[float]:
    """The numbers the tape's program prints, in order."""
    return [_param(x) for op in tape.operations if op.name not in IGNORED for x in op.parameters]


def _body(tape: QuantumScript, wire_order: Wires, version: int, numbers: Sequence[float] | None = None) -> list[str]:
    """The gate lines; ``numbers`` (optional) replace the tape's parameter values, in :func:`values` order."""
    index = {w: i for i, w in enumerate(wire_order)}
    given = None if numbers is None else iter(numbers)
    lines = []
    for op in tape.operations:
        if op.name in IGNORED:
            continue
        names = _NAMES.get(op.name)
        if names is None:
            raise DeviceError(f"operation {op.name} has no OpenQASM equivalent; decompose it first")
        params = ",".join(repr(_param(x) if given is None else next(given)) for x in op.parameters)
        args = f"({params})" if params else ""
        lines.append(f"{names[version - 2]}{args} " + ",".join(f"q[{index[w]}]" for w in op.wires) + ";")
    return lines


def qasm2(tape: QuantumScript, wire_order: Wires, numbers: Sequence[float] | None = None) -> str:
    """OpenQASM 2 of a tape made of :data:`GATES`, measuring every wire of ``wire_order`` in order (its
    parameter values, or ``numbers``)."""
    n = len(wire_order)
    head = ["OPENQASM 2.0;", 'include "qelib1.inc";', f"qreg q[{n}];", f"creg c[{n}];"]
    tail = [f"measure q[{i}] -> c[{i}];" for i in range(n)]
    return "\n".join([*head, *_body(tape, wire_order, 2, numbers), *tail]) + "\n"


def qasm3(tape: QuantumScript, wire_order: Wires, numbers: Sequence[float] | None = None) -> str:
    """OpenQASM 3 of a tape made of :data:`GATES`, measuring every wire of ``wire_order`` in order (its
    parameter values, or ``numbers``)."""
    n = len(wire_order)
    head = ["OPENQASM 3.0;", 'include "stdgates.inc";', f"qubit[{n}] q;", f"bit[{n}] c;"]
    tail = [f"c[{i}] = measure q[{i}];" for i in range(n)]
    return "\n".join([*head, *_body(tape, wire_order, 3, numbers), *tail]) + "\n"


def to_program(tape: QuantumScript, wire_order: Wires, platform: PlatformDescription) -> Program:
    """The tape in the OpenQASM version the platform prefers (the core chooses)."""
    encoders: dict[ProgramFormat, Callable[[], str]] = {
        ProgramFormat.QASM_V2: lambda: qasm2(tape, wire_order),
        ProgramFormat.QASM_V3: lambda: qasm3(tape, wire_order),
    }
    return encode_program(platform, encoders, what="the PennyLane circuit")
