"""The emulator's platform catalogue: Scaleway platform names backed by local simulators.

Each :class:`PlatformSpec` renders to the spec's ``Platform`` object. Its ``metadata``
field is a JSON string that adapters read to build targets; keys:

``native_gates``
    Qiskit instruction names the platform executes (``null`` = any gate Aer knows).
``coupling_map``
    Undirected qubit pairs allowed for two-qubit gates (``null`` = all-to-all).
``program_formats``
    Accepted ``ProgramFormat`` values (integers), the preferred one first.
``result_format``
    The ``ResultFormat`` value (integer) the platform's results come in.
``noise``
    ``{"single_qubit_error", "two_qubit_error", "readout_error"}`` of emulated QPUs.
``qiskit``
    ``{"target": {"instructions": [{"name": ...}, ...]}}``, the shape the official
    qiskit-scaleway plugin reads for IQM and AQT platforms.
"""

from __future__ import annotations

import json
import uuid
from functools import cached_property
from itertools import combinations
from typing import Any

import attrs

from ..core.payload import ProgramFormat, ResultFormat

_NAMESPACE = uuid.UUID("5c0a1e7a-9a8e-4f0b-8f43-3c1b2d0e7a11")

_QASM_3_FIRST = (ProgramFormat.QASM_V3, ProgramFormat.QASM_V2, ProgramFormat.QASM_V1)
_QASM_2_FIRST = (ProgramFormat.QASM_V2, ProgramFormat.QASM_V1, ProgramFormat.QASM_V3)
_CONTROL = ("measure", "barrier", "id", "delay")

#: IQM Garnet's 30 couplers (QB1..QB20 numbered 0..19), a square lattice.
GARNET_COUPLING_MAP: tuple[tuple[int, int], ...] = (
    (0, 1), (0, 3), (1, 4), (2, 3), (2, 7), (3, 4), (3, 8), (4, 5), (4, 9), (5, 6),
    (5, 10), (6, 11), (7, 8), (7, 12), (8, 9), (8, 13), (9, 10), (9, 14), (10, 11), (10, 15),
    (11, 16), (12, 13), (13, 14), (13, 17), (14, 15), (14, 18), (15, 16), (15, 19), (17, 18), (18, 19),
)  # fmt: skip


def _money(units: int, nanos: int = 0) -> dict[str, Any]:
    return {"currency_code": "EUR", "units": units, "nanos": nanos}


@attrs.frozen
class Noise:
    """Depolarizing error per 1- and 2-qubit gate, and a symmetric readout error."""

    single_qubit_error: float
    two_qubit_error: float
    readout_error: float


@attrs.frozen
class PlatformSpec:
    """One platform: its public record and how the emulator executes it."""

    name: str
    provider_name: str
    backend_name: str
    type: str
    technology: str
    max_qubit_count: int
    max_shot_count: int
    max_circuit_count: int
    engine: str  # "aer" or "qsim"
    result_format: ResultFormat
    program_formats: tuple[ProgramFormat, ...]
    description: str
    hardware: dict[str, Any]
    price_per_hour: dict[str, Any]
    price_per_shot: dict[str, Any] = attrs.field(factory=lambda: _money(0))
    price_per_circuit: dict[str, Any] = attrs.field(factory=lambda: _money(0))
    native_gates: tuple[str, ...] | None = None
    coupling_map: tuple[tuple[int, int], ...] | None = None
    noise: Noise | None = None
    is_bookable: bool = False
    version: str = "1.0.0"
    documentation_url: str = "https://www.scaleway.com/en/docs/quantum-computing/"

    @cached_property
    def id(self) -> str:
        return str(uuid.uuid5(_NAMESPACE, self.name))

    @cached_property
    def edges(self) -> frozenset[frozenset[int]] | None:
        """The coupling map as a set of unordered pairs (``None`` = all-to-all)."""
        return None if self.coupling_map is None else frozenset(frozenset(e) for e in self.coupling_map)

    def metadata(self) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "native_gates": list(self.native_gates) if self.native_gates else None,
            "coupling_map": [list(e) for e in self.coupling_map] if self.coupling_map else None,
            "program_formats": [int(f) for f in self.program_formats],
            "result_format": int(self.result_format),
        }
        if self.noise:
            meta["noise"] = attrs.asdict(self.noise)
        if self.native_gates:
            # a qiskit Target lists instructions, not directives: qiskit-scaleway rejects "barrier" there
            names = [g for g in self.native_gates if g != "barrier"]
            meta["qiskit"] = {"target": {"instructions": [{"name": g} for g in names]}}
        return meta

    @cached_property
    def record(self) -> dict[str, Any]:
        """The spec's ``Platform`` object, every field present."""
        return {
            "id": self.id,
            "version": self.version,
            "name": self.name,
            "provider_name": self.provider_name,
            "backend_name": self.backend_name,
            "type": self.type,
            "technology": self.technology,
            "max_qubit_count": self.max_qubit_count,
            "max_shot_count": self.max_shot_count,
            "max_circuit_count": self.max_circuit_count,
            "availability": "available",
            "metadata": json.dumps(self.metadata()),
            "price_per_hour": self.price_per_hour,
            "price_per_shot": self.price_per_shot,
            "price_per_circuit": self.price_per_circuit,
            "hardware": self.hardware,
            "booking_requirement": {
                "min_duration": "600s" if self.is_bookable else None,
                "max_duration": "14400s" if self.is_bookable else None,
                "max_cancellation_duration": "86400s" if self.is_bookable else None,
                "max_planification_duration": "2592000s" if self.is_bookable else None,
                "min_planification_duration": "0s" if self.is_bookable else None,
                "max_booking_per_week": 10 if self.is_bookable else 0,
                "max_booking_per_day": 2 if self.is_bookable else 0,
            },
            "description": self.description,
            "documentation_url": self.documentation_url,
            "is_bookable": self.is_bookable,
        }


