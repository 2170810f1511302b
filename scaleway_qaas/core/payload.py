"""The shared submission format of Scaleway QaaS platforms (the ``qio`` format).

Everything here is plain JSON built with attrs; no quantum framework is imported.
The JSON text produced is byte-for-byte what the reference ``qio`` package
produces (``json.dumps(..., sort_keys=True)`` for models, programs and results,
insertion order for job parameters).

**Bit order of the neutral result.** :class:`ExperimentResult.counts` is keyed by
bitstrings in *classical-bit order, left to right*: character ``i`` is classical
bit ``i`` (the ``i``-th bit of the concatenated registers, in declaration order).
This is CUDA-Q's and Cirq's order; Qiskit's keys are the reverse (classical bit
0 rightmost) and the Qiskit adapter converts.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
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


def compress(text: str) -> str:
    """zlib of the UTF-8 text, then standard base64 (``ZLIB_BASE64_V1``)."""
    return base64.b64encode(zlib.compress(text.encode())).decode("ascii")


def decompress(data: str) -> str:
    """Inverse of :func:`compress`; raises :class:`PayloadError` on corrupt data."""
    try:
        return zlib.decompress(base64.b64decode(data.encode("ascii"), validate=True)).decode()
    except (binascii.Error, zlib.error, UnicodeError, ValueError) as exc:
        raise PayloadError(f"corrupt ZLIB_BASE64_V1 payload: {exc}") from exc


def _pack(text: str, compression: Compression) -> str:
    if compression == Compression.ZLIB_BASE64_V1:
        return compress(text)
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
        """Wrap a program text (e.g. OpenQASM 2 source) in the shared format."""
        return cls(serialization_format=fmt, compression_format=compression, serialization=_pack(text, compression))

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

    def decode(self) -> list[ExperimentResult]:
        """Decode into one neutral result per program this payload holds."""
        text = self.text()
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PayloadError(f"result serialization is not valid JSON: {exc}") from exc
        fmt = self.serialization_format
        decoder = _DECODERS.get(fmt)
        if decoder is None:
            raise PayloadError(
                f"unsupported result format {int(fmt)} ({fmt.name}); supported: " + ", ".join(f.name for f in _DECODERS)
            )
        try:
            return decoder(data)
        except PayloadError:
            raise
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            raise PayloadError(f"malformed {fmt.name} result: {type(exc).__name__}: {exc}") from exc


# --- Qiskit result (``qiskit.result.Result.to_dict()``) ---------------------------------


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


def _decode_qiskit(data: dict[str, Any]) -> list[ExperimentResult]:
    experiments = []
    for exp in data["results"]:
        if exp.get("success") is False:
            raise PayloadError(f"experiment {exp.get('header', {}).get('name')} failed: {exp.get('status')}")
        header = exp.get("header") or {}
        creg_sizes = header.get("creg_sizes") or []
        registers = tuple(Register(str(n), int(s)) for n, s in creg_sizes)
        width = int(header.get("memory_slots") or sum(r.size for r in registers))
        counts: Counter[str] = Counter()
        for key, n in (exp.get("data", {}).get("counts") or {}).items():
            counts[_qiskit_key_to_bits(key, width)] += int(n)
        raw_memory = exp.get("data", {}).get("memory")
        memory = None
        if raw_memory:
            # shots repeat few distinct outcomes: convert each once
            distinct = {m: _qiskit_key_to_bits(m, width) for m in set(raw_memory)}
            memory = tuple(map(distinct.__getitem__, raw_memory))
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


def qiskit_result_document(
    experiments: Sequence[ExperimentResult],
    *,
    backend_name: str,
    backend_version: str = "",
    job_id: str = "",
) -> dict[str, Any]:
    """Encode neutral results as a ``qiskit.result.Result.to_dict()`` document (hex keys)."""

    def hex_key(bits: str) -> str:
        return hex(int(bits[::-1], 2)) if bits else "0x0"

    results = []
    for i, exp in enumerate(experiments):
        data: dict[str, Any] = {"counts": {hex_key(b): n for b, n in exp.counts.items()}}
        if exp.memory is not None:
            data["memory"] = [hex_key(b) for b in exp.memory]
        width = exp.num_bits
        results.append(
            {
                "shots": exp.shots,
                "success": True,
                "data": data,
                "meas_level": 2,
                "header": {
                    "name": exp.name or f"circuit-{i}",
                    "creg_sizes": [[r.name, r.size] for r in exp.registers],
                    "memory_slots": width,
                    "n_qubits": int(exp.metadata.get("n_qubits", width)),
                    "metadata": {},
                },
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


# --- Cirq result (``cirq.to_json(cirq.ResultDict)``) -------------------------------------


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


def _decode_cirq(data: dict[str, Any]) -> list[ExperimentResult]:
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


def cirq_result_document(experiment: ExperimentResult) -> dict[str, Any]:
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


# --- CUDA-Q sample result (``cudaq.SampleResult.serialize()``) ---------------------------

GLOBAL_REGISTER = "__global__"


def _decode_cudaq(data: list[int]) -> list[ExperimentResult]:
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


def cudaq_result_document(experiment: ExperimentResult) -> list[int]:
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


_DECODERS: dict[ResultFormat, Any] = {
    ResultFormat.QISKIT_RESULT_JSON_V1: _decode_qiskit,
    ResultFormat.CIRQ_RESULT_JSON_V1: _decode_cirq,
    ResultFormat.CUDAQ_SAMPLE_RESULT_JSON_V1: _decode_cudaq,
}
