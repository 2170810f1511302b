"""Platform catalogue: listing, filters, paging, and conformance of every object to the spec."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import Api, P

SPEC = Path(__file__).resolve().parents[1] / "data" / "scaleway.qaas.v1alpha1.Api.yml"
_TYPES = {"string": str, "integer": int, "boolean": bool, "array": list, "object": dict}


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    return yaml.safe_load(SPEC.read_text())["components"]["schemas"]


def conforms(obj: dict[str, Any], schema: dict[str, Any], where: str = "") -> None:
    """Every property of ``schema`` is present with the spec's type (null only where nullable)."""
    for name, prop in schema["properties"].items():
        assert name in obj, f"{where}{name} missing"
        value = obj[name]
        if value is None:
            assert prop.get("nullable"), f"{where}{name} is null but not nullable"
            continue
        kind = _TYPES[prop["type"]]
        assert isinstance(value, kind) and not (kind is int and isinstance(value, bool)), f"{where}{name}={value!r}"
        if "enum" in prop:
            assert value in prop["enum"], f"{where}{name}={value!r} not in enum"
        if prop["type"] == "object" and "properties" in prop:
            conforms(value, prop, f"{where}{name}.")


def test_list_all_platforms_conform_to_spec(api: Api, schemas: dict[str, Any]) -> None:
    body = api.ok(api.http.get(f"{P}/platforms"))
    names = {p["name"] for p in body["platforms"]}
    assert {"EMU-AER-16C-128M", "EMU-QSIM-16C-128M", "EMU-CUDAQ-H100", "QPU-GARNET-20PQ", "QPU-IBEX-12PQ"} <= names
    assert body["total_count"] == len(body["platforms"])
    for platform in body["platforms"]:
        conforms(platform, schemas["scaleway.qaas.v1alpha1.Platform"], f"{platform['name']}.")
        assert platform["availability"] == "available"
        json.loads(platform["metadata"])


def test_filters(api: Api) -> None:
    def names(**params: str) -> list[str]:
        return [p["name"] for p in api.ok(api.http.get(f"{P}/platforms", params=params))["platforms"]]

    assert names(name="EMU-QSIM-16C-128M") == ["EMU-QSIM-16C-128M"]
    assert names(backend_name="cudaq") == ["EMU-CUDAQ-H100"]
    assert names(provider_name="iqm") == ["QPU-GARNET-20PQ"]
    assert names(platform_type="qpu") == ["QPU-GARNET-20PQ", "QPU-IBEX-12PQ"]
    assert names(platform_technology="trapped_ion") == ["QPU-IBEX-12PQ"]
    assert names(platform_type="unknown_type", name="QPU-IBEX-12PQ") == ["QPU-IBEX-12PQ"]
    assert names(name="NOPE") == []
    assert names(order_by="name_desc")[0] == "QPU-IBEX-12PQ"


def test_paging(api: Api) -> None:
    total = api.ok(api.http.get(f"{P}/platforms"))["total_count"]
    seen = []
    page = 1
    while True:
        body = api.ok(api.http.get(f"{P}/platforms", params={"page": page, "page_size": 2}))
        assert body["total_count"] == total
        if not body["platforms"]:
            break
        seen += [p["name"] for p in body["platforms"]]
        page += 1
    assert len(seen) == total == len(set(seen))
    bad = api.http.get(f"{P}/platforms", params={"page": 0})
    assert bad.status_code == 400 and bad.json()["type"] == "invalid_arguments"
    assert api.http.get(f"{P}/platforms", params={"order_by": "sideways"}).status_code == 400


def test_get_platform_and_metadata(api: Api) -> None:
    garnet = api.platform("QPU-GARNET-20PQ")
    assert api.ok(api.http.get(f"{P}/platforms/{garnet['id']}")) == garnet
    meta = json.loads(garnet["metadata"])
    assert {"r", "cz", "measure"} <= set(meta["native_gates"])
    assert len(meta["coupling_map"]) == 30 and [0, 1] in meta["coupling_map"]
    assert {i["name"] for i in meta["qiskit"]["target"]["instructions"]} >= {"r", "cz"}
    assert garnet["is_bookable"] is True and garnet["provider_name"] == "iqm"
    assert json.loads(api.platform("EMU-AER-16C-128M")["metadata"])["native_gates"] is None
    missing = api.http.get(f"{P}/platforms/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and missing.json()["resource"] == "platform"
    assert api.http.get(f"{P}/platforms/not-a-uuid").status_code == 400


def test_other_objects_conform_to_spec(api: Api, schemas: dict[str, Any]) -> None:
    session = api.session("QPU-IBEX-12PQ", booking_demand={"description": "demo"})
    conforms(session, schemas["scaleway.qaas.v1alpha1.Session"])
    model_id = api.model('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\ncreg c[1];\nmeasure q -> c;\n')
    conforms(api.ok(api.http.get(f"{P}/models/{model_id}")), schemas["scaleway.qaas.v1alpha1.Model"])
    job = api.ok(api.submit(session["id"], model_id, shots=10))
    conforms(job, schemas["scaleway.qaas.v1alpha1.Job"])
    conforms(api.wait(job["id"]), schemas["scaleway.qaas.v1alpha1.Job"])
    result = api.ok(api.http.get(f"{P}/jobs/{job['id']}/results"))["job_results"][0]
    conforms(result, schemas["scaleway.qaas.v1alpha1.JobResult"])
    booking = api.ok(api.http.get(f"{P}/bookings/{session['booking_id']}"))
    conforms(booking, schemas["scaleway.qaas.v1alpha1.Booking"])
    assert booking["status"] == "validated" and booking["description"] == "demo"
    listed = api.ok(api.http.get(f"{P}/bookings", params={"project_id": api.project}))
    assert [b["id"] for b in listed["bookings"]] == [booking["id"]]
