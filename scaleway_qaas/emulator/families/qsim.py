"""The qsim family: Google's qsim state-vector simulator, Cirq Result JSON.

Cirq JSON programs run as they are. QASM 2 goes through Cirq's importer; QASM 3, and QASM 2 that
Cirq's importer cannot read (gates it lacks), are read by Qiskit and written back as QASM 2 in gates
Cirq reads. Measurement keys of QASM programs are regrouped into their classical registers.
"""

from __future__ import annotations

import functools
import re
from functools import cache
from typing import Any

from ...core.wire import (
    ComputationModel,
    ComputationParameters,
    Program,
    ProgramFormat,
    ProgramResult,
    ResultFormat,
    compress,
)
from ..platforms import PlatformSpec
from . import RESULT_COMPRESSION, ExecutionError
from .programs import check_format, fix_qasm2, seed_of, to_qiskit

#: gates Cirq's QASM importer reads, the target when a program is rewritten for it
_CIRQ_QASM_BASIS = ("u3", "cx", "id", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "rx", "ry", "rz", "cz", "swap")


def run(platform: PlatformSpec, model: ComputationModel, params: ComputationParameters, seed: int | None) -> list[str]:
    seed = seed_of(params.options or {}, seed)
    return [_run_program(platform, p, params.shots, seed) for p in model.programs]


def warm_up() -> None:
    import qsimcirq  # noqa: F401
    from cirq.contrib.qasm_import import circuit_from_qasm  # noqa: F401

    _qsim_simulator()


def _to_cirq(program: Program) -> tuple[Any, str | None]:
    """The circuit, and the QASM 2 text it was read from (None for Cirq JSON)."""
    fmt = program.serialization_format
    if fmt == ProgramFormat.CIRQ_CIRCUIT_JSON_V1:
        return _parse_cirq(fmt, program.text()), None
    text = fix_qasm2(program.text()) if fmt != ProgramFormat.QASM_V3 else None
    if text is not None:
        try:
            return _parse_cirq(ProgramFormat.QASM_V2, text), text
        except ExecutionError:
            pass  # a gate Cirq's importer lacks: rewrite through Qiskit
    text = _rewrite_qasm2(program)
    return _parse_cirq(ProgramFormat.QASM_V2, text), text


def _rewrite_qasm2(program: Program) -> str:
    from qiskit import qasm2, transpile

    qc = to_qiskit(program)
    try:
        return str(qasm2.dumps(transpile(qc, basis_gates=list(_CIRQ_QASM_BASIS), optimization_level=0)))
    except Exception as exc:
        raise ExecutionError(f"cannot convert the program for qsim: {type(exc).__name__}: {exc}") from exc


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


def _run_program(platform: PlatformSpec, program: Program, shots: int, seed: int | None) -> str:
    import cirq

    check_format(platform, program)
    circuit, qasm = _to_cirq(program)
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
    if qasm is not None:
        result = _qasm_registers(result, qasm)
    text = cirq.to_json(result, indent=None)
    return ProgramResult(ResultFormat.CIRQ_RESULT_JSON_V1, RESULT_COMPRESSION, compress(text)).to_json()


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
