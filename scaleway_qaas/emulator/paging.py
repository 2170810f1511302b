"""A server that caps the page size of lists (``Emulator(page_size_cap=N)``, ``--page-size-cap N``).

The real service's largest page is unknown (REAL-SERVICE.md): a client must page on ``total_count``,
not stop at a page shorter than it asked for. This ASGI wrapper makes the emulator answer as a
server with such a cap does: every ``GET`` asking more than ``cap`` items per page (or asking
nothing, when the default of 20 is above the cap) gets ``cap`` items, ``total_count`` unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]

DEFAULT_PAGE_SIZE = 20


class PageSizeCap:
    """ASGI wrapper rewriting the ``page_size`` of list requests down to ``cap``."""

    def __init__(self, app: ASGIApp, cap: int) -> None:
        if cap < 1:
            raise ValueError(f"page_size_cap must be at least 1, got {cap}")
        self.app = app
        self.cap = cap

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
            asked = next((value for key, value in query if key == "page_size"), None)
            try:
                size = int(asked) if asked else DEFAULT_PAGE_SIZE
            except ValueError:
                size = 0  # the API refuses it as it would without a cap
            if size > self.cap:
                query = [(k, v) for k, v in query if k != "page_size"] + [("page_size", str(self.cap))]
                scope = {**scope, "query_string": urlencode(query).encode("latin-1")}
        await self.app(scope, receive, send)
