"""Families simulated with Qiskit Aer: Aer, CUDA-Q, Quobly's Pioneer, and the emulated QPUs.

- ``aer``: the model's circuits in one run; Aer run options from ``backend.options`` (``method``,
  ``precision``...) and the model's noise model are honoured. One Qiskit result, one experiment per program.
  Consecutive programs that differ only in numbers (a sweep's points, :mod:`.structures`) go to Aer as their
  structure's circuit with the points as parameter bindings: Aer gives the same experiments (seeds included)
  as for the bound circuits, in about half the time.
- ``cudaq``: one CUDA-Q sample result per program; a ``barrier`` fails the job, as qio's converter does.
- ``pioneer``: Quobly's emulator; options ``seed`` and ``noise`` (on unless ``false``). Qiskit result.
- ``qpu``: IQM, AQT and AQT's twins, see :mod:`.qpu`. Qiskit result.
"""

from __future__ import annotations

import json
import threading
from functools import cache
from itertools import groupby
from typing import TYPE_CHECKING, Any

from ...core.codecs import aer_noise
from ...core.codecs import cudaq as cudaq_codec
from ...core.codecs import qiskit as qiskit_codec
from ...core.results import ExperimentResult
from ...core.wire import ComputationModel, ComputationParameters, NoiseModel, ResultFormat
from ..platforms import Noise, PlatformSpec
from . import ExecutionError, packed
from .programs import circuit_parts, circuits, seed_of

if TYPE_CHECKING:
    from qiskit import QuantumCircuit
    from qiskit.circuit import Parameter

#: Aer parallelises a state update from this many qubits on (its ``statevector_parallel_threshold``)
_AER_PARALLEL_QUBITS = 14
#: beyond this many qubits in use, emulated QPUs simulate with matrix product states instead of a state vector
_STATEVECTOR_MAX_QUBITS = 28
#: run options the platform decides, never the user (devices this machine lacks, executors, thread pools)
_RESERVED = frozenset({"device", "executor", "noise_model", "shots", "memory", "cuStateVec_enable"})
#: Quobly's emulator noise when ``noise`` is on (illustrative figures, not Quobly's)
PIONEER_NOISE = Noise(single_qubit_error=0.001, two_qubit_error=0.01, readout_error=0.01)
_ONE_QUBIT_GATES = ("x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg", "rx", "ry", "rz", "u", "u1", "u2", "u3",
                    "p", "r")  # fmt: skip
_TWO_QUBIT_GATES = ("cx", "cy", "cz", "swap", "ecr", "rxx", "ryy", "rzz", "cp", "crx", "cry", "crz", "ch", "iswap")


def run(platform: PlatformSpec, model: ComputationModel, params: ComputationParameters, seed: int | None) -> list[str]:
    options = params.options or {}
    if platform.family == "aer":  # ready for Aer
        qcs, binds = _bound_runs(circuit_parts(platform, model.programs))
    else:
        qcs, binds = circuits(platform, model.programs), None
    if platform.family == "cudaq":
        refuse_barriers(qcs)
    widths = None
    run_options: dict[str, Any] = {"shots": params.shots, "memory": bool(options.get("memory"))}
    noise = None
    if platform.family == "qpu":
        from .qpu import noise_model, to_native

        widths = [qc.num_qubits for qc in qcs]
        qcs = [to_native(platform, qc) for qc in qcs]
        noise = noise_model(platform)
        if max(active_qubits(qc) for qc in qcs) > _STATEVECTOR_MAX_QUBITS:
            run_options["method"] = "matrix_product_state"  # a wide device: Emerald's 54 qubits
    elif platform.family == "pioneer":
        if options.get("noise", True) not in (False, "false", 0):
            noise = _pioneer_noise()
    elif platform.family == "aer":
        run_options.update(aer_options(model))
        if model.noise_model is not None:
            noise = user_noise(model.noise_model)
    seed = seed_of(options, seed)
    if platform.family != "aer":
        qcs = [for_aer(qc) for qc in qcs]
    result = simulate(qcs, noise, run_options, seed, binds)
    doc = jsonable(result.to_dict())
    if binds is not None:  # a fresh name per experiment, as every parse of a program gives
        for experiment in doc["results"]:
            experiment["header"]["name"] = _fresh_name()
    doc["backend_name"] = platform.name
    doc["backend_version"] = platform.version
    if widths is not None:
        # the program's width, not the device's after layout: CUDA-Q's helper widens hex keys to n_qubits bits
        for experiment, width in zip(doc["results"], widths, strict=True):
            experiment["header"]["n_qubits"] = width
    if platform.result_format == ResultFormat.CUDAQ_SAMPLE_RESULT_JSON_V1:
        return [_cudaq_payload(exp) for exp in qiskit_codec.decode(doc)]
    return [packed(ResultFormat.QISKIT_RESULT_JSON_V1, doc)]


