# ruff: noqa: F821  (CUDA-Q kernel builtins: x, h, mz, ry, exp_pauli ...)
"""CUDA-Q kernels shared by the CUDA-Q tests (``@cudaq.kernel`` needs source ``inspect`` can read)."""

from __future__ import annotations

import cudaq


@cudaq.kernel
def asymmetric():
    """x on qubit 0 of 3, no explicit measurement: CUDA-Q reports "100"."""
    q = cudaq.qvector(3)
    x(q[0])


@cudaq.kernel
def bell():
    """Bell pair, register measured explicitly."""
    q = cudaq.qvector(2)
    h(q[0])
    x.ctrl(q[0], q[1])
    mz(q)


@cudaq.kernel
def partial():
    """Measure qubits 0 and 2 of 3 (qubit 1 in superposition, unmeasured)."""
    q = cudaq.qvector(3)
    x(q[0])
    h(q[1])
    mz(q[0])
    mz(q[2])


@cudaq.kernel
def reversed_measure():
    """Measure qubit 2 then qubit 0: CUDA-Q still orders bits by qubit index ("10")."""
    q = cudaq.qvector(3)
    x(q[0])
    mz(q[2])
    mz(q[0])


@cudaq.kernel
def rotation(theta: float, n: int):
    """ry(theta) on qubit 0 of n qubits: P(qubit 0 = 1) = sin^2(theta / 2)."""
    q = cudaq.qvector(n)
    ry(theta, q[0])


@cudaq.kernel
def pauli_exp(theta: float):
    """exp(i theta XY) on |10>."""
    q = cudaq.qvector(2)
    x(q[0])
    exp_pauli(theta, q, "XY")


@cudaq.kernel
def ansatz(theta: float):
    """Two-qubit ansatz of the CUDA-Q VQE example."""
    q = cudaq.qvector(2)
    x(q[0])
    ry(theta, q[1])
    x.ctrl(q[1], q[0])


@cudaq.kernel
def mid_circuit():
    """A measurement-dependent branch: cannot be expressed in OpenQASM 2."""
    q = cudaq.qvector(2)
    h(q[0])
    if mz(q[0]):
        x(q[1])


def builder_kernel() -> tuple[object, object]:
    """``cudaq.make_kernel(float)``: ry(theta) then cx, as (kernel, theta)."""
    kernel, theta = cudaq.make_kernel(float)
    q = kernel.qalloc(2)
    kernel.ry(theta, q[0])
    kernel.cx(q[0], q[1])
    return kernel, theta


@cudaq.kernel
def phases():
    """Only rz gates (native on QPU-IBEX-12PQ): always "00"."""
    q = cudaq.qvector(2)
    rz(0.3, q[0])
    rz(0.7, q[1])


@cudaq.kernel
def gate_after_measure():
    """A gate on a qubit already measured: not expressible with final measurements only."""
    q = cudaq.qvector(2)
    mz(q[0])
    x(q[0])
    mz(q[1])


#: Read by ``flip_captured`` at each call (CUDA-Q captures variables of the defining scope by value per call;
#: CUDA-Q 0.16 cannot translate such kernels to OpenQASM 2, the cache keys them by the captured values anyway).
FLIP = 0


@cudaq.kernel
def flip_captured():
    """x on qubit 0 when the module variable ``FLIP`` is 1: "1" or "0"."""
    q = cudaq.qvector(1)
    if FLIP == 1:
        x(q[0])
    mz(q)


@cudaq.kernel
def ansatz_list(thetas: list[float]):
    """The VQE ansatz in CUDA-Q's own tutorial shape: its angle read from a list."""
    q = cudaq.qvector(2)
    x(q[0])
    ry(thetas[0], q[1])
    x.ctrl(q[1], q[0])


@cudaq.kernel
def typed_arguments(angles: list[float], targets: list[int], n: int, flip: bool, phase: float):
    """Every argument type of a tutorial kernel: ry(angles[i]) on each of n qubits, x on targets if flip."""
    q = cudaq.qvector(n)
    for i in range(n):
        ry(angles[i], q[i])
    if flip:
        for t in targets:
            x(q[t])
    rz(phase, q[0])
    mz(q[0])
    mz(q[n - 1])


@cudaq.kernel
def reuse(theta: float):
    """A qubit reset and reused: qubit 1 carries ry(theta), qubit 0 is flipped, reset, then flipped again."""
    q = cudaq.qvector(2)
    x(q[0])
    reset(q[0])
    x(q[0])
    ry(theta, q[1])
