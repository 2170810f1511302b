# ruff: noqa: F821  (CUDA-Q kernel builtins: h, x, mz)
"""Kernels of the CUDA-Q Scaleway page's examples (``@cudaq.kernel`` needs a source file ``inspect`` can read)."""

from __future__ import annotations

import cudaq


@cudaq.kernel
def kernel():
    """The ordinary Bell kernel a user of the page writes: h, x.ctrl, mz."""
    qubits = cudaq.qvector(2)
    h(qubits[0])
    x.ctrl(qubits[0], qubits[1])
    mz(qubits)


@cudaq.kernel
def one_qubit():
    """A kernel on one ``cudaq.qubit()``: CUDA-Q emits ``measure var0 -> var2[0];`` for it."""
    q = cudaq.qubit()
    h(q)
    mz(q)
