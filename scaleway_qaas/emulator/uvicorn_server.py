"""uvicorn's server, quiet when idle and quick to stop (the emulator runs two: the API and the storage)."""

from __future__ import annotations

import asyncio
import contextlib
import socket

import uvicorn


class QuietServer(uvicorn.Server):
    """Ticks once a second instead of ten times (an idle emulator costs no CPU); :meth:`exit_soon` wakes it
    at once instead of at its next tick, and it stops without uvicorn's fixed 0.1 s pause when no response
    is in flight (both servers run with ``lifespan="off"``)."""

    _loop: asyncio.AbstractEventLoop | None = None
    _wake: asyncio.Event | None = None

    async def main_loop(self) -> None:
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        counter = 0
        while not await self.on_tick(counter):  # on_tick refreshes the Date header when counter % 10 == 0
            counter = (counter + 10) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 1.0)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()  # an idle keep-alive connection closes at once, a busy one after its response
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 0.1  # uvicorn's pause for responses in flight, as a bound instead of a sleep
        while self.server_state.connections and loop.time() < deadline:
            await asyncio.sleep(0.002)
        await self._wait_tasks_to_complete()

    def exit_soon(self) -> None:
        """Ask the server to stop (from any thread); it then closes its connections within 0.1 s."""
        self.should_exit = True
        if self._loop is not None and self._wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed already
                self._loop.call_soon_threadsafe(self._wake.set)
