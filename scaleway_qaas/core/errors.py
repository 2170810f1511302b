"""One exception tree for everything the package raises.

Every error derives from :class:`QaaSError`. Errors built from a Scaleway
JSON error body keep the server's ``message``, its ``type``, the HTTP status
and the request id, so a user can quote them to support.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class QaaSError(Exception):
    """Base class of every error raised by ``scaleway_qaas``.

    ``details`` keeps the rest of the server's error body (``details`` list, ``help_message``,
    ``resource``, ``resource_id``, ``precondition``, ``current_state``...); ``str()`` shows them.
    """

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
        explained = _explain(self.details, self.error_type)
        if explained and explained not in self.message:
            parts[0] = f"{self.message}: {explained}"
        if self.status_code is not None:
            parts.append(f"(HTTP {self.status_code}{', ' + self.error_type if self.error_type else ''})")
        if self.request_id:
            parts.append(f"[request id {self.request_id}]")
        return " ".join(parts)


def _detail(item: dict[str, Any], error_type: str | None) -> str | None:
    """One entry of the body's ``details``: an argument's problem, a quota reached, an action denied."""
    if "argument_name" in item:
        text = f"{item.get('argument_name')}: {item.get('help_message') or item.get('reason') or 'invalid'}"
        if item.get("reason") and item.get("help_message"):
            text += f" ({item['reason']})"
        return text
    if "resource" not in item:
        return None
    if "quota" in item or error_type == "quotas_exceeded":
        used = f"{item['current']} of {item['quota']} in use" if "quota" in item and "current" in item else "reached"
        return f"quota of {item['resource']}: {used}"
    return f"{item.get('action', 'access')} on {item['resource']} denied"


def _explain(body: dict[str, Any], error_type: str | None = None) -> str:
    """The gateway's explanations in one line: argument details or fields, quotas, help message, resource, state."""
    out = [text for item in body.get("details") or () if isinstance(item, dict) and (text := _detail(item, error_type))]
    fields = body.get("fields")
    if isinstance(fields, dict):  # invalid_request_error: {"field": ["message", ...]}
        for name in sorted(fields):
            messages = fields[name] if isinstance(fields[name], list) else [fields[name]]
            out.append(f"{name}: {', '.join(map(str, messages))}")
    for key in ("help_message", "reason"):
        if isinstance(body.get(key), str) and body[key]:
            out.append(body[key])
    if body.get("resource") or body.get("resource_id"):
        out.append(f"{body.get('resource', 'resource')} {body.get('resource_id', '')}".strip())
    if body.get("expired_since"):
        out.append(f"expired since {body['expired_since']}")
    if body.get("current_state"):
        out.append(f"current state {body['current_state']}")
    if body.get("precondition") and body.get("precondition") != "unknown_precondition":
        out.append(f"precondition {body['precondition']}")
    return "; ".join(out)


class ConfigurationError(QaaSError):
    """Credentials or endpoint could not be resolved, or are malformed."""


class InvalidArgumentError(QaaSError, ValueError):
    """The request (or a local argument) is invalid: bad shots, too many qubits, malformed duration..."""


class UnsupportedFeatureError(InvalidArgumentError):
    """A program uses a feature its platform cannot run (see :mod:`.capabilities`); raised before anything
    is sent or billed. ``feature``: what it uses; ``platforms``: where it runs (name patterns)."""

    def __init__(self, message: str, feature: str, platforms: tuple[str, ...]) -> None:
        super().__init__(message)
        self.feature = feature
        self.platforms = platforms


class PayloadError(QaaSError):
    """A payload (a result, a model, job parameters) that cannot be decoded: from the service, a bad answer.

    Not a :class:`ValueError`: it says nothing about the caller's arguments.
    """


class AuthenticationError(QaaSError):
    """The secret key was missing or refused (HTTP 401)."""


class PermissionDeniedError(QaaSError):
    """The key is valid but may not act on this resource or project (HTTP 403)."""


class NotFoundError(QaaSError, LookupError):
    """The platform, session, job, model or booking does not exist (HTTP 404)."""


class PreconditionFailedError(QaaSError):
    """The resource is not in a state that allows the operation (HTTP 412)."""


class QuotaExceededError(QaaSError):
    """A quota of the account was reached (``str()`` names the resource, the quota and the current use)."""


