"""Every gate-based platform through the Cirq adapter: the platform's own format and result format, bit order, options.

Needs the emulator's full catalogue (the names public Scaleway sources give).
"""

from __future__ import annotations

import json

import cirq
import numpy as np
import pytest

from scaleway_qaas.adapters.cirq import ScalewaySampler
from scaleway_qaas.core import Family
from scaleway_qaas.core.errors import InvalidArgumentError

from .conftest import asymmetric_circuit, bell

CATALOGUE = [
    *(f"EMU-AER-{s}" for s in ("16C-128M", "2L4", "2L40S", "4L40S", "H100")),
    *(f"EMU-QSIM-{s}" for s in ("16C-128M", "64C-512M", "L40S", "H100")),
    *(f"EMU-CUDAQ-{s}" for s in ("H100", "L40S", "4H100SXM", "8H100SXM", "8B300SXM", "64C-512M")),
    "QPU-IBEX-12PQ",
    *(f"EMU-IBEX-12PQ-{s}" for s in ("L4", "16C-128M", "2L4")),
    "QPU-GARNET-20PQ",
    "QPU-SIRIUS-24PQ",
    "QPU-EMERALD-54PQ",
    "EMU-QUANTANIUM-16C-128M",
    "EMU-PIONEER-16C-128M",
    "EMU-PIONEER-H100",
]
QUANTANIUM = "EMU-QUANTANIUM-16C-128M"
PIONEER = "EMU-PIONEER-16C-128M"
EXPECTED = {"a": [1], "b": [0, 1, 0], "my key": [1, 0]}  # asymmetric_circuit(), every shot


@pytest.mark.parametrize("name", CATALOGUE)
def test_every_platform_runs_bell_and_keeps_bit_order(recording, name: str) -> None:
    client, transport = recording
    sampler = ScalewaySampler(name, client=client)
    platform = sampler.describe_platform()
    assert platform.family is not Family.UNKNOWN
    asym, pair = sampler.run_batch([asymmetric_circuit(), bell()], repetitions=200)
    assert [p.serialization_format for p in transport.programs()] == [platform.program_formats[0]] * 2
    noisy = not platform.is_simulator or platform.native_gates is not None or platform.family is Family.QUOBLY
    for key, bits in EXPECTED.items():
        records = asym[0].records[key][:, 0, :]
        if noisy:  # QPUs, digital twins and Quobly's emulator add a few percent of errors
            assert (records.mean(axis=0).round() == bits).all(), (key, records.mean(axis=0))
        else:
            assert (records == bits).all(), key
    hist = pair[0].histogram(key="m")
    assert hist[0] + hist[3] >= (170 if noisy else 200), hist
    assert min(hist[0], hist[3]) > 60, hist


def test_quobly_options_seed_and_noise(recording) -> None:
    client, transport = recording
    circuit = cirq.Circuit(cirq.H.on_each(*cirq.LineQubit.range(3)), cirq.measure(*cirq.LineQubit.range(3), key="m"))
    first, second = (
        ScalewaySampler(PIONEER, client=client, options={"seed": 7}).run(circuit, repetitions=64) for _ in range(2)
    )
    np.testing.assert_array_equal(first.records["m"], second.records["m"])  # the seed reached the platform
    quiet = ScalewaySampler(PIONEER, client=client, options={"noise": False}).run(asymmetric_circuit(), repetitions=50)
    assert all((quiet.records[k][:, 0, :] == bits).all() for k, bits in EXPECTED.items())
    sent = [json.loads(body["parameters"])["options"] for body in transport.bodies("POST", "/jobs")]
    assert sent[0]["seed"] == 7 and sent[-1]["noise"] is False
    with pytest.raises(InvalidArgumentError, match=r"bonddim.*not read by EMU-PIONEER"):
        ScalewaySampler(PIONEER, client=client, options={"bonddim": 4}).run(bell())


def test_qperfect_options_travel_in_parameters_and_backend(recording) -> None:
    client, transport = recording
    sampler = ScalewaySampler(QUANTANIUM, client=client, options={"bonddim": 8, "seed": 3})
    result = sampler.run(asymmetric_circuit(), repetitions=20)
    assert all((result.records[k][:, 0, :] == bits).all() for k, bits in EXPECTED.items())
    (job,) = transport.bodies("POST", "/jobs")
    (model,) = transport.bodies("POST", "/models")
    # the defaults and the nsamples = shots that qiskit-scaleway sends, in both places (None values only in the model)
    assert json.loads(job["parameters"])["options"] == {
        "label": "pyapi_v1.0",
        "algorithm": "auto",
        "timelimit": 9999,
        "bonddim": 8,
        "seed": 3,
        "nsamples": 20,
    }
    assert json.loads(model["payload"])["backend"]["options"] == {
        "label": "pyapi_v1.0", "algorithm": "auto", "bitstrings": None, "timelimit": 9999, "bonddim": 8,
        "entdim": None, "seed": 3, "qasmincludes": None, "nsamples": 20,
    }  # fmt: skip
