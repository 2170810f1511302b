"""Qiskit's V2 primitives on a Scaleway backend, under the official plugin's names.

``Sampler(backend, session_id=..., options=...)`` and ``Estimator(...)`` are Qiskit's own
``BackendSamplerV2`` / ``BackendEstimatorV2`` whose runs go to ``session_id`` when given
(the official plugin requires one; here, without it, runs use the core's implicit session).
The pubs of a ``run`` call that share a shot count become one core submission; the Sampler
exports each PUB's circuit once and binds each point of its parameter values into that export
(:func:`.sweeps.parameter_sweep`), streamed to the core (:class:`~scaleway_qaas.core.ProgramStream`),
instead of binding and exporting every point (the Estimator still binds, then ``backend.run``
recognises the shared structure). The Sampler's bit arrays are built from the core's neutral
results (:mod:`.samples`) job by job as each job's arrive, without a Qiskit ``Result`` of every point.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from itertools import chain
from typing import Any

import numpy as np
from qiskit.primitives import BackendEstimatorV2, BackendSamplerV2
from qiskit.primitives.containers import SamplerPubResult
from qiskit.primitives.containers.sampler_pub import SamplerPub

from ...core import ExperimentResult, ProgramStream, shot_ordered
from . import convert, samples, sweeps
from .backend import ScalewayBackend


def _in_session(backend: ScalewayBackend, session_id: str | None) -> ScalewayBackend:
    """The backend, or a shallow copy of it whose runs default to ``session_id``."""
    if not session_id:
        return backend
    bound = copy.copy(backend)
    bound._options = copy.copy(backend.options)
    bound.set_options(session_id=session_id)
    return bound


class Sampler(BackendSamplerV2):
    """``BackendSamplerV2`` on a :class:`ScalewayBackend`, in ``session_id`` if given."""

    def __init__(
        self, backend: ScalewayBackend, session_id: str | None = None, options: dict[str, Any] | None = None
    ) -> None:
        super().__init__(backend=_in_session(backend, session_id), options=options)

    def _run_pubs(self, pubs: list[SamplerPub], shots: int) -> list[SamplerPubResult]:
        """As ``BackendSamplerV2``, with the points of all PUBs in one run, each circuit exported once."""
        backend = self._backend
        if self._options.run_options or not isinstance(backend, ScalewayBackend):
            return list(super()._run_pubs(pubs, shots))
        rows = [p.parameter_values.as_array(p.circuit.parameters).reshape(p.parameter_values.size, -1) for p in pubs]
        for pub in pubs:
            convert.check_circuit(pub.circuit, backend.platform, bound=False)
        circuits = [pub.circuit for pub, values in zip(pubs, rows, strict=True) for _ in range(len(values))]
        programs = chain.from_iterable(
            sweeps.parameter_sweep(pub.circuit, values, backend.platform)
            for pub, values in zip(pubs, rows, strict=True)
        )
        options = {"memory": True, "shots": shots, "seed_simulator": self._options.seed_simulator}
        job = backend._submit(circuits, ProgramStream(programs, len(circuits)), options)
        widths = {id(pub.circuit): samples.width(pub.circuit) for pub in pubs}

        def per_job(indices: Sequence[int], experiments: list[ExperimentResult]) -> list[np.ndarray]:
            """A job's points as unpacked shots (no Qiskit Result of every point), in shot order as ScalewayJob's."""
            return [
                samples.unpacked(
                    shot_ordered(exp, backend.platform, f"{job.job_id()}/{i}"), circuits[i], widths[id(circuits[i])]
                )
                for i, exp in zip(indices, experiments, strict=True)
            ]

        points = job.core_job.result_each(per_job)
        results, start = [], 0
        for pub in pubs:
            end = start + pub.parameter_values.size
            results.append(samples.pub_result(points[start:end], pub.circuit, pub.parameter_values.shape, shots))
            start = end
        return results


class Estimator(BackendEstimatorV2):
    """``BackendEstimatorV2`` on a :class:`ScalewayBackend`, in ``session_id`` if given."""

    def __init__(
        self, backend: ScalewayBackend, session_id: str | None = None, options: dict[str, Any] | None = None
    ) -> None:
        super().__init__(backend=_in_session(backend, session_id), options=options)
