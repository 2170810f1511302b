"""Scaleway JSON error bodies, raised as :class:`ApiError` by the route handlers."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse


class ApiError(Exception):
    """An HTTP error answered with a Scaleway error body."""

    def __init__(self, status: int, error_type: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"type": error_type, "message": message, **extra}
        self.headers: dict[str, str] = {}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body, status_code=self.status, headers=self.headers)


def invalid(argument: str, help_message: str, reason: str = "constraint") -> ApiError:
    return ApiError(
        400,
        "invalid_arguments",
        f"invalid argument(s): {argument}: {help_message}",
        details=[{"argument_name": argument, "reason": reason, "help_message": help_message}],
    )


def not_found(resource: str, resource_id: str) -> ApiError:
    return ApiError(404, "not_found", f"{resource} {resource_id} not found", resource=resource, resource_id=resource_id)


def unauthenticated(message: str) -> ApiError:
    return ApiError(401, "denied_authentication", message, method="api_key", reason="invalid_argument")


def forbidden(message: str) -> ApiError:
    return ApiError(403, "permissions_denied", message, details=[{"resource": "qaas", "action": "write"}])


def precondition(message: str, precondition_name: str) -> ApiError:
    return ApiError(412, "precondition_failed", message, precondition=precondition_name)
