"""Float templates: translate a builder kernel twice, then substitute any ``float`` arguments as text.

A parameter sweep over a ``cudaq.make_kernel(float)`` kernel then costs two ``cudaq.translate``
calls (milliseconds each, through MLIR pipelines) instead of one per point.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from . import kernels
from .qasm import Circuit, parse

_NUMBER = re.compile(r"-?\d\.\d+e[+-]\d+")
_SENTINELS = (0.2718281 + 0.0113 * np.arange(256), 0.5772156 + 0.0097 * np.arange(256))
#: the most float arguments a template can hold
MAX_HOLES = len(_SENTINELS[0])


@attrs.frozen
class Template:
    """The circuit of a builder kernel with its ``float`` arguments as holes.

    Built by translating the kernel twice with two sets of sentinel values: if both circuits are
    the same but for the sentinels printed (CUDA-Q prints angles as ``%e``, i.e. Python's
    ``f"{x:e}"``) exactly where the other set's are, arguments reach the program only as printed
    literals, and any value can be substituted. Otherwise (arithmetic on an argument such as
    ``2 * theta``, decompositions, value-dependent structure) there is no template.
    Builder kernels have no Python control flow over argument values, so their structure only
    depends on non-``float`` arguments, which key the template (see :mod:`.cache`).
    """

    body: tuple[str | int, ...]  # literal text, or the position of the argument printed there
    qubits: tuple[str, ...]
    measured: tuple[int, ...]

    def render(self, args: Sequence[Any]) -> Circuit:
        body = "".join(part if isinstance(part, str) else f"{float(args[part]):e}" for part in self.body)
        return Circuit(body, self.qubits, self.measured)


def is_float(value: Any) -> bool:
    """A finite ``float`` argument (``float`` or ``np.float64``), which a template can hold."""
    return (type(value) is float or type(value) is np.float64) and math.isfinite(value)


def _holes(body: str, printed: dict[str, int]) -> tuple[str | int, ...]:
    parts: list[str | int] = []
    start = 0
    for number in _NUMBER.finditer(body):
        if number[0] in printed:
            parts += [body[start : number.start()], printed[number[0]]]
            start = number.end()
    parts.append(body[start:])
    return tuple(parts)


def build(decorator: Any, args: Sequence[Any], holes: tuple[int, ...], name: str) -> Template | None:
    """The template of ``decorator`` with the arguments at ``holes`` as holes; None if there is none."""
    if not holes or len(holes) > MAX_HOLES:
        return None
    shapes = []
    for sentinels in _SENTINELS:
        values = dict(zip(holes, (float(x) for x in sentinels), strict=False))
        trial = [values.get(i, a) for i, a in enumerate(args)]
        try:
            circuit = parse(kernels.translate(decorator, trial, name), name)
        except Exception:  # the real translation reports the error
            return None
        printed = {f"{v:e}": i for i, v in values.items()}
        if len(printed) != len(values):
            return None
        shapes.append((_holes(circuit.body, printed), circuit.qubits, circuit.measured))
    if shapes[0] != shapes[1]:
        return None
    return Template(*shapes[0])
