"""The job worker pool and the housekeeping thread.

Jobs are queued by id the moment they are created and run on a few threads
(Aer and qsim release the GIL). A worker never dies of a job: every failure
ends that job in ``error`` with a message. The housekeeper advances session
lifecycles (start, max duration, idle timeout, stopping -> stopped).
"""

from __future__ import annotations

import logging
import queue
import threading
import time

from ..core.errors import PayloadError
from ..core.wire import ComputationModel, ComputationParameters
from .platforms import BY_ID
from .simulators import ExecutionError, execute, warm_up
from .store import Store

log = logging.getLogger("scaleway_qaas.emulator")

_STOP = ""


def _warm_up() -> None:
    try:
        warm_up()
    except Exception:  # a missing simulator fails its jobs later, with a message
        log.warning("could not preload the simulators", exc_info=True)


class WorkerPool:
    """Threads executing queued jobs against the store."""

    def __init__(self, store: Store, workers: int, seed: int | None = None, tick: float = 0.05) -> None:
        self.store = store
        self.seed = seed
        self.tick = tick
        self._queue: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._stopped = threading.Event()
        self._threads = [
            threading.Thread(target=self._work, name=f"qaas-emulator-worker-{i}", daemon=True)
            for i in range(max(1, workers))
        ]
        self._threads.append(threading.Thread(target=self._housekeep, name="qaas-emulator-housekeeper", daemon=True))

    def start(self) -> None:
        for job_id in self.store.recover(time.time()):
            self._queue.put(job_id)
        threading.Thread(target=_warm_up, name="qaas-emulator-warm-up", daemon=True).start()
        for t in self._threads:
            t.start()

    def stop(self) -> None:
        self._stopped.set()
        for _ in self._threads:
            self._queue.put(_STOP)
        for t in self._threads:
            t.join(timeout=30)

    def submit(self, job_id: str) -> None:
        self._queue.put(job_id)

    def _housekeep(self) -> None:
        while not self._stopped.wait(self.tick):
            try:
                self.store.advance(time.time())
            except Exception:
                log.exception("session housekeeping failed")

    def _work(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id == _STOP or self._stopped.is_set():
                return
            try:
                self._run(job_id)
            except Exception:
                log.exception("worker failed on job %s", job_id)

    def _run(self, job_id: str) -> None:
        while True:
            claimed = self.store.claim_job(job_id, time.time())
            if not isinstance(claimed, float):
                break
            if self._stopped.wait(max(0.0, min(claimed - time.time(), self.tick))):
                return  # session still starting; the job stays waiting for the next start
        if claimed is None:
            return
        job, session, model = claimed
        status, message, results = "completed", "completed", []
        try:
            if model is None:
                raise ExecutionError(f"model {job['model_id']} no longer exists")
            platform = BY_ID[session["platform_id"]]
            seed = None if self.seed is None else self.seed + int(job["seq"])
            results = execute(
                platform,
                ComputationModel.from_json(model["payload"]),
                ComputationParameters.from_json(job["parameters"]),
                seed,
            )
        except (ExecutionError, PayloadError) as exc:
            status, message = "error", str(exc)
        except Exception as exc:
            log.exception("job %s failed unexpectedly", job_id)
            status, message = "error", f"internal emulator error: {type(exc).__name__}: {exc}"
        self.store.finish_job(job, status, message, results, time.time())
