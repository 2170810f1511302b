"""Applications and processes: the spec's hosted-algorithm resources, served as stored records.

The emulator publishes one application, ``vqe`` (type ``vqe``), so that the
process operations of the spec can be used end to end (create, get, list with
``application_id`` and ``tags`` filters, update, cancel, delete, list results).
It does not run applications: a process is accepted, then ends at once in
``error`` with a progress message saying so, and has no results.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import validation as v
from .errors import invalid, not_found
from .platforms import CATALOGUE
from .render import timestamp
from .schema import Row, dumps_tags, new_id

if TYPE_CHECKING:
    from .context import Context

NOT_RUN = "the local emulator does not run applications: the process is stored, not executed"

APPLICATIONS: tuple[dict[str, Any], ...] = (
    {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "scaleway-qaas-emulator/applications/vqe")),
        "name": "vqe",
        "type": "vqe",
        "compatible_platform_ids": [p.id for p in CATALOGUE if p.type == "simulator"],
        "input_template": json.dumps({"hamiltonian": "string", "ansatz": "string", "shots": "integer"}),
    },
)
_BY_ID = {a["id"]: a for a in APPLICATIONS}
_APPLICATION_ORDER = {"name_asc": ("name", False), "name_desc": ("name", True)}
_APPLICATION_ORDER |= {"type_asc": ("type", False), "type_desc": ("type", True)}
_PROCESS_ORDER = {
    "created_at_desc": "created_at DESC", "created_at_asc": "created_at ASC", "name_asc": "name ASC",
    "name_desc": "name DESC", "started_at_asc": "started_at ASC", "started_at_desc": "started_at DESC",
    "status_asc": "status ASC", "status_desc": "status DESC",
}  # fmt: skip
_RESULT_ORDER = {"created_at_desc": "", "created_at_asc": ""}
_LIVE = ("starting", "running")


def render(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "application_id": row["application_id"],
        "platform_id": row["platform_id"],
        "attached_session_ids": [],
        "created_at": timestamp(row["created_at"]),
        "started_at": timestamp(row["started_at"]),
        "updated_at": timestamp(row["updated_at"]),
        "finished_at": timestamp(row["finished_at"]),
        "status": row["status"],
        "project_id": row["project_id"],
        "tags": json.loads(row["tags"]),
        "progress": 1 if row["status"] not in _LIVE else 0,
        "progress_message": row["progress_message"],
        "input": row["input"],
    }


def _application(application_id: Any, argument: str = "application_id") -> dict[str, Any]:
    found = _BY_ID.get(v.uuid_arg(application_id, argument))
    if found is None:
        raise not_found("application", str(application_id))
    return found


class Processes:
    """Route handlers of ``/applications`` and ``/processes``, over the request :class:`~.context.Context`."""

    def __init__(self, api: Context) -> None:
        self.api = api

    async def list_applications(self, request: Request) -> Response:
        self.api.project(request)
        page, size, (key, desc) = v.paging(request, _APPLICATION_ORDER, "name_asc")
        name = v.query_str(request, "name")
        kind = v.choice(request, "application_type", ("unknown_type", "vqe"), "unknown_type")
        found = [a for a in APPLICATIONS if (not name or a["name"] == name) and kind in ("unknown_type", a["type"])]
        found.sort(key=lambda a: a[key], reverse=desc)
        return JSONResponse({"total_count": len(found), "applications": found[(page - 1) * size : page * size]})

    async def get_application(self, request: Request) -> Response:
        self.api.project(request)
        return JSONResponse(_application(request.path_params["application_id"]))

    async def create(self, request: Request) -> Response:
        body = await v.json_body(request)
        project = self.api.project(request, v.opt_str(body, "project_id", 64))
        if not body.get("application_id"):
            raise invalid("application_id", "required: the id of an application from GET /applications", "required")
        application = _application(body["application_id"])
        if not body.get("platform_id"):
            raise invalid("platform_id", "required: the id of a platform from GET /platforms", "required")
        platform = self.api.platform(body["platform_id"])
        if platform.id not in application["compatible_platform_ids"]:
            raise invalid("platform_id", f"application {application['name']} does not run on {platform.name}")
        now = time.time()
        row = {
            "id": new_id(),
            "project_id": project,
            "application_id": application["id"],
            "platform_id": platform.id,
            "name": v.opt_str(body, "name") or f"qp-{application['name']}",
            "status": "error",
            "tags": dumps_tags(v.opt_tags(body)),
            "input": v.opt_str(body, "input", v.MAX_PARAMETERS) or "",
            "progress_message": NOT_RUN,
            "created_at": now,
            "started_at": None,
            "updated_at": now,
            "finished_at": now,
        }
        self.api.store.insert("processes", row)
        return JSONResponse(render(row))

    def _owned(self, request: Request) -> Row:
        return self.api.owned("processes", "process", request.path_params["process_id"], self.api.project(request))

    async def get(self, request: Request) -> Response:
        return JSONResponse(render(self._owned(request)))

    async def list(self, request: Request) -> Response:
        project = self.api.project(request, request.query_params.get("project_id"))
        page, size, order = v.paging(request, _PROCESS_ORDER, "created_at_desc")
        where: dict[str, Any] = {"project_id": project}
        if request.query_params.get("application_id"):
            where["application_id"] = v.uuid_arg(request.query_params["application_id"], "application_id")
        total, rows = self.api.store.page("processes", where, order, page, size, v.query_tags(request))
        return JSONResponse({"total_count": total, "processes": [render(r) for r in rows]})

    async def update(self, request: Request) -> Response:
        body = await v.json_body(request)
        row = self._owned(request)
        fields: dict[str, Any] = {"updated_at": time.time()}
        if (name := v.opt_str(body, "name")) is not None:
            fields["name"] = name
        if (tags := v.opt_tags(body)) is not None:
            fields["tags"] = dumps_tags(tags)
        self.api.store.update("processes", row["id"], fields)
        return JSONResponse(render({**row, **fields}))

    async def cancel(self, request: Request) -> Response:
        await v.json_body(request)
        row = self._owned(request)
        if row["status"] in _LIVE:
            now = time.time()
            fields = {"status": "cancelled", "updated_at": now, "finished_at": now, "progress_message": "cancelled"}
            self.api.store.update("processes", row["id"], fields)
            row = {**row, **fields}
        return JSONResponse(render(row))

    async def delete(self, request: Request) -> Response:
        self.api.store.delete("processes", self._owned(request)["id"])
        return Response(status_code=204)

    async def results(self, request: Request) -> Response:
        self._owned(request)
        v.paging(request, _RESULT_ORDER, "created_at_desc")
        return JSONResponse({"total_count": 0, "process_results": []})
