"""The shared submission format of Scaleway QaaS platforms (the ``qio`` format), as it travels.

Programs, computation models, job parameters, noise models and result envelopes, as
plain JSON built with attrs; no quantum framework is imported. The JSON text produced
is byte-for-byte what the reference ``qio`` package produces (``json.dumps(...,
sort_keys=True)`` for models, programs and results, insertion order for job parameters).
What is *inside* a result envelope is decoded by :mod:`.codecs` (:func:`.codecs.decode`).
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Mapping
from enum import IntEnum
from typing import Any

import attrs

from .errors import PayloadError


class ProgramFormat(IntEnum):
    """Serialization formats of a program (``QuantumProgramSerializationFormat``)."""

    UNKNOWN = 0
    QASM_V1 = 1
    QASM_V2 = 2
    QASM_V3 = 3
    QIR_V1 = 4
    CIRQ_CIRCUIT_JSON_V1 = 5
    PERCEVAL_CIRCUIT_JSON_V1 = 6
    PULSER_SEQUENCE_JSON_V1 = 7


class Compression(IntEnum):
    """Compression formats shared by programs, results and noise models."""

    UNKNOWN = 0
    NONE = 1
    ZLIB_BASE64_V1 = 2


class ResultFormat(IntEnum):
    """Serialization formats of a program result."""

    UNKNOWN = 0
    CIRQ_RESULT_JSON_V1 = 1
    QISKIT_RESULT_JSON_V1 = 2
    CUDAQ_SAMPLE_RESULT_JSON_V1 = 3
    MIMIQ_QCSR_JSON_V1 = 4


class NoiseModelFormat(IntEnum):
    """Serialization formats of a noise model."""

    UNKNOWN = 0
    QISKIT_AER_JSON_V1 = 1


#: zlib level of the programs we send: level 1 compresses a sweep's programs ~3x faster than the default
#: (what qio uses) into a little more bytes; the decompressed text is the same, and results and noise models
#: keep the default level (their bytes match qio's)
PROGRAM_LEVEL = 1


def compress(text: str, level: int = -1) -> str:
    """zlib of the UTF-8 text at ``level`` (default: zlib's), then standard base64 (``ZLIB_BASE64_V1``)."""
    return base64.b64encode(zlib.compress(text.encode(), level)).decode("ascii")


def decompress(data: str) -> str:
    """Inverse of :func:`compress`; raises :class:`PayloadError` on corrupt data."""
    try:
        return zlib.decompress(base64.b64decode(data.encode("ascii"), validate=True)).decode()
    except (binascii.Error, zlib.error, UnicodeError, ValueError) as exc:
        raise PayloadError(f"corrupt ZLIB_BASE64_V1 payload: {exc}") from exc


def _pack(text: str, compression: Compression, level: int = -1) -> str:
    if compression == Compression.ZLIB_BASE64_V1:
        return compress(text, level)
    if compression == Compression.NONE:
        return text
    raise PayloadError(f"unsupported compression format {int(compression)}")


def _unpack(serialization: str, compression: int) -> str:
    if compression == Compression.ZLIB_BASE64_V1:
        return decompress(serialization)
    if compression in (Compression.NONE, Compression.UNKNOWN):
        return serialization
    raise PayloadError(f"unsupported compression format {compression}")


def _enum(enum_cls: type[IntEnum], value: Any, what: str) -> Any:
    try:
        return enum_cls(int(value))
    except (TypeError, ValueError) as exc:
        raise PayloadError(f"unknown {what} {value!r}") from exc


def _loads(text: str | bytes, what: str) -> Any:
    try:
        data = json.loads(text)
        while isinstance(data, str):  # qio tolerates JSON strings nested in strings
            data = json.loads(data)
    except (json.JSONDecodeError, TypeError, UnicodeDecodeError) as exc:
        raise PayloadError(f"{what} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise PayloadError(f"{what} must be a JSON object, got {type(data).__name__}")
    return data


def _field(data: Mapping[str, Any], key: str, kind: type, what: str) -> Any:
    if key not in data:
        raise PayloadError(f"{what} has no field '{key}'")
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise PayloadError(f"{what} field '{key}' must be {kind.__name__}, got {type(value).__name__}")
    return value


class _Serialized:
    """Methods shared by serialized blobs (programs, results, noise models): format, compression, text."""

    serialization_format: IntEnum
    compression_format: int
    serialization: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "compression_format": int(self.compression_format),
            "serialization_format": int(self.serialization_format),
            "serialization": self.serialization,
        }

    def to_json(self) -> str:
        """The JSON text, as ``qio``'s ``to_json_str`` writes it."""
        return json.dumps(self.to_dict(), sort_keys=True)

    def text(self) -> str:
        """The decompressed serialization."""
        return _unpack(self.serialization, self.compression_format)


def _serialized_fields(data: Mapping[str, Any], fmt_enum: type[IntEnum], what: str) -> dict[str, Any]:
    return {
        "serialization_format": _enum(fmt_enum, _field(data, "serialization_format", int, what), f"{what} format"),
        "compression_format": _enum(Compression, data.get("compression_format", 1), f"{what} compression"),
        "serialization": _field(data, "serialization", str, what),
    }


@attrs.frozen
class Program(_Serialized):
    """One program of a computation model: QASM 2/3, Cirq JSON, QIR..."""

    serialization_format: ProgramFormat
    compression_format: Compression
    serialization: str

    @classmethod
    def from_text(cls, text: str, fmt: ProgramFormat, compression: Compression = Compression.NONE) -> Program:
        """Wrap a program text (e.g. OpenQASM 2 source) in the shared format (zlib at ``PROGRAM_LEVEL``)."""
        serialization = _pack(text, compression, PROGRAM_LEVEL)
        return cls(serialization_format=fmt, compression_format=compression, serialization=serialization)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Program:
        return cls(**_serialized_fields(data, ProgramFormat, "program"))


@attrs.frozen
class NoiseModel(_Serialized):
    """A noise model (Aer's ``NoiseModel.to_dict()`` for Aer platforms)."""

    serialization_format: NoiseModelFormat
    compression_format: Compression
    serialization: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NoiseModel:
        return cls(**_serialized_fields(data, NoiseModelFormat, "noise model"))


@attrs.frozen
class BackendData:
    """Backend selection inside a model: name, version, options."""

    name: str
    version: str | None = None
    options: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "options": self.options}


