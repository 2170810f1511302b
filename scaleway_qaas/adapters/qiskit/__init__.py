"""Qiskit adapter: ``ScalewayProvider`` -> ``ScalewayBackend`` (BackendV2) -> ``ScalewayJob`` (JobV1).

Importing this package imports Qiskit; ``import scaleway_qaas`` does not.
"""

from .backend import ScalewayBackend
from .job import ScalewayJob
from .primitives import Estimator, Sampler
from .provider import ScalewayBackendNotFoundError, ScalewayProvider

__all__ = ["Estimator", "Sampler", "ScalewayBackend", "ScalewayBackendNotFoundError", "ScalewayJob", "ScalewayProvider"]
