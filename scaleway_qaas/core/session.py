"""Sessions: open, reuse by deduplication id, submit to, terminate.

Sessions are billed while they run. Every :class:`Session` is a context manager
that terminates it on exit. A session the package opens *implicitly* (when a
user runs without naming one) is kept in a process-wide registry, reused by
later submissions to the same platform, reopened if it expired, and terminated
when the interpreter exits. Sessions the user opened or attached to are never
terminated behind their back.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import threading
import time
import uuid
from collections.abc import Sequence
from typing import Any

from .client import QaaSClient
from .errors import JobTimeoutError, QaaSError, SessionClosedError
from .job import Job
from .loop import run_sync
from .payload import NoiseModel, Program
from .resources import Platform, SessionStatus
from .resources import Session as SessionInfo

log = logging.getLogger("scaleway_qaas.session")

IMPLICIT_MAX_DURATION = "59m"
IMPLICIT_MAX_IDLE_DURATION = "10m"


class Session:
    """A session on one platform; submit programs to it with :meth:`run`."""

    def __init__(self, client: QaaSClient, platform: Platform, info: SessionInfo, *, implicit: bool = False) -> None:
        self.client = client
        self.platform = platform
        self.info = info
        self.is_implicit = implicit

    def __repr__(self) -> str:
        return f"Session({self.id!r}, platform={self.platform.name!r}, status={self.info.status.value!r})"

    @property
    def id(self) -> str:
        return self.info.id

    # --- opening -----------------------------------------------------------------

    @classmethod
    def open(
        cls,
        client: QaaSClient,
        platform: Platform | str,
        *,
        name: str | None = None,
        deduplication_id: str | None = None,
        max_duration: str | int | None = None,
        max_idle_duration: str | int | None = None,
        booking_demand: dict[str, Any] | None = None,
        tags: Sequence[str] | None = None,
    ) -> Session:
        """Open a session (or join the live one with the same ``deduplication_id``)."""
        plat = client.find_platform(platform) if isinstance(platform, str) else platform
        info = client.create_session(
            plat.id, name=name or f"scaleway-qaas-{uuid.uuid4().hex[:8]}", deduplication_id=deduplication_id,
            max_duration=max_duration, max_idle_duration=max_idle_duration, booking_demand=booking_demand,
            tags=tags,
        )
        return cls(client, plat, info)

    @classmethod
    def attach(cls, client: QaaSClient, session_id: str) -> Session:
        """A handle on an existing session (never terminated implicitly)."""
        info = client.get_session(session_id)
        return cls(client, client.get_platform(info.platform_id), info)

    @classmethod
    def implicit(cls, client: QaaSClient, platform: Platform) -> Session:
        """The process's implicit session on ``platform``, opened on first use."""
        return _registry.get(client, platform)

    # --- state -------------------------------------------------------------------

    def refresh(self) -> SessionInfo:
        self.info = self.client.get_session(self.id)
        return self.info

    @property
    def status(self) -> SessionStatus:
        return self.refresh().status

    def wait_until_running(self, timeout: float = 600.0) -> SessionInfo:
        """Poll until the session runs; :class:`SessionClosedError` if it stopped instead."""
        deadline = time.monotonic() + timeout
        interval = 0.005
        while True:
            info = self.refresh()
            if info.status == SessionStatus.RUNNING:
                return info
            if info.status in (SessionStatus.STOPPING, SessionStatus.STOPPED):
                raise SessionClosedError(f"session {self.id} is {info.status.value}")
            if time.monotonic() + interval > deadline:
                raise JobTimeoutError(f"session {self.id} still {info.status.value} after {timeout} s")
            time.sleep(interval)
            interval = min(interval * 1.5, 2.0)

    # --- running -----------------------------------------------------------------

    async def run_async(
        self,
        programs: Sequence[Program],
        *,
        shots: int,
        options: dict[str, Any] | None = None,
        noise_model: NoiseModel | None = None,
        num_qubits: int | None = None,
    ) -> Job:
        """Submit programs (in as few jobs as the platform allows); returns once they are created."""
        kwargs: dict[str, Any] = dict(shots=shots, options=options, noise_model=noise_model, num_qubits=num_qubits)
        try:
            return await Job.submit_async(self.client, self.id, self.platform, programs, **kwargs)
        except SessionClosedError:
            if not self.is_implicit:
                raise
            # an implicit session expired (idle or max duration): open a fresh one, once
            fresh = await asyncio.to_thread(_registry.reopen, self)
            return await Job.submit_async(self.client, fresh.id, self.platform, programs, **kwargs)

    def run(self, programs: Sequence[Program], **kwargs: Any) -> Job:
        """Blocking form of :meth:`run_async`."""
        return run_sync(self.run_async(programs, **kwargs))

    # --- closing -----------------------------------------------------------------

    def terminate(self) -> SessionInfo:
        """Stop the session (and its billing); waiting jobs are cancelled by the service."""
        self.info = self.client.terminate_session(self.id)
        _registry.forget(self)
        return self.info

    def delete(self) -> None:
        """Delete the session and its jobs."""
        self.client.delete_session(self.id)
        _registry.forget(self)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.info.status not in (SessionStatus.STOPPED, SessionStatus.STOPPING):
            self.terminate()


class _ImplicitSessions:
    """Process-wide implicit sessions, one per (API URL, project, platform)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[tuple[str, str, str], Session] = {}
        atexit.register(self.terminate_all)

    @staticmethod
    def _key(client: QaaSClient, platform: Platform) -> tuple[str, str, str]:
        return (client.config.api_url, client.config.project_id, platform.id)

    def get(self, client: QaaSClient, platform: Platform) -> Session:
        key = self._key(client, platform)
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                session = self._open(client, platform)
                self._sessions[key] = session
            return session

    def reopen(self, stale: Session) -> Session:
        key = self._key(stale.client, stale.platform)
        with self._lock:
            current = self._sessions.get(key)
            if current is not None and current.id != stale.id:
                return current
            fresh = self._open(stale.client, stale.platform)
            stale.info = fresh.info  # the caller's handle follows the new session
            self._sessions[key] = stale
            return stale

    @staticmethod
    def _open(client: QaaSClient, platform: Platform) -> Session:
        info = client.create_session(
            platform.id,
            name=f"scaleway-qaas-implicit-{uuid.uuid4().hex[:8]}",
            deduplication_id=f"scaleway-qaas-{uuid.uuid4().hex}",
            max_duration=IMPLICIT_MAX_DURATION,
            max_idle_duration=IMPLICIT_MAX_IDLE_DURATION,
        )
        log.info("opened implicit session %s on %s", info.id, platform.name)
        return Session(client, platform, info, implicit=True)

    def forget(self, session: Session) -> None:
        with self._lock:
            for key, known in list(self._sessions.items()):
                if known is session or known.id == session.id:
                    del self._sessions[key]

    def terminate_all(self) -> list[str]:
        """Terminate every implicit session still open; returns their ids."""
        with self._lock:
            sessions, self._sessions = list(self._sessions.values()), {}
        closed = []
        for session in sessions:
            try:
                session.client.terminate_session(session.id)
                closed.append(session.id)
            except QaaSError as exc:  # already gone, or the service is unreachable at exit
                log.warning("could not terminate implicit session %s: %s", session.id, exc)
        return closed


_registry = _ImplicitSessions()


def terminate_implicit_sessions() -> list[str]:
    """Terminate the sessions this process opened implicitly (also done at exit)."""
    return _registry.terminate_all()