class PlatformUnavailableError(QaaSError):
    """The platform is in maintenance: no session was opened on it and nothing was sent."""


class PlatformShortageWarning(UserWarning):
    """(A warning, not an error.) The platform reports a shortage: its jobs may wait long before they run."""


class OutOfStockError(QaaSError):
    """The service has no capacity left for the resource (``out_of_stock``): try again later, or elsewhere."""


class ResourceExpiredError(PreconditionFailedError):
    """The resource expired (``resource_expired``, with ``expired_since``) and can no longer be used."""


class ResourceLockedError(PreconditionFailedError):
    """The resource is locked (``locked``, e.g. by Scaleway's trust and safety): contact support."""


class RateLimitedError(QuotaExceededError):
    """Too many requests (HTTP 429), still failing after the retries; ``retry_after`` is the server's hint."""

    retry_after: float | None = None


class ServerError(QaaSError):
    """The service failed (HTTP 5xx) or could not be reached, after the retries."""


class ConnectionFailedError(ServerError):
    """The API URL could not be reached at all."""


class ServiceUnreachableError(ConnectionFailedError):
    """Waiting for jobs gave up: the service stayed unreachable (no connection, timeouts, HTTP 5xx or
    429) for ``PollPolicy.max_outage`` seconds. The jobs may still be running there: ``job_ids`` names
    them, ``url`` the API, ``waited`` the seconds of outage; ``Job.attach(client, ...)`` finds them later."""

    def __init__(self, url: str, job_ids: Sequence[str], waited: float, last_error: BaseException) -> None:
        joined = ",".join(job_ids)
        cause = str(last_error) or type(last_error).__name__
        super().__init__(
            f"the QaaS API at {url} has been unreachable for {waited:.0f} s (last: {cause}); stopped waiting for "
            f"job {joined}, which may still be running on the service: look it up later with "
            f"Job.attach(client, {joined!r}) or `scaleway-qaas jobs show {job_ids[0] if job_ids else 'ID'}`"
        )
        self.url = url
        self.job_ids = tuple(job_ids)
        self.waited = waited
        self.last_error = last_error

    def for_jobs(self, job_ids: Sequence[str]) -> ServiceUnreachableError:
        """The same outage, told of other jobs (those of one submission)."""
        return ServiceUnreachableError(self.url, job_ids, self.waited, self.last_error)


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


class BudgetExceededError(InvalidArgumentError):
    """A submission's estimated cost exceeds its ``max_cost`` budget; nothing was sent."""


_TYPE_TO_ERROR: dict[str, type[QaaSError]] = {
    "invalid_arguments": InvalidArgumentError,
    "invalid_request": InvalidArgumentError,
    "denied_authentication": AuthenticationError,
    "authentication_failed": AuthenticationError,
    "permissions_denied": PermissionDeniedError,
    "not_found": NotFoundError,
    "precondition_failed": PreconditionFailedError,
    "transient_state": PreconditionFailedError,
    "quotas_exceeded": QuotaExceededError,
    "too_many_requests": RateLimitedError,
    "out_of_stock": OutOfStockError,
    "resource_expired": ResourceExpiredError,
    "locked": ResourceLockedError,
    "unknown_resource": NotFoundError,  # older APIs' not_found (the Go SDK reads it so)
    "invalid_request_error": InvalidArgumentError,  # older APIs' invalid_arguments, with a ``fields`` map
}

_STATUS_TO_ERROR: dict[int, type[QaaSError]] = {
    400: InvalidArgumentError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: PreconditionFailedError,  # transient_state
    412: PreconditionFailedError,
    429: RateLimitedError,
}


def error_from_response(status_code: int, body: Any, request_id: str | None = None) -> QaaSError:
    """Build the typed error for an HTTP error answer with a Scaleway error body."""
    body = body if isinstance(body, dict) else {}
    error_type = body.get("type") if isinstance(body.get("type"), str) else None
    message = body.get("message") if isinstance(body.get("message"), str) else None
    cls: type[QaaSError]
    if error_type == "invalid_request_error" and "quota exceeded for this resource" in (message or "").lower():
        cls = QuotaExceededError  # how older APIs say quotas_exceeded (as the Go SDK reads it)
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
