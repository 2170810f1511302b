"""Qiskit results (``qiskit.result.Result.to_dict()``, format 2): decode to and encode from neutral results.

Qiskit keys counts by hex or by bitstrings with classical bit 0 rightmost (registers separated
by spaces); the neutral order is the reverse. No Qiskit import: the document is plain JSON.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..errors import PayloadError
from ..results import ExperimentResult, Register


def _qiskit_key_to_bits(key: str, width: int) -> str:
    """A Qiskit counts key (hex or bitstring with spaces) -> neutral bitstring."""
    if key.startswith("0x"):
        value = int(key, 16)
        bits = format(value, "b").zfill(width) if width else format(value, "b")
        if width and len(bits) > width:
            bits = bits[-width:]
    else:
        bits = key.replace(" ", "")
    return bits[::-1]


def _width(header: dict[str, Any], registers: tuple[Register, ...], keys: Sequence[str]) -> int:
    """How many bits a hex key stands for: ``memory_slots``, else the registers, else ``n_qubits``
    (the only width qio's ``dict_to_qiskit`` and CUDA-Q's helper write), else the widest key."""
    width = int(header.get("memory_slots") or sum(r.size for r in registers) or header.get("n_qubits") or 0)
    if width:
        return width
    return max((int(k, 16).bit_length() for k in keys if k.startswith("0x")), default=0)


def decode(data: dict[str, Any]) -> list[ExperimentResult]:
    experiments = []
    for exp in data["results"]:
        if exp.get("success") is False:
            raise PayloadError(f"experiment {exp.get('header', {}).get('name')} failed: {exp.get('status')}")
        header = exp.get("header") or {}
        creg_sizes = header.get("creg_sizes") or []
        registers = tuple(Register(str(n), int(s)) for n, s in creg_sizes)
        raw_counts = exp.get("data", {}).get("counts") or {}
        raw_memory = exp.get("data", {}).get("memory")
        width = _width(header, registers, [*raw_counts, *(raw_memory or ())])
        # shots repeat few distinct outcomes: convert each once, one string shared by counts and memory
        distinct = {key: _qiskit_key_to_bits(key, width) for key in {*raw_counts, *(raw_memory or ())}}
        counts: Counter[str] = Counter()
        for key, n in raw_counts.items():
            counts[distinct[key]] += int(n)
        memory = tuple(map(distinct.__getitem__, raw_memory)) if raw_memory else None
        if not counts and memory:
            counts.update(memory)
        experiments.append(
            ExperimentResult(
                counts=dict(counts),
                registers=registers,
                memory=memory,
                name=header.get("name"),
                metadata=dict(exp.get("metadata") or {}),
            )
        )
    return experiments


@functools.lru_cache(maxsize=1 << 16)
def hex_key(bits: str) -> str:
    """Neutral bitstring (classical bit 0 leftmost) -> Qiskit hex key (classical bit 0 least significant).

    One string per outcome, shared by every result encoded (a 10,000-circuit run's counts share their keys)."""
    return hex(int(bits[::-1], 2)) if bits else "0x0"


def header(exp: ExperimentResult, index: int) -> dict[str, Any]:
    """The experiment header Qiskit expects, from what the neutral result knows."""
    width = exp.num_bits
    return {
        "name": exp.name or f"circuit-{index}",
        "creg_sizes": [[r.name, r.size] for r in exp.registers] or [["c", width]],
        "memory_slots": width,
        "n_qubits": int(exp.metadata.get("n_qubits", width)),
        "metadata": {},
    }


def encode(
    experiments: Sequence[ExperimentResult],
    *,
    backend_name: str,
    backend_version: str = "",
    job_id: str = "",
    headers: Sequence[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Encode neutral results as a ``qiskit.result.Result.to_dict()`` document (hex keys).

    ``headers`` replaces the experiment headers built from the results (e.g. the Qiskit
    adapter's, taken from the submitted circuits).
    """
    results = []
    for i, exp in enumerate(experiments):
        counts: dict[str, int] = {}
        for bits, n in exp.counts.items():
            key = hex_key(bits)
            counts[key] = counts.get(key, 0) + n
        data: dict[str, Any] = {"counts": counts}
        if exp.memory is not None:
            distinct = {b: hex_key(b) for b in set(exp.memory)}
            data["memory"] = [distinct[b] for b in exp.memory]
        results.append(
            {
                "shots": exp.shots,
                "success": True,
                "data": data,
                "meas_level": 2,
                "header": headers[i] if headers is not None else header(exp, i),
                "status": "DONE",
                "metadata": exp.metadata,
            }
        )
    return {
        "backend_name": backend_name,
        "backend_version": backend_version,
        "job_id": job_id,
        "qobj_id": "",
        "success": True,
        "status": "COMPLETED",
        "header": None,
        "metadata": {},
        "results": results,
    }
