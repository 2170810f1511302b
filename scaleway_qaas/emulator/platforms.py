"""The emulator's platform catalogue: every gate-based Scaleway platform, backed by local simulators.

A :class:`PlatformSpec` holds the platform's public record (names, limits, published prices) and how
the emulator runs it (``family``, accepted formats, native gates, coupling map, noise). Only the
public part is rendered (:func:`.render.platform`): its ``metadata`` takes the real service's shapes,
``""`` for simulators and ``{"qiskit": {"target": {"instructions": [...]}}}`` for IQM and AQT.

Where the names come from (see ``/work/shared/REAL-SERVICE.md`` for the sources):

- platform names: the official plugins' tests, examples and READMEs, CUDA-Q's Scaleway page;
- ``provider_name``/``backend_name``: qiskit-scaleway dispatches on the providers ``iqm``, ``aqt``,
  ``quobly``, ``qperfect`` and on the backends ``qsim``, ``aer``, ``cudaq``; cirq-scaleway lists the
  backends ``quantanium`` (QPerfect) and ``pioneer`` (Quobly); AQT's digital twins report backend
  ``aer``. The providers of the Aer/qsim/CUDA-Q emulators and the backends of the QPUs are not
  published: ``scaleway`` and the QPU's lower-case name are our choice;
- prices: Scaleway's public price list (IQM, AQT); none is published for the other families, so
  theirs are unset here (rendered as 0 EUR, see :func:`.render.platform`) and their descriptions say so.
"""

from __future__ import annotations

import uuid
from functools import cached_property
from typing import Any

import attrs

from ..core.wire import ProgramFormat, ResultFormat

_NAMESPACE = uuid.UUID("5c0a1e7a-9a8e-4f0b-8f43-3c1b2d0e7a11")

#: every platform reads these (CUDA-Q emits QASM 2, the official plugins QASM 3)
_QASM = (ProgramFormat.QASM_V3, ProgramFormat.QASM_V2, ProgramFormat.QASM_V1)
_QASM_AND_CIRQ = (*_QASM, ProgramFormat.CIRQ_CIRCUIT_JSON_V1)

#: IQM Garnet's 30 couplers (QB1..QB20 numbered 0..19), a square lattice.
GARNET_COUPLING_MAP: tuple[tuple[int, int], ...] = (
    (0, 1),
    (0, 3),
    (1, 4),
    (2, 3),
    (2, 7),
    (3, 4),
    (3, 8),
    (4, 5),
    (4, 9),
    (5, 6),
    (5, 10),
    (6, 11),
    (7, 8),
    (7, 12),
    (8, 9),
    (8, 13),
    (9, 10),
    (9, 14),
    (10, 11),
    (10, 15),
    (11, 16),
    (12, 13),
    (13, 14),
    (13, 17),
    (14, 15),
    (14, 18),
    (15, 16),
    (15, 19),
    (17, 18),
    (18, 19),
)


def _grid(rows: int, cols: int) -> tuple[tuple[int, int], ...]:
    """Nearest-neighbour couplers of a ``rows`` x ``cols`` square lattice, row-major numbering."""
    edges = [(r * cols + c, r * cols + c + 1) for r in range(rows) for c in range(cols - 1)]
    edges += [(r * cols + c, (r + 1) * cols + c) for r in range(rows - 1) for c in range(cols)]
    return tuple(sorted(edges))


#: IQM Emerald's 54 qubits as a 6 x 9 square lattice (its exact coupler list is not published here)
EMERALD_COUPLING_MAP = _grid(6, 9)

#: IQM's native set (``prx`` is Qiskit's ``r``); Sirius adds ``move`` (qubit <-> computational resonator)
IQM_INSTRUCTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("r", ("theta", "phi")),
    ("cz", ()),
    ("id", ()),
    ("measure", ()),
)
SIRIUS_INSTRUCTIONS = (*IQM_INSTRUCTIONS, ("move", ()))
#: AQT's native set (as in AQT's own Qiskit target): R(theta, phi), RZ, the Molmer-Sorensen RXX
AQT_INSTRUCTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("r", ("theta", "phi")),
    ("rz", ("phi",)),
    ("rxx", ("theta",)),
    ("measure", ()),
)


