"""What every route handler needs, shared by the handler modules (:mod:`.app`, :mod:`.sessions`,
:mod:`.processes`): the settings, the caller's key and project, the rows it owns, platform lookups.

Auth: every route needs ``X-Auth-Token`` (else 401). With a token table (secret -> project id) an
unknown token is refused (401), acting on another project is forbidden (403) and other projects'
resources are invisible (404). Without a table (open mode) any non-empty token is accepted and bound,
persistently, to the first project id it sends (or to a project id derived from the token until it
sends one); the same isolation then applies.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from typing import TYPE_CHECKING, Any

import attrs
from starlette.requests import Request

from . import validation as v
from .errors import forbidden, not_found, unauthenticated
from .platforms import BY_ID, PlatformSpec
from .schema import Row
from .store import Store

if TYPE_CHECKING:
    from .storage import ResultStorage
    from .worker import WorkerPool

_TOKEN_NS = uuid.UUID("0b5e3a52-8f5c-4d5e-9a60-4c1f4f7b2d90")


@attrs.frozen
class Settings:
    """Behaviour knobs of the API (the server passes them from :class:`~.server.Emulator`)."""

    tokens: dict[str, str] | None = None
    session_start_delay: float = 0.05
    inline_result_bytes: int = 1_000_000
    default_max_duration: float = 1800.0
    default_max_idle_duration: float = 600.0
    availability: dict[str, str] = attrs.field(factory=dict)  # platform id -> shown availability (set_availability)


@functools.lru_cache(maxsize=4096)
def _token_project(token: str) -> str:
    """The project id an open-mode token acts on until it names one."""
    return str(uuid.uuid5(_TOKEN_NS, hashlib.sha256(token.encode()).hexdigest()))


class Context:
    """The store, the job pool, the settings and the result storage, and the checks of every request."""

    def __init__(self, store: Store, pool: WorkerPool, settings: Settings, storage: ResultStorage) -> None:
        self.store = store
        self.pool = pool
        self.settings = settings
        self.storage = storage

    # -- auth --------------------------------------------------------------------------------------------

    def authenticate(self, request: Request) -> str:
        """The caller's secret key, checked before anything else of the request is read."""
        token = request.headers.get("x-auth-token", "").strip()
        if not token:
            raise unauthenticated("invalid_argument")
        if self.settings.tokens is not None and token not in self.settings.tokens:
            raise unauthenticated("not_found")
        return token

    def project(self, request: Request, claimed: str | None = None) -> str:
        """The caller's project; ``claimed`` is a project id the request names (body or query)."""
        token = self.authenticate(request)
        if claimed:
            claimed = v.uuid_arg(claimed, "project_id")
        tokens = self.settings.tokens
        if tokens is not None:
            project = tokens[token]
        else:
            project = self.store.bound_project(token, claimed) or _token_project(token)
        if claimed and claimed != project:
            raise forbidden()
        return project

    def owned(self, table: str, resource: str, key: str, project: str, columns: str = "*") -> Row:
        """The row ``key`` of ``table`` if ``project`` owns it (``columns`` must include ``project_id``), else 404."""
        key = v.uuid_arg(key, f"{resource}_id")
        row = self.store.get(table, key, columns)
        if row is None or row["project_id"] != project:
            raise not_found(resource, key)
        return row

    def platform(self, platform_id: Any, argument: str = "platform_id") -> PlatformSpec:
        key = v.uuid_arg(platform_id, argument)
        spec = BY_ID.get(key)
        if spec is None:
            raise not_found("platform", key)
        return spec
