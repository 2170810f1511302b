"""Cirq adapter: :class:`ScalewaySampler`, a ``cirq.Sampler`` for Scaleway QaaS and the local emulator."""

from .sampler import ScalewaySampler

__all__ = ["ScalewaySampler"]
