"""Execution of a job's programs on the simulator behind its platform.

:func:`execute` turns a model and parameters into result payloads in the
platform's result format, or raises :class:`ExecutionError` whose message
becomes the job's ``progress_message``. The server calls it in its engine
processes only (:mod:`.engine`), on their main thread: qiskit's native code
crashes when several threads of a process use it (commit 82ea6c9). Quantum
libraries are imported on first use, per family of simulator libraries
(:func:`family`), so a Qiskit user never waits for Cirq, nor the reverse. The
simulation code of each platform family lives in :mod:`.families`.
"""

from __future__ import annotations

from ..core.wire import ComputationModel, ComputationParameters, Program
from . import families
from .families import ExecutionError
from .platforms import PlatformSpec

__all__ = ["ExecutionError", "execute", "family", "load", "used_qubits", "warm_up"]


def execute(
    platform: PlatformSpec, model: ComputationModel, params: ComputationParameters, seed: int | None
) -> list[str]:
    """Run every program in this process; return the JSON texts of the job results."""
    return _execute(platform, model, params, seed)


def _execute(
    platform: PlatformSpec, model: ComputationModel, params: ComputationParameters, seed: int | None
) -> list[str]:
    return families.run(platform, model, params, seed)


def family(platform: PlatformSpec) -> str:
    """The simulator libraries a platform's jobs need, as :func:`load` names them: ``qsim`` (Cirq and
    qsimcirq) or ``aer`` (Qiskit and Qiskit Aer: every other platform family)."""
    return "qsim" if platform.family == "qsim" else "aer"


def load(name: str) -> None:
    """Import and initialise the simulator libraries ``name`` (see :func:`family`), and only those:
    what any job of the family needs."""
    if name == "qsim":
        from .families import qsim

        qsim.warm_up()
        return
    from .families import aer

    aer.warm_up()


def warm_up(name: str) -> None:
    """:func:`load`, then the first use of what only some jobs need (the OpenQASM 3 parser: ~0.1 s)."""
    load(name)
    if name == "aer":
        from qiskit import qasm3

        qasm3.loads("OPENQASM 3.0; qubit[1] q; bit[1] c; c[0] = measure q[0];")


def used_qubits(platform: PlatformSpec, program: Program) -> int:
    """The qubits a simulator allocates for a program: those its instructions touch (Aer drops idle ones,
    Cirq circuits only hold used ones). Parses the program: for the rare jobs :mod:`.memory` doubts."""
    if family(platform) == "qsim":
        from .families.qsim import _to_cirq

        circuit, _ = _to_cirq(program)
        return len(circuit.all_qubits())
    from .families.aer import active_qubits
    from .families.programs import to_qiskit

    return int(active_qubits(to_qiskit(program)))
