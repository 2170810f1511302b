"""Scaleway gateway error bodies, raised as :class:`ApiError` by the route handlers.

The shapes are the gateway's (see ``REAL-SERVICE.md``, "Answers"): a fixed
``message`` per ``type``, and the specifics in the type's own fields, e.g.

    400 {"type": "invalid_arguments", "message": "invalid argument(s)",
         "details": [{"argument_name": "page", "reason": "constraint", "help_message": "..."}]}
    404 {"type": "not_found", "message": "resource is not found", "resource": "job", "resource_id": "..."}
    412 {"type": "precondition_failed", "precondition": "unknown_precondition", "help_message": "..."}

Every ``message`` is one a Scaleway API answered (bodies recorded in public SDK tests and tools); a
recorded 412 body carries none (``{"help_message", "precondition", "type"}``), so ours has none either.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

#: the gateway's preconditions (``precondition_failed``)
PRECONDITIONS = ("unknown_precondition", "resource_still_in_use", "attribute_must_be_set")


class ApiError(Exception):
    """An HTTP error answered with a Scaleway error body."""

    def __init__(self, status: int, error_type: str, message: str | None, **fields: Any) -> None:
        super().__init__(message or fields.get("help_message") or error_type)
        self.status = status
        self.body = {"type": error_type, **({"message": message} if message is not None else {}), **fields}
        self.headers: dict[str, str] = {}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body, status_code=self.status, headers=self.headers)


def invalid(argument: str, help_message: str, reason: str = "constraint") -> ApiError:
    """400 ``invalid_arguments``; ``reason`` is ``constraint``, ``syntax`` or ``required``."""
    detail = {"argument_name": argument, "reason": reason, "help_message": help_message}
    return ApiError(400, "invalid_arguments", "invalid argument(s)", details=[detail])


def unauthenticated(reason: str) -> ApiError:
    """401 ``denied_authentication``; ``reason`` is ``invalid_argument`` (no key) or ``not_found`` (unknown key)."""
    return ApiError(401, "denied_authentication", "authentication is denied", method="api_key", reason=reason)


def forbidden(action: str = "write") -> ApiError:
    """403 ``permissions_denied``: a valid key acting on a project it does not belong to."""
    return ApiError(
        403, "permissions_denied", "insufficient permissions", details=[{"resource": "qaas", "action": action}]
    )


def not_found(resource: str, resource_id: str) -> ApiError:
    return ApiError(404, "not_found", "resource is not found", resource=resource, resource_id=resource_id)


def transient_state(resource: str, resource_id: str, current_state: str) -> ApiError:
    return ApiError(
        409,
        "transient_state",
        "resource is in a transient state",
        resource=resource,
        resource_id=resource_id,
        current_state=current_state,
    )


def precondition(help_message: str, name: str = "unknown_precondition") -> ApiError:
    """412 ``precondition_failed``; ``name`` is one of :data:`PRECONDITIONS`."""
    assert name in PRECONDITIONS, name
    return ApiError(412, "precondition_failed", None, precondition=name, help_message=help_message)


def quotas_exceeded(resource: str, quota: int, current: int, status: int = 429) -> ApiError:
    return ApiError(
        status,
        "quotas_exceeded",
        "quota(s) exceeded for this resource",
        details=[{"resource": resource, "quota": quota, "current": current}],
    )
