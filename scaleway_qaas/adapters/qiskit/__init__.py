"""Qiskit adapter: ``ScalewayProvider`` -> ``ScalewayBackend`` (BackendV2) -> ``ScalewayJob`` (JobV1).

Importing this package imports Qiskit; ``import scaleway_qaas`` does not.
"""

from .backend import ScalewayBackend
from .job import ScalewayJob
from .provider import ScalewayBackendNotFoundError, ScalewayProvider

__all__ = ["ScalewayBackend", "ScalewayBackendNotFoundError", "ScalewayJob", "ScalewayProvider"]
