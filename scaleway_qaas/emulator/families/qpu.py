"""Emulated QPUs (IQM Garnet, Sirius, Emerald; AQT Ibex and its digital twins).

The real service transpiles on the server side, so any standard gate is accepted: each circuit is
transpiled to the platform's native gates (``instructions``) and, where the platform has one, its
coupling map, then simulated with the platform's illustrative noise (depolarizing errors on the
native gates, a readout error). Circuits already native (e.g. ``transpile(qc, backend)`` output,
``move`` included on Sirius) go through unchanged in meaning.

Sirius is modelled as IQM's own transpilers see a star: every qubit pair interacts through the
computational resonator (a two-qubit gate there costs moves and a CZ, hence its higher two-qubit
error); ``move`` is kept as it is and simulated as :func:`.programs.move_gate` says.
"""

from __future__ import annotations

from typing import Any

from ..platforms import PlatformSpec
from . import ExecutionError

_ONE_QUBIT_ERRORS = ("r",)  # AQT's rz and IQM's virtual z rotations are error-free frame changes
_TWO_QUBIT_ERRORS = ("cz", "rxx", "move")
_ALWAYS = ("measure", "reset", "delay")


def to_native(platform: PlatformSpec, qc: Any) -> Any:
    """The circuit in the platform's native gates, laid out and routed on its coupling map."""
    from qiskit import transpile

    try:
        return transpile(qc, target=_target(platform), optimization_level=1, seed_transpiler=0)
    except Exception as exc:  # transpiler errors: an instruction with no route to the native set
        raise ExecutionError(f"cannot transpile for {platform.name}: {type(exc).__name__}: {exc}") from exc


_targets: dict[str, Any] = {}


def _target(platform: PlatformSpec) -> Any:
    """The platform's transpilation target: native gates on every qubit or coupled pair (built once)."""
    if platform.name not in _targets:
        _targets[platform.name] = _build_target(platform)
    return _targets[platform.name]


def _build_target(platform: PlatformSpec) -> Any:
    from qiskit.transpiler import CouplingMap, Target

    from .programs import move_gate

    gates = [g for g in platform.native_gates if g not in _ALWAYS and g != "id"]
    edges = platform.coupling_map
    return Target.from_configuration(
        basis_gates=[*gates, *_ALWAYS],
        num_qubits=platform.max_qubit_count,
        coupling_map=None if edges is None else CouplingMap([[a, b] for a, b in edges] + [[b, a] for a, b in edges]),
        custom_name_mapping={"move": move_gate()},
    )


_noise_models: dict[str, Any] = {}


def noise_model(platform: PlatformSpec) -> Any:
    """The platform's noise model, built once per platform (None for a noiseless one)."""
    if platform.noise is None:
        return None
    if platform.name not in _noise_models:
        from .aer import depolarizing

        native = set(platform.native_gates)
        one = tuple(g for g in _ONE_QUBIT_ERRORS if g in native)
        # ``move`` runs as its definition (a swap) in the simulator
        two = tuple("swap" if g == "move" else g for g in _TWO_QUBIT_ERRORS if g in native)
        _noise_models[platform.name] = depolarizing(platform.noise, one, two)
    return _noise_models[platform.name]
