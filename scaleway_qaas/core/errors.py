"""One exception tree for everything the package raises.

Every error derives from :class:`QaaSError`. Errors built from a Scaleway
JSON error body keep the server's ``message``, its ``type``, the HTTP status
and the request id, so a user can quote them to support.
"""

from __future__ import annotations

from typing import Any


class QaaSError(Exception):
    """Base class of every error raised by ``scaleway_qaas``."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        error_type: str | None = None,
        request_id: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.error_type = error_type
        self.request_id = request_id
        self.details = details or {}

    def __str__(self) -> str:
        parts = [self.message]
        if self.status_code is not None:
            parts.append(f"(HTTP {self.status_code}{', ' + self.error_type if self.error_type else ''})")
        if self.request_id:
            parts.append(f"[request id {self.request_id}]")
        return " ".join(parts)


class ConfigurationError(QaaSError):
    """Credentials or endpoint could not be resolved, or are malformed."""


class InvalidArgumentError(QaaSError, ValueError):
    """The request (or a local argument) is invalid: bad shots, too many qubits, malformed duration..."""


class PayloadError(InvalidArgumentError):
    """A program, parameters or result payload could not be encoded or decoded."""


class AuthenticationError(QaaSError):
    """The secret key was missing or refused (HTTP 401)."""


class PermissionDeniedError(QaaSError):
    """The key is valid but may not act on this resource or project (HTTP 403)."""


class NotFoundError(QaaSError, LookupError):
    """The platform, session, job, model or booking does not exist (HTTP 404)."""


class PreconditionFailedError(QaaSError):
    """The resource is not in a state that allows the operation (HTTP 412)."""


class QuotaExceededError(QaaSError):
    """A quota of the account was reached."""


class RateLimitedError(QuotaExceededError):
    """Too many requests (HTTP 429), still failing after the retries."""


class ServerError(QaaSError):
    """The service failed (HTTP 5xx) or could not be reached, after the retries."""


class ConnectionFailedError(ServerError):
    """The API URL could not be reached at all."""


class JobFailedError(QaaSError):
    """A job ended in ``error``; the message is the platform's progress message."""

    def __init__(self, message: str, *, job_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.job_id = job_id


class JobCancelledError(JobFailedError):
    """A job was cancelled before it produced results."""


class JobTimeoutError(QaaSError, TimeoutError):
    """Waiting for a job (or a session to start) exceeded the timeout."""


class SessionClosedError(PreconditionFailedError):
    """The session is stopping or stopped (terminated, expired or idle too long)."""


_TYPE_TO_ERROR: dict[str, type[QaaSError]] = {
    "invalid_arguments": InvalidArgumentError,
    "invalid_request": InvalidArgumentError,
    "denied_authentication": AuthenticationError,
    "authentication_failed": AuthenticationError,
    "permissions_denied": PermissionDeniedError,
    "not_found": NotFoundError,
    "precondition_failed": PreconditionFailedError,
    "quotas_exceeded": QuotaExceededError,
    "too_many_requests": RateLimitedError,
}

_STATUS_TO_ERROR: dict[int, type[QaaSError]] = {
    400: InvalidArgumentError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: PreconditionFailedError,
    412: PreconditionFailedError,
    429: RateLimitedError,
}


def error_from_response(
    status_code: int, body: Any, request_id: str | None = None
) -> QaaSError:
    """Build the typed error for an HTTP error answer with a Scaleway error body."""
    body = body if isinstance(body, dict) else {}
    error_type = body.get("type") if isinstance(body.get("type"), str) else None
    message = body.get("message") if isinstance(body.get("message"), str) else None
    if error_type == "precondition_failed" and body.get("precondition") == "session_closed":
        cls: type[QaaSError] = SessionClosedError
    elif error_type in _TYPE_TO_ERROR and not (error_type == "quotas_exceeded" and status_code == 429):
        cls = _TYPE_TO_ERROR[error_type]
    elif status_code >= 500:
        cls = ServerError
    else:
        cls = _STATUS_TO_ERROR.get(status_code, QaaSError)
    if message is None:
        message = f"the service answered HTTP {status_code}"
    details = {k: v for k, v in body.items() if k not in ("type", "message")}
    return cls(
        message,
        status_code=status_code,
        error_type=error_type,
        request_id=request_id,
        details=details,
    )
