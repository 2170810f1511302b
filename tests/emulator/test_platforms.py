"""Platform catalogue: listing, filters, paging, and conformance of every object to the spec."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from scaleway_qaas.emulator.platforms import BY_NAME

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


AER = ["EMU-AER-16C-128M", "EMU-AER-2L4", "EMU-AER-2L40S", "EMU-AER-4L40S", "EMU-AER-H100"]
QSIM = ["EMU-QSIM-16C-128M", "EMU-QSIM-64C-512M", "EMU-QSIM-L40S", "EMU-QSIM-H100"]
CUDAQ = ["EMU-CUDAQ-H100", "EMU-CUDAQ-L40S", "EMU-CUDAQ-4H100SXM", "EMU-CUDAQ-8H100SXM", "EMU-CUDAQ-8B300SXM",
         "EMU-CUDAQ-64C-512M"]  # fmt: skip
AQT_TWINS = ["EMU-IBEX-12PQ-L4", "EMU-IBEX-12PQ-16C-128M", "EMU-IBEX-12PQ-2L4"]
IQM = ["QPU-GARNET-20PQ", "QPU-SIRIUS-24PQ", "QPU-EMERALD-54PQ"]
OTHERS = ["EMU-QUANTANIUM-16C-128M", "EMU-PIONEER-16C-128M", "EMU-PIONEER-H100"]
ALL = [*AER, *QSIM, *CUDAQ, "QPU-IBEX-12PQ", *AQT_TWINS, *IQM, *OTHERS]


def all_platforms(api: Api) -> list[dict[str, Any]]:
    body = api.ok(api.http.get(f"{P}/platforms", params={"page_size": 100}))
    assert body["total_count"] == len(body["platforms"])
    return list(body["platforms"])


def test_the_whole_gate_based_catalogue_is_served_and_conforms_to_spec(api: Api, schemas: dict[str, Any]) -> None:
    platforms = all_platforms(api)
    assert sorted(p["name"] for p in platforms) == sorted(ALL)
    for platform in platforms:
        conforms(platform, schemas["scaleway.qaas.v1alpha1.Platform"], f"{platform['name']}.")
        assert platform["availability"] == "available"
    first = api.ok(api.http.get(f"{P}/platforms"))  # the default page holds 20
    assert first["total_count"] == len(ALL) and len(first["platforms"]) == 20


def test_names_types_and_technologies() -> None:
    expected = {
        **{n: ("scaleway", "aer", "simulator", "general_purpose") for n in AER},
        **{n: ("scaleway", "qsim", "simulator", "general_purpose") for n in QSIM},
        **{n: ("scaleway", "cudaq", "simulator", "general_purpose") for n in CUDAQ},
        "QPU-IBEX-12PQ": ("aqt", "ibex", "qpu", "trapped_ion"),
        **{n: ("aqt", "aer", "simulator", "trapped_ion") for n in AQT_TWINS},
        "QPU-GARNET-20PQ": ("iqm", "garnet", "qpu", "superconducting"),
        "QPU-SIRIUS-24PQ": ("iqm", "sirius", "qpu", "superconducting"),
        "QPU-EMERALD-54PQ": ("iqm", "emerald", "qpu", "superconducting"),
        "EMU-QUANTANIUM-16C-128M": ("qperfect", "quantanium", "simulator", "general_purpose"),
        "EMU-PIONEER-16C-128M": ("quobly", "pioneer", "simulator", "general_purpose"),
        "EMU-PIONEER-H100": ("quobly", "pioneer", "simulator", "general_purpose"),
    }
    for name, (provider, backend, kind, technology) in expected.items():
        record = BY_NAME[name].record
        assert (record["provider_name"], record["backend_name"], record["type"], record["technology"]) == (
            provider, backend, kind, technology,
        ), name  # fmt: skip


def test_limits() -> None:
    def limits(name: str) -> tuple[int, int, int]:
        r = BY_NAME[name].record
        return r["max_qubit_count"], r["max_shot_count"], r["max_circuit_count"]

    assert limits("QPU-IBEX-12PQ") == (12, 2000, 50)
    assert all(limits(n) == (12, 2000, 50) for n in AQT_TWINS)
    assert limits("QPU-GARNET-20PQ") == (20, 100_000, 200)
    assert limits("QPU-SIRIUS-24PQ") == (16, 100_000, 200)
    assert limits("QPU-EMERALD-54PQ") == (54, 100_000, 200)
    assert all(limits(n)[2] == 1000 for n in AER)
    assert all(limits(n)[2] == 1 for n in [*QSIM, *CUDAQ, *OTHERS])


def eur(money: dict[str, Any]) -> Decimal:
    assert money["currency_code"] == "EUR"
    return Decimal(money["units"]) + Decimal(money["nanos"]) / 10**9


PUBLISHED = {  # per circuit, per shot, per hour (EUR), from Scaleway's public price list
    "QPU-GARNET-20PQ": ("0.22", "0.0012", "2000"),
    "QPU-SIRIUS-24PQ": ("0.20", "0.00075", "1200"),
    "QPU-EMERALD-54PQ": ("0.25", "0.0014", "3000"),
    "QPU-IBEX-12PQ": ("0.30", "0.021", None),
    "EMU-IBEX-12PQ-L4": (None, None, "0.75"),
    "EMU-IBEX-12PQ-16C-128M": (None, None, "0.82"),
}


@pytest.mark.parametrize("name", ALL)
def test_prices_are_the_published_ones_and_only_those(name: str) -> None:
    record = BY_NAME[name].record
    got = tuple(eur(record[f"price_per_{unit}"]) for unit in ("circuit", "shot", "hour"))
    published = PUBLISHED.get(name, (None, None, None))
    assert got == tuple(Decimal(x or 0) for x in published)  # unpublished: 0, never an invented figure
    if None in published:
        assert "published (0 here)" in record["description"] or "(prices read 0 here" in record["description"]
    if any(gpu in name for gpu in ("L4", "L40S", "H100", "B300")):
        assert "CPU" in record["description"] and "no GPU" in record["description"]
        assert record["hardware"]["gpus"] >= 1


def test_metadata_takes_the_real_shapes_only(api: Api) -> None:
    by_name = {p["name"]: p for p in all_platforms(api)}
    for name in [*AER, *QSIM, *CUDAQ, *OTHERS]:
        assert by_name[name]["metadata"] == "", name

    def instructions(name: str) -> list[dict[str, Any]]:
        meta = json.loads(by_name[name]["metadata"])
        assert list(meta) == ["qiskit"] and list(meta["qiskit"]) == ["target"]
        assert list(meta["qiskit"]["target"]) == ["instructions"]
        return list(meta["qiskit"]["target"]["instructions"])

    iqm = [{"name": "r", "params": ["theta", "phi"]}, {"name": "cz"}, {"name": "id"}, {"name": "measure"}]
    assert instructions("QPU-GARNET-20PQ") == instructions("QPU-EMERALD-54PQ") == iqm
    assert instructions("QPU-SIRIUS-24PQ") == [*iqm, {"name": "move"}]
    aqt = [{"name": "r", "params": ["theta", "phi"]}, {"name": "rz", "params": ["phi"]},
           {"name": "rxx", "params": ["theta"]}, {"name": "measure"}]  # fmt: skip
    for name in ["QPU-IBEX-12PQ", *AQT_TWINS]:
        assert instructions(name) == aqt


def test_the_official_qiskit_plugin_builds_its_targets_from_our_metadata(api: Api) -> None:
    """qiskit-scaleway reads ``metadata.qiskit.target.instructions`` (and its MOVE gate for IQM)."""
    from qiskit_scaleway.backends.iqm.move_gate import MoveGate
    from qiskit_scaleway.utils import create_target_from_platform
    from scaleway_qaas_client.v1alpha1 import QaaSPlatform

    by_name = {p["name"]: p for p in all_platforms(api)}
    for name in ["QPU-SIRIUS-24PQ", "QPU-GARNET-20PQ", "QPU-IBEX-12PQ", "EMU-IBEX-12PQ-L4", "EMU-AER-H100"]:
        platform = QaaSPlatform.from_dict(by_name[name])
        target = create_target_from_platform(platform, additional_gates={"move": MoveGate()})
        assert target.num_qubits == by_name[name]["max_qubit_count"]
        metadata = by_name[name]["metadata"]
        published = json.loads(metadata)["qiskit"]["target"]["instructions"] if metadata else []
        assert set(target.operation_names) == {i["name"] for i in published}


def test_filters(api: Api) -> None:
    def names(**params: str) -> list[str]:
        body = api.ok(api.http.get(f"{P}/platforms", params={"page_size": "100", **params}))
        return sorted(p["name"] for p in body["platforms"])

    assert names(name="EMU-QSIM-16C-128M") == ["EMU-QSIM-16C-128M"]
    assert names(backend_name="cudaq") == sorted(CUDAQ)
    assert names(backend_name="aer") == sorted([*AER, *AQT_TWINS])
    assert names(provider_name="iqm") == sorted(IQM)
    assert names(provider_name="aqt") == sorted(["QPU-IBEX-12PQ", *AQT_TWINS])
    assert names(platform_type="qpu") == sorted(["QPU-IBEX-12PQ", *IQM])
    assert names(platform_technology="trapped_ion") == sorted(["QPU-IBEX-12PQ", *AQT_TWINS])
    assert names(platform_type="unknown_type", name="QPU-IBEX-12PQ") == ["QPU-IBEX-12PQ"]
    assert names(name="NOPE") == []
    body = api.ok(api.http.get(f"{P}/platforms", params={"order_by": "name_desc", "page_size": "100"}))
    assert body["platforms"][0]["name"] == "QPU-SIRIUS-24PQ"


def test_paging(api: Api) -> None:
    total = api.ok(api.http.get(f"{P}/platforms"))["total_count"]
    seen = []
    page = 1
    while True:
        body = api.ok(api.http.get(f"{P}/platforms", params={"page": page, "page_size": 7}))
        assert body["total_count"] == total
        if not body["platforms"]:
            break
        seen += [p["name"] for p in body["platforms"]]
        page += 1
    assert len(seen) == total == len(set(seen)) == len(ALL)
    bad = api.http.get(f"{P}/platforms", params={"page": 0})
    assert bad.status_code == 400 and bad.json()["type"] == "invalid_arguments"
    assert api.http.get(f"{P}/platforms", params={"order_by": "sideways"}).status_code == 400


def test_get_platform(api: Api) -> None:
    garnet = api.platform("QPU-GARNET-20PQ")
    assert api.ok(api.http.get(f"{P}/platforms/{garnet['id']}")) == garnet
    assert garnet["is_bookable"] is True and garnet["provider_name"] == "iqm"
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
