"""Cirq sweeps: one export per circuit, each point's angles printed as Cirq prints them.

A template (:mod:`scaleway_qaas.core.templates`) is used when every parameterized operation
of the circuit is ``cirq.rx``/``ry``/``rz`` of a bare symbol (whose export never depends on
the value: other gates become ``x``, ``sx``... for some exponents) and a point's values are
all ``float`` or all ``np.float64``. Resolving ``Rx(t)`` gives ``rads = (t * pi**-1) * pi``
(sympy's ``t/pi`` evaluated factor by factor, then ``Rx(exponent * pi)``), which is printed
by ``cirq.to_json``; OpenQASM prints ``pi*{round(rads/pi, 10)}``, with the rounding of the
value's type. Otherwise each point is resolved and exported as before.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import cirq
import numpy as np
import sympy

from ...core import PlatformDescription, Program, ProgramFormat, Template, find_template
from .convert import Prepared, prepare

_ROTATIONS = (cirq.Rx, cirq.Ry, cirq.Rz)
_INVERSE_PI = float(np.power(np.pi, -1.0))
#: sweeps shorter than this are exported point by point
MIN_POINTS = 3


def _symbols(circuit: cirq.AbstractCircuit) -> list[str] | None:
    """The circuit's symbols if every parameterized operation is a rotation by a bare symbol."""
    for op in circuit.all_operations():
        if cirq.is_parameterized(op):
            gate = op.gate
            if type(gate) not in _ROTATIONS or not isinstance(gate._rads, sympy.Symbol):  # type: ignore[union-attr]
                return None
    return sorted(cirq.parameter_names(circuit))


def _qasm_number(exponent: float) -> str:
    value = round(exponent, 10)
    if value == 0:
        return "0"
    text = f"{value}"
    return f"pi*{text.replace('e', '.0e') if 'e' in text and '.' not in text else text}"


def _numbers(fmt: ProgramFormat, row: Sequence[float]) -> list[str]:
    rads = [(_INVERSE_PI * v) * np.pi for v in row]
    if fmt == ProgramFormat.CIRQ_CIRCUIT_JSON_V1:
        return [float.__repr__(r) for r in rads]
    return [_qasm_number(r / np.pi) for r in rads]


def _values(resolver: cirq.ParamResolver, names: Sequence[str]) -> list[float] | None:
    """The point's values if all are ``float`` or all ``np.float64``."""
    values = [resolver.param_dict.get(name) for name in names]
    kind = type(values[0])
    if kind not in (float, np.float64) or any(type(v) is not kind for v in values):
        return None
    return values  # type: ignore[return-value]


def prepare_sweep(
    circuit: cirq.AbstractCircuit, resolvers: Sequence[cirq.ParamResolver], platform: PlatformDescription
) -> Iterator[Prepared]:
    """:func:`.convert.prepare` of each point, binding points into one export where it can."""
    names = _symbols(circuit) if len(resolvers) >= MIN_POINTS else None
    template: Template | None = None
    for i, resolver in enumerate(resolvers):
        values = _values(resolver, names) if names and template is not None else None
        if values is None or template is None:
            point = prepare(circuit, resolver, platform)
            if i == 0 and names:
                template = _template(circuit, names, platform, point.program.serialization_format)
                first = point
            yield point
        else:
            printed = _numbers(template.format, values)
            yield Prepared(
                template.bind([printed[s] for s in template.slots]), first.layout, first.num_qubits, resolver
            )


def stream_sweep(
    circuit: cirq.AbstractCircuit, resolvers: Sequence[cirq.ParamResolver], platform: PlatformDescription
) -> tuple[Prepared, Iterator[Program]] | None:
    """The first point prepared now and every further point's program bound lazily, when all of them bind
    into its template (checked before anything is sent, so binding cannot fail once jobs exist); else None.

    The further points share the first's layout and qubit count; the programs are :func:`prepare_sweep`'s.
    """
    names = _symbols(circuit) if len(resolvers) >= MIN_POINTS else None
    if not names:
        return None
    rows = [_values(resolver, names) for resolver in resolvers[1:]]
    if any(row is None for row in rows):
        return None
    first = prepare(circuit, resolvers[0], platform)
    template = _template(circuit, names, platform, first.program.serialization_format)
    if template is None:
        return None
    return first, _bind(template, rows)  # type: ignore[arg-type]


def _bind(template: Template, rows: Sequence[Sequence[float]]) -> Iterator[Program]:
    for row in rows:
        printed = _numbers(template.format, row)
        yield template.bind([printed[s] for s in template.slots])


def _template(
    circuit: cirq.AbstractCircuit, names: list[str], platform: PlatformDescription, fmt: ProgramFormat
) -> Template | None:
    def export(values: Sequence[float]) -> str:
        return prepare(circuit, cirq.ParamResolver(dict(zip(names, values, strict=True))), platform).program.text()

    return find_template(export, len(names), fmt, lambda values: _numbers(fmt, values))
