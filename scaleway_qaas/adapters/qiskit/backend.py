"""ScalewayBackend: a Qiskit ``BackendV2`` for one Scaleway QaaS platform."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from qiskit import QuantumCircuit
from qiskit.providers import BackendV2, Options
from qiskit.transpiler import Target

from ...core.client import QaaSClient
from ...core.errors import InvalidArgumentError
from ...core.job import Job
from ...core.resources import Platform
from ...core.session import SESSION_OPTIONS, Session, session_for
from . import convert
from .job import ScalewayJob
from .target import build_target

if TYPE_CHECKING:
    from .provider import ScalewayProvider



class ScalewayBackend(BackendV2):
    """Runs circuits on a platform through the core (sessions, batching, polling live there)."""

    def __init__(self, provider: ScalewayProvider | None, platform: Platform, client: QaaSClient) -> None:
        super().__init__(
            provider=provider,
            name=platform.name,
            description=platform.description or None,
            backend_version=platform.version or "1",
        )
        self.platform = platform
        self.client = client
        self._target: Target | None = None
        self._active: Session | None = None
        if platform.max_shot_count:
            self.options.set_validator("shots", (1, platform.max_shot_count))

    def __repr__(self) -> str:
        return f"<ScalewayBackend('{self.name}')>"

    @property
    def is_aer(self) -> bool:
        """Whether the platform runs Qiskit Aer and so accepts a ``noise_model``."""
        return self.platform.backend_name.lower() == "aer"

    @property
    def target(self) -> Target:
        """Built once, on first use, from the platform's native gates and coupling map."""
        if self._target is None:
            self._target = build_target(self.platform)
        return self._target

    @property
    def max_circuits(self) -> int | None:
        return self.platform.max_circuit_count or None

    @classmethod
    def _default_options(cls) -> Options:
        return Options(
            shots=1000,
            memory=False,
            seed_simulator=None,
            noise_model=None,
            session_id=None,
            deduplication_id=None,
            max_duration=None,
            max_idle_duration=None,
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
            self.client, self.platform, name=name, deduplication_id=deduplication_id,
            max_duration=max_duration, max_idle_duration=max_idle_duration,
        )
        previous, self._active = self._active, session
        try:
            with session:
                yield session
        finally:
            self._active = previous

    def _session(self, opts: dict[str, Any]) -> Session:
        chosen = {k: opts.get(k) for k in ("session_id", *SESSION_OPTIONS)}
        if self._active is not None and not any(v is not None for v in chosen.values()):
            return self._active
        return session_for(self.client, self.platform, **chosen)

    # --- running ---------------------------------------------------------------------

    def _merge_options(self, options: dict[str, Any]) -> dict[str, Any]:
        opts = dict(self.options.__dict__)
        for key, value in options.items():
            if key not in opts:
                warnings.warn(f"option {key!r} is not used by {self.name}; ignored", stacklevel=3)
                continue
            opts[key] = value
        if opts.get("noise_model") is not None and not self.is_aer:
            raise InvalidArgumentError(
                f"noise_model is only accepted by Aer platforms; {self.name} applies its own noise"
            )
        return opts

    def run(self, run_input: QuantumCircuit | Sequence[QuantumCircuit], **options: Any) -> ScalewayJob:
        """Submit one circuit or a list (one core submission); returns the job at once."""
        circuits = [run_input] if isinstance(run_input, QuantumCircuit) else list(run_input)
        if not all(isinstance(c, QuantumCircuit) for c in circuits):
            raise InvalidArgumentError("run() takes a QuantumCircuit or a list of QuantumCircuits")
        opts = self._merge_options(options)
        check_native = self.platform.native_gates is not None
        for circuit in circuits:
            convert.check_circuit(circuit, self.platform, self.target, check_native=check_native)
        programs = [convert.to_program(c, self.platform) for c in circuits]
        params: dict[str, Any] = {"memory": bool(opts["memory"])}
        if opts.get("seed_simulator") is not None:
            params["seed_simulator"] = int(opts["seed_simulator"])
        noise = convert.to_noise_model(opts["noise_model"]) if opts.get("noise_model") is not None else None
        shots = opts["shots"]
        if hasattr(shots, "__index__") and not isinstance(shots, bool):
            shots = int(shots)
        job = self._session(opts).run(
            programs,
            shots=shots,
            options=params,
            noise_model=noise,
            num_qubits=max((c.num_qubits for c in circuits), default=0),
        )
        return ScalewayJob(self, job, circuits)

    def retrieve_job(self, job_id: str) -> ScalewayJob:
        """Re-attach to a job from its ``job_id()`` (experiment names come from the results)."""
        return ScalewayJob(self, Job.attach(self.client, job_id))
