"""Issue 17: schemathesis against an emulator started with tokens, as the owner of a project and as a caller of
another project; and property tests of random circuits (emulator vs. local Aer statevector probabilities).

Schemathesis runs as its CLI would (``schemathesis run``: phases examples, coverage, fuzzing and stateful), with
the checks not_a_server_error, response_schema_conformance, status_code_conformance and ignored_auth. The official
spec documents only the 2xx answers; the gateway's error answers (REAL-SERVICE.md, "Answers") are added to each
operation before the run, so an error answer conforms only if its status is one the operation may give and its
body has the gateway's shape. The default suite runs a short budget (5 examples per operation and phase);
``-m stress`` runs >= 20,000 cases.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaleway_qaas.core import QaaSClient, Session, run_in
from scaleway_qaas.core.managed import terminate_implicit_sessions
from scaleway_qaas.emulator import Emulator

from .conftest import API, REPO, qasm

SPEC = REPO / "tests" / "data" / "scaleway.qaas.v1alpha1.Api.yml"
TOKEN, PROJECT = "fuzz-secret-0123456789abcdef", "33333333-4444-5555-6666-777777777777"
INTRUDER, INTRUDER_PROJECT = "intruder-secret-fedcba9876543210", "44444444-5555-6666-7777-888888888888"
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,ignored_auth"
PHASES = "examples,coverage,fuzzing,stateful"

# --- the gateway's error answers, as OpenAPI responses ---------------------------------------------------------


def _error(error_type: str, message: str | None, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["type", *(["message"] if message != "" else []), *properties],
        "properties": {
            "type": {"const": error_type},
            **({"message": {"const": message} if message else {"type": "string"}} if message != "" else {}),
            **properties,
        },
    }


_TEXT = {"type": "string"}
_DETAILS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["argument_name", "reason", "help_message"],
        "properties": {
            "argument_name": {"type": "string", "minLength": 1},
            "reason": {"enum": ["required", "syntax", "constraint"]},
            "help_message": {"type": "string", "minLength": 1},
        },
    },
}
ERRORS: dict[str, dict[str, Any]] = {
    "400": _error("invalid_arguments", "invalid argument(s)", {"details": _DETAILS}),
    "401": _error(
        "denied_authentication",
        "authentication is denied",
        {"method": {"const": "api_key"}, "reason": {"enum": ["invalid_argument", "not_found"]}},
    ),
    "403": _error(
        "permissions_denied",
        "insufficient permissions",
        {"details": {"type": "array", "items": {"type": "object", "required": ["resource", "action"]}}},
    ),
    "404": _error("not_found", "resource is not found", {"resource": _TEXT, "resource_id": _TEXT}),
    "409": _error(
        "transient_state",
        "resource is in a transient state",
        {"resource": _TEXT, "resource_id": _TEXT, "current_state": _TEXT},
    ),
    "412": _error(
        "precondition_failed",
        "",  # a recorded Scaleway 412 body has no message
        {
            "precondition": {"enum": ["unknown_precondition", "resource_still_in_use", "attribute_must_be_set"]},
            "help_message": _TEXT,
        },
    ),
}


#: unset timestamps CUDA-Q's helper reads are answered "" (it fails on null): the spec says date-time or null
UNSET_AS_TEXT = {"Session": ("started_at", "terminated_at"), "Job": ("started_at",)}


def gateway_spec(path: Path) -> Path:
    """The official spec plus, per operation, the error answers it may give; written to ``path`` (JSON)."""
    spec = yaml.safe_load(SPEC.read_text())
    for name, fields in UNSET_AS_TEXT.items():
        properties = spec["components"]["schemas"][f"scaleway.qaas.v1alpha1.{name}"]["properties"]
        for field in fields:
            properties[field] = {"anyOf": [properties[field], {"const": ""}]}
    for route, operations in spec["paths"].items():
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", [])}
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            names |= set(body.get("properties", {}))
            codes = ["400", "401", "404"]
            if "project_id" in names:
                codes.append("403")
            if (method, route) == ("post", f"{API}/jobs"):
                codes.append("412")  # a stopped session refuses jobs
            if (method, route) == ("delete", f"{API}/jobs/{{job_id}}"):
                codes.append("409")  # a job still cancelling
            for code in codes:
                content = {"application/json": {"schema": ERRORS[code]}}
                operation["responses"][code] = {"description": "gateway error", "content": content}
    path.write_text(json.dumps(spec))
    return path


# --- running schemathesis -------------------------------------------------------------------------------------


def schemathesis_run(
    url: str, spec: Path, token: str, parameters: dict[str, str], workdir: Path, *budget: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``schemathesis run`` against ``url`` as the holder of ``token``; returns (JSON report, HAR entries)."""
    config = workdir / "schemathesis.toml"
    config.write_text("[parameters]\n" + "".join(f'"{k}" = "{v}"\n' for k, v in parameters.items()))
    report, har = workdir / "report.json", workdir / "report.har"
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "--no-color",
        "run", str(spec), "--url", url, "-H", f"X-Auth-Token: {token}",
        "--checks", CHECKS, "--phases", PHASES, "--workers", "1", "--generation-database", "none",
        "--suppress-health-check", "all", "--report", "json,har",
        "--report-json-path", str(report), "--report-har-path", str(har), *budget,
    ]  # fmt: skip
    done = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=3600, env=_env())
    assert report.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(report.read_text())
    entries = json.loads(har.read_text())["log"]["entries"] if har.exists() else []
    assert result["exit_code"] == 0 and not result["failures"] and not result["errors"], done.stdout[-6000:]
    assert all(p["status"] == "success" for p in result["phases"].values()), result["phases"]
    return result, entries


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}


