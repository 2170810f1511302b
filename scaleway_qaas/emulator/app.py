"""The Starlette application: routes of the QaaS v1alpha1 API, auth, validation, errors.

Auth: every route but the result downloads needs ``X-Auth-Token`` (else 401).
With a token table (secret -> project id) an unknown token is refused (401),
acting on another project is forbidden (403) and other projects' resources are
invisible (404). Without a table (open mode) any non-empty token is accepted
and bound, persistently, to the first project id it sends (or to a project id
derived from the token until it sends one); the same isolation then applies.
Handlers never raise: unexpected failures become a JSON 500 body without traceback.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..core.errors import PayloadError
from ..core.payload import ComputationModel, ComputationParameters
from . import render
from .errors import ApiError, forbidden, invalid, not_found, precondition, unauthenticated
from .platforms import BY_ID, CATALOGUE, PlatformSpec
from .store import Row, Store, dumps_tags, new_id
from .worker import WorkerPool

log = logging.getLogger("scaleway_qaas.emulator")

PREFIX = "/qaas/v1alpha1"
DOWNLOADS = f"{PREFIX}/_downloads/"
_TOKEN_NS = uuid.UUID("0b5e3a52-8f5c-4d5e-9a60-4c1f4f7b2d90")

_PLATFORM_ORDER = {
    f"{field}_{d}": (key, d == "desc")
    for field, key in (
        ("name", "name"),
        ("provider_name", "provider_name"),
        ("type", "type"),
        ("technology", "technology"),
        ("backend_name", "backend_name"),
    )
    for d in ("asc", "desc")
}
_SESSION_ORDER = {
    "name_asc": "name ASC", "name_desc": "name DESC", "started_at_asc": "started_at ASC",
    "started_at_desc": "started_at DESC", "status_asc": "status ASC", "status_desc": "status DESC",
    "created_at_asc": "created_at ASC", "created_at_desc": "created_at DESC",
}  # fmt: skip
_JOB_ORDER = {
    "created_at_desc": "seq DESC", "created_at_asc": "seq ASC", "status_asc": "status ASC",
    "status_desc": "status DESC", "name_asc": "name ASC", "name_desc": "name DESC",
    "platform_name_asc": "seq DESC", "platform_name_desc": "seq DESC",
    "session_name_asc": "session_id ASC", "session_name_desc": "session_id DESC",
}  # fmt: skip
_CREATED_ORDER = {"created_at_desc": "created_at DESC", "created_at_asc": "created_at ASC"}
_BOOKING_ORDER = {**_CREATED_ORDER, "started_at_desc": "started_at DESC", "started_at_asc": "started_at ASC"}


@attrs.frozen
class Settings:
    """Behaviour knobs of the API (the server passes them from :class:`~.server.Emulator`)."""

    tokens: dict[str, str] | None = None
    session_start_delay: float = 0.05
    inline_result_bytes: int = 1_000_000
    default_max_duration: float = 1800.0
    default_max_idle_duration: float = 600.0


# --- request helpers --------------------------------------------------------------------------------


def _uuid(value: Any, argument: str) -> str:
    if not isinstance(value, str):
        raise invalid(argument, "must be a UUID string")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise invalid(argument, f"{value!r} is not a valid UUID", reason="syntax") from None


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise invalid("body", f"malformed JSON: {exc}", reason="syntax") from None
    if not isinstance(data, dict):
        raise invalid("body", "the request body must be a JSON object", reason="syntax")
    return data


def _opt_str(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise invalid(key, f"must be a string, got {type(value).__name__}")
    return value


def _tags(body: dict[str, Any]) -> list[str] | None:
    tags = body.get("tags")
    if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        raise invalid("tags", "must be a list of strings")
    return tags


def _duration(body: dict[str, Any], key: str, default: float | None) -> float | None:
    value = body.get(key)
    if value is None:
        return default
    try:
        return render.parse_duration(value)
    except ValueError as exc:
        raise invalid(key, str(exc), reason="syntax") from None


def _paging(request: Request, orders: dict[str, Any], default: str) -> tuple[int, int, Any]:
    q = request.query_params
    try:
        page = int(q.get("page") or 1)
        size = int(q.get("page_size") or 20)
    except ValueError:
        raise invalid("page", "page and page_size must be integers", reason="syntax") from None
    if page < 1 or size < 1:
        raise invalid("page" if page < 1 else "page_size", "must be at least 1")
    order = q.get("order_by") or default
    if order not in orders:
        raise invalid("order_by", f"must be one of {', '.join(orders)}")
    return page, min(size, 100), orders[order]


def _listing(name: str, total: int, items: list[Any]) -> JSONResponse:
    return JSONResponse({"total_count": total, name: items})


def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json")


@functools.lru_cache(maxsize=4096)
def _token_project(token: str) -> str:
    """The project id an open-mode token acts on until it names one."""
    return str(uuid.uuid5(_TOKEN_NS, hashlib.sha256(token.encode()).hexdigest()))


# --- the API ---------------------------------------------------------------------------------------------


class Api:
    """Route handlers over a :class:`Store` and a :class:`WorkerPool`."""

    def __init__(self, store: Store, pool: WorkerPool, settings: Settings) -> None:
        self.store = store
        self.pool = pool
        self.settings = settings
        self.jobs_json = render.JobJsonCache()

    # -- auth --------------------------------------------------------------------------------------------

    def project(self, request: Request, claimed: str | None = None) -> str:
        """The caller's project; ``claimed`` is a project id the request names (body or query)."""
        token = request.headers.get("x-auth-token", "").strip()
        if not token:
            raise unauthenticated("missing X-Auth-Token header: send your Scaleway secret key")
        if claimed:
            claimed = _uuid(claimed, "project_id")
        tokens = self.settings.tokens
        if tokens is not None:
            project = tokens.get(token)
            if project is None:
                raise unauthenticated("the secret key in X-Auth-Token is unknown or revoked")
        else:
            project = self.store.bound_project(token, claimed) or _token_project(token)
        if claimed and claimed != project:
            raise forbidden(f"this secret key may not act on project {claimed}")
        return project

    def owned(self, table: str, resource: str, key: str, project: str, columns: str = "*") -> Row:
        """The row ``key`` of ``table`` if ``project`` owns it (``columns`` must include ``project_id``), else 404."""
        row = self.store.get(table, _uuid(key, f"{resource}_id"), columns)
        if row is None or row["project_id"] != project:
            raise not_found(resource, key)
        return row

    # -- platforms -------------------------------------------------------------------------------------

    async def list_platforms(self, request: Request) -> Response:
        self.project(request)
        q = request.query_params
        page, size, (key, desc) = _paging(request, _PLATFORM_ORDER, "name_asc")
        filters = {
            "name": q.get("name"),
            "provider_name": q.get("provider_name"),
            "backend_name": q.get("backend_name"),
            "type": q.get("platform_type"),
            "technology": q.get("platform_technology"),
        }
        found = [
            p
            for p in CATALOGUE
            if all(not v or v.startswith("unknown_") or p.record[k] == v for k, v in filters.items())
        ]
        found.sort(key=lambda p: p.record[key], reverse=desc)
        items = [p.record for p in found[(page - 1) * size : page * size]]
        return _listing("platforms", len(found), items)

    async def get_platform(self, request: Request) -> Response:
        self.project(request)
        return JSONResponse(self._platform(request.path_params["platform_id"]).record)

    def _platform(self, platform_id: Any) -> PlatformSpec:
        spec = BY_ID.get(_uuid(platform_id, "platform_id"))
        if spec is None:
            raise not_found("platform", platform_id)
        return spec

    # -- sessions ---------------------------------------------------------------------------------------

    def _session_json(self, row: Row) -> dict[str, Any]:
        return render.session(row, *self.store.job_counts(row["id"]))

    async def create_session(self, request: Request) -> Response:
        body = await _body(request)
        project = self.project(request, _opt_str(body, "project_id"))
        if not body.get("platform_id"):
            raise invalid("platform_id", "required: the id of a platform from GET /platforms", reason="required")
        spec = self._platform(body["platform_id"])
        now = time.time()
        max_duration = _duration(body, "max_duration", self.settings.default_max_duration)
        max_idle = _duration(body, "max_idle_duration", self.settings.default_max_idle_duration)
        session_id = new_id()
        booking = self._booking(body.get("booking_demand"), spec, project, session_id, now, max_duration or 0)
        model_id = _opt_str(body, "model_id") or ""
        if model_id:
            self.owned("models", "model", model_id, project, "id, project_id")
        row = {
            "id": session_id,
            "project_id": project,
            "platform_id": spec.id,
            "name": _opt_str(body, "name") or f"qs-{session_id[:8]}",
            "status": "starting",
            "created_at": now,
            "start_at": now + self.settings.session_start_delay,
            "started_at": None,
            "updated_at": now,
            "terminated_at": None,
            "max_idle": max_idle,
            "max_duration": max_duration,
            "tags": dumps_tags(_tags(body)),
            "deduplication_id": _opt_str(body, "deduplication_id") or "",
            "progress_message": "",
            "booking_id": booking["id"] if booking else "",
            "model_id": model_id,
            "parameters": _opt_str(body, "parameters") or "",
            "last_activity": now,
        }
        row, _created = self.store.create_session(row, booking)
        return JSONResponse(self._session_json(row))

    def _booking(
        self, demand: Any, spec: PlatformSpec, project: str, session_id: str, now: float, length: float
    ) -> Row | None:
        if demand is None:
            return None
        if not isinstance(demand, dict):
            raise invalid("booking_demand", "must be an object")
        if not spec.is_bookable:
            raise invalid("booking_demand", f"platform {spec.name} is not bookable")
        try:
            start = render.parse_timestamp(demand["started_at"]) if demand.get("started_at") else now
            end = render.parse_timestamp(demand["finished_at"]) if demand.get("finished_at") else start + length
        except (TypeError, ValueError) as exc:
            raise invalid("booking_demand", f"bad RFC 3339 date: {exc}", reason="syntax") from None
        if end <= start:
            raise invalid("booking_demand", "finished_at must be after started_at")
        return {
            "id": new_id(),
            "project_id": project,
            "platform_id": spec.id,
            "session_id": session_id,
            "status": "validated",
            "description": str(demand.get("description") or ""),
            "time_zone": str(demand.get("time_zone") or "UTC"),
            "progress_message": "",
            "created_at": now,
            "started_at": start,
            "finished_at": end,
            "updated_at": now,
        }

    async def get_session(self, request: Request) -> Response:
        row = self.owned("sessions", "session", request.path_params["session_id"], self.project(request))
        return JSONResponse(self._session_json(row))

    async def list_sessions(self, request: Request) -> Response:
        project = self.project(request, request.query_params.get("project_id"))
        page, size, order = _paging(request, _SESSION_ORDER, "name_asc")
        where: dict[str, Any] = {"project_id": project}
        if request.query_params.get("platform_id"):
            where["platform_id"] = self._platform(request.query_params["platform_id"]).id
        self.store.advance(time.time())
        total, rows = self.store.page("sessions", where, order, page, size)
        return _listing("sessions", total, [self._session_json(r) for r in rows])

    async def update_session(self, request: Request) -> Response:
        body = await _body(request)
        row = self.owned("sessions", "session", request.path_params["session_id"], self.project(request))
        fields: dict[str, Any] = {"updated_at": time.time()}
        if (name := _opt_str(body, "name")) is not None:
            fields["name"] = name
        if (tags := _tags(body)) is not None:
            fields["tags"] = dumps_tags(tags)
        for key, column in (("max_duration", "max_duration"), ("max_idle_duration", "max_idle")):
            if (value := _duration(body, key, None)) is not None:
                fields[column] = value
        self.store.update("sessions", row["id"], fields)
        return JSONResponse(self._session_json({**row, **fields}))

    async def terminate_session(self, request: Request) -> Response:
        row = self.owned("sessions", "session", request.path_params["session_id"], self.project(request))
        if row["status"] in ("starting", "running"):
            self.store.terminate_session(row["id"], "terminated by the user", time.time())
        return JSONResponse(self._session_json(self.store.get("sessions", row["id"]) or row))

    async def delete_session(self, request: Request) -> Response:
        row = self.owned("sessions", "session", request.path_params["session_id"], self.project(request))
        self.store.delete_session(row["id"])
        return Response(status_code=204)

    async def session_acls(self, request: Request) -> Response:
        self.owned("sessions", "session", request.path_params["session_id"], self.project(request))
        return _listing("acls", 1, ["full"])

    # -- models -------------------------------------------------------------------------------------------

    async def create_model(self, request: Request) -> Response:
        body = await _body(request)
        project = self.project(request, _opt_str(body, "project_id"))
        payload = body.get("payload")
        if not isinstance(payload, str) or not payload:
            raise invalid("payload", "required: the computation model as a JSON string", reason="required")
        try:
            model = ComputationModel.from_json(payload)
        except PayloadError as exc:
            raise invalid("payload", str(exc), reason="syntax") from None
        row = {
            "id": new_id(),
            "project_id": project,
            "payload": payload,
            "n_programs": len(model.programs),
            "created_at": time.time(),
        }
        self.store.insert("models", row)
        return JSONResponse(render.model(row))

    async def get_model(self, request: Request) -> Response:
        row = self.owned("models", "model", request.path_params["model_id"], self.project(request))
        return JSONResponse(render.model(row))

    async def list_models(self, request: Request) -> Response:
        project = self.project(request, request.query_params.get("project_id"))
        page, size, order = _paging(request, _CREATED_ORDER, "created_at_desc")
        total, rows = self.store.page("models", {"project_id": project}, order, page, size)
        return _listing("models", total, [render.model(r) for r in rows])

    # -- jobs -----------------------------------------------------------------------------------------------

    async def create_job(self, request: Request) -> Response:
        body = await _body(request)
        project = self.project(request)
        if not body.get("session_id"):
            raise invalid("session_id", "required: the id of a running session", reason="required")
        session = self.owned("sessions", "session", body["session_id"], project)
        spec = BY_ID[session["platform_id"]]
        model_id = _opt_str(body, "model_id") or session["model_id"]
        if not model_id:
            raise invalid("model_id", "required: create the programs with POST /models first", reason="required")
        model = self.owned("models", "model", model_id, project, "id, project_id, n_programs")  # not the payload
        parameters = _opt_str(body, "parameters") or '{"shots": 1000, "options": null}'
        try:
            shots = ComputationParameters.from_json(parameters).shots
        except PayloadError as exc:
            raise invalid("parameters", str(exc), reason="syntax") from None
        if not 1 <= shots <= spec.max_shot_count:
            limit = f"shots must be between 1 and {spec.max_shot_count} on {spec.name}, got {shots}"
            raise invalid("parameters", limit)
        if model["n_programs"] > spec.max_circuit_count:
            raise invalid(
                "model_id",
                f"the model holds {model['n_programs']} programs; {spec.name} runs at most "
                f"{spec.max_circuit_count} per job: split them over several jobs",
            )
        _duration(body, "max_duration", None)
        now = time.time()
        row = {
            "id": new_id(),
            "project_id": project,
            "session_id": session["id"],
            "name": _opt_str(body, "name") or f"qj-{model_id[:8]}",
            "tags": dumps_tags(_tags(body)),
            "model_id": model["id"],
            "parameters": parameters,
            "status": "waiting",
            "progress_message": "",
            "created_at": now,
            "started_at": None,
            "updated_at": now,
            "finished_at": None,
        }
        refused = self.store.create_job(row, now)
        if refused is not None:
            raise precondition(
                f"session {session['id']} is {refused}: it accepts no more jobs; create a new session",
                "session_closed",
            )
        self.pool.submit(row["id"])
        return _json(self.jobs_json.get(row))

    async def get_job(self, request: Request) -> Response:
        project = self.project(request)
        row = self.owned("jobs", "job", request.path_params["job_id"], project)
        if row["status"] in ("waiting", "running") and await self.pool.wait_for_change(row["id"]):
            row = self.owned("jobs", "job", row["id"], project)  # long-poll: see WorkerPool.wait_for_change
        return _json(self.jobs_json.get(row))

    async def list_jobs(self, request: Request) -> Response:
        q = request.query_params
        project = self.project(request, q.get("project_id"))
        page, size, order = _paging(request, _JOB_ORDER, "created_at_desc")
        where: dict[str, Any] = {"project_id": project}
        if q.get("session_id"):
            where["session_id"] = self.owned("sessions", "session", q["session_id"], project)["id"]
        total, rows = self.store.page("jobs", where, order, page, size)
        items = b",".join(self.jobs_json.get(r) for r in rows)
        return _json(b'{"total_count":%d,"jobs":[%b]}' % (total, items))

    async def update_job(self, request: Request) -> Response:
        body = await _body(request)
        row = self.owned("jobs", "job", request.path_params["job_id"], self.project(request))
        fields: dict[str, Any] = {"updated_at": time.time()}
        if (name := _opt_str(body, "name")) is not None:
            fields["name"] = name
        if (tags := _tags(body)) is not None:
            fields["tags"] = dumps_tags(tags)
        self.store.update("jobs", row["id"], fields)
        return JSONResponse(render.job({**row, **fields}))

    async def cancel_job(self, request: Request) -> Response:
        row = self.owned("jobs", "job", request.path_params["job_id"], self.project(request))
        self.store.cancel_job(row["id"], time.time())
        return JSONResponse(render.job(self.store.get("jobs", row["id"]) or row))

    async def delete_job(self, request: Request) -> Response:
        row = self.owned("jobs", "job", request.path_params["job_id"], self.project(request))
        self.store.delete_job(row["id"])
        return Response(status_code=204)

    async def job_circuit(self, request: Request) -> Response:
        row = self.owned("jobs", "job", request.path_params["job_id"], self.project(request))
        model = self.store.get("models", row["model_id"])
        return JSONResponse({"perceval_circuit": "", "qiskit_circuit": model["payload"] if model else ""})

    async def job_results(self, request: Request) -> Response:
        row = self.owned("jobs", "job", request.path_params["job_id"], self.project(request))
        page, size, _ = _paging(request, _CREATED_ORDER, "created_at_desc")  # results keep program order
        rows = self.store.results(row["id"])
        base = f"{str(request.base_url).rstrip('/')}{DOWNLOADS}"
        items = [render.job_result(r, base, self.settings.inline_result_bytes) for r in rows]
        return _listing("job_results", len(items), items[(page - 1) * size : page * size])

    async def download(self, request: Request) -> Response:
        text = self.store.download(request.path_params["token"])
        if text is None:
            raise not_found("download", request.path_params["token"])
        return Response(text, media_type="application/json")

    # -- bookings, applications, processes ----------------------------------------------------------------

    async def list_bookings(self, request: Request) -> Response:
        q = request.query_params
        project = self.project(request, q.get("project_id"))
        page, size, order = _paging(request, _BOOKING_ORDER, "created_at_desc")
        where: dict[str, Any] = {"project_id": project}
        if q.get("platform_id"):
            where["platform_id"] = self._platform(q["platform_id"]).id
        total, rows = self.store.page("bookings", where, order, page, size)
        return _listing("bookings", total, [render.booking(r) for r in rows])

    async def get_booking(self, request: Request) -> Response:
        row = self.owned("bookings", "booking", request.path_params["booking_id"], self.project(request))
        return JSONResponse(render.booking(row))

    async def update_booking(self, request: Request) -> Response:
        body = await _body(request)
        row = self.owned("bookings", "booking", request.path_params["booking_id"], self.project(request))
        fields: dict[str, Any] = {"updated_at": time.time()}
        if (description := _opt_str(body, "description")) is not None:
            fields["description"] = description
        self.store.update("bookings", row["id"], fields)
        return JSONResponse(render.booking({**row, **fields}))

    async def empty_list(self, request: Request) -> Response:
        self.project(request)
        return _listing(request.url.path.rsplit("/", 1)[-1], 0, [])

    async def missing(self, request: Request) -> Response:
        self.project(request)
        kind = request.url.path.split("/")[3].rstrip("s")
        raise not_found(kind, request.url.path.rsplit("/", 1)[-1])


