"""A live status line while a job waits for its session to start (minutes, for a GPU or a QPU slot).

After :data:`DELAY` seconds of waiting with the session still ``starting``, terminals and
notebooks show ``QPU-GARNET-20PQ: session starting, 42 s`` (rich, transient); without a
terminal, a log line every :data:`LOG_EVERY` seconds. ``PollPolicy(show_progress=False)``
or ``SCW_QAAS_PROGRESS=0`` keeps it quiet.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .config import progress_shown
from .errors import QaaSError
from .records import SessionStatus

if TYPE_CHECKING:
    from .client import AsyncQaaSClient

log = logging.getLogger("scaleway_qaas.progress")

DELAY = 2.0
REFRESH = 1.0
LOG_EVERY = 30.0


def _interactive() -> bool:
    if "ipykernel" in sys.modules:
        return True
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


class SessionProgress:
    """Shows the status of the sessions ``sessions()`` names while their jobs wait; :meth:`stop` removes the line."""

    def __init__(self, client: AsyncQaaSClient, platform_name: str, sessions: Callable[[], Iterable[str]]) -> None:
        self.client = client
        self.platform_name = platform_name
        self.sessions = sessions
        self.started = time.monotonic()
        self.shown: list[str] = []  # what was displayed (tests read it)
        self._live: Any = None
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def start(
        cls, client: AsyncQaaSClient, platform_name: str, sessions: Callable[[], Iterable[str]]
    ) -> SessionProgress | None:
        """Start showing (after :data:`DELAY` s), unless ``SCW_QAAS_PROGRESS`` is off."""
        if not progress_shown():
            return None
        progress = cls(client, platform_name, sessions)
        progress._task = asyncio.create_task(progress._run())
        return progress

    async def _run(self) -> None:
        await asyncio.sleep(DELAY)
        last_log = 0.0
        while True:
            for session_id in sorted(set(self.sessions())):
                try:
                    info = await self.client.get_session(session_id)
                except QaaSError:
                    continue
                if info.status != SessionStatus.STARTING:
                    self._clear()
                    continue
                elapsed = time.monotonic() - self.started
                name = self.platform_name or info.platform_id
                line = f"{name}: session {info.status.value}, {elapsed:.0f} s"
                self.shown.append(line)
                if _interactive():
                    self._show(line)
                elif elapsed - last_log >= LOG_EVERY or not last_log:
                    log.warning("waiting for %s", line)
                    last_log = elapsed
            await asyncio.sleep(REFRESH)

    def _show(self, line: str) -> None:
        from rich.console import Console
        from rich.live import Live

        if self._live is None:
            self._live = Live(line, console=Console(stderr=True), transient=True, auto_refresh=False)
            self._live.start()
        self._live.update(line, refresh=True)

    def _clear(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        self._clear()