def money(euros: str) -> dict[str, Any]:
    """A published price (a decimal string, exact) as the API's Money object."""
    units, _, frac = euros.partition(".")
    return {"currency_code": "EUR", "units": int(units), "nanos": int((frac + "0" * 9)[:9])}


@attrs.frozen
class Noise:
    """Depolarizing error per 1- and 2-qubit gate, and a symmetric readout error (illustrative figures)."""

    single_qubit_error: float
    two_qubit_error: float
    readout_error: float


@attrs.frozen
class PlatformSpec:
    """One platform: its public record and how the emulator executes it.

    ``family`` picks the simulation code (:mod:`.families`): ``aer``, ``cudaq``, ``qsim``, ``qpu``
    (IQM, AQT and AQT's twins: transpiled to ``native_gates``/``coupling_map``, then simulated
    with ``noise``), ``quantanium`` (QPerfect) or ``pioneer`` (Quobly). Unpublished prices are None.
    """

    name: str
    provider_name: str
    backend_name: str
    type: str
    technology: str
    max_qubit_count: int
    max_shot_count: int
    max_circuit_count: int
    family: str
    result_format: ResultFormat
    program_formats: tuple[ProgramFormat, ...]
    description: str
    hardware: dict[str, Any]
    price_per_hour: dict[str, Any] | None = None
    price_per_shot: dict[str, Any] | None = None
    price_per_circuit: dict[str, Any] | None = None
    instructions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    coupling_map: tuple[tuple[int, int], ...] | None = None
    noise: Noise | None = None
    is_bookable: bool = False
    version: str = "1.0.0"
    documentation_url: str = "https://www.scaleway.com/en/docs/quantum-computing/"

    @cached_property
    def id(self) -> str:
        return str(uuid.uuid5(_NAMESPACE, self.name))

    @property
    def native_gates(self) -> tuple[str, ...]:
        """The names of the published native instructions (empty for simulators)."""
        return tuple(name for name, _ in self.instructions)

    @cached_property
    def record(self) -> dict[str, Any]:
        """The spec's ``Platform`` object, as the API renders it."""
        from .render import platform

        return platform(self)


_GPU_VRAM_GB = {"L4": 24, "L40S": 48, "H100": 80, "B300": 288}
_CPU_NOTE = "Runs on this machine's CPU."
_GPU_NOTE = "Runs on this machine's CPU: the emulator has no GPU, the name keeps the real offer's."


def _hardware(size: str) -> tuple[dict[str, Any], str]:
    """The hardware record of an offer's size suffix (``16C-128M``, ``2L4``, ``8H100SXM``...) and a note.

    CPU sizes give vCPUs and RAM (GB); GPU sizes give the count and model, and each model's memory;
    the CPU and RAM of GPU offers are not published (0).
    """
    if size.endswith("M") and "C-" in size:
        vcpus, ram = size[:-1].split("C-")
        hw = {"name": size, "vcpus": int(vcpus), "gpus": 0, "gpus_network": "", "ram": int(ram) << 30, "vram": 0}
        return hw, _CPU_NOTE
    count = int(size[0]) if size[0].isdigit() else 1
    model = size.lstrip("0123456789").removesuffix("SXM")
    network = "NVLink" if size.endswith("SXM") else ("PCIe" if count > 1 else "")
    vram = count * _GPU_VRAM_GB[model] << 30
    hw = {"name": size, "vcpus": 0, "gpus": count, "gpus_network": network, "ram": 0, "vram": vram}
    return hw, _GPU_NOTE


_NO_PRICE = "No price is published for this offer (prices read 0 here: not real figures)."


def _emulator(name: str, backend: str, family: str, what: str, max_qubits: int, **kw: Any) -> PlatformSpec:
    size = name.split("-", 2)[2]
    hardware, note = _hardware(size)
    defaults: dict[str, Any] = {
        "provider_name": "scaleway",
        "backend_name": backend,
        "type": "simulator",
        "technology": "general_purpose",
        "max_qubit_count": max_qubits,
        "max_shot_count": 1_000_000,
        "max_circuit_count": 1,
        "family": family,
        "result_format": ResultFormat.QISKIT_RESULT_JSON_V1,
        "program_formats": _QASM,
        "description": f"{what}. {note} {_NO_PRICE} Qubit, shot and circuit limits are not published either.",
        "hardware": hardware,
    }
    return PlatformSpec(name=name, **{**defaults, **kw})


