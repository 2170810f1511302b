"""Session handles, and the options that say which session a run goes to.

Sessions are billed while they run. Every :class:`Session` is a context manager that
terminates it on exit. A run chooses its session from a :class:`SessionSpec`:

- ``session_id`` attaches to an existing session (never terminated by the package);
- session options (``deduplication_id``, ``max_duration``, ``max_idle_duration``, ``name``)
  open one *managed* session per platform and options, reused by later runs;
- otherwise the platform's *implicit* session, a managed session with default limits.

The policy above this handle (:mod:`.managed`) keeps managed sessions in a process-wide registry,
reopens them when they are found closed and terminates them when the interpreter exits; submissions
go through :func:`scaleway_qaas.core.run` (``session=`` a handle or a spec). The code is async, on
the core's loop; every coroutine method ``x_async`` has a blocking twin ``x``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from .durations import format_duration, parse_duration
from .errors import BudgetExceededError, InvalidArgumentError, JobTimeoutError, SessionClosedError
from .loop import blocking, on_core
from .platform import CostEstimate, PlatformDescription, describe
from .records import PlatformInfo, SessionInfo, SessionStatus

if TYPE_CHECKING:
    from .client import AsyncQaaSClient, QaaSClient

log = logging.getLogger("scaleway_qaas.session")


def _described(platform: PlatformDescription | PlatformInfo) -> PlatformDescription:
    return describe(platform) if isinstance(platform, PlatformInfo) else platform


def _duration(value: str | int | float | None) -> str | None:
    return format_duration(value) if value is not None else None


#: a session idle longer than this fraction of its ``max_idle_duration``, or past this fraction of its
#: ``max_duration``, may have stopped: it is read before the next submission (see Session.may_have_stopped)
STALE_FRACTION = 0.5
LIFETIME_FRACTION = 0.9
#: the idle time (s) after which a session whose ``max_idle_duration`` is unknown is read before use
UNKNOWN_IDLE_LIMIT = 60.0


def _seconds(duration: str | None) -> float | None:
    try:
        return parse_duration(duration) if duration else None
    except InvalidArgumentError:
        return None


def _epoch(timestamp: str | None) -> float | None:
    try:
        return datetime.fromisoformat(timestamp).timestamp() if timestamp else None
    except ValueError:
        return None


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
        #: when this process last submitted to it (``time.monotonic()``; reset when the session is replaced)
        self.last_used = time.monotonic()
        self._info: SessionInfo = info
        #: opened by the package (implicit, or from session options): reopened when found closed
        self.is_managed = managed
        #: the session options a managed session was opened for (the registry's key)
        self.managed_options: dict[str, Any] = {}
        #: budget (EUR) for everything submitted through this handle; ``spent`` is the estimate so far
        self.max_cost = max_cost
        self.spent = 0.0
        #: called when this handle terminates or deletes the session (the managed-session registry forgets it)
        self.on_end: Callable[[Session], None] | None = None

    def _ended(self) -> None:
        if self.on_end is not None:
            self.on_end(self)

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
    def info(self) -> SessionInfo:
        """The session as last read (a reopened managed session's handle holds the new one)."""
        return self._info

    @info.setter
    def info(self, value: SessionInfo) -> None:
        if value.id != self._info.id:
            self.last_used = time.monotonic()  # a fresh session: not idle
        self._info = value

    def may_have_stopped(self) -> bool:
        """Whether the session may have stopped since it was last read, judged without a request: idle
        (since this process last submitted to it) longer than ``STALE_FRACTION`` of its
        ``max_idle_duration`` (``UNKNOWN_IDLE_LIMIT`` when unknown), or older than ``LIFETIME_FRACTION``
        of its ``max_duration``. The submission flow then reads it first, as CUDA-Q's helper does before
        every submission, rather than have a job refused (or left waiting) in a stopped session."""
        idle_limit = _seconds(self.info.max_idle_duration)
        if time.monotonic() - self.last_used > STALE_FRACTION * (idle_limit or UNKNOWN_IDLE_LIMIT):
            return True
        lifetime, started = _seconds(self.info.max_duration), _epoch(self.info.started_at or self.info.created_at)
        return lifetime is not None and started is not None and time.time() - started > LIFETIME_FRACTION * lifetime

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
        plat.check_availability()
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
        self._ended()
        return self.info

    terminate = blocking(terminate_async)

    @on_core
    async def delete_async(self) -> None:
        """Delete the session and its jobs."""
        await self.aio.delete_session(self.id)
        self._ended()

    delete = blocking(delete_async)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.info.status.is_open:
            self.terminate()

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.info.status.is_open:
            await self.terminate_async()
