"""A budget on a platform billed by the hour (the AQT twins): the worst case is the session's whole
``max_duration`` x the hourly price, refused before any session opens (real HTTP, local emulator)."""

from __future__ import annotations

import pytest

from scaleway_qaas.core import QaaSClient
from scaleway_qaas.core.session import SessionSpec
from scaleway_qaas.core.submit import run
from scaleway_qaas.core.wire import Program, ProgramFormat
from scaleway_qaas.errors import BudgetExceededError

HOURLY = "EMU-IBEX-12PQ-L4"  # 0.75 EUR per hour, no per-circuit or per-shot price
BELL = Program.from_text(
    'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;',
    ProgramFormat.QASM_V2,
)


@pytest.fixture
def client(scw_env: dict[str, str]):
    with QaaSClient() as client:
        yield client


def _sessions(client: QaaSClient, platform_id: str) -> int:
    return len(client.list_sessions(platform_id=platform_id))


def test_the_platform_prices_a_session_by_its_duration(client: QaaSClient) -> None:
    twin = client.describe_platform(HOURLY)
    assert twin.billed_by_the_hour
    assert twin.estimate_session(3540).amount == pytest.approx(0.7375)
    assert "a session of up to 59 min" in str(twin.estimate_session(3540))
    garnet = client.describe_platform("QPU-GARNET-20PQ")  # per circuit and shot (hourly only when booked)
    assert not garnet.billed_by_the_hour and garnet.check_session_budget(0.01, 3600) is None
    assert twin.check_session_budget(None, 10**6) is None


@pytest.mark.parametrize(
    ("spec", "max_cost", "fits"),
    [
        (None, 0.73, "58m"),  # the implicit session: 59 min = 0.7375 EUR
        (SessionSpec(max_duration="2h"), 1.0, "80m"),  # its own max_duration: 1.50 EUR
        (SessionSpec(deduplication_id="hourly-budget"), 0.3, "24m"),  # the service's default, 1800 s: 0.375 EUR
    ],
)
def test_refused_above_the_budget_before_any_session(
    client: QaaSClient, spec: SessionSpec | None, max_cost: float, fits: str
) -> None:
    twin = client.describe_platform(HOURLY)
    before = _sessions(client, twin.id)
    with pytest.raises(BudgetExceededError, match=f"billed by the hour.*max_duration='{fits}'.*nothing was sent"):
        run(client, twin, [BELL], shots=100, session=spec, max_cost=max_cost)
    assert _sessions(client, twin.id) == before


def test_runs_within_the_budget_and_the_environment_budget_applies(
    client: QaaSClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    twin = client.describe_platform(HOURLY)
    spec = SessionSpec(max_duration="20m", name="hourly-budget-ok")  # 0.25 EUR
    counts = run(client, twin, [BELL], shots=200, session=spec, max_cost=0.25).result()[0].counts
    assert sum(counts.values()) == 200
    monkeypatch.setenv("SCW_QAAS_MAX_COST", "0.2")
    with pytest.raises(BudgetExceededError, match=r"0\.2500 EUR, above max_cost=0\.2 EUR"):
        run(client, twin, [BELL], shots=200, session=spec)
    for session in client.list_sessions(platform_id=twin.id):
        if session.name == "hourly-budget-ok" and session.is_open:
            client.terminate_session(session.id)
