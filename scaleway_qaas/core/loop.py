"""One background event loop that runs the async core, and the mechanical sync wrappers over it.

The core is written once, async. Its coroutines always run on this loop (the one that owns
the HTTP clients and the polling boards): :func:`on_core` makes a coroutine function safe to
await from any event loop, and :func:`blocking` derives its synchronous twin, which works
from scripts, threads and notebooks that already run a loop. Both keep the wrapped
function's signature and docstring (``ParamSpec``).

A fork copies no thread: a child process starts with no core loop and makes its own at first
use (:func:`os.register_at_fork`); the parent's loop object is kept, never run, in the child.

Work the loop hands to a thread (``asyncio.to_thread``: a stream's programs converted, journal reads) runs on
one worker thread (:data:`WORKERS`): the GIL runs one at a time anyway, and glibc gives each thread that
allocates its own malloc arena, whose freed memory stays with the process (a 10,000-point Cirq sweep
converted across the default pool's threads peaked ~80 MiB higher).
"""

from __future__ import annotations

import asyncio
import functools
import os
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Concatenate, ParamSpec, TypeVar

T = TypeVar("T")
S = TypeVar("S")
P = ParamSpec("P")

#: threads of the loop's default executor
WORKERS = 1

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
#: loops inherited through fork, whose threads the fork did not copy: kept, never run (a loop marked
#: running cannot be closed, and collecting it would warn of an unclosed loop)
_inherited: list[asyncio.AbstractEventLoop] = []


def _forget_after_fork() -> None:
    """In a forked child: no loop yet (the parent's thread does not exist here), a fresh lock."""
    global _loop, _lock
    if _loop is not None:
        _inherited.append(_loop)
    _loop, _lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_forget_after_fork)


def background_loop() -> asyncio.AbstractEventLoop:
    """The shared loop, started on first use in a daemon thread."""
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            loop.set_default_executor(ThreadPoolExecutor(WORKERS, thread_name_prefix="scaleway-qaas-worker"))
            thread = threading.Thread(target=loop.run_forever, name="scaleway-qaas-loop", daemon=True)
            thread.start()
            _loop = loop
        return _loop


def submit(coro: Coroutine[Any, Any, T]) -> Future[T]:
    """Schedule a coroutine on the background loop; returns a concurrent future."""
    return asyncio.run_coroutine_threadsafe(coro, background_loop())


def submit_if_running(coro: Coroutine[Any, Any, Any]) -> None:
    """Schedule a coroutine on the core's loop if it runs in this process, without waiting (finalizers)."""
    loop = _loop
    if loop is None or loop.is_closed() or not loop.is_running():
        coro.close()
        return
    try:
        asyncio.run_coroutine_threadsafe(coro, loop)
    except RuntimeError:  # interpreter shutdown: no more scheduling
        coro.close()


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


def on_core(fn: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, Coroutine[Any, Any, T]]:
    """Decorate a core coroutine function so that awaiting it from any loop runs it on the core's loop."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        return await on_core_loop(fn(*args, **kwargs))

    return wrapper


def blocking(fn: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, T]:
    """The synchronous twin of a core coroutine function (method or function), same signature and doc."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        return run_sync(fn(*args, **kwargs))

    return wrapper


def blocking_via(
    attribute: str, fn: Callable[Concatenate[S, P], Coroutine[Any, Any, T]]
) -> Callable[Concatenate[Any, P], T]:
    """A sync method calling ``fn`` (a method of the object held in ``self.<attribute>``), e.g. the
    sync client's methods over its async client."""

    @functools.wraps(fn)
    def wrapper(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return run_sync(fn(getattr(self, attribute), *args, **kwargs))

    return wrapper