@pytest.fixture(scope="module")
def fuzz_emulator() -> Iterator[Emulator]:
    tokens = {TOKEN: PROJECT, INTRUDER: INTRUDER_PROJECT}
    with Emulator(tokens=tokens, seed=5, session_start_delay=0.01) as emulator:
        yield emulator
        terminate_implicit_sessions(emulator.url)


@pytest.fixture(scope="module")
def owned(fuzz_emulator: Emulator) -> dict[str, str]:
    """Real resources of PROJECT: the ids the intruder aims at."""
    url = fuzz_emulator.url
    client = QaaSClient(secret_key=TOKEN, project_id=PROJECT, url=url)
    platform = client.find_platform("EMU-AER-16C-128M")
    session = Session.open(client, platform, deduplication_id=uuid.uuid4().hex)
    job = run_in(session, [qasm()], shots=10)
    job.result(timeout=60)
    garnet = client.find_platform("QPU-GARNET-20PQ").id
    with httpx.Client(base_url=f"{url}{API}", headers={"X-Auth-Token": TOKEN}, timeout=30) as http:
        booked = http.post("/sessions", json={"project_id": PROJECT, "platform_id": garnet, "booking_demand": {}})
        (application,) = http.get("/applications").json()["applications"]
        process = http.post(
            "/processes", json={"project_id": PROJECT, "platform_id": platform.id, "application_id": application["id"]}
        )
    return {
        "session_id": session.id,
        "job_id": job.job_id,
        "model_id": client.get_job(job.job_id).model_id,
        "booking_id": booked.json()["booking_id"],
        "process_id": process.json()["id"],
    }


def _pinned(project: str, ids: dict[str, str] | None = None) -> dict[str, str]:
    pinned = {"query.project_id": project, "body.project_id": project}
    for name, value in (ids or {}).items():
        pinned |= {f"path.{name}": value, f"query.{name}": value, f"body.{name}": value}
    return pinned


def _intrusions(entries: list[dict[str, Any]], secrets: list[str]) -> list[str]:
    """The requests naming one of ``secrets`` (the owner's ids) that got anything but a 4xx."""
    found = []
    for entry in entries:
        request = entry["request"]
        sent = request["url"] + (request.get("postData") or {}).get("text", "")
        status = entry["response"]["status"]
        if any(s in sent for s in secrets) and not 400 <= status < 500:
            found.append(f"{request['method']} {request['url']} -> {status}")
    return found


def _fuzz_both_roles(emulator: Emulator, owned: dict[str, str], tmp_path: Path, *budget: str) -> int:
    spec = gateway_spec(tmp_path / "spec.json")
    (tmp_path / "owner").mkdir()
    (tmp_path / "intruder").mkdir()
    theirs, entries = schemathesis_run(
        emulator.url, spec, INTRUDER, _pinned(PROJECT, owned), tmp_path / "intruder", *budget
    )
    assert entries, "the intruder's run recorded no request"
    assert not _intrusions(entries, [PROJECT, *owned.values()])
    for kind, key in (
        ("sessions", "session_id"),
        ("jobs", "job_id"),
        ("models", "model_id"),
        ("processes", "process_id"),
    ):
        kept = httpx.get(f"{emulator.url}{API}/{kind}/{owned[key]}", headers={"X-Auth-Token": TOKEN})
        assert kept.status_code == 200, (kind, kept.text)  # the owner's resources survived the intruder
    bodies = {"body.session_id": owned["session_id"], "body.model_id": owned["model_id"]}  # so that jobs get made
    mine, _ = schemathesis_run(emulator.url, spec, TOKEN, _pinned(PROJECT) | bodies, tmp_path / "owner", *budget)
    return int(mine["test_cases"]["generated"]) + int(theirs["test_cases"]["generated"])


