"""Replay every golden answer of the real service through the client's parsing.

``tests/data/golden/*.json`` hold HTTP answers of the Scaleway QaaS API: seeded by hand from
public sources (``_source`` says so), refreshed by the live checks (``pytest -m live``, see
``docs/live.md``). Each file is one exchange: ``kind``, ``request``, ``response`` (status,
headers, body), and for results served by URL the ``downloads`` they point to. Every
assertion is derived from the raw body, so a refreshed file is checked as strictly as a
seeded one. Keys starting with ``_`` other than ``_expect`` are ignored.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from scaleway_qaas.core import errors
from scaleway_qaas.core.codecs import decode as decode_result
from scaleway_qaas.core.platform import PlatformDescription, describe
from scaleway_qaas.core.records import (
    JobInfo,
    JobResultInfo,
    JobStatus,
    ModelInfo,
    PlatformInfo,
    SessionInfo,
    SessionStatus,
    from_api,
)
from scaleway_qaas.core.wire import ProgramResult

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
FILES = sorted(GOLDEN.glob("*.json"))
KINDS = ("platforms", "platform", "session", "sessions", "job", "jobs", "model", "job_results", "error")


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def by_kind(kind: str) -> list[Path]:
    return [p for p in FILES if load(p)["kind"] == kind]


def ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def test_golden_files_are_well_formed() -> None:
    assert len(FILES) >= 20, f"golden files missing from {GOLDEN}"
    for path in FILES:
        doc = load(path)
        assert doc["kind"] in KINDS, path.name
        assert doc["_source"], f"{path.name}: say where the answer comes from"
        assert doc["request"]["path"].startswith("/qaas/v1alpha1/"), path.name
        assert isinstance(doc["response"]["status"], int), path.name
        assert "x-request-id" in doc["response"]["headers"], f"{path.name}: every answer carries X-Request-Id"


def test_every_kind_and_error_type_is_covered() -> None:
    kinds = {load(p)["kind"] for p in FILES}
    assert kinds == set(KINDS)
    types = {load(p)["response"]["body"]["type"] for p in by_kind("error")}
    assert types >= {
        "invalid_arguments",
        "not_found",
        "precondition_failed",
        "transient_state",
        "denied_authentication",
        "permissions_denied",
        "quotas_exceeded",
    }


# --- records -------------------------------------------------------------------------------


NOT_GATES = {"measure", "reset", "barrier", "delay"}


def instruction_names(metadata: str) -> set[str] | None:
    """Instruction names of a platform's metadata string (None: no instruction list, e.g. ``""``)."""
    if not metadata:
        return None
    data = json.loads(metadata)
    instructions = (((data or {}).get("qiskit") or {}).get("target") or {}).get("instructions")
    return {i["name"] for i in instructions} if instructions else None


def check_platform(raw: dict[str, Any]) -> PlatformDescription:
    info = from_api(PlatformInfo, raw)
    platform = describe(info)
    assert (platform.id, platform.name) == (raw["id"], raw["name"])
    assert (info.provider_name, info.backend_name) == (raw["provider_name"], raw["backend_name"])
    assert info.type.value == raw["type"] and info.technology.value == raw["technology"]
    assert info.availability.value == raw["availability"]
    assert platform.max_qubits == raw["max_qubit_count"] and platform.max_shots == raw["max_shot_count"]
    assert platform.max_circuits == raw["max_circuit_count"]
    assert platform.is_simulator == (raw["type"] != "qpu")
    for key in ("price_per_hour", "price_per_shot", "price_per_circuit"):
        price = raw.get(key)
        if price:
            assert getattr(info, key).amount == pytest.approx(price.get("units", 0) + price.get("nanos", 0) / 1e9)
        else:
            assert getattr(info, key) is None
    # capabilities come from metadata.qiskit.target.instructions (issue 13), "" for simulators
    native = instruction_names(raw.get("metadata") or "")
    got = platform.native_gates
    if native is None:
        assert got is None, f"{raw['name']}: no instruction list, yet native gates {got}"
    else:  # whether measure/reset/barrier count as "gates" is the client's choice
        assert got is not None and set(got) - NOT_GATES == native - NOT_GATES, f"{raw['name']}: {got} vs {native}"
    return platform


@pytest.mark.parametrize("path", by_kind("platforms"), ids=ids(by_kind("platforms")))
def test_platform_list(path: Path) -> None:
    body = load(path)["response"]["body"]
    platforms = [check_platform(raw) for raw in body["platforms"]]
    assert platforms
    assert len({p.id for p in platforms}) == len(platforms)
    if "total_count" in body:
        assert body["total_count"] >= len(platforms)


@pytest.mark.parametrize("path", by_kind("platform"), ids=ids(by_kind("platform")))
def test_platform(path: Path) -> None:
    doc = load(path)
    platform = check_platform(doc["response"]["body"])
    assert doc["request"]["path"].endswith("/" + platform.id)


def test_iqm_sirius_publishes_move_and_no_coupling_map() -> None:
    """Seeded (the live run reads no QPU): IQM Sirius lists ``move`` among its instructions."""
    sirius = describe(from_api(PlatformInfo, load(GOLDEN / "platform_iqm_sirius.json")["response"]["body"]))
    assert sirius.name == "QPU-SIRIUS-24PQ"
    assert sirius.native_gates is not None and {"r", "cz", "move"} <= set(sirius.native_gates)
    assert sirius.coupling_map is None  # the real service publishes no coupling map


