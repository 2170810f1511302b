"""The job pool: engine processes fed by one thread each, the long-poll, and the housekeeper.

Jobs are queued by id the moment they are created. Each thread owns one :class:`~.engine.Engine`
process: it claims a job in the store, has its engine run it, and records the outcome. One engine
starts with the pool; another starts whenever more jobs wait than engines are idle, up to
``workers`` (a light user never pays for more). A job never gets lost: a simulation failure ends
it in ``error`` with the simulator's message, and an engine process that dies (SIGKILL, out of
memory) ends its job in ``error`` with a message saying so; the thread then starts a fresh engine. So
does a simulation that runs past the pool's ``job_deadline`` (seconds; the platform family's loading,
done first, does not count): its engine is killed and replaced, so that no job stays ``running`` for
ever behind a wedged engine.
A platform family loads when it is first used: when a session opens on one of its platforms, or one
is looked up by name (:meth:`WorkerPool.prepare`: an idle engine loads it while the client goes on to
submit), or when its first job runs; idle engines then load it too, in the background.

Long-poll: :meth:`WorkerPool.wait_for_change` lets a status read of a job that an engine runs, or will
start next (queued behind fewer jobs than there are engines), wait for it to finish, up to
:data:`LONG_POLL` seconds, so that clients which sleep a second or more between status polls (CUDA-Q's
built-in target, the official plugins) find a small job finished at their first poll. A job deeper in
the queue is answered at once. It changes no state.

The housekeeper advances session lifecycles (start, max duration, idle timeout, stopping ->
stopped). It sleeps until the store's next session deadline, or until a job is submitted or
finished, and at most :data:`MAX_SLEEP` (sessions created over HTTP tell the pool nothing; any
request that reads a session advances it itself): an idle emulator costs no measurable CPU.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque

from .engine import Engine, EngineDied, EngineOverran
from .platforms import BY_ID, PlatformSpec
from .simulators import family
from .store import Store

log = logging.getLogger("scaleway_qaas.emulator")

#: seconds a status read may wait for a job an engine is about to finish
LONG_POLL = 0.1
#: longest sleep of the housekeeper (seconds)
MAX_SLEEP = 1.0
#: default longest simulation of one job (seconds), after which its engine is replaced
JOB_DEADLINE = 3600.0
#: least time a platform family's first loading in an engine may take (seconds)
LOAD_DEADLINE = 600.0


class WorkerPool:
    """Engine processes executing queued jobs against the store."""

    def __init__(
        self,
        store: Store,
        workers: int,
        seed: int | None = None,
        memory_limit: int = 0,
        *,
        fork_engine: bool = False,
        job_deadline: float = JOB_DEADLINE,
        long_poll: float = LONG_POLL,
    ) -> None:
        from .memory import machine_memory

        self.store = store
        self.seed = seed
        self.job_deadline = job_deadline
        self.long_poll = long_poll  # 0: status reads are answered at once, as the real service does
        self._queue: deque[str] = deque()  # job ids, oldest first
        self._stopped = threading.Event()
        self._wake = threading.Event()  # wakes the housekeeper
        self._lock = threading.Lock()
        self._ready = threading.Condition(self._lock)  # a job was queued, a family loaded, or stop
        self._pending: set[str] = set()  # queued or running, not yet recorded
        self._running: set[str] = set()  # taken by a thread (running, or waiting for its session to start)
        self._waiters: dict[str, list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]]] = {}
        self._families: set[str] = set()  # platform families in use: idle engines load them
        limit = memory_limit or machine_memory()
        self.engines = [Engine(f"engine-{i}", limit, fork=fork_engine and i == 0) for i in range(max(1, workers))]
        self._started = 0  # engines started (the first ones of self.engines), each with its thread
        self._idle = 0  # threads waiting for work, or loading a family (they take a job right after)
        self._threads = [threading.Thread(target=self._housekeep, name="qaas-emulator-housekeeper", daemon=True)]

    def start(self) -> None:
        with self._lock:
            self._grow()
        for job_id in self.store.recover(time.time()):
            self.submit(job_id)
        self._threads[0].start()

    def _grow(self) -> None:
        """Start one more engine and its thread (called with the lock held)."""
        engine = self.engines[self._started]
        self._started += 1
        engine.start()
        thread = threading.Thread(target=self._work, args=(engine,), name=f"qaas-emulator-{engine.name}", daemon=True)
        self._threads.append(thread)
        thread.start()

    def stop(self) -> None:
        with self._lock:
            self._stopped.set()
            self._ready.notify_all()
        self._wake.set()
        for engine in self.engines:
            engine.close()  # a thread still waiting for its engine sees it die, and leaves
        for t in self._threads:
            t.join(timeout=30)

    def submit(self, job_id: str) -> None:
        with self._lock:
            self._pending.add(job_id)
            self._queue.append(job_id)
            if len(self._queue) > self._idle and self._started < len(self.engines) and not self._stopped.is_set():
                self._grow()  # more work than waiting engines: one more, up to ``workers``
            self._ready.notify()
        self._wake.set()

    def prepare(self, platform: PlatformSpec) -> None:
        """``platform`` is about to be used: idle engines load its family now, so that its first job need
        not wait for the import (a family loads only when first used; this is that first use)."""
        name = family(platform)
        with self._lock:
            if name not in self._families:
                self._families.add(name)
                self._ready.notify_all()

    # -- long-poll -------------------------------------------------------------------------------

    async def wait_for_change(self, job_id: str, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` (default: the pool's ``long_poll``) for a job an engine runs, or will start
        next, to be recorded as finished; True if it was (re-read it), False at once for any other job, or
        when the timeout is 0."""
        timeout = self.long_poll if timeout is None else timeout
        if timeout <= 0:
            return False
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._lock:
            # running, or queued behind fewer jobs than there are engines: it starts within a job's time
            soon = job_id in self._running or (job_id in self._pending and len(self._queue) <= len(self.engines))
            if not soon:
                return False
            self._waiters.setdefault(job_id, []).append((loop, future))
        try:
            await asyncio.wait_for(future, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            with self._lock:
                waiters = self._waiters.get(job_id, [])
                if (loop, future) in waiters:
                    waiters.remove((loop, future))
                    if not waiters:
                        del self._waiters[job_id]

    def _finished(self, job_id: str) -> None:
        with self._lock:
            self._pending.discard(job_id)
            self._running.discard(job_id)
            waiters = self._waiters.pop(job_id, [])
        for loop, future in waiters:
            with contextlib.suppress(RuntimeError):  # a closed loop: its request is gone
                loop.call_soon_threadsafe(_resolve, future)
        self._wake.set()

    # -- housekeeping ----------------------------------------------------------------------------

    def _housekeep(self) -> None:
        while not self._stopped.is_set():
            try:
                self.store.advance(time.time())
                deadline = self.store.next_deadline()
            except Exception:
                log.exception("session housekeeping failed")
                deadline = None
            delay = MAX_SLEEP if deadline is None else min(MAX_SLEEP, deadline - time.time())
            if delay > 0:
                self._wake.wait(delay)
            self._wake.clear()

    # -- execution -------------------------------------------------------------------------------

    def _work(self, engine: Engine) -> None:
        while True:
            with self._lock:
                self._idle += 1
                while not (self._queue or self._stopped.is_set() or self._families - engine.families):
                    self._ready.wait()
                if self._stopped.is_set():
                    self._idle -= 1
                    return
                job_id = self._queue.popleft() if self._queue else None
                families = sorted(self._families - engine.families)
                if job_id is not None:
                    self._idle -= 1
            if job_id is None:
                try:
                    self._load(engine, families[0])
                finally:
                    with self._lock:
                        self._idle -= 1
                continue
            try:
                self._run(engine, job_id)
            except Exception:
                log.exception("worker failed on job %s", job_id)
            finally:
                self._finished(job_id)

    def _load(self, engine: Engine, family: str) -> None:
        """Load into an idle engine a family another engine has loaded (a burst then finds it ready)."""
        try:
            engine.call("load", family)
        except EngineDied:
            if not self._stopped.is_set():  # stopping kills the engines, loading ones included
                log.warning("engine %s died while loading %s", engine.name, family)
            self._replace(engine)
        engine.families.add(family)  # loaded, or failed: its jobs will say why

    def _replace(self, engine: Engine) -> None:
        """Start a fresh process for a dead engine, unless the pool stops (then stop() ends them all)."""
        with self._lock:
            if not self._stopped.is_set():
                engine.restart()

    def _loaded(self, engine: Engine, family: str) -> None:
        engine.families.add(family)
        if family not in self._families:
            with self._lock:
                self._families.add(family)
                self._ready.notify_all()

    def _run(self, engine: Engine, job_id: str) -> None:
        with self._lock:
            self._running.add(job_id)
        while True:
            claimed = self.store.claim_job(job_id, time.time())
            if not isinstance(claimed, float):
                break
            if self._stopped.wait(max(0.0, min(claimed - time.time(), 0.05))):
                return  # session still starting; the job stays waiting for the next start
        if claimed is None:
            return
        job, session, model = claimed
        results: list[str] = []
        if model is None:
            status, message = "error", f"model {job['model_id']} no longer exists"
        else:
            platform = BY_ID[session["platform_id"]]
            seed = None if self.seed is None else self.seed + int(job["seq"])
            name, load_deadline = family(platform), max(self.job_deadline, LOAD_DEADLINE)
            loading = name not in engine.families
            try:
                if loading:  # first, apart: the job's deadline is its simulation's
                    engine.call("load", name, timeout=load_deadline)
                    engine.families.add(name)  # loaded, or failed: the job will say why
                    loading = False
                run = ("run", platform.id, model["payload"], job["parameters"], seed)
                outcome, value = engine.call(*run, timeout=self.job_deadline)
                if outcome == "ok":  # the family is loaded there now (a refused job may have loaded nothing)
                    self._loaded(engine, name)
            except EngineDied as exc:
                outcome, value = "error", str(exc)
                if isinstance(exc, EngineOverran):
                    late = (
                        f"loading the {name} simulators took more than {load_deadline:g} s"
                        if loading
                        else f"simulation exceeded the emulator's job deadline of {self.job_deadline:g} s"
                    )
                    value = f"{late}; the engine was restarted"
                if self._stopped.is_set():
                    return  # the emulator stops: the job stays running, re-queued at the next start
                log.warning("job %s: %s; starting a new engine", job_id, exc)
                self._replace(engine)
            if outcome == "ok":
                status, message, results = "completed", "completed", value
            else:
                status, message = "error", value
        self.store.finish_job(job, status, message, results, time.time())


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