def test_schemathesis_as_owner_and_as_intruder(fuzz_emulator, owned, tmp_path):
    generated = _fuzz_both_roles(fuzz_emulator, owned, tmp_path, "--max-examples", "5", "--seed", "17")
    assert generated >= 1000, generated


@pytest.mark.stress
@pytest.mark.timeout(1200)
def test_schemathesis_stress(fuzz_emulator, owned, tmp_path):
    """Each role fuzzes for QAAS_STRESS_SECONDS (default 180 s): fuzzing and stateful phases repeat until then."""
    budget = ("--max-examples", "1000", "--max-time", os.environ.get("QAAS_STRESS_SECONDS", "180"))
    generated = _fuzz_both_roles(fuzz_emulator, owned, tmp_path, *budget)
    print(f"schemathesis stress: {generated} generated cases, 0 failures")
    assert generated >= 20_000, generated


# --- property: random circuits, emulator vs. local statevector ----------------------------------


@pytest.fixture(scope="module")
def aer_session(fuzz_emulator):
    client = QaaSClient(secret_key=TOKEN, project_id=PROJECT, url=fuzz_emulator.url)
    with Session.open(client, "EMU-AER-16C-128M", deduplication_id=uuid.uuid4().hex) as session:
        yield session


SHOTS = 4000


ONE = ["h", "x", "y", "z", "s", "sdg", "t", "tdg", "sx"]
ROT = ["rx", "ry", "rz", "p"]
TWO = ["cx", "cy", "cz", "swap", "ch"]


@st.composite
def circuits(draw):
    """A random circuit of qelib1 gates on 1-3 qubits, measured at the end."""
    from qiskit import QuantumCircuit

    n = draw(st.integers(1, 3))
    qc = QuantumCircuit(n, n)
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["one", "rot", "two"] if n > 1 else ["one", "rot"]))
        if kind == "one":
            getattr(qc, draw(st.sampled_from(ONE)))(draw(st.integers(0, n - 1)))
        elif kind == "rot":
            angle = draw(st.floats(-6.3, 6.3, allow_nan=False))
            getattr(qc, draw(st.sampled_from(ROT)))(angle, draw(st.integers(0, n - 1)))
        else:
            a, b = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
            getattr(qc, draw(st.sampled_from(TWO)))(a, b)
    qc.measure(range(n), range(n))
    return qc


@given(circuit=circuits())
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None)
def test_random_circuits_match_local_statevector(aer_session, circuit):
    from qiskit import qasm2
    from qiskit.quantum_info import Statevector

    probs = Statevector(circuit.remove_final_measurements(inplace=False)).probabilities_dict()
    expected = {key[::-1]: p for key, p in probs.items()}  # qiskit keys are little-endian; core keys are not
    (result,) = run_in(aer_session, [qasm(qasm2.dumps(circuit))], shots=SHOTS).result(timeout=60)
    assert sum(result.counts.values()) == SHOTS
    for key in set(expected) | set(result.counts):
        p = expected.get(key, 0.0)
        sigma = (max(p * (1 - p), 1e-4) / SHOTS) ** 0.5
        assert abs(result.counts.get(key, 0) / SHOTS - p) <= 5 * sigma, (key, p, result.counts, circuit)


def test_qasm2_gate_definition_named_like_an_aer_gate(aer_session):
    """qiskit.qasm2.dumps writes non-qelib1 gates (xx_plus_yy, ...) as gate definitions; Aer must get them
    decomposed, not by name."""
    from qiskit import QuantumCircuit, qasm2
    from qiskit.circuit.library import XXPlusYYGate

    qc = QuantumCircuit(2, 2)
    qc.x(0)
    qc.append(XXPlusYYGate(3.141592653589793), [0, 1])  # a full swap of |10> and |01> (up to phase)
    qc.measure([0, 1], [0, 1])
    (result,) = run_in(aer_session, [qasm(qasm2.dumps(qc))], shots=100).result(timeout=60)
    assert result.counts == {"01": 100}


def test_qelib1_ch_gate_runs(aer_session):
    text = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; x q[0]; ch q[0],q[1]; measure q -> c;'
    (result,) = run_in(aer_session, [qasm(text)], shots=400).result(timeout=60)
    assert set(result.counts) == {"10", "11"}
