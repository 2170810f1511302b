"""The process's managed sessions: which session a run goes to, and reopening and closing them.

:func:`session_for` applies the one policy of :mod:`.session` for every adapter. Managed sessions
(implicit, or opened for session options) live in a process-wide registry, one per API URL, project,
platform and options; they are reopened when found closed (expired, idle too long, terminated:
:func:`ensure_open`), and terminated when the interpreter exits, except those joined by a user-given
``deduplication_id`` (shared on purpose; their own limits end them).

Each process has its own: a forked child starts with none (the parent's sessions stay the parent's,
the child never terminates them), opens its own, and terminates them at its own exit (through
multiprocessing's exit finalizers in its worker processes, which end without ``atexit``).
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import sys
import uuid
from typing import Any

from .client import QaaSClient, on_close
from .config import Config, api_root, on_block_end
from .durations import parse_duration
from .errors import ConnectionFailedError, NotFoundError, QaaSError, SessionClosedError
from .loop import blocking, on_core, run_sync
from .platform import PlatformDescription, describe
from .records import PlatformInfo, SessionInfo, from_api
from .requests import call_at_exit, post_at_exit
from .session import Session, SessionSpec

log = logging.getLogger("scaleway_qaas.session")

IMPLICIT_MAX_DURATION = "59m"
IMPLICIT_MAX_IDLE_DURATION = "10m"
#: the ``max_duration`` the service gives a session created without one (REAL-SERVICE.md)
SERVICE_MAX_DURATION = "1800s"


@on_core
async def session_for(client: QaaSClient, platform: PlatformDescription, spec: SessionSpec | None = None) -> Session:
    """The session a run goes to, chosen the same way for every adapter (see the module docstring)."""
    spec = spec or SessionSpec()
    if spec.session_id:
        return await registry.attached(client, spec.session_id)
    return await registry.get(client, platform, spec.managed_options)


def implicit_session(client: QaaSClient, platform: PlatformDescription | PlatformInfo) -> Session:
    """The process's implicit session on ``platform`` (the one runs without session options use)."""
    described = describe(platform) if isinstance(platform, PlatformInfo) else platform
    return blocking(session_for)(client, described)


@on_core
async def check_hourly_budget(
    client: QaaSClient, platform: PlatformDescription, session: Session | SessionSpec | None, max_cost: float | None
) -> None:
    """On a platform billed by the hour, refuse a run whose session may cost more than ``max_cost``: the
    worst case is the session's whole ``max_duration`` (its own; else the implicit session's, or the
    service's default), checked before any session is opened (:meth:`PlatformDescription.check_session_budget`)."""
    if max_cost is None or not platform.billed_by_the_hour:
        return
    spec = session if isinstance(session, SessionSpec) else SessionSpec()
    if isinstance(session, Session):
        duration = session.info.max_duration
    elif spec.session_id:
        duration = (await client.aio.get_session(spec.session_id)).max_duration
    elif spec.is_default:
        duration = IMPLICIT_MAX_DURATION
    else:
        duration = spec.max_duration
    platform.check_session_budget(max_cost, parse_duration(duration or SERVICE_MAX_DURATION))


async def ensure_open(session: Session, refused_id: str | None = None) -> bool:
    """After a job creation refused in session ``refused_id``: is the session usable? A managed session
    found closed (or gone) is reopened in place, once however many creations were refused at the same
    time, and True is returned; an attached one raises :class:`SessionClosedError`."""
    if refused_id is not None and session.id != refused_id:
        return True  # another refused creation already reopened it
    try:
        info = await session.aio.get_session(session.id)
    except NotFoundError:
        info = None
    if refused_id is not None and session.id != refused_id:
        return True  # reopened while we were reading it: keep the fresh session
    if info is not None:
        session.info = info
        if info.status.is_open:
            return False  # the session is fine: the refusal was about the job
    if not session.is_managed:
        state = info.status.value if info is not None else "deleted"
        raise SessionClosedError(
            f"session {session.id} is {state}: it accepts no more jobs; open a new one (or run without session_id)"
        )
    await registry.reopen(session, info.id if info is not None else session.id)
    return True


