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
import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import attrs
import cudaq
import numpy as np

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
        if not rotations and measured is None:
            return self.sample_program
        return Program.from_text(self.qasm(rotations, measured), ProgramFormat.QASM_V2)

    @property
    def sample_program(self) -> Program:
        """``program()`` (all measured qubits, no rotation), built once per circuit."""
        cached: Program | None = _SAMPLE_PROGRAMS.get(self)
        if cached is None:
            cached = _SAMPLE_PROGRAMS[self] = Program.from_text(self.qasm(), ProgramFormat.QASM_V2)
        return cached


#: Circuit -> its sample program (circuits are frozen and shared through the translation cache).
_SAMPLE_PROGRAMS: weakref.WeakKeyDictionary[Circuit, Program] = weakref.WeakKeyDictionary()


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


def translate(kernel: Any, args: Sequence[Any], name: str | None = None) -> str:
    """OpenQASM 2 text of ``kernel(*args)`` by ``cudaq.translate`` (uncached; about 3-5 ms a call);
    clear errors for bad arguments or kernels."""
    decorator = _decorator(kernel)
    name = name or kernel_name(kernel)
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
    """Translate and parse ``kernel(*args)``, cached per kernel (and its structure) and argument values.

    ``cudaq.translate`` costs milliseconds per call (its MLIR pipelines), so each kernel keeps its
    circuits per argument values (and captured variables); a builder kernel extended after a call is
    translated again. For builder kernels, ``float`` arguments are substituted into a template
    translated once per kernel (see :class:`_Template`), so a sweep costs two translations, not one
    per point.
    """
    info = _kernel_info(kernel)
    if len(args) != info.arity:
        raise KernelArgumentError(
            f"kernel {info.name!r} takes {info.arity} argument(s) {_signature(info.decorator)}, got {len(args)}"
        )
    key = info.key(args)
    if key is not None:
        with _lock:
            circuit = info.circuits.get(key)
            if circuit is not None:
                info.circuits.move_to_end(key)
                return circuit
    circuit = info.templated(args) or parse(translate(info.decorator, args, info.name), info.name)
    if key is None:
        key = info.key(args)  # a decorator's captures are known once translated (compiled)
    if key is not None:
        with _lock:
            info.circuits[key] = circuit
            if len(info.circuits) > CACHE_SIZE:
                info.circuits.popitem(last=False)
    return circuit


#: Translated circuits kept per kernel (least recently used dropped first).
CACHE_SIZE = 1024

_lock = threading.Lock()


class _Uncacheable(Exception):
    """An argument (or captured variable) whose value cannot key the cache."""


def _freeze(value: Any) -> Any:
    """A hashable, type-exact key of an argument value (``1``, ``1.0``, ``True`` differ; ``0.0``, ``-0.0`` too)."""
    if isinstance(value, (str, bool, int)):
        return type(value), value
    if isinstance(value, (float, complex)):
        return type(value), repr(value)
    if isinstance(value, np.generic):
        return type(value), repr(value.item())
    if isinstance(value, (list, tuple)):
        return type(value), tuple(_freeze(item) for item in value)
    if isinstance(value, np.ndarray):
        return np.ndarray, value.dtype.str, value.shape, value.tobytes()
    if isinstance(value, cudaq.pauli_word):
        return cudaq.pauli_word, str(value)
    raise _Uncacheable(type(value).__name__)


def _builder_fingerprint(kernel: Any) -> tuple[int, ...]:
    """Changes whenever a ``cudaq.make_kernel()`` kernel gets an operation, a function or an attribute."""
    entry = kernel.funcOp.regions[0].blocks[0]
    return (len(entry.operations), len(kernel.module.body.operations),
            len(kernel.module.operation.attributes), len(kernel.funcOp.attributes))


@attrs.define(eq=False)
class _Template:
    """The circuit of a builder kernel with its ``float`` arguments as holes.

    Built by translating the kernel twice with two sets of sentinel values: if both circuits are
    the same but for the sentinels printed (CUDA-Q prints angles as ``%e``, i.e. Python's
    ``f"{x:e}"``) exactly where the other set's are, arguments reach the program only as printed
    literals, and any value can be substituted. Otherwise (arithmetic on an argument such as
    ``2 * theta``, decompositions, value-dependent structure) there is no template.
    Builder kernels have no Python control flow over argument values, so their structure only
    depends on non-``float`` arguments, which key the template.
    """

    body: list[str | int]  # literal text, or the position of the argument printed there
    qubits: tuple[str, ...]
    measured: tuple[int, ...]

    def render(self, args: Sequence[Any]) -> Circuit:
        body = "".join(part if isinstance(part, str) else f"{float(args[part]):e}" for part in self.body)
        return Circuit(body, self.qubits, self.measured)


