"""The official qiskit-scaleway names of ``qiskit_scaleway.backends``, as aliases.

One class, :class:`~.backend.ScalewayBackend`, runs every platform family here (the platform's
description decides formats, options and limits), so each family name is that class:
``isinstance(backend, AerBackend)`` holds for any backend. Get backends from
``ScalewayProvider().get_backend(name)``, not by calling these classes.
"""

from __future__ import annotations

from .backend import ScalewayBackend
from .job import ScalewayJob

BaseBackend = ScalewayBackend
BaseJob = ScalewayJob
AerBackend = ScalewayBackend
AqtBackend = ScalewayBackend
IqmBackend = ScalewayBackend
QsimBackend = ScalewayBackend
CudaqBackend = ScalewayBackend
QperfectBackend = ScalewayBackend
QuoblyBackend = ScalewayBackend

__all__ = [
    "AerBackend",
    "AqtBackend",
    "BaseBackend",
    "BaseJob",
    "CudaqBackend",
    "IqmBackend",
    "QperfectBackend",
    "QsimBackend",
    "QuoblyBackend",
]
