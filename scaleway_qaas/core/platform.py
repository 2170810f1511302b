"""What a platform can do, read once from its record: the one description every adapter uses.

The service publishes little about a platform beyond its record: limits, prices, and for
IQM and AQT a ``metadata`` JSON string holding ``{"qiskit": {"target": {"instructions":
[{"name": ..., "params": [...]}, ...]}}}``. Which program formats a platform reads and which
result format it answers in is not published; it follows the platform's family, which the
official clients recognise by ``provider_name`` first (iqm, aqt, quobly, qperfect), then by
``backend_name`` (qsim, aer, cudaq): :mod:`.families` is that table.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import attrs

from .errors import BudgetExceededError, InvalidArgumentError, PlatformShortageWarning, PlatformUnavailableError
from .families import FAMILIES, Family, FamilyTraits, family_of
from .records import Availability, Money, PlatformInfo
from .wire import ProgramFormat, ResultFormat

#: the platforms whose shortage was already told (once per process)
_SHORTAGE_WARNED: set[str] = set()


@attrs.frozen
class Instruction:
    """A native instruction of a QPU, as published: Qiskit standard name (or ``move``) and parameter names."""

    name: str
    params: tuple[str, ...] = ()


def _native_instructions(metadata: str) -> tuple[Instruction, ...] | None:
    """``metadata.qiskit.target.instructions``; None when the platform publishes none (simulators)."""
    try:
        data = json.loads(metadata) if metadata.strip() else None
    except (json.JSONDecodeError, AttributeError):
        return None
    target = (data or {}).get("qiskit", {}).get("target", {}) if isinstance(data, dict) else {}
    items = target.get("instructions") if isinstance(target, dict) else None
    if not isinstance(items, list):
        return None
    out = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            params = item.get("params") or ()
            out.append(Instruction(item["name"], tuple(str(p) for p in params if isinstance(p, str))))
    return tuple(out) or None


def _euros(money: Money | None) -> float | None:
    """A price in EUR; None when unpublished (absent or zero)."""
    if money is None or (money.units == 0 and money.nanos == 0):
        return None
    return money.amount


@attrs.frozen
class Prices:
    """Published prices in EUR (None: not published)."""

    per_shot: float | None = None
    per_circuit: float | None = None
    per_hour: float | None = None


@attrs.frozen
class CostEstimate:
    """An estimate of what a submission (or a session) costs, from the platform's published prices.

    ``amount`` is None when no price applies is published (``unknown`` then says which).
    """

    amount: float | None
    currency: str
    breakdown: tuple[str, ...]
    unknown: str | None = None

    def __str__(self) -> str:
        if self.amount is None:
            return f"unknown ({self.unknown})"
        return f"{self.amount:.2f} {self.currency} ({'; '.join(self.breakdown)})"


@attrs.frozen
class PlatformDescription:
    """What a platform can do: formats, native instructions, limits and prices, built by :func:`describe`."""

    info: PlatformInfo
    family: Family
    traits: FamilyTraits
    #: None: any standard gate (simulators); else the published native set (IQM, AQT)
    native_instructions: tuple[Instruction, ...] | None
    prices: Prices

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def program_formats(self) -> tuple[ProgramFormat, ...]:
        return self.traits.program_formats

    @property
    def result_format(self) -> ResultFormat:
        return self.traits.result_format

    @property
    def native_gates(self) -> tuple[str, ...] | None:
        """Names of the native instructions (None: any standard gate)."""
        return tuple(i.name for i in self.native_instructions) if self.native_instructions else None

    @property
    def coupling_map(self) -> None:
        """Connectivity is not published by the service: None (the service routes on its side)."""
        return None

    @property
    def max_qubits(self) -> int:
        return self.info.max_qubit_count

    @property
    def max_shots(self) -> int:
        return self.info.max_shot_count

    @property
    def max_circuits(self) -> int:
        """Programs per job (0: no limit published)."""
        return self.info.max_circuit_count

    @property
    def is_simulator(self) -> bool:
        return self.info.is_simulator

    def validate(self, n_programs: int, shots: int, num_qubits: int | None = None) -> None:
        """Refuse, before anything is sent, a submission outside the platform's limits."""
        if n_programs <= 0:
            raise InvalidArgumentError("nothing to run: the list of programs is empty")
        if isinstance(shots, bool) or not isinstance(shots, int) or shots <= 0:
            raise InvalidArgumentError(f"shots must be a positive integer, got {shots!r}")
        if self.max_shots and shots > self.max_shots:
            raise InvalidArgumentError(
                f"{shots} shots exceed the limit of {self.name} ({self.max_shots} shots per program)"
            )
        if num_qubits is not None and self.max_qubits and num_qubits > self.max_qubits:
            raise InvalidArgumentError(f"the program uses {num_qubits} qubits but {self.name} has {self.max_qubits}")

    def check_availability(self) -> None:
        """Before a session is opened: refuse a platform in ``maintenance``; on a ``shortage``, warn once
        per platform and process (:class:`PlatformShortageWarning`) that jobs may wait long, and go on.
        CUDA-Q's own helper refuses both; a shortage still runs jobs, later."""
        availability = self.info.availability
        if availability == Availability.MAINTENANCE:
            raise PlatformUnavailableError(
                f"{self.name} is in maintenance (availability 'maintenance'): no session was opened and nothing "
                "was sent; try again later, or choose another platform (`scaleway-qaas platforms` lists them)"
            )
        if availability == Availability.SHORTAGE and self.id not in _SHORTAGE_WARNED:
            _SHORTAGE_WARNED.add(self.id)
            warnings.warn(
                f"{self.name} reports a shortage (availability 'shortage'): its jobs may wait long before they run",
                PlatformShortageWarning,
                stacklevel=2,
            )

    def check_options(self, options: dict[str, Any]) -> None:
        """Refuse option names the family is known not to read (families with a published list only)."""
        known = self.traits.known_options
        if known is not None:
            unknown = sorted(set(options) - known)
            if unknown:
                raise InvalidArgumentError(
                    f"option(s) {', '.join(unknown)} are not read by {self.name}; known: {', '.join(sorted(known))}"
                )

    def estimate(self, *, circuits: int, shots: int, hours: float | None = None) -> CostEstimate:
        """The cost of running ``circuits`` programs of ``shots`` shots each (QPUs bill per circuit and shot);
        or, with ``hours``, of a session of that length on a platform billed by the hour."""
        p = self.prices
        if hours is not None:
            if p.per_hour is None:
                return CostEstimate(None, "EUR", (), f"{self.name} publishes no price per hour")
            return CostEstimate(hours * p.per_hour, "EUR", (f"{hours:g} h x {p.per_hour:g} EUR/h",))
        if p.per_circuit is None and p.per_shot is None:
            why = f"{self.name} publishes no price per circuit or shot"
            if p.per_hour is not None:
                why += f" (it is billed {p.per_hour:g} EUR per session hour)"
            return CostEstimate(None, "EUR", (), why)
        amount = 0.0
        parts = []
        if p.per_circuit is not None:
            amount += circuits * p.per_circuit
            parts.append(f"{circuits} circuit(s) x {p.per_circuit:g} EUR")
        if p.per_shot is not None:
            amount += circuits * shots * p.per_shot
            parts.append(f"{circuits * shots} shot(s) x {p.per_shot:g} EUR")
        return CostEstimate(amount, "EUR", tuple(parts))

    @property
    def billed_by_the_hour(self) -> bool:
        """Billed per session hour only, whatever the jobs (no per-circuit or per-shot price): the AQT twins."""
        p = self.prices
        return p.per_hour is not None and p.per_circuit is None and p.per_shot is None

    def estimate_session(self, max_duration: float) -> CostEstimate:
        """The worst case of a session on a platform billed by the hour: its whole ``max_duration`` (seconds)."""
        estimate = self.estimate(circuits=0, shots=0, hours=max_duration / 3600)
        if estimate.amount is None:
            return estimate
        return attrs.evolve(estimate, breakdown=(f"a session of up to {_minutes(max_duration)}", *estimate.breakdown))

    def check_session_budget(self, max_cost: float | None, max_duration: float) -> CostEstimate | None:
        """On a platform billed by the hour, refuse (before the session opens) a session whose
        ``max_duration`` (seconds) may cost more than ``max_cost`` (EUR), naming a duration that fits."""
        if max_cost is None or not self.billed_by_the_hour:
            return None
        estimate = self.estimate_session(max_duration)
        if estimate.amount is not None and estimate.amount > max_cost + 1e-9:
            fits = int(max_cost / (self.prices.per_hour or 1) * 60 + 1e-9)  # whole minutes within the budget
            advice = f"pass max_duration='{fits}m' or less, or" if fits >= 1 else "pass"
            raise BudgetExceededError(
                f"{self.name} is billed by the hour: {'; '.join(estimate.breakdown)} "
                f"may cost {estimate.amount:.4f} EUR, "
                f"above max_cost={max_cost:g} EUR; {advice} a larger max_cost; nothing was sent"
            )
        return estimate

    def estimate_submission(self, shots_to_circuits: Mapping[int, int]) -> CostEstimate:
        """The cost of a submission: for each shot count, how many programs run with it."""
        total = 0.0
        parts: list[str] = []
        for shots, circuits in shots_to_circuits.items():
            estimate = self.estimate(circuits=circuits, shots=shots)
            if estimate.amount is None:
                return estimate
            total += estimate.amount
            parts.extend(estimate.breakdown)
        return CostEstimate(total, "EUR", tuple(parts))

    def check_budget(self, max_cost: float | None, shots_to_circuits: Mapping[int, int]) -> CostEstimate | None:
        """Refuse a submission whose estimate exceeds ``max_cost`` (EUR) before anything is sent or billed.

        An unknown price cannot be compared: the submission goes on (the estimate says why)."""
        if max_cost is None:
            return None
        estimate = self.estimate_submission(shots_to_circuits)
        if estimate.amount is not None and estimate.amount > max_cost + 1e-9:
            raise BudgetExceededError(
                f"estimated cost {estimate.amount:.4f} EUR on {self.name} exceeds max_cost={max_cost:g} EUR "
                f"({'; '.join(estimate.breakdown)}); nothing was sent"
            )
        return estimate


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds % 60 == 0 else f"{seconds:g} s"


