"""uvicorn's server, quiet when idle and quick to stop (the emulator runs two: the API and the storage)."""

from __future__ import annotations

import asyncio
import contextlib

import uvicorn


class QuietServer(uvicorn.Server):
    """Ticks once a second instead of ten times (an idle emulator costs no CPU); :meth:`exit_soon` wakes it
    at once instead of at its next tick."""

    _loop: asyncio.AbstractEventLoop | None = None
    _wake: asyncio.Event | None = None

    async def main_loop(self) -> None:
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        counter = 0
        while not await self.on_tick(counter):  # on_tick refreshes the Date header when counter % 10 == 0
            counter = (counter + 10) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 1.0)

    def exit_soon(self) -> None:
        """Ask the server to stop (from any thread); it then closes its connections within 0.1 s."""
        self.should_exit = True
        if self._loop is not None and self._wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed already
                self._loop.call_soon_threadsafe(self._wake.set)
