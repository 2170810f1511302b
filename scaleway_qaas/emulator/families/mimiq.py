"""QPerfect's MIMIQ (Quantanium): a matrix-product-state simulator answering in ``MIMIQ_QCSR_JSON_V1``.

One document per program, shaped as qio's ``mimiq_to_dict`` writes MIMIQ's ``QCSResults`` (a
``histogram`` keyed by ``BitString.to01()``, classical bit 0 leftmost: see :mod:`...core.codecs.mimiq`).

Emulated with Qiskit Aer's ``matrix_product_state`` method. Its options arrive in the job parameters'
``options`` and in ``backend.options`` (qiskit-scaleway sends both; the parameters win):

- ``nsamples``: shots (else the parameters' ``shots``); ``seed``: the sampling seed;
- ``algorithm``: ``auto`` or ``mps`` (MPS), ``statevector``/``sv`` (state vector);
- ``bonddim``: the maximum bond dimension (Aer's ``matrix_product_state_max_bond_dimension``);
- ``entdim`` (MIMIQ's entangling dimension), ``timelimit`` (minutes), ``bitstrings`` (amplitudes to
  compute), ``qasmincludes`` and ``label`` are accepted and have no effect here: Aer has no entangling
  dimension, jobs here are short, and the result document carries counts only.
"""

from __future__ import annotations

from typing import Any

from ...core.codecs import mimiq
from ...core.codecs import qiskit as qiskit_codec
from ...core.wire import ComputationModel, ComputationParameters, ResultFormat
from ..platforms import PlatformSpec
from . import ExecutionError, packed
from .aer import for_aer, jsonable, simulate
from .programs import circuits, seed_of

_METHODS = {"auto": "matrix_product_state", "mps": "matrix_product_state", "statevector": "statevector",
            "sv": "statevector"}  # fmt: skip


def run(platform: PlatformSpec, model: ComputationModel, params: ComputationParameters, seed: int | None) -> list[str]:
    options = {**((model.backend.options if model.backend else None) or {}), **(params.options or {})}
    options = {k: v for k, v in options.items() if v is not None}
    run_options = {"shots": _shots(platform, options, params.shots), "method": _method(options)}
    bonddim = options.get("bonddim")
    if bonddim is not None:
        if isinstance(bonddim, bool) or not isinstance(bonddim, int) or bonddim < 1:
            raise ExecutionError(f"option bonddim must be a positive integer, got {bonddim!r}")
        run_options["matrix_product_state_max_bond_dimension"] = bonddim
    seed = seed_of(options, seed, ("seed",))
    out = []
    for qc in circuits(platform, model.programs):
        result = simulate([for_aer(qc)], None, run_options, seed)
        (experiment,) = qiskit_codec.decode(jsonable(result.to_dict()))
        document = mimiq.encode(experiment, version=platform.version)
        out.append(packed(ResultFormat.MIMIQ_QCSR_JSON_V1, document))
    return out


def _shots(platform: PlatformSpec, options: dict[str, Any], shots: int) -> int:
    n = options.get("nsamples", shots)
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= platform.max_shot_count:
        raise ExecutionError(f"option nsamples must be an integer from 1 to {platform.max_shot_count}, got {n!r}")
    return n


def _method(options: dict[str, Any]) -> str:
    algorithm = str(options.get("algorithm", "auto")).lower()
    if algorithm not in _METHODS:
        raise ExecutionError(f"option algorithm must be one of {', '.join(_METHODS)}, got {algorithm!r}")
    return _METHODS[algorithm]