def _cpu(vcpus: int, ram_gb: int) -> dict[str, Any]:
    return {
        "name": f"{vcpus}C-{ram_gb}G",
        "vcpus": vcpus,
        "gpus": 0,
        "gpus_network": "",
        "ram": ram_gb << 30,
        "vram": 0,
    }


CATALOGUE: tuple[PlatformSpec, ...] = (
    PlatformSpec(
        name="EMU-AER-16C-128M",
        provider_name="scaleway",
        backend_name="aer",
        type="simulator",
        technology="general_purpose",
        max_qubit_count=32,
        max_shot_count=1_000_000,
        max_circuit_count=1000,
        engine="aer",
        result_format=ResultFormat.QISKIT_RESULT_JSON_V1,
        program_formats=(*_QASM_3_FIRST, ProgramFormat.CIRQ_CIRCUIT_JSON_V1),
        description="Qiskit Aer simulator (statevector / stabilizer / MPS), noise models accepted",
        hardware=_cpu(16, 128),
        price_per_hour=_money(2, 500_000_000),
    ),
    PlatformSpec(
        name="EMU-QSIM-16C-128M",
        provider_name="scaleway",
        backend_name="qsim",
        type="simulator",
        technology="general_purpose",
        max_qubit_count=30,
        max_shot_count=1_000_000,
        max_circuit_count=1,
        engine="qsim",
        result_format=ResultFormat.CIRQ_RESULT_JSON_V1,
        program_formats=(ProgramFormat.CIRQ_CIRCUIT_JSON_V1, ProgramFormat.QASM_V2, ProgramFormat.QASM_V1),
        description="Google qsim state-vector simulator for Cirq circuits",
        hardware=_cpu(16, 128),
        price_per_hour=_money(2, 500_000_000),
    ),
    PlatformSpec(
        name="EMU-CUDAQ-H100",
        provider_name="scaleway",
        backend_name="cudaq",
        type="simulator",
        technology="general_purpose",
        max_qubit_count=32,
        max_shot_count=1_000_000,
        max_circuit_count=1,
        engine="aer",
        result_format=ResultFormat.CUDAQ_SAMPLE_RESULT_JSON_V1,
        program_formats=_QASM_2_FIRST,
        description="CUDA-Q sampling simulator (emulated on CPU)",
        hardware={"name": "H100", "vcpus": 24, "gpus": 1, "gpus_network": "", "ram": 240 << 30, "vram": 80 << 30},
        price_per_hour=_money(3, 0),
    ),
    PlatformSpec(
        name="QPU-GARNET-20PQ",
        provider_name="iqm",
        backend_name="garnet",
        type="qpu",
        technology="superconducting",
        max_qubit_count=20,
        max_shot_count=100_000,
        max_circuit_count=200,
        engine="aer",
        result_format=ResultFormat.QISKIT_RESULT_JSON_V1,
        program_formats=_QASM_3_FIRST,
        description="IQM Garnet 20-qubit superconducting QPU (emulated: square lattice, prx + cz, noisy)",
        hardware={"name": "IQM Garnet", "vcpus": 0, "gpus": 0, "gpus_network": "", "ram": 0, "vram": 0},
        price_per_hour=_money(0),
        price_per_shot=_money(0, 1_000_000),
        price_per_circuit=_money(0, 300_000_000),
        native_gates=("r", "cz", *_CONTROL),
        coupling_map=GARNET_COUPLING_MAP,
        noise=Noise(single_qubit_error=0.001, two_qubit_error=0.01, readout_error=0.02),
        is_bookable=True,
    ),
    PlatformSpec(
        name="QPU-IBEX-12PQ",
        provider_name="aqt",
        backend_name="ibex",
        type="qpu",
        technology="trapped_ion",
        max_qubit_count=12,
        max_shot_count=2000,
        max_circuit_count=50,
        engine="aer",
        result_format=ResultFormat.QISKIT_RESULT_JSON_V1,
        program_formats=_QASM_3_FIRST,
        description="AQT IBEX Q1 12-qubit trapped-ion QPU (emulated: all-to-all, r + rz + rxx, noisy)",
        hardware={"name": "AQT IBEX Q1", "vcpus": 0, "gpus": 0, "gpus_network": "", "ram": 0, "vram": 0},
        price_per_hour=_money(0),
        price_per_shot=_money(0, 2_000_000),
        price_per_circuit=_money(0, 500_000_000),
        native_gates=("r", "rz", "rxx", *_CONTROL),
        coupling_map=tuple(combinations(range(12), 2)),
        noise=Noise(single_qubit_error=0.0005, two_qubit_error=0.008, readout_error=0.01),
        is_bookable=True,
    ),
)

BY_ID: dict[str, PlatformSpec] = {p.id: p for p in CATALOGUE}
