"""The platform families and how each is talked to: the table every per-family decision reads.

Which program formats a platform reads, which result format it answers in and what its jobs carry are
not published; they follow the platform's family, which the official clients recognise by
``provider_name`` first (iqm, aqt, quobly, qperfect), then by ``backend_name`` (qsim, aer, cudaq).
:data:`FAMILIES` is that table, written once here.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Literal

import attrs

from .records import PlatformInfo
from .wire import ProgramFormat, ResultFormat


class Family(StrEnum):
    """Platform families, named as the official clients dispatch on them."""

    AER = "aer"
    QSIM = "qsim"
    CUDAQ = "cudaq"
    AQT = "aqt"
    IQM = "iqm"
    QPERFECT = "qperfect"
    QUOBLY = "quobly"
    UNKNOWN = "unknown"


@attrs.frozen
class FamilyTraits:
    """How a family is talked to (from the official clients; see REAL-SERVICE.md in the project's notes).

    ``program_formats``: what it reads, preferred first. ``strip_barriers``: the official client
    removes barriers (its reader rejects or ignores them). ``options_in_backend``: run options also
    travel in the model's ``backend.options`` (Aer, QPerfect, Quobly). ``noise_model``: accepts an
    Aer noise model. ``seed_option``: the run option it reads a sampling seed from (None: QPUs).
    ``batches``: several programs travel in one model (Aer, AQT, IQM, as qiskit-scaleway sends
    them); elsewhere one program per model and job, the jobs created concurrently.
    ``memory_option``: when the job parameters carry ``options.memory``: ``always`` (Qiskit-result
    families), ``asked`` (only ``memory=True``: Quobly, whose client offers no such option) or
    ``never`` (result formats without per-shot memory, or with it always: qsim, CUDA-Q, QPerfect). ``job_defaults`` /
    ``backend_defaults``: options sent by default in the job parameters / ``backend.options``
    (user options override them). ``shots_option``: an option that repeats the shot count
    (QPerfect's ``nsamples``; a value the user gives wins). The defaults are those qiskit-scaleway
    sends (docs/wire-differences.md).
    """

    program_formats: tuple[ProgramFormat, ...]
    result_format: ResultFormat
    strip_barriers: bool = False
    options_in_backend: bool = False
    noise_model: bool = False
    known_options: frozenset[str] | None = None
    seed_option: str | None = "seed"
    batches: bool = False
    memory_option: Literal["always", "asked", "never"] = "always"
    job_defaults: Mapping[str, Any] = attrs.field(factory=dict)
    backend_defaults: Mapping[str, Any] = attrs.field(factory=dict)
    shots_option: str | None = None

    def job_options(self, options: Mapping[str, Any], shots: int) -> dict[str, Any] | None:
        """The ``options`` of a job's parameters: the family's defaults, then the user's options."""
        out = {**self.job_defaults, **options}
        memory = out.pop("memory", None)
        if self.memory_option == "always" or (self.memory_option == "asked" and memory):
            out["memory"] = bool(memory)
        if self.shots_option is not None:
            out.setdefault(self.shots_option, shots)  # the shot count, unless the user set this option
        return out or None

    def backend_options(self, options: Mapping[str, Any], shots: int) -> dict[str, Any] | None:
        """The model's ``backend.options``: None unless the family reads them there (then defaults first)."""
        if not self.options_in_backend:
            return None
        out = {**self.backend_defaults, **{k: v for k, v in options.items() if k != "memory"}}
        if self.shots_option is not None:
            out.setdefault(self.shots_option, shots)  # the shot count, unless the user set this option
        return out or None

    def programs_per_job(self, max_circuit_count: int) -> int:
        """How many programs one model (and job) carries: up to the platform's limit (0: none) where the
        family batches, else one."""
        return max_circuit_count if self.batches else 1


_QASM = (ProgramFormat.QASM_V3, ProgramFormat.QASM_V2)
#: Aer and CUDA-Q read both OpenQASM versions; OpenQASM 2 first because it parses ~25x faster
#: (CUDA-Q's own helper sends it); the Qiskit adapter falls back to 3 for dynamic circuits.
_QASM_2_FIRST = (ProgramFormat.QASM_V2, ProgramFormat.QASM_V3)

FAMILIES: dict[Family, FamilyTraits] = {
    Family.AER: FamilyTraits(_QASM_2_FIRST, ResultFormat.QISKIT_RESULT_JSON_V1, options_in_backend=True,
                             noise_model=True, seed_option="seed_simulator", batches=True),
    Family.QSIM: FamilyTraits((ProgramFormat.CIRQ_CIRCUIT_JSON_V1, ProgramFormat.QASM_V2),
                              ResultFormat.CIRQ_RESULT_JSON_V1, strip_barriers=True, memory_option="never",
                              options_in_backend=True, backend_defaults={"max_fused_gate_size": 2,
                                                                         "ev_noisy_repetitions": 1,
                                                                         "denormals_are_zeros": False}),
    Family.CUDAQ: FamilyTraits(_QASM_2_FIRST, ResultFormat.CUDAQ_SAMPLE_RESULT_JSON_V1, strip_barriers=True,
                               memory_option="never", job_defaults={"cudaq_target_option": ""}),
    Family.AQT: FamilyTraits(_QASM, ResultFormat.QISKIT_RESULT_JSON_V1, seed_option=None, batches=True),
    Family.IQM: FamilyTraits(_QASM, ResultFormat.QISKIT_RESULT_JSON_V1, seed_option=None, batches=True),
    Family.QPERFECT: FamilyTraits(
        (ProgramFormat.QASM_V2,), ResultFormat.MIMIQ_QCSR_JSON_V1, strip_barriers=True, options_in_backend=True,
        known_options=frozenset(
            {"nsamples", "label", "algorithm", "timelimit", "bonddim", "entdim", "seed", "bitstrings",
             "qasmincludes", "memory"}
        ),
        memory_option="never", shots_option="nsamples",
        job_defaults={"label": "pyapi_v1.0", "algorithm": "auto", "timelimit": 9999},
        backend_defaults={"label": "pyapi_v1.0", "algorithm": "auto", "bitstrings": None, "timelimit": 9999,
                          "bonddim": None, "entdim": None, "seed": None, "qasmincludes": None},
    ),
    Family.QUOBLY: FamilyTraits((ProgramFormat.QASM_V3,), ResultFormat.QISKIT_RESULT_JSON_V1, strip_barriers=True,
                                options_in_backend=True, known_options=frozenset({"seed", "noise", "memory"}),
                                memory_option="asked", job_defaults={"noise": True},
                                backend_defaults={"seed": None, "noise": True}),
    Family.UNKNOWN: FamilyTraits(_QASM, ResultFormat.QISKIT_RESULT_JSON_V1),
}  # fmt: skip

_BY_PROVIDER = {"iqm": Family.IQM, "aqt": Family.AQT, "quobly": Family.QUOBLY, "qperfect": Family.QPERFECT}
_BY_BACKEND = {"qsim": Family.QSIM, "aer": Family.AER, "cudaq": Family.CUDAQ}


def family_of(info: PlatformInfo) -> Family:
    """The family of a platform: by provider first, then by backend (as the official clients)."""
    provider = info.provider_name.lower()
    if provider in _BY_PROVIDER:
        return _BY_PROVIDER[provider]
    return _BY_BACKEND.get(info.backend_name.lower(), Family.UNKNOWN)
