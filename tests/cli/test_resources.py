"""``platforms``, ``sessions ...`` and ``jobs ...`` against the emulator."""

from __future__ import annotations

import pytest

from scaleway_qaas.core import Program, ProgramFormat, QaaSClient, Session
from scaleway_qaas.core.submit import run

from .conftest import GHZ2, Cli

AER = "EMU-AER-16C-128M"
MISSING_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def client(project: dict[str, str]) -> QaaSClient:
    with QaaSClient() as c:
        yield c


def test_platforms_table(cli: Cli, scw_env: dict[str, str]) -> None:
    result = cli("platforms")
    assert result.code == 0
    for text in (
        "EMU-AER-16C-128M",
        "QPU-GARNET-20PQ",
        "family",
        "per circuit",
        "per shot",
        "per hour",
        "iqm",
        "aer",
        "cudaq",
        "unpublished",
    ):
        assert text in result.out
    garnet = QaaSClient().describe_platform("QPU-GARNET-20PQ").prices
    row = next(line for line in result.out.splitlines() if "QPU-GARNET-20PQ" in line)
    cells = [cell.strip() for cell in row.split("│")[-4:-1]]
    assert cells == [
        "unpublished" if price is None else f"{price:g}"
        for price in (garnet.per_circuit, garnet.per_shot, garnet.per_hour)
    ]
    assert garnet.per_circuit and garnet.per_shot  # a priced QPU


def test_platforms_never_show_an_unpublished_price_as_zero(cli: Cli, scw_env: dict[str, str]) -> None:
    every = cli("platforms", "--json").json()
    for platform in every:
        for key in ("per_circuit", "per_shot", "per_hour"):
            assert platform["prices"][key] is None or platform["prices"][key] > 0, platform
    aer = next(p for p in every if p["name"] == AER)
    assert aer["prices"]["per_shot"] is None and aer["prices"]["per_circuit"] is None
    table = cli("platforms").out
    row = next(line for line in table.splitlines() if AER in line)
    assert row.count("unpublished") >= 2 and " 0 " not in row


def test_platforms_json_and_filters(cli: Cli, scw_env: dict[str, str]) -> None:
    every = cli("platforms", "--json").json()
    names = {p["name"] for p in every}
    assert {"EMU-AER-16C-128M", "EMU-QSIM-16C-128M", "EMU-CUDAQ-H100", "QPU-GARNET-20PQ", "QPU-IBEX-12PQ"} <= names
    aer = next(p for p in every if p["name"] == AER)
    assert aer["backend"] == "aer" and aer["family"] == "aer" and aer["type"] == "simulator" and aer["max_qubits"] > 0
    assert set(aer) >= {"provider", "max_shots", "availability", "prices", "program_formats"}
    garnet = next(p for p in every if p["name"] == "QPU-GARNET-20PQ")
    assert garnet["family"] == "iqm" and "cz" in garnet["native_gates"]
    qpus = cli("platforms", "--type", "qpu", "--json").json()
    assert qpus and all(p["type"] == "qpu" for p in qpus)
    big = cli("platforms", "--min-qubits", "25", "--json").json()
    assert big and all(p["max_qubits"] >= 25 for p in big)
    assert "QPU-IBEX-12PQ" not in {p["name"] for p in big}


def test_sessions_list_filters_and_json(cli: Cli, client: QaaSClient) -> None:
    running = Session.open(client, AER)
    stopped = Session.open(client, "EMU-QSIM-16C-128M")
    stopped.terminate()
    try:
        every = cli("sessions", "list", "--json").json()
        assert {s["id"] for s in every} == {running.id, stopped.id}
        on_aer = cli("sessions", "list", "--platform", AER, "--json").json()
        assert [s["id"] for s in on_aer] == [running.id]
        assert on_aer[0]["platform"] == AER
        stopped_only = cli("sessions", "list", "--status", "stopped", "--json").json()
        assert [s["id"] for s in stopped_only] == [stopped.id]
        table = cli("sessions", "list")
        assert table.code == 0 and running.id in table.out and "EMU-QSIM-16C-128M" in table.out
    finally:
        running.terminate()


def test_sessions_list_unknown_platform_suggests_names(cli: Cli, project: dict[str, str]) -> None:
    result = cli("sessions", "list", "--platform", "EMU-AER-16C")
    assert result.code == 1
    assert "EMU-AER-16C-128M" in result.err


def test_sessions_terminate_by_id(cli: Cli, client: QaaSClient) -> None:
    session = Session.open(client, AER)
    result = cli("sessions", "terminate", session.id, "--json")
    assert result.code == 0
    assert result.json()[0]["id"] == session.id
    assert not client.get_session(session.id).is_open


def test_sessions_terminate_all_refuses_without_tty_or_yes(cli: Cli, client: QaaSClient) -> None:
    session = Session.open(client, AER)
    try:
        result = cli("sessions", "terminate", "--all")
        assert result.code == 1
        assert "--yes" in result.err
        assert client.get_session(session.id).is_open
    finally:
        session.terminate()


