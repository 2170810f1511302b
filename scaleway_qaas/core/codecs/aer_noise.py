"""Aer noise models (``NoiseModel.to_dict()``) in the shared format, with qio's JSON encoding.

qio writes numpy arrays as ``{"__ndarray__": true, "data", "dtype", "shape"}`` and complex
numbers as ``{"__complex__": true, "real", "imag"}``; :func:`encode` and :func:`decode` are
inverse. The Qiskit and PennyLane adapters encode, the emulator decodes. No Aer import.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from ..wire import Compression, NoiseModel, NoiseModelFormat, compress


def _to_json(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):
        return {"__ndarray__": True, "data": _to_json(obj.tolist()), "dtype": obj.dtype.name, "shape": obj.shape}
    if isinstance(obj, complex | np.complexfloating):
        return {"__complex__": True, "real": float(obj.real), "imag": float(obj.imag)}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, dict):
        return {k: _to_json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_to_json(v) for v in obj]
    return obj


def _from_json(obj: Any) -> Any:
    if isinstance(obj, dict):
        if obj.get("__ndarray__"):
            return np.array(_from_json(obj["data"]), dtype=obj.get("dtype")).reshape(obj["shape"])
        if obj.get("__complex__"):
            return complex(obj["real"], obj["imag"])
        return {k: _from_json(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_from_json(v) for v in obj]
    return obj


def encode(noise_dict: dict[str, Any]) -> NoiseModel:
    """An Aer ``NoiseModel.to_dict(False)`` in the shared format (zlib + base64, as qio does)."""
    return NoiseModel(
        serialization_format=NoiseModelFormat.QISKIT_AER_JSON_V1,
        compression_format=Compression.ZLIB_BASE64_V1,
        serialization=compress(json.dumps(_to_json(noise_dict))),
    )


def decode(noise: NoiseModel) -> dict[str, Any]:
    """The ``NoiseModel.to_dict()`` a shared noise model holds (for ``NoiseModel.from_dict``)."""
    return dict(_from_json(json.loads(noise.text())))
