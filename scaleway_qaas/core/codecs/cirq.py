"""Cirq results (``cirq.to_json(cirq.ResultDict)``, format 1): decode to and encode from neutral results.

No Cirq import: records are packed bits, read and written with numpy.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import PayloadError
from ..results import ExperimentResult, Register


def _pack_bits(bits: Iterable[int]) -> str:
    out = bytearray()
    acc = 0
    n = 0
    for b in bits:
        acc = (acc << 1) | (1 if b else 0)
        n += 1
        if n == 8:
            out.append(acc)
            acc = n = 0
    if n:
        out.append(acc << (8 - n))
    return out.hex()


def _cirq_rows(key: str, rec: dict[str, Any], reps: int | None) -> Any:
    """One key's record as a (repetitions, width) bit array; cirq's ``measurements`` keep the last instance."""
    import numpy as np

    shape = [int(x) for x in rec["shape"]]
    if len(shape) == 2:
        shape = [shape[0], 1, shape[1]]
    n_reps, instances, width = shape
    if reps is not None and n_reps != reps:
        raise PayloadError(f"cirq result key {key!r} has {n_reps} repetitions, others have {reps}")
    if rec.get("binary", True) is not True:
        raise PayloadError(f"cirq result key {key!r} holds non-binary (qudit) records")
    bits = np.unpackbits(np.frombuffer(bytes.fromhex(rec["packed_digits"]), dtype=np.uint8))
    need = n_reps * instances * width
    if bits.size < need:
        raise PayloadError(f"packed measurement record of key {key!r} has {bits.size} bits, expected {need}")
    return bits[:need].reshape(n_reps, instances, width)[:, -1, :]


def decode(data: dict[str, Any]) -> list[ExperimentResult]:
    import numpy as np

    records = data.get("records")
    if records is None and "measurements" in data:  # older ResultDict JSON
        records = {k: {**v, "shape": [*v["shape"][:1], 1, *v["shape"][1:]]} for k, v in data["measurements"].items()}
    if not isinstance(records, dict):
        raise PayloadError("cirq result has no 'records'")
    records = {k: v for k, v in records.items() if k != "cirq_type"}
    registers = []
    columns: list[Any] = []
    for key, rec in records.items():
        columns.append(_cirq_rows(key, rec, columns[0].shape[0] if columns else None))
        registers.append(Register(str(key), columns[-1].shape[1]))
    memory: tuple[str, ...] = ()
    counts: dict[str, int] = {}
    if columns and columns[0].shape[0]:
        shots = np.concatenate(columns, axis=1)
        width = shots.shape[1]
        # few distinct outcomes repeat over many shots: build each bitstring once
        packed = np.ascontiguousarray(np.packbits(shots, axis=1))
        rows = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
        distinct, inverse, occurrences = np.unique(rows, return_inverse=True, return_counts=True)
        names = [
            "".join("1" if b else "0" for b in np.unpackbits(np.frombuffer(row.tobytes(), dtype=np.uint8))[:width])
            for row in distinct
        ]
        memory = tuple(np.array(names, dtype=object)[inverse.ravel()])
        counts = {name: int(n) for name, n in zip(names, occurrences, strict=True)}
    params = data.get("params") or {}
    param_dict = params.get("param_dict", []) if isinstance(params, dict) else []
    return [
        ExperimentResult(
            counts=counts,
            registers=tuple(registers),
            memory=memory,
            metadata={"params": param_dict} if param_dict else {},
        )
    ]


def encode(experiment: ExperimentResult) -> dict[str, Any]:
    """Encode one neutral result as ``cirq.to_json(cirq.ResultDict)`` would."""
    memory = experiment.memory
    if memory is None:
        memory = tuple(b for b, n in experiment.counts.items() for _ in range(n))
    records: dict[str, Any] = {}
    start = 0
    for reg in experiment.registers:
        bits = (int(c) for shot in memory for c in shot[start : start + reg.size])
        records[reg.name] = {
            "packed_digits": _pack_bits(bits),
            "binary": True,
            "dtype": "int8",
            "shape": [len(memory), 1, reg.size],
        }
        start += reg.size
    return {
        "cirq_type": "ResultDict",
        "params": {"cirq_type": "ParamResolver", "param_dict": experiment.metadata.get("params", [])},
        "records": records,
    }
