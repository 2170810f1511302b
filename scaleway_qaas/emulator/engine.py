"""Engine processes: where the emulator's simulations run, one job at a time per process.

Each :class:`Engine` is a child ``python -m scaleway_qaas.emulator.engine`` (a fresh interpreter: no
fork of the threaded server, and no re-import of the user's ``__main__`` as ``multiprocessing``'s spawn
would do) or, on request (``fork=True``: ``Emulator(fork_engine=True)``), for the first engine of an
emulator started in a script that has imported its framework, a fork of that script made before any
thread starts (:mod:`.forked`). A socket pair connects it, over
which :mod:`multiprocessing.connection` frames pickled requests. The child imports a platform family's
simulators the first time it runs (or is told to load) that family, and keeps them, their parsed
circuits and caches warm for its whole life. Qiskit's native code never sees a second thread: the
child runs requests on its main thread only.

A child that dies (SIGKILL, out of memory...) fails the request it was running with
:class:`EngineDied`, whose message says how it died; one that holds a request longer than the
caller's ``timeout`` is killed, with :class:`EngineOverran`. :meth:`Engine.restart` replaces it.

Why every job takes the hop, even a Bell pair (measured on this 2-core machine, 300 runs each, 3 runs,
``python -m benchmarks --only hop``): a request's round trip to an engine costs 0.04 ms (a no-op
request); a Bell job at 1,000 shots (parsing, Aer, result encoding) costs 1.7-1.9 ms run in the
calling process and 2.0-2.9 ms through an engine. Running small jobs in the server would save 0.2-1 ms
of a Bell job's ~15 ms end to end, but would bring qiskit back into the server's threads (and, with
an in-process ``Emulator``, next to the user's own qiskit calls on other threads: the crash of
commit 82ea6c9), and would hold the server's GIL while HTTP requests wait. The end-to-end Bell
latency and the concurrency figures did not regress (benchmarks/README.md).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from . import forked

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


class EngineDied(Exception):
    """The engine process ended while it held a request."""


class EngineOverran(EngineDied):
    """The engine held a request past its deadline; it was killed."""


class Engine:
    """One engine child process and the connection to it; not thread-safe (one caller at a time)."""

    def __init__(self, name: str, memory_limit: int, fork: bool = False) -> None:
        self.name = name
        self.memory_limit = memory_limit
        self.fork = fork  # may start as a fork of this process (see :mod:`.forked`)
        self.families: set[str] = set()  # the platform families this process has loaded
        self._proc: subprocess.Popen[bytes] | forked.ForkedProcess | None = None
        self._conn: Connection | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        """Start the child (returns at once; the child imports while the caller goes on): a fork of this
        process when asked for and :func:`.forked.forkable`, else a fresh interpreter."""
        ours, theirs = socket.socketpair()
        argv = [str(theirs.fileno()), str(self.memory_limit)]
        try:
            self._proc = forked.fork(lambda: main(argv), theirs.fileno()) if self.fork and forked.forkable() else None
            if self._proc is None:
                self._proc = self._spawn(argv, theirs.fileno())
        finally:
            theirs.close()
        self._conn = Connection(ours.detach())
        self.families = set()

    @staticmethod
    def _spawn(argv: list[str], fd: int) -> subprocess.Popen[bytes]:
        env = dict(os.environ)
        # the child must import this very package, wherever it was imported from
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH")) if p)
        return subprocess.Popen(
            [sys.executable, "-m", __name__, *argv],
            pass_fds=(fd,),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # the server's stdout is its own (its first line gives its URL)
            env=env,
        )

    def call(self, *request: Any, timeout: float | None = None) -> Any:
        """Send one request, wait for its reply; :class:`EngineDied` if the child ends meanwhile,
        :class:`EngineOverran` (the child killed) if no reply came within ``timeout`` seconds."""
        if self._conn is None:
            raise EngineDied(f"engine {self.name} is not running")
        try:
            self._conn.send(request)
            if timeout is not None and not self._conn.poll(timeout):
                self.close()
                raise EngineOverran(f"engine {self.name} held a request for more than {timeout:g} s; it was killed")
            return self._conn.recv()
        except (EOFError, OSError):
            raise EngineDied(self._death()) from None

    def _death(self) -> str:
        code = None
        if self._proc is not None:
            try:
                code = self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:  # the socket broke but the process lives on: end it
                self._proc.kill()
                code = self._proc.wait()
        if code is not None and code < 0:
            how = f"was killed by signal {signal.Signals(-code).name}"
            if -code == signal.SIGKILL:
                how += " (out of memory, or killed by hand)"
        else:
            how = f"exited with code {code}"
        return f"the simulation process (pid {self.pid}) {how} while running this job; the job was not retried"

    def restart(self) -> None:
        self.close()
        self.start()

    def close(self) -> None:
        """End the child at once (it holds no state worth a graceful exit)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()  # first: a thread waiting for a reply then meets the end of the stream
            self._proc.wait()
        if self._conn is not None:
            self._conn.close()
            self._conn = None


# --- the child ---------------------------------------------------------------------------------------


def _serve(conn: Connection, memory_limit: int) -> None:
    import numpy  # noqa: F401  # every family's base (not a simulator): loaded while the engine waits for work

    from ..core.errors import PayloadError
    from ..core.wire import ComputationModel, ComputationParameters
    from .memory import refusal
    from .platforms import BY_ID
    from .simulators import ExecutionError, execute, family, load, warm_up

    loaded: set[str] = set()  # the families loaded here
    warm: set[str] = set()  # the families whose warm-up has run here

    def once(name: str, step: Callable[[str], None], done: set[str]) -> tuple[str, Any]:
        if name in done:
            return ("ok", None)
        done.add(name)
        try:
            step(name)
            return ("ok", None)
        except Exception as exc:  # a family that does not load fails its jobs later, with a message
            return ("error", f"{type(exc).__name__}: {exc}")

    while True:
        try:
            request = conn.recv()
        except EOFError:  # the server closed its end, or died
            return
        op, *args = request
        if op == "load":
            conn.send(once(args[0], load, loaded))
            continue
        platform_id, payload, parameters, seed = args
        platform = BY_ID[platform_id]
        try:
            model = ComputationModel.from_json(payload)
            params = ComputationParameters.from_json(parameters)
            refused = refusal(platform, model, memory_limit)
            if refused:
                raise ExecutionError(refused)
            reply: tuple[str, Any] = ("ok", execute(platform, model, params, seed))
        except (ExecutionError, PayloadError) as exc:
            reply = ("error", str(exc))
        except Exception as exc:
            traceback.print_exc()
            reply = ("error", f"internal emulator error: {type(exc).__name__}: {exc}")
        conn.send(reply)
        if reply[0] == "ok" and family(platform) not in warm:  # the job loaded what it needed; the rest now
            once(family(platform), warm_up, warm)


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    conn = Connection(int(argv[0]))
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the server is gone
        _serve(conn, int(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
