"""Sessions and bookings: create (with deduplication and booking demands), read, list, update, terminate, delete."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import render
from . import validation as v
from .errors import invalid
from .platforms import PlatformSpec
from .schema import Row, dumps_tags, new_id

if TYPE_CHECKING:
    from .context import Context

_SESSION_ORDER = {
    "name_asc": "name ASC", "name_desc": "name DESC", "started_at_asc": "started_at ASC",
    "started_at_desc": "started_at DESC", "status_asc": "status ASC", "status_desc": "status DESC",
    "created_at_asc": "created_at ASC", "created_at_desc": "created_at DESC",
}  # fmt: skip
_BOOKING_ORDER = {**v.CREATED_ORDER, "started_at_desc": "started_at DESC", "started_at_asc": "started_at ASC"}


class Sessions:
    """Route handlers of ``/sessions`` and ``/bookings``, over the request :class:`~.context.Context`."""

    def __init__(self, api: Context) -> None:
        self.api = api

    def _session_json(self, row: Row) -> dict[str, Any]:
        return render.session(row, *self.api.store.job_counts(row["id"]))

    async def create_session(self, request: Request) -> Response:
        body = await v.json_body(request)
        project = self.api.project(request, v.opt_str(body, "project_id", 64))
        if not body.get("platform_id"):
            raise invalid("platform_id", "required: the id of a platform from GET /platforms", reason="required")
        spec = self.api.platform(body["platform_id"])
        self.api.pool.prepare(spec)
        now = time.time()
        max_duration = v.duration(body, "max_duration", self.api.settings.default_max_duration) or 0.0
        max_idle = v.duration(body, "max_idle_duration", self.api.settings.default_max_idle_duration)
        session_id = new_id()
        booking = self._booking(body.get("booking_demand"), spec, project, session_id, now, max_duration)
        model_id = v.opt_uuid(body, "model_id") or ""
        if model_id:
            self.api.owned("models", "model", model_id, project, "id, project_id")
        row = {
            "id": session_id,
            "project_id": project,
            "platform_id": spec.id,
            "name": v.opt_str(body, "name") or f"qs-{session_id[:8]}",
            "status": "starting",
            "created_at": now,
            "start_at": now + self.api.settings.session_start_delay,
            "started_at": None,
            "updated_at": now,
            "terminated_at": None,
            "max_idle": max_idle,
            "max_duration": max_duration,
            "tags": dumps_tags(v.opt_tags(body)),
            "deduplication_id": v.opt_str(body, "deduplication_id") or "",
            "progress_message": "",
            "booking_id": booking["id"] if booking else "",
            "model_id": model_id,
            "parameters": v.opt_str(body, "parameters", v.MAX_PARAMETERS) or "",
            "last_activity": now,
        }
        row, _created = self.api.store.create_session(row, booking)
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
        started, finished = demand.get("started_at"), demand.get("finished_at")
        start = v.timestamp(started, "booking_demand.started_at") if started else now
        end = v.timestamp(finished, "booking_demand.finished_at") if finished else start + length
        if end <= start:
            raise invalid("booking_demand.finished_at", "must be after booking_demand.started_at")
        return {
            "id": new_id(),
            "project_id": project,
            "platform_id": spec.id,
            "session_id": session_id,
            "status": "validated",
            "description": v.opt_str(demand, "description") or "",
            "time_zone": v.opt_str(demand, "time_zone", 64) or "UTC",
            "progress_message": "",
            "created_at": now,
            "started_at": start,
            "finished_at": end,
            "updated_at": now,
        }

    async def get_session(self, request: Request) -> Response:
        row = self.api.owned("sessions", "session", request.path_params["session_id"], self.api.project(request))
        return JSONResponse(self._session_json(row))

    async def list_sessions(self, request: Request) -> Response:
        project = self.api.project(request, request.query_params.get("project_id"))
        page, size, order = v.paging(request, _SESSION_ORDER, "name_asc")
        where: dict[str, Any] = {"project_id": project}
        if request.query_params.get("platform_id"):
            # an unknown platform has no sessions: an empty list, not 404 (the official SDK's own test expects it)
            where["platform_id"] = v.uuid_arg(request.query_params["platform_id"], "platform_id")
        tags = v.query_tags(request)
        self.api.store.advance(time.time())
        total, rows = self.api.store.page("sessions", where, order, page, size, tags)
        return render.listing("sessions", total, [self._session_json(r) for r in rows])

    async def update_session(self, request: Request) -> Response:
        body = await v.json_body(request)
        row = self.api.owned("sessions", "session", request.path_params["session_id"], self.api.project(request))
        fields: dict[str, Any] = {"updated_at": time.time()}
        if (name := v.opt_str(body, "name")) is not None:
            fields["name"] = name
        if (tags := v.opt_tags(body)) is not None:
            fields["tags"] = dumps_tags(tags)
        for key, column in (("max_duration", "max_duration"), ("max_idle_duration", "max_idle")):
            if (value := v.duration(body, key, None)) is not None:
                fields[column] = value
        self.api.store.update("sessions", row["id"], fields)
        return JSONResponse(self._session_json({**row, **fields}))

    async def terminate_session(self, request: Request) -> Response:
        row = self.api.owned("sessions", "session", request.path_params["session_id"], self.api.project(request))
        if row["status"] in ("starting", "running"):
            self.api.store.terminate_session(row["id"], "terminated by the user", time.time())
        return JSONResponse(self._session_json(self.api.store.get("sessions", row["id"]) or row))

    async def delete_session(self, request: Request) -> Response:
        row = self.api.owned("sessions", "session", request.path_params["session_id"], self.api.project(request))
        self.api.store.delete_session(row["id"])
        return Response(status_code=204)

    async def session_acls(self, request: Request) -> Response:
        self.api.owned("sessions", "session", request.path_params["session_id"], self.api.project(request))
        page = v.query_int(request, "page", 1, 1, v.MAX_PAGE)
        v.query_int(request, "page_size", 20, 1, v.MAX_PAGE_SIZE)
        return render.listing("acls", 1, ["full"] if page == 1 else [])

    async def list_bookings(self, request: Request) -> Response:
        q = request.query_params
        project = self.api.project(request, q.get("project_id"))
        page, size, order = v.paging(request, _BOOKING_ORDER, "created_at_desc")
        where: dict[str, Any] = {"project_id": project}
        if q.get("platform_id"):
            where["platform_id"] = self.api.platform(q["platform_id"]).id
        total, rows = self.api.store.page("bookings", where, order, page, size)
        return render.listing("bookings", total, [render.booking(r) for r in rows])

    async def get_booking(self, request: Request) -> Response:
        row = self.api.owned("bookings", "booking", request.path_params["booking_id"], self.api.project(request))
        return JSONResponse(render.booking(row))

    async def update_booking(self, request: Request) -> Response:
        body = await v.json_body(request)
        row = self.api.owned("bookings", "booking", request.path_params["booking_id"], self.api.project(request))
        fields: dict[str, Any] = {"updated_at": time.time()}
        if (description := v.opt_str(body, "description")) is not None:
            fields["description"] = description
        self.api.store.update("bookings", row["id"], fields)
        return JSONResponse(render.booking({**row, **fields}))
