"""temporary"""

from .qiskit import decode

__all__ = ["decode"]
