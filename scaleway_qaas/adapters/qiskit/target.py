"""The Qiskit :class:`~qiskit.transpiler.Target` of a platform, built once from its description."""

from __future__ import annotations

import logging

from qiskit.circuit.library import get_standard_gate_name_mapping
from qiskit.transpiler import CouplingMap, Target

from ...core.resources import Platform

log = logging.getLogger("scaleway_qaas.adapters.qiskit")

#: Gates a simulator platform accepts: OpenQASM 2's ``qelib1.inc`` set plus common extras.
SIMULATOR_GATES: tuple[str, ...] = (
    "id", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg",
    "rx", "ry", "rz", "p", "u", "u1", "u2", "u3", "r",
    "cx", "cy", "cz", "ch", "swap", "crx", "cry", "crz", "cp", "cu1", "cu3", "csx",
    "rxx", "ryy", "rzz", "rzx", "ecr", "iswap", "ccx", "cswap",
    "measure", "reset",
)  # fmt: skip

#: Directives every platform accepts whatever its native gates (never checked against the target).
DIRECTIVES = frozenset({"barrier"})


def build_target(platform: Platform) -> Target:
    """QPU: its native gates on its coupling map; simulator: :data:`SIMULATOR_GATES`, all-to-all."""
    mapping = get_standard_gate_name_mapping()
    num_qubits = platform.max_qubit_count
    native = platform.native_gates
    if native is None:
        return Target.from_configuration(
basis_gates=list(SIMULATOR_GATES), num_qubits=num_qubits)
    basis = []
    for name in native:
        if name in DIRECTIVES:
            continue
        if name not in mapping:
            log.warning("platform %s: native gate %r has no Qiskit equivalent; ignored", platform.name, name)
            continue
        basis.append(name)
    coupling = None
    if platform.coupling_map:
        edges = {(a, b) for a, b in platform.coupling_map} | {(b, a) for a, b in platform.coupling_map}
        coupling = CouplingMap(sorted(edges))
    return Target.from_configuration(basis_gates=basis, num_qubits=num_qubits, coupling_map=coupling)
