"""Programs as Qiskit circuits: QASM 2 (as CUDA-Q and the plugins write it), QASM 3 and Cirq JSON.

Every platform reads what the official clients send, including CUDA-Q's QASM 2 quirks (a one-qubit
register measured into one bit: ``measure var0 -> var2[0];``) and the native gates QPU users write
without definitions (``r``, ``rxx``, IQM's ``move``...). IQM's ``move`` becomes :func:`move_gate`.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

from ...core.wire import Program, ProgramFormat
from ..platforms import PlatformSpec
from . import ExecutionError

if TYPE_CHECKING:
    from qiskit import QuantumCircuit

#: standard gates that stdgates.inc lacks, with a QASM 3 definition to inject when a program calls them bare
_QASM3_DEFINITIONS = {
    "r": "gate r(theta, phi) a { U(theta, phi - pi/2, -phi + pi/2) a; }",
    "rxx": "gate rxx(theta) a, b { h a; h b; cx a, b; rz(theta) b; cx a, b; h b; h a; }",
    "ryy": "gate ryy(theta) a, b { rx(pi/2) a; rx(pi/2) b; cx a, b; rz(theta) b; cx a, b; rx(-pi/2) a; rx(-pi/2) b; }",
    "rzz": "gate rzz(theta) a, b { cx a, b; rz(theta) b; cx a, b; }",
    "ecr": "gate ecr a, b { s a; sx b; cx a, b; x a; }",
    "iswap": "gate iswap a, b { s a; s b; h a; cx a, b; cx b, a; h b; }",
    "move": "gate move a, b { swap a, b; }",
}
_QASM3_GATE_DEF = re.compile(r"\bgate\s+([A-Za-z_]\w*)")
_QREG = re.compile(r"\bqreg\s+([A-Za-z_]\w*)\s*\[\s*(\d+)\s*\]")
_CREG = re.compile(r"\bcreg\s+([A-Za-z_]\w*)\s*\[\s*(\d+)\s*\]")
_MEASURE = re.compile(r"\bmeasure\s+([A-Za-z_]\w*)\s*(\[\s*\d+\s*\])?\s*->\s*([A-Za-z_]\w*)\s*(\[\s*\d+\s*\])?\s*;")


def move_gate() -> Any:
    """IQM's MOVE between a qubit and the computational resonator, as this emulator models it.

    MOVE exchanges the populations of qubit and resonator; on the states it is defined for it acts as
    a SWAP up to a phase that a second MOVE cancels, so the emulator's ``move`` gate is defined as a
    SWAP (the second operand plays the resonator). Transpilers keep it as it is (it is native on
    Sirius); the simulators run its definition.
    """
    return _move_class()()


@cache
def _move_class() -> type:
    from qiskit.circuit import Gate, QuantumCircuit

    class MoveGate(Gate):
        def __init__(self) -> None:
            super().__init__("move", 2, [])

        def _define(self) -> None:
            qc = QuantumCircuit(2, name="move")
            qc.swap(0, 1)
            self.definition = qc

    return MoveGate


@cache
def _qasm2_instructions() -> tuple[Any, ...]:
    from qiskit import qasm2
    from qiskit.circuit import library as lib

    extra = [
        qasm2.CustomInstruction("r", 2, 1, lib.RGate, builtin=True),
        qasm2.CustomInstruction("ryy", 1, 2, lib.RYYGate, builtin=True),
        qasm2.CustomInstruction("move", 0, 2, move_gate),  # opaque in qiskit's export of IQM circuits
    ]
    return (*qasm2.LEGACY_CUSTOM_INSTRUCTIONS, *extra)


def fix_qasm2(text: str) -> str:
    """Index one-element registers measured against a single bit (CUDA-Q's ``measure var0 -> var2[0];``),
    which QASM 2 parsers refuse as an unresolved broadcast."""
    if "measure" not in text:
        return text
    sizes = {name: int(n) for name, n in _QREG.findall(text) + _CREG.findall(text)}

    def fix(m: re.Match[str]) -> str:
        qreg, qidx, creg, cidx = m.groups()
        if (qidx is None) != (cidx is None):
            qidx = qidx or ("[0]" if sizes.get(qreg) == 1 else None)
            cidx = cidx or ("[0]" if sizes.get(creg) == 1 else None)
            if qidx and cidx:
                return f"measure {qreg}{qidx} -> {creg}{cidx};"
        return m.group(0)

    return _MEASURE.sub(fix, text)


def _define_bare_gates(text: str) -> str:
    """Add a definition of each non-stdgates standard gate a QASM 3 program calls without defining it."""
    defined = set(_QASM3_GATE_DEF.findall(text))
    missing = [
        d for name, d in _QASM3_DEFINITIONS.items() if name not in defined and re.search(rf"^\s*{name}\b", text, re.M)
    ]
    if not missing:
        return text
    header = re.search(r'include\s+"stdgates.inc"\s*;', text) or re.search(r"OPENQASM\s+[\d.]+\s*;", text)
    at = header.end() if header else 0
    extra = "\n".join(missing)
    if not re.search(r'include\s+"stdgates.inc"', text):
        extra = 'include "stdgates.inc";\n' + extra
    return f"{text[:at]}\n{extra}\n{text[at:]}"


def _standard(qc: QuantumCircuit) -> QuantumCircuit:
    """Program-defined gates named like standard gates become the standard gates (``r`` -> RGate...), and
    ``move`` becomes :func:`move_gate`, so that transpilers and simulators know them."""
    from qiskit.circuit.library import get_standard_gate_name_mapping

    mapping = get_standard_gate_name_mapping()
    changed = False
    data = []
    for inst in qc.data:
        op = inst.operation
        std = mapping.get(op.name)
        if op.name == "move" and op.num_qubits == 2 and not isinstance(op, _move_class()):
            op, changed = move_gate(), True
        elif std is not None and type(op) is not type(std) and len(op.params) == len(std.params):
            op, changed = type(std)(*op.params) if op.params else type(std)(), True
        data.append(inst.replace(operation=op))
    if not changed:
        return qc
    out = qc.copy_empty_like()
    for inst in data:
        out.append(inst)
    return out


def to_qiskit(program: Program) -> QuantumCircuit:
    """The program as a circuit. ``qelib1.inc`` and ``stdgates.inc`` are built in; no other include is read
    (the emulator's files are not the user's)."""
    text = program.text()
    fmt = program.serialization_format
    try:
        if fmt in (ProgramFormat.QASM_V1, ProgramFormat.QASM_V2):
            from qiskit import qasm2

            qc = qasm2.loads(fix_qasm2(text), include_path=(), custom_instructions=_qasm2_instructions())
        elif fmt == ProgramFormat.QASM_V3:
            from qiskit import qasm3

            qc = qasm3.loads(_define_bare_gates(text))
        elif fmt == ProgramFormat.CIRQ_CIRCUIT_JSON_V1:
            import cirq
            from qiskit import qasm2

            qasm = cirq.qasm(cirq.read_json(json_text=text))
            qc = qasm2.loads(qasm, include_path=(), custom_instructions=_qasm2_instructions())
        else:
            raise ExecutionError(f"program format {fmt.name} cannot be read as a gate-based circuit")
        return _standard(qc)
    except ExecutionError:
        raise
    except Exception as exc:  # parsers raise many exception types; all mean "bad program"
        raise ExecutionError(f"cannot parse {fmt.name} program: {type(exc).__name__}: {exc}") from exc


def check_format(platform: PlatformSpec, program: Program) -> None:
    if program.serialization_format not in platform.program_formats:
        accepted = ", ".join(f.name for f in platform.program_formats)
        raise ExecutionError(
            f"program format {program.serialization_format.name} is not accepted by {platform.name} "
            f"(accepted: {accepted})"
        )


def check_width(platform: PlatformSpec, n_qubits: int, index: int) -> None:
    if n_qubits > platform.max_qubit_count:
        raise ExecutionError(
            f"program {index} uses {n_qubits} qubits; {platform.name} has at most {platform.max_qubit_count}"
        )


def circuits(platform: PlatformSpec, programs: tuple[Program, ...]) -> list[QuantumCircuit]:
    """Every program of a model as a circuit, checked against the platform's formats and width (programs that
    differ only in numbers are parsed once, see :mod:`.structures`)."""
    from .structures import bind

    return [bind(*part) if isinstance(part, tuple) else part for part in circuit_parts(platform, programs)]


def circuit_parts(
    platform: PlatformSpec, programs: tuple[Program, ...]
) -> list[QuantumCircuit | tuple[QuantumCircuit, list[float]]]:
    """:func:`circuits`, where a program of a known structure is its structure's circuit and its numbers
    (:meth:`.structures.Structures.part`)."""
    from .structures import Structures

    parsed = Structures(to_qiskit)
    out = []
    for i, program in enumerate(programs):
        check_format(platform, program)
        part = parsed.part(program)
        check_width(platform, (part[0] if isinstance(part, tuple) else part).num_qubits, i)
        out.append(part)
    return out


def seed_of(
    options: dict[str, Any], default: int | None, keys: tuple[str, ...] = ("seed_simulator", "seed")
) -> int | None:
    """The first integer among ``options[keys]``, else ``default``."""
    for key in keys:
        value = options.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return default
