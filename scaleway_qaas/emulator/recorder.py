"""Recording the bodies of the requests the emulator receives (off by default; for wire-parity tests).

An ASGI wrapper keeps, for every ``POST``/``PATCH``/``PUT`` request, its method, path and JSON body
(``None`` when the body is not JSON), with the status and JSON body of the answer (so that a job's
``model_id`` can be matched to the model created), in arrival order. ``Emulator(record=True)`` keeps them in
memory (``emulator.recorded``); ``record="file.jsonl"`` (or ``--record FILE`` on the command line)
also appends each one to that file as a JSON line, so that a test can read what a child-process
emulator received.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import attrs

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

RECORDED_METHODS = ("POST", "PATCH", "PUT")


@attrs.frozen
class RecordedRequest:
    """One request as received: method, path (without the query), its JSON body; the answer's status and body."""

    method: str
    path: str
    body: Any
    status: int = 0
    answer: Any = None

    def to_json(self) -> str:
        return json.dumps(attrs.asdict(self))

    @classmethod
    def from_json(cls, line: str) -> RecordedRequest:
        return cls(**json.loads(line))


def read_recording(path: str) -> list[RecordedRequest]:
    """The requests a ``--record FILE`` emulator wrote, in arrival order."""
    with open(path, encoding="utf-8") as file:
        return [RecordedRequest.from_json(line) for line in file if line.strip()]


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


class Recorder:
    """ASGI wrapper recording request bodies; ``requests`` holds them, ``path`` (if given) gets JSON lines."""

    def __init__(self, app: ASGIApp, path: str | None = None) -> None:
        self.app = app
        self.path = path
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        if path:
            open(path, "w", encoding="utf-8").close()  # exists (empty) from the start

    def clear(self) -> None:
        """Forget what was recorded so far (the file, if any, is truncated too)."""
        with self._lock:
            self.requests.clear()
            if self.path:
                open(self.path, "w", encoding="utf-8").close()

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]], send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in RECORDED_METHODS:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False) and message["type"] == "http.request"
        raw = b"".join(chunks)
        replayed = False
        status = 0
        answer: list[bytes] = []

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": raw, "more_body": False}

        async def keep(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                answer.append(message.get("body", b""))
            await send(message)

        await self.app(scope, replay, keep)
        self._add(RecordedRequest(scope["method"], scope["path"], _json(raw), status, _json(b"".join(answer))))

    def _add(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)
            if self.path:
                with open(self.path, "a", encoding="utf-8") as file:
                    file.write(request.to_json() + "\n")
