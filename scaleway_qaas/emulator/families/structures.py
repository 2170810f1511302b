"""Programs that differ only in numbers (a sweep's points) are parsed once, in one model and across models.

An OpenQASM 2 program without ``gate``/``opaque`` definitions has a *structure*: its text with each
argument of the gate calls whose arguments are all plain decimal numbers or ``pi*`` one (as Cirq prints
angles) replaced by ``#``. The first
program of a structure is parsed as always (:func:`.programs.to_qiskit`); so is the second, after
which the structure is parsed once more with a sentinel in each hole, the sentinels become
circuit parameters, and every further program is that circuit with its numbers assigned
(``assign_parameters``). The structure is used only if assigning the second program's numbers
gives exactly the circuit of its full parse, and if the full path changed nothing else
(no gate lowered): what is accepted, and every result, stays as without it.

Structures are kept per engine process (the last :data:`MAX_STRUCTURES`), not per model: on the families
that take one program per job (CUDA-Q, qsim, Quobly...), a sweep sends each point in its own model. A
structure seen once costs one parse, as a program without structure does.
"""

from __future__ import annotations

import math
import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from qiskit import QuantumCircuit
from qiskit.circuit import Parameter

from ...core.wire import Compression, Program, ProgramFormat

#: a gate call whose arguments may all be numbers: ``ry(1.25) q[0];``, ``u(0.5,-1e-05,2) q[1];``, ``rz(pi*-0.25) q[0];``
_CALL = re.compile(r"(?<=[;\n])(\s*[a-z]\w*\()([-+0-9.eEpi*, ]+)(\)[^;]*;)")
_SENTINEL = 400.123456789
#: structures kept per parse function, the most recently used (a few sweeps at a time; each holds a circuit)
MAX_STRUCTURES = 16
#: a structure seen once: parsed in full (its template is made when a second program has it)
_SEEN = object()
_UNKNOWN = object()
_known: weakref.WeakKeyDictionary[Callable[..., Any], OrderedDict[str, Any]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def structure(program: Program) -> tuple[str, list[float]] | None:
    """The structure key and the numbers of an OpenQASM 2 program (None: parse it as always)."""
    if program.serialization_format not in (ProgramFormat.QASM_V1, ProgramFormat.QASM_V2):
        return None
    text = program.text()
    if "gate " in text or "opaque " in text:
        return None
    numbers: list[float] = []
    pieces: list[str] = []
    start = 0
    for call in _CALL.finditer(text):
        args = call[2].split(",")
        try:
            numbers += [_number(a) for a in args]
        except ValueError:  # ``pi`` alone, ``1.2.3``...: the call stays in the key as it is
            continue
        pieces += [text[start : call.start(2)], ",".join("#" * len(args))]
        start = call.end(2)
    if not numbers:
        return None
    pieces.append(text[start:])
    return "".join(pieces), numbers


def _number(arg: str) -> float:
    """A gate argument's value as ``qiskit.qasm2`` computes it: a decimal, or ``pi*`` one (as Cirq prints angles;
    the parser folds it into one IEEE product, the same as Python's)."""
    arg = arg.strip()
    return math.pi * float(arg[3:]) if arg.startswith("pi*") else float(arg)


class Structures:
    """The parsed structures of programs parsed with ``parse`` (shared by every instance with the same ``parse``)."""

    def __init__(self, parse: Callable[[Program], QuantumCircuit]) -> None:
        self._parse = parse
        with _lock:
            self._found = _known.setdefault(parse, OrderedDict())

    def circuit(self, program: Program) -> QuantumCircuit:
        """The program's circuit, as ``parse`` gives it."""
        part = self.part(program)
        return part if isinstance(part, QuantumCircuit) else bind(*part)

    def part(self, program: Program) -> QuantumCircuit | tuple[QuantumCircuit, list[float]]:
        """The program's circuit, or its structure's circuit (a parameter per hole, in hole order) and its
        numbers: the circuit is then ``bind(template, numbers)``, and a simulator may bind them itself."""
        shape = structure(program)
        if shape is None:
            return self._parse(program)
        key, numbers = shape
        with _lock:
            template = self._found.get(key, _UNKNOWN)
            if template is not _UNKNOWN:
                self._found.move_to_end(key)
        if template is _UNKNOWN or template is _SEEN:
            full = self._parse(program)
            made = _SEEN if template is _UNKNOWN else _template(key, numbers, full, self._parse)
            with _lock:
                self._found[key] = made
                while len(self._found) > MAX_STRUCTURES:
                    self._found.popitem(last=False)
            return full
        if template is None:
            return self._parse(program)
        return template, numbers


def bind(template: QuantumCircuit, numbers: list[float]) -> QuantumCircuit:
    """A structure's circuit with its holes filled: the program's circuit, as its full parse gives it."""
    bound = template.assign_parameters(numbers)
    bound.name = QuantumCircuit().name  # a fresh name, as every parse gives
    return bound


def _template(
    key: str, numbers: list[float], full: QuantumCircuit, parse: Callable[[Program], QuantumCircuit]
) -> QuantumCircuit | None:
    """The structure's circuit with a parameter per hole, if it reproduces ``full`` exactly."""
    holes = iter(range(len(numbers)))
    text = re.sub("#", lambda _: repr(_SENTINEL + next(holes)), key)
    try:
        sentinel = parse(Program.from_text(text, ProgramFormat.QASM_V2, Compression.NONE))
    except Exception:  # the full parse of each program reports it
        return None
    params = [Parameter(f"h{i:09d}") for i in range(len(numbers))]  # sorted by name = hole order
    template = sentinel.copy_empty_like()
    used: set[int] = set()
    for inst in sentinel.data:
        new: list[Any] = []
        for p in inst.params:
            hole = round(p - _SENTINEL) if isinstance(p, float) and p >= _SENTINEL else -1
            if 0 <= hole < len(numbers) and p == _SENTINEL + hole:
                new.append(params[hole])
                used.add(hole)
            else:
                new.append(p)
        if any(isinstance(p, Parameter) for p in new):
            operation = inst.operation.copy()
            operation.params = new
            template.append(operation, inst.qubits, inst.clbits)
        else:
            template.append(inst)
    if used != set(range(len(numbers))) or len(template.parameters) != len(numbers):
        return None
    if bind(template, numbers) != full:
        return None
    return template
