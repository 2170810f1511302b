"""CUDA-Q kernels: recognise them, describe their signature, translate them to OpenQASM 2 with ``cudaq.translate``."""

from __future__ import annotations

import inspect
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
    clear errors for bad arguments or kernels."""
    decorator = decorator_of(kernel)
    name = name or kernel_name(kernel)
    arity = int(decorator.formal_arity())
    check_arity(decorator, args, name, arity)
    try:
        target = cudaq.synthesize(decorator, *args) if arity else decorator
        text = cudaq.translate(target, format="openqasm2")
    except RuntimeError as exc:
        if "argument" in str(exc):
            raise KernelArgumentError(f"arguments {tuple(args)!r} do not match kernel {name!r}: {exc}") from exc
        raise untranslatable(name, str(exc)) from exc
    if "OPENQASM" not in text:
        raise untranslatable(name, f"cudaq.translate returned {text.strip()!r}; CUDA-Q printed why on stderr")
    return str(text)


def untranslatable(name: str, why: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        f"kernel {name!r} cannot be translated to OpenQASM 2 ({why}); the Scaleway path runs OpenQASM 2 "
        "programs: remove measurement-dependent branches, loops over runtime values and returns, or use "
        "the native target: cudaq.set_target('scaleway', ...)"
    )
