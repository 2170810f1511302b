"""Local transpilation, on request (``transpile=True``): a circuit in a QPU's native instructions, as OpenQASM 2.

The service transpiles QPU circuits itself; this is for users who want to see or control
the decomposition. Cirq's own transformers do the work: ``CZTargetGateset`` (CZ and
PhasedXZ), then, on trapped-ion platforms (native ``rxx``, no ``cz``), CZ -> Mølmer-Sørensen
gates, then ``eject_z`` makes Z rotations virtual (absorbed into later phases and
measurements). Single-qubit gates are written ``r(theta, phi)``. Qubits are not routed:
no connectivity is published.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cirq

from ...core import PlatformDescription
from ...errors import InvalidArgumentError

_TOL = 1e-9


def _decompose(circuit: cirq.Circuit, native: set[str]) -> cirq.Circuit:
    c = cirq.optimize_for_target_gateset(circuit, gateset=cirq.CZTargetGateset())
    if "cz" not in native:
        c = cirq.map_operations_and_unroll(
            c,
            lambda op, _: (
                cirq.two_qubit_matrix_to_ion_operations(op.qubits[0], op.qubits[1], cirq.unitary(op))
                if isinstance(op.gate, cirq.CZPowGate)
                else op
            ),
        )
        c = cirq.merge_single_qubit_gates_to_phxz(c)
    return cirq.eject_z(c)


def _line(op: cirq.Operation, q: list[int], native: set[str]) -> list[str]:
    """The QASM lines of one decomposed operation."""
    gate = op.gate
    if isinstance(gate, cirq.MeasurementGate):
        if any(gate.full_invert_mask()):
            raise InvalidArgumentError("inverted measurements cannot be written with native gates")
        return [f"measure q[{i}] -> m_{gate.key}[{j}];" for j, i in enumerate(q)]
    if isinstance(gate, cirq.PhasedXZGate) and abs(float(gate.z_exponent)) < _TOL:
        gate = cirq.PhasedXPowGate(exponent=gate.x_exponent, phase_exponent=gate.axis_phase_exponent)
    if isinstance(gate, cirq.XPowGate | cirq.YPowGate):
        phase = 0.0 if isinstance(gate, cirq.XPowGate) else 0.5
        gate = cirq.PhasedXPowGate(exponent=gate.exponent, phase_exponent=phase)
    if isinstance(gate, cirq.PhasedXPowGate):
        theta, phi = math.pi * float(gate.exponent), math.pi * float(gate.phase_exponent)
        return [f"r({theta!r},{phi!r}) q[{q[0]}];"] if abs(math.remainder(theta, 2 * math.pi)) > _TOL else []
    if isinstance(gate, cirq.ZPowGate) and "rz" in native:
        return [f"rz({math.pi * float(gate.exponent)!r}) q[{q[0]}];"]
    if isinstance(gate, cirq.CZPowGate) and abs(math.remainder(float(gate.exponent), 2) - 1) < _TOL:
        return [f"cz q[{q[0]}],q[{q[1]}];"]
    if isinstance(gate, cirq.XXPowGate) and "rxx" in native:
        return [f"rxx({math.pi * float(gate.exponent)!r}) q[{q[0]}],q[{q[1]}];"]
    if isinstance(gate, cirq.GlobalPhaseGate) or not q:
        return []
    raise InvalidArgumentError(f"cannot write {op!r} with native instructions {sorted(native)}")


def native_qasm(circuit: cirq.Circuit, platform: PlatformDescription, qubits: Sequence[cirq.Qid]) -> str:
    """OpenQASM 2 of ``circuit`` with only ``r``, ``rz``, ``cz`` or ``rxx`` gates, as the platform publishes."""
    native = set(platform.native_gates or ())
    if "r" not in native or not native & {"cz", "rxx"}:
        raise InvalidArgumentError(
            f"transpile=True decomposes to r with cz or rxx; {platform.name} publishes {sorted(native)}: "
            "send the circuit as written (the service transpiles it)"
        )
    if any(cirq.control_keys(op) for op in circuit.all_operations()):
        raise InvalidArgumentError("decomposing classically controlled operations to native gates is not supported")
    c = _decompose(circuit, native)
    ops = list(c.all_operations())
    index = {q: i for i, q in enumerate(qubits)}
    widths = {str(op.gate.key): op.gate.num_qubits() for op in ops if isinstance(op.gate, cirq.MeasurementGate)}
    lines = ["OPENQASM 2.0;", 'include "qelib1.inc";', f"qreg q[{len(qubits)}];"]
    lines += [f"creg m_{k}[{w}];" for k, w in sorted(widths.items(), key=lambda kw: int(kw[0][1:]))]
    for n, op in enumerate(ops):
        if isinstance(op.gate, cirq.ZPowGate) and "rz" not in native:
            # eject_z leaves Z rotations only where nothing but measurements follows: no effect on samples
            later = (o for o in ops[n + 1 :] if set(o.qubits) & set(op.qubits))
            if all(isinstance(o.gate, cirq.ZPowGate | cirq.MeasurementGate) for o in later):
                continue
        lines += _line(op, [index[q] for q in op.qubits], native)
    return "\n".join(lines) + "\n"
