"""Cirq circuits -> shared programs, neutral results -> ``cirq.ResultDict``.

Measurement keys survive every program format: before export, each measurement
operation gets a fresh key ``k<i>`` (QASM exporters turn it into the creg
``m_k<i>``), and a per-circuit :class:`Layout` maps the registers of the neutral
result back to the user's keys. Measuring the same key several times therefore
yields cirq's repeated-key records ``(repetitions, instances, qubits)``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs
import cirq
import numpy as np

from ...core.errors import InvalidArgumentError, PayloadError
from ...core.payload import ExperimentResult, Program, ProgramFormat
from ...core.resources import Platform

#: Formats this adapter writes, in order of preference (Cirq JSON keeps Cirq exactly;
#: QASM 2 is Cirq's mature exporter; QASM 3 last).
SUPPORTED_FORMATS = (ProgramFormat.CIRQ_CIRCUIT_JSON_V1, ProgramFormat.QASM_V2, ProgramFormat.QASM_V3)
_CONTROL_OPS = frozenset({"measure", "barrier", "id", "delay", "reset"})
_QASM_GATE = re.compile(r"^\s*(?:if\s*\([^)]*\)\s*)?([A-Za-z_]\w*)\s*(?:\([^)]*\))?\s+([^;]+);")
_QASM_REGISTER = re.compile(r"^\s*(?:creg\s+(\w+)\s*\[\d+\]|bit\s*\[\d+\]\s*(\w+))\s*;", re.MULTILINE)
_QASM_KEYWORDS = frozenset({"OPENQASM", "include", "qreg", "creg", "qubit", "bit", "measure", "barrier", "reset"})


@attrs.frozen
class Slot:
    """One measurement instance: its register in the program, the user's key and width."""

    register: str
    key: str
    width: int


@attrs.frozen
class Layout:
    """How one circuit's measurements map to the registers of its program."""

    slots: tuple[Slot, ...]
    declared: tuple[str, ...] = ()  # register names in the program's declaration order (QASM)

    @property
    def keys(self) -> list[str]:
        """The user's keys in order of first measurement."""
        return list(dict.fromkeys(s.key for s in self.slots))


@attrs.frozen
class Prepared:
    """A circuit ready to submit: the program, its layout and qubit count."""

    program: Program
    layout: Layout
    num_qubits: int


def program_formats(platform: Platform) -> tuple[ProgramFormat, ...]:
    """The platform's accepted formats (tolerates format names in metadata, see core_bugs.md)."""
    try:
        return platform.program_formats
    except (ValueError, KeyError):
        listed = platform.metadata_dict.get("program_formats") or []
        out = []
        for f in listed:
            try:
                out.append(ProgramFormat[f] if isinstance(f, str) and not f.isdigit() else ProgramFormat(int(f)))
            except (KeyError, ValueError):
                continue
        return tuple(out) or (ProgramFormat.QASM_V2,)


def choose_format(platform: Platform) -> ProgramFormat:
    """The program format to send: the first of :data:`SUPPORTED_FORMATS` the platform accepts."""
    accepted = program_formats(platform)
    for fmt in SUPPORTED_FORMATS:
        if fmt in accepted:
            return fmt
    names = ", ".join(f.name for f in accepted)
    raise InvalidArgumentError(f"{platform.name} accepts no program format Cirq can write (accepted: {names})")


def resolve(circuit: cirq.AbstractCircuit, resolver: cirq.ParamResolver) -> cirq.AbstractCircuit:
    """Resolve parameters; ValueError naming the symbols left unresolved (as cirq.Simulator)."""
    resolved = cirq.resolve_parameters(circuit, resolver)
    if cirq.is_parameterized(resolved):
        names = sorted(cirq.parameter_names(resolved))
        raise ValueError(f"Circuit contains ops whose symbols were not specified in parameter sweep: {names}")
    return resolved


