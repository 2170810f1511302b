"""Refusing, before any simulation, a job whose state vector would not fit in memory.

A state vector of ``n`` qubits holds ``2**n`` complex amplitudes: 16 bytes each in Aer (complex128),
8 in qsim (complex64); a density matrix holds ``4**n``. A job whose largest program needs more than
the memory limit (by default the machine's physical memory) ends in ``error`` with a message naming
the qubit count and the memory needed; it is never attempted (an attempt would be killed by the
kernel, or take the machine down with it). Qubits are first counted as the program declares them
(QASM registers, a Cirq circuit's qubits), which costs no parsing; a program declaring too many is
then parsed to count the qubits its instructions touch, the ones the simulator allocates.

Families simulated otherwise are not estimated: emulated QPUs switch to matrix product states on
wide circuits, QPerfect's emulator is one, and so are Aer jobs asking for a method other than a
state vector or density matrix (``stabilizer``...).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from ..core.wire import ComputationModel, Program, ProgramFormat
from .platforms import PlatformSpec
from .simulators import used_qubits

_QASM_REGISTER = re.compile(r"\b(?:qreg\s+[A-Za-z_]\w*\s*\[\s*(\d+)\s*\]|qubit\s*(?:\[\s*(\d+)\s*\])?\s+[A-Za-z_]\w*)")
_CIRQ_QUBITS = ("LineQubit", "GridQubit", "NamedQubit", "LineQid", "GridQid", "NamedQid")
#: bytes per amplitude of the platform families (``PlatformSpec.family``) that hold a full state vector
_AMPLITUDE_BYTES = {"aer": 16, "cudaq": 16, "pioneer": 16, "qsim": 8}
_STATE_METHODS = (None, "automatic", "statevector", "density_matrix")


def machine_memory() -> int:
    """Bytes of physical memory of this machine."""
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


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
    """Why the job cannot run within ``limit`` bytes, or None when it fits (or is not estimated)."""
    amplitude = _AMPLITUDE_BYTES.get(platform.family)
    method = (model.backend.options or {}).get("method") if model.backend else None
    if amplitude is None or method not in _STATE_METHODS:
        return None
    power = 4 if method == "density_matrix" else 2

    def need(n: int) -> int:
        return int(amplitude * power ** min(n, 256))  # bounded: a float of the size must exist

    for index, program in enumerate(model.programs):
        n = qubit_count(program)
        if need(n) > limit:
            n = used_qubits(platform, program)
        if need(n) > limit:
            what = "density matrix" if power == 4 else "state vector"
            return (
                f"program {index} uses {n} qubits: its {what} needs {_size(need(n))} "
                f"({amplitude} B x {power}^{n} amplitudes), more than the {_size(limit)} of memory available "
                f"to {platform.name} here; the job was refused without being run"
            )
    return None