_NUMBER = re.compile(r"-?\d\.\d+e[+-]\d+")
_SENTINELS = (0.2718281 + 0.0113 * np.arange(256), 0.5772156 + 0.0097 * np.arange(256))


def _holes(body: str, printed: dict[str, int]) -> list[str | int]:
    parts: list[str | int] = []
    start = 0
    for number in _NUMBER.finditer(body):
        if number[0] in printed:
            parts += [body[start:number.start()], printed[number[0]]]
            start = number.end()
    parts.append(body[start:])
    return parts


def _is_float(value: Any) -> bool:
    return (type(value) is float or type(value) is np.float64) and math.isfinite(value)


class _KernelInfo:
    """Per-kernel state: the decorator (``mk_decorator`` walks the stack), arity, circuits and templates."""

    def __init__(self, kernel: Any, fingerprint: tuple[int, ...] | None) -> None:
        self.fingerprint = fingerprint
        self.decorator = _decorator(kernel)
        self.name = kernel_name(kernel)
        self.arity = int(self.decorator.formal_arity())
        self.circuits: OrderedDict[Any, Circuit] = OrderedDict()
        self.templates: dict[Any, _Template | None] = {}
        self.float_params: tuple[int, ...] = ()
        if fingerprint is not None:  # a builder: f64 parameters may become template holes
            from cudaq.mlir.ir import F64Type

            types = list(self.decorator.signature.arg_types)
            self.float_params = tuple(i for i, t in enumerate(types) if F64Type.isinstance(t))

    def key(self, args: Sequence[Any]) -> Any:
        """The cache key of ``args`` (with the captured variables' values), or ``None`` if uncacheable."""
        captured = getattr(self.decorator.signature, "captured_args", None)
        if captured is None:  # not compiled yet: captures unknown until the first translation
            return None
        try:
            frozen = tuple(_freeze(a) for a in args)
            if captured:  # variables of the defining scope, read at each call (kernels among them: no cache)
                from cudaq.kernel.kernel_signature import CapturedVariable
                from cudaq.kernel.utils import recover_value_of

                if not all(isinstance(c, CapturedVariable) for c in captured):
                    return None
                frozen += tuple(_freeze(recover_value_of(c.name, self.decorator.defFrame)) for c in captured)
        except (_Uncacheable, RuntimeError, RecursionError):
            return None
        return frozen

    def templated(self, args: Sequence[Any]) -> Circuit | None:
        holes = tuple(i for i in self.float_params if _is_float(args[i]))
        if not holes or len(holes) > len(_SENTINELS[0]):
            return None
        try:
            structure = (holes, tuple(_freeze(a) for i, a in enumerate(args) if i not in holes))
        except _Uncacheable:
            return None
        with _lock:
            known = structure in self.templates
            template = self.templates.get(structure)
        if not known:
            template = self._template(args, holes)
            with _lock:
                self.templates[structure] = template
        return template.render(args) if template is not None else None

    def _template(self, args: Sequence[Any], holes: tuple[int, ...]) -> _Template | None:
        shapes = []
        for sentinels in _SENTINELS:
            values = dict(zip(holes, (float(x) for x in sentinels), strict=False))
            trial = [values.get(i, a) for i, a in enumerate(args)]
            try:
                circuit = parse(translate(self.decorator, trial, self.name), self.name)
            except Exception:  # the real translation below reports the error
                return None
            printed = {f"{v:e}": i for i, v in values.items()}
            if len(printed) != len(values):
                return None
            shapes.append((_holes(circuit.body, printed), circuit.qubits, circuit.measured))
        if shapes[0] != shapes[1]:
            return None
        return _Template(*shapes[0])


_KERNELS: weakref.WeakKeyDictionary[Any, _KernelInfo] = weakref.WeakKeyDictionary()


def _kernel_info(kernel: Any) -> _KernelInfo:
    from cudaq.kernel.kernel_builder import isa_dynamic_kernel

    fingerprint = _builder_fingerprint(kernel) if isa_dynamic_kernel(kernel) else None
    try:
        with _lock:
            info = _KERNELS.get(kernel)
    except TypeError:  # not weak-referenceable / hashable: not a kernel either
        info = None
    if info is not None and info.fingerprint == fingerprint:
        return info
    if fingerprint is not None:
        kernel.clearCache()  # CUDA-Q keeps a stale compiled module after some builder calls (swap, mz...)
    info = _KernelInfo(kernel, fingerprint)
    try:
        with _lock:
            _KERNELS[kernel] = info
    except TypeError:
        pass
    return info


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
