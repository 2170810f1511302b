"""Execution of a job's programs on the simulator behind its platform.

:func:`execute` turns a model and parameters into result payloads in the
platform's result format, or raises :class:`ExecutionError` whose message
becomes the job's ``progress_message``. Quantum libraries are imported on
first use, once, so the HTTP request path never pays for them.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from functools import cache
from typing import TYPE_CHECKING, Any

from ..core.errors import PayloadError
from ..core.payload import (
    Compression,
    ComputationModel,
    ComputationParameters,
    ExperimentResult,
    NoiseModel,
    Program,
    ProgramFormat,
    ProgramResult,
    ResultFormat,
    cudaq_result_document,
)
from .platforms import PlatformSpec

if TYPE_CHECKING:
    from qiskit import QuantumCircuit

_CONTROL_OPS = frozenset({"measure", "barrier", "delay", "id"})


class ExecutionError(Exception):
    """A job-level failure: bad program, unsupported gate, platform limit..."""


def execute(
    platform: PlatformSpec, model: ComputationModel, params: ComputationParameters, seed: int | None
) -> list[str]:
    """Run every program in this process; return the JSON texts of the job results.

    The server calls it in its engine processes only (:mod:`.engine`), on their main thread: qiskit's
    native code crashes when several threads of a process use it (commit 82ea6c9).
    """
    return _execute(platform, model, params, seed)


def _execute(
    platform: PlatformSpec, model: ComputationModel, params: ComputationParameters, seed: int | None
) -> list[str]:
    options = params.options or {}
    seed = _seed(options, seed)
    try:
        if platform.engine == "qsim":
            return [_run_qsim(platform, p, params.shots, seed) for p in model.programs]
        return _run_aer(platform, model, params.shots, bool(options.get("memory")), seed)
    except PayloadError as exc:
        raise ExecutionError(str(exc)) from exc


def family(platform: PlatformSpec) -> str:
    """The simulator libraries a platform's jobs need, as :func:`warm_up` names them."""
    return platform.engine


def warm_up(name: str) -> None:
    """Import and initialise the simulators of one family (see :func:`family`), and only those: a
    Qiskit user never waits for Cirq, nor a Cirq user for Qiskit."""
    _WARM_UPS.get(name, _warm_up_aer)()


def _warm_up_aer() -> None:
    from qiskit import qasm3

    _qasm2_instructions()
    _aer_instructions()
    _simulator(None)
    qasm3.loads("OPENQASM 3.0; qubit[1] q; bit[1] c; c[0] = measure q[0];")  # its parser's first use: ~0.1 s


def _warm_up_qsim() -> None:
    from cirq.contrib.qasm_import import circuit_from_qasm  # noqa: F401

    _qsim_simulator()


_WARM_UPS = {"aer": _warm_up_aer, "qsim": _warm_up_qsim}


def _seed(options: dict[str, Any], default: int | None) -> int | None:
    for key in ("seed_simulator", "seed"):
        value = options.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return default


def _check_format(platform: PlatformSpec, program: Program) -> None:
    if program.serialization_format not in platform.program_formats:
        accepted = ", ".join(f.name for f in platform.program_formats)
        raise ExecutionError(
            f"program format {program.serialization_format.name} is not accepted by {platform.name} "
            f"(accepted: {accepted})"
        )


# --- Qiskit Aer (Aer, CUDA-Q and emulated QPU platforms) -------------------------------------


@cache
def _qasm2_instructions() -> tuple[Any, ...]:
    from qiskit import qasm2
    from qiskit.circuit import library as lib

    extra = [
        qasm2.CustomInstruction("r", 2, 1, lib.RGate, builtin=True),
        qasm2.CustomInstruction("ryy", 1, 2, lib.RYYGate, builtin=True),
    ]
    return (*qasm2.LEGACY_CUSTOM_INSTRUCTIONS, *extra)


def _to_qiskit(program: Program) -> QuantumCircuit:
    """The program as a circuit. ``qelib1.inc`` is built in; no other include is read (the emulator's
    files are not the user's, and looking them up costs a path resolution per job)."""
    text = program.text()
    fmt = program.serialization_format
    try:
        if fmt in (ProgramFormat.QASM_V1, ProgramFormat.QASM_V2):
            from qiskit import qasm2

            return qasm2.loads(text, include_path=(), custom_instructions=_qasm2_instructions())
        if fmt == ProgramFormat.QASM_V3:
            from qiskit import qasm3

            return qasm3.loads(text)
        import cirq
        from qiskit import qasm2

        qasm = cirq.qasm(cirq.read_json(json_text=text))
        return qasm2.loads(qasm, include_path=(), custom_instructions=_qasm2_instructions())
    except Exception as exc:  # parsers raise many exception types; all mean "bad program"
        raise ExecutionError(f"cannot parse {fmt.name} program: {type(exc).__name__}: {exc}") from exc


