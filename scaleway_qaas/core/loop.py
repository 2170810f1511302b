"""One background event loop that runs the async core for synchronous callers.

Sync APIs (``QaaSClient``, ``Session``, ``Job``) hand their coroutines to this
loop, so the logic is written once (async) and works the same from scripts,
notebooks that already run a loop, and threads.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None


def background_loop() -> asyncio.AbstractEventLoop:
    """The shared loop, started on first use in a daemon thread."""
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="scaleway-qaas-loop", daemon=True)
            thread.start()
            _loop = loop
        return _loop


def submit(coro: Coroutine[Any, Any, T]) -> Future[T]:
    """Schedule a coroutine on the background loop; returns a concurrent future."""
    return asyncio.run_coroutine_threadsafe(coro, background_loop())


def run_sync(coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
    """Run a coroutine on the background loop and wait for its result."""
    loop = background_loop()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        coro.close()
        raise RuntimeError("a synchronous scaleway_qaas call was made from its own event loop; use the async API")
    return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout)


async def on_core_loop(coro: Coroutine[Any, Any, T]) -> T:
    """Await a core coroutine from any event loop: it runs on the background loop that owns the clients."""
    loop = background_loop()
    if asyncio.get_running_loop() is loop:
        return await coro
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, loop))
