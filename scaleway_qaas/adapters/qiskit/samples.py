"""Neutral per-shot results -> the Sampler's bit arrays, without an intermediate Qiskit ``Result``.

``BackendSamplerV2`` reads each experiment's hex memory into unpacked bits (``W`` columns, the
circuit's classical bit ``i`` in column ``W - 1 - i``), then packs each register's columns into a
``BitArray``. The same arrays are built here from the neutral bitstrings (classical bit ``i`` is
character ``i``) with numpy, so a 10,000-point sweep holds one small array per experiment instead
of a Qiskit ``Result`` of hex strings and counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from qiskit import QuantumCircuit
from qiskit.primitives.backend_sampler_v2 import _analyze_circuit, _samples_to_packed_array
from qiskit.primitives.containers import BitArray, DataBin, SamplerPubResult

from ...core import ExperimentResult
from ...errors import PayloadError
from .convert import _bit_positions


def width(circuit: QuantumCircuit) -> int:
    """The columns of the circuit's unpacked shots (its classical bits, rounded up to whole bytes)."""
    return 8 * int(_analyze_circuit(circuit)[1])


def unpacked(exp: ExperimentResult, circuit: QuantumCircuit, width: int) -> np.ndarray:
    """``(shots, width)`` uint8: the experiment's shots as the Sampler unpacks them (a job's are made as
    soon as its results arrive, so a sweep holds these small arrays, not every point's neutral result)."""
    if not exp.memory:
        return np.zeros((exp.shots, width), dtype=np.uint8)
    joined = "".join(exp.memory)
    size = len(exp.memory[0])
    if len(joined) != size * len(exp.memory):
        raise PayloadError(f"the per-shot results of circuit '{circuit.name}' have different widths")
    bits = (np.frombuffer(joined.encode("ascii"), dtype=np.uint8) - ord("0")).reshape(-1, size)
    order = _bit_positions(exp, circuit) if circuit.num_clbits == exp.num_bits else None
    if order is not None:
        bits = bits[:, order]
    bits = bits[:, ::-1]  # classical bit 0 last
    if size > width:
        if bits[:, : size - width].any():
            raise PayloadError(f"a result of circuit '{circuit.name}' has more bits than its {width} classical bits")
        return np.ascontiguousarray(bits[:, size - width :])
    out = np.zeros((len(bits), width), dtype=np.uint8)
    out[:, width - size :] = bits
    return out


def pub_result(
    points: Sequence[np.ndarray], circuit: QuantumCircuit, shape: tuple[int, ...], shots: int
) -> SamplerPubResult:
    """The ``SamplerPubResult`` of one PUB (its points' :func:`unpacked` shots, in order), as Qiskit builds it."""
    meas_info, max_num_bytes = _analyze_circuit(circuit)
    samples = np.stack(points) if len(points) else None
    meas: dict[str, Any] = {}
    for item in meas_info:
        if samples is None:
            packed = np.zeros((*shape, shots, item.num_bytes), dtype=np.uint8)
        else:
            flat = _samples_to_packed_array(samples.reshape(-1, 8 * max_num_bytes), item.num_bits, item.start)
            packed = flat.reshape(*shape, shots, item.num_bytes)
        meas[item.creg_name] = BitArray(packed, item.num_bits)
    return SamplerPubResult(
        DataBin(**meas, shape=shape), metadata={"shots": shots, "circuit_metadata": circuit.metadata}
    )
