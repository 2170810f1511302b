"""The platform description: family table, native instructions from the real metadata shapes, cost and budget."""

from __future__ import annotations

import json

import pytest

from scaleway_qaas.core.families import Family
from scaleway_qaas.core.platform import describe
from scaleway_qaas.core.records import Money, PlatformInfo, PlatformType
from scaleway_qaas.core.wire import ProgramFormat, ResultFormat
from scaleway_qaas.errors import BudgetExceededError, InvalidArgumentError

IQM_METADATA = json.dumps(
    {
        "qiskit": {
            "target": {
                "instructions": [
                    {"name": "r", "params": ["theta", "phi"]},
                    {"name": "cz"},
                    {"name": "measure"},
                    {"name": "move"},
                ]
            }
        }
    }
)


def eur(amount: float) -> Money:
    units = int(amount)
    return Money("EUR", units, round((amount - units) * 1e9))


def platform(name: str, provider: str = "", backend: str = "", **fields) -> PlatformInfo:
    return PlatformInfo(id=f"id-{name}", name=name, provider_name=provider, backend_name=backend, **fields)


@pytest.mark.parametrize(
    ("provider", "backend", "family", "first_format", "result"),
    [
        ("aer", "aer", Family.AER, ProgramFormat.QASM_V2, ResultFormat.QISKIT_RESULT_JSON_V1),
        ("", "qsim", Family.QSIM, ProgramFormat.CIRQ_CIRCUIT_JSON_V1, ResultFormat.CIRQ_RESULT_JSON_V1),
        ("nvidia", "cudaq", Family.CUDAQ, ProgramFormat.QASM_V2, ResultFormat.CUDAQ_SAMPLE_RESULT_JSON_V1),
        ("aqt", "aer", Family.AQT, ProgramFormat.QASM_V3, ResultFormat.QISKIT_RESULT_JSON_V1),  # AQT's twins
        ("IQM", "garnet", Family.IQM, ProgramFormat.QASM_V3, ResultFormat.QISKIT_RESULT_JSON_V1),
        ("qperfect", "quantanium", Family.QPERFECT, ProgramFormat.QASM_V2, ResultFormat.MIMIQ_QCSR_JSON_V1),
        ("quobly", "pioneer", Family.QUOBLY, ProgramFormat.QASM_V3, ResultFormat.QISKIT_RESULT_JSON_V1),
    ],
)
def test_family_by_provider_first_then_backend(provider, backend, family, first_format, result):
    desc = describe(platform("P", provider, backend))
    assert desc.family == family
    assert desc.program_formats[0] == first_format and desc.result_format == result


@pytest.mark.parametrize("metadata", ["", "   ", "not json", "[]", '{"qiskit": {}}', '{"qiskit": {"target": 3}}'])
def test_simulators_and_odd_metadata_publish_no_native_set(metadata):
    assert describe(platform("EMU", backend="aer", metadata=metadata)).native_gates is None


def test_native_instructions_come_from_the_qiskit_target_metadata():
    desc = describe(platform("QPU-SIRIUS-24PQ", "iqm", "sirius", metadata=IQM_METADATA, type=PlatformType.QPU))
    assert desc.native_gates == ("r", "cz", "measure", "move")
    assert desc.native_instructions[0].params == ("theta", "phi")
    assert desc.coupling_map is None and not desc.is_simulator


def test_cost_estimate_from_published_prices():
    garnet = describe(platform("QPU-GARNET-20PQ", "iqm", price_per_circuit=eur(0.22), price_per_shot=eur(0.0012)))
    estimate = garnet.estimate(circuits=3, shots=1000)
    assert estimate.amount == pytest.approx(3 * 0.22 + 3000 * 0.0012)
    assert "EUR" in str(estimate)
    twin = describe(platform("EMU-IBEX-12PQ-L4", "aqt", "aer", price_per_hour=eur(0.75)))
    assert twin.estimate(circuits=1, shots=100).amount is None
    assert "0.75 EUR per session hour" in str(twin.estimate(circuits=1, shots=100))
    assert twin.estimate(circuits=0, shots=0, hours=2).amount == pytest.approx(1.5)
    unpublished = describe(platform("EMU-AER-16C-128M", backend="aer"))
    assert unpublished.estimate(circuits=1, shots=10).amount is None  # unknown, never 0
    assert "publishes no price" in str(unpublished.estimate(circuits=1, shots=10))


