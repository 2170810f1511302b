"""Translation: Qiskit circuits -> shared programs, Aer noise models -> shared noise models,
neutral results -> :class:`qiskit.result.Result`."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from qiskit import QuantumCircuit, qasm2, qasm3
from qiskit.result import Result
from qiskit.result.models import ExperimentResult as QiskitExperimentResult
from qiskit.transpiler.passes import RemoveBarriers

from ...core import (
    CannotEncode,
    ExperimentResult,
    NoiseModel,
    PlatformDescription,
    Program,
    ProgramFormat,
    codecs,
    encode_program,
)
from ...errors import InvalidArgumentError


def check_circuit(circuit: QuantumCircuit, platform: PlatformDescription, *, bound: bool = True) -> None:
    """Raise :class:`InvalidArgumentError` for what no platform could run, before anything is sent
    (``bound=False``: parameters are bound later, point by point)."""
    name = circuit.name
    if platform.max_qubits and circuit.num_qubits > platform.max_qubits:
        raise InvalidArgumentError(
            f"circuit '{name}' has {circuit.num_qubits} qubits but {platform.name} has {platform.max_qubits}"
        )
    if bound and circuit.parameters:
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


def export(circuit: QuantumCircuit, platform: PlatformDescription, fmt: ProgramFormat) -> str:
    """The circuit's text in ``fmt`` (Qiskit's own OpenQASM exporters); :class:`CannotEncode` if it does not fit."""
    if platform.traits.strip_barriers and "barrier" in circuit.count_ops():
        circuit = RemoveBarriers()(circuit)
    if fmt == ProgramFormat.QASM_V2:
        try:
            return str(qasm2.dumps(circuit))
        except qasm2.QASM2ExportError as exc:
            raise CannotEncode(f"{exc} (dynamic circuits need OpenQASM 3)") from exc
    try:
        return str(qasm3.dumps(circuit))
    except qasm3.QASM3ExporterError as exc:
        raise CannotEncode(str(exc)) from exc


def to_program(circuit: QuantumCircuit, platform: PlatformDescription) -> Program:
    """The circuit in the platform's preferred format that can hold it (Qiskit's own OpenQASM exporters)."""
    encoders = {fmt: partial(export, circuit, platform, fmt) for fmt in (ProgramFormat.QASM_V2, ProgramFormat.QASM_V3)}
    return encode_program(platform, encoders, what=f"circuit '{circuit.name}'")


def to_noise_model(noise_model: Any) -> NoiseModel:
    """A ``qiskit_aer.noise.NoiseModel`` in the shared format, encoded exactly as ``qio`` does."""
    if not hasattr(noise_model, "to_dict"):
        raise InvalidArgumentError(
            f"noise_model must be a qiskit_aer.noise.NoiseModel, got {type(noise_model).__name__}"
        )
    return codecs.aer_noise.encode(noise_model.to_dict(False))


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
    header = codecs.qiskit.header(exp, index)
    if circuit is not None:
        header["name"] = circuit.name
    return header


def qiskit_experiments(
    indices: Sequence[int], experiments: list[ExperimentResult], circuits: Sequence[QuantumCircuit] | None
) -> list[QiskitExperimentResult]:
    """The Qiskit experiments of neutral results (of the submitted circuits at ``indices``: one job's, converted
    as soon as they arrive, so that a long run holds these, not every circuit's neutral result too)."""
    ordered = []
    headers = []
    for i, exp in zip(indices, experiments, strict=True):
        circuit = circuits[i] if circuits is not None and i < len(circuits) else None
        order = _bit_positions(exp, circuit) if circuit is not None and circuit.num_clbits == exp.num_bits else None
        if order is not None:
            exp = ExperimentResult(
                counts=_reordered_counts(exp.counts, order),
                registers=exp.registers,
                memory=None if exp.memory is None else tuple(_reorder(b, order) for b in exp.memory),
                name=exp.name,
                metadata=exp.metadata,
            )
        ordered.append(exp)
        headers.append(_header(exp, circuit, i))
    document = codecs.qiskit.encode(ordered, backend_name="", headers=headers)
    return [QiskitExperimentResult.from_dict(result) for result in document["results"]]


def qiskit_result(
    experiments: list[QiskitExperimentResult], *, backend_name: str, backend_version: str, job_id: str
) -> Result:
    """The Qiskit ``Result`` of a run's experiments, in order (as ``Result.from_dict`` of the whole document)."""
    document = codecs.qiskit.encode([], backend_name=backend_name, backend_version=backend_version, job_id=job_id)
    return Result(**{**document, "results": experiments})


def _reordered_counts(counts: dict[str, int], order: list[int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for bits, n in counts.items():
        key = _reorder(bits, order)
        out[key] = out.get(key, 0) + n
    return out
