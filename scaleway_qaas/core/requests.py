"""The request runner: HTTP with retries, the one place where httpx exceptions become ``QaaSError``.

Transient failures (connection errors, 429 with ``Retry-After``, 502/503/504)
are retried with capped exponential backoff and full jitter. A request whose
outcome is unknown (the connection dropped after it was sent) is repeated only
when it is idempotent, or after its ``recover`` callback found no trace of it
on the server, so that retries never create a second job or session.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import platform
import random
import ssl
import time
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
import httpx

from ..__about__ import __version__
from .config import API_PREFIX, Config
from .errors import (
    AuthenticationError,
    ConnectionFailedError,
    QaaSError,
    RateLimitedError,
    ServerError,
    error_from_response,
)

log = logging.getLogger("scaleway_qaas.http")

USER_AGENT = f"scaleway-qaas/{__version__} python/{platform.python_version()} httpx/{httpx.__version__}"
_RETRY_STATUSES = {429, 502, 503, 504}


@attrs.frozen
class RetryPolicy:
    """How transient failures are retried."""

    max_attempts: int = 8
    initial_delay: float = 0.02
    max_delay: float = 2.0
    max_retry_after: float = 30.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        return random.uniform(0, min(self.max_delay, self.initial_delay * 2 ** (attempt - 1)))


@attrs.frozen
class Timeouts:
    """Connect / read timeouts of one HTTP request, in seconds."""

    connect: float = 10.0
    read: float = 60.0


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


Recover = Callable[[], Awaitable[Any]]


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One certificate-verifying TLS context for every client (loading the CA bundle costs ~25-70 ms)."""
    return httpx.create_ssl_context()


