"""Deterministic fault injection, as an ASGI wrapper around the API.

Request number ``n`` (counted from 0 in arrival order) is faulty when a
``random.Random`` seeded from ``(seed, n)`` draws below ``rate``; a second draw
picks the mode among the enabled ones:

``429``          quotas_exceeded with ``Retry-After``, before processing.
``503``          service_unavailable, before processing.
``drop_before``  the connection is closed without a response, before processing.
``drop_after``   the request IS processed, then the connection is closed without
                 a response: the hard case for clients retrying POSTs.
``delay``        the answer comes ``delay`` seconds late.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import attrs

from .errors import quotas_exceeded

MODES = ("429", "503", "drop_before", "drop_after", "delay")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@attrs.frozen
class FaultConfig:
    """Which fraction of requests fail, how, and from which seed."""

    rate: float = 0.0
    modes: tuple[str, ...] = MODES
    seed: int = 0
    delay: float = 0.2
    retry_after: int = 0

    def __attrs_post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"fault rate must be within [0, 1], got {self.rate}")
        unknown = set(self.modes) - set(MODES)
        if unknown or not self.modes:
            raise ValueError(f"fault modes must be among {', '.join(MODES)}; got {', '.join(self.modes)}")

    def fault(self, n: int) -> str | None:
        """The fault of request number ``n``, or None."""
        rng = random.Random(f"{self.seed}:{n}")
        if rng.random() >= self.rate:
            return None
        return self.modes[rng.randrange(len(self.modes))]


class FaultInjector:
    """ASGI middleware applying a :class:`FaultConfig`; ``log`` records (n, path, mode)."""

    def __init__(self, app: ASGIApp, config: FaultConfig) -> None:
        self.app = app
        self.config = config
        self._counter = itertools.count()
        self.log: list[tuple[int, str, str]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        n = next(self._counter)
        mode = self.config.fault(n)
        if mode is None:
            await self.app(scope, receive, send)
            return
        self.log.append((n, scope["path"], mode))
        if mode == "delay":
            await asyncio.sleep(self.config.delay)
            await self.app(scope, receive, send)
        elif mode in ("429", "503"):
            await _error(send, mode, self.config.retry_after)
        elif mode == "drop_before":
            await _drop(send)
        else:

            async def swallow(message: Message) -> None:
                return None

            await self.app(scope, receive, swallow)
            await _drop(send)


async def _error(send: Send, mode: str, retry_after: int) -> None:
    if mode == "429":
        status, body = 429, quotas_exceeded("requests_per_second", 0, 1).body  # an injected fault
    else:
        status, body = 503, {"type": "service_unavailable", "message": "service unavailable (injected fault)"}
    payload = json.dumps(body).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        (b"x-request-id", str(uuid.uuid4()).encode()),
    ]
    if status == 429:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _drop(send: Send) -> None:
    """Abort the TCP connection under uvicorn's response cycle (no response at all)."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:  # not served by uvicorn: the closest thing is a 503
        await _error(send, "503", 0)
        return
    transport.abort()
    await asyncio.sleep(0)
