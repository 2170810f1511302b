"""The ``scaleway-qaas`` command (also ``python -m scaleway_qaas``).

Importing this package is cheap: the client, rich and the quantum frameworks
load only when a command needs them.
"""

from __future__ import annotations

from .app import main

__all__ = ["main"]
