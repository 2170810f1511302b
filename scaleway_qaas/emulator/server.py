"""Running the emulator in-process: uvicorn in its own thread, on a free loopback port.

>>> with Emulator() as emu:          # doctest: +SKIP
...     httpx.get(f"{emu.url}/qaas/v1alpha1/platforms", headers={"X-Auth-Token": "x"})
>>> with run_emulator(seed=1) as url:  # doctest: +SKIP
...     ...
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any

import uvicorn

from .app import Settings, build_app
from .faults import FaultConfig, FaultInjector
from .storage import ResultStorage
from .store import Store
from .uvicorn_server import QuietServer
from .worker import WorkerPool

if TYPE_CHECKING:
    from ..core.config import Config

#: the key and project of :meth:`Emulator.use` (the emulator without ``tokens`` takes any key)
LOCAL_SECRET_KEY = "emulator-local-key"
LOCAL_PROJECT_ID = "00000000-0000-4000-8000-000000000001"


class Emulator:
    """The local QaaS API server. ``start()`` returns its base URL; also a context manager.

    ``tokens`` maps secret keys to project ids (``None``: open mode, see :mod:`.app`).
    ``faults`` is a :class:`FaultConfig` or a fault rate (all modes, seeded by ``seed``).
    ``seed`` also seeds simulations of jobs that set no seed of their own.
    ``workers`` engine processes simulate jobs side by side (default: one per CPU core; see :mod:`.worker`).
    A job whose state vector needs more than ``memory_limit`` bytes (default: the machine's memory) is
    refused (see :mod:`.memory`). Results larger than ``inline_result_bytes`` are served through a presigned
    ``url`` of a separate result storage endpoint (:mod:`.storage`, on ``storage_port``, default any free
    port of ``host``).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        db: str = ":memory:",
        tokens: dict[str, str] | None = None,
        session_start_delay: float = 0.05,
        faults: FaultConfig | float | None = None,
        seed: int | None = None,
        workers: int | None = None,
        memory_limit: int | None = None,
        inline_result_bytes: int = 1_000_000,
        storage_port: int = 0,
        log_level: str = "warning",
    ) -> None:
        if workers is not None and workers < 1:
            raise ValueError(f"workers must be at least 1 (engine processes), got {workers}")
        if isinstance(faults, (int, float)):
            faults = FaultConfig(rate=float(faults), seed=seed or 0)
        self.host = host
        self.store = Store(db)
        self.pool = WorkerPool(self.store, workers or _cores(), seed, memory_limit or 0)
        settings = Settings(
            tokens=dict(tokens) if tokens is not None else None,
            session_start_delay=session_start_delay,
            inline_result_bytes=inline_result_bytes,
        )
        self.storage = ResultStorage(self.store, host, storage_port)
        app: Any = build_app(self.store, self.pool, settings, self.storage)
        self.faults = FaultInjector(app, faults) if faults is not None and faults.rate > 0 else None
        config = uvicorn.Config(
            self.faults or app,
            host=host,
            port=port,
            log_level=log_level,
            access_log=False,
            lifespan="off",
            timeout_keep_alive=30,
        )
        self._server = QuietServer(config)
        self._thread: threading.Thread | None = None
        self.url = ""

    def start(self, timeout: float = 30.0) -> str:
        """Start workers and the HTTP server; return the base URL (``http://127.0.0.1:PORT``)."""
        self.pool.start()
        try:
            self.storage.start(timeout)
        except RuntimeError:
            self.pool.stop()
            raise
        self._thread = threading.Thread(target=self._server.run, name="qaas-emulator-http", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.pool.stop()
                self.storage.stop()
                raise RuntimeError(f"the emulator could not listen on {self.host}:{self._server.config.port}")
            time.sleep(0.005)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{host}:{port}"
        return self.url

    def stop(self) -> None:
        """Close the sessions this process's clients opened here, stop serving, finish jobs, close the database."""
        if self.url:
            from ..core.managed import terminate_implicit_sessions

            terminate_implicit_sessions(self.url)  # else they would be closed at exit, against a stopped server
        self._server.exit_soon()  # it then closes its connections for 0.1 s: stop the storage and engines meanwhile
        self.storage.stop()
        self.pool.stop()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.store.close()

    def use(
        self, secret_key: str = LOCAL_SECRET_KEY, project_id: str = LOCAL_PROJECT_ID
    ) -> AbstractContextManager[Config]:
        """``with emu.use():`` points every client and adapter created in the block without ``url=`` at this
        emulator, whatever ``SCW_*`` says, and only there; the sessions opened in the block are terminated at
        its end (:func:`scaleway_qaas.core.use_endpoint`). The key is any string and the project
        :data:`LOCAL_PROJECT_ID`, unless given (an emulator with ``tokens`` wants one of them)."""
        if not self.url:
            raise RuntimeError("the emulator is not started: use() goes inside `with Emulator() as emu:`")
        from ..core.endpoint import use_endpoint

        return use_endpoint(self.url, secret_key, project_id)

    def serve_forever(self) -> None:
        """Block until interrupted (Ctrl-C), then stop."""
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self) -> Emulator:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _cores() -> int:
    """The CPU cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@contextmanager
def run_emulator(**kwargs: Any) -> Iterator[str]:
    """Run an :class:`Emulator` (same keyword arguments) for the ``with`` block; yield its URL."""
    with Emulator(**kwargs) as emulator:
        yield emulator.url


@contextmanager
def run_emulator_process(*cli_args: str) -> Iterator[str]:
    """Run ``python -m scaleway_qaas.emulator --port 0 [cli_args]`` in a child process; yield its URL.

    Use it for clients that block the GIL while doing HTTP, such as CUDA-Q's built-in
    ``scaleway`` target: an in-process server thread could never answer them. Before it stops the
    child, it closes the sessions this process opened there (as :meth:`Emulator.stop` does).
    """
    command = [sys.executable, "-m", "scaleway_qaas.emulator", "--port", "0", *cli_args]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    url = ""
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        if "listening on " not in line:
            raise RuntimeError(f"the emulator process did not start: {line.strip() or proc.wait(10)}")
        url = line.split("listening on ")[1].split()[0]
        yield url
    finally:
        if url and proc.poll() is None:
            from ..core.managed import terminate_implicit_sessions

            terminate_implicit_sessions(url)  # else they would be closed at exit, against a stopped server
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
