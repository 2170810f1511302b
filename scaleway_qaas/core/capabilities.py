"""What each platform family can run, and what each program format can carry: one table, read before sending.

Adapters say which :class:`Feature` a program uses (:func:`require_feature` / :func:`check_features`); the core refuses
what the platform's family cannot run with :class:`UnsupportedFeatureError`, naming the feature, the
platforms that can run it and the change that would make the program fit, before any model or job
is created. Adapters rewrite what can be made to fit without changing its meaning (decomposing
high-level gates into :data:`FORMAT_GATES`, dropping a reset of a qubit still in ``|0>``) first.

Sources of each fact (``docs/capabilities.md`` is generated from :data:`CAPABILITIES`):

- **aer**: Qiskit Aer reads OpenQASM 3 through ``qiskit.qasm3.loads`` (``if``/``else`` on bits and
  registers, ``for`` and ``while`` loops, mid-circuit measurement, ``reset``). Qiskit results hold memory.
- **qsim**: Cirq reads the programs, qsimcirq simulates them: mid-circuit measurement and ``reset``
  (a channel, sampled by trajectories) run; classically controlled operations do not (qsim reports
  ``Encountered unparseable op: ...with_classical_controls``). Cirq results hold every shot.
- **cudaq**: programs become CUDA-Q kernels through qio's converter; CUDA-Q's serialized sample result
  holds counts only (no memory). Conditions and ``reset`` through the converter are not documented:
  refused (conservative).
- **aqt**, **iqm**: real QPUs behind the service's transpiler; no dynamic circuits, mid-circuit
  measurement or ``reset`` through this API as far as known: refused (conservative).
- **qperfect**: MIMIQ runs mid-circuit measurement and ``reset``; it is sent OpenQASM 2, whose
  conditions are refused (conservative); its result document (QCSR) holds counts only (no memory).
- **quobly**: the Pioneer emulator reads OpenQASM 3; dynamic features are not documented: refused.
- Free (unbound) parameters: no family binds them on its side; every adapter binds before sending.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from enum import StrEnum

import attrs

from .errors import UnsupportedFeatureError
from .families import Family
from .platform import PlatformDescription
from .results import ExperimentResult
from .wire import ProgramFormat


class Feature(StrEnum):
    """What a program may use beyond gates and terminal measurements."""

    CONDITIONS = "classical conditions"
    LOOPS = "loops"
    MID_CIRCUIT_MEASUREMENT = "mid-circuit measurement"
    RESET = "reset"
    MEMORY = "per-shot memory"
    REGISTERS = "several classical registers"
    PARAMETERS = "unbound parameters in the program sent"


#: what to do instead, per feature
FIXES: dict[Feature, str] = {
    Feature.CONDITIONS: "or replace each classically controlled gate by a gate controlled by the measured "
    "qubit (deferred measurement)",
    Feature.LOOPS: "or unroll the loop before sending",
    Feature.MID_CIRCUIT_MEASUREMENT: "or move every measurement to the end of the circuit",
    Feature.RESET: "or remove the reset (a reset of a qubit not yet used is dropped for you)",
    Feature.MEMORY: "or ask for counts only (memory=False; Qiskit's SamplerV2 always asks for memory)",
    Feature.REGISTERS: "or measure into one classical register",
    Feature.PARAMETERS: "or bind the parameters before sending",
}

#: the platforms of each family, as a user would look for them
PLATFORMS: dict[Family, str] = {
    Family.AER: "EMU-AER-*",
    Family.QSIM: "EMU-QSIM-*",
    Family.CUDAQ: "EMU-CUDAQ-*",
    Family.AQT: "EMU-IBEX-*, QPU-IBEX-*",
    Family.IQM: "QPU-GARNET-*, QPU-SIRIUS-*, QPU-EMERALD-*",
    Family.QPERFECT: "EMU-QUANTANIUM-*",
    Family.QUOBLY: "EMU-PIONEER-*",
}

_F = Feature
_ALL_BUT_DYNAMIC = frozenset({_F.MID_CIRCUIT_MEASUREMENT, _F.RESET, _F.MEMORY, _F.REGISTERS})

#: the features each family runs (anything absent is refused before sending)
CAPABILITIES: dict[Family, frozenset[Feature]] = {
    Family.AER: _ALL_BUT_DYNAMIC | {_F.CONDITIONS, _F.LOOPS},
    Family.QSIM: _ALL_BUT_DYNAMIC,
    Family.CUDAQ: frozenset({_F.MID_CIRCUIT_MEASUREMENT, _F.REGISTERS}),
    Family.AQT: frozenset({_F.MEMORY, _F.REGISTERS}),
    Family.IQM: frozenset({_F.MEMORY, _F.REGISTERS}),
    Family.QPERFECT: frozenset({_F.MID_CIRCUIT_MEASUREMENT, _F.RESET, _F.REGISTERS}),
    Family.QUOBLY: frozenset({_F.MEMORY, _F.REGISTERS}),
    Family.UNKNOWN: frozenset({_F.REGISTERS}),
}

#: families whose per-shot memory comes in shot order. qsim's does not: qsimcirq samples a circuit measured at
#: its end in sorted order (``000...0111``), so a slice of its records (a PennyLane shot vector) is biased;
#: adapters shuffle such memory (simulator shots are independent: the distribution is unchanged)
SHOT_ORDERED_MEMORY = frozenset({Family.AER, Family.AQT, Family.IQM, Family.QUOBLY})

_QELIB1 = ("u3", "u2", "u1", "cx", "id", "u", "p", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "rx", "ry", "rz",
           "sx", "sxdg", "cz", "cy", "swap", "ch", "ccx", "cswap", "crx", "cry", "crz", "cu1", "cp", "cu3", "csx",
           "cu", "rxx", "rzz")  # fmt: skip
_STDGATES = ("p", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "rx", "ry", "rz", "cx", "cy", "cz", "cp",
             "crx", "cry", "crz", "ch", "swap", "ccx", "cswap", "cu", "id", "u1", "u2", "u3")  # fmt: skip
#: the gates each program format carries by name (its standard library); others must be decomposed into them
FORMAT_GATES: dict[ProgramFormat, frozenset[str]] = {
    ProgramFormat.QASM_V2: frozenset(_QELIB1),
    ProgramFormat.QASM_V3: frozenset(_STDGATES),
}
#: non-gate instructions every program format carries (conditions too in OpenQASM 3, see :data:`CAPABILITIES`)
FORMAT_INSTRUCTIONS = frozenset({"measure", "reset", "barrier"})


@attrs.frozen
class Capabilities:
    """The features a platform runs (from its family)."""

    family: Family
    features: frozenset[Feature]

    def supports(self, feature: Feature) -> bool:
        return feature in self.features


def of(platform: PlatformDescription) -> Capabilities:
    """The capabilities of a platform."""
    return Capabilities(platform.family, CAPABILITIES.get(platform.family, CAPABILITIES[Family.UNKNOWN]))


def memory_in_shot_order(platform: PlatformDescription) -> bool:
    """Whether the platform's per-shot memory is in shot order (else: shuffle before slicing it)."""
    return platform.family in SHOT_ORDERED_MEMORY


