"""The Qiskit :class:`~qiskit.transpiler.Target` of a platform, built once from the core's description.

QPUs: their published native instructions (``metadata.qiskit.target.instructions``; IQM
Sirius adds ``move``, a qubit-resonator move with no Qiskit equivalent, declared as an
opaque two-qubit gate), on all-to-all connectivity since none is published. Simulators:
the standard gate set. Circuits are sent as they are: the service transpiles on its side;
``transpile(qc, backend)`` with this target is for users who want to do it locally.
"""

from __future__ import annotations

import logging

from qiskit.circuit import Gate, Measure
from qiskit.circuit.library import get_standard_gate_name_mapping
from qiskit.transpiler import Target

from ...core import PlatformDescription

log = logging.getLogger("scaleway_qaas.adapters.qiskit")

#: Gates a simulator platform accepts: OpenQASM 2's ``qelib1.inc`` set plus common extras.
SIMULATOR_GATES: tuple[str, ...] = (
    "id", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg",
    "rx", "ry", "rz", "p", "u", "u1", "u2", "u3", "r",
    "cx", "cy", "cz", "ch", "swap", "crx", "cry", "crz", "cp", "cu1", "cu3", "csx",
    "rxx", "ryy", "rzz", "rzx", "ecr", "iswap", "ccx", "cswap",
    "measure", "reset",
)  # fmt: skip


class MoveGate(Gate):
    """IQM's ``move``: moves a qubit's state into a computational resonator and back (opaque here)."""

    def __init__(self) -> None:
        super().__init__("move", 2, [])


def build_target(platform: PlatformDescription) -> Target:
    """The platform's native instructions, or :data:`SIMULATOR_GATES` for simulators."""
    mapping = get_standard_gate_name_mapping()
    num_qubits = platform.max_qubits or None
    native = platform.native_gates
    if native is None:
        return Target.from_configuration(basis_gates=list(SIMULATOR_GATES), num_qubits=num_qubits)
    target = Target(num_qubits=num_qubits, description=platform.name)
    for name in dict.fromkeys(native):
        if name == "move":
            target.add_instruction(MoveGate())
        elif name == "measure":
            target.add_instruction(Measure())
        elif name in mapping:
            target.add_instruction(mapping[name])
        else:
            log.warning("platform %s: native instruction %r has no Qiskit equivalent; ignored", platform.name, name)
    if "measure" not in target.operation_names:
        target.add_instruction(Measure())
    return target
