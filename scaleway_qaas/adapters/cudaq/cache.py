"""The translation cache: each kernel keeps its circuits per argument values (and captured variables).

``cudaq.translate`` costs milliseconds per call (its MLIR pipelines), so :func:`to_circuit`
translates a kernel once per distinct arguments; a builder kernel extended after a call is
translated again; for builder kernels, ``float`` arguments fill a :class:`~.templates.Template`
built once per kernel, so a sweep costs two translations, not one per point.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import cudaq
import numpy as np

from . import kernels, templates
from .qasm import Circuit, parse

#: Translated circuits kept per kernel (least recently used dropped first).
CACHE_SIZE = 1024

_lock = threading.Lock()


class Uncacheable(Exception):
    """An argument (or captured variable) whose value cannot key the cache."""


def freeze(value: Any) -> Any:
    """A hashable, type-exact key of an argument value (``1``, ``1.0``, ``True`` differ; ``0.0``, ``-0.0`` too)."""
    if isinstance(value, (str, bool, int)):
        return type(value), value
    if isinstance(value, (float, complex)):
        return type(value), repr(value)
    if isinstance(value, np.generic):
        return type(value), repr(value.item())
    if isinstance(value, (list, tuple)):
        return type(value), tuple(freeze(item) for item in value)
    if isinstance(value, np.ndarray):
        return np.ndarray, value.dtype.str, value.shape, value.tobytes()
    if isinstance(value, cudaq.pauli_word):
        return cudaq.pauli_word, str(value)
    raise Uncacheable(type(value).__name__)


def _builder_fingerprint(kernel: Any) -> tuple[int, ...]:
    """Changes whenever a ``cudaq.make_kernel()`` kernel gets an operation, a function or an attribute."""
    entry = kernel.funcOp.regions[0].blocks[0]
    return (
        len(entry.operations),
        len(kernel.module.body.operations),
        len(kernel.module.operation.attributes),
        len(kernel.funcOp.attributes),
    )


class KernelInfo:
    """Per-kernel state: the decorator (``mk_decorator`` walks the stack), arity, circuits and templates."""

    def __init__(self, kernel: Any, fingerprint: tuple[int, ...] | None) -> None:
        self.fingerprint = fingerprint
        self.decorator = kernels.decorator_of(kernel)
        self.name = kernels.kernel_name(kernel)
        self.arity = int(self.decorator.formal_arity())
        self.circuits: OrderedDict[Any, Circuit] = OrderedDict()
        self.templates: dict[Any, templates.Template | None] = {}
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
            frozen = tuple(freeze(a) for a in args)
            if captured:  # variables of the defining scope, read at each call (kernels among them: no cache)
                from cudaq.kernel.kernel_signature import CapturedVariable
                from cudaq.kernel.utils import recover_value_of

                if not all(isinstance(c, CapturedVariable) for c in captured):
                    return None
                frozen += tuple(freeze(recover_value_of(c.name, self.decorator.defFrame)) for c in captured)
        except (Uncacheable, RuntimeError, RecursionError):
            return None
        return frozen

    def templated(self, args: Sequence[Any]) -> Circuit | None:
        """The circuit from this kernel's float template (built on first use), if it has one."""
        holes = tuple(i for i in self.float_params if templates.is_float(args[i]))
        if not holes or len(holes) > templates.MAX_HOLES:
            return None
        try:
            structure = (holes, tuple(freeze(a) for i, a in enumerate(args) if i not in holes))
        except Uncacheable:
            return None
        with _lock:
            known = structure in self.templates
            template = self.templates.get(structure)
        if not known:
            template = templates.build(self.decorator, args, holes, self.name)
            with _lock:
                self.templates[structure] = template
        return template.render(args) if template is not None else None


_KERNELS: weakref.WeakKeyDictionary[Any, KernelInfo] = weakref.WeakKeyDictionary()


def kernel_info(kernel: Any) -> KernelInfo:
    """The cache entry of ``kernel``, rebuilt when a builder kernel changed since."""
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
    info = KernelInfo(kernel, fingerprint)
    try:
        with _lock:
            _KERNELS[kernel] = info
    except TypeError:
        pass
    return info


def to_circuit(kernel: Any, args: Sequence[Any]) -> Circuit:
    """Translate and parse ``kernel(*args)``, cached per kernel (and its structure) and argument values."""
    info = kernel_info(kernel)
    kernels.check_arity(info.decorator, args, info.name, info.arity)
    key = info.key(args)
    if key is not None:
        with _lock:
            circuit = info.circuits.get(key)
            if circuit is not None:
                info.circuits.move_to_end(key)
                return circuit
    circuit = info.templated(args) or parse(kernels.translate(info.decorator, args, info.name), info.name)
    if key is None:
        key = info.key(args)  # a decorator's captures are known once translated (compiled)
    if key is not None:
        with _lock:
            info.circuits[key] = circuit
            if len(info.circuits) > CACHE_SIZE:
                info.circuits.popitem(last=False)
    return circuit