def _aer(size: str, qubits: int) -> PlatformSpec:
    what = "Qiskit Aer simulator (statevector, stabilizer, MPS...; run options and noise models accepted)"
    return _emulator(
        f"EMU-AER-{size}", "aer", "aer", what, qubits, max_circuit_count=1000, program_formats=_QASM_AND_CIRQ
    )


def _qsim(size: str, qubits: int) -> PlatformSpec:
    what = "Google qsim state-vector simulator (Cirq circuits; QASM accepted)"
    return _emulator(
        f"EMU-QSIM-{size}",
        "qsim",
        "qsim",
        what,
        qubits,
        result_format=ResultFormat.CIRQ_RESULT_JSON_V1,
        program_formats=_QASM_AND_CIRQ,
    )


def _cudaq(size: str, qubits: int) -> PlatformSpec:
    what = "CUDA-Q sampling simulator (emulated with Qiskit Aer)"
    return _emulator(
        f"EMU-CUDAQ-{size}", "cudaq", "cudaq", what, qubits, result_format=ResultFormat.CUDAQ_SAMPLE_RESULT_JSON_V1
    )


_IBEX = "AQT IBEX Q1, 12 trapped-ion qubits, all-to-all"
_IBEX_NOISE = Noise(single_qubit_error=0.0005, two_qubit_error=0.008, readout_error=0.01)
#: the twins err on gates only: pennylane-scaleway's own test (run against the service) expects exactly
#: {'0': 100} from H then H on EMU-IBEX-12PQ-L4, which the server-side transpilation reduces to a bare
#: measurement; a readout error of 1% would break it two times in three
_IBEX_TWIN_NOISE = Noise(single_qubit_error=0.0005, two_qubit_error=0.008, readout_error=0.0)
_QPU_NOTE = (
    "Emulated: programs are transpiled on the server to the native gates and connectivity, then simulated "
    "with illustrative depolarizing and readout errors (not the device's calibration)."
)


def _ibex_twin(size: str, price_per_hour: str | None) -> PlatformSpec:
    hardware, note = _hardware(size)
    price = (
        f"Published price: {price_per_hour} EUR per hour; no per-circuit or per-shot price is published (0 here)."
        if price_per_hour
        else _NO_PRICE
    )
    return PlatformSpec(
        name=f"EMU-IBEX-12PQ-{size}",
        provider_name="aqt",
        backend_name="aer",
        type="simulator",
        technology="trapped_ion",
        max_qubit_count=12,
        max_shot_count=2000,
        max_circuit_count=50,
        family="qpu",
        result_format=ResultFormat.QISKIT_RESULT_JSON_V1,
        program_formats=_QASM,
        description=f"Digital twin of {_IBEX}. {_QPU_NOTE} No readout error on the twin. {note} {price}",
        hardware=hardware,
        price_per_hour=money(price_per_hour) if price_per_hour else None,
        instructions=AQT_INSTRUCTIONS,
        noise=_IBEX_TWIN_NOISE,
    )


def _iqm(name: str, what: str, qubits: int, prices: tuple[str, str, str], **kw: Any) -> PlatformSpec:
    per_circuit, per_shot, per_hour = prices
    return PlatformSpec(
        name=name,
        provider_name="iqm",
        backend_name=name.split("-")[1].lower(),
        type="qpu",
        technology="superconducting",
        max_qubit_count=qubits,
        max_shot_count=100_000,
        max_circuit_count=200,
        family="qpu",
        result_format=ResultFormat.QISKIT_RESULT_JSON_V1,
        program_formats=_QASM,
        description=(
            f"{what}. {_QPU_NOTE} Published prices: {per_circuit} EUR per circuit + {per_shot} EUR per shot, "
            f"or {per_hour} EUR per hour when booked."
        ),
        hardware={
            "name": f"IQM {name.split('-')[1].title()}",
            "vcpus": 0,
            "gpus": 0,
            "gpus_network": "",
            "ram": 0,
            "vram": 0,
        },
        price_per_circuit=money(per_circuit),
        price_per_shot=money(per_shot),
        price_per_hour=money(per_hour),
        is_bookable=True,
        **kw,
    )


