"""Refusing, before any simulation, a job whose state vector would not fit in memory.

A state vector of ``n`` qubits holds ``2**n`` complex amplitudes: 16 bytes each in Aer (complex128),
8 in qsim (complex64). A job whose largest program needs more than the memory limit (by default
the machine's physical memory) ends in ``error`` with a message naming the qubit count and the
memory needed; it is never attempted (an attempt would be killed by the kernel, or take the
machine down with it). Qubits are counted as the program declares them (QASM registers, the
qubits of a Cirq circuit), as the platforms' qubit limits count them.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from ..core.payload import ComputationModel, Program, ProgramFormat
from .platforms import PlatformSpec
from .simulators import family

_QASM_REGISTER = re.compile(r"\b(?:qreg\s+[A-Za-z_]\w*\s*\[\s*(\d+)\s*\]|qubit\s*(?:\[\s*(\d+)\s*\])?\s+[A-Za-z_]\w*)")
_CIRQ_QUBITS = ("LineQubit", "GridQubit", "NamedQubit", "LineQid", "GridQid", "NamedQid")


def machine_memory() -> int:
    """Bytes of physical memory of this machine."""
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


#: bytes per amplitude of the families that hold a full state vector (complex128 in Aer, complex64 in qsim);
#: a family absent here (matrix product states...) gets no up-front estimate
_AMPLITUDE_BYTES = {"aer": 16, "qsim": 8}


def qubit_count(program: Program) -> int:
    """The number of qubits a program declares (0 when it cannot tell: the simulator will)."""
    text = program.text()
    if program.serialization_format == ProgramFormat.CIRQ_CIRCUIT_JSON_V1:
        try:
            return len(_cirq_qubits(json.loads(text), set()))
        except (ValueError, RecursionError):
            return 0
    return sum(int(n or s or 1) for n, s in _QASM_REGISTER.findall(_strip_comments(text)))


def _strip_comments(text: str) -> str:
    return re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.DOTALL)


def _cirq_qubits(node: Any, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        if node.get("cirq_type") in _CIRQ_QUBITS:
            found.add(json.dumps(node, sort_keys=True))
        else:
            for value in node.values():
                _cirq_qubits(value, found)
    elif isinstance(node, list):
        for value in node:
            _cirq_qubits(value, found)
    return found


def _size(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if n == int(n) else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def refusal(platform: PlatformSpec, model: ComputationModel, limit: int) -> str | None:
    """Why the job cannot run within ``limit`` bytes, or None when it fits."""
    amplitude = _AMPLITUDE_BYTES.get(family(platform))
    if amplitude is None:
        return None
    for index, program in enumerate(model.programs):
        n = qubit_count(program)
        need = amplitude * 2 ** min(n, 256)  # bounded: a float of the size must exist
        if need > limit:
            return (
                f"program {index} uses {n} qubits: its state vector needs {_size(need)} "
                f"({amplitude} B x 2^{n} amplitudes), more than the {_size(limit)} of memory available "
                f"to {platform.name} here; the job was refused without being run"
            )
    return None
