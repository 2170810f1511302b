"""ScalewayJob: a Qiskit ``JobV1`` over a core :class:`~scaleway_qaas.core.job.Job`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from qiskit import QuantumCircuit
from qiskit.providers import JobStatus as QiskitJobStatus
from qiskit.providers import JobV1
from qiskit.result import Result
from qiskit.result.models import ExperimentResult as QiskitExperimentResult

from ...core import ExperimentResult, Job, JobStatus, shot_ordered
from .convert import qiskit_experiments, qiskit_result

if TYPE_CHECKING:
    from .backend import ScalewayBackend

#: Core job status -> Qiskit job status (unknown statuses map to INITIALIZING).
STATUS_MAP: dict[JobStatus, QiskitJobStatus] = {
    JobStatus.WAITING: QiskitJobStatus.QUEUED,
    JobStatus.RUNNING: QiskitJobStatus.RUNNING,
    JobStatus.COMPLETED: QiskitJobStatus.DONE,
    JobStatus.ERROR: QiskitJobStatus.ERROR,
    JobStatus.CANCELLING: QiskitJobStatus.CANCELLED,
    JobStatus.CANCELLED: QiskitJobStatus.CANCELLED,
}


class ScalewayJob(JobV1):
    """A submitted run; ``job_id()`` can be given back to ``backend.retrieve_job``."""

    def __init__(
        self, backend: ScalewayBackend, job: Job, circuits: Sequence[QuantumCircuit] | None = None, **metadata: Any
    ) -> None:
        super().__init__(backend, job.job_id, **metadata)
        self._job = job
        self._circuits = list(circuits) if circuits is not None else None
        self._result: Result | None = None

    @property
    def core_job(self) -> Job:
        """The underlying core job handle."""
        return self._job

    def submit(self) -> None:
        """Jobs are submitted by ``backend.run``; there is nothing left to submit."""
        raise RuntimeError("ScalewayJob is submitted by backend.run(); submit() must not be called")

    def status(self) -> QiskitJobStatus:
        return STATUS_MAP.get(self._job.status(), QiskitJobStatus.INITIALIZING)

    def result(self, timeout: float | None = None, fetch_interval: float | None = None) -> Result:
        """Wait (up to ``timeout`` seconds) and return one experiment per circuit, in order.

        ``fetch_interval`` is accepted for code written for the official plugin and ignored:
        polling is adaptive (milliseconds first), not a fixed sleep."""
        if self._result is None:
            backend = self.backend()

            def per_job(indices: Sequence[int], experiments: list[ExperimentResult]) -> list[QiskitExperimentResult]:
                """A job's experiments, converted as soon as its results arrive."""
                ordered = [
                    shot_ordered(exp, backend.platform, f"{self.job_id()}/{i}")
                    for i, exp in zip(indices, experiments, strict=True)
                ]
                return qiskit_experiments(indices, ordered, self._circuits)

            self._result = qiskit_result(
                self._job.result_each(per_job, timeout),
                backend_name=backend.name,
                backend_version=str(backend.backend_version),
                job_id=self.job_id(),
            )
        return self._result

    def get_counts(self, experiment: Any = None) -> Any:
        """Shortcut for ``result().get_counts(experiment)``."""
        return self.result().get_counts(experiment)

    def get_memory(self, experiment: Any = None) -> list[str]:
        """Per-shot bitstrings (run with ``memory=True``)."""
        return list(self.result().get_memory(experiment))

    def cancel(self) -> None:
        self._job.cancel()
