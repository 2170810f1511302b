"""Sessions: open, reuse by deduplication id, submit to, terminate.

Sessions are billed while they run. Every :class:`Session` is a context manager
that terminates it on exit. Adapters choose a session with :func:`session_for`:

- ``session_id`` attaches to an existing session (never terminated by the package);
- session options (``deduplication_id``, ``max_duration``, ``max_idle_duration``)
  open one *managed* session per platform and options, reused by later runs;
- otherwise the platform's *implicit* session, a managed session with default limits.

Managed sessions live in a process-wide registry, are reopened if they expired,
and are terminated when the interpreter exits, except those joined by a
user-given ``deduplication_id`` (shared on purpose; their limits end them).
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
from .durations import format_duration
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

    def __init__(self, client: QaaSClient, platform: Platform, info: SessionInfo, *, managed: bool = False) -> None:
        self.client = client
        self.platform = platform
        self.info = info
        #: opened by the package (implicit, or from session options): reopened when it expires
        self.is_managed = managed

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
        return _registry.get(client, platform, {})

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
            if not self.is_managed:
                raise
            # a managed session expired (idle or max duration): open a fresh one, once
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


SESSION_OPTIONS = ("deduplication_id", "max_duration", "max_idle_duration")


def session_for(
    client: QaaSClient,
    platform: Platform,
    *,
    session_id: str | None = None,
    deduplication_id: str | None = None,
    max_duration: str | int | None = None,
    max_idle_duration: str | int | None = None,
    name: str | None = None,
) -> Session:
    """The session a run goes to, chosen the same way by every adapter (see the module docstring)."""
    if session_id:
        return _registry.attached(client, session_id)
    options: dict[str, Any] = {"deduplication_id": deduplication_id, "name": name}
    for name, value in (("max_duration", max_duration), ("max_idle_duration", max_idle_duration)):
        options[name] = format_duration(value) if value is not None else None  # "2m" and 120 are one session
    return _registry.get(client, platform, {k: v for k, v in options.items() if v is not None})


class _ManagedSessions:
    """Process-wide managed sessions, one per (API URL, project, platform, session options)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[tuple[Any, ...], Session] = {}
        self._attached: dict[tuple[str, str], Session] = {}
        atexit.register(self.terminate_all)

    @staticmethod
    def _key(client: QaaSClient, platform: Platform, options: dict[str, Any]) -> tuple[Any, ...]:
        return (client.config.api_url, client.config.project_id, platform.id, tuple(sorted(options.items())))

    def get(self, client: QaaSClient, platform: Platform, options: dict[str, Any]) -> Session:
        key = self._key(client, platform, options)
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                session = self._sessions[key] = self._open(client, platform, options)
            return session

    def attached(self, client: QaaSClient, session_id: str) -> Session:
        key = (client.config.api_url, session_id)
        with self._lock:
            if key not in self._attached:
                self._attached[key] = Session.attach(client, session_id)
            return self._attached[key]

    def reopen(self, stale: Session) -> Session:
        with self._lock:
            for key, current in self._sessions.items():
                if current is stale:
                    fresh = self._open(stale.client, stale.platform, dict(key[3]))
                    stale.info = fresh.info  # the callers' handle follows the new session
                    return stale
            return stale

    @staticmethod
    def _open(client: QaaSClient, platform: Platform, options: dict[str, Any]) -> Session:
        kind = "session" if options else "implicit"
        info = client.create_session(
            platform.id,
            name=options.get("name") or f"scaleway-qaas-{kind}-{uuid.uuid4().hex[:8]}",
            # a deduplication id also makes the creation safe to retry
            deduplication_id=options.get("deduplication_id") or f"scaleway-qaas-{uuid.uuid4().hex}",
            max_duration=options.get("max_duration", IMPLICIT_MAX_DURATION if not options else None),
            max_idle_duration=options.get("max_idle_duration", IMPLICIT_MAX_IDLE_DURATION if not options else None),
        )
        log.info("opened %s session %s on %s", kind, info.id, platform.name)
        return Session(client, platform, info, managed=True)

    def forget(self, session: Session) -> None:
        with self._lock:
            for key, known in list(self._sessions.items()):
                if known is session or known.id == session.id:
                    del self._sessions[key]

    def terminate_all(self, api_url: str | None = None) -> list[str]:
        """Terminate the managed sessions still open (not those joined by a user deduplication id)."""
        with self._lock:
            owned = [(k, s) for k, s in self._sessions.items()
                     if "deduplication_id" not in dict(k[3]) and api_url in (None, k[0])]
            for key, _ in owned:
                del self._sessions[key]
        closed = []
        for _, session in owned:
            try:
                session.client.terminate_session(session.id)
                closed.append(session.id)
            except QaaSError as exc:  # already gone, or the service is unreachable at exit
                log.warning("could not terminate session %s: %s", session.id, exc)
        return closed


_registry = _ManagedSessions()


def terminate_implicit_sessions(api_url: str | None = None) -> list[str]:
    """Terminate the sessions this process opened for its runs (also done at exit); returns their ids.

    ``api_url`` limits it to the sessions of one API (e.g. an emulator about to stop).
    """
    return _registry.terminate_all(api_url.rstrip("/") if api_url else None)
