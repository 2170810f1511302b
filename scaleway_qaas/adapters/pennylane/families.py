"""The official pennylane-scaleway device names, as drop-in replacements over :class:`ScalewayDevice`.

``scaleway.aer``, ``scaleway.aqt``, ``scaleway.iqm``, ``scaleway.qsim``, ``scaleway.cudaq``,
``scaleway.qperfect`` and ``scaleway.quobly`` take the official keyword arguments: ``wires``,
``shots``, ``seed`` (in that order), ``backend``, ``project_id``, ``secret_key``, ``url``,
``session_name``, ``deduplication_id``, ``max_duration``, ``max_idle_duration``, ``run_options``
and any other keyword as a run option (``noise_model`` on Aer). Each refuses a platform of another
family, naming the device that runs it. Where the official plugin misbehaves, ours differs (see
docs/migration.md): runs outside ``with`` use a managed session instead of failing, a batch is one
submission, and shot vectors work.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...core import Family
from .device import ScalewayDevice


class _FamilyDevice(ScalewayDevice):
    default_backend: str | None = None

    def __init__(
        self,
        wires: int | Sequence[Any] | None = None,
        shots: int | Sequence[int] | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(wires, kwargs.pop("backend", None), shots, seed=seed, **kwargs)


class AerDevice(_FamilyDevice):
    """Aer emulators (``EMU-AER-*``): any standard gate, Aer run options, Aer noise models."""

    short_name = "scaleway.aer"
    family = Family.AER
    default_backend = "EMU-AER-16C-128M"


class AqtDevice(_FamilyDevice):
    """AQT trapped ions (``QPU-IBEX-12PQ``) and their digital twins (``EMU-IBEX-12PQ-*``).

    Shots above the platform's limit (2000) are capped with a warning, as the official device does.
    """

    short_name = "scaleway.aqt"
    family = Family.AQT
    caps_shots = True


class IqmDevice(_FamilyDevice):
    """IQM superconducting QPUs (``QPU-GARNET-20PQ``, ``QPU-SIRIUS-24PQ``, ``QPU-EMERALD-54PQ``)."""

    short_name = "scaleway.iqm"
    family = Family.IQM


class QsimDevice(_FamilyDevice):
    """qsim state-vector emulators (``EMU-QSIM-*``), sent OpenQASM 2."""

    short_name = "scaleway.qsim"
    family = Family.QSIM
    default_backend = "EMU-QSIM-16C-128M"


class CudaqDevice(_FamilyDevice):
    """CUDA-Q emulators (``EMU-CUDAQ-*``), sent OpenQASM 2."""

    short_name = "scaleway.cudaq"
    family = Family.CUDAQ
    default_backend = "EMU-CUDAQ-H100"


class QperfectDevice(_FamilyDevice):
    """QPerfect's MIMIQ emulator (``EMU-QUANTANIUM-16C-128M``); options ``bonddim``, ``algorithm``..."""

    short_name = "scaleway.qperfect"
    family = Family.QPERFECT
    default_backend = "EMU-QUANTANIUM-16C-128M"


class QuoblyDevice(_FamilyDevice):
    """Quobly's emulators (``EMU-PIONEER-*``), sent OpenQASM 3; options ``seed``, ``noise``."""

    short_name = "scaleway.quobly"
    family = Family.QUOBLY
    default_backend = "EMU-PIONEER-16C-128M"


DEVICES: dict[str, type[ScalewayDevice]] = {
    cls.short_name: cls
    for cls in (ScalewayDevice, AerDevice, AqtDevice, IqmDevice, QsimDevice, CudaqDevice, QperfectDevice, QuoblyDevice)
}