class _ManagedSessions:
    """Process-wide managed sessions, one per (API URL, project, platform, session options)."""

    def __init__(self) -> None:
        self._lock: asyncio.Lock | None = None
        self._sessions: dict[tuple[Any, ...], Session] = {}
        self._attached: dict[tuple[str, str], Session] = {}
        #: closed session id -> the managed session that replaced it (so that it is replaced once)
        self._successors: dict[str, Session] = {}
        self._exit_hooked = False
        atexit.register(self.terminate_all, at_exit=True)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._forget_all)

    def _forget_all(self) -> None:
        """In a forked child: no session yet (the parent's are not the child's to reuse or terminate)."""
        self._lock = None
        self._sessions, self._attached, self._successors = {}, {}, {}
        self._exit_hooked = False

    def _hook_exit(self) -> None:
        """Terminate at exit in a multiprocessing worker too: those end with ``os._exit``, skipping
        ``atexit``, after running multiprocessing's own exit finalizers."""
        if self._exit_hooked:
            return
        self._exit_hooked = True
        multiprocessing = sys.modules.get("multiprocessing")
        if multiprocessing is not None and multiprocessing.parent_process() is not None:
            from multiprocessing.util import Finalize

            Finalize(self, self.terminate_all, kwargs={"at_exit": True}, exitpriority=10)

    @property
    def lock(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    @staticmethod
    def _key(client: QaaSClient, platform: PlatformDescription, options: dict[str, Any]) -> tuple[Any, ...]:
        return (client.config.api_url, client.config.project_id, platform.id, tuple(sorted(options.items())))

    async def get(self, client: QaaSClient, platform: PlatformDescription, options: dict[str, Any]) -> Session:
        key = self._key(client, platform, options)
        session = self._sessions.get(key)
        if session is not None:
            if session.client.aio.is_closed:  # the client that opened it was closed: carry on with this one
                session.client = client
            return session
        async with self.lock:
            if key not in self._sessions:
                self._sessions[key] = await self._open(client, platform, options)
            return self._sessions[key]

    async def attached(self, client: QaaSClient, session_id: str) -> Session:
        key = (client.config.api_url, session_id)
        if key not in self._attached:
            self._attached[key] = await Session.attach_async(client, session_id)
        return self._attached[key]

    async def reopen(self, stale: Session, closed_id: str) -> None:
        """Open a fresh session in place of the closed managed one ``closed_id``; the callers' handle
        follows it. Concurrent callers who saw the same closed session open only one."""
        async with self.lock:
            if stale.id != closed_id:
                return  # reopened meanwhile
            successor = self._successors.get(closed_id)
            if successor is not None:  # another handle on the same closed session already replaced it
                stale.info = successor.info
                return
            key = self._key(stale.client, stale.platform, stale.managed_options)
            current = self._sessions.get(key)
            if current is not None and current is not stale and current.id != closed_id:
                stale.info = current.info  # the registry already holds a newer session for these options
                return
            fresh = await self._open(stale.client, stale.platform, stale.managed_options)
            stale.info = fresh.info
            self._sessions[key] = stale  # registered again (it may have been forgotten meanwhile)
            stale.on_end = self.forget
            self._successors[closed_id] = fresh

    async def _open(self, client: QaaSClient, platform: PlatformDescription, options: dict[str, Any]) -> Session:
        kind = "session" if options else "implicit"
        platform.check_availability()
        info = await client.aio.create_session(
            platform.id,
            name=options.get("name") or f"scaleway-qaas-{kind}-{uuid.uuid4().hex[:8]}",
            deduplication_id=options.get("deduplication_id"),
            max_duration=options.get("max_duration", IMPLICIT_MAX_DURATION if not options else None),
            max_idle_duration=options.get("max_idle_duration", IMPLICIT_MAX_IDLE_DURATION if not options else None),
        )
        log.info("opened %s session %s on %s", kind, info.id, platform.name)
        self._hook_exit()
        session = Session(client, platform, info, managed=True)
        session.managed_options = dict(options)
        session.on_end = registry.forget
        return session

    def forget(self, session: Session) -> None:
        for key, known in list(self._sessions.items()):
            if known is session or known.id == session.id:
                del self._sessions[key]
        self._successors = {k: v for k, v in self._successors.items() if v.id != session.id}

    def terminate_all(self, api_url: str | None = None, client: Any = None, *, at_exit: bool = False) -> list[str]:
        """Terminate the managed sessions still open (not those joined by a user deduplication id):
        all of them, those of one API URL, or those opened through one client. At interpreter exit
        the calls are made without the event loop (see :func:`.requests.post_at_exit`)."""
        owned = [
            (k, s)
            for k, s in self._sessions.items()
            if "deduplication_id" not in dict(k[3])
            and api_url in (None, k[0])
            and client in (None, s.client, s.client.aio)
        ]
        for key, _ in owned:
            del self._sessions[key]
        ended = {session.id for _, session in owned}
        self._successors = {k: v for k, v in self._successors.items() if v.id not in ended}
        closed = []
        unreachable: dict[str, list[str]] = {}  # API URL -> sessions nothing answered for (a stopped server)
        for _, session in owned:
            try:
                if at_exit or session.client.aio.is_closed:
                    post_at_exit(session.client.config, f"/sessions/{session.id}/terminate")
                else:
                    run_sync(session.aio.terminate_session(session.id))
                closed.append(session.id)
            except ConnectionFailedError:
                unreachable.setdefault(session.client.config.api_url, []).append(session.id)
            except (QaaSError, RuntimeError) as exc:  # gone, unreachable at exit, or its client closed
                log.warning("could not terminate session %s: %s", session.id, exc)
        for url, ids in unreachable.items():  # one line per server, however many sessions
            log.warning("could not terminate %d session(s), nothing answers at %s: %s", len(ids), url, ", ".join(ids))
        return closed


registry = _ManagedSessions()


#: deduplication id -> configuration: sessions another client opens for this process, terminated at exit
_deduplicated: dict[str, Config] = {}


def terminate_at_exit(config: Config, deduplication_id: str) -> None:
    """Terminate at exit the open sessions carrying ``deduplication_id``: sessions another client opens for
    this process and never terminates (CUDA-Q's C++ target), found through the API then."""
    if not _deduplicated:
        atexit.register(terminate_deduplicated_sessions)
    _deduplicated[deduplication_id] = config


def terminate_deduplicated_sessions(api_url: str | None = None) -> list[str]:
    """Terminate the open sessions of the ids given to :func:`terminate_at_exit` (done at exit); their ids.

    ``api_url`` limits it to one API (e.g. an emulator about to stop), whose ids are then forgotten. The
    calls are made without the event loop (see :func:`.requests.call_at_exit`)."""
    closed = []
    for dedup, config in list(_deduplicated.items()):
        if api_url is not None:
            if config.api_url != api_root(api_url):
                continue
            del _deduplicated[dedup]
        try:
            for session in _open_sessions(config, dedup):
                call_at_exit(config, "POST", f"/sessions/{session.id}/terminate")
                closed.append(session.id)
        except QaaSError as exc:  # unreachable or refused: the sessions end at their own limits
            log.warning("could not terminate the sessions of %s: %s", dedup, exc)
    return closed


def _open_sessions(config: Config, dedup: str) -> list[SessionInfo]:
    """The project's open sessions carrying ``dedup``, newest first (this process's are among the newest)."""
    found: list[SessionInfo] = []
    page = 1
    while True:
        params = {"project_id": config.project_id, "page": page, "page_size": 100, "order_by": "created_at_desc"}
        body = call_at_exit(config, "GET", "/sessions", params=params) or {}
        sessions = [from_api(SessionInfo, s) for s in body.get("sessions") or ()]
        found += [s for s in sessions if s.deduplication_id == dedup and s.is_open]
        if len(sessions) < 100:
            return found
        page += 1


def terminate_implicit_sessions(api_url: str | None = None, *, client: Any = None) -> list[str]:
    """Terminate the sessions this process opened for its runs (also done at exit); returns their ids.

    ``api_url`` limits it to the sessions of one API (e.g. an emulator about to stop), ``client``
    to those opened through one client (closing a client does it).
    """
    return registry.terminate_all(api_root(api_url) if api_url else None, client)


def _end_with(client: QaaSClient) -> None:
    """Closing a client terminates the managed sessions opened through it."""
    terminate_implicit_sessions(client=client)


on_close(_end_with)
on_block_end(terminate_implicit_sessions)  # a use_endpoint() block ends: so do the sessions opened against it