def test_sessions_terminate_all_asks_on_a_tty(cli: Cli, client: QaaSClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.prompt import Confirm

    from scaleway_qaas.cli.context import Context

    session = Session.open(client, AER)
    monkeypatch.setattr(Context, "stdin_is_tty", property(lambda self: True))
    answers: list[str] = []
    monkeypatch.setattr(Confirm, "ask", classmethod(lambda cls, q, **kw: answers.append(q) or False))
    result = cli("sessions", "terminate", "--all")
    assert result.code == 1 and answers and "1 open session" in answers[0]
    assert client.get_session(session.id).is_open
    monkeypatch.setattr(Confirm, "ask", classmethod(lambda cls, q, **kw: True))
    assert cli("sessions", "terminate", "--all").code == 0
    assert not client.get_session(session.id).is_open


def test_sessions_terminate_all_with_yes_and_platform(cli: Cli, client: QaaSClient) -> None:
    aer = Session.open(client, AER)
    qsim = Session.open(client, "EMU-QSIM-16C-128M")
    try:
        result = cli("sessions", "terminate", "--all", "--platform", AER, "--yes", "--json")
        assert result.code == 0
        assert [s["id"] for s in result.json()] == [aer.id]
        assert not client.get_session(aer.id).is_open
        assert client.get_session(qsim.id).is_open
        again = cli("sessions", "terminate", "--all", "--yes")
        assert again.code == 0 and qsim.id in again.out
        assert cli("sessions", "terminate", "--all", "--yes").err.strip() == "no open session"
    finally:
        qsim.terminate()


def test_sessions_terminate_needs_ids_or_all(cli: Cli, project: dict[str, str]) -> None:
    assert cli("sessions", "terminate").code == 1
    assert cli("sessions", "terminate", MISSING_ID, "--all").code == 1


def test_sessions_delete(cli: Cli, client: QaaSClient) -> None:
    session = Session.open(client, AER)
    session.terminate()
    result = cli("sessions", "delete", session.id)
    assert result.code == 0 and session.id in result.out
    missing = cli("sessions", "delete", session.id)
    assert missing.code == 1 and missing.err.startswith("error: ") and "not found" in missing.err


@pytest.fixture
def finished_job(client: QaaSClient) -> tuple[str, str]:
    with Session.open(client, AER) as session:
        job = run(
            client, session.platform, [Program.from_text(GHZ2, ProgramFormat.QASM_V2)] * 2, shots=200, session=session
        )
        job.result(timeout=60)
        return session.id, job.job_id


def test_jobs_list(cli: Cli, finished_job: tuple[str, str]) -> None:
    session_id, job_id = finished_job
    data = cli("jobs", "list", "--session", session_id, "--json").json()
    assert [j["id"] for j in data] == [job_id]
    assert data[0]["status"] == "completed" and data[0]["shots"] == 200
    table = cli("jobs", "list", "--session", session_id)
    assert table.code == 0 and job_id in table.out and "completed" in table.out
    assert cli("jobs", "list", "--session", MISSING_ID).code == 1


def test_jobs_show(cli: Cli, finished_job: tuple[str, str]) -> None:
    _, job_id = finished_job
    data = cli("jobs", "show", job_id, "--json").json()
    assert data["status"] == "completed" and data["duration_seconds"] is not None
    assert [r["shots"] for r in data["results"]] == [200, 200]
    assert set(data["results"][0]["most_frequent"]) <= {"000", "111"}
    table = cli("jobs", "show", job_id)
    assert table.code == 0
    for text in ("status", "progress message", "duration", "program 1", "200 shots"):
        assert text in table.out


def test_jobs_results(cli: Cli, finished_job: tuple[str, str]) -> None:
    _, job_id = finished_job
    data = cli("jobs", "results", job_id, "--json").json()
    assert len(data["results"]) == 2
    for item in data["results"]:
        assert sum(item["counts"].values()) == 200
        assert set(item["counts"]) <= {"000", "111"}
    table = cli("jobs", "results", job_id)
    assert table.code == 0 and "program 1" in table.out and "█" in table.out


def test_jobs_unknown_id_exit_1(cli: Cli, project: dict[str, str]) -> None:
    for argv in (["jobs", "show", MISSING_ID], ["jobs", "results", MISSING_ID], ["jobs", "cancel", MISSING_ID]):
        result = cli(*argv)
        assert result.code == 1, argv
        assert result.err.startswith("error: ") and "not found" in result.err


def test_jobs_cancel(cli: Cli, client: QaaSClient) -> None:
    with Session.open(client, AER) as session:
        job = run(
            client, session.platform, [Program.from_text(GHZ2, ProgramFormat.QASM_V2)], shots=200, session=session
        )
        result = cli("jobs", "cancel", job.ids[0], "--json")
        assert result.code == 0
        assert result.json()["id"] == job.ids[0]
        assert result.json()["status"] in ("cancelling", "cancelled", "completed")
        table = cli("jobs", "cancel", job.ids[0])
        assert table.code == 0 and job.ids[0] in table.out


def test_jobs_results_of_unfinished_job_is_a_user_error(
    cli: Cli, finished_job: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import attrs

    from scaleway_qaas.core.records import JobStatus

    real = QaaSClient.get_job
    monkeypatch.setattr(QaaSClient, "get_job", lambda self, i: attrs.evolve(real(self, i), status=JobStatus.RUNNING))
    result = cli("jobs", "results", finished_job[1])
    assert result.code == 1
    assert "running" in result.err and "no results yet" in result.err
    shown = cli("jobs", "show", finished_job[1], "--json").json()
    assert shown["status"] == "running" and shown["results"] is None
