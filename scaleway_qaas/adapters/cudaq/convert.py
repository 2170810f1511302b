"""CUDA-Q kernels to core programs (OpenQASM 2), neutral results to ``cudaq.SampleResult``.

Bit order: CUDA-Q orders a sample's bits by *qubit index* of the measured qubits
(qubit 0 leftmost), whatever the order of the ``mz`` calls; without any ``mz`` all
qubits are measured. ``cudaq.translate`` measures into one ``varN`` creg per call,
in call order, or measures nothing. :func:`to_circuit` rewrites the measurements
into a single creg ``meas`` whose bit ``j`` is the ``j``-th measured qubit by index,
so the core's counts (classical-bit order, left to right) are CUDA-Q's bitstrings.
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Sequence
from typing import Any

import attrs
import cudaq

from ...core.payload import ExperimentResult, Program, ProgramFormat
from ...errors import InvalidArgumentError

CREG = "meas"
_QREG = re.compile(r"^qreg\s+(\w+)\s*\[(\d+)\]\s*;$")
_CREG = re.compile(r"^creg\s+\w+\s*\[\d+\]\s*;$")
_MEASURE = re.compile(r"^measure\s+(\w+)(?:\s*\[(\d+)\])?\s*->\s*[\w\[\]\s]+;$")


class KernelArgumentError(InvalidArgumentError, TypeError):
    """The arguments do not match the kernel's signature."""


@attrs.frozen
class Circuit:
    """A kernel as OpenQASM 2: ``body`` has no measurement, ``qubits[i]`` is qubit ``i``'s operand
    (e.g. ``var0[1]``), ``measured`` are the measured qubit indices, ascending."""

    body: str
    qubits: tuple[str, ...]
    measured: tuple[int, ...]

    @property
    def num_qubits(self) -> int:
        return len(self.qubits)

    @property
    def gates(self) -> set[str]:
        """Names of the gates the body applies."""
        skip = ("OPENQASM", "include", "qreg", "gate", "opaque", "}", "barrier")
        return {re.split(r"[\s(]", line, maxsplit=1)[0] for line in self.body.splitlines() if not line.startswith(skip)}

    def qasm(self, rotations: Sequence[str] = (), measured: Sequence[int] | None = None) -> str:
        """The program: body, ``rotations`` lines, then ``measured`` qubits into creg ``meas`` in that order."""
        order = self.measured if measured is None else tuple(measured)
        lines = [self.body.rstrip(), *rotations, f"creg {CREG}[{len(order)}];"]
        lines += [f"measure {self.qubits[qubit]} -> {CREG}[{bit}];" for bit, qubit in enumerate(order)]
        return "\n".join(lines) + "\n"

    def program(self, rotations: Sequence[str] = (), measured: Sequence[int] | None = None) -> Program:
        return Program.from_text(self.qasm(rotations, measured), ProgramFormat.QASM_V2)


def kernel_name(kernel: Any) -> str:
    return str(getattr(kernel, "name", None) or getattr(kernel, "uniqName", None) or type(kernel).__name__)


def _decorator(kernel: Any) -> Any:
    """The ``PyKernelDecorator`` of a ``@cudaq.kernel`` or ``cudaq.make_kernel()`` kernel."""
    from cudaq.kernel.kernel_builder import isa_dynamic_kernel
    from cudaq.kernel.kernel_decorator import isa_kernel_decorator, mk_decorator

    if isa_kernel_decorator(kernel):
        return kernel
    if isa_dynamic_kernel(kernel):
        return mk_decorator(kernel)
    raise InvalidArgumentError(
        f"expected a CUDA-Q kernel (@cudaq.kernel or cudaq.make_kernel()), got {type(kernel).__name__}"
    )


def _signature(decorator: Any) -> str:
    function = getattr(decorator, "kernelFunction", None)
    if function is not None:
        params = inspect.signature(function).parameters.values()
        return "(" + ", ".join(f"{p.name}: {_annotation(p.annotation)}" for p in params) + ")"
    types = getattr(getattr(decorator, "signature", None), "arg_types", None)
    return "(" + ", ".join(str(t) for t in types) + ")" if types is not None else ""


def _annotation(annotation: Any) -> str:
    if annotation is inspect.Parameter.empty:
        return "?"
    return annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))