_IQM_NOISE = Noise(single_qubit_error=0.001, two_qubit_error=0.01, readout_error=0.02)

CATALOGUE: tuple[PlatformSpec, ...] = (
    _aer("16C-128M", 32),
    _aer("2L4", 31),
    _aer("2L40S", 32),
    _aer("4L40S", 33),
    _aer("H100", 32),
    _qsim("16C-128M", 32),
    _qsim("64C-512M", 34),
    _qsim("L40S", 32),
    _qsim("H100", 32),
    _cudaq("H100", 32),
    _cudaq("L40S", 32),
    _cudaq("4H100SXM", 34),
    _cudaq("8H100SXM", 35),
    _cudaq("8B300SXM", 37),
    _cudaq("64C-512M", 34),
    PlatformSpec(
        name="QPU-IBEX-12PQ",
        provider_name="aqt",
        backend_name="ibex",
        type="qpu",
        technology="trapped_ion",
        max_qubit_count=12,
        max_shot_count=2000,
        max_circuit_count=50,
        family="qpu",
        result_format=ResultFormat.QISKIT_RESULT_JSON_V1,
        program_formats=_QASM,
        description=f"{_IBEX}. {_QPU_NOTE} Published prices: 0.30 EUR per circuit + 0.021 EUR per shot; "
        "no hourly price is published (0 here).",
        hardware={"name": "AQT IBEX Q1", "vcpus": 0, "gpus": 0, "gpus_network": "", "ram": 0, "vram": 0},
        price_per_circuit=money("0.30"),
        price_per_shot=money("0.021"),
        instructions=AQT_INSTRUCTIONS,
        noise=_IBEX_NOISE,
        is_bookable=True,
    ),
    _ibex_twin("L4", "0.75"),
    _ibex_twin("16C-128M", "0.82"),
    _ibex_twin("2L4", None),
    _iqm(
        "QPU-GARNET-20PQ",
        "IQM Garnet, 20 superconducting qubits on a square lattice",
        20,
        ("0.22", "0.0012", "2000"),
        instructions=IQM_INSTRUCTIONS,
        coupling_map=GARNET_COUPLING_MAP,
        noise=_IQM_NOISE,
    ),
    _iqm(
        "QPU-SIRIUS-24PQ",
        "IQM Sirius, 16 usable superconducting qubits in a star around a computational resonator. Qubits "
        "interact through the resonator (any pair, at a higher error); 'move q, r' exchanges the states of two "
        "program qubits, as the ideal MOVE (a SWAP) does between a qubit and the resonator",
        16,
        ("0.20", "0.00075", "1200"),
        instructions=SIRIUS_INSTRUCTIONS,
        noise=Noise(single_qubit_error=0.001, two_qubit_error=0.02, readout_error=0.02),
    ),
    _iqm(
        "QPU-EMERALD-54PQ",
        "IQM Emerald, 54 superconducting qubits on a square lattice",
        54,
        ("0.25", "0.0014", "3000"),
        instructions=IQM_INSTRUCTIONS,
        coupling_map=EMERALD_COUPLING_MAP,
        noise=_IQM_NOISE,
    ),
    _emulator(
        "EMU-QUANTANIUM-16C-128M",
        "quantanium",
        "quantanium",
        "QPerfect MIMIQ (Quantanium) matrix-product-state simulator, emulated with Qiskit Aer's MPS method; "
        "options nsamples, label, algorithm, timelimit, bonddim, entdim, seed, bitstrings, qasmincludes",
        64,
        provider_name="qperfect",
        result_format=ResultFormat.MIMIQ_QCSR_JSON_V1,
    ),
    *(
        _emulator(
            f"EMU-PIONEER-{size}",
            "pioneer",
            "pioneer",
            "Quobly Pioneer, emulator of Quobly's silicon spin-qubit QPU (options seed, and noise: on by default, "
            "illustrative figures)",
            24,
            provider_name="quobly",
        )
        for size in ("16C-128M", "H100")
    ),
)

BY_ID: dict[str, PlatformSpec] = {p.id: p for p in CATALOGUE}
BY_NAME: dict[str, PlatformSpec] = {p.name: p for p in CATALOGUE}
