"""CUDA-Q sample results (``cudaq.SampleResult.serialize()``, format 3): decode and encode.

A flat integer list: per register, its name's length and characters, its number of
entries, then (value, bit width, count) triples. The global register holds the joint counts.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import PayloadError
from ..results import ExperimentResult, Register

GLOBAL_REGISTER = "__global__"


def decode(data: list[int]) -> list[ExperimentResult]:
    if not isinstance(data, list):
        raise PayloadError("CUDA-Q sample result must be a JSON list of integers")
    pos = 0
    per_register: dict[str, dict[str, int]] = {}
    while pos < len(data):
        n_chars = data[pos]
        name = "".join(chr(c) for c in data[pos + 1 : pos + 1 + n_chars])
        pos += 1 + n_chars
        n_entries = data[pos]
        pos += 1
        counts: dict[str, int] = {}
        for _ in range(n_entries):
            if len(data) < pos + 3:
                raise PayloadError("truncated CUDA-Q sample result")
            value, width, count = data[pos], data[pos + 1], data[pos + 2]
            counts[format(value, "b").zfill(width) if width else ""] = count
            pos += 3
        per_register[name] = counts
    if pos != len(data):
        raise PayloadError("truncated CUDA-Q sample result")
    main_name = GLOBAL_REGISTER if GLOBAL_REGISTER in per_register else next(iter(per_register), GLOBAL_REGISTER)
    main = per_register.get(main_name, {})
    width = len(next(iter(main), ""))
    return [
        ExperimentResult(
            counts=dict(main),
            registers=(Register(main_name, width),),
            named_counts={k: v for k, v in per_register.items() if k != main_name},
        )
    ]


def encode(experiment: ExperimentResult) -> list[int]:
    """Encode one neutral result as ``cudaq.SampleResult.serialize()`` does."""

    def register(name: str, counts: Mapping[str, int]) -> list[int]:
        out = [len(name), *(ord(c) for c in name), len(counts)]
        for bits, n in counts.items():
            out += [int(bits, 2) if bits else 0, len(bits), n]
        return out

    doc = register(GLOBAL_REGISTER, experiment.counts)
    for name, counts in experiment.named_counts.items():
        doc += register(name, counts)
    return doc