def _check_native(platform: PlatformSpec, qc: QuantumCircuit, index: int) -> None:
    native = set(platform.native_gates or ())
    edges = platform.edges
    for inst in qc.data:
        name = inst.operation.name
        if name not in native:
            gates = ", ".join(g for g in platform.native_gates or () if g not in _CONTROL_OPS)
            raise ExecutionError(
                f"program {index}: gate '{name}' is not native to {platform.name} (native: {gates}); "
                "transpile for this platform"
            )
        qubits = [qc.find_bit(q).index for q in inst.qubits]
        if len(qubits) == 2 and name not in _CONTROL_OPS and edges is not None and frozenset(qubits) not in edges:
            raise ExecutionError(
                f"program {index}: '{name}' on qubits {qubits[0]} and {qubits[1]}, which are not coupled "
                f"on {platform.name}; route the circuit with the platform's coupling_map"
            )


_noise_models: dict[str, Any] = {}


def _platform_noise(platform: PlatformSpec) -> Any:
    """The QPU's noise model, built once per platform."""
    if platform.name not in _noise_models:
        _noise_models[platform.name] = _build_noise(platform)
    return _noise_models[platform.name]


def _build_noise(platform: PlatformSpec) -> Any:
    from qiskit_aer.noise import NoiseModel as AerNoise
    from qiskit_aer.noise import ReadoutError, depolarizing_error

    noise = platform.noise
    assert noise is not None and platform.native_gates is not None
    model = AerNoise(basis_gates=[g for g in platform.native_gates if g not in _CONTROL_OPS])
    one = [g for g in platform.native_gates if g in ("r", "rx", "ry", "sx", "x")]
    two = [g for g in platform.native_gates if g in ("cz", "rxx", "rzz", "cx", "ecr")]
    model.add_all_qubit_quantum_error(depolarizing_error(noise.single_qubit_error, 1), one)
    model.add_all_qubit_quantum_error(depolarizing_error(noise.two_qubit_error, 2), two)
    p = noise.readout_error
    model.add_all_qubit_readout_error(ReadoutError([[1 - p, p], [p, 1 - p]]))
    return model


def _user_noise(noise: NoiseModel) -> Any:
    from qiskit_aer.noise import NoiseModel as AerNoise

    try:
        return AerNoise.from_dict(_revive(json.loads(noise.text())))
    except PayloadError:
        raise
    except Exception as exc:
        raise ExecutionError(f"invalid noise model: {type(exc).__name__}: {exc}") from exc