def refuse_barriers(qcs: list[Any]) -> None:
    """CUDA-Q platforms convert programs with qio's OpenQASM 3 -> CUDA-Q converter, which raises
    ``Unsupported statement: <statement>`` on a ``barrier`` (``measure_all()`` adds one): the job fails."""
    for qc in qcs:
        for inst in qc.data:
            if inst.operation.name == "barrier":
                qubits = ", ".join(f"q[{qc.find_bit(q).index}]" for q in inst.qubits)
                raise ExecutionError(f"Unsupported statement: QuantumBarrier(qubits=[{qubits}])")


def _bound_runs(
    parts: list[QuantumCircuit | tuple[QuantumCircuit, list[float]]],
) -> tuple[list[QuantumCircuit], list[dict[Parameter, list[float]]] | None]:
    """The circuits Aer runs and their parameter bindings (None: no binding): each run of consecutive programs of
    one structure is the structure's circuit with a binding per point, the other programs as they are."""
    from .structures import bind

    qcs: list[QuantumCircuit] = []
    binds: list[dict[Parameter, list[float]]] = []
    for _, run in groupby(parts, key=lambda part: id(part[0] if isinstance(part, tuple) else part)):
        points = list(run)
        first = points[0]
        if not isinstance(first, tuple):
            qcs.append(for_aer(first))
            binds.append({})
        elif len(points) > 1 and for_aer(first[0]) is first[0]:  # its parameters stay Aer's to bind
            columns = zip(*(numbers for _, numbers in points), strict=True)  # type: ignore[misc]
            qcs.append(first[0])
            binds.append(dict(zip(first[0].parameters, map(list, columns), strict=True)))
        else:
            qcs += [for_aer(bind(*point)) for point in points]  # type: ignore[misc]
            binds += [{}] * len(points)
    return qcs, binds if any(binds) else None


def _fresh_name() -> str:
    from qiskit import QuantumCircuit

    return str(QuantumCircuit().name)


def simulate(
    qcs: list[Any],
    noise: Any,
    run_options: dict[str, Any],
    seed: int | None,
    binds: list[dict[Parameter, list[float]]] | None = None,
) -> Any:
    """Run circuits on Aer (in this thread), each with its parameter bindings if any; the Aer ``Result``."""
    options = dict(run_options)
    if noise is None and max(qc.num_qubits for qc in qcs) < _AER_PARALLEL_QUBITS:
        # a small noiseless job gains nothing from OpenMP threads, which cost milliseconds of barriers when
        # the cores are busy (HTTP thread, clients): run it in this thread alone
        options.setdefault("max_parallel_threads", 1)
    if seed is not None:
        options["seed_simulator"] = seed
    try:
        # Aer's run() hands circuits to a shared executor thread, where qiskit 2.6 can segfault on
        # circuits built in another thread; run the job function in this thread instead.
        result = _simulator(noise)._execute_circuits_job(qcs, binds, options)
    except Exception as exc:  # Aer reports invalid circuits and options as various exceptions
        raise ExecutionError(f"simulation failed: {type(exc).__name__}: {exc}") from exc
    if not result.success:
        raise ExecutionError(f"simulation failed: {result.status}")
    return result


@cache
def _pioneer_noise() -> Any:
    return depolarizing(PIONEER_NOISE, _ONE_QUBIT_GATES, _TWO_QUBIT_GATES)