Handler = Callable[[Request], Awaitable[Response]]


def _guard(handler: Handler) -> Handler:
    """Turn ApiError into its body and any other exception into a JSON 500, never a traceback."""

    async def guarded(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as exc:
            return exc.response()
        except Exception as exc:
            log.exception("internal error on %s %s", request.method, request.url.path)
            return JSONResponse(
                {"type": "internal_error", "message": f"the emulator failed: {type(exc).__name__}"}, status_code=500
            )

    return guarded


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 404:
        return ApiError(404, "not_found", f"no route {request.method} {request.url.path}").response()
    error_type = "method_not_allowed" if status == 405 else "invalid_request"
    return ApiError(status, error_type, f"{request.method} {request.url.path}: HTTP {status}").response()


def build_app(store: Store, pool: WorkerPool, settings: Settings) -> Starlette:
    """The ASGI application of the API."""
    api = Api(store, pool, settings)
    p = PREFIX
    # the routes a running job's client calls come first: Starlette tries them in order
    table: list[tuple[str, Handler, list[str]]] = [
        (f"{p}/jobs/{{job_id}}", api.get_job, ["GET"]),
        (f"{p}/jobs", api.list_jobs, ["GET"]),
        (f"{p}/jobs", api.create_job, ["POST"]),
        (f"{p}/models", api.create_model, ["POST"]),
        (f"{p}/jobs/{{job_id}}/results", api.job_results, ["GET"]),
        (f"{p}/platforms", api.list_platforms, ["GET"]),
        (f"{p}/platforms/{{platform_id}}", api.get_platform, ["GET"]),
        (f"{p}/sessions", api.list_sessions, ["GET"]),
        (f"{p}/sessions", api.create_session, ["POST"]),
        (f"{p}/sessions/{{session_id}}", api.get_session, ["GET"]),
        (f"{p}/sessions/{{session_id}}", api.update_session, ["PATCH"]),
        (f"{p}/sessions/{{session_id}}", api.delete_session, ["DELETE"]),
        (f"{p}/sessions/{{session_id}}/terminate", api.terminate_session, ["POST"]),
        (f"{p}/sessions/{{session_id}}/acls", api.session_acls, ["GET"]),
        (f"{p}/models", api.list_models, ["GET"]),
        (f"{p}/models/{{model_id}}", api.get_model, ["GET"]),
        (f"{p}/jobs/{{job_id}}", api.update_job, ["PATCH"]),
        (f"{p}/jobs/{{job_id}}", api.delete_job, ["DELETE"]),
        (f"{p}/jobs/{{job_id}}/cancel", api.cancel_job, ["POST"]),
        (f"{p}/jobs/{{job_id}}/circuit", api.job_circuit, ["GET"]),
        (f"{DOWNLOADS}{{token}}", api.download, ["GET"]),
        (f"{p}/bookings", api.list_bookings, ["GET"]),
        (f"{p}/bookings/{{booking_id}}", api.get_booking, ["GET"]),
        (f"{p}/bookings/{{booking_id}}", api.update_booking, ["PATCH"]),
        (f"{p}/applications", api.empty_list, ["GET"]),
        (f"{p}/applications/{{application_id}}", api.missing, ["GET"]),
        (f"{p}/processes", api.empty_list, ["GET"]),
        (f"{p}/processes/{{process_id}}", api.missing, ["GET"]),
    ]
    routes = [Route(path, _guard(handler), methods=methods) for path, handler, methods in table]
    return Starlette(routes=routes, exception_handlers={HTTPException: _http_error, Exception: _http_error})