def shot_ordered(exp: ExperimentResult, platform: PlatformDescription, seed: str) -> ExperimentResult:
    """The result with its memory in a random order (seeded: reproducible) when the platform's memory is
    not in shot order (:data:`SHOT_ORDERED_MEMORY`); unchanged otherwise."""
    if exp.memory is None or memory_in_shot_order(platform):
        return exp
    memory = list(exp.memory)
    random.Random(seed).shuffle(memory)
    return attrs.evolve(exp, memory=tuple(memory))


def platforms_for(feature: Feature) -> tuple[str, ...]:
    """Where a feature runs: platform name patterns of every family that runs it."""
    return tuple(PLATFORMS[f] for f, features in CAPABILITIES.items() if feature in features and f in PLATFORMS)


def check_features(platform: PlatformDescription, features: Iterable[Feature], *, what: str = "the program") -> None:
    """Refuse, before anything is sent, a program using a feature the platform cannot run."""
    capabilities = of(platform)
    for feature in Feature:  # a stable order: the first missing feature is named
        if feature in set(features) and not capabilities.supports(feature):
            where = platforms_for(feature)
            run_on = f"Run it on {'; '.join(where)}, " if where else "No platform runs it: "
            raise UnsupportedFeatureError(
                f"{what} uses {feature.value}, which {platform.name} ({platform.family.value} family) cannot run; "
                f"nothing was sent. {run_on}{FIXES[feature]}",
                feature,
                where,
            )


def require_feature(platform: PlatformDescription, feature: Feature, *, what: str = "this run") -> None:
    """Refuse one feature asked for by an option (e.g. ``memory=True``) that the platform cannot serve."""
    check_features(platform, (feature,), what=what)


def render_table() -> str:
    """The capability table as Markdown (``docs/capabilities.md`` holds it; a test keeps both equal)."""
    families = [f for f in CAPABILITIES if f in PLATFORMS]
    lines = [
        "| feature | " + " | ".join(f"{f.value} ({PLATFORMS[f]})" for f in families) + " |",
        "|---|" + "---|" * len(families),
    ]
    for feature in Feature:
        cells = ["yes" if feature in CAPABILITIES[f] else "refused" for f in families]
        lines.append(f"| {feature.value} | " + " | ".join(cells) + " |")
    for fmt, gates in FORMAT_GATES.items():
        lines.append(f"\n{fmt.name} carries these gates by name: {', '.join(sorted(gates))}.")
    return "\n".join(lines) + "\n"
