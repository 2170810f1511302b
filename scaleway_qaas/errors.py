"""The package's exceptions (defined in :mod:`scaleway_qaas.core.errors`)."""

from .core.errors import (
    AuthenticationError,
    ConfigurationError,
    ConnectionFailedError,
    InvalidArgumentError,
    JobCancelledError,
    JobFailedError,
    JobTimeoutError,
    NotFoundError,
    PayloadError,
    PermissionDeniedError,
    PreconditionFailedError,
    QaaSError,
    QuotaExceededError,
    RateLimitedError,
    ServerError,
    SessionClosedError,
)

__all__ = [
    "AuthenticationError",
    "ConfigurationError",
    "ConnectionFailedError",
    "InvalidArgumentError",
    "JobCancelledError",
    "JobFailedError",
    "JobTimeoutError",
    "NotFoundError",
    "PayloadError",
    "PermissionDeniedError",
    "PreconditionFailedError",
    "QaaSError",
    "QuotaExceededError",
    "RateLimitedError",
    "ServerError",
    "SessionClosedError",
]
