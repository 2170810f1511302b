"""Running the emulator in-process: uvicorn in its own thread, on a free loopback port.

>>> with Emulator() as emu:          # doctest: +SKIP
...     httpx.get(f"{emu.url}/qaas/v1alpha1/platforms", headers={"X-Auth-Token": "x"})
>>> with run_emulator(seed=1) as url:  # doctest: +SKIP
...     ...

Listening beyond loopback (``host="0.0.0.0"``, a LAN address) without ``tokens`` would let anyone on
the network in with any key: the emulator then draws a secret key and a project of its own instead
(:attr:`Emulator.credentials`; ``scaleway-qaas emulator`` prints them, as Jupyter prints its token).
:func:`serving_in_this_process` tells whether a URL is an emulator of this very process (CUDA-Q's
native target could never reach it: its HTTP client holds the GIL).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import uvicorn

from ..core.config import Config, engine_fork_requested, use_endpoint
from .app import build_app
from .context import Settings
from .faults import FaultConfig, FaultInjector
from .paging import PageSizeCap
from .platforms import BY_NAME
from .recorder import RecordedRequest, Recorder
from .storage import ResultStorage
from .store import Store
from .uvicorn_server import QuietServer
from .worker import JOB_DEADLINE, LONG_POLL, WorkerPool

#: (host, port) of every emulator serving in this process
_SERVING: set[tuple[str, int]] = set()
_LOOPBACK_NAMES = ("localhost", "0.0.0.0", "::")  # how a client of this machine may reach it


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (``127.0.0.0/8``, ``::1``) or ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serving_in_this_process(url: str) -> bool:
    """Whether ``url`` reaches an :class:`Emulator` started in this process."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return False
    return any(
        port == served and (host == bound or is_loopback(host) or host in _LOOPBACK_NAMES) for bound, served in _SERVING
    )


#: the availabilities of the spec's ``Platform.availability`` enum a platform can show
_AVAILABILITIES = ("available", "scarce", "shortage", "maintenance")

#: the key and project of :meth:`Emulator.use` (the emulator without ``tokens`` takes any key)
LOCAL_SECRET_KEY = "emulator-local-key"
LOCAL_PROJECT_ID = "00000000-0000-4000-8000-000000000001"


