"""Cirq sweeps: one export per circuit, each point's angles printed as Cirq prints them.

A template (:mod:`scaleway_qaas.core.templates`) is used when every parameterized operation
of the circuit is ``cirq.rx``/``ry``/``rz`` of a bare symbol (whose export never depends on
the value: other gates become ``x``, ``sx``... for some exponents) and a point's values are
``float`` or ``np.float64``. Resolving ``Rx(t)`` gives the Python float
``rads = (t * pi**-1) * pi`` (sympy's ``t/pi`` evaluated factor by factor, then
``Rx(exponent * pi)``), which ``cirq.to_json`` prints as JSON does (``NaN``, ``Infinity``);
OpenQASM prints ``pi*{round(rads/pi, 10)}``. Points are printed ``ROWS`` at a time with numpy:
``round(x, 10)`` is ``rint(x * 1e10) / 1e10`` wherever ``x * 1e10`` is not within its rounding
error of a tie, and the few other values are printed one by one. Otherwise each point is
resolved and exported as before.
"""

from __future__ import annotations

import json
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
#: points printed at a time
ROWS = 1024


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
    """One point's values printed as Cirq's export of the resolved circuit prints them."""
    rads = [(_INVERSE_PI * float(v)) * np.pi for v in row]
    if fmt == ProgramFormat.CIRQ_CIRCUIT_JSON_V1:
        return [json.dumps(r) for r in rads]
    return [_qasm_number(r / np.pi) for r in rads]


def _texts(template: Template, values: np.ndarray) -> Iterator[str]:
    """The program text of each row of ``values`` (points x the template's holes), one at a time (a
    JSON program's text is tens of kB: a chunk's texts are not all kept)."""
    rads = (_INVERSE_PI * values) * np.pi
    pattern = template.pattern()
    if template.format == ProgramFormat.CIRQ_CIRCUIT_JSON_V1:
        plain = np.all(np.isfinite(rads), axis=1)  # else JSON's NaN, Infinity
        rows = rads.tolist()
    else:
        with np.errstate(invalid="ignore", over="ignore"):
            scaled = (rads / np.pi) * 1e10
            ties = np.rint(scaled)
            rounded = ties / 1e10
            size = np.abs(rounded)
            error = np.abs(scaled) * 2.0**-51  # twice the rounding error of the product: a tie nearer may flip
            exact = (np.abs(scaled) < 2.0**52) & (np.abs(np.abs(scaled - ties) - 0.5) > error)
            plain = np.all(exact & (size >= 1e-3) & (size < 1e15), axis=1)  # else 0, 1.0e-05... printed one by one
        rows = rounded.tolist()
        pattern = template.pattern("pi*%s")
    for row, ok, point in zip(rows, plain.tolist(), values.tolist(), strict=True):
        yield pattern % tuple(row) if ok else template.text(_numbers(template.format, point))


def _bind(template: Template, values: np.ndarray) -> Iterator[Program]:
    """The program of each row of ``values`` (points x the circuit's symbols), ``ROWS`` at a time."""
    holes = values[:, np.asarray(template.slots, dtype=np.intp)]
    for start in range(0, len(holes), ROWS):
        yield from map(template.program, _texts(template, holes[start : start + ROWS]))


def _values(resolver: cirq.ParamResolver, names: Sequence[str]) -> list[float] | None:
    """The point's values if all are ``float`` or ``np.float64``."""
    values = [resolver.param_dict.get(name) for name in names]
    if not {type(v) for v in values} <= {float, np.float64}:
        return None
    return values  # type: ignore[return-value]


def prepare_sweep(
    circuit: cirq.AbstractCircuit, resolvers: Sequence[cirq.ParamResolver], platform: PlatformDescription
) -> Iterator[Prepared]:
    """:func:`.convert.prepare` of each point, binding points into one export where it can."""
    names = _symbols(circuit) if len(resolvers) >= MIN_POINTS else None
    if not resolvers:
        return
    first = prepare(circuit, resolvers[0], platform)
    yield first
    template = _template(circuit, names, platform, first.program.serialization_format) if names else None
    for start in range(1, len(resolvers), ROWS):
        chunk = resolvers[start : start + ROWS]
        rows = [_values(r, names) for r in chunk] if names and template else [None] * len(chunk)
        bound = [row for row in rows if row is not None]
        programs = _bind(template, np.array(bound, dtype=float)) if bound and template else iter(())
        for resolver, row in zip(chunk, rows, strict=True):
            if row is None:
                yield prepare(circuit, resolver, platform)
            else:
                yield Prepared(next(programs), first.layout, first.num_qubits, resolver)


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
    return first, _bind(template, np.array(rows, dtype=float).reshape(len(rows), len(names)))


def _template(
    circuit: cirq.AbstractCircuit, names: list[str], platform: PlatformDescription, fmt: ProgramFormat
) -> Template | None:
    def export(values: Sequence[float]) -> str:
        return prepare(circuit, cirq.ParamResolver(dict(zip(names, values, strict=True))), platform).program.text()

    return find_template(export, len(names), fmt, lambda values: _numbers(fmt, values))
