"""Broadcast tapes: converted once into a template, each point's numbers bound into it.

A broadcast tape (``tape.batch_size`` points) is what PennyLane's ``broadcast_expand`` would split
into one tape per point. Here the first point is converted in full, the tape's batched parameters
become the holes of a :class:`~scaleway_qaas.core.Template` (found with sentinel values, so the
template holds only if it reproduces our writer's text exactly), and each further point costs
printing its numbers. The results of the points are stacked as ``broadcast_expand`` stacks them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pennylane as qml
from pennylane.ops.functions import bind_new_parameters
from pennylane.tape import QuantumScript
from pennylane.transforms import broadcast_expand
from pennylane.wires import Wires

from ...core import PlatformDescription, Program, ProgramFormat, Template, find_template
from . import convert

#: broadcasts shorter than this are converted point by point
MIN_POINTS = 3
#: points turned into Python floats at a time
ROWS = 1024

Slot = tuple[int, int]  # (operation index, parameter index) of a batched parameter


def _batched(tape: QuantumScript) -> list[Slot]:
    return [
        (i, j)
        for i, op in enumerate(tape.operations)
        if op.batch_size
        for j, p in enumerate(op.data)
        if qml.math.ndim(p) != op.ndim_params[j]
    ]


def point(tape: QuantumScript, values: Sequence[Any], slots: Sequence[Slot] | None = None) -> QuantumScript:
    """The tape of one point: batched parameter ``k`` (in :func:`_batched` order) set to ``values[k]``."""
    slots = _batched(tape) if slots is None else slots
    where = {slot: k for k, slot in enumerate(slots)}
    ops = []
    for i, op in enumerate(tape.operations):
        if op.batch_size:
            data = tuple(values[where[(i, j)]] if (i, j) in where else p for j, p in enumerate(op.data))
            op = bind_new_parameters(op, data)
        ops.append(op)
    return QuantumScript(ops, tape.measurements, shots=tape.shots, trainable_params=tape.trainable_params)


def _columns(tape: QuantumScript, slots: Sequence[Slot]) -> np.ndarray | None:
    """Points x batched parameters, as the floats the writer prints; None if a parameter is not plain real."""
    columns = []
    for i, j in slots:
        column = np.asarray(qml.math.toarray(tape.operations[i].data[j]))
        if column.ndim != 1 or column.dtype.kind not in "fiu":
            return None
        columns.append(column.astype(float))
    return np.stack(columns, axis=1)


def _text(tape: QuantumScript, wire_order: Wires, fmt: ProgramFormat) -> str:
    return (convert.qasm2 if fmt == ProgramFormat.QASM_V2 else convert.qasm3)(tape, wire_order)


def template(tape: QuantumScript, wire_order: Wires, fmt: ProgramFormat) -> Template | None:
    """The template of a broadcast tape's programs in ``fmt``, holes in batched-parameter order, or None."""
    slots = _batched(tape)
    return find_template(lambda values: _text(point(tape, values, slots), wire_order, fmt), len(slots), fmt)


def programs(
    tape: QuantumScript, wire_order: Wires, platform: PlatformDescription
) -> tuple[Program, Iterator[Program]]:
    """The first point's program (converted now: errors surface here) and the further points' (lazily)."""
    slots = _batched(tape)
    columns = _columns(tape, slots) if (tape.batch_size or 0) >= MIN_POINTS else None
    if columns is None:
        tapes = broadcast_expand(tape)[0]
        return convert.to_program(tapes[0], wire_order, platform), (
            convert.to_program(t, wire_order, platform) for t in tapes[1:]
        )
    first = convert.to_program(point(tape, columns[0].tolist(), slots), wire_order, platform)
    found = template(tape, wire_order, first.serialization_format)
    if found is None:
        rest = (convert.to_program(point(tape, row, slots), wire_order, platform) for row in columns[1:].tolist())
        return first, rest
    return first, _bind(found, columns[1:])


def _bind(found: Template, columns: np.ndarray) -> Iterator[Program]:
    """Each point's program: its floats printed by one ``%`` (their ``repr``, as the writer prints them)."""
    pattern = found.pattern()
    holes = columns[:, np.asarray(found.slots, dtype=np.intp)]
    for start in range(0, len(holes), ROWS):
        for row in holes[start : start + ROWS].tolist():
            yield found.program(pattern % tuple(row))


def stack(tape: QuantumScript, results: Sequence[Any]) -> Any:
    """The points' results (``results[point]``) in the shape ``broadcast_expand`` gives a broadcast tape."""
    measurements = range(len(tape.measurements))
    if tape.shots.has_partitioned_shots:
        copies = range(tape.shots.num_copies)
        if len(measurements) > 1:
            return tuple(tuple(qml.math.stack([r[s][m] for r in results]) for m in measurements) for s in copies)
        return tuple(qml.math.stack([r[s] for r in results]) for s in copies)
    if len(measurements) > 1:
        return tuple(qml.math.stack([r[m] for r in results]) for m in measurements)
    return qml.math.stack(list(results))