class Emulator:
    """The local QaaS API server. ``start()`` returns its base URL; also a context manager.

    ``tokens`` maps secret keys to project ids (``None``: open mode, see :mod:`.context`).
    ``faults`` is a :class:`FaultConfig` or a fault rate (all modes, seeded by ``seed``).
    ``seed`` also seeds simulations of jobs that set no seed of their own.
    ``workers`` engine processes simulate jobs side by side (default: one per CPU core; see :mod:`.worker`).
    A job whose state vector needs more than ``memory_limit`` bytes (default: the machine's memory) is
    refused (see :mod:`.memory`); one whose simulation lasts more than ``job_deadline`` seconds (default
    an hour) fails, its engine replaced. Results larger than ``inline_result_bytes`` are served through a
    presigned ``url`` of a separate result storage endpoint (:mod:`.storage`, on ``storage_port`` of
    ``host``, default any free port). ``fork_engine=True`` (or ``SCW_QAAS_ENGINE_FORK=1``) lets the first
    engine be a fork of this process (:mod:`.forked`); by default engines are spawned.
    Beyond loopback without ``tokens``, only :attr:`credentials` (drawn here) are accepted.
    ``long_poll`` is how long a status read may wait for a job about to finish (default 0.1 s, see
    :mod:`.worker`); 0 answers every read at once, as the real service does (honest timing of clients
    that sleep between polls).
    ``record=True`` keeps the body of every POST/PATCH/PUT received in :attr:`recorded` (a path: also as
    JSON lines in that file; see :mod:`.recorder`), for wire tests. ``page_size_cap`` makes lists answer
    at most that many items per page, as a server with such a cap would (:mod:`.paging`).
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
        fork_engine: bool | None = None,
        job_deadline: float = JOB_DEADLINE,
        long_poll: float = LONG_POLL,
        record: bool | str = False,
        page_size_cap: int | None = None,
    ) -> None:
        if workers is not None and workers < 1:
            raise ValueError(f"workers must be at least 1 (engine processes), got {workers}")
        if not job_deadline > 0:
            raise ValueError(f"job_deadline must be a positive number of seconds, got {job_deadline}")
        if not 0 <= long_poll <= 60:
            raise ValueError(f"long_poll must be between 0 and 60 seconds, got {long_poll}")
        #: (secret key, project id) drawn for a server beyond loopback without ``tokens``, else None
        self.credentials: tuple[str, str] | None = None
        if tokens is None and not is_loopback(host):
            self.credentials = (secrets.token_urlsafe(24), str(uuid.uuid4()))
            tokens = dict([self.credentials])
        if isinstance(faults, (int, float)):
            faults = FaultConfig(rate=float(faults), seed=seed or 0)
        self.host = host
        self.store = Store(db)
        fork = engine_fork_requested() if fork_engine is None else fork_engine
        self.pool = WorkerPool(
            self.store,
            workers or _cores(),
            seed,
            memory_limit or 0,
            fork_engine=fork,
            job_deadline=job_deadline,
            long_poll=long_poll,
        )
        self.settings = settings = Settings(
            tokens=dict(tokens) if tokens is not None else None,
            session_start_delay=session_start_delay,
            inline_result_bytes=inline_result_bytes,
        )
        self.storage = ResultStorage(self.store, host, storage_port)
        app: Any = build_app(self.store, self.pool, settings, self.storage)
        self.faults = FaultInjector(app, faults) if faults is not None and faults.rate > 0 else None
        served: Any = self.faults or app
        if page_size_cap is not None:
            served = PageSizeCap(served, page_size_cap)
        self.recorder = Recorder(served, record if isinstance(record, str) else None) if record else None
        config = uvicorn.Config(
            self.recorder or served,
            host=host,
            port=port,
            log_level=log_level,
            access_log=False,
            lifespan="off",
            timeout_keep_alive=30,
        )
        self._server = QuietServer(config)
        self._thread: threading.Thread | None = None
        self._serving: tuple[str, int] = (host, -1)
        self.url = ""

    def set_availability(self, platform_name: str, availability: str = "available") -> None:
        """Show ``platform_name`` with ``availability`` (``available``, ``scarce``, ``shortage``,
        ``maintenance``) from now on, as the real service does when a platform's state changes."""
        if availability not in _AVAILABILITIES:
            raise ValueError(f"availability must be one of {', '.join(_AVAILABILITIES)}, got {availability!r}")
        if platform_name not in BY_NAME:
            raise ValueError(f"no platform named {platform_name!r}")
        self.settings.availability[BY_NAME[platform_name].id] = availability

    @property
    def recorded(self) -> list[RecordedRequest]:
        """The requests received so far with their bodies (``record=True`` only), in arrival order."""
        if self.recorder is None:
            raise RuntimeError("this emulator records nothing: create it with Emulator(record=True)")
        return list(self.recorder.requests)

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
        self._serving = (self.host, port)
        _SERVING.add(self._serving)
        return self.url

    def stop(self) -> None:
        """Stop serving, finish jobs, close the database. Sessions opened here by this process's clients
        are theirs to close (``terminate_implicit_sessions(emu.url)`` first, if they should end now)."""
        _SERVING.discard(self._serving)
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
    ``scaleway`` target: an in-process server thread could never answer them.
    """
    command = [sys.executable, "-m", "scaleway_qaas.emulator", "--port", "0", *cli_args]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as proc:  # its exit reaps it
        try:
            line = proc.stdout.readline() if proc.stdout else ""
            if "listening on " not in line:
                raise RuntimeError(f"the emulator process did not start: {line.strip() or proc.wait(10)}")
            yield line.split("listening on ")[1].split()[0]
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
