"""``ScalewayDevice``: the ``scaleway.qaas`` PennyLane device (current ``qml.devices.Device`` API).

It converts and delegates: tapes become OpenQASM programs (:mod:`.convert`), the whole
batch goes to the core's one submission flow (:func:`scaleway_qaas.core.submit.run`: session,
validation, grouping by shots, batching, polling), and the neutral results become
PennyLane measurements (:mod:`.results`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import replace
from itertools import chain, islice
from typing import Any

import attrs
import numpy as np
from pennylane.devices import Device, ExecutionConfig
from pennylane.devices.preprocess import decompose, validate_device_wires, validate_measurements
from pennylane.exceptions import DeviceError
from pennylane.measurements import Shots
from pennylane.tape import QuantumScript, QuantumScriptBatch
from pennylane.transforms import defer_measurements, diagonalize_measurements, split_non_commuting
from pennylane.transforms.core import CompilePipeline
from pennylane.wires import Wires

from ...core import (
    ExperimentResult,
    Family,
    Job,
    NoiseModel,
    PlatformDescription,
    Program,
    ProgramStream,
    QaaSClient,
    Session,
    SessionSpec,
    codecs,
    memory_in_shot_order,
)
from ...core import run as core_run
from ...errors import BudgetExceededError, InvalidArgumentError, QaaSError
from . import broadcast, convert
from .batches import Batch
from .results import samples_from_result, tape_results
from .transforms import ShotsRequiredError, cap_shots, check_sample_measurement, require_shots


class ScalewayDevice(Device):
    """Runs PennyLane circuits on a Scaleway QaaS platform (or the local emulator), by sampling.

    Args:
        wires: number or labels of wires (optional).
        backend: the platform name, e.g. ``"EMU-AER-16C-128M"`` or ``"QPU-GARNET-20PQ"``.
        shots: default shots (int or shot vector), deprecated as on every PennyLane device (a
            ``PennyLaneDeprecationWarning``): prefer ``@qml.set_shots(n)`` on the QNode, which overrides them.
        seed: makes sampling reproducible (sent as the platform's seed option, and seeds local shuffles).
        client: a :class:`~scaleway_qaas.core.QaaSClient` to use; else one is built from
            ``project_id``, ``secret_key``, ``url`` (default: ``SCW_*`` env, then the scw config).
        session_id: run in this existing session (never terminated by the device).
        deduplication_id: with ``max_duration``, ``max_idle_duration`` and ``session_name``, the options
            of the managed session runs go to (opened on first run or by ``with``); without any of them,
            the implicit session.
        max_duration: the managed session's longest life (``"59m"``, ``"1h30m"``, seconds).
        max_idle_duration: how long the managed session may stay idle.
        session_name: the managed session's name.
        noise_model: a ``qiskit_aer.noise.NoiseModel`` (Aer platforms only).
        max_cost: refuse, before anything is billed, a batch whose estimated price exceeds it (EUR).
        resume, label: reattach to the jobs of a batch that never delivered (``docs/resume.md``).
        run_options: run options passed to the platform (Aer's ``method``, ``precision``...;
            QPerfect's ``bonddim``...; Quobly's ``noise``...).
        **options: more run options, as keywords.

    Nothing is read from the service until the first run (or :meth:`describe_platform`).
    Without shots a device is analytic, as PennyLane's convention is; this one only samples, so a
    QNode without shots raises :class:`ShotsRequiredError` (a ``DeviceError`` and a ``ValueError``, as
    the official device raises) naming ``qml.set_shots``: nothing is sampled with a default behind the user's back.
    A batch of tapes (e.g. all parameter-shift tapes of a gradient) is one core submission;
    a shot vector runs its total once and splits the samples into consecutive bins. A broadcast
    tape is converted once and each point bound into that program (:mod:`.broadcast`), streamed.
    Mid-circuit measurements are deferred (one extra qubit each). Tapes are decomposed to
    standard OpenQASM gates and sent as written: the service transpiles for its QPUs.
    ``with dev:`` (or :meth:`start`/:meth:`stop`) keeps a session open for the block.
    """

    short_name = "scaleway.qaas"
    #: the platform family this device runs (None: any)
    family: Family | None = None
    default_backend: str | None = "EMU-AER-16C-128M"
    #: cap shots at the platform's limit with a warning (the official AQT device does), instead of refusing
    caps_shots = False

    def __init__(
        self,
        wires: int | Sequence[Any] | None = None,
        backend: str | None = None,
        shots: int | Sequence[int] | None = None,
        *,
        seed: int | None = None,
        client: QaaSClient | None = None,
        project_id: str | None = None,
        secret_key: str | None = None,
        url: str | None = None,
        session_id: str | None = None,
        deduplication_id: str | None = None,
        max_duration: str | int | None = None,
        max_idle_duration: str | int | None = None,
        session_name: str | None = None,
        noise_model: Any = None,
        max_cost: float | None = None,
        resume: str | bool | None = None,
        label: str | None = None,
        run_options: dict[str, Any] | None = None,
        **options: Any,
    ) -> None:
        try:
            Shots(shots)
        except (TypeError, ValueError) as exc:
            raise DeviceError(f"invalid shots {shots!r}: {exc}") from exc
        super().__init__(wires=wires, shots=shots)  # PennyLane's deprecation warning when shots are given
        self.tracker.persistent = True  # kept across ``with dev.tracker:`` blocks until stop(), as the official device
        self._own_tracker = self.tracker  # a qml.Tracker(dev) replaces it: the user's, never reset by stop()
        backend = backend or self.default_backend
        if not backend:
            raise DeviceError(f"{self.short_name} needs backend=<platform name>, e.g. backend='QPU-GARNET-20PQ'")
        if client is not None and (project_id or secret_key or url):
            raise DeviceError("pass either client= or project_id/secret_key/url, not both")
        if noise_model is not None and not hasattr(noise_model, "to_dict"):
            raise DeviceError(f"noise_model must be a qiskit_aer.noise.NoiseModel, got {type(noise_model).__name__}")
        try:
            self._spec = SessionSpec(
                session_id=session_id,
                deduplication_id=deduplication_id,
                max_duration=max_duration,
                max_idle_duration=max_idle_duration,
                name=session_name,
            )
        except (InvalidArgumentError, ValueError) as exc:
            raise DeviceError(str(exc)) from exc
        self.backend_name = backend
        self._client = client or QaaSClient(secret_key=secret_key, project_id=project_id, url=url)
        self._platform: PlatformDescription | None = None
        self._noise_model = noise_model
        self._encoded_noise: NoiseModel | None = None
        self._max_cost = max_cost
        self._resume, self._label = resume, label
        self._options = {**(run_options or {}), **options}
        self._session: Session | None = None
        self._used_sessions: dict[str, None] = {}  # ids of the managed sessions runs went to, in order
        self._rng = np.random.default_rng(seed)
        self._seeded = seed is not None

    @property
    def name(self) -> str:
        return self.short_name

    @property
    def client(self) -> QaaSClient:
        return self._client

    @property
    def num_wires(self) -> int:
        return len(self.wires) if self.wires is not None else 0

    def __repr__(self) -> str:
        wires = f"wires={len(self.wires)}, " if self.wires else ""
        return f"<{type(self).__name__}({wires}backend={self.backend_name!r}, shots={self.shots})>"

    def describe_platform(self) -> PlatformDescription:
        """What the platform can do (formats, native gates, limits, prices); read once, on first use."""
        if self._platform is None:
            platform = self._client.describe_platform(self.backend_name)
            if self.family is not None and platform.family != self.family:
                right = "scaleway.qaas" if platform.family == Family.UNKNOWN else f"scaleway.{platform.family.value}"
                raise DeviceError(
                    f"{self.short_name} runs {self.family.value} platforms; {platform.name} is a "
                    f"{platform.family.value} platform: use {right} (or scaleway.qaas)"
                )
            self._platform = platform
        return self._platform

    # --- sessions ----------------------------------------------------------------------
    @property
    def session(self) -> Session | None:
        """The session opened by ``with`` or :meth:`start` (None: runs go to the core's choice)."""
        return self._session

    @property
    def session_id(self) -> str | None:
        """The id of the open session, else of the last session a run went to."""
        if self._session is not None:
            return self._session.id
        return next(reversed(self._used_sessions), None)

    @property
    def deduplication_id(self) -> str | None:
        return self._spec.deduplication_id

    def start(self) -> str:
        """Open the device's session (or join it by ``session_id``/``deduplication_id``); returns its id."""
        if self._session is None:
            spec = self._spec
            if spec.session_id:
                self._session = Session.attach(self._client, spec.session_id)
            else:
                self._session = Session.open(
                    self._client,
                    self.describe_platform(),
                    name=spec.name,
                    deduplication_id=spec.deduplication_id,
                    max_duration=spec.max_duration,
                    max_idle_duration=spec.max_idle_duration,
                )
        return self._session.id

    def stop(self) -> None:
        """Terminate the device's session (an attached ``session_id`` is left running), or the managed
        sessions its runs went to, and reset the device's own :attr:`tracker`; :class:`RuntimeError` if there
        is none."""
        if self.tracker is self._own_tracker:
            self.tracker.reset()
        session, self._session = self._session, None
        if session is not None:
            if not self._spec.session_id:
                session.terminate()
            return
        if not self._used_sessions:
            raise RuntimeError("No session running.")
        used, self._used_sessions = list(self._used_sessions), {}
        for session_id in used:
            with contextlib.suppress(QaaSError):  # already closed or gone: nothing left to stop
                self._client.terminate_session(session_id)

    def __enter__(self) -> ScalewayDevice:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- compilation -------------------------------------------------------------------
    def preprocess_transforms(self, execution_config: ExecutionConfig | None = None) -> CompilePipeline:
        program = CompilePipeline()
        program.add_transform(require_shots, name=self.name)
        if self.caps_shots:
            program.add_transform(cap_shots, platform=self.describe_platform)
        program.add_transform(validate_device_wires, self.wires, name=self.name)
        program.add_transform(defer_measurements, allow_postselect=False)  # may add wires for the MCMs
        program.add_transform(validate_measurements, sample_measurements=check_sample_measurement, name=self.name)
        program.add_transform(split_non_commuting, grouping_strategy="qwc")
        program.add_transform(diagonalize_measurements)
        program.add_transform(
            decompose,
            stopping_condition=lambda op: op.name in convert.GATES,
            target_gates=set(convert.GATES),
            skip_initial_state_prep=False,
            name=f"{self.name} (standard OpenQASM gates)",
        )
        return program  # broadcast tapes are run as they are: converted once, each point bound (see _run)

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

    def _run_options(self, platform: PlatformDescription) -> dict[str, Any]:
        options = {"memory": True, **self._options}
        seed_key = platform.traits.seed_option
        if self._seeded and seed_key is not None and seed_key not in options:
            options[seed_key] = int(self._rng.integers(2**31 - 1))
        return options

    def _noise(self, platform: PlatformDescription) -> NoiseModel | None:
        if self._noise_model is None:
            return None
        if not platform.traits.noise_model:
            raise DeviceError(f"noise_model is only accepted by Aer platforms; {platform.name} applies its own noise")
        if self._encoded_noise is None:
            self._encoded_noise = codecs.aer_noise.encode(self._noise_model.to_dict(False))
        return self._encoded_noise

    def execute(self, circuits: Any, execution_config: ExecutionConfig | None = None) -> Any:
        single = isinstance(circuits, QuantumScript)
        batch: QuantumScriptBatch = (circuits,) if single else tuple(circuits)
        results = self._run(batch) if batch else []
        return results[0] if single else tuple(results)

    def _programs(self, batch: QuantumScriptBatch, wire_orders: list[Wires], platform: PlatformDescription) -> Any:
        """Every point's program in order: each tape's first converted now (errors surface before any job),
        the further points of broadcast tapes bound into their template as the submission reads them
        (without broadcasting, a list; the core produces a stream whole first when the run resumes)."""
        parts: list[Iterator[Program]] = []
        tapes = Batch(platform, sum(tape.batch_size is None for tape in batch))  # one structure, one template
        for tape, wires in zip(batch, wire_orders, strict=True):
            if tape.batch_size is None:
                parts.append(iter([tapes.program(tape, wires)]))
            else:
                first, rest = broadcast.programs(tape, wires, platform)
                parts += [iter([first]), rest]
        if all(tape.batch_size is None for tape in batch):
            return list(chain.from_iterable(parts))
        return ProgramStream(chain.from_iterable(parts), sum(tape.batch_size or 1 for tape in batch))

    def _run(self, batch: QuantumScriptBatch) -> list[Any]:
        platform = self.describe_platform()
        if any(not tape.shots for tape in batch):
            raise ShotsRequiredError(self.name)
        wire_orders = [self._wire_order(tape) for tape in batch]
        try:
            job = core_run(
                self._client,
                platform,
                self._programs(batch, wire_orders, platform),
                shots=[int(tape.shots.total_shots or 0) for tape in batch for _ in range(tape.batch_size or 1)],
                session=self._session or self._spec,
                options=self._run_options(platform),
                noise_model=self._noise(platform),
                num_qubits=max(len(w) for w in wire_orders),
                max_cost=self._max_cost,
                resume=self._resume,
                label=self._label,
            )
        except BudgetExceededError:
            raise
        except InvalidArgumentError as exc:
            raise DeviceError(str(exc)) from exc
        if self._session is None and not self._spec.session_id:
            self._used_sessions.update(dict.fromkeys(p.session_id for p in job.parts if p.session_id))
        ordered = memory_in_shot_order(platform)
        owners = [pair for pair in zip(batch, wire_orders, strict=True) for _ in range(pair[0].batch_size or 1)]

        def point(tape: QuantumScript, wires: Wires, exp: ExperimentResult) -> Any:
            return tape_results(tape, samples_from_result(exp, len(wires), self._rng, in_shot_order=ordered), wires)

        def per_job(indices: Sequence[int], experiments: list[ExperimentResult]) -> list[Any]:
            """A job's points converted as soon as its results arrive; those whose samples draw on the device's
            seeded generator (no per-shot memory in shot order) are left for the pass in submission order."""
            return [
                point(*owners[i], exp) if exp.memory and ordered else _Pending(exp)
                for i, exp in zip(indices, experiments, strict=True)
            ]

        converted = iter(job.result_each(per_job))
        results, points = [], []
        for tape, wires in zip(batch, wire_orders, strict=True):
            each = [
                point(tape, wires, item.result) if isinstance(item, _Pending) else item
                for item in islice(converted, tape.batch_size or 1)
            ]
            results.append(each[0] if tape.batch_size is None else broadcast.stack(tape, each))
            points.append(each)
        self._track(batch, job, points)
        return results

    def _track(self, batch: QuantumScriptBatch, job: Job, points: list[list[Any]]) -> None:
        """As PennyLane tracks a device that expands broadcasting: one execution per point."""
        if not self.tracker.active:
            return
        self.tracker.update(batches=1, batch_len=sum(len(p) for p in points), jobs=len(job.ids), job_ids=job.ids)
        self.tracker.record()
        for tape, results in zip(batch, points, strict=True):
            resources = tape.specs["resources"]  # a broadcast tape's are each point's
            for res in results:
                self.tracker.update(executions=1, shots=tape.shots.total_shots, results=res, resources=resources)
                self.tracker.record()


@attrs.frozen
class _Pending:
    """A point's neutral result whose conversion waits for the pass in submission order."""

    result: ExperimentResult


__all__ = ["ScalewayDevice", "ShotsRequiredError"]