def _relabel(circuit: cirq.AbstractCircuit) -> tuple[cirq.Circuit, Layout]:
    """Give every measurement a fresh key ``k<i>``; keep the mapping in a Layout."""
    flat = cirq.unroll_circuit_op(circuit.unfreeze(copy=False), deep=True, tags_to_check=None)
    has_controls = any(cirq.control_keys(op) for op in flat.all_operations())
    slots: list[Slot] = []
    if has_controls:  # conditions refer to keys by name: rename per key, not per instance
        mapping: dict[str, str] = {}
        widths: dict[str, int] = {}
        for op in flat.all_operations():
            gate = _measurement_gate(op)
            if gate is not None:
                key = str(gate.key)
                mapping.setdefault(key, f"k{len(mapping)}")
                widths[key] = gate.num_qubits()
        slots = [Slot(mapping[k], k, widths[k]) for k in mapping]
        return cirq.with_measurement_key_mapping(flat, mapping), Layout(tuple(slots))
    moments = []
    for moment in flat:
        ops = []
        for op in moment:
            gate = _measurement_gate(op)
            if gate is not None:
                new = f"k{len(slots)}"
                slots.append(Slot(new, str(gate.key), gate.num_qubits()))
                op = op.with_gate(gate.with_key(new))  # type: ignore[attr-defined]
            ops.append(op)
        moments.append(cirq.Moment(ops))
    return cirq.Circuit(moments), Layout(tuple(slots))


def _measurement_gate(op: cirq.Operation) -> cirq.MeasurementGate | None:
    if not cirq.is_measurement(op):
        return None
    gate = op.gate
    if not isinstance(gate, cirq.MeasurementGate):
        raise ValueError(f"unsupported measurement {op!r}: use cirq.measure (computational basis)")
    if any(d != 2 for d in cirq.qid_shape(gate)):
        raise ValueError(f"measurement {op!r} acts on qudits; only qubits are supported")
    return gate


def _qubit_order(circuit: cirq.AbstractCircuit, platform: Platform) -> cirq.QubitOrderOrList:
    """On QPUs, LineQubit(i) is physical qubit i; otherwise qubits are numbered in sorted order."""
    qubits = circuit.all_qubits()
    if not platform.is_simulator and qubits and all(isinstance(q, cirq.LineQubit) for q in qubits):
        top = max(q.x for q in qubits)  # type: ignore[attr-defined]
        if min(q.x for q in qubits) >= 0:  # type: ignore[attr-defined]
            return cirq.QubitOrder.explicit(cirq.LineQubit.range(top + 1))
    return cirq.QubitOrder.DEFAULT


def prepare(
    circuit: cirq.AbstractCircuit, platform: Platform, fmt: ProgramFormat, *, transpile: bool = False
) -> Prepared:
    """Check a resolved circuit against the platform and serialize it (``transpile``: to native gates, QPUs)."""
    if not circuit.has_measurements():
        raise ValueError("Circuit has no measurements to sample.")
    relabelled, layout = _relabel(circuit)
    num_qubits = len(relabelled.all_qubits())
    if fmt == ProgramFormat.CIRQ_CIRCUIT_JSON_V1:
        text = cirq.to_json(relabelled)
    else:
        order = _qubit_order(relabelled, platform)
        if isinstance(order, cirq.QubitOrder) and order is not cirq.QubitOrder.DEFAULT:
            num_qubits = len(order.order_for(relabelled.all_qubits()))
        _check_qubits(num_qubits, platform)
        if transpile and not platform.is_simulator:
            from .native import native_qasm

            qubits = cirq.QubitOrder.as_qubit_order(order).order_for(relabelled.all_qubits())
            text = native_qasm(relabelled, platform, qubits)
        else:
            text = _to_qasm(relabelled, fmt, order)
        if not platform.is_simulator:
            check_native(text, platform)
        declared = tuple(a or b for a, b in _QASM_REGISTER.findall(text))
        layout = attrs.evolve(layout, declared=declared)
    _check_qubits(num_qubits, platform)
    return Prepared(Program.from_text(text, fmt), layout, num_qubits)


def _check_qubits(num_qubits: int, platform: Platform) -> None:
    if platform.max_qubit_count and num_qubits > platform.max_qubit_count:
        raise InvalidArgumentError(
            f"the circuit uses {num_qubits} qubits but {platform.name} has {platform.max_qubit_count} (max_qubit_count)"
        )


