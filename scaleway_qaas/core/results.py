"""The neutral result every adapter converts from (the codecs in :mod:`.codecs` decode into it).

**Bit order.** :class:`ExperimentResult.counts` is keyed by bitstrings in *classical-bit
order, left to right*: character ``i`` is classical bit ``i`` (the ``i``-th bit of the
concatenated registers, in declaration order). This is CUDA-Q's and Cirq's order;
Qiskit's keys are the reverse (classical bit 0 rightmost), and its codec converts.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import attrs


@attrs.frozen
class Register:
    """A classical register: its name and width in bits."""

    name: str
    size: int


@attrs.frozen
class ExperimentResult:
    """The neutral result of one program (see the module docstring for bit order).

    ``counts`` maps bitstrings to occurrences; ``memory`` holds one bitstring per
    shot when the platform returned it; ``registers`` names the classical
    registers whose concatenation the bitstrings are; ``named_counts`` keeps
    per-register counts of formats that have no joint distribution (CUDA-Q's
    named registers).
    """

    counts: dict[str, int]
    registers: tuple[Register, ...] = ()
    memory: tuple[str, ...] | None = None
    name: str | None = None
    metadata: dict[str, Any] = attrs.field(factory=dict)
    named_counts: dict[str, dict[str, int]] = attrs.field(factory=dict)

    @property
    def shots(self) -> int:
        return sum(self.counts.values())

    @property
    def num_bits(self) -> int:
        return sum(r.size for r in self.registers) if self.registers else len(next(iter(self.counts), ""))

    def register_counts(self, name: str) -> dict[str, int]:
        """Marginal counts of one register."""
        if name in self.named_counts:
            return dict(self.named_counts[name])
        start = 0
        for reg in self.registers:
            if reg.name == name:
                out: Counter[str] = Counter()
                for bits, n in self.counts.items():
                    out[bits[start : start + reg.size]] += n
                return dict(out)
            start += reg.size
        raise KeyError(f"no classical register named {name!r}; registers: {[r.name for r in self.registers]}")
