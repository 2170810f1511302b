"""Qiskit's V2 primitives on a Scaleway backend, under the official plugin's names.

``Sampler(backend, session_id=..., options=...)`` and ``Estimator(...)`` are Qiskit's own
``BackendSamplerV2`` / ``BackendEstimatorV2`` whose runs go to ``session_id`` when given
(the official plugin requires one; here, without it, runs use the core's implicit session).
Every pub of a ``run`` call becomes one core submission through ``backend.run``.
"""

from __future__ import annotations

import copy
from typing import Any

from qiskit.primitives import BackendEstimatorV2, BackendSamplerV2

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


class Estimator(BackendEstimatorV2):
    """``BackendEstimatorV2`` on a :class:`ScalewayBackend`, in ``session_id`` if given."""

    def __init__(
        self, backend: ScalewayBackend, session_id: str | None = None, options: dict[str, Any] | None = None
    ) -> None:
        super().__init__(backend=_in_session(backend, session_id), options=options)
