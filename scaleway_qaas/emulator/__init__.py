"""A local emulator of the Scaleway QaaS v1alpha1 API, backed by real simulators.

Start it in-process with :class:`Emulator` / :func:`run_emulator`, or from the
shell with ``scaleway-qaas emulator`` (:mod:`.cli`).
"""

from .faults import FaultConfig
from .platforms import CATALOGUE, PlatformSpec
from .server import Emulator, run_emulator, run_emulator_process

__all__ = ["CATALOGUE", "Emulator", "FaultConfig", "PlatformSpec", "run_emulator", "run_emulator_process"]