def translate(kernel: Any, args: Sequence[Any]) -> str:
    """OpenQASM 2 text of ``kernel(*args)`` by ``cudaq.translate``; clear errors for bad arguments or kernels."""
    decorator = _decorator(kernel)
    name = kernel_name(kernel)
    arity = decorator.formal_arity()
    if len(args) != arity:
        raise KernelArgumentError(
            f"kernel {name!r} takes {arity} argument(s) {_signature(decorator)}, got {len(args)}"
        )
    try:
        target = cudaq.synthesize(decorator, *args) if arity else decorator
        text = cudaq.translate(target, format="openqasm2")
    except RuntimeError as exc:
        if "argument" in str(exc):
            raise KernelArgumentError(f"arguments {tuple(args)!r} do not match kernel {name!r}: {exc}") from exc
        raise _untranslatable(name, str(exc)) from exc
    if "OPENQASM" not in text:
        raise _untranslatable(name, f"cudaq.translate returned {text.strip()!r}; CUDA-Q printed why on stderr")
    return str(text)


def _untranslatable(name: str, why: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        f"kernel {name!r} cannot be translated to OpenQASM 2 ({why}); the Scaleway path runs OpenQASM 2 "
        "programs: remove measurement-dependent branches, loops over runtime values and returns, or use "
        "the native target: cudaq.set_target('scaleway', ...)"
    )


def parse(qasm: str, name: str = "kernel") -> Circuit:
    """Split translated QASM into a measurement-free body and the measured qubits (all if none)."""
    qubits: list[str] = []
    registers: dict[str, list[int]] = {}
    body: list[str] = []
    measured: set[int] = set()
    for raw in qasm.splitlines():
        line = raw.strip()
        if not line or line.startswith("//") or _CREG.match(line):
            continue
        if qreg := _QREG.match(line):
            registers[qreg[1]] = list(range(len(qubits), len(qubits) + int(qreg[2])))
            qubits += [f"{qreg[1]}[{i}]" for i in range(int(qreg[2]))]
        elif measure := _MEASURE.match(line):
            if measure[1] not in registers:
                raise _untranslatable(name, f"unexpected measurement {line!r}")
            indices = registers[measure[1]]
            measured.update([indices[int(measure[2])]] if measure[2] is not None else indices)
            continue
        elif line.startswith("if"):
            raise _untranslatable(name, f"classically controlled operation {line!r}")
        elif measured and _touches(line, [qubits[i] for i in measured]):
            raise _untranslatable(name, f"operation after a measurement of the same qubit: {line!r}")
        body.append(line)
    return Circuit("\n".join(body), tuple(qubits), tuple(sorted(measured)) or tuple(range(len(qubits))))


def _touches(line: str, operands: Sequence[str]) -> bool:
    registers = {operand.split("[")[0] for operand in operands}
    return any(operand in line for operand in operands) or any(
        re.search(rf"\b{reg}\b(?!\[)", line) for reg in registers
    )


def to_circuit(kernel: Any, args: Sequence[Any]) -> Circuit:
    """Translate and parse ``kernel(*args)``."""
    return parse(translate(kernel, args), kernel_name(kernel))


def basis_rotations(circuit: Circuit, pauli_word: str) -> list[str]:
    """Gates that map each qubit's Pauli eigenbasis to Z (as CUDA-Q's observe: h for X, rx(pi/2) for Y)."""
    gates = []
    for qubit, pauli in enumerate(pauli_word):
        if pauli == "X":
            gates.append(f"h {circuit.qubits[qubit]};")
        elif pauli == "Y":
            gates.append(f"rx({math.pi / 2!r}) {circuit.qubits[qubit]};")
    return gates


def to_sample_result(experiment: ExperimentResult) -> cudaq.SampleResult:
    """A ``cudaq.SampleResult`` whose bitstrings are the experiment's (already in CUDA-Q's order)."""
    return cudaq.SampleResult({bits: int(n) for bits, n in experiment.counts.items() if n})


def parity_expectation(counts: dict[str, int]) -> float:
    """<Z...Z> over all bits of ``counts``: +1 for even parity, -1 for odd."""
    total = sum(counts.values())
    if not total:
        return 0.0
    return sum(n * (-1 if bits.count("1") % 2 else 1) for bits, n in counts.items()) / total
