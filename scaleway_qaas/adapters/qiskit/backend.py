"""ScalewayBackend: a Qiskit ``BackendV2`` for one Scaleway QaaS platform."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import chain, islice
from typing import TYPE_CHECKING, Any

import numpy as np
from qiskit import QuantumCircuit
from qiskit.providers import BackendV2, Options
from qiskit.transpiler import Target

from ...core import (
    RESUME_OPTIONS,
    Feature,
    Job,
    PlatformDescription,
    Program,
    ProgramStream,
    QaaSClient,
    Session,
    SessionSpec,
    require_feature,
)
from ...core import run as core_run
from ...errors import InvalidArgumentError, QaaSError
from . import convert, sweeps
from .fit import fit
from .job import ScalewayJob
from .target import build_target

if TYPE_CHECKING:
    from .provider import ScalewayProvider

#: the official plugin's names of the session options, and ours
_OFFICIAL_SESSION_OPTIONS = {
    "session_name": "name",
    "session_max_duration": "max_duration",
    "session_max_idle_duration": "max_idle_duration",
}
#: options the backend reads itself; every other option is a run option passed to the platform
_BACKEND_OPTIONS = (
    "shots",
    "memory",
    "noise_model",
    "max_cost",
    *RESUME_OPTIONS,
    *SessionSpec.OPTIONS,
    *_OFFICIAL_SESSION_OPTIONS,
)


class ScalewayBackend(BackendV2):
    """Runs circuits on a platform through the core (sessions, batching, polling live there).

    Run options: ``shots``, ``memory``, ``seed_simulator``, ``noise_model`` (Aer platforms),
    session options (``session_id``, ``deduplication_id``, ``max_duration``,
    ``max_idle_duration``, ``name``; the official plugin's ``session_name``,
    ``session_max_duration``, ``session_max_idle_duration``), ``max_cost`` (EUR), ``resume`` and
    ``label`` (reattach to the jobs of a run that never delivered: ``docs/resume.md``), and any
    option the platform reads (Aer's ``method``, ``precision``...), passed through.
    """

    def __init__(self, provider: ScalewayProvider | None, platform: PlatformDescription, client: QaaSClient) -> None:
        super().__init__(
            provider=provider,
            name=platform.name,
            description=platform.info.description or None,
            backend_version=platform.info.version or "1",
        )
        self.platform = platform
        self.client = client
        self._target: Target | None = None
        self._active: Session | None = None
        if platform.max_shots:
            self.options.set_validator("shots", (1, platform.max_shots))

    def __repr__(self) -> str:
        return f"<ScalewayBackend('{self.name}')>"

    @property
    def id(self) -> str:
        """The platform's id."""
        return self.platform.id

    @property
    def availability(self) -> str:
        return self.platform.info.availability.value

    @property
    def num_qubits(self) -> int:
        return self.platform.max_qubits

    @property
    def target(self) -> Target:
        """Built once, on first use, from the platform's native instructions (see :mod:`.target`)."""
        if self._target is None:
            self._target = build_target(self.platform)
        return self._target

    @property
    def max_circuits(self) -> int | None:
        return self.platform.max_circuits or None

    @classmethod
    def _default_options(cls) -> Options:
        return Options(
            shots=1000,
            memory=False,
            seed_simulator=None,
            noise_model=None,
            max_cost=None,
            resume=None,
            label=None,
            session_id=None,
            deduplication_id=None,
            max_duration=None,
            max_idle_duration=None,
            name=None,
            session_name=None,
            session_max_duration=None,
            session_max_idle_duration=None,
        )

    # --- sessions --------------------------------------------------------------------

    @contextmanager
    def open_session(
        self,
        *,
        deduplication_id: str | None = None,
        max_duration: str | int | None = None,
        max_idle_duration: str | int | None = None,
        name: str | None = None,
    ) -> Iterator[Session]:
        """Open a session that ``run`` uses inside the ``with`` block; terminated on exit."""
        session = Session.open(
            self.client,
            self.platform,
            name=name,
            deduplication_id=deduplication_id,
            max_duration=max_duration,
            max_idle_duration=max_idle_duration,
        )
        previous, self._active = self._active, session
        try:
            with session:
                yield session
        finally:
            self._active = previous

    def start_session(
        self,
        name: str | None = None,
        deduplication_id: str | None = None,
        max_duration: str | int | None = None,
        max_idle_duration: str | int | None = None,
    ) -> str:
        """Open a session and return its id (the official plugin's API); end it with :meth:`stop_session`."""
        opts = self.options
        session = Session.open(
            self.client,
            self.platform,
            name=name or opts.session_name,
            deduplication_id=deduplication_id,
            max_duration=max_duration or opts.session_max_duration or "59m",
            max_idle_duration=max_idle_duration or opts.session_max_idle_duration or "59m",
        )
        return str(session.id)

    def stop_session(self, session_id: str) -> None:
        """Terminate a session (its billing stops)."""
        self.client.terminate_session(session_id)

    def delete_session(self, session_id: str) -> None:
        """Delete a session and its jobs."""
        self.client.delete_session(session_id)

    # --- running ---------------------------------------------------------------------

    def _session(self, opts: dict[str, Any]) -> Session | SessionSpec:
        """The session the run goes to: the ``open_session`` block's, else the core's choice."""
        for official, ours in _OFFICIAL_SESSION_OPTIONS.items():
            if opts.get(official) is not None and opts.get(ours) is None:
                opts[ours] = opts[official]
        if opts.get("session_id") == "auto":  # the official plugin's "a new session": ours reuses one
            opts["session_id"] = None
        spec = SessionSpec.from_options({k: opts.get(k) for k in SessionSpec.OPTIONS})
        if self._active is not None and spec.is_default:
            return self._active
        return spec

    def run(self, run_input: QuantumCircuit | Sequence[QuantumCircuit], **options: Any) -> ScalewayJob:
        """Submit one circuit or a list (one core submission); returns the job at once.

        Circuits that differ only in gate parameters are exported once (see :mod:`.sweeps`). A long list is
        streamed: its first ``sweeps.CHUNK`` circuits are checked and converted here (errors in the input
        surface before anything is sent), the others as the jobs are created; if one of those cannot be sent,
        the error names it and the jobs already created are cancelled."""
        circuits = [run_input] if isinstance(run_input, QuantumCircuit) else list(run_input)
        if not all(isinstance(c, QuantumCircuit) for c in circuits):
            raise InvalidArgumentError("run() takes a QuantumCircuit or a list of QuantumCircuits")

        def prepare(index: int, circuit: QuantumCircuit) -> QuantumCircuit:
            """Checked and fitted (headers and bit order still come from the user's circuits)."""
            try:
                convert.check_circuit(circuit, self.platform)
                return fit(circuit, self.platform)
            except QaaSError as exc:
                if len(circuits) > 1:
                    exc.message = f"circuit {index} of the {len(circuits)} given to run(): {exc.message}"
                    exc.args = (exc.message, *exc.args[1:])
                raise

        widest = max(range(len(circuits)), key=lambda i: circuits[i].num_qubits, default=None)
        if widest is not None and circuits[widest].num_qubits > (self.platform.max_qubits or math.inf):
            prepare(widest, circuits[widest])  # named now, wherever it is in the list (the core only sees the width)
        stream = sweeps.programs(circuits, self.platform, prepare)
        head = list(islice(stream, sweeps.CHUNK))
        programs = head if len(head) == len(circuits) else ProgramStream(chain(head, stream), len(circuits))
        return self._submit(circuits, programs, options)

    def run_sweep(self, circuit: QuantumCircuit, values: Any, **options: Any) -> ScalewayJob:
        """Submit ``circuit`` bound to each row of ``values`` (points x ``circuit.parameters``, in that
        order), as ``run([circuit.assign_parameters(row) for row in values])`` would, exported once."""
        rows = np.asarray(values, dtype=float)
        if rows.ndim != 2 or rows.shape[1] != circuit.num_parameters:
            raise InvalidArgumentError(
                f"run_sweep() takes one row of {circuit.num_parameters} values per point "
                f"(circuit '{circuit.name}'), got an array of shape {rows.shape}"
            )
        convert.check_circuit(circuit, self.platform, bound=False)
        programs = ProgramStream(sweeps.parameter_sweep(fit(circuit, self.platform), rows, self.platform), len(rows))
        return self._submit([circuit] * len(rows), programs, options)

    def _submit(
        self, circuits: list[QuantumCircuit], programs: Sequence[Program], options: dict[str, Any]
    ) -> ScalewayJob:
        opts = {**self.options.__dict__, **options}
        if opts.get("noise_model") is not None and not self.platform.traits.noise_model:
            raise InvalidArgumentError(
                f"noise_model is only accepted by Aer platforms; {self.name} applies its own noise"
            )
        if opts.get("memory"):
            require_feature(self.platform, Feature.MEMORY, what="memory=True")
        run_options = {k: v for k, v in opts.items() if k not in _BACKEND_OPTIONS and v is not None}
        run_options["memory"] = bool(opts["memory"])
        noise = convert.to_noise_model(opts["noise_model"]) if opts.get("noise_model") is not None else None
        shots = opts["shots"]
        if hasattr(shots, "__index__") and not isinstance(shots, bool):
            shots = int(shots)
        job = core_run(
            self.client,
            self.platform,
            programs,
            shots=shots,
            session=self._session(opts),
            options=run_options,
            noise_model=noise,
            num_qubits=max((c.num_qubits for c in circuits), default=0),
            max_cost=opts.get("max_cost"),
            resume=opts.get("resume"),
            label=opts.get("label"),
        )
        return ScalewayJob(self, job, circuits)

    def retrieve_job(self, job_id: str) -> ScalewayJob:
        """Re-attach to a job from its ``job_id()`` (experiment names come from the results).

        A run split into several jobs has a composite id, the jobs' ids joined by commas in circuit
        order (``"id1,id2"``): pass it whole to get every circuit's result back in order."""
        return ScalewayJob(self, Job.attach(self.client, job_id))