@attrs.frozen
class ComputationModel:
    """The ``payload`` of ``POST /models``: programs plus optional backend, client and noise model."""

    programs: tuple[Program, ...]
    backend: BackendData | None = None
    client: str | None = None
    noise_model: NoiseModel | None = None

    def to_json(self) -> str:
        data = {
            "programs": [p.to_dict() for p in self.programs],
            "noise_model": self.noise_model.to_dict() if self.noise_model else None,
            "client": {"user_agent": self.client} if self.client is not None else None,
            "backend": self.backend.to_dict() if self.backend else None,
        }
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> ComputationModel:
        data = _loads(text, "model payload")
        programs = _field(data, "programs", list, "model payload")
        if not programs:
            raise PayloadError("model payload has an empty 'programs' list")
        if not all(isinstance(p, dict) for p in programs):
            raise PayloadError("every entry of 'programs' must be a JSON object")
        backend = data.get("backend")
        client = data.get("client")
        noise = data.get("noise_model")
        return cls(
            programs=tuple(Program.from_dict(p) for p in programs),
            backend=BackendData(
                name=str(backend.get("name", "")),
                version=backend.get("version"),
                options=backend.get("options"),
            )
            if isinstance(backend, dict)
            else None,
            client=str(client.get("user_agent")) if isinstance(client, dict) else None,
            noise_model=NoiseModel.from_dict(noise) if isinstance(noise, dict) else None,
        )


@attrs.frozen
class ComputationParameters:
    """The ``parameters`` of ``POST /jobs``: shots and free-form options (memory, seed...)."""

    shots: int
    options: dict[str, Any] | None = None

    def to_json(self) -> str:
        return json.dumps({"shots": self.shots, "options": self.options})

    @classmethod
    def from_json(cls, text: str | bytes) -> ComputationParameters:
        data = _loads(text, "job parameters")
        shots = _field(data, "shots", int, "job parameters")
        options = data.get("options")
        if options is not None and not isinstance(options, dict):
            raise PayloadError("job parameters field 'options' must be an object")
        return cls(shots=shots, options=options)


@attrs.frozen
class ProgramResult(_Serialized):
    """One job result payload (the ``result`` field of a job result, or the body at its ``url``)."""

    serialization_format: ResultFormat
    compression_format: Compression
    serialization: str

    @classmethod
    def from_json(cls, text: str | bytes) -> ProgramResult:
        return cls(**_serialized_fields(_loads(text, "job result"), ResultFormat, "job result"))

    @classmethod
    def encode(cls, fmt: ResultFormat, data: Any, compression: Compression = Compression.NONE) -> ProgramResult:
        """Wrap a result document (a dict, or CUDA-Q's integer list) in the shared format."""
        return cls(
            serialization_format=fmt, compression_format=compression, serialization=_pack(json.dumps(data), compression)
        )

    def document(self) -> Any:
        """The decompressed serialization parsed as JSON (a dict, or CUDA-Q's integer list)."""
        try:
            return json.loads(self.text())
        except json.JSONDecodeError as exc:
            raise PayloadError(f"result serialization is not valid JSON: {exc}") from exc
