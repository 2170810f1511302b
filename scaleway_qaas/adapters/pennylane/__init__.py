"""PennyLane adapter: the ``scaleway.qaas`` device (``qml.device("scaleway.qaas", wires=2, backend=...)``)."""

from .device import ScalewayDevice

__all__ = ["ScalewayDevice"]
