"""What the core sends per family, whatever limit a platform publishes (issue 21, items 1-3).

The emulator's qsim, CUDA-Q, QPerfect and Quobly platforms publish ``max_circuit_count: 1``; the real
ones may publish more. The core must still send one program per model there (as the official
clients do), and batch only on Aer, AQT and IQM: these tests give the platform a larger limit.
"""

from __future__ import annotations

import json

import attrs
import pytest

from scaleway_qaas.core.client import QaaSClient
from scaleway_qaas.core.families import FAMILIES, Family
from scaleway_qaas.core.platform import describe
from scaleway_qaas.core.submit import run
from scaleway_qaas.core.wire import ComputationModel, Program, ProgramFormat
from scaleway_qaas.emulator import Emulator

from .conftest import FAMILIES as PLATFORMS
from .conftest import TEST_PROJECT, TEST_SECRET

BELL = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n'


@pytest.mark.parametrize("family", sorted(PLATFORMS))
def test_programs_per_model_follow_the_official_clients(family: str, recording_emulator: Emulator) -> None:
    with QaaSClient(secret_key=TEST_SECRET, project_id=TEST_PROJECT, url=recording_emulator.url) as client:
        platform = client.describe_platform(PLATFORMS[family])
        batches = family in ("aer", "aqt", "iqm")
        assert platform.traits.batches is batches
        if not batches:  # a limit above one, as a real platform may publish
            platform = describe(attrs.evolve(platform.info, max_circuit_count=50))
        programs = [Program.from_text(BELL, ProgramFormat.QASM_V2)] * 3
        before = len(recording_emulator.recorded)
        job = run(client, platform, programs, shots=10)
        sent = [
            ComputationModel.from_json(r.body["payload"])
            for r in recording_emulator.recorded[before:]
            if r.path.endswith("/models")
        ]
        assert [len(m.programs) for m in sent] == ([3] if batches else [1, 1, 1])
        assert len(job.parts) == len(sent)
        job.cancel()


def test_qperfect_parameters_carry_nsamples_and_the_defaults(recording_emulator: Emulator) -> None:
    with QaaSClient(secret_key=TEST_SECRET, project_id=TEST_PROJECT, url=recording_emulator.url) as client:
        platform = client.describe_platform(PLATFORMS["qperfect"])
        before = len(recording_emulator.recorded)
        run(client, platform, [Program.from_text(BELL, ProgramFormat.QASM_V2)], shots=[37], options={"seed": 5})
        (job,) = [r.body for r in recording_emulator.recorded[before:] if r.path.endswith("/jobs")]
    options = json.loads(job["parameters"])["options"]
    assert options == {"label": "pyapi_v1.0", "algorithm": "auto", "timelimit": 9999, "seed": 5, "nsamples": 37}


def test_every_family_that_removes_barriers_is_marked() -> None:
    # qiskit-scaleway applies RemoveBarriers on qsim, CUDA-Q, QPerfect and Quobly (their job.py)
    assert {f for f, t in FAMILIES.items() if t.strip_barriers} == {
        Family.QSIM,
        Family.CUDAQ,
        Family.QPERFECT,
        Family.QUOBLY,
    }


@pytest.mark.parametrize("family", ["cudaq", "qsim", "qperfect", "quobly"])
def test_a_measure_all_circuit_runs_where_barriers_are_refused(family: str, recording_emulator: Emulator) -> None:
    from qiskit import QuantumCircuit

    from scaleway_qaas.adapters.qiskit import ScalewayProvider

    qc = QuantumCircuit(2)
    qc.x(0)
    qc.measure_all()  # adds a barrier, which qio's converter refuses on CUDA-Q platforms
    backend = ScalewayProvider(project_id=TEST_PROJECT, secret_key=TEST_SECRET, url=recording_emulator.url)
    result = backend.get_backend(PLATFORMS[family]).run(qc, shots=50).result()
    counts = result.get_counts()
    assert counts.get("01", 0) >= (45 if family == "quobly" else 50), counts  # Quobly's emulator is noisy
