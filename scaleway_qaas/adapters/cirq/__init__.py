"""Cirq adapter: :class:`ScalewaySampler` (a ``cirq.Sampler``), and the official cirq-scaleway names
(:class:`ScalewayQuantumService`, :class:`ScalewayDevice`, :class:`ScalewaySession`) over it."""

from .sampler import ScalewaySampler, ScalewaySession
from .service import ScalewayDevice, ScalewayQuantumService

__all__ = ["ScalewayDevice", "ScalewayQuantumService", "ScalewaySampler", "ScalewaySession"]
