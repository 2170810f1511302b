"""Qiskit adapter: ``ScalewayProvider`` -> ``ScalewayBackend`` (BackendV2) -> ``ScalewayJob`` (JobV1).

The official plugin's names are here too: ``MoveGate``, :mod:`.primitives` (``Sampler``,
``Estimator``) and :mod:`.backends` (``AerBackend``... as aliases of ``ScalewayBackend``).

Importing this package imports Qiskit; ``import scaleway_qaas`` does not.
"""

from .backend import ScalewayBackend
from .job import ScalewayJob
from .primitives import Estimator, Sampler
from .provider import ScalewayBackendNotFoundError, ScalewayProvider
from .target import MoveGate

__all__ = [
    "Estimator",
    "MoveGate",
    "Sampler",
    "ScalewayBackend",
    "ScalewayBackendNotFoundError",
    "ScalewayJob",
    "ScalewayProvider",
]