def active_qubits(qc: Any) -> int:
    """How many qubits the circuit's instructions touch (idle ones cost nothing: Aer truncates them)."""
    return len({q for inst in qc.data if inst.operation.name != "barrier" for q in inst.qubits})


def aer_options(model: ComputationModel) -> dict[str, Any]:
    """The Aer run options of ``backend.options`` (``method``, ``precision``...), others ignored."""
    given = (model.backend.options if model.backend else None) or {}
    known = set(_aer_option_names())
    return {k: v for k, v in given.items() if k in known and k not in _RESERVED and v is not None}


@cache
def _aer_option_names() -> tuple[str, ...]:
    from qiskit_aer import AerSimulator

    return tuple(AerSimulator._default_options().__dict__)


_local = threading.local()


def _simulator(noise_model: Any) -> Any:
    from qiskit_aer import AerSimulator

    if noise_model is not None:
        return AerSimulator(noise_model=noise_model)
    sim = getattr(_local, "aer", None)
    if sim is None:
        sim = _local.aer = AerSimulator()
    return sim


@cache
def _aer_instructions() -> frozenset[str]:
    """Standard instruction names Aer executes as they are (anything else is lowered to them first)."""
    from qiskit.circuit.library import get_standard_gate_name_mapping
    from qiskit_aer import AerSimulator

    standard = set(get_standard_gate_name_mapping()) | {"measure", "reset", "barrier", "delay"}
    return frozenset(set(AerSimulator().target.operation_names) & standard)


def for_aer(qc: Any) -> Any:
    """A simulator accepts any valid circuit: lower gates Aer lacks (``ch``, ``move``...) and gates the
    program defines itself (even when named like an Aer gate, e.g. ``xx_plus_yy``) to Aer's instructions."""
    supported = _aer_instructions()

    def foreign(circuit: Any) -> list[str]:
        # qiskit.qasm2 loads a program's own ``gate`` definitions as its private _DefinedGate
        # (standard gates are not: their Python objects are not even built)
        custom = [i for i in circuit.data if not i.is_standard_gate()]
        names = {i.name for i in custom if type(i.operation).__name__ == "_DefinedGate"}
        return sorted(names | {"move"} & {i.name for i in custom})

    while names := foreign(qc):
        qc = qc.decompose(gates_to_decompose=names)
    # Aer's target does not list barriers, which it executes: a circuit with one is not transpiled for them
    if all(inst.name in supported or inst.name == "barrier" for inst in qc.data):
        return qc
    from qiskit import transpile

    return transpile(qc, basis_gates=sorted(supported), optimization_level=0)


def depolarizing(noise: Noise, one: tuple[str, ...], two: tuple[str, ...]) -> Any:
    """An Aer noise model: depolarizing errors on the given gates, a symmetric readout error."""
    from qiskit_aer.noise import NoiseModel as AerNoise
    from qiskit_aer.noise import ReadoutError, depolarizing_error

    model = AerNoise(basis_gates=[*one, *two])
    model.add_all_qubit_quantum_error(depolarizing_error(noise.single_qubit_error, 1), list(one))
    model.add_all_qubit_quantum_error(depolarizing_error(noise.two_qubit_error, 2), list(two))
    p = noise.readout_error
    if p > 0:
        model.add_all_qubit_readout_error(ReadoutError([[1 - p, p], [p, 1 - p]]))
    return model


def user_noise(noise: NoiseModel) -> Any:
    from qiskit_aer.noise import NoiseModel as AerNoise

    try:
        return AerNoise.from_dict(aer_noise.decode(noise))
    except Exception as exc:
        raise ExecutionError(f"invalid noise model: {type(exc).__name__}: {exc}") from exc


def _cudaq_payload(exp: ExperimentResult) -> str:
    """CUDA-Q's global register: the measured bits, classical bit 0 leftmost."""
    return packed(ResultFormat.CUDAQ_SAMPLE_RESULT_JSON_V1, cudaq_codec.encode(exp))


def jsonable(doc: dict[str, Any]) -> Any:
    return json.loads(json.dumps(doc, default=str))


def warm_up() -> None:
    from .programs import _qasm2_instructions

    _qasm2_instructions()
    _aer_instructions()
    _aer_option_names()
    _simulator(None)