def check_session(raw: dict[str, Any]) -> SessionInfo:
    session = from_api(SessionInfo, raw)
    assert (session.id, session.platform_id) == (raw["id"], raw["platform_id"])
    assert session.status.value == raw["status"] and session.status != SessionStatus.UNKNOWN
    assert session.is_open == (raw["status"] in ("starting", "running"))
    assert session.deduplication_id == (raw.get("deduplication_id") or "")
    assert (session.max_duration, session.max_idle_duration) == (raw.get("max_duration"), raw.get("max_idle_duration"))
    for key in ("max_duration", "max_idle_duration"):
        if raw.get(key):  # protobuf durations: seconds with an "s" suffix
            assert raw[key].endswith("s") and float(raw[key][:-1]) > 0
    return session


@pytest.mark.parametrize("path", by_kind("session"), ids=ids(by_kind("session")))
def test_session(path: Path) -> None:
    check_session(load(path)["response"]["body"])


@pytest.mark.parametrize("path", by_kind("sessions"), ids=ids(by_kind("sessions")))
def test_session_list(path: Path) -> None:
    body = load(path)["response"]["body"]
    sessions = [check_session(raw) for raw in body["sessions"]]
    assert sessions and len({s.id for s in sessions}) == len(sessions)


def check_job(raw: dict[str, Any]) -> JobInfo:
    job = from_api(JobInfo, raw)
    assert (job.id, job.session_id, job.name) == (raw["id"], raw["session_id"], raw.get("name") or "")
    assert job.status.value == raw["status"] and job.status != JobStatus.UNKNOWN
    assert job.status.is_final == (raw["status"] in ("completed", "error", "cancelled"))
    assert job.progress_message == raw.get("progress_message")
    assert job.model_id == raw.get("model_id")
    if raw.get("parameters"):
        assert json.loads(job.parameters or "")["shots"] > 0
    return job


@pytest.mark.parametrize("path", by_kind("job"), ids=ids(by_kind("job")))
def test_job(path: Path) -> None:
    check_job(load(path)["response"]["body"])


@pytest.mark.parametrize("path", by_kind("jobs"), ids=ids(by_kind("jobs")))
def test_job_list(path: Path) -> None:
    jobs = [check_job(raw) for raw in load(path)["response"]["body"]["jobs"]]
    assert jobs and len({j.id for j in jobs}) == len(jobs)


@pytest.mark.parametrize("path", by_kind("model"), ids=ids(by_kind("model")))
def test_model(path: Path) -> None:
    raw = load(path)["response"]["body"]
    model = from_api(ModelInfo, raw)
    assert model.id == raw["id"] and model.project_id == raw.get("project_id", "")


# --- results -------------------------------------------------------------------------------


def assert_balanced(counts: dict[str, int], outcomes: list[str], shots: int) -> None:
    """Only the expected outcomes, each within 6 standard deviations of an even split."""
    assert set(counts) <= set(outcomes), counts
    assert sum(counts.values()) == shots
    bound = 6 * math.sqrt(shots / len(outcomes) * (1 - 1 / len(outcomes)))
    for outcome in outcomes:
        assert abs(counts.get(outcome, 0) - shots / len(outcomes)) <= bound, counts


@pytest.mark.parametrize("path", by_kind("job_results"), ids=ids(by_kind("job_results")))
def test_job_results(path: Path) -> None:
    doc = load(path)
    expect = doc["_expect"]
    downloads = doc.get("downloads", {})
    job_id = doc["request"]["path"].split("/")[-2]
    items = [from_api(JobResultInfo, raw) for raw in doc["response"]["body"]["job_results"]]
    assert items
    for item in items:
        assert item.job_id == job_id
        if item.result:
            payload = item.result
        else:  # an empty result and a url: the body at the url (a presigned object-storage link)
            assert item.url, "a job result holds its payload inline or a url"
            payload = downloads[item.url]["text"]
        experiments = decode_result(ProgramResult.from_json(payload))
        assert experiments
        for experiment in experiments:
            assert_balanced(experiment.counts, expect["outcomes"], expect["shots"])


# --- error bodies --------------------------------------------------------------------------

ERROR_CLASSES: dict[tuple[str, int], type[errors.QaaSError]] = {
    ("invalid_arguments", 400): errors.InvalidArgumentError,
    ("denied_authentication", 401): errors.AuthenticationError,
    ("permissions_denied", 403): errors.PermissionDeniedError,
    ("not_found", 404): errors.NotFoundError,
    ("precondition_failed", 412): errors.PreconditionFailedError,
    ("quotas_exceeded", 403): errors.QuotaExceededError,
    ("quotas_exceeded", 429): errors.RateLimitedError,
}


@pytest.mark.parametrize("path", by_kind("error"), ids=ids(by_kind("error")))
def test_error_body(path: Path) -> None:
    doc = load(path)
    status, body = doc["response"]["status"], doc["response"]["body"]
    request_id = doc["response"]["headers"].get("x-request-id")
    error = errors.error_from_response(status, body, request_id)
    assert isinstance(error, ERROR_CLASSES.get((body.get("type"), status), errors.QaaSError))
    assert (error.status_code, error.error_type, error.request_id) == (status, body.get("type"), request_id)
    text = str(error)
    assert body.get("message", "") in text and (request_id or "") in text
    # what a user needs to fix the call: each argument's help, the help message, the resource ids
    for detail in body.get("details") or []:
        if "argument_name" in detail:
            assert f"{detail['argument_name']}: {detail['help_message']}" in text, text
    if body.get("help_message"):
        assert body["help_message"] in text, text
    if body.get("resource_id"):
        assert body["resource_id"] in text and body["resource"] in text, text
