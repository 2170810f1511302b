"""Programs of many circuits: one export per structure, each further point bound into its template.

Every function yields programs lazily (the core creates jobs while later points are converted)
and gives exactly the programs :func:`.convert.to_program` would give one by one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Sequence
from functools import partial

import numpy as np
from qiskit import QuantumCircuit

from ...core import PlatformDescription, Program, ProgramFormat, Template
from . import convert, templates

#: below this many circuits of one shape, exporting each is as cheap as making a template
MIN_SHARED = 3
#: circuits read at a time by :func:`programs`
CHUNK = 128


def _shape(circuit: QuantumCircuit) -> Hashable:
    """A cheap necessary condition for two circuits to share a structure."""
    return circuit.num_qubits, circuit.num_clbits, len(circuit.data), circuit.num_parameters


class _Known:
    """The templates found, by structure key; the last key that had one is compared first (a sweep repeats it)."""

    def __init__(self) -> None:
        self.templates: dict[Hashable, Template | None] = {}
        self.last: tuple[Hashable, Template] | None = None

    def get(self, key: Hashable) -> Template | None:
        if self.last is not None and self.last[0] == key:  # cheaper than hashing the key again
            return self.last[1]
        template = self.templates.get(key)
        if template is not None:
            self.last = key, template
        return template


def programs(
    circuits: Sequence[QuantumCircuit],
    platform: PlatformDescription,
    prepare: Callable[[int, QuantumCircuit], QuantumCircuit] | None = None,
) -> Iterator[Program]:
    """The program of each bound circuit; circuits that share a structure share a template.

    Circuits are read ``CHUNK`` at a time, so that the points of one template are printed together;
    ``prepare(index, circuit)`` (checks, fitting to the platform) is applied to each as its chunk is read.
    """
    shapes = Counter(_shape(c) for c in circuits) if len(circuits) >= MIN_SHARED else Counter()
    known = _Known()
    for start in range(0, len(circuits), CHUNK):
        chunk = circuits[start : start + CHUNK]
        shared = [shapes[_shape(c)] >= MIN_SHARED for c in chunk]
        if prepare is not None:
            chunk = [prepare(start + k, c) for k, c in enumerate(chunk)]
        yield from _chunk(chunk, shared, platform, known)


def _chunk(
    circuits: Sequence[QuantumCircuit], shared_shape: Sequence[bool], platform: PlatformDescription, known: _Known
) -> list[Program]:
    out: list[Program | None] = []
    bound: dict[int, tuple[Template, list[int], list[list[float]]]] = {}  # template id -> its points here
    for circuit, may_share in zip(circuits, shared_shape, strict=True):
        structure = templates.structure(circuit) if may_share else None
        shared = None if structure is None else known.get(structure[0])
        if shared is not None and structure is not None:
            points = bound.setdefault(id(shared), (shared, [], []))
            points[1].append(len(out))
            points[2].append(structure[1])
            out.append(None)
            continue
        program = convert.to_program(circuit, platform)
        if structure is not None and structure[0] not in known.templates:
            fmt = program.serialization_format
            exporter = partial(_export, platform=platform, fmt=fmt)
            known.templates[structure[0]] = templates.for_structure(circuit, len(structure[1]), fmt, exporter)
        out.append(program)
    for template, indices, rows in bound.values():
        for index, program in zip(indices, templates.bind_all(template, np.array(rows, dtype=float)), strict=True):
            out[index] = program
    return out  # type: ignore[return-value]


def parameter_sweep(circuit: QuantumCircuit, values: np.ndarray, platform: PlatformDescription) -> Iterator[Program]:
    """The program of ``circuit`` bound to each row of ``values`` (points x ``circuit.parameters``, in order)."""
    rows = np.asarray(values, dtype=float)
    if not len(rows):
        return
    first = convert.to_program(circuit.assign_parameters(rows[0]), platform)
    yield first
    fmt = first.serialization_format
    template = templates.for_parameters(circuit, fmt, partial(_export, platform=platform, fmt=fmt))
    if template is None:
        for row in rows[1:]:
            yield convert.to_program(circuit.assign_parameters(row), platform)
    else:
        yield from templates.bind_all(template, rows[1:])


def _export(circuit: QuantumCircuit, *, platform: PlatformDescription, fmt: ProgramFormat) -> str:
    return convert.export(circuit, platform, fmt)