def test_budget_boundary():
    ibex = describe(platform("QPU-IBEX-12PQ", "aqt", price_per_circuit=eur(0.30), price_per_shot=eur(0.021)))
    cost = 0.30 + 100 * 0.021  # 2.40 EUR
    assert ibex.check_budget(cost, {100: 1}).amount == pytest.approx(cost)  # exactly the budget: allowed
    with pytest.raises(BudgetExceededError, match=r"2\.4000 EUR .* exceeds max_cost=2\.39"):
        ibex.check_budget(cost - 0.01, {100: 1})
    assert ibex.check_budget(None, {100: 1}) is None
    unknown = describe(platform("EMU-AER-16C-128M", backend="aer"))
    assert unknown.check_budget(0.0, {100: 1}).amount is None  # nothing to compare: not refused


def test_limits_and_known_options():
    quobly = describe(platform("EMU-PIONEER-16C-128M", "quobly", max_qubit_count=16, max_shot_count=1000))
    quobly.check_options({"seed": 1, "noise": "default"})
    with pytest.raises(InvalidArgumentError, match="bonddim"):
        quobly.check_options({"bonddim": 16})
    with pytest.raises(InvalidArgumentError, match="1001 shots exceed"):
        quobly.validate(1, 1001)
    with pytest.raises(InvalidArgumentError, match="17 qubits"):
        quobly.validate(1, 10, 17)


def test_budget_from_the_environment_and_per_session(monkeypatch):
    """``$SCW_QAAS_MAX_COST`` bounds submissions without ``max_cost=``; a session's ``max_cost`` bounds the total
    estimated over all its submissions (here through mock transports: nothing is sent when refused)."""
    import httpx

    from scaleway_qaas.core.client import QaaSClient
    from scaleway_qaas.core.config import Config
    from scaleway_qaas.core.session import Session
    from scaleway_qaas.core.submit import run
    from scaleway_qaas.core.wire import Program
    from scaleway_qaas.errors import ConfigurationError

    posts = []

    def handler(request: httpx.Request) -> httpx.Response:
        posts.append(request.url.path)
        if request.url.path.endswith("/models"):
            return httpx.Response(200, json={"id": "m-1"})
        return httpx.Response(200, json={"id": f"j-{len(posts)}", "session_id": "s-1", "status": "waiting"})

    client = QaaSClient(Config("k", "p", "http://127.0.0.1:9"), transport=httpx.MockTransport(handler))
    ibex = describe(
        platform("QPU-IBEX-12PQ", "aqt", price_per_circuit=eur(0.30), price_per_shot=eur(0.021), max_shot_count=2000)
    )
    program = Program.from_text("OPENQASM 2.0;", ProgramFormat.QASM_V2)
    session = Session(client, ibex, from_api_session("s-1"), max_cost=5.0)
    monkeypatch.setenv("SCW_QAAS_MAX_COST", "2.39")
    with pytest.raises(BudgetExceededError, match=r"max_cost=2\.39"):
        run(client, ibex, [program], shots=100, session=session)  # 2.40 EUR
    assert posts == []
    monkeypatch.setenv("SCW_QAAS_MAX_COST", "2.40")
    run(client, ibex, [program], shots=100, session=session)
    run(client, ibex, [program], shots=100, session=session)  # 4.80 EUR so far, within the session's 5
    with pytest.raises(BudgetExceededError, match=r"4\.8000 EUR already .* max_cost=5"):
        run(client, ibex, [program], shots=10, session=session)
    monkeypatch.setenv("SCW_QAAS_MAX_COST", "lots")
    with pytest.raises(ConfigurationError, match="SCW_QAAS_MAX_COST"):
        run(client, ibex, [program], shots=10, session=session)


def from_api_session(session_id: str):
    from scaleway_qaas.core.records import SessionInfo, SessionStatus

    return SessionInfo(id=session_id, platform_id="id-QPU-IBEX-12PQ", status=SessionStatus.RUNNING)