def _to_qasm(circuit: cirq.Circuit, fmt: ProgramFormat, order: cirq.QubitOrderOrList) -> str:
    try:
        if fmt == ProgramFormat.QASM_V3:
            return circuit.to_qasm(qubit_order=order, version="3.0")
        return circuit.to_qasm(qubit_order=order)
    except ValueError as exc:
        raise InvalidArgumentError(f"cannot export the circuit to {fmt.name}: {exc}") from exc


def check_native(qasm: str, platform: Platform) -> None:
    """Raise InvalidArgumentError if a gate is not native or a 2-qubit gate spans uncoupled qubits."""
    native = platform.native_gates
    edges = {frozenset(e) for e in platform.coupling_map} if platform.coupling_map else None
    for line in qasm.splitlines():
        match = _QASM_GATE.match(line.split("//", 1)[0])
        if not match or match.group(1) in _QASM_KEYWORDS:
            continue
        name, args = match.group(1), match.group(2)
        if native is not None and name not in native:
            gates = ", ".join(g for g in native if g not in _CONTROL_OPS)
            raise InvalidArgumentError(
                f"gate '{name}' (from Cirq's QASM export) is not native to {platform.name} (native: {gates}); "
                "decompose the circuit to the platform's gate set first, e.g. with "
                "ScalewaySampler(..., transpile=True)"
            )
        qubits = [int(i) for i in re.findall(r"\[(\d+)\]", args)]
        if edges is not None and len(qubits) == 2 and name not in _CONTROL_OPS and frozenset(qubits) not in edges:
            raise InvalidArgumentError(
                f"'{name}' acts on qubits {qubits[0]} and {qubits[1]}, which are not coupled on {platform.name}; "
                "use LineQubit(i) for physical qubit i and only coupled pairs of platform.coupling_map"
            )


def to_result(exp: ExperimentResult, layout: Layout, params: cirq.ParamResolver) -> cirq.ResultDict:
    """Build the ResultDict of one circuit from its neutral result."""
    memory = exp.memory
    if memory is None:  # counts only: shot order is lost, the distribution is kept
        memory = tuple(bits for bits, n in exp.counts.items() for _ in range(n))
    offsets: dict[str, int] = {}
    start = 0
    for reg in exp.registers:
        offsets[reg.name] = start
        start += reg.size
    width = start if exp.registers else len(memory[0]) if memory else 0
    wanted = {s.register for s in layout.slots}
    if not wanted & {n.removeprefix("m_") for n in offsets} and width == sum(s.width for s in layout.slots):
        # one global register (CUDA-Q): the program's registers concatenated in declaration order
        sizes = {f"m_{s.register}": s.width for s in layout.slots}
        offsets, start = {}, 0
        for name in layout.declared or sizes:
            offsets[name] = start
            start += sizes.get(name, 0)
    reps = len(memory)
    if reps and width:
        flat = np.frombuffer("".join(memory).encode("ascii"), dtype=np.uint8).reshape(reps, width) - ord("0")
        bits = flat.astype(np.int8)
    else:
        bits = np.zeros((reps, width), dtype=np.int8)
    records: dict[str, np.ndarray] = {}
    for key in layout.keys:
        parts = []
        for slot in (s for s in layout.slots if s.key == key):
            off = offsets.get(slot.register, offsets.get(f"m_{slot.register}"))
            if off is None:
                raise PayloadError(
                    f"the result has no register for measurement key {key!r} "
                    f"(expected {slot.register!r}; got {sorted(offsets)})"
                )
            parts.append(bits[:, off : off + slot.width])
        records[key] = np.stack(parts, axis=1)
    return cirq.ResultDict(params=params, records=records)


def results_for(
    experiments: Sequence[ExperimentResult], prepared: Sequence[Prepared], params: Sequence[cirq.ParamResolver]
) -> list[cirq.ResultDict]:
    """Results of a submission, in order."""
    if len(experiments) != len(prepared):
        raise PayloadError(f"got {len(experiments)} results for {len(prepared)} circuits")
    return [to_result(e, p.layout, r) for e, p, r in zip(experiments, prepared, params, strict=True)]