@functools.cache
def _trusting_nothing() -> ssl.SSLContext:
    """A TLS context with no trusted certificate: every TLS handshake through it fails."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def tls_context_for(url: str) -> ssl.SSLContext:
    """The context of a client bound to ``url``: verifying for ``https``; for a plain-HTTP URL (the local
    emulator), one that trusts nothing, so that no CA bundle is loaded and no TLS can go unverified."""
    return tls_context() if url.lower().startswith("https:") else _trusting_nothing()


class RequestRunner:
    """Sends the API calls of one :class:`Config` (an ``httpx.AsyncClient``), with retries and error mapping.

    ``transport`` is an httpx transport to send through (tests inject ``httpx.MockTransport``).
    Result downloads go through a second client that never carries the secret key.
    """

    def __init__(
        self,
        config: Config,
        *,
        retry: RetryPolicy | None = None,
        timeouts: Timeouts | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_connections: int = 24,  # httpx scans every pooled connection per request: keep the pool small
    ) -> None:
        self.config = config
        self.retry = retry or RetryPolicy()
        timeouts = timeouts or Timeouts()
        self._timeout = httpx.Timeout(timeouts.read, connect=timeouts.connect)
        self._transport = transport
        self._max_connections = max_connections
        self._pid = os.getpid()
        self._anonymous: httpx.AsyncClient | None = None  # for result downloads; made at the first one
        self._api = self._api_client()
        #: clients made in a parent process before a fork, whose pooled connections are the parent's
        self._inherited: list[httpx.AsyncClient] = []
        #: since when (``time.monotonic()``) the API has not answered (connection failures, timeouts, HTTP
        #: 5xx or 429, retries included); None while it answers. Waits measure their outage by it.
        self.unreachable_since: float | None = None

    def _api_client(self) -> httpx.AsyncClient:
        config, limit = self.config, self._max_connections
        return httpx.AsyncClient(
            verify=tls_context_for(config.api_url),
            base_url=config.api_url + API_PREFIX,
            headers={"X-Auth-Token": config.secret_key, "User-Agent": USER_AGENT},
            timeout=self._timeout,
            limits=httpx.Limits(max_connections=limit, max_keepalive_connections=limit),
            transport=self._transport,
        )

    def _in_this_process(self) -> None:
        """A runner carried into a forked child makes fresh clients there (the parent's pooled connections
        and their event loop are the parent's); the old ones are kept unused and unclosed (closing them
        could shut connections the parent still uses). An injected ``transport`` is the caller's."""
        if self._pid != os.getpid():
            self._inherited += [c for c in (self._api, self._anonymous) if c is not None]
            self._pid, self._anonymous = os.getpid(), None
            if not self._api.is_closed:
                self._api = self._api_client()

    @property
    def _http(self) -> httpx.AsyncClient:
        """The API client (of this process)."""
        self._in_this_process()
        return self._api

    async def aclose(self) -> None:
        await self._http.aclose()
        if self._anonymous is not None:
            await self._anonymous.aclose()

    def _downloader(self) -> httpx.AsyncClient:
        """The client of result downloads: presigned storage URLs refuse the API key (and must never see
        it), so a second client, without it. Made at the first download (most results come inline)."""
        self._in_this_process()
        if self._anonymous is None:
            self._anonymous = httpx.AsyncClient(
                headers={"User-Agent": USER_AGENT},
                timeout=self._timeout,
                transport=self._transport,
                verify=tls_context(),
            )
        return self._anonymous

    @property
    def is_closed(self) -> bool:
        return self._api.is_closed

    @property
    def is_inherited(self) -> bool:
        """Made in a parent process (before a fork): its connections are the parent's."""
        return self._pid != os.getpid()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        recover: Recover | None = None,
    ) -> Any:
        """Send one API call and return its decoded JSON (None for 204); see :meth:`send`."""
        body, _ = await self.send(method, path, params=params, json=json, idempotent=idempotent, recover=recover)
        return body

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        recover: Recover | None = None,
    ) -> tuple[Any, httpx.Headers]:
        """Send one API call; return its decoded JSON (None for 204) and its headers.

        ``idempotent`` defaults to True for GET and DELETE. For a non-idempotent
        call, ``recover`` is awaited when the outcome is unknown: it returns the
        resource if the first attempt did take effect, else None (then the call
        is sent again).
        """
        if idempotent is None:
            idempotent = method in ("GET", "DELETE", "PUT")
        params = {k: v for k, v in (params or {}).items() if v is not None}
        attempt = 0
        while True:
            attempt += 1
            started = time.perf_counter()
            try:
                response = await self._http.request(method, path, params=params, json=json)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                # nothing reached the server: always safe to retry
                self._answered(False)
                if attempt >= self.retry.max_attempts:
                    raise ConnectionFailedError(
                        f"cannot reach the QaaS API at {self.config.api_url}: {exc or type(exc).__name__}"
                    ) from exc
                await asyncio.sleep(self.retry.delay(attempt))
                continue
            except httpx.TransportError as exc:
                # sent, but no answer: the call may or may not have taken effect
                self._answered(False)
                log.debug(
                    "%s %s: %s after %.1f ms", method, path, type(exc).__name__, 1000 * (time.perf_counter() - started)
                )
                if attempt >= self.retry.max_attempts:
                    raise ServerError(
                        f"no answer from {self.config.api_url} for {method} {path}: {exc or type(exc).__name__}"
                    ) from exc
                await asyncio.sleep(self.retry.delay(attempt))
                if not idempotent and recover is not None:
                    found = await recover()
                    if found is not None:
                        return found, httpx.Headers()
                elif not idempotent:
                    raise ServerError(
                        f"no answer for {method} {path}; it was not repeated because it is not idempotent"
                    ) from exc
                continue
            log.debug(
                "%s %s -> %d in %.1f ms", method, path, response.status_code, 1000 * (time.perf_counter() - started)
            )
            self._answered(response.status_code < 500 and response.status_code != 429)
            if response.status_code < 400:
                return _json(response, method, path), response.headers
            if response.status_code in _RETRY_STATUSES and attempt < self.retry.max_attempts:
                # 429 was refused before processing; a 5xx may have been processed
                await asyncio.sleep(self.retry.delay(attempt, _retry_after(response)))
                if response.status_code != 429 and not idempotent and recover is not None:
                    found = await recover()
                    if found is not None:
                        return found, httpx.Headers()
                continue
            raise _error(response, self.config)

    def _answered(self, answered: bool) -> None:
        if answered:
            self.unreachable_since = None
        elif self.unreachable_since is None:
            self.unreachable_since = time.monotonic()

    async def download(self, url: str) -> bytes:
        """GET a result URL (presigned storage): never with the secret key, with the configured timeouts."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._downloader().get(url)
            except httpx.TransportError as exc:
                if attempt >= self.retry.max_attempts:
                    raise ServerError(f"cannot download result from {url.split('?')[0]}: {exc}") from exc
                await asyncio.sleep(self.retry.delay(attempt))
                continue
            if response.status_code in _RETRY_STATUSES and attempt < self.retry.max_attempts:
                await asyncio.sleep(self.retry.delay(attempt, _retry_after(response)))
                continue
            if response.status_code >= 400:
                raise ServerError(
                    f"result download from {url.split('?')[0]} failed: HTTP {response.status_code} "
                    f"{response.text[:200]}",
                    status_code=response.status_code,
                )
            return response.content


def _key_refused(config: Config, error: QaaSError) -> str:
    """A refused key: say so, and where the key came from (never the key itself)."""
    said = error.message + (f": {error.details['reason']}" if isinstance(error.details.get("reason"), str) else "")
    source = config.sources.get("secret_key", "an unknown source")
    return (
        f"the secret key was refused by {config.api_url} ({said}); the key came from {source}: check it, "
        "or give another (secret_key=, SCW_SECRET_KEY, or the Scaleway config file)"
    )


def call_at_exit(
    config: Config,
    method: str,
    path: str,
    *,
    params: dict[str, Any] | None = None,
    attempts: int = 3,
    timeout: float = 5.0,
) -> Any:
    """One API call without the event loop, for interpreter exit (finding and terminating sessions); its JSON.

    At exit, new threads (asyncio's DNS executor among them) can no longer start, so the
    async client may fail to open a connection; a blocking httpx call needs none. Raises
    :class:`QaaSError` when the service refuses or stays unreachable.
    """
    headers = {"X-Auth-Token": config.secret_key, "User-Agent": USER_AGENT}
    body: dict[str, Any] | None = {} if method == "POST" else None
    with httpx.Client(base_url=config.api_url + API_PREFIX, headers=headers, timeout=timeout) as http:
        for attempt in range(1, attempts + 1):
            try:
                response = http.request(method, path, json=body, params=params)
            except httpx.TransportError as exc:
                if attempt == attempts:
                    error = ConnectionFailedError if isinstance(exc, httpx.ConnectError) else ServerError
                    raise error(f"no answer from {config.api_url} for {method} {path}: {exc}") from exc
                continue
            if response.status_code in _RETRY_STATUSES and attempt < attempts:
                continue
            if response.status_code >= 400:
                raise _error(response, config)
            return _json(response, method, path) if response.content else None
    return None


def post_at_exit(config: Config, path: str, *, attempts: int = 3, timeout: float = 5.0) -> None:
    """One POST without the event loop, for interpreter exit (terminating sessions): see :func:`call_at_exit`."""
    call_at_exit(config, "POST", path, attempts=attempts, timeout=timeout)


def _json(response: httpx.Response, method: str, path: str) -> Any:
    """The JSON body of a success answer; a body that is not JSON is the service's fault."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise ServerError(
            f"{method} {path} answered HTTP {response.status_code} with a body that is not JSON: "
            f"{response.text[:200]!r}",
            status_code=response.status_code,
            request_id=response.headers.get("X-Request-Id"),
        ) from exc


def _error(response: httpx.Response, config: Config | None = None) -> QaaSError:
    try:
        body = response.json()
    except ValueError:
        body = {"message": f"HTTP {response.status_code}: {response.text[:200]}"}
    request_id = response.headers.get("X-Request-Id") or response.headers.get("Scw-Request-Id")
    error = error_from_response(response.status_code, body, request_id)
    if isinstance(error, AuthenticationError) and config is not None:
        error.message = _key_refused(config, error)
    if response.status_code == 429:
        if not isinstance(error, RateLimitedError):
            error = RateLimitedError(
                error.message,
                status_code=429,
                error_type=error.error_type,
                request_id=request_id,
                details=error.details,
            )
        error.retry_after = _retry_after(response)
    return error
