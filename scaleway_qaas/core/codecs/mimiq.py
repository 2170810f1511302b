"""QPerfect's result format, ``MIMIQ_QCSR_JSON_V1`` (result format 4): MIMIQ's ``QCSResults`` as JSON.

Two shapes are read. The released qio (0.2.8, ``qio/utils/conversion/program_result/mimiq_to_dict.py``,
what the service's workers call through ``QuantumProgramResult.from_mimiq_qcsr``) writes one document per
program, which this module also writes::

    {"simulator", "version", "timings", "fidelity_estimate", "average_multi_qubit_gate_error_estimate",
     "executions", "samples", "amplitudes", "histogram": {"<BitString.to01()>": n, ...}}

qio's branch ``485-quantanium`` wrote a ``qiskit.result.Result.to_dict()``-shaped document instead
(``results[i].data.counts`` keyed by the same bitstrings, ``header.memory_slots/name/n_qubits``).

Bit order: a key is MIMIQ's ``BitString.to01()``, whose character ``i`` is classical bit ``i`` (bit 0
leftmost), the neutral order of :class:`~scaleway_qaas.core.results.ExperimentResult`: no reversal.
The evidence:

- mimiqcircuits-python ``src/mimiqcircuits/bitstrings.py``: ``to01()`` joins ``self.bits`` in index
  order, and ``BitString.fromnonzeros(16, [1, 3, ...])`` renders ``"0101..."`` (index 1 second);
- QPerfect's own Qiskit provider, qperfect-io/mimiq-qiskit ``src/mimiq_qiskit/result.py``: a ``cstate``
  is "indexed by classical bit position: index i is the value of clbit i", and it reverses ``to01()``
  before reading it as Qiskit's integer ("``to01`` puts clbit 0 first");
- qio's ``mimiq_to_cirq`` reads the characters in order as Cirq's measurement columns (agrees); qio's
  ``mimiq_to_qiskit`` hands the keys to Qiskit unreversed, where Qiskit reads clbit 0 rightmost: it
  disagrees with both MIMIQ sources above, so it is not followed (the official qiskit-scaleway, which
  decodes through it, reports QPerfect counts bit-reversed).

The document names no classical register: decoded results carry one register ``c`` spanning every bit,
unless a Qiskit-shaped header brings ``creg_sizes``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..errors import PayloadError
from ..results import ExperimentResult, Register

DEFAULT_NAME = "quantanium_circuit"
_BITS = frozenset("01")


def encode(experiment: ExperimentResult, *, simulator: str = "quantanium", version: str = "") -> dict[str, Any]:
    """The MIMIQ document of one program's result, as qio's ``mimiq_to_dict`` writes it."""
    return {
        "simulator": simulator,
        "version": version,
        "timings": {},
        "fidelity_estimate": None,
        "average_multi_qubit_gate_error_estimate": None,
        "executions": None,
        "samples": None,
        "amplitudes": {},
        "histogram": dict(experiment.counts),
    }


def decode(document: Any) -> list[ExperimentResult]:
    """Neutral results of a MIMIQ document (either shape); raises :class:`PayloadError` on a malformed one."""
    if isinstance(document, dict) and isinstance(document.get("histogram"), dict):
        return [_experiment(0, {"data": {"counts": document["histogram"]}})]
    if not isinstance(document, dict) or not isinstance(document.get("results"), list):
        raise PayloadError("MIMIQ_QCSR_JSON_V1 result has neither a 'histogram' object nor a 'results' list")
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
