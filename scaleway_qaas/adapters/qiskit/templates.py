"""Qiskit sweeps: one export per circuit structure, each point's numbers printed as Qiskit prints them.

Qiskit's OpenQASM exporters print a gate parameter with ``pi_check(value, output="qasm")``:
``pi/2``-style text when the value is within ``eps`` of a fraction of pi with terms up to 99,
else ``f"{value:#}"``, the value's ``repr`` unless it is printed in exponent notation. :func:`rows`
finds, for many points at once (with numpy: a table of 65,536 buckets of [0, 1) says which could
be near a fraction), the few values printed otherwise and passes only those to ``pi_check`` itself;
the others stay floats, which the template's pattern prints with one ``%`` per point.

Two ways in: a parameterized circuit and its parameter values (the primitives' PUBs,
:func:`for_parameters`), and bound circuits that share a structure (:func:`structure` gives a
hashable key and the numbers of one circuit; :func:`for_structure` the template of its key).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from fractions import Fraction

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import Barrier, Measure, Reset
from qiskit.circuit.tools import pi_check

from ...core import Program, ProgramFormat, Template, find_template

#: the ``eps`` of ``pi_check`` in each exporter (``qasm2.dumps``: 1e-12; ``qasm3``: its default)
EPS = {ProgramFormat.QASM_V2: 1e-12, ProgramFormat.QASM_V3: 1e-9}
#: every fraction k/d in [0, 1] with d <= 99 (pi_check's MAX_FRAC), sorted
_FRACTIONS = np.array(sorted({float(Fraction(k, d)) for d in range(1, 100) for k in range(d + 1)}))
#: instructions without parameters that every export writes the same way (besides standard gates)
_PLAIN = (Measure, Barrier, Reset)
#: the parameter types of bound circuits that share a template
_FLOAT_TYPES = {float, np.float64}
#: sweep rows printed at a time
ROWS = 1024


def _buckets() -> np.ndarray:
    """``_BUCKETS`` equal buckets of [0, 1): True where a bucket holds a value within 2e-9 of a fraction."""
    table = np.zeros(_BUCKETS, dtype=bool)
    for shift in (-2e-9, 2e-9):  # the window is far narrower than a bucket: its two ends mark every bucket
        table[np.clip(np.floor((_FRACTIONS + shift) * _BUCKETS), 0, _BUCKETS - 1).astype(np.intp)] = True
    return table


#: a fraction's buckets: one lookup clears most values, the few left are compared with the fractions
_BUCKETS = 1 << 16
_NEAR = _buckets()


def _near_fraction(a: np.ndarray) -> np.ndarray:
    """Where ``a`` (>= 0) could be within 1e-9 (the larger ``eps``) of n/d with n, d <= 99 (call with numpy's
    invalid-value warnings off: a nan falls in any bucket and is cleared by ``a < 100``)."""
    scaled = (np.minimum(a, 128.0) * _BUCKETS).astype(np.int64)  # exact: the low bits are the fraction's bucket
    near: np.ndarray = _NEAR[scaled & (_BUCKETS - 1)] & (a < 100)
    where = np.nonzero(near)
    g = a[where] % 1.0
    i = np.clip(np.searchsorted(_FRACTIONS, g), 1, len(_FRACTIONS) - 1)
    gap = np.minimum(np.abs(g - _FRACTIONS[i - 1]), np.abs(_FRACTIONS[i] - g))
    near[where] = gap < 2e-9
    return near


def _special(values: np.ndarray) -> np.ndarray:
    """Where ``pi_check`` may print other than the value's ``repr``: near a pi fraction, tiny (printed ``0``),
    non-finite, or in exponent notation (``1e-05``, printed ``1.e-05``)."""
    a = np.abs(values)
    with np.errstate(invalid="ignore", over="ignore"):
        special: np.ndarray = (
            _near_fraction(a / np.pi) | _near_fraction(a * np.pi) | ~(a < 1e16) | ((a < 1e-4) & (a != 0))
        )
    return special


def rows(values: np.ndarray, eps: float) -> Iterator[list[float | str]]:
    """Each row of ``values`` (points x numbers) as ``pi_check(..., output="qasm", eps=eps)`` prints it: a
    ``float`` where that is its ``repr`` (every ``%s`` prints it so), else the text ``pi_check`` gives.

    Rows are read ``ROWS`` at a time, so that a long sweep never holds all its numbers as Python floats.
    """
    for start in range(0, len(values), ROWS):
        chunk = values[start : start + ROWS]
        out: list[list[float | str]] = chunk.tolist()
        for i, j in zip(*np.nonzero(_special(chunk)), strict=True):
            out[i][j] = pi_check(out[i][j], output="qasm", eps=eps)
        yield from out


def numbers(values: np.ndarray, eps: float) -> Iterator[list[str]]:
    """:func:`rows` printed: each row's texts."""
    for row in rows(values, eps):
        yield [v if isinstance(v, str) else float.__repr__(v) for v in row]


