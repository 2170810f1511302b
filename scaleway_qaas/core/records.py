"""The API's records as attrs classes, built from its JSON with cattrs.

Unknown fields are ignored and unknown enum values map to the ``unknown_*``
member, so a newer API never breaks an older client.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar, cast

import attrs
import cattrs


class _Enum(StrEnum):
    @classmethod
    def _missing_(cls, value: object) -> _Enum:
        return next(iter(cls))


class SessionStatus(_Enum):
    UNKNOWN = "unknown_status"
    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"
    STOPPED = "stopped"

    @property
    def is_open(self) -> bool:
        """Starting or running: the session takes jobs (and is billed)."""
        return self in (SessionStatus.STARTING, SessionStatus.RUNNING)


class JobStatus(_Enum):
    UNKNOWN = "unknown_status"
    WAITING = "waiting"
    RUNNING = "running"
    COMPLETED = "completed"
    ERROR = "error"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.ERROR, JobStatus.CANCELLED)


class PlatformType(_Enum):
    UNKNOWN = "unknown_type"
    SIMULATOR = "simulator"
    QPU = "qpu"


class PlatformTechnology(_Enum):
    UNKNOWN = "unknown_technology"
    PHOTONIC = "photonic"
    GENERAL_PURPOSE = "general_purpose"
    TRAPPED_ION = "trapped_ion"
    SUPERCONDUCTING = "superconducting"
    NEUTRAL_ATOM = "neutral_atom"


class Availability(_Enum):
    UNKNOWN = "unknown_availability"
    AVAILABLE = "available"
    SHORTAGE = "shortage"
    SCARCE = "scarce"
    MAINTENANCE = "maintenance"


class BookingStatus(_Enum):
    UNKNOWN = "unknown_status"
    WAITING = "waiting"
    VALIDATING = "validating"
    VALIDATED = "validated"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"
    ERROR = "error"


@attrs.frozen
class Money:
    currency_code: str = ""
    units: int = 0
    nanos: int = 0

    @property
    def amount(self) -> float:
        return self.units + self.nanos / 1e9


@attrs.frozen
class PlatformInfo:
    """A platform record (a simulator or a QPU) as the API returns it.

    What the platform can do (formats, native instructions, prices...) is read from it
    once by :func:`scaleway_qaas.core.platform.describe`.
    """

    id: str
    name: str
    version: str = ""
    provider_name: str = ""
    backend_name: str = ""
    type: PlatformType = PlatformType.UNKNOWN
    technology: PlatformTechnology = PlatformTechnology.UNKNOWN
    max_qubit_count: int = 0
    max_shot_count: int = 0
    max_circuit_count: int = 0
    availability: Availability = Availability.UNKNOWN
    metadata: str = ""
    price_per_hour: Money | None = None
    price_per_shot: Money | None = None
    price_per_circuit: Money | None = None
    description: str = ""
    documentation_url: str = ""
    is_bookable: bool = False

    @property
    def is_simulator(self) -> bool:
        return self.type != PlatformType.QPU


@attrs.frozen
class SessionInfo:
    """A session: a billed time window on one platform."""

    id: str
    platform_id: str
    name: str = ""
    status: SessionStatus = SessionStatus.UNKNOWN
    project_id: str = ""
    deduplication_id: str = ""
    created_at: str | None = None
    started_at: str | None = None
    updated_at: str | None = None
    terminated_at: str | None = None
    max_idle_duration: str | None = None
    max_duration: str | None = None
    waiting_job_count: int = 0
    finished_job_count: int = 0
    tags: list[str] | None = None
    progress_message: str | None = None
    booking_id: str | None = None
    model_id: str | None = None
    parameters: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status in (SessionStatus.STARTING, SessionStatus.RUNNING)


@attrs.frozen
class JobInfo:
    """A job: one model run with parameters inside a session."""

    id: str
    session_id: str
    name: str = ""
    status: JobStatus = JobStatus.UNKNOWN
    progress_message: str | None = None
    created_at: str | None = None
    started_at: str | None = None
    updated_at: str | None = None
    job_duration: str | None = None
    result_distribution: str | None = None
    model_id: str | None = None
    parameters: str | None = None
    tags: list[str] | None = None


@attrs.frozen
class JobResultInfo:
    """One result of a job: inline ``result`` or a download ``url``."""

    job_id: str
    result: str | None = None
    url: str | None = None
    created_at: str | None = None


@attrs.frozen
class ModelInfo:
    """A stored computation model (the programs of one or more jobs)."""

    id: str
    project_id: str = ""
    created_at: str | None = None
    url: str | None = None


@attrs.frozen
class BookingInfo:
    """A reserved time window on a bookable platform."""

    id: str
    status: BookingStatus = BookingStatus.UNKNOWN
    created_at: str | None = None
    started_at: str | None = None
    updated_at: str | None = None
    finished_at: str | None = None
    description: str = ""
    progress_message: str = ""
    time_zone: str | None = None


_converter = cattrs.Converter()
T = TypeVar("T")


def from_api(cls: type[T], data: Any) -> T:
    """Build a resource from the API's JSON (nulls become defaults, unknown keys are ignored)."""
    if not isinstance(data, dict):
        from .errors import ServerError

        raise ServerError(f"the service answered a malformed {cls.__name__}: {str(data)[:200]}")
    clean = {k: v for k, v in data.items() if v is not None}
    try:
        return _converter.structure(clean, cls)
    except (cattrs.BaseValidationError, TypeError, ValueError) as exc:
        from .errors import ServerError

        raise ServerError(f"the service answered a malformed {cls.__name__}: {exc}") from exc


def from_object(cls: type[T], obj: Any) -> T:
    """A resource from any object carrying some of its fields as attributes (an official client's model,
    a test double): missing or null fields take their defaults, enum members give their values."""
    data = {}
    for field in attrs.fields(cast(Any, cls)):
        value = getattr(obj, field.name, None)
        data[field.name] = getattr(value, "value", value)  # another library's enum: its wire value
    return from_api(cls, data)


def to_api(record: Any) -> dict[str, Any]:
    """The API's JSON of a resource: the inverse of :func:`from_api`."""
    return cast(dict[str, Any], _converter.unstructure(record))
