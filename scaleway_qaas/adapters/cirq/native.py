"""Decompose a circuit to a QPU's native gates and write it as QASM 2.

Cirq's own transformers do the work: ``CZTargetGateset`` (CZ + PhasedXZ), then,
on trapped-ion platforms (native ``rxx``), CZ -> Mølmer-Sørensen gates. Single-qubit
gates become ``r(theta, phi)``; Z rotations become ``rz`` where native, else they are
tracked as a virtual frame (pushed through CZ and measurements, absorbed into
later ``r`` phases). Qubits are not routed: two-qubit gates must act on coupled qubits.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

import cirq

from ...core.errors import InvalidArgumentError
from ...core.resources import Platform

_TOL = 1e-9


def native_qasm(circuit: cirq.Circuit, platform: Platform, qubits: Sequence[cirq.Qid]) -> str:
    """QASM 2 of ``circuit`` with only ``r``, ``rz``, ``cz`` or ``rxx`` gates (as the platform allows)."""
    native = set(platform.native_gates or ())
    if any(cirq.control_keys(op) for op in circuit.all_operations()):
        raise InvalidArgumentError("decomposing classically controlled operations to native gates is not supported")
    c = cirq.optimize_for_target_gateset(circuit, gateset=cirq.CZTargetGateset())
    if "cz" not in native and "rxx" in native:
        c = cirq.map_operations_and_unroll(
            c,
            lambda op, _: (
                cirq.two_qubit_matrix_to_ion_operations(op.qubits[0], op.qubits[1], cirq.unitary(op))
                if isinstance(op.gate, cirq.CZPowGate)
                else op
            ),
        )
        c = cirq.merge_single_qubit_gates_to_phxz(c)
    index = {q: i for i, q in enumerate(qubits)}
    keys = [str(k) for k in sorted(cirq.measurement_key_objs(c), key=lambda k: int(str(k)[1:]))]
    widths = {str(op.gate.key): op.gate.num_qubits() for op in c.all_operations() if cirq.is_measurement(op)}  # type: ignore[union-attr]
    lines = ["OPENQASM 2.0;", 'include "qelib1.inc";', f"qreg q[{len(qubits)}];"]
    lines += [f"creg m_{k}[{widths[k]}];" for k in keys]
    frame: dict[int, float] = defaultdict(float)

    def z(q: int, angle: float) -> None:
        if "rz" in native:
            if abs(angle) > _TOL:
                lines.append(f"rz({angle!r}) q[{q}];")
        else:
            frame[q] += angle

    for op in c.all_operations():
        gate = op.gate
        qs = [index[q] for q in op.qubits]
        if isinstance(gate, cirq.MeasurementGate):
            if any(gate.full_invert_mask()):
                raise InvalidArgumentError("inverted measurements cannot be written with native gates")
            lines += [f"measure q[{q}] -> m_{gate.key}[{j}];" for j, q in enumerate(qs)]
        elif isinstance(gate, cirq.PhasedXZGate):
            x, z_exp, a = (float(v) for v in (gate.x_exponent, gate.z_exponent, gate.axis_phase_exponent))
            if abs(math.remainder(x, 2)) > _TOL:
                lines.append(f"r({math.pi * x!r},{math.pi * a - frame[qs[0]]!r}) q[{qs[0]}];")
            z(qs[0], math.pi * z_exp)
        elif isinstance(gate, cirq.PhasedXPowGate):
            theta, phi = math.pi * float(gate.exponent), math.pi * float(gate.phase_exponent) - frame[qs[0]]
            lines.append(f"r({theta!r},{phi!r}) q[{qs[0]}];")
        elif isinstance(gate, cirq.ZPowGate):
            z(qs[0], math.pi * float(gate.exponent))
        elif isinstance(gate, cirq.CZPowGate) and abs(math.remainder(float(gate.exponent), 2) - 1) < _TOL:
            lines.append(f"cz q[{qs[0]}],q[{qs[1]}];")
        elif isinstance(gate, cirq.XXPowGate):
            lines.append(f"rxx({math.pi * float(gate.exponent)!r}) q[{qs[0]}],q[{qs[1]}];")
        elif isinstance(gate, cirq.GlobalPhaseGate) or not qs:
            continue
        else:
            raise InvalidArgumentError(f"cannot write {op!r} with the native gates of {platform.name}")
    return "\n".join(lines) + "\n"
