"""One module per framework format: each decodes its documents into neutral results and encodes them back.

The client decodes with them (:func:`decode`, the one dispatch of result formats); the emulator encodes
with them; the adapters build framework results from the neutral ones. No module here imports a quantum
framework.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import PayloadError
from ..results import ExperimentResult
from ..wire import ProgramResult, ResultFormat
from . import aer_noise, cirq, cudaq, mimiq, qiskit

__all__ = ["DECODERS", "aer_noise", "cirq", "cudaq", "decode", "mimiq", "qiskit"]

DECODERS: dict[ResultFormat, Callable[[Any], list[ExperimentResult]]] = {
    ResultFormat.QISKIT_RESULT_JSON_V1: qiskit.decode,
    ResultFormat.CIRQ_RESULT_JSON_V1: cirq.decode,
    ResultFormat.CUDAQ_SAMPLE_RESULT_JSON_V1: cudaq.decode,
    ResultFormat.MIMIQ_QCSR_JSON_V1: mimiq.decode,
}


def decode(result: ProgramResult) -> list[ExperimentResult]:
    """Decode one result envelope into one neutral result per program it holds."""
    fmt = result.serialization_format
    decoder = DECODERS.get(fmt)
    if decoder is None:
        supported = ", ".join(f.name for f in DECODERS)
        raise PayloadError(f"unsupported result format {int(fmt)} ({fmt.name}); supported: {supported}")
    data = result.document()
    try:
        return decoder(data)
    except PayloadError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise PayloadError(f"malformed {fmt.name} result: {type(exc).__name__}: {exc}") from exc
