"""The result storage: large job results served by presigned URLs from a separate endpoint.

The real service answers a large result with an empty ``result`` and a ``url``
to object storage that official clients fetch *without* the API key, as
presigned object-storage URLs are. This endpoint models that: its own HTTP
server on another port of the same host, started and stopped with the emulator.
A URL looks like::

    http://127.0.0.1:PORT/scaleway-qaas-results/<result token>?Expires=<unix time>&Signature=<HMAC>

The token is random, the signature an HMAC-SHA256 of the path and the expiry
under a key drawn when the emulator starts, and the URL is valid for
:data:`URL_TTL` seconds after it was listed. A request carrying ``X-Auth-Token``
is refused (403), as is a bad signature or an expired URL; errors are small
S3-like XML documents.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
import uuid
from urllib.parse import urlencode

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .store import Store
from .uvicorn_server import QuietServer

BUCKET = "scaleway-qaas-results"
URL_TTL = 3600


def _s3_error(status: int, code: str, message: str) -> Response:
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>'
    return Response(body, status_code=status, media_type="application/xml")


class ResultStorage:
    """The storage endpoint: :meth:`url` presigns a result, :meth:`start` / :meth:`stop` run its server."""

    def __init__(self, store: Store, host: str = "127.0.0.1", port: int = 0) -> None:
        self.store = store
        self.host = host
        self._key = secrets.token_bytes(32)
        app = Starlette(
            routes=[Route("/{path:path}", self._serve, methods=["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"])]
        )
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off")
        self._server = QuietServer(config)
        self._thread: threading.Thread | None = None
        self.base_url = ""

    def start(self, timeout: float = 30.0) -> str:
        """Serve in a thread; return the endpoint's base URL."""
        self._thread = threading.Thread(target=self._server.run, name="qaas-emulator-storage", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the result storage could not listen on {self.host}:{self._server.config.port}")
            time.sleep(0.005)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.base_url = f"http://{host}:{port}"
        return self.base_url

    def stop(self) -> None:
        self._server.exit_soon()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _signature(self, path: str, expires: int) -> str:
        digest = hmac.new(self._key, f"GET\n{path}\n{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def url(self, token: str, now: float | None = None) -> str:
        """A presigned URL of the result stored under ``token``, valid for :data:`URL_TTL` seconds."""
        path = f"/{BUCKET}/{token}"
        expires = int(now if now is not None else time.time()) + URL_TTL
        query = urlencode({"Expires": expires, "Signature": self._signature(path, expires)})
        return f"{self.base_url}{path}?{query}"

    async def _serve(self, request: Request) -> Response:
        response = self._answer(request)
        response.headers["x-amz-request-id"] = uuid.uuid4().hex[:16].upper()
        return response

    def _answer(self, request: Request) -> Response:
        if "x-auth-token" in request.headers:
            return _s3_error(
                403, "AccessDenied", "a presigned URL takes no X-Auth-Token header: do not send the API key here"
            )
        if request.method not in ("GET", "HEAD"):
            return _s3_error(405, "MethodNotAllowed", "the specified method is not allowed against this resource")
        path = request.url.path
        expires_text = request.query_params.get("Expires", "")
        signature = request.query_params.get("Signature", "")
        if not expires_text.isdigit() or len(expires_text) > 12 or not signature:
            return _s3_error(403, "AccessDenied", "query-string authentication requires Expires and Signature")
        expires = int(expires_text)
        if not hmac.compare_digest(signature, self._signature(path, expires)):
            return _s3_error(403, "SignatureDoesNotMatch", "the request signature does not match")
        if time.time() > expires:
            return _s3_error(403, "AccessDenied", "request has expired")
        token = path.removeprefix(f"/{BUCKET}/")
        text = self.store.download(token) if token != path else None
        if text is None:
            return _s3_error(404, "NoSuchKey", "the specified key does not exist")
        return Response(text, media_type="application/json")