def _formatter(fmt: ProgramFormat) -> Callable[[Sequence[float]], list[str]]:
    return lambda values: next(numbers(np.array([values], dtype=float), EPS[fmt]))


def for_parameters(
    circuit: QuantumCircuit, fmt: ProgramFormat, export: Callable[[QuantumCircuit], str]
) -> Template | None:
    """The template of a parameterized circuit, values in ``circuit.parameters`` order (None: export each)."""
    if fmt not in EPS or not circuit.parameters:
        return None
    return find_template(
        lambda values: export(circuit.assign_parameters(values)), circuit.num_parameters, fmt, _formatter(fmt)
    )


def structure(circuit: QuantumCircuit) -> tuple[Hashable, list[float]] | None:
    """A key equal for circuits whose exports differ only in gate parameters, and those parameters.

    None when the circuit holds anything else (custom gates, unbound or non-float parameters...).
    One pass over ``circuit.data`` (each instruction read once: that read is most of the cost).
    """
    if circuit.num_parameters or not isinstance(circuit.global_phase, float):
        return None
    ops: list[Hashable] = []
    values: list[float] = []
    add, more = ops.append, values.extend
    for inst in circuit.data:
        if inst.is_standard_gate():
            more(inst.params)
        elif not isinstance(inst.operation, _PLAIN):
            return None
        add((inst.name, inst.qubits, inst.clbits))
    if not set(map(type, values)) <= _FLOAT_TYPES:  # others (a float subclass...) are exported as they are
        return None
    key = (tuple(circuit.qregs), tuple(circuit.cregs), circuit.global_phase, circuit.layout is None, tuple(ops))
    return key, values


def _with_values(circuit: QuantumCircuit, values: Sequence[float]) -> QuantumCircuit:
    out = circuit.copy_empty_like()
    at = 0
    for inst in circuit.data:
        n = len(inst.params) if inst.is_standard_gate() else 0
        if n:
            inst = inst.replace(params=[float(v) for v in values[at : at + n]])
            at += n
        out.append(inst)
    return out


def for_structure(
    circuit: QuantumCircuit, count: int, fmt: ProgramFormat, export: Callable[[QuantumCircuit], str]
) -> Template | None:
    """The template of the key of ``circuit`` (``count`` numbers), or None."""
    if fmt not in EPS:
        return None
    return find_template(lambda values: export(_with_values(circuit, values)), count, fmt, _formatter(fmt))


def bind_all(template: Template, values: np.ndarray) -> Iterator[Program]:
    """The program of each row of ``values`` (points x the template's values)."""
    slots = np.asarray(template.slots, dtype=np.intp)
    pattern = template.pattern()
    for row in rows(np.asarray(values, dtype=float)[:, slots], EPS[template.format]):
        yield template.program(pattern % tuple(row))
