"""Program templates: a converted program with numeric holes, made once per circuit structure.

A parameter sweep sends one circuit structure with many sets of numbers. Exporting each point
from scratch (Qiskit's OpenQASM exporters, ``cirq.to_json``...) costs milliseconds; a
:class:`Template` is one export with *sentinel* numbers, cut where each sentinel was printed, so
a point costs printing its numbers into one format string (:meth:`Template.pattern`).
:func:`find_template` builds it from two exports (two sentinel sets): the template holds only if
rendering the second set gives the second export exactly, so anything else that depends on the
values (a value folded into an expression, a value-dependent structure) yields no template and the
caller exports each point as before.
Formatting the numbers exactly as the exporter would is the adapter's part.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import chain

import attrs

from .wire import Compression, Program, ProgramFormat


def sentinels(count: int, alternate: bool = False) -> list[float]:
    """``count`` distinct values that every exporter prints plainly (above 99*pi: no pi fraction)."""
    tail = 0.987654321 if alternate else 0.123456789
    return [400.0 + i + tail for i in range(count)]


@attrs.frozen
class Template:
    """A program text cut at its numeric holes: ``parts[0] n0 parts[1] n1 ... parts[-1]``.

    ``slots[i]`` is the position, in the values of a point, of the number printed in hole ``i``
    (one value may fill several holes).
    """

    parts: tuple[str, ...]
    slots: tuple[int, ...]
    format: ProgramFormat

    def pattern(self, hole: str = "%s") -> str:
        """The text as one %-format string: ``pattern % numbers`` puts ``numbers[i]`` in hole ``i``.

        With ``%s`` a hole takes a formatted string or a ``float`` (printed as its ``repr``).
        """
        return hole.join(part.replace("%", "%%") for part in self.parts)

    def text(self, numbers: Sequence[str]) -> str:
        """The program text with ``numbers[i]`` (already formatted) in hole ``i``."""
        return "".join(chain.from_iterable(zip(self.parts, numbers, strict=False))) + self.parts[-1]

    def program(self, text: str) -> Program:
        """The program of one point's text (compressed as every adapter sends programs)."""
        return Program.from_text(text, self.format, Compression.ZLIB_BASE64_V1)


def _cut(text: str, printed: dict[str, int]) -> tuple[tuple[str, ...], tuple[int, ...]] | None:
    if not printed:  # no parameter: the text as it is (an empty pattern would match everywhere)
        return (text,), ()
    tokens = "|".join(re.escape(t) for t in sorted(printed, key=len, reverse=True))
    parts: list[str] = []
    slots: list[int] = []
    start = 0
    for found in re.finditer(rf"(?<![\w.])(?:{tokens})(?![\w.])", text):
        parts.append(text[start : found.start()])
        slots.append(printed[found[0]])
        start = found.end()
    parts.append(text[start:])
    if set(slots) != set(printed.values()):
        return None
    return tuple(parts), tuple(slots)


def _repr_all(values: Sequence[float]) -> list[str]:
    return [repr(v) for v in values]


def find_template(
    export: Callable[[Sequence[float]], str],
    count: int,
    fmt: ProgramFormat,
    formatter: Callable[[Sequence[float]], list[str]] = _repr_all,
) -> Template | None:
    """The template of ``export`` (the full exporter of one point's ``count`` values), or None.

    ``formatter`` prints a point's values as the exporter prints them (default: ``repr``).
    """
    first, second = sentinels(count), sentinels(count, alternate=True)
    try:
        texts = export(first), export(second)
        printed = formatter(first), formatter(second)
    except Exception:  # the full export, done per point by the caller, reports it
        return None
    if len(set(printed[0])) != count:
        return None
    if count == 0:  # nothing to bind: every point is the same program
        return Template((texts[0],), (), fmt) if texts[0] == texts[1] else None
    # cut at one set, checked with the other; the other way round if a constant of the program prints as a sentinel
    for cut_at, check in ((0, 1), (1, 0)):
        cut = _cut(texts[cut_at], {t: i for i, t in enumerate(printed[cut_at])})
        if cut is None:
            continue
        template = Template(cut[0], cut[1], fmt)
        if template.text([printed[check][s] for s in template.slots]) == texts[check]:
            return template
    return None
