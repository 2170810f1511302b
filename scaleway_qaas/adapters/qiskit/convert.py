"""Translation: Qiskit circuits -> shared programs, Aer noise models -> shared noise models,
neutral results -> :class:`qiskit.result.Result`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from qiskit import QuantumCircuit, qasm2, qasm3
from qiskit.result import Result
from qiskit.transpiler import Target
from qiskit.transpiler.passes import RemoveBarriers

from ...core.errors import InvalidArgumentError
from ...core.payload import (
    Compression,
    ExperimentResult,
    NoiseModel,
    NoiseModelFormat,
    Program,
    ProgramFormat,
    compress,
)
from ...core.resources import Platform
from .target import DIRECTIVES


def check_circuit(circuit: QuantumCircuit, platform: Platform, target: Target, *, check_native: bool) -> None:
    """Raise :class:`InvalidArgumentError` for what the platform would reject, before anything is sent."""
    name = circuit.name
    if circuit.num_qubits > platform.max_qubit_count:
        raise InvalidArgumentError(
            f"circuit '{name}' has {circuit.num_qubits} qubits but {platform.name} has {platform.max_qubit_count}"
        )
    if circuit.parameters:
        params = ", ".join(p.name for p in circuit.parameters)
        raise InvalidArgumentError(
            f"circuit '{name}' has unbound parameters ({params}); bind them first with "
            "circuit.assign_parameters({...})"
        )
    if circuit.num_clbits == 0 or not any(i.operation.name == "measure" for i in circuit.data):
        raise InvalidArgumentError(
            f"circuit '{name}' has no measurements, so there is nothing to sample; add some "
            "(e.g. circuit.measure_all())"
        )
    if not check_native:
        return
    for inst in circuit.data:
        op = inst.operation.name
        if op in DIRECTIVES:
            continue
        qubits = tuple(circuit.find_bit(q).index for q in inst.qubits)
        if op not in target.operation_names:
            native = ", ".join(g for g in target.operation_names if g not in ("measure", "delay", "id", "reset"))
            raise InvalidArgumentError(
                f"circuit '{name}': gate '{op}' is not native to {platform.name} (native gates: {native}); "
                "transpile it first: circuit = qiskit.transpile(circuit, backend)"
            )
        if not target.instruction_supported(op, qubits):
            raise InvalidArgumentError(
                f"circuit '{name}': '{op}' on qubits {list(qubits)} is not supported by the coupling map of "
                f"{platform.name}; transpile it first: circuit = qiskit.transpile(circuit, backend)"
            )


def to_program(circuit: QuantumCircuit, platform: Platform) -> Program:
    """Export with Qiskit's own OpenQASM exporters, zlib-compressed as the official plugin does.

    OpenQASM 2 when the circuit fits in it and the platform reads it (platforms parse it about 25x
    faster than OpenQASM 3), else OpenQASM 3 (dynamic circuits: if/else, loops, switch...).
    """
    formats = platform.program_formats
    if ProgramFormat.QASM_V2 in formats or ProgramFormat.QASM_V3 not in formats:
        # barriers mean nothing when sampling, and some QASM 2 readers (Cirq's) reject them
        plain = RemoveBarriers()(circuit) if "barrier" in circuit.count_ops() else circuit
        try:
            return Program.from_text(qasm2.dumps(plain), ProgramFormat.QASM_V2, Compression.ZLIB_BASE64_V1)
        except qasm2.QASM2ExportError:
            if ProgramFormat.QASM_V3 not in formats:
                raise InvalidArgumentError(
                    f"circuit '{circuit.name}' cannot be written in OpenQASM 2, the only format {platform.name} "
                    "reads (dynamic circuits need OpenQASM 3)"
                ) from None
    return Program.from_text(qasm3.dumps(circuit), ProgramFormat.QASM_V3, Compression.ZLIB_BASE64_V1)


def to_noise_model(noise_model: Any) -> NoiseModel:
    """A ``qiskit_aer.noise.NoiseModel`` in the shared format, encoded exactly as ``qio`` does."""
    if not hasattr(noise_model, "to_dict"):
        raise InvalidArgumentError(
            f"noise_model must be a qiskit_aer.noise.NoiseModel, got {type(noise_model).__name__}"
        )
    text = json.dumps(_encode(noise_model.to_dict(False)))
    return NoiseModel(
        serialization_format=NoiseModelFormat.QISKIT_AER_JSON_V1,
        compression_format=Compression.ZLIB_BASE64_V1,
        serialization=compress(text),
    )


def _encode(obj: Any) -> Any:
    """qio's JSON encoding of numpy arrays and complex numbers."""
    import numpy as np

    if isinstance(obj, np.ndarray):
        return {"__ndarray__": True, "data": _encode(obj.tolist()), "dtype": obj.dtype.name, "shape": obj.shape}
    if isinstance(obj, complex | np.complexfloating):
        return {"__complex__": True, "real": float(obj.real), "imag": float(obj.imag)}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, dict):
        return {k: _encode(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_encode(v) for v in obj]
    return obj


def _hex(bits: str) -> str:
    """Neutral bitstring (classical bit 0 leftmost) -> Qiskit hex key (classical bit 0 = least significant)."""
    return hex(int(bits[::-1], 2)) if bits else "0x0"


def _bit_positions(exp: ExperimentResult, circuit: QuantumCircuit) -> list[int] | None:
    """Where each classical bit of ``circuit`` sits in ``exp``'s bitstrings, when registers differ.

    Results read back from QASM by Cirq name one key per bit (``c_0``, ``c_1``...) in any
    order; map them back to the circuit's classical bits. ``None``: keep the order as it is.
    """
    starts: dict[str, tuple[int, int]] = {}
    pos = 0
    for reg in exp.registers:
        starts[reg.name] = (pos, reg.size)
        pos += reg.size
    if [(r.name, r.size) for r in exp.registers] == [(r.name, r.size) for r in circuit.cregs] or not starts:
        return None
    out = []
    for bit in circuit.clbits:
        loc = circuit.find_bit(bit).registers
        if not loc:
            return None
        reg, idx = loc[0]
        if starts.get(reg.name, (0, -1))[1] == reg.size:
            out.append(starts[reg.name][0] + idx)
        elif starts.get(f"{reg.name}_{idx}", (0, -1))[1] == 1:
            out.append(starts[f"{reg.name}_{idx}"][0])
        else:
            return None
    return out


def _reorder(bits: str, positions: list[int] | None) -> str:
    return bits if positions is None else "".join(bits[p] for p in positions)


def _header(exp: ExperimentResult, circuit: QuantumCircuit | None, index: int) -> dict[str, Any]:
    if circuit is not None and circuit.num_clbits == exp.num_bits:
        cregs = [[reg.name, reg.size] for reg in circuit.cregs]
        if sum(size for _, size in cregs) != circuit.num_clbits:  # loose classical bits
            cregs = [["c", circuit.num_clbits]]
        return {
            "name": circuit.name,
            "creg_sizes": cregs,
            "memory_slots": circuit.num_clbits,
            "n_qubits": circuit.num_qubits,
            "metadata": dict(circuit.metadata or {}),
        }
    cregs = [[r.name, r.size] for r in exp.registers] or [["c", exp.num_bits]]
    return {
        "name": exp.name or f"circuit-{index}",
        "creg_sizes": cregs,
        "memory_slots": exp.num_bits,
        "n_qubits": int(exp.metadata.get("n_qubits", exp.num_bits)),
        "metadata": {},
    }


def to_qiskit_result(
    experiments: Sequence[ExperimentResult],
    circuits: Sequence[QuantumCircuit] | None,
    *,
    backend_name: str,
    backend_version: str,
    job_id: str,
) -> Result:
    """One Qiskit experiment per neutral result; counts and memory as hex keys under the circuit's header."""
    results = []
    for i, exp in enumerate(experiments):
        circuit = circuits[i] if circuits is not None and i < len(circuits) else None
        order = _bit_positions(exp, circuit) if circuit is not None and circuit.num_clbits == exp.num_bits else None
        counts: dict[str, int] = {}
        for bits, n in exp.counts.items():
            key = _hex(_reorder(bits, order))
            counts[key] = counts.get(key, 0) + n
        data: dict[str, Any] = {"counts": counts}
        if exp.memory is not None:
            data["memory"] = [_hex(_reorder(b, order)) for b in exp.memory]
        results.append(
            {
                "shots": exp.shots,
                "success": True,
                "data": data,
                "meas_level": 2,
                "header": _header(exp, circuit, i),
                "status": "DONE",
            }
        )
    return Result.from_dict(
        {
            "backend_name": backend_name,
            "backend_version": backend_version,
            "qobj_id": "",
            "job_id": job_id,
            "success": True,
            "results": results,
        }
    )
