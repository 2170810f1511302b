"""QPerfect's result format, ``MIMIQ_QCSR_JSON_V1`` (result format 4).

The document is shaped like ``qiskit.result.Result.to_dict()``, as qio's ``mimiq_to_dict`` writes
it from MIMIQ's ``QCSResults`` (qio branch ``485-quantanium``)::

    {"backend_name", "backend_version", "qobj_id", "job_id", "success": true, "status": "DONE",
     "date": "<ISO 8601>",
     "results": [{"shots", "success": true, "meas_level": 2, "status": "DONE",
                  "data": {"counts": {"<bitstring>": n, ...}},
                  "header": {"memory_slots", "name", "n_qubits"}}]}

Counts are keyed by MIMIQ's classical-state bitstrings (``BitString.to01()``): character ``i`` is
classical bit ``i``, bit 0 leftmost. That is the neutral order of
:class:`~scaleway_qaas.core.payload.ExperimentResult` (no reversal, unlike Qiskit's keys), as qio's
own converters show: they copy Cirq's and CUDA-Q's bitstrings (bit 0 leftmost) into MIMIQ's
unchanged. The document names no classical register: decoded results carry one register ``c``
spanning every bit, unless a header brings Qiskit's ``creg_sizes``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ..errors import PayloadError
from ..payload import ExperimentResult, Register

DEFAULT_NAME = "quantanium_circuit"
_BITS = frozenset("01")


def encode(
    experiments: Sequence[ExperimentResult],
    *,
    backend_name: str = "quantanium",
    backend_version: str = "",
    job_id: str = "",
) -> dict[str, Any]:
    """The MIMIQ document of neutral results, one entry of ``results`` per experiment."""
    results = []
    for exp in experiments:
        results.append(
            {
                "shots": exp.shots,
                "success": True,
                "meas_level": 2,
                "data": {"counts": dict(exp.counts)},
                "status": "DONE",
                "header": {
                    "memory_slots": exp.num_bits,
                    "name": exp.name or DEFAULT_NAME,
                    "n_qubits": int(exp.metadata.get("n_qubits", exp.num_bits)),
                },
            }
        )
    return {
        "backend_name": backend_name,
        "backend_version": backend_version,
        "qobj_id": job_id,
        "job_id": job_id,
        "success": True,
        "results": results,
        "date": datetime.now(UTC).isoformat(),
        "status": "DONE",
    }


def decode(document: Any) -> list[ExperimentResult]:
    """Neutral results of a MIMIQ document; raises :class:`PayloadError` on a malformed one."""
    if not isinstance(document, dict) or not isinstance(document.get("results"), list):
        raise PayloadError("MIMIQ_QCSR_JSON_V1 result has no 'results' list")
    return [_experiment(i, exp) for i, exp in enumerate(document["results"])]


def _experiment(index: int, exp: Any) -> ExperimentResult:
    if not isinstance(exp, dict):
        raise PayloadError(f"MIMIQ_QCSR_JSON_V1 result {index} is not an object")
    header = exp.get("header") or {}
    if exp.get("success") is False:
        raise PayloadError(f"experiment {header.get('name', index)} failed: {exp.get('status')}")
    raw = (exp.get("data") or {}).get("counts") or {}
    counts: Counter[str] = Counter()
    for key, n in raw.items():
        bits = str(key).replace(" ", "")
        if not _BITS.issuperset(bits) or isinstance(n, bool) or not isinstance(n, int):
            raise PayloadError(f"MIMIQ_QCSR_JSON_V1 result {index}: bad count {key!r}: {n!r}")
        counts[bits] += n
    width = int(header.get("memory_slots") or len(next(iter(counts), "")))
    if any(len(bits) != width for bits in counts):
        raise PayloadError(f"MIMIQ_QCSR_JSON_V1 result {index}: bitstrings are not all {width} bits long")
    sizes = header.get("creg_sizes")
    registers = tuple(Register(str(n), int(s)) for n, s in sizes) if sizes else (Register("c", width),)
    metadata = {"n_qubits": int(header["n_qubits"])} if header.get("n_qubits") else {}
    return ExperimentResult(counts=dict(counts), registers=registers, name=header.get("name"), metadata=metadata)
