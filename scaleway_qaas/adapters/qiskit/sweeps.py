"""Programs of many circuits: one export per structure, each further point bound into its template.

Every function yields programs lazily (the core creates jobs while later points are converted)
and gives exactly the programs :func:`.convert.to_program` would give one by one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterator, Sequence
from functools import partial

import numpy as np
from qiskit import QuantumCircuit

from ...core import PlatformDescription, Program, ProgramFormat, Template
from . import convert, templates

#: below this many circuits of one shape, exporting each is as cheap as making a template
MIN_SHARED = 3


def _shape(circuit: QuantumCircuit) -> Hashable:
    """A cheap necessary condition for two circuits to share a structure."""
    return circuit.num_qubits, circuit.num_clbits, len(circuit.data), circuit.num_parameters


def programs(circuits: Sequence[QuantumCircuit], platform: PlatformDescription) -> Iterator[Program]:
    """The program of each bound circuit; circuits that share a structure share a template."""
    shapes = Counter(_shape(c) for c in circuits) if len(circuits) >= MIN_SHARED else Counter()
    found: dict[Hashable, Template | None] = {}
    for circuit in circuits:
        shared = structure = None
        if shapes[_shape(circuit)] >= MIN_SHARED:
            structure = templates.structure(circuit)
        if structure is not None:
            key, values = structure
            if key in found:
                shared = found[key]
            if shared is not None:
                yield next(templates.bind_all(shared, np.array([values], dtype=float)))
                continue
        program = convert.to_program(circuit, platform)
        if structure is not None and structure[0] not in found:
            exporter = partial(_export, platform=platform, fmt=program.serialization_format)
            found[structure[0]] = templates.for_structure(
                circuit, len(structure[1]), program.serialization_format, exporter
            )
        yield program


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
