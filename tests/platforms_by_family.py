"""One emulated platform per family, as the official clients dispatch on them (shared by the test packages)."""

PLATFORM_OF_FAMILY = {
    "aer": "EMU-AER-16C-128M",
    "qsim": "EMU-QSIM-16C-128M",
    "cudaq": "EMU-CUDAQ-H100",
    "aqt": "EMU-IBEX-12PQ-L4",
    "iqm": "QPU-GARNET-20PQ",
    "qperfect": "EMU-QUANTANIUM-16C-128M",
    "quobly": "EMU-PIONEER-16C-128M",
}
