"""Cirq circuits -> shared programs, neutral results -> ``cirq.ResultDict``.

Measurement keys survive every program format: before export, each measurement
operation gets a fresh key ``k<i>`` (QASM exporters turn it into the register
``m_k<i>``), and a per-circuit :class:`Layout` maps the registers of the neutral
result back to the user's keys. Measuring the same key several times therefore
yields cirq's repeated-key records ``(repetitions, instances, qubits)``.

Which format is sent is the platform's choice (:func:`~scaleway_qaas.core.formats.encode_program`):
this module only offers an encoder per format Cirq writes (Cirq JSON, OpenQASM 2 and 3).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs
import cirq
import numpy as np

from ...core import CannotEncode, ExperimentResult, PlatformDescription, Program, ProgramFormat, encode_program
from ...errors import PayloadError
from .fit import fit

#: register declarations of an OpenQASM 2 (``creg m_k0[2];``) or 3 (``bit[2] m_k0;``) program
_QASM_REGISTER = re.compile(r"^\s*(?:creg\s+(\w+)\s*\[\d+\]|bit\s*\[\d+\]\s*(\w+))\s*;", re.MULTILINE)


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
    """A circuit ready to submit: the program, its layout, its qubit count and its parameters."""

    program: Program
    layout: Layout
    num_qubits: int
    params: cirq.ParamResolver

    def result(self, exp: ExperimentResult) -> cirq.ResultDict:
        return to_result(exp, self.layout, self.params)


def resolve(circuit: cirq.AbstractCircuit, resolver: cirq.ParamResolver) -> cirq.AbstractCircuit:
    """Resolve parameters; ValueError naming the symbols left unresolved (as cirq.Simulator)."""
    resolved = cirq.resolve_parameters(circuit, resolver)
    if cirq.is_parameterized(resolved):
        names = sorted(cirq.parameter_names(resolved))
        raise ValueError(f"Circuit contains ops whose symbols were not specified in parameter sweep: {names}")
    return resolved


def _measurement_gate(op: cirq.Operation) -> cirq.MeasurementGate | None:
    if not cirq.is_measurement(op):
        return None
    gate = op.gate
    if not isinstance(gate, cirq.MeasurementGate):
        raise ValueError(f"unsupported measurement {op!r}: use cirq.measure (computational basis)")
    if any(d != 2 for d in cirq.qid_shape(gate)):
        raise ValueError(f"measurement {op!r} acts on qudits; only qubits are supported")
    return gate


def _relabel(circuit: cirq.AbstractCircuit) -> tuple[cirq.Circuit, Layout]:
    """Give every measurement a fresh key ``k<i>``; keep the mapping in a Layout."""
    flat = cirq.unroll_circuit_op(circuit.unfreeze(copy=False), deep=True, tags_to_check=None)
    slots: list[Slot] = []
    if any(cirq.control_keys(op) for op in flat.all_operations()):
        # classical conditions refer to keys by name: rename per key, not per instance
        mapping: dict[str, str] = {}
        widths: dict[str, int] = {}
        for op in flat.all_operations():
            gate = _measurement_gate(op)
            if gate is not None:
                mapping.setdefault(str(gate.key), f"k{len(mapping)}")
                widths[str(gate.key)] = gate.num_qubits()
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


def qubit_order(circuit: cirq.AbstractCircuit, platform: PlatformDescription) -> list[cirq.Qid]:
    """The qubits in program order: on QPUs, ``LineQubit(i)`` is qubit ``q[i]`` (the circuit is sent as
    written); otherwise the circuit's qubits in sorted order."""
    qubits = sorted(circuit.all_qubits())
    if not platform.is_simulator and qubits and all(isinstance(q, cirq.LineQubit) and q.x >= 0 for q in qubits):
        return list(cirq.LineQubit.range(max(q.x for q in qubits) + 1))  # type: ignore[attr-defined]
    return qubits


def _qasm(circuit: cirq.Circuit, qubits: list[cirq.Qid], version: str) -> Callable[[], str]:
    def write() -> str:
        try:
            return circuit.to_qasm(qubit_order=qubits, version=version)
        except ValueError as exc:
            raise CannotEncode(str(exc)) from exc

    return write


def prepare(
    circuit: cirq.AbstractCircuit,
    params: cirq.ParamResolver,
    platform: PlatformDescription,
    *,
    transpile: bool = False,
) -> Prepared:
    """Resolve a circuit and write it in the platform's preferred format (``transpile``: to its native
    instructions first, see :mod:`.native`)."""
    resolved = resolve(circuit, params)
    if not resolved.has_measurements():
        raise ValueError("Circuit has no measurements to sample.")
    relabelled, layout = _relabel(resolved)
    relabelled = fit(relabelled, platform)
    qubits = qubit_order(relabelled, platform)
    if transpile and platform.native_gates is not None:
        from .native import native_qasm

        encoders = {ProgramFormat.QASM_V2: lambda: native_qasm(relabelled, platform, qubits)}
    else:
        encoders = {
            ProgramFormat.CIRQ_CIRCUIT_JSON_V1: lambda: cirq.to_json(relabelled),
            ProgramFormat.QASM_V2: _qasm(relabelled, qubits, "2.0"),
            ProgramFormat.QASM_V3: _qasm(relabelled, qubits, "3.0"),
        }
    program = encode_program(platform, encoders, what="the Cirq circuit")
    if program.serialization_format != ProgramFormat.CIRQ_CIRCUIT_JSON_V1:
        declared = tuple(a or b for a, b in _QASM_REGISTER.findall(program.text()))
        layout = attrs.evolve(layout, declared=declared)
    return Prepared(program, layout, len(qubits), params)


def to_result(exp: ExperimentResult, layout: Layout, params: cirq.ParamResolver) -> cirq.ResultDict:
    """Build the ResultDict of one circuit from its neutral result (classical bit 0 leftmost)."""
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
        # one global register (CUDA-Q, or none named): the program's registers in declaration order
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
