"""PennyLane tapes -> OpenQASM 2 programs, standard gates or a QPU's native gates.

Simulators get a standard gate set that maps 1:1 onto ``qelib1.inc``. QPUs get
their native gates: the device first decomposes (in PennyLane) to a small
"lowering" set (RX, RY, RZ, CNOT, CZ, IsingXX), which this module rewrites into
native instructions (``r``, ``rx``, ``ry``, ``rz``, ``cz``, ``cx``, ``rxx``) and
routes with SWAPs along the platform's coupling map.

Bit order: wire ``wire_order[i]`` is always measured into classical bit ``i``,
so character ``i`` of a result bitstring is wire ``wire_order[i]``.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence

import numpy as np
import pennylane as qml
from pennylane.exceptions import DeviceError
from pennylane.operation import Operator
from pennylane.tape import QuantumScript
from pennylane.wires import Wires

#: PennyLane operator name -> OpenQASM 2 (qelib1.inc) gate with the same convention.
STANDARD_GATES: dict[str, str] = {
    "Identity": "id",
    "PauliX": "x",
    "PauliY": "y",
    "PauliZ": "z",
    "Hadamard": "h",
    "S": "s",
    "Adjoint(S)": "sdg",
    "T": "t",
    "Adjoint(T)": "tdg",
    "SX": "sx",
    "Adjoint(SX)": "sxdg",
    "RX": "rx",
    "RY": "ry",
    "RZ": "rz",
    "PhaseShift": "u1",
    "U1": "u1",
    "U2": "u2",
    "U3": "u3",
    "CNOT": "cx",
    "CZ": "cz",
    "CY": "cy",
    "CH": "ch",
    "SWAP": "swap",
    "CRX": "crx",
    "CRY": "cry",
    "CRZ": "crz",
    "ControlledPhaseShift": "cu1",
    "IsingXX": "rxx",
    "IsingZZ": "rzz",
    "Toffoli": "ccx",
    "CSWAP": "cswap",
}

#: Operators dropped from programs: they do not change measured statistics.
IGNORED = frozenset({"GlobalPhase", "Barrier", "Snapshot"})

#: Native gate names (Qiskit's) that are bookkeeping, not gates to decompose to.
CONTROL_OPS = frozenset({"measure", "barrier", "id", "delay", "reset"})

Instruction = tuple[str, tuple[float, ...], tuple[int, ...]]


def lowering_set(native: Iterable[str]) -> frozenset[str]:
    """The PennyLane operators a QPU with these native gates receives from ``decompose``.

    Raises :class:`DeviceError` when the native set cannot express rotations and an entangler.
    """
    nat = set(native)
    has_1q = "r" in nat or {"rx", "ry"} <= nat
    has_2q = bool(nat & {"cz", "cx", "rxx"})
    if not (has_1q and has_2q):
        shown = ", ".join(sorted(nat - CONTROL_OPS))
        raise DeviceError(f"cannot compile to the native gates of this platform ({shown}): unsupported gate set")
    ops = {"RX", "RY", "RZ", "CNOT", "CZ"}
    if "rxx" in nat:
        ops.add("IsingXX")
    return frozenset(ops)


def _param(value: float) -> float:
    if type(value) is float or type(value) is int or isinstance(value, (np.floating, np.integer)):
        return float(value)  # the common case, without autoray's dispatch
    return float(np.real(qml.math.toarray(value)))


def _fmt(x: float) -> str:
    return repr(float(x))


class NativeLowering:
    """Rewrites lowering-set operations into native instructions on physical qubits."""

    def __init__(self, native: Iterable[str], coupling_map: Sequence[tuple[int, int]] | None, n_qubits: int) -> None:
        self.native = frozenset(native)
        lowering_set(self.native)  # validates
        self.adjacency: dict[int, set[int]] | None = None
        if coupling_map is not None:
            self.adjacency = {q: set() for q in range(n_qubits)}
            for a, b in coupling_map:
                self.adjacency.setdefault(a, set()).add(b)
                self.adjacency.setdefault(b, set()).add(a)

    # -- one-qubit --------------------------------------------------------------------
    def rx(self, theta: float, q: int) -> list[Instruction]:
        return [("rx", (theta,), (q,))] if "rx" in self.native else [("r", (theta, 0.0), (q,))]

    def ry(self, theta: float, q: int) -> list[Instruction]:
        return [("ry", (theta,), (q,))] if "ry" in self.native else [("r", (theta, math.pi / 2), (q,))]

    def rz(self, lam: float, q: int) -> list[Instruction]:
        if "rz" in self.native:
            return [("rz", (lam,), (q,))]
        return [*self.rx(-math.pi / 2, q), *self.ry(lam, q), *self.rx(math.pi / 2, q)]

    def h(self, q: int) -> list[Instruction]:
        return [*self.ry(math.pi / 2, q), *self.rx(math.pi, q)]

    # -- two-qubit (qubits assumed coupled) -------------------------------------------
    def cnot(self, c: int, t: int) -> list[Instruction]:
        if "cx" in self.native:
            return [("cx", (), (c, t))]
        if "cz" in self.native:
            return [*self.h(t), ("cz", (), (c, t)), *self.h(t)]
        return [  # rxx (Maslov's CNOT for trapped ions)
            *self.ry(math.pi / 2, c), ("rxx", (math.pi / 2,), (c, t)),
            *self.rx(-math.pi / 2, t), *self.rx(-math.pi / 2, c), *self.ry(-math.pi / 2, c),
        ]  # fmt: skip

    def cz(self, a: int, b: int) -> list[Instruction]:
        if "cz" in self.native:
            return [("cz", (), (a, b))]
        return [*self.h(b), *self.cnot(a, b), *self.h(b)]

    def rxx(self, theta: float, a: int, b: int) -> list[Instruction]:
        if "rxx" in self.native:
            return [("rxx", (theta,), (a, b))]
        return [*self.cnot(a, b), *self.rx(theta, a), *self.cnot(a, b)]

    def swap(self, a: int, b: int) -> list[Instruction]:
        return [*self.cnot(a, b), *self.cnot(b, a), *self.cnot(a, b)]

    # -- routing ----------------------------------------------------------------------
    def _path(self, a: int, b: int) -> list[int]:
        assert self.adjacency is not None
        prev: dict[int, int | None] = {a: None}
        todo = deque([a])
        while todo:
            node = todo.popleft()
            if node == b:
                break
            for nxt in sorted(self.adjacency.get(node, ())):
                if nxt not in prev:
                    prev[nxt] = node
                    todo.append(nxt)
        if b not in prev:
            raise DeviceError(f"qubits {a} and {b} are not connected on this platform's coupling map")
        path = [b]
        while (p := prev[path[-1]]) is not None:
            path.append(p)
        return path[::-1]

    def lower(self, ops: Sequence[Operator], wire_order: Wires) -> tuple[list[Instruction], list[int]]:
        """Native instructions and ``layout`` (``layout[i]``: physical qubit holding wire ``wire_order[i]``)."""
        layout = list(range(len(wire_order)))  # logical index -> physical qubit
        out: list[Instruction] = []
        for op in ops:
            if op.name in IGNORED or op.name == "Identity":
                continue
            logical = [wire_order.index(w) for w in op.wires]
            if len(logical) == 2 and self.adjacency is not None:
                path = self._path(layout[logical[0]], layout[logical[1]])
                for step in path[1:-1]:  # move the first qubit next to the second
                    cur = layout[logical[0]]
                    out.extend(self.swap(cur, step))
                    if step in layout:
                        layout[layout.index(step)] = cur
                    layout[logical[0]] = step
            phys = [layout[i] for i in logical]
            out.extend(self._one(op, phys))
        return out, layout

    def _one(self, op: Operator, q: list[int]) -> list[Instruction]:
        name = op.name
        p = [_param(x) for x in op.parameters]
        if name == "RX":
            return self.rx(p[0], q[0])
        if name == "RY":
            return self.ry(p[0], q[0])
        if name == "RZ":
            return self.rz(p[0], q[0])
        if name == "CNOT":
            return self.cnot(q[0], q[1])
        if name == "CZ":
            return self.cz(q[0], q[1])
        if name == "IsingXX":
            return self.rxx(p[0], q[0], q[1])
        raise DeviceError(f"operation {name} was not decomposed to native gates ({', '.join(sorted(self.native))})")


def _qasm(n_qubits: int, body: Iterable[Instruction], measured: Sequence[int]) -> str:
    lines = ["OPENQASM 2.0;", 'include "qelib1.inc";', f"qreg q[{n_qubits}];", f"creg c[{len(measured)}];"]
    for name, params, qubits in body:
        args = "(" + ",".join(_fmt(x) for x in params) + ")" if params else ""
        lines.append(f"{name}{args} " + ",".join(f"q[{q}]" for q in qubits) + ";")
    lines.extend(f"measure q[{q}] -> c[{i}];" for i, q in enumerate(measured))
    return "\n".join(lines) + "\n"


def standard_qasm(tape: QuantumScript, wire_order: Wires) -> str:
    """QASM 2 of a tape whose operations are all in :data:`STANDARD_GATES`; measures every wire."""
    body: list[Instruction] = []
    index = {w: i for i, w in enumerate(wire_order)}
    for op in tape.operations:
        if op.name in IGNORED:
            continue
        gate = STANDARD_GATES.get(op.name)
        if gate is None:
            raise DeviceError(f"operation {op.name} has no OpenQASM 2 equivalent")
        body.append((gate, tuple(_param(x) for x in op.parameters), tuple(index[w] for w in op.wires)))
    return _qasm(len(wire_order), body, list(range(len(wire_order))))


def native_qasm(tape: QuantumScript, wire_order: Wires, lowering: NativeLowering, n_qubits: int = 0) -> str:
    """QASM 2 of a tape in the lowering set, in native gates, routed; wire ``i`` lands in clbit ``i``.

    The register holds the physical qubits used (at least ``n_qubits``).
    """
    body, layout = lowering.lower(tape.operations, wire_order)
    used = max([*layout, *(q for _, _, qs in body for q in qs)], default=0) + 1
    return _qasm(max(used, n_qubits), body, layout)
