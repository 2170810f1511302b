"""CUDA-Q kernels: recognise them, describe their signature, translate them to OpenQASM 2 with ``cudaq.translate``."""

from __future__ import annotations

import inspect
import os
import sys
import tempfile
from collections.abc import Sequence
from typing import Any

import cudaq

from ...errors import InvalidArgumentError


class KernelArgumentError(InvalidArgumentError, TypeError):
    """The arguments do not match the kernel's signature."""


def kernel_name(kernel: Any) -> str:
    return str(getattr(kernel, "name", None) or getattr(kernel, "uniqName", None) or type(kernel).__name__)


def decorator_of(kernel: Any) -> Any:
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


def signature(decorator: Any) -> str:
    """``(theta: float, n: int)``, for error messages."""
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


def check_arity(decorator: Any, args: Sequence[Any], name: str, arity: int | None = None) -> None:
    arity = int(decorator.formal_arity()) if arity is None else arity
    if len(args) != arity:
        raise KernelArgumentError(f"kernel {name!r} takes {arity} argument(s) {signature(decorator)}, got {len(args)}")


def translate(kernel: Any, args: Sequence[Any], name: str | None = None) -> str:
    """OpenQASM 2 text of ``kernel(*args)`` by ``cudaq.translate`` (uncached; about 3-5 ms a call);
    clear errors for bad arguments or kernels.

    Arguments are synthesised into the kernel first. Where the translation of the synthesised kernel
    fails (arguments read from a list: ``thetas[0]``), the kernel is lowered by the pipelines CUDA-Q's
    own remote targets run before emitting OpenQASM 2 (:data:`REMOTE_PIPELINE`) and translated again."""
    decorator = decorator_of(kernel)
    name = name or kernel_name(kernel)
    arity = int(decorator.formal_arity())
    check_arity(decorator, args, name, arity)
    try:
        target = cudaq.synthesize(decorator, *args) if arity else decorator
        text, why = _translate(target)
        if "OPENQASM" not in text:
            lowered = _lowered(target, decorator)
            if lowered is not None:
                text, why = _translate(lowered)
    except RuntimeError as exc:
        if "argument" in str(exc):
            raise KernelArgumentError(f"arguments {tuple(args)!r} do not match kernel {name!r}: {exc}") from exc
        raise untranslatable(name, str(exc)) from exc
    if "OPENQASM" not in text:
        raise untranslatable(name, f"CUDA-Q: {why or text.strip()}")
    return str(text)


#: the lowering CUDA-Q's remote REST targets apply to a kernel before emitting code (its named pipelines)
REMOTE_PIPELINE = "builtin.module(hw-jit-prep-pipeline,jit-deploy-pipeline)"


def _lowered(target: Any, decorator: Any) -> Any:
    """The kernel lowered as CUDA-Q's remote targets lower it; None if the pipeline fails."""
    from cudaq.kernel.kernel_decorator import PyKernelDecorator
    from cudaq.mlir._mlir_libs._quakeDialects import cudaq_runtime
    from cudaq.mlir.passmanager import PassManager

    try:
        module = cudaq_runtime.cloneModule(target.qkeModule)
        cudaq_runtime.runPassManager(PassManager.parse(REMOTE_PIPELINE, context=module.context), module)
    except Exception:  # the translation's own error is the one to report
        return None
    return PyKernelDecorator(None, module=module, kernelName=decorator.name, decorator=decorator)


def _translate(target: Any) -> tuple[str, str]:
    """``cudaq.translate`` to OpenQASM 2, and what CUDA-Q printed on the process's stderr meanwhile (its reason
    when the translation fails; C++ writes it to file descriptor 2, out of Python's reach)."""
    with tempfile.TemporaryFile() as captured:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(captured.fileno(), 2)
        try:
            text = cudaq.translate(target, format="openqasm2")
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        captured.seek(0)
        printed = captured.read().decode(errors="replace")
    reasons = [line.strip() for line in printed.splitlines() if "error" in line.lower()]
    if printed and "OPENQASM" in str(text):
        sys.stderr.write(printed)  # not ours to swallow
    return str(text), "; ".join(reasons) or printed.strip()


def untranslatable(name: str, why: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        f"kernel {name!r} cannot be translated to OpenQASM 2 ({why}); the Scaleway path sends OpenQASM 2 "
        "programs: run this kernel through CUDA-Q's native target instead: cudaq.set_target('scaleway', ...)"
    )
