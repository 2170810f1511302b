"""An engine forked from the calling process: how an in-process emulator gets its first result quickly.

A spawned engine is a fresh interpreter: before its first job it imports qiskit and Qiskit Aer
(~0.5 s), which the user's script has just imported too. When the emulator starts in a script that
has imported its framework already, its first engine is instead a fork of that process: it inherits
the imported modules and only loads the simulator itself (Qiskit Aer: ~0.06 s). A whole script's
first result comes ~0.4 s sooner (``python -m benchmarks --only firstresult``).

A fork copies the process as it is, so it is made only where nothing it inherits can be broken
(:func:`forkable`): on Linux, from a process with a single Python thread (no lock another thread
holds, no server running yet), which has imported Qiskit or Cirq (else a fork saves nothing) and no
library whose thread pool would not survive it (Qiskit Aer's and qsim's OpenMP, CUDA-Q, the machine
learning runtimes). The child runs Qiskit's native code without its thread pool
(``QISKIT_IN_PARALLEL``), reads and writes no standard stream but stderr, ignores the parent's
signal handlers and never runs its exit handlers. Everywhere else, and with
``SCW_QAAS_ENGINE_FORK=0`` (or ``false``, ``no``, ``off``), engines are spawned (:mod:`.engine`).

Right before the fork, the script's objects are frozen (:func:`gc.freeze`), as Python's documentation
advises for a fork without exec: the garbage collector of either process no longer scans them, so
their memory pages stay shared instead of being copied, and the script's own collections and its exit
no longer walk every module and class it has loaded (its exit is ~0.2 s shorter). The price: a
reference cycle among objects that existed at that moment, should it become garbage later, is never
reclaimed (objects freed by their reference count, most of them, are freed as before).
"""

from __future__ import annotations

import gc
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import traceback
import warnings
from collections.abc import Callable, Iterable

from ..core.config import switched_off

#: imported by a process, they make a fork of it unsafe: thread pools a fork does not carry over
THREADED_RUNTIMES = ("qiskit_aer", "qsimcirq", "cudaq", "torch", "jax", "tensorflow")
#: imported by a process, they make a fork of it worth it: what an engine would import again
FRAMEWORKS = ("qiskit", "cirq")


def forkable() -> bool:
    """Whether an engine may start as a fork of this process now (see the module's documentation)."""
    if sys.platform != "linux" or switched_off("SCW_QAAS_ENGINE_FORK"):
        return False
    if threading.active_count() != 1:
        return False
    loaded = sys.modules
    return not any(name in loaded for name in THREADED_RUNTIMES) and any(name in loaded for name in FRAMEWORKS)


class ForkedProcess:
    """The parent's handle on a forked child: the part of :class:`subprocess.Popen` an engine uses."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped by someone else (os.wait() in the script, SIGCHLD ignored)
                pid, status = self.pid, 0
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if (code := self.poll()) is not None:
            return code
        if timeout is not None:
            try:
                handle = os.pidfd_open(self.pid)  # readable once the child has ended
            except OSError:  # a kernel without pidfds (before Linux 5.3): wait without the bound
                handle = None
            if handle is not None:
                try:
                    select.select([handle], [], [], timeout)
                finally:
                    os.close(handle)
                if (code := self.poll()) is None:
                    raise subprocess.TimeoutExpired(f"engine {self.pid}", timeout)
                return code
        try:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        except ChildProcessError:  # reaped by someone else meanwhile
            self.returncode = 0
        return self.returncode

    def kill(self) -> None:
        if self.poll() is None:
            os.kill(self.pid, signal.SIGKILL)


def fork(child: Callable[[], int], parents_ends: Iterable[socket.socket]) -> ForkedProcess | None:
    """Run ``child()`` in a fork of this process, which then exits with its return value; the fork first
    closes ``parents_ends`` (so that it sees the end of its connection when the parent goes). None when
    the system refuses to fork (the caller spawns instead)."""
    gc.freeze()  # see the module's documentation
    with warnings.catch_warnings():
        # Python 3.12+ warns on forking a process with more than one OS thread; the only other ones
        # forkable() lets through are numpy's BLAS workers, which are fork-aware.
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            pid = os.fork()
        except OSError:
            gc.unfreeze()
            return None
    if pid:
        return ForkedProcess(pid)
    code = 1
    try:
        for end in parents_ends:
            end.close()
        _become_engine()
        code = child()
    except BaseException:
        traceback.print_exc()  # to stderr, the script's: the engine's parent then reports it dead
    finally:
        os._exit(code)  # never back into the parent's code, nor its exit handlers


def _become_engine() -> None:
    """Set the fresh fork up to run as an engine, not as the user's script."""
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)  # not the script's stdout, which a caller may be reading to its end
    os.close(null)
    for number in signal.valid_signals():
        if callable(signal.getsignal(number)):  # the script's own handlers
            signal.signal(number, signal.SIG_DFL)
    os.environ["QISKIT_IN_PARALLEL"] = "TRUE"  # Qiskit's native code then runs without its thread pool
