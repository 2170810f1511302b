"""Sessions, and the one policy that decides which session a run goes to.

Sessions are billed while they run. Every :class:`Session` is a context manager that
terminates it on exit. A run chooses its session from a :class:`SessionSpec`:

- ``session_id`` attaches to an existing session (never terminated by the package);
- session options (``deduplication_id``, ``max_duration``, ``max_idle_duration``, ``name``)
  open one *managed* session per platform and options, reused by later runs;
- otherwise the platform's *implicit* session, a managed session with default limits.

Managed sessions live in a process-wide registry, are reopened when they are found
closed (expired, idle too long, terminated), and are terminated when the interpreter
exits, except those joined by a user-given ``deduplication_id`` (shared on purpose;
their own limits end them). The code is async, on the core's loop; every coroutine
method ``x_async`` has a blocking twin ``x``.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from .durations import format_duration
from .errors import BudgetExceededError, JobTimeoutError, NotFoundError, QaaSError, SessionClosedError
from .loop import blocking, on_core, run_sync
from .platform import CostEstimate, PlatformDescription, describe
from .records import PlatformInfo, SessionInfo, SessionStatus
from .requests import post_at_exit

if TYPE_CHECKING:
    from .client import AsyncQaaSClient, QaaSClient
    from .job import Job
    from .wire import Program

log = logging.getLogger("scaleway_qaas.session")

IMPLICIT_MAX_DURATION = "59m"
IMPLICIT_MAX_IDLE_DURATION = "10m"
_OPEN = (SessionStatus.STARTING, SessionStatus.RUNNING)


def _described(platform: PlatformDescription | PlatformInfo) -> PlatformDescription:
    return describe(platform) if isinstance(platform, PlatformInfo) else platform


def _duration(value: str | int | float | None) -> str | None:
    return format_duration(value) if value is not None else None


@attrs.frozen
class SessionSpec:
    """Where runs go: an existing session, or the managed session of these options (see the module doc).

    Durations are normalised (``"2m"`` and ``120`` are one session). Every adapter builds
    one from its keyword arguments with :meth:`from_options`.
    """

    OPTIONS: ClassVar[tuple[str, ...]] = ("session_id", "deduplication_id", "max_duration", "max_idle_duration", "name")

    session_id: str | None = None
    deduplication_id: str | None = None
    max_duration: str | None = attrs.field(default=None, converter=_duration)
    max_idle_duration: str | None = attrs.field(default=None, converter=_duration)
    name: str | None = None

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> SessionSpec:
        """Take the session options out of ``options`` (a dict of keyword arguments; the others stay)."""
        return cls(**{k: options.pop(k) for k in cls.OPTIONS if options.get(k) is not None})

    @property
    def managed_options(self) -> dict[str, str]:
        return {k: v for k in self.OPTIONS[1:] if (v := getattr(self, k)) is not None}

    @property
    def is_default(self) -> bool:
        """No session and no option given: the implicit session."""
        return self == SessionSpec()


class Session:
    """A session on one platform. ``with Session.open(...) as s:`` terminates it at the end."""

    def __init__(
        self,
        client: QaaSClient,
        platform: PlatformDescription,
        info: SessionInfo,
        *,
        managed: bool = False,
        max_cost: float | None = None,
    ) -> None:
        self.client = client
        self.platform = platform
        self.info = info
        #: opened by the package (implicit, or from session options): reopened when found closed
        self.is_managed = managed
        #: the session options a managed session was opened for (the registry's key)
        self.managed_options: dict[str, Any] = {}
        #: budget (EUR) for everything submitted through this handle; ``spent`` is the estimate so far
        self.max_cost = max_cost
        self.spent = 0.0

    def charge(self, estimate: CostEstimate) -> None:
        """Count a submission's estimated cost against the session's ``max_cost``; refuse it, before
        anything is sent, if the total would exceed the budget (unknown prices are not counted)."""
        if estimate.amount is None:
            return
        if self.max_cost is not None and self.spent + estimate.amount > self.max_cost + 1e-9:
            raise BudgetExceededError(
                f"session {self.id}: {self.spent:.4f} EUR already estimated + {estimate.amount:.4f} EUR "
                f"would exceed its max_cost={self.max_cost:g} EUR; nothing was sent"
            )
        self.spent += estimate.amount

    def __repr__(self) -> str:
        return f"Session({self.id!r}, platform={self.platform.name!r}, status={self.info.status.value!r})"

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def aio(self) -> AsyncQaaSClient:
        return self.client.aio

    # --- opening -----------------------------------------------------------------

    @classmethod
    @on_core
    async def open_async(
        cls,
        client: QaaSClient,
        platform: PlatformDescription | PlatformInfo | str,
        *,
        name: str | None = None,
        deduplication_id: str | None = None,
        max_duration: str | int | None = None,
        max_idle_duration: str | int | None = None,
        booking_demand: dict[str, Any] | None = None,
        tags: Sequence[str] | None = None,
        max_cost: float | None = None,
    ) -> Session:
        """Open a session (or join the live one with the same ``deduplication_id``).

        ``max_cost`` (EUR) bounds the estimated cost of everything submitted to it through this handle."""
        plat = await client.aio.describe_platform(platform) if isinstance(platform, str) else _described(platform)
        info = await client.aio.create_session(
            plat.id,
            name=name,
            deduplication_id=deduplication_id,
            max_duration=max_duration,
            max_idle_duration=max_idle_duration,
            booking_demand=booking_demand,
            tags=tags,
        )
        return cls(client, plat, info, max_cost=max_cost)

    open = classmethod(blocking(open_async.__func__))  # type: ignore[attr-defined]

    @classmethod
    @on_core
    async def attach_async(cls, client: QaaSClient, session_id: str) -> Session:
        """A handle on an existing session (never terminated implicitly)."""
        info = await client.aio.get_session(session_id)
        return cls(client, describe(await client.aio.get_platform(info.platform_id)), info)

    attach = classmethod(blocking(attach_async.__func__))  # type: ignore[attr-defined]

    @classmethod
    def implicit(cls, client: QaaSClient, platform: PlatformDescription | PlatformInfo) -> Session:
        """The process's implicit session on ``platform`` (the one runs without session options use)."""
        return run_sync(session_for(client, _described(platform)))

    # --- running -------------------------------------------------------------------

    @on_core
    async def run_async(self, programs: Sequence[Program], **kwargs: Any) -> Job:
        """Submit programs to this session: :func:`scaleway_qaas.core.submit.run_async` with ``session=self``."""
        from .submit import run_async

        return await run_async(self.client, self.platform, programs, session=self, **kwargs)

    run = blocking(run_async)

    # --- state -------------------------------------------------------------------

    @on_core
    async def refresh_async(self) -> SessionInfo:
        """Read the session again (status, job counts)."""
        self.info = await self.aio.get_session(self.id)
        return self.info

    refresh = blocking(refresh_async)

    @on_core
    async def wait_until_running_async(self, timeout: float = 600.0) -> SessionInfo:
        """Poll until the session runs; :class:`SessionClosedError` if it stopped instead."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        interval = 0.005
        while True:
            info = await self.refresh_async()
            if info.status == SessionStatus.RUNNING:
                return info
            if info.status in (SessionStatus.STOPPING, SessionStatus.STOPPED):
                raise SessionClosedError(f"session {self.id} is {info.status.value}")
            if loop.time() + interval > deadline:
                raise JobTimeoutError(f"session {self.id} still {info.status.value} after {timeout} s")
            await asyncio.sleep(interval)
            interval = min(interval * 1.5, 2.0)

    wait_until_running = blocking(wait_until_running_async)

    # --- closing -----------------------------------------------------------------

    @on_core
    async def terminate_async(self) -> SessionInfo:
        """Stop the session (and its billing); waiting jobs are cancelled by the service."""
        self.info = await self.aio.terminate_session(self.id)
        _registry.forget(self)
        return self.info

    terminate = blocking(terminate_async)

    @on_core
    async def delete_async(self) -> None:
        """Delete the session and its jobs."""
        await self.aio.delete_session(self.id)
        _registry.forget(self)

    delete = blocking(delete_async)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.info.status in _OPEN:
            self.terminate()

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.info.status in _OPEN:
            await self.terminate_async()


@on_core
async def session_for(client: QaaSClient, platform: PlatformDescription, spec: SessionSpec | None = None) -> Session:
    """The session a run goes to, chosen the same way for every adapter (see the module docstring)."""
    spec = spec or SessionSpec()
    if spec.session_id:
        return await _registry.attached(client, spec.session_id)
    return await _registry.get(client, platform, spec.managed_options)


@on_core
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
        if info.status in _OPEN:
            return False  # the session is fine: the refusal was about the job
    if not session.is_managed:
        state = info.status.value if info is not None else "deleted"
        raise SessionClosedError(
            f"session {session.id} is {state}: it accepts no more jobs; open a new one (or run without session_id)"
        )
    await _registry.reopen(session, info.id if info is not None else session.id)
    return True


class _ManagedSessions:
    """Process-wide managed sessions, one per (API URL, project, platform, session options)."""

    def __init__(self) -> None:
        self._lock: asyncio.Lock | None = None
        self._sessions: dict[tuple[Any, ...], Session] = {}
        self._attached: dict[tuple[str, str], Session] = {}
        #: closed session id -> the managed session that replaced it (so that it is replaced once)
        self._successors: dict[str, Session] = {}
        atexit.register(self.terminate_all, at_exit=True)

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
            self._successors[closed_id] = fresh

    @staticmethod
    async def _open(client: QaaSClient, platform: PlatformDescription, options: dict[str, Any]) -> Session:
        kind = "session" if options else "implicit"
        info = await client.aio.create_session(
            platform.id,
            name=options.get("name") or f"scaleway-qaas-{kind}-{uuid.uuid4().hex[:8]}",
            deduplication_id=options.get("deduplication_id"),
            max_duration=options.get("max_duration", IMPLICIT_MAX_DURATION if not options else None),
            max_idle_duration=options.get("max_idle_duration", IMPLICIT_MAX_IDLE_DURATION if not options else None),
        )
        log.info("opened %s session %s on %s", kind, info.id, platform.name)
        session = Session(client, platform, info, managed=True)
        session.managed_options = dict(options)
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
        for _, session in owned:
            try:
                if at_exit or session.client.aio.is_closed:
                    post_at_exit(session.client.config, f"/sessions/{session.id}/terminate")
                else:
                    run_sync(session.aio.terminate_session(session.id))
                closed.append(session.id)
            except (QaaSError, RuntimeError) as exc:  # gone, unreachable at exit, or its client closed
                log.warning("could not terminate session %s: %s", session.id, exc)
        return closed


_registry = _ManagedSessions()


def terminate_implicit_sessions(api_url: str | None = None, *, client: Any = None) -> list[str]:
    """Terminate the sessions this process opened for its runs (also done at exit); returns their ids.

    ``api_url`` limits it to the sessions of one API (e.g. an emulator about to stop), ``client``
    to those opened through one client (closing a client does it).
    """
    return _registry.terminate_all(api_url.rstrip("/") if api_url else None, client)
