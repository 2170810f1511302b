"""Qiskit sweeps: one export per circuit structure, each point's numbers printed as Qiskit prints them.

Qiskit's OpenQASM exporters print a gate parameter with ``pi_check(value, output="qasm")``:
``pi/2``-style text when the value is within ``eps`` of a fraction of pi with terms up to 99,
else ``f"{value:#}"``. :func:`numbers` finds, for a whole sweep at once (with numpy), the few
values that could be near such a fraction and passes only those to ``pi_check`` itself.

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


def _near_fraction(a: np.ndarray) -> np.ndarray:
    """Where ``a`` (>= 0) could be within 1e-9 (the larger ``eps``) of n/d with n, d <= 99."""
    f = a - np.floor(a)
    i = np.clip(np.searchsorted(_FRACTIONS, f), 1, len(_FRACTIONS) - 1)
    gap = np.minimum(np.abs(f - _FRACTIONS[i - 1]), np.abs(_FRACTIONS[i] - f))
    near: np.ndarray = (gap < 2e-9) & (a < 100)
    return near


def numbers(values: np.ndarray, eps: float) -> Iterator[list[str]]:
    """Each row of ``values`` (points x numbers) printed exactly as ``pi_check(..., output="qasm", eps=eps)``.

    Rows are read ``ROWS`` at a time, so that a long sweep never holds all its numbers as Python floats.
    """
    for start in range(0, len(values), ROWS):
        yield from _numbers(values[start : start + ROWS], eps)


def _numbers(values: np.ndarray, eps: float) -> Iterator[list[str]]:
    a = np.abs(values)
    with np.errstate(invalid="ignore", over="ignore"):
        special = _near_fraction(a / np.pi) | _near_fraction(a * np.pi) | ~np.isfinite(values)
    for row, flags in zip(values.tolist(), special, strict=True):
        texts = list(map(float.__repr__, row))
        if "".join(texts).count(".") != len(texts):  # a repr without a point (1e-05, inf): as f"{x:#}"
            texts = [t if "." in t else f"{x:#}" for x, t in zip(row, texts, strict=True)]
        if flags.any():
            for j in np.flatnonzero(flags).tolist():
                texts[j] = pi_check(row[j], output="qasm", eps=eps)
        yield texts


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
    for inst in circuit.data:
        if inst.is_standard_gate():
            values += inst.params
        elif not isinstance(inst.operation, _PLAIN):
            return None
        ops.append((inst.name, inst.qubits, inst.clbits))
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
    for texts in numbers(np.asarray(values, dtype=float)[:, slots], EPS[template.format]):
        yield template.bind(texts)
