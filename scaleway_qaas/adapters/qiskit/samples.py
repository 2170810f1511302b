"""Neutral per-shot results -> the Sampler's bit arrays, without an intermediate Qiskit ``Result``.

``BackendSamplerV2`` reads each experiment's hex memory into unpacked bits (``W`` columns, the
circuit's classical bit ``i`` in column ``W - 1 - i``), then packs each register's columns into a
``BitArray``. The same arrays are built here from the neutral bitstrings (classical bit ``i`` is
character ``i``), one table row per distinct outcome, so a 10,000-point sweep holds one small
array per experiment instead of a Qiskit ``Result`` of hex strings and counts.
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


def _unpacked(exp: ExperimentResult, circuit: QuantumCircuit, width: int) -> np.ndarray:
    """``(shots, width)`` uint8: the experiment's shots as the Sampler unpacks them."""
    if not exp.memory:
        return np.zeros((exp.shots, width), dtype=np.uint8)
    order = _bit_positions(exp, circuit) if circuit.num_clbits == exp.num_bits else None
    distinct = dict.fromkeys(exp.memory)
    table = np.zeros((len(distinct), width), dtype=np.uint8)
    for row, bits in enumerate(distinct):
        if order is not None:
            bits = "".join(bits[p] for p in order)
        value = bits.rstrip("0")  # high clbits that are 0 need no column
        if len(value) > width:
            raise PayloadError(
                f"a result of circuit '{circuit.name}' has {len(bits)} bits, more than its {width} classical bits"
            )
        if value:
            table[row, width - len(value) :] = np.frombuffer(value[::-1].encode("ascii"), dtype=np.uint8) - 48
    index = {bits: i for i, bits in enumerate(distinct)}
    return table[np.fromiter(map(index.__getitem__, exp.memory), dtype=np.intp, count=len(exp.memory))]


def pub_result(
    experiments: Sequence[ExperimentResult], circuit: QuantumCircuit, shape: tuple[int, ...], shots: int
) -> SamplerPubResult:
    """The ``SamplerPubResult`` of one PUB (``experiments`` in the order of its points), as Qiskit builds it."""
    meas_info, max_num_bytes = _analyze_circuit(circuit)
    width = 8 * max_num_bytes
    samples = np.stack([_unpacked(exp, circuit, width) for exp in experiments]) if experiments else None
    meas: dict[str, Any] = {}
    for item in meas_info:
        if samples is None:
            packed = np.zeros((*shape, shots, item.num_bytes), dtype=np.uint8)
        else:
            flat = _samples_to_packed_array(samples.reshape(-1, width), item.num_bits, item.start)
            packed = flat.reshape(*shape, shots, item.num_bytes)
        meas[item.creg_name] = BitArray(packed, item.num_bits)
    return SamplerPubResult(
        DataBin(**meas, shape=shape), metadata={"shots": shots, "circuit_metadata": circuit.metadata}
    )