#: platform filters the service applies itself (``GET /platforms`` query parameters)
SERVER_FILTERS = ("provider_name", "backend_name", "platform_type", "platform_technology")
#: availabilities that take jobs (the official plugins count ``scarce`` as operational)
OPERATIONAL = (Availability.AVAILABLE, Availability.SCARCE)


def named(infos: Iterable[PlatformInfo], name: str) -> list[PlatformInfo]:
    """The platforms called ``name``: exactly, else ignoring case (``emu-aer-16c-128m`` is EMU-AER-16C-128M)."""
    infos = list(infos)
    return [i for i in infos if i.name == name] or [i for i in infos if i.name.casefold() == name.casefold()]


def select(
    infos: Iterable[PlatformInfo],
    *,
    name: str | None = None,
    operational: bool | None = None,
    min_num_qubits: int | None = None,
    simulator: bool | None = None,
) -> list[PlatformDescription]:
    """The platforms matching every criterion given, described (the filters of every adapter's listing)."""
    out = []
    for info in infos if name is None else named(infos, name):
        if operational is not None and operational != (info.availability in OPERATIONAL):
            continue
        if min_num_qubits is not None and info.max_qubit_count < min_num_qubits:
            continue
        if simulator is not None and simulator != info.is_simulator:
            continue
        out.append(describe(info))
    return out


@lru_cache(maxsize=256)
def describe(info: PlatformInfo) -> PlatformDescription:
    """The description of a platform, built once per record."""
    family = family_of(info)
    return PlatformDescription(
        info=info,
        family=family,
        traits=FAMILIES[family],
        native_instructions=_native_instructions(info.metadata),
        prices=Prices(_euros(info.price_per_shot), _euros(info.price_per_circuit), _euros(info.price_per_hour)),
    )
