"""``ScalewayDevice``: the ``scaleway.qaas`` PennyLane device (current ``qml.devices.Device`` API)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from pennylane.devices import Device, ExecutionConfig
from pennylane.devices.preprocess import decompose, validate_device_wires, validate_measurements
from pennylane.exceptions import DeviceError, WireError
from pennylane.measurements import Shots
from pennylane.tape import QuantumScript, QuantumScriptBatch
from pennylane.transforms import broadcast_expand, defer_measurements, diagonalize_measurements, split_non_commuting
from pennylane.transforms.core import CompilePipeline
from pennylane.wires import Wires

from ...core import Program, ProgramFormat, QaaSClient, Session
from ...core.errors import InvalidArgumentError
from ...core.session import session_for
from .convert import CONTROL_OPS, STANDARD_GATES, NativeLowering, lowering_set, native_qasm, standard_qasm
from .results import samples_from_result, tape_results
from .transforms import (
    check_sample_measurement,
    require_shots,
    validate_shots,
    validate_tape_shots,
    validate_wire_count,
)


class ScalewayDevice(Device):
    """Runs PennyLane circuits on a Scaleway QaaS platform (or the local emulator), by sampling.

    Args:
        wires: number or labels of wires (optional; at most the platform's ``max_qubit_count``).
        backend: the platform name, e.g. ``"EMU-AER-16C-128M"`` or ``"QPU-GARNET-20PQ"``.
        shots: default shots (int or shot vector); a QNode's ``qml.set_shots`` overrides them.
        project_id, secret_key, url: credentials and endpoint (default: ``SCW_*`` env, then scw config).
        deduplication_id, max_duration, max_idle_duration: open a dedicated session with these settings
            (on first run, or on ``with``); without them, runs use the process's implicit session.
        seed: makes sampling reproducible (seeds each submission from one generator).

    The device only samples: analytic execution (``shots=None``) raises :class:`DeviceError`.
    Every batch of tapes (e.g. all parameter-shift tapes of one gradient) is sent in one core
    ``session.run`` call, split into jobs by the platform's ``max_circuit_count``. A shot vector
    (``shots=[100, 1000]``) runs its total once and splits the samples into consecutive bins.
    Mid-circuit measurements are deferred (``qml.defer_measurements``, one extra qubit each); no postselection.
    Simulators receive standard OpenQASM 2 gates; QPUs receive their native gates, routed along
    their coupling map. ``with qml.device(...) as dev:`` opens a session and terminates it on exit.
    """

    def __init__(
        self,
        wires: int | Sequence[Any] | None = None,
        backend: str = "EMU-AER-16C-128M",
        shots: int | Sequence[int] | None = 1000,
        *,
        project_id: str | None = None,
        secret_key: str | None = None,
        url: str | None = None,
        deduplication_id: str | None = None,
        max_duration: str | int | None = None,
        max_idle_duration: str | int | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__(wires=wires)
        try:
            self._shots = Shots(shots)  # a sampling device: default shots live on the device (no deprecation)
        except (TypeError, ValueError) as exc:
            raise DeviceError(f"invalid shots {shots!r}: {exc}") from exc
        self._client = QaaSClient(secret_key=secret_key, project_id=project_id, url=url)
        self.platform = self._client.find_platform(backend)
        if self.wires is not None and len(self.wires) > self.platform.max_qubit_count > 0:
            raise WireError(
                f"{len(self.wires)} wires requested but {self.platform.name} has {self.platform.max_qubit_count} qubits"
            )
        if self._shots:
            validate_shots(self._shots, self.platform)
        self._session_options: dict[str, Any] = {
            k: v
            for k, v in dict(
                deduplication_id=deduplication_id, max_duration=max_duration, max_idle_duration=max_idle_duration
            ).items()
            if v is not None
        }
        self._session: Session | None = None
        self._rng = np.random.default_rng(seed)
        self._seeded = seed is not None
        native = self.platform.native_gates
        if native:
            self._gates = lowering_set(native)
            self._lowering: NativeLowering | None = NativeLowering(
                native, self.platform.coupling_map, self.platform.max_qubit_count
            )
        else:
            self._gates = frozenset(STANDARD_GATES)
            self._lowering = None

    @property
    def name(self) -> str:
        return "scaleway.qaas"

    def __repr__(self) -> str:
        wires = f"wires={len(self.wires)}, " if self.wires else ""
        return f"<ScalewayDevice({wires}backend={self.platform.name!r}, shots={self.shots})>"

    # --- sessions ----------------------------------------------------------------------
    @property
    def session(self) -> Session | None:
        """The session this device opened or chose by its session options (``None``: the implicit one)."""
        return self._session

    def open_session(self) -> Session:
        """Open (or join, by deduplication id) a session for this device; :meth:`close` terminates it."""
        if self._session is None or not self._session.info.is_open:
            self._session = Session.open(self._client, self.platform, **self._session_options)
        return self._session

    def close(self) -> None:
        """Terminate the session this device opened, if any (the implicit one is ended at exit)."""
        session, self._session = self._session, None
        if session is not None and session.info.is_open:
            session.terminate()

    def __enter__(self) -> ScalewayDevice:
        self.open_session()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _current_session(self) -> Session:
        if self._session is None and self._session_options:
            # managed by the core: reused, reopened on expiry, terminated at exit (unless shared by dedup id)
            self._session = session_for(self._client, self.platform, **self._session_options)
        return self._session or session_for(self._client, self.platform)

    # --- compilation -------------------------------------------------------------------
    @property
    def gate_names(self) -> frozenset[str]:
        """PennyLane operations this device's programs are built from."""
        return self._gates

    def _target_description(self) -> str:
        native = self.platform.native_gates
        gates = ", ".join(g for g in native if g not in CONTROL_OPS) if native else "standard OpenQASM 2 gates"
        return f"scaleway.qaas on {self.platform.name} (native gates: {gates})"

    def preprocess_transforms(self, execution_config: ExecutionConfig | None = None) -> CompilePipeline:
        gates = self._gates
        program = CompilePipeline()
        program.add_transform(require_shots, name=self.name)
        program.add_transform(validate_tape_shots, platform=self.platform)
        program.add_transform(validate_device_wires, self.wires, name=f"{self.name} on {self.platform.name}")
        program.add_transform(defer_measurements, allow_postselect=False)  # may add wires for the MCMs
        program.add_transform(validate_wire_count, platform=self.platform, device_wires=self.wires)
        program.add_transform(validate_measurements, sample_measurements=check_sample_measurement, name=self.name)
        program.add_transform(broadcast_expand)
        program.add_transform(split_non_commuting, grouping_strategy="qwc")
        program.add_transform(diagonalize_measurements)
        program.add_transform(
            decompose,
            stopping_condition=lambda op: op.name in gates,
            target_gates=set(gates),
            skip_initial_state_prep=False,
            name=self._target_description(),
        )
        return program

    def setup_execution_config(
        self, config: ExecutionConfig | None = None, circuit: QuantumScript | None = None
    ) -> ExecutionConfig:
        config = config or ExecutionConfig()
        if config.gradient_method in ("best", None):
            config = replace(config, gradient_method="parameter-shift")
        return config

    def supports_derivatives(
        self, execution_config: ExecutionConfig | None = None, circuit: QuantumScript | None = None
    ) -> bool:
        return False  # no device derivatives: PennyLane's parameter-shift runs the shifted tapes here

    # --- execution ---------------------------------------------------------------------
    def _wire_order(self, tape: QuantumScript) -> Wires:
        if self.wires is None:
            return tape.wires
        extra = [w for w in tape.wires if w not in self.wires]  # deferred-MCM wires
        return self.wires + Wires(extra) if extra else self.wires

    def _program(self, tape: QuantumScript, wires: Wires | None = None) -> Program:
        wires = self._wire_order(tape) if wires is None else wires
        lowering = self._lowering
        text = standard_qasm(tape, wires) if lowering is None else native_qasm(tape, wires, lowering)
        return Program.from_text(text, ProgramFormat.QASM_V2)

    def execute(self, circuits: Any, execution_config: ExecutionConfig | None = None) -> Any:
        single = isinstance(circuits, QuantumScript)
        batch: QuantumScriptBatch = (circuits,) if single else tuple(circuits)
        results = self._run(batch)
        return results[0] if single else tuple(results)

    def _run(self, batch: QuantumScriptBatch) -> list[Any]:
        if not batch:
            return []
        session = self._current_session()
        wire_orders = [self._wire_order(tape) for tape in batch]
        groups: dict[int, list[int]] = {}
        for i, tape in enumerate(batch):
            if not tape.shots:
                raise DeviceError("scaleway.qaas samples; pass shots=... (analytic execution is not available)")
            groups.setdefault(tape.shots.total_shots, []).append(i)
        jobs = []
        try:
            for shots, indices in groups.items():
                options: dict[str, Any] = {"memory": True}
                if self._seeded:
                    options["seed"] = int(self._rng.integers(2**31 - 1))
                programs = [self._program(batch[i], wire_orders[i]) for i in indices]
                n_qubits = max(len(wire_orders[i]) for i in indices)
                jobs.append((indices, session.run(programs, shots=shots, options=options, num_qubits=n_qubits)))
        except InvalidArgumentError as exc:
            raise DeviceError(str(exc)) from exc
        results: list[Any] = [None] * len(batch)
        for indices, job in jobs:
            for i, experiment in zip(indices, job.result(), strict=True):
                wires = wire_orders[i]
                samples = samples_from_result(experiment, len(wires), self._rng)
                results[i] = tape_results(batch[i], samples, wires)
        self._track(batch, jobs, results)
        return results

    def _track(self, batch: QuantumScriptBatch, jobs: list[Any], results: list[Any]) -> None:
        if not self.tracker.active:
            return
        job_ids = [i for _, job in jobs for i in job.ids]
        self.tracker.update(batches=1, batch_len=len(batch), jobs=len(job_ids), job_ids=job_ids)
        self.tracker.record()
        for tape, res in zip(batch, results, strict=True):
            self.tracker.update(
                executions=1, shots=tape.shots.total_shots, results=res, resources=tape.specs["resources"]
            )
            self.tracker.record()


__all__ = ["ScalewayDevice"]