def _revive(obj: Any) -> Any:
    """Undo qio's JSON encoding of numpy arrays and complex numbers in noise models."""
    if isinstance(obj, dict):
        if obj.get("__ndarray__"):
            import numpy as np

            return np.array(_revive(obj["data"]), dtype=obj.get("dtype")).reshape(obj["shape"])
        if obj.get("__complex__"):
            return complex(obj["real"], obj["imag"])
        return {k: _revive(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_revive(v) for v in obj]
    return obj


_local = threading.local()

#: Aer parallelises a state update from this many qubits on (its ``statevector_parallel_threshold``)
_AER_PARALLEL_QUBITS = 14


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


def _for_aer(qc: Any) -> Any:
    """A simulator accepts any valid circuit: lower gates Aer lacks (``ch``...) and gates the program
    defines itself (even when named like an Aer gate, e.g. ``xx_plus_yy``) to Aer's instructions first."""

    def defined(circuit: Any) -> list[str]:
        # qiskit.qasm2 loads a program's own ``gate`` definitions as its private _DefinedGate
        return sorted({i.operation.name for i in circuit.data if type(i.operation).__name__ == "_DefinedGate"})

    while names := defined(qc):
        qc = qc.decompose(gates_to_decompose=names)
    if all(inst.operation.name in _aer_instructions() for inst in qc.data):
        return qc
    from qiskit import transpile

    return transpile(qc, basis_gates=sorted(_aer_instructions()), optimization_level=0)


def _run_aer(platform: PlatformSpec, model: ComputationModel, shots: int, memory: bool, seed: int | None) -> list[str]:
    circuits = []
    for i, program in enumerate(model.programs):
        _check_format(platform, program)
        qc = _to_qiskit(program)
        if qc.num_qubits > platform.max_qubit_count:
            raise ExecutionError(
                f"program {i} uses {qc.num_qubits} qubits; {platform.name} has at most {platform.max_qubit_count}"
            )
        if platform.native_gates is not None:
            _check_native(platform, qc, i)
        else:
            qc = _for_aer(qc)
        circuits.append(qc)
    if platform.noise is not None:
        noise = _platform_noise(platform)
    elif model.noise_model is not None:
        noise = _user_noise(model.noise_model)
    else:
        noise = None
    run_options: dict[str, Any] = {"shots": shots, "memory": memory}
    if noise is None and max(qc.num_qubits for qc in circuits) < _AER_PARALLEL_QUBITS:
        # a small noiseless job gains nothing from OpenMP threads, which cost milliseconds of barriers when
        # the cores are busy (HTTP thread, clients): run it in this thread alone
        run_options["max_parallel_threads"] = 1
    if seed is not None:
        run_options["seed_simulator"] = seed
    try:
        # Aer's run() hands circuits to a shared executor thread, where qiskit 2.6 can segfault on
        # circuits built in another thread; run the job function in this worker thread instead.
        result = _simulator(noise)._execute_circuits_job(circuits, None, run_options)
    except Exception as exc:  # Aer reports invalid circuits as various exceptions
        raise ExecutionError(f"simulation failed: {type(exc).__name__}: {exc}") from exc
    if not result.success:
        raise ExecutionError(f"simulation failed: {result.status}")
    doc = result.to_dict()
    doc["backend_name"] = platform.name
    doc["backend_version"] = platform.version
    if platform.result_format == ResultFormat.CUDAQ_SAMPLE_RESULT_JSON_V1:
        qiskit_payload = ProgramResult.encode(ResultFormat.QISKIT_RESULT_JSON_V1, _jsonable(doc))
        return [_cudaq_payload(exp) for exp in qiskit_payload.decode()]
    return [ProgramResult.encode(ResultFormat.QISKIT_RESULT_JSON_V1, _jsonable(doc)).to_json()]


def _cudaq_payload(exp: ExperimentResult) -> str:
    """CUDA-Q's global register: the measured bits, classical bit 0 leftmost."""
    return ProgramResult.encode(ResultFormat.CUDAQ_SAMPLE_RESULT_JSON_V1, cudaq_result_document(exp)).to_json()


def _jsonable(doc: dict[str, Any]) -> Any:
    return json.loads(json.dumps(doc, default=str))


# --- qsim -------------------------------------------------------------------------------------


def _to_cirq(program: Program) -> Any:
    return _parse_cirq(program.serialization_format, program.text())


@functools.lru_cache(maxsize=64)
def _parse_cirq(fmt: ProgramFormat, text: str) -> Any:
    """The circuit of a program (cached: jobs repeat programs; nothing mutates a parsed circuit)."""
    import cirq

    try:
        if fmt == ProgramFormat.CIRQ_CIRCUIT_JSON_V1:
            circuit = cirq.read_json(json_text=text)
            if not isinstance(circuit, cirq.AbstractCircuit):
                raise ExecutionError(f"CIRQ_CIRCUIT_JSON_V1 program holds a {type(circuit).__name__}, not a circuit")
            return circuit
        from cirq.contrib.qasm_import import circuit_from_qasm

        return circuit_from_qasm(text)
    except ExecutionError:
        raise
    except Exception as exc:
        raise ExecutionError(f"cannot parse {fmt.name} program: {type(exc).__name__}: {exc}") from exc


def _run_qsim(platform: PlatformSpec, program: Program, shots: int, seed: int | None) -> str:
    import cirq

    _check_format(platform, program)
    circuit = _to_cirq(program)
    n_qubits = len(circuit.all_qubits())
    if n_qubits > platform.max_qubit_count:
        raise ExecutionError(f"program uses {n_qubits} qubits; {platform.name} has at most {platform.max_qubit_count}")
    if not circuit.has_measurements():
        raise ExecutionError("program has no measurement; add measurements to sample it")
    try:
        records = _qsim_terminal_sample(circuit, shots, seed)
        if records is None:
            import qsimcirq

            result = qsimcirq.QSimSimulator(seed=seed).run(circuit, repetitions=shots)
        else:
            result = cirq.ResultDict(params=cirq.ParamResolver({}), records=records)
    except Exception as exc:
        raise ExecutionError(f"simulation failed: {type(exc).__name__}: {exc}") from exc
    if program.serialization_format != ProgramFormat.CIRQ_CIRCUIT_JSON_V1:
        result = _qasm_registers(result, program.text())
    text = cirq.to_json(result, indent=None)
    return ProgramResult(ResultFormat.CIRQ_RESULT_JSON_V1, Compression.NONE, text).to_json()


@cache
def _qsim_simulator() -> Any:
    """One simulator for the fast path (translation and options only: seeds are drawn per job)."""
    import qsimcirq

    return qsimcirq.QSimSimulator()


def _qsim_terminal_sample(circuit: Any, shots: int, seed: int | None) -> dict[str, Any] | None:
    """The records ``QSimSimulator(seed=seed).run(circuit, shots)`` returns, for the common case of a
    noiseless circuit measured only at its end; None for any other circuit (use qsimcirq's run).

    It makes the same call into qsim with the same seed as qsimcirq's own sampling of such circuits
    (``_sample_measure_results``), hence the same samples, but turns qsim's bitstrings into measurement
    records with numpy instead of a Python loop over every shot and qubit (most of the job's time).
    """
    import cirq
    import numpy as np
    import qsimcirq

    sim = _qsim_simulator()
    if shots <= 1 or cirq.is_parameterized(circuit) or not circuit.are_all_measurements_terminal():
        return None
    if not all(cirq.is_measurement(op) or cirq.has_unitary(op) for op in circuit.all_operations()):
        return None  # channels: qsim samples trajectories
    meas_ops: dict[str, list[Any]] = {}
    for _, op, _ in circuit.findall_operations_with_gate_type(cirq.MeasurementGate):
        meas_ops.setdefault(cirq.measurement_key_name(op.gate), []).append(op)
    if any(len(ops) > 1 for ops in meas_ops.values()):
        return None  # repeated keys: qsimcirq checks and shapes them
    ordered = cirq.QubitOrder.DEFAULT.order_for(circuit.all_qubits())
    qubit_index = {q: i for i, q in enumerate(ordered)}
    # measurements become identities, so that no measured qubit drops out of the circuit
    moments = [
        cirq.Moment(
            op if not isinstance(op.gate, cirq.MeasurementGate) else [cirq.IdentityGate(1).on(q) for q in op.qubits]
            for op in moment
        )
        for moment in circuit.moments
    ]
    program = qsimcirq.QSimCircuit(cirq.Circuit.from_moments(*moments))
    options = dict(sim.qsim_options)
    options["c"], _ = program.translate_cirq_to_qsim(cirq.QubitOrder.DEFAULT)
    options["s"] = cirq.value.parse_random_state(seed).randint(2**31 - 1)  # QSimSimulator.get_seed
    raw = np.asarray(sim._sim_module.qsim_sample_final(options, shots), dtype=np.uint64)
    shifts = np.arange(len(ordered) - 1, -1, -1, dtype=np.uint64)  # qubit 0 is the most significant bit
    bits = ((raw[:, None] >> shifts) & np.uint64(1)).astype(bool)
    records = {}
    for key, (op,) in meas_ops.items():
        columns = bits[:, [qubit_index[q] for q in op.qubits]] ^ np.asarray(op.gate.full_invert_mask(), dtype=bool)
        records[key] = columns.astype(int)[:, None, :]
    return records


_CREG = re.compile(r"\bcreg\s+([A-Za-z_]\w*)\s*\[\s*(\d+)\s*\]")


def _qasm_registers(result: Any, qasm: str) -> Any:
    """Regroup Cirq's per-bit keys (``c_0``, ``c_1``...) of a QASM import into its classical registers."""
    import cirq
    import numpy as np

    registers = [(name, int(size)) for name, size in _CREG.findall(qasm)]
    if not registers:
        return result
    records = {}
    for name, size in registers:
        bits = np.zeros((result.repetitions, 1, size), dtype=np.int8)
        for i in range(size):
            record = result.records.get(f"{name}_{i}")
            if record is not None:
                bits[:, 0, i] = record[:, -1, 0]
        records[name] = bits
    return cirq.ResultDict(params=result.params, records=records)
