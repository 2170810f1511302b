"""The emulator refuses and answers what the real service would (issue 21, section 3).

Each behaviour comes from a public source (REAL-SERVICE.md): qio's OpenQASM 3 -> CUDA-Q converter
refuses barriers, qio's server-side converters compress results, the spec requires a job ``name``
(which every official client sends) but CUDA-Q's helper sends no ``circuit``, older qio
double-encoded ``parameters``, the official SDK's own test lists the sessions of an unknown platform
as an empty list, pennylane-scaleway's own test expects H then H on the AQT twin to give only zeros.
"""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from scaleway_qaas.core.wire import Compression, ComputationParameters
from scaleway_qaas.emulator import Emulator

from .conftest import BELL_QASM2, Api, P, decode

BARRIER_QASM2 = BELL_QASM2.replace("measure q -> c;", "barrier q[0],q[1];\nmeasure q -> c;")
HH_QASM2 = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\ncreg c[1];\nh q[0];\nh q[0];\nmeasure q -> c;\n'


def test_cudaq_platforms_refuse_a_barrier(api: Api) -> None:
    job, _ = api.run("EMU-CUDAQ-H100", BARRIER_QASM2, shots=10)
    assert job["status"] == "error"
    assert job["progress_message"] == "Unsupported statement: QuantumBarrier(qubits=[q[0], q[1]])"
    job, _ = api.run("EMU-AER-16C-128M", BARRIER_QASM2, shots=10)  # other families read barriers
    assert job["status"] == "completed"


@pytest.mark.parametrize(
    "platform", ["EMU-AER-16C-128M", "EMU-QSIM-16C-128M", "EMU-CUDAQ-H100", "EMU-QUANTANIUM-16C-128M", "QPU-IBEX-12PQ"]
)
def test_results_are_compressed_as_qio_sends_them(api: Api, platform: str) -> None:
    job, results = api.run(platform, BELL_QASM2, shots=20)
    assert job["status"] == "completed", job["progress_message"]
    assert [r.compression_format for r in results] == [Compression.ZLIB_BASE64_V1]
    (experiment,) = decode(results)
    assert sum(experiment.counts.values()) == 20


def test_a_job_needs_a_name_but_no_circuit(api: Api) -> None:
    session = api.session()
    model = api.model(BELL_QASM2)
    parameters = ComputationParameters(shots=10).to_json()
    refused = api.http.post(
        f"{P}/jobs", json={"session_id": session["id"], "model_id": model, "parameters": parameters}
    )
    assert refused.status_code == 400
    body = refused.json()
    assert (body["type"], body["message"]) == ("invalid_arguments", "invalid argument(s)")
    assert [(d["argument_name"], d["reason"]) for d in body["details"]] == [("name", "required")]
    # as CUDA-Q's helper sends it: a name (the kernel's), no circuit
    body = {"name": "bell", "session_id": session["id"], "model_id": model, "parameters": parameters}
    assert api.ok(api.http.post(f"{P}/jobs", json=body))["name"] == "bell"


def test_double_encoded_parameters_are_read(api: Api) -> None:
    session = api.session()
    inner = json.dumps({"shots": 12, "options": {"memory": True}})
    body = {
        "name": "old-qio",
        "session_id": session["id"],
        "model_id": api.model(BELL_QASM2),
        "parameters": json.dumps(inner),
    }
    job = api.wait(api.ok(api.http.post(f"{P}/jobs", json=body))["id"])
    assert job["status"] == "completed", job["progress_message"]
    (experiment,) = decode(api.results(job["id"]))
    assert sum(experiment.counts.values()) == 12 and experiment.memory is not None and len(experiment.memory) == 12


def test_sessions_of_an_unknown_platform_are_an_empty_list(api: Api) -> None:
    answer = api.http.get(f"{P}/sessions", params={"platform_id": str(uuid.uuid4())})
    assert answer.status_code == 200
    assert answer.json() == {"sessions": [], "total_count": 0}


def test_job_results_honour_order_by(api: Api) -> None:
    job, _ = api.run("EMU-AER-16C-128M", BELL_QASM2, shots=10)
    for order in ("created_at_asc", "created_at_desc"):
        answer = api.ok(api.http.get(f"{P}/jobs/{job['id']}/results", params={"order_by": order}))
        assert answer["total_count"] == 1 and len(answer["job_results"]) == 1
    refused = api.http.get(f"{P}/jobs/{job['id']}/results", params={"order_by": "name_asc"})
    assert refused.status_code == 400 and refused.json()["details"][0]["argument_name"] == "order_by"


def test_the_aqt_twin_cancels_h_h_before_adding_noise(api: Api) -> None:
    job, results = api.run("EMU-IBEX-12PQ-L4", HH_QASM2, shots=2000)
    assert job["status"] == "completed", job["progress_message"]
    assert decode(results)[0].counts == {"0": 2000}
    # the twin is still noisy where gates remain (depolarizing errors on r and rxx)
    job, results = api.run("EMU-IBEX-12PQ-L4", BELL_QASM2, shots=2000, seed=3)
    assert set(decode(results)[0].counts) > {"00", "11"}


def test_a_page_size_cap_shortens_pages_but_not_total_count() -> None:
    with Emulator(page_size_cap=3, workers=1) as emulator:
        headers = {"X-Auth-Token": "secret-cap"}
        answer = httpx.get(f"{emulator.url}{P}/platforms", params={"page_size": 50}, headers=headers).json()
        assert len(answer["platforms"]) == 3 and answer["total_count"] > 3
        second = httpx.get(f"{emulator.url}{P}/platforms", params={"page": 2}, headers=headers).json()
        assert len(second["platforms"]) == 3
        assert {p["id"] for p in second["platforms"]}.isdisjoint(p["id"] for p in answer["platforms"])
