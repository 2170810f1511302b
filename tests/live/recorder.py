"""Record the HTTP answers the live checks see, redact them, and write them as golden files.

The format is the one ``tests/core/test_golden.py`` replays (see ``docs/live.md``): one JSON file
per exchange kind under ``tests/data/golden/``. Redaction maps every UUID to a numbered
placeholder (the same id keeps the same placeholder, so a job still points at its session),
replaces the secret and access keys, request ids, and the query strings of URLs (presigned
links carry signatures).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from scaleway_qaas.core.client import QaaSClient

API_PREFIX = "/qaas/v1alpha1"
#: Shots of every Bell job the live run submits, and the outcomes its recorded results must hold.
SHOTS = 200
BELL_OUTCOMES = ["00", "11"]
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
URL_QUERY = re.compile(r"(https?://[^\"\s?\\]+)\?[^\"\s\\]*")
KEPT_HEADERS = ("x-request-id", "x-total-count", "retry-after", "content-type")
ID = r"[^/]+"
#: (method, path pattern under the API prefix) -> (kind, file stem); the last exchange of a stem wins.
ROUTES: list[tuple[str, re.Pattern[str], str, str]] = [
    (m, re.compile(p + "$"), kind, stem)
    for m, p, kind, stem in [
        ("GET", "/platforms", "platforms", "platforms"),
        ("GET", f"/platforms/{ID}", "platform", "platform"),
        ("POST", "/sessions", "session", "session"),
        ("GET", "/sessions", "sessions", "sessions"),
        ("POST", f"/sessions/{ID}/terminate", "session", "session_terminated"),
        ("POST", "/models", "model", "model"),
        ("POST", "/jobs", "job", "job_created"),
        ("GET", f"/jobs/{ID}", "job", "job"),
        ("GET", "/jobs", "jobs", "jobs"),
        ("GET", f"/jobs/{ID}/results", "job_results", "job_results"),
    ]
]


@dataclass
class Exchange:
    method: str
    path: str
    query: dict[str, str]
    status: int
    headers: dict[str, str]
    body: Any


@dataclass
class Recorder:
    """Collects every API exchange that goes through :attr:`transport`."""

    exchanges: list[Exchange] = field(default_factory=list)
    downloads: dict[str, dict[str, Any]] = field(default_factory=dict)
    transport: httpx.AsyncBaseTransport = field(init=False)

    def __post_init__(self) -> None:
        self.transport = _RecordingTransport(self, httpx.AsyncHTTPTransport())

    def add(self, request: httpx.Request, response: httpx.Response) -> None:
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = response.text
        self.exchanges.append(
            Exchange(
                method=request.method,
                path=request.url.path,
                query=dict(request.url.params),
                status=response.status_code,
                headers={k: v for k, v in response.headers.items() if k.lower() in KEPT_HEADERS},
                body=body,
            )
        )

    def download(self, url: str) -> None:
        """Fetch a result URL as the official clients do (no API key) and keep its body for the golden file."""
        response = httpx.get(url, timeout=60)
        self.downloads[url] = {"status": response.status_code, "text": response.text}


class _RecordingTransport(httpx.AsyncBaseTransport):
    def __init__(self, recorder: Recorder, inner: httpx.AsyncBaseTransport) -> None:
        self.recorder, self.inner = recorder, inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        await response.aread()
        self.recorder.add(request, response)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def recorded_client(recorder: Recorder, **config: Any) -> QaaSClient:
    """The one coupling to the client: a client whose HTTP goes through the recorder.

    Point this at wherever the client accepts an ``httpx.AsyncBaseTransport``.
    """
    return QaaSClient(transport=recorder.transport, **config)


# --- golden files ------------------------------------------------------------------------------


class Redactor:
    """Consistent replacement of ids and secrets in a JSON text."""

    def __init__(self, secrets: list[str]) -> None:
        self.secrets = [s for s in secrets if s]
        self.ids: dict[str, str] = {}

    def _id(self, match: re.Match[str]) -> str:
        key = match.group(0).lower()
        if key not in self.ids:
            self.ids[key] = f"00000000-0000-0000-0000-{len(self.ids) + 1:012d}"
        return self.ids[key]

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "redacted-secret")
        text = UUID.sub(self._id, text)
        return URL_QUERY.sub(r"\1?redacted", text)


def classify(exchange: Exchange) -> tuple[str, str] | None:
    """(kind, file stem) of an exchange, or None for calls the golden files don't keep."""
    path = exchange.path.removeprefix(API_PREFIX)
    if exchange.status >= 400:
        body = exchange.body if isinstance(exchange.body, dict) else {}
        error_type = str(body.get("type") or f"http_{exchange.status}")
        suffix = "_429" if exchange.status == 429 else ""
        return "error", f"error_{error_type}{suffix}"
    for method, pattern, kind, stem in ROUTES:
        if exchange.method == method and pattern.match(path):
            if kind == "job_results":
                items = (exchange.body or {}).get("job_results") or []
                inline = all(i.get("result") for i in items)
                return kind, "job_results_inline" if inline else "job_results_url"
            return kind, stem
    return None


def golden_documents(
    recorder: Recorder, redactor: Redactor, source: str, expect: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """File name -> golden document for every kept exchange (redacted)."""
    out: dict[str, dict[str, Any]] = {}
    for exchange in recorder.exchanges:
        found = classify(exchange)
        if found is None:
            continue
        kind, stem = found
        headers = {k.lower(): v for k, v in exchange.headers.items()}
        if "x-request-id" in headers:
            headers["x-request-id"] = "redacted-request-id"
        doc: dict[str, Any] = {
            "_source": source,
            "kind": kind,
            "request": {
                "method": exchange.method,
                "path": exchange.path,
                **({"query": exchange.query} if exchange.query else {}),
            },
            "response": {"status": exchange.status, "headers": headers, "body": exchange.body},
        }
        if kind == "job_results":
            doc["_expect"] = expect
            urls = [i.get("url") for i in (exchange.body or {}).get("job_results") or [] if not i.get("result")]
            downloads = {u: recorder.downloads[u] for u in urls if u in recorder.downloads}
            if downloads:
                doc["downloads"] = downloads
        out[stem + ".json"] = json.loads(redactor(json.dumps(doc)))
    return out


def write_golden(directory: Path, documents: dict[str, dict[str, Any]]) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, doc in sorted(documents.items()):
        path = directory / name
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        written.append(path)
    return written


def source_line(api_url: str) -> str:
    day = datetime.now(UTC).date().isoformat()
    return f"recorded by pytest -m live against {httpx.URL(api_url).host} on {day}; ids and secrets redacted"
