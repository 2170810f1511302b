"""The API's resources as attrs classes, built from its JSON with cattrs.

Unknown fields are ignored and unknown enum values map to the ``unknown_*``
member, so a newer API never breaks an older client.
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cached_property
from typing import Any, TypeVar

import attrs
import cattrs

from .payload import ProgramFormat


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
class Platform:
    """A platform (a simulator or a QPU) and its limits.

    ``metadata`` is the platform's JSON metadata string; ``native_gates`` and
    ``coupling_map`` read it (keys ``native_gates`` and ``coupling_map``).
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

    @cached_property
    def metadata_dict(self) -> dict[str, Any]:
        try:
            data = json.loads(self.metadata) if self.metadata else {}
        except json.JSONDecodeError:
            return {}
        return data if isinstance(data, dict) else {}

    @property
    def is_simulator(self) -> bool:
        return self.type != PlatformType.QPU

    @property
    def native_gates(self) -> tuple[str, ...] | None:
        """Gate names a QPU executes natively (None: any standard gate)."""
        gates = self.metadata_dict.get("native_gates")
        return tuple(gates) if gates else None

    @property
    def program_formats(self) -> tuple[ProgramFormat, ...]:
        """Program formats to send, preferred first.

        The preference follows the backend, as the official plugins send: Cirq JSON
        then QASM 2 on qsim, QASM 2 on CUDA-Q, QASM 3 then QASM 2 elsewhere (Aer, QPUs).
        When the metadata lists accepted formats (key ``program_formats``, names or
        numbers), only those are kept.
        """
        backend = self.backend_name.lower()
        if backend == "qsim":
            preferred = [ProgramFormat.CIRQ_CIRCUIT_JSON_V1, ProgramFormat.QASM_V2, ProgramFormat.QASM_V3]
        elif backend == "cudaq":
            preferred = [ProgramFormat.QASM_V2, ProgramFormat.QASM_V3]
        else:
            preferred = [ProgramFormat.QASM_V3, ProgramFormat.QASM_V2, ProgramFormat.CIRQ_CIRCUIT_JSON_V1]
        listed = self.metadata_dict.get("program_formats")
        if not isinstance(listed, list) or not listed:
            return tuple(preferred)
        accepted = set()
        for item in listed:
            try:
                accepted.add(ProgramFormat[item] if isinstance(item, str) else ProgramFormat(int(item)))
            except (KeyError, ValueError, TypeError):
                continue
        return tuple(f for f in preferred if f in accepted) + tuple(sorted(accepted - set(preferred)))

    @property
    def coupling_map(self) -> tuple[tuple[int, int], ...] | None:
        """Pairs of qubits where two-qubit gates are allowed (None: all-to-all)."""
        pairs = self.metadata_dict.get("coupling_map")
        return tuple((int(a), int(b)) for a, b in pairs) if pairs else None


@attrs.frozen
class Session:
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
class Job:
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
class JobResult:
    """One result of a job: inline ``result`` or a download ``url``."""

    job_id: str
    result: str | None = None
    url: str | None = None
    created_at: str | None = None


@attrs.frozen
class Model:
    """A stored computation model (the programs of one or more jobs)."""

    id: str
    project_id: str = ""
    created_at: str | None = None
    url: str | None = None


@attrs.frozen
class Booking:
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
