"""Batches of tapes: tapes of one structure (a gradient's shifted tapes, a user's batch) share one template.

A tape's program depends only on its wire order, its operations' names, wires and parameter counts
(:func:`.convert.structure`) and its parameter values. The second tape of a structure makes the template
(:func:`~scaleway_qaas.core.find_template`, with our writer's own sentinel exports); from the third on, a
tape's program is its values printed into that template, the text a full conversion gives.
"""

from __future__ import annotations

from collections.abc import Hashable

from pennylane.tape import QuantumScript
from pennylane.wires import Wires

from ...core import PlatformDescription, Program, ProgramFormat, Template, find_template
from . import convert

#: batches of fewer tapes are converted tape by tape (no structure key to compute)
MIN_TAPES = 3


class Batch:
    """The programs of a batch's tapes, one at a time (:meth:`program`), templates shared by structure."""

    def __init__(self, platform: PlatformDescription, size: int) -> None:
        """``size``: how many tapes the batch holds (below :data:`MIN_TAPES`, each is converted in full)."""
        self._platform = platform
        self._shared = size >= MIN_TAPES
        self._seen: set[Hashable] = set()
        self._templates: dict[Hashable, tuple[Template, str] | None] = {}

    def program(self, tape: QuantumScript, wire_order: Wires) -> Program:
        """The tape's program, as :func:`.convert.to_program` gives it."""
        if not self._shared:
            return convert.to_program(tape, wire_order, self._platform)
        key = convert.structure(tape, wire_order)
        found = self._templates.get(key)
        if found is not None:
            template, pattern = found
            return template.program(pattern % tuple(convert.values(tape)))
        program = convert.to_program(tape, wire_order, self._platform)
        if key in self._seen and key not in self._templates:
            made = _template(tape, wire_order, program.serialization_format)
            self._templates[key] = None if made is None else (made, made.pattern())
        self._seen.add(key)
        return program


def _template(tape: QuantumScript, wire_order: Wires, fmt: ProgramFormat) -> Template | None:
    write = convert.qasm2 if fmt == ProgramFormat.QASM_V2 else convert.qasm3
    count = len(convert.values(tape))
    return find_template(lambda numbers: write(tape, wire_order, numbers), count, fmt)
