"""PennyLane adapter: the ``scaleway.qaas`` device and the official plugin's device names
(``scaleway.aer``, ``scaleway.aqt``, ``scaleway.iqm``, ``scaleway.qsim``, ``scaleway.cudaq``,
``scaleway.qperfect``, ``scaleway.quobly``)."""

from .device import ScalewayDevice, ShotsRequiredError
from .families import (
    DEVICES,
    AerDevice,
    AqtDevice,
    CudaqDevice,
    IqmDevice,
    QperfectDevice,
    QsimDevice,
    QuoblyDevice,
)

__all__ = [
    "DEVICES",
    "AerDevice",
    "AqtDevice",
    "CudaqDevice",
    "IqmDevice",
    "QperfectDevice",
    "QsimDevice",
    "QuoblyDevice",
    "ScalewayDevice",
    "ShotsRequiredError",
]
