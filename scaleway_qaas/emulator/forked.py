"""An engine forked from the calling process: an opt-in for an in-process emulator's first result.

By default every engine is spawned (:mod:`.engine`): a fresh interpreter, which imports qiskit and
Qiskit Aer (~0.5 s) before its first job. With ``Emulator(fork_engine=True)`` or
``SCW_QAAS_ENGINE_FORK=1``, the first engine of an emulator started in a script that has imported its
framework is instead a fork of that script: it inherits the imported modules and only loads the
simulator itself (Qiskit Aer: ~0.06 s), so the script's first result comes sooner
(``python -m benchmarks --only firstresult``). A resident emulator (``scaleway-qaas emulator`` in
another terminal) saves more, and touches nothing in the script.

A fork copies the process as it is, so it is made only where nothing it inherits can be broken
(:func:`forkable`): on Linux, from a process with a single Python thread (no lock another thread
holds, no server running yet), which has imported Qiskit or Cirq (else a fork saves nothing) and no
library whose thread pool would not survive it (Qiskit Aer's and qsim's OpenMP, CUDA-Q, the machine
learning runtimes). Native thread pools of other libraries are not visible from Python: that is why
forking is opt-in. The child leaves the script as it was (nothing is frozen or changed there; the
child freezes its own copy of the script's objects, so that none is finalised there) and keeps
nothing of it but memory: it closes every file descriptor it inherited except stderr and its
own connection (stdin and stdout become ``/dev/null``), as ``subprocess``'s ``close_fds`` does, runs
Qiskit's native code without its thread pool (``QISKIT_IN_PARALLEL``), ignores the parent's signal
handlers and never runs its exit handlers. Otherwise engines are spawned.
"""

from __future__ import annotations

import gc
import os
import select
import signal
import subprocess
import sys
import threading
import traceback
import warnings
from collections.abc import Callable

#: imported by a process, they make a fork of it unsafe: thread pools a fork does not carry over
THREADED_RUNTIMES = ("qiskit_aer", "qsimcirq", "cudaq", "torch", "jax", "tensorflow")
#: imported by a process, they make a fork of it worth it: what an engine would import again
FRAMEWORKS = ("qiskit", "cirq")


def forkable() -> bool:
    """Whether an engine may start as a fork of this process now (see the module's documentation)."""
    if sys.platform != "linux":
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


def fork(child: Callable[[], int], keep: int) -> ForkedProcess | None:
    """Run ``child()`` in a fork of this process, which then exits with its return value; the fork first
    closes every file descriptor but stderr and ``keep`` (its connection: so it also sees the end of the
    connection when the parent goes). None when the system refuses to fork (the caller spawns instead)."""
    with warnings.catch_warnings():
        # Python 3.12+ warns on forking a process with more than one OS thread; the only other ones
        # forkable() lets through are numpy's BLAS workers, which are fork-aware.
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            pid = os.fork()
        except OSError:
            return None
    if pid:
        return ForkedProcess(pid)
    code = 1
    try:
        _become_engine(keep)
        code = child()
    except BaseException:
        traceback.print_exc()  # to stderr, the script's: the engine's parent then reports it dead
    finally:
        os._exit(code)  # never back into the parent's code, nor its exit handlers


def _become_engine(keep: int) -> None:
    """Set the fresh fork up to run as an engine, not as the user's script."""
    # The script's objects are never collected here: a file object of the script found garbage would
    # close its descriptor number, by then maybe one this engine opened. Only this copy is frozen.
    gc.freeze()
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)  # not the script's stdout, which a caller may be reading to its end
    os.close(null)
    os.closerange(3, keep)  # close_fds: the script's files, pipes and sockets are the script's
    os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))
    for number in signal.valid_signals():
        if callable(signal.getsignal(number)):  # the script's own handlers
            signal.signal(number, signal.SIG_DFL)
    os.environ["QISKIT_IN_PARALLEL"] = "TRUE"  # Qiskit's native code then runs without its thread pool
