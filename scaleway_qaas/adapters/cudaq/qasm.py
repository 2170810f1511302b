"""Translated OpenQASM 2 as a :class:`Circuit`: a measurement-free body and the qubits CUDA-Q reports.

Bit order: CUDA-Q orders a sample's bits by *qubit index* of the measured qubits
(qubit 0 leftmost), whatever the order of the ``mz`` calls; without any ``mz`` all
qubits are measured. ``cudaq.translate`` measures into one ``varN`` creg per call,
in call order (``measure var0 -> var2[0];`` for a single ``cudaq.qubit()``), or
measures nothing. :func:`parse` drops those measurements; :meth:`Circuit.qasm`
measures into a single creg ``meas`` whose bit ``j`` is the ``j``-th measured qubit
by index, so the core's counts (classical-bit order, left to right) are CUDA-Q's bitstrings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import attrs

from .kernels import untranslatable

CREG = "meas"
_QREG = re.compile(r"^qreg\s+(\w+)\s*\[(\d+)\]\s*;$")
_CREG = re.compile(r"^creg\s+\w+\s*\[\d+\]\s*;$")
_MEASURE = re.compile(r"^measure\s+(\w+)(?:\s*\[(\d+)\])?\s*->\s*[\w\[\]\s]+;$")


@attrs.frozen
class Circuit:
    """A kernel as OpenQASM 2: ``body`` has no measurement, ``qubits[i]`` is qubit ``i``'s operand
    (e.g. ``var0[1]``), ``measured`` are the measured qubit indices, ascending."""

    body: str
    qubits: tuple[str, ...]
    measured: tuple[int, ...]

    @property
    def num_qubits(self) -> int:
        return len(self.qubits)

    def qasm(self, rotations: Sequence[str] = (), measured: Sequence[int] | None = None) -> str:
        """The program: body, ``rotations`` lines, then ``measured`` qubits into creg ``meas`` in that order."""
        order = self.measured if measured is None else tuple(measured)
        lines = [self.body.rstrip(), *rotations, f"creg {CREG}[{len(order)}];"]
        lines += [f"measure {self.qubits[qubit]} -> {CREG}[{bit}];" for bit, qubit in enumerate(order)]
        return "\n".join(lines) + "\n"


def parse(qasm: str, name: str = "kernel") -> Circuit:
    """Split translated QASM into a measurement-free body and the measured qubits (all if none)."""
    qubits: list[str] = []
    registers: dict[str, list[int]] = {}
    body: list[str] = []
    measured: set[int] = set()
    for raw in qasm.splitlines():
        line = raw.strip()
        if not line or line.startswith("//") or _CREG.match(line):
            continue
        if qreg := _QREG.match(line):
            registers[qreg[1]] = list(range(len(qubits), len(qubits) + int(qreg[2])))
            qubits += [f"{qreg[1]}[{i}]" for i in range(int(qreg[2]))]
        elif measure := _MEASURE.match(line):
            if measure[1] not in registers:
                raise untranslatable(name, f"unexpected measurement {line!r}")
            indices = registers[measure[1]]
            measured.update([indices[int(measure[2])]] if measure[2] is not None else indices)
            continue
        elif line.startswith("if"):
            raise untranslatable(name, f"classically controlled operation {line!r}")
        elif measured and _touches(line, [qubits[i] for i in measured]):
            raise untranslatable(name, f"operation after a measurement of the same qubit: {line!r}")
        body.append(line)
    return Circuit("\n".join(body), tuple(qubits), tuple(sorted(measured)) or tuple(range(len(qubits))))


def _touches(line: str, operands: Sequence[str]) -> bool:
    registers = {operand.split("[")[0] for operand in operands}
    return any(operand in line for operand in operands) or any(
        re.search(rf"\b{reg}\b(?!\[)", line) for reg in registers
    )


def basis_rotations(circuit: Circuit, pauli_word: str) -> list[str]:
    """Gates that map each qubit's Pauli eigenbasis to Z (as CUDA-Q's observe: h for X, rx(pi/2) for Y)."""
    gates = []
    for qubit, pauli in enumerate(pauli_word):
        if pauli == "X":
            gates.append(f"h {circuit.qubits[qubit]};")
        elif pauli == "Y":
            gates.append(f"rx({math.pi / 2!r}) {circuit.qubits[qubit]};")
    return gates
