"""The Starlette application: routes of the QaaS v1alpha1 API, auth, errors.

Every route authenticates first (:mod:`.context`, which the handler modules
share: this module imports them, they never import it). Inputs are
checked by :mod:`.validation`; errors take the gateway's shapes (:mod:`.errors`);
every answer carries an ``X-Request-Id``. Large results are served by the
separate :mod:`.storage` endpoint. Handlers never raise: unexpected failures
become a JSON 500 body without traceback.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..core.errors import PayloadError
from ..core.wire import ComputationModel
from . import render
from . import validation as v
from .context import Context, Settings
from .errors import ApiError, invalid, not_found, precondition, transient_state
from .platforms import BY_ID, CATALOGUE
from .processes import Processes
from .schema import dumps_tags, new_id
from .sessions import Sessions
from .storage import ResultStorage
from .store import Store
from .worker import WorkerPool

log = logging.getLogger("scaleway_qaas.emulator")

PREFIX = "/qaas/v1alpha1"
MAX_PAYLOAD = 200_000_000  # characters of a model payload

_PLATFORM_ORDER = {
    f"{field}_{d}": (field, d == "desc")
    for field in ("name", "provider_name", "type", "technology", "backend_name")
    for d in ("asc", "desc")
}
_PLATFORM_TYPES = ("unknown_type", "simulator", "qpu")
_TECHNOLOGIES = ("unknown_technology", "photonic", "general_purpose", "trapped_ion", "superconducting", "neutral_atom")
_JOB_ORDER = {
    "created_at_desc": "seq DESC", "created_at_asc": "seq ASC", "status_asc": "status ASC",
    "status_desc": "status DESC", "name_asc": "name ASC", "name_desc": "name DESC",
    "platform_name_asc": "seq DESC", "platform_name_desc": "seq DESC",
    "session_name_asc": "session_id ASC", "session_name_desc": "session_id DESC",
}  # fmt: skip


def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json")


# --- the API ---------------------------------------------------------------------------------------------


class Api(Context):
    """Route handlers of platforms, models and jobs, over the :class:`~.context.Context` they share
    with the other handler modules."""

    def __init__(self, store: Store, pool: WorkerPool, settings: Settings, storage: ResultStorage) -> None:
        super().__init__(store, pool, settings, storage)
        self.jobs_json = render.JobJsonCache()

    # -- platforms -------------------------------------------------------------------------------------

    async def list_platforms(self, request: Request) -> Response:
        self.project(request)
        page, size, (key, desc) = v.paging(request, _PLATFORM_ORDER, "name_asc")
        filters = {
            "name": v.query_str(request, "name"),
            "provider_name": v.query_str(request, "provider_name"),
            "backend_name": v.query_str(request, "backend_name"),
            "type": v.choice(request, "platform_type", _PLATFORM_TYPES, "unknown_type"),
            "technology": v.choice(request, "platform_technology", _TECHNOLOGIES, "unknown_technology"),
        }
        found = [
            p
            for p in CATALOGUE
            if all(not want or want.startswith("unknown_") or p.record[k] == want for k, want in filters.items())
        ]
        found.sort(key=lambda p: p.record[key], reverse=desc)
        if filters["name"] and len(found) == 1:
            self.pool.prepare(found[0])  # looked up by name: about to be used
        items = [render.served(p, self.settings.availability) for p in found[(page - 1) * size : page * size]]
        return render.listing("platforms", len(found), items)

    async def get_platform(self, request: Request) -> Response:
        self.project(request)
        spec = self.platform(request.path_params["platform_id"])
        return JSONResponse(render.served(spec, self.settings.availability))

    # -- models -------------------------------------------------------------------------------------------

    async def create_model(self, request: Request) -> Response:
        body = await v.json_body(request)
        project = self.project(request, v.opt_str(body, "project_id", 64))
        payload = body.get("payload")
        if not isinstance(payload, str) or not payload:
            raise invalid("payload", "required: the computation model as a JSON string", reason="required")
        v.text(payload, "payload", MAX_PAYLOAD)
        parsed = v.strict_json(payload, "payload")
        for key in ("backend", "client", "noise_model"):
            if isinstance(parsed, dict) and parsed.get(key) is not None and not isinstance(parsed[key], dict):
                raise invalid("payload", f"the model's {key!r} must be a JSON object")
        try:
            model = ComputationModel.from_json(payload)
        except PayloadError as exc:
            raise invalid("payload", str(exc)[:500], reason="syntax") from None
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
        page, size, order = v.paging(request, v.CREATED_ORDER, "created_at_desc")
        total, rows = self.store.page("models", {"project_id": project}, order, page, size)
        return render.listing("models", total, [render.model(r) for r in rows])

    # -- jobs -----------------------------------------------------------------------------------------------

    async def create_job(self, request: Request) -> Response:
        body = await v.json_body(request)
        project = self.project(request)
        if not body.get("session_id"):
            raise invalid("session_id", "required: the id of a running session", reason="required")
        session = self.owned("sessions", "session", body["session_id"], project)
        spec = BY_ID[session["platform_id"]]
        model_id = v.opt_uuid(body, "model_id") or session["model_id"]
        if not model_id:
            raise invalid("model_id", "required: create the programs with POST /models first", reason="required")
        model = self.owned("models", "model", model_id, project, "id, project_id, n_programs")  # not the payload
        parameters = v.opt_str(body, "parameters", v.MAX_PARAMETERS) or '{"shots": 1000, "options": null}'
        parameters = v.job_parameters(parameters, spec.max_shot_count, spec.name)
        name = v.opt_str(body, "name")
        if not name:  # the spec requires it and every official client sends one; ``circuit`` CUDA-Q's helper omits
            raise invalid("name", "required: the name of the job", reason="required")
        if model["n_programs"] > spec.max_circuit_count:
            raise invalid(
                "model_id",
                f"the model holds {model['n_programs']} programs; {spec.name} runs at most "
                f"{spec.max_circuit_count} per job: split them over several jobs",
            )
        v.duration(body, "max_duration", None)
        now = time.time()
        row = {
            "id": new_id(),
            "project_id": project,
            "session_id": session["id"],
            "name": name,
            "tags": dumps_tags(v.opt_tags(body)),
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
            # the real answer is unknown (REAL-SERVICE.md): a 412 from the gateway's vocabulary
            raise precondition(f"session {session['id']} is {refused}: it accepts no more jobs; create a new session")
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
        page, size, order = v.paging(request, _JOB_ORDER, "created_at_desc")
        where: dict[str, Any] = {"project_id": project}
        if q.get("session_id"):
            where["session_id"] = self.owned("sessions", "session", q["session_id"], project)["id"]
        total, rows = self.store.page("jobs", where, order, page, size, v.query_tags(request))
        items = b",".join(self.jobs_json.get(r) for r in rows)
        return _json(b'{"total_count":%d,"jobs":[%b]}' % (total, items))

    async def update_job(self, request: Request) -> Response:
        body = await v.json_body(request)
        row = self.owned("jobs", "job", request.path_params["job_id"], self.project(request))
        fields: dict[str, Any] = {"updated_at": time.time()}
        if (name := v.opt_str(body, "name")) is not None:
            fields["name"] = name
        if (tags := v.opt_tags(body)) is not None:
            fields["tags"] = dumps_tags(tags)
        self.store.update("jobs", row["id"], fields)
        return JSONResponse(render.job({**row, **fields}))

    async def cancel_job(self, request: Request) -> Response:
        row = self.owned("jobs", "job", request.path_params["job_id"], self.project(request))
        self.store.cancel_job(row["id"], time.time())
        return JSONResponse(render.job(self.store.get("jobs", row["id"]) or row))

    async def delete_job(self, request: Request) -> Response:
        row = self.owned("jobs", "job", request.path_params["job_id"], self.project(request))
        if row["status"] == "cancelling":  # its simulation is still running: retry once it is cancelled
            raise transient_state("job", row["id"], row["status"])
        self.store.delete_job(row["id"])
        return Response(status_code=204)

    async def job_circuit(self, request: Request) -> Response:
        row = self.owned("jobs", "job", request.path_params["job_id"], self.project(request))
        model = self.store.get("models", row["model_id"])
        return JSONResponse({"perceval_circuit": "", "qiskit_circuit": model["payload"] if model else ""})

    async def job_results(self, request: Request) -> Response:
        row = self.owned("jobs", "job", request.path_params["job_id"], self.project(request))
        page, size, order = v.paging(request, v.CREATED_ORDER, "created_at_desc")
        rows = self.store.results(row["id"])  # in creation order (the programs' order)
        if order.endswith("DESC"):
            rows = rows[::-1]
        limit, now = self.settings.inline_result_bytes, time.time()
        items = [
            render.job_result(r, self.storage.url(r["token"], now) if len(r["result"]) > limit else "")
            for r in rows[(page - 1) * size : page * size]
        ]
        return render.listing("job_results", len(rows), items)


Handler = Callable[[Request], Awaitable[Response]]
Scope = MutableMapping[str, Any]
ASGI = Callable[[Scope, Any, Any], Awaitable[None]]


def _guard(handler: Handler, authenticate: Callable[[Request], object]) -> Handler:
    """Authenticate first; turn ApiError into its body and any other exception into a JSON 500, never a traceback."""

    async def guarded(request: Request) -> Response:
        try:
            authenticate(request)
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
        return not_found("route", f"{request.method} {request.url.path}"[:300]).response()
    error_type = "method_not_allowed" if status == 405 else "invalid_request"
    return ApiError(status, error_type, f"{request.method} {request.url.path[:300]}: HTTP {status}").response()


class RequestIds:
    """ASGI wrapper giving every response an ``X-Request-Id`` header (a fresh UUID)."""

    def __init__(self, app: ASGI) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = (b"x-request-id", str(uuid.uuid4()).encode())

        async def send_with_id(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        await self.app(scope, receive, send_with_id)


def build_app(store: Store, pool: WorkerPool, settings: Settings, storage: ResultStorage) -> RequestIds:
    """The ASGI application of the API."""
    api = Api(store, pool, settings, storage)
    proc = Processes(api)
    sess = Sessions(api)
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
        (f"{p}/sessions", sess.list_sessions, ["GET"]),
        (f"{p}/sessions", sess.create_session, ["POST"]),
        (f"{p}/sessions/{{session_id}}", sess.get_session, ["GET"]),
        (f"{p}/sessions/{{session_id}}", sess.update_session, ["PATCH"]),
        (f"{p}/sessions/{{session_id}}", sess.delete_session, ["DELETE"]),
        (f"{p}/sessions/{{session_id}}/terminate", sess.terminate_session, ["POST"]),
        (f"{p}/sessions/{{session_id}}/acls", sess.session_acls, ["GET"]),
        (f"{p}/models", api.list_models, ["GET"]),
        (f"{p}/models/{{model_id}}", api.get_model, ["GET"]),
        (f"{p}/jobs/{{job_id}}", api.update_job, ["PATCH"]),
        (f"{p}/jobs/{{job_id}}", api.delete_job, ["DELETE"]),
        (f"{p}/jobs/{{job_id}}/cancel", api.cancel_job, ["POST"]),
        (f"{p}/jobs/{{job_id}}/circuit", api.job_circuit, ["GET"]),
        (f"{p}/bookings", sess.list_bookings, ["GET"]),
        (f"{p}/bookings/{{booking_id}}", sess.get_booking, ["GET"]),
        (f"{p}/bookings/{{booking_id}}", sess.update_booking, ["PATCH"]),
        (f"{p}/applications", proc.list_applications, ["GET"]),
        (f"{p}/applications/{{application_id}}", proc.get_application, ["GET"]),
        (f"{p}/processes", proc.list, ["GET"]),
        (f"{p}/processes", proc.create, ["POST"]),
        (f"{p}/processes/{{process_id}}", proc.get, ["GET"]),
        (f"{p}/processes/{{process_id}}", proc.update, ["PATCH"]),
        (f"{p}/processes/{{process_id}}", proc.delete, ["DELETE"]),
        (f"{p}/processes/{{process_id}}/cancel", proc.cancel, ["POST"]),
        (f"{p}/processes/{{process_id}}/results", proc.results, ["GET"]),
    ]
    routes = [Route(path, _guard(handler, api.authenticate), methods=methods) for path, handler, methods in table]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error, Exception: _http_error})
    return RequestIds(app)
