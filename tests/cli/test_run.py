"""``run FILE.qasm``: versions, validation errors, output, sessions never left running, Ctrl-C."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scaleway_qaas.core import QaaSClient

from .conftest import ASYM3, GHZ2, Cli

QasmFile = Callable[..., Path]


def _open_sessions() -> list[str]:
    with QaaSClient() as client:
        return [s.id for s in client.list_sessions() if s.is_open]


def test_run_qasm2_json(cli: Cli, project: dict[str, str], qasm_file: QasmFile) -> None:
    result = cli("run", str(qasm_file(GHZ2)), "--platform", "EMU-AER-16C-128M", "--shots", "300", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["openqasm_version"] == 2 and data["status"] == "completed" and data["shots"] == 300
    counts = data["results"][0]["counts"]
    assert set(counts) <= {"000", "111"} and sum(counts.values()) == 300
    assert _open_sessions() == []


def test_run_qasm3_table_and_histogram(cli: Cli, project: dict[str, str], qasm_file: QasmFile) -> None:
    result = cli("run", str(qasm_file(ASYM3)), "--platform", "EMU-AER-16C-128M", "--shots", "50")
    assert result.code == 0, result.err
    assert "completed" in result.out
    assert "10" in result.out and "50" in result.out and "1.000" in result.out
    assert "█" * 40 in result.out  # the histogram bar of the only outcome
    assert "bit 0 first" in result.out


def test_qasm2_file_on_a_qasm3_first_platform_is_converted(
    cli: Cli, project: dict[str, str], qasm_file: QasmFile
) -> None:
    result = cli("run", str(qasm_file(PHASES)), "--platform", PRICED, "--shots", "20")
    assert result.code == 0, result.err
    assert "OpenQASM 2, sent as QASM_V3 (converted with Qiskit)" in result.err


def test_run_qasm3_on_a_qasm2_only_platform_is_converted(
    cli: Cli, project: dict[str, str], qasm_file: QasmFile
) -> None:
    result = cli("run", str(qasm_file(ASYM3)), "--platform", "EMU-QSIM-16C-128M", "--shots", "20", "--json")
    assert result.code == 0, result.err
    assert result.json()["results"][0]["counts"] == {"10": 20}
    table = cli("run", str(qasm_file(ASYM3)), "--platform", "EMU-QSIM-16C-128M", "--shots", "20")
    assert table.code == 0 and "converted" in table.err


def test_run_on_qsim(cli: Cli, project: dict[str, str], qasm_file: QasmFile) -> None:
    result = cli("run", str(qasm_file(GHZ2)), "--platform", "EMU-QSIM-16C-128M", "--shots", "100", "--json")
    assert result.code == 0, result.err
    assert set(result.json()["results"][0]["counts"]) <= {"000", "111"}


def test_run_wait_reports_status_and_terminates_the_session(
    cli: Cli, project: dict[str, str], qasm_file: QasmFile
) -> None:
    result = cli("run", str(qasm_file(GHZ2)), "--platform", "EMU-AER-16C-128M", "--shots", "100", "--wait")
    assert result.code == 0, result.err
    assert "submitted to EMU-AER-16C-128M" in result.err
    assert "terminated session" in result.err
    assert _open_sessions() == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[0]\ncx q[0],q[1];\n',
            "invalid OpenQASM 2 in {name} at line 5, column 1",
        ),
        (
            'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nfoo q[0];\n',
            "invalid OpenQASM 2 in {name} at line 4, column 1",
        ),
        (
            'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nh q[0]\ncx q[0], q[1];\n',
            "invalid OpenQASM 3 in {name} at line 5, column 1: missing ';'",
        ),
        (
            'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\n  foo q[0];\n',
            "invalid OpenQASM 3 in {name} at line 4, column 3",
        ),
        ("qreg q[2];\n", "not an OpenQASM program"),
        ("OPENQASM 4.0;\n", "OpenQASM 4 is not supported"),
    ],
)
def test_malformed_files_exit_1_with_line_and_column(
    cli: Cli, project: dict[str, str], qasm_file: QasmFile, text: str, expected: str
) -> None:
    path = qasm_file(text, "bad.qasm")
    result = cli("run", str(path), "--platform", "EMU-AER-16C-128M")
    assert result.code == 1
    assert result.err.startswith("error: ")
    assert expected.format(name=path) in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert _open_sessions() == []


def test_header_after_comments_is_detected(cli: Cli, project: dict[str, str], qasm_file: QasmFile) -> None:
    v2 = qasm_file("// a comment\n\n" + GHZ2, "v2.qasm")
    assert cli("run", str(v2), "--platform", "EMU-AER-16C-128M", "--shots", "10").code == 0
    v3 = qasm_file("/* block\n comment */ // line\n" + ASYM3, "v3.qasm")
    result = cli("run", str(v3), "--platform", "EMU-AER-16C-128M", "--shots", "10", "--json")
    assert result.code == 0 and result.json()["openqasm_version"] == 3


def test_unknown_platform_lists_close_names(cli: Cli, project: dict[str, str], qasm_file: QasmFile) -> None:
    result = cli("run", str(qasm_file(GHZ2)), "--platform", "EMU-AER-16C-128")
    assert result.code == 1
    assert "no platform named 'EMU-AER-16C-128'" in result.err and "EMU-AER-16C-128M" in result.err


def test_platform_limits_are_user_errors(cli: Cli, project: dict[str, str], qasm_file: QasmFile) -> None:
    too_many_shots = cli("run", str(qasm_file(GHZ2)), "--platform", "QPU-IBEX-12PQ", "--shots", "1000000")
    assert too_many_shots.code == 1 and "shots" in too_many_shots.err
    wide = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[14];\ncreg c[14];\nmeasure q -> c;\n'
    too_wide = cli("run", str(qasm_file(wide)), "--platform", "QPU-IBEX-12PQ")
    assert too_wide.code == 1 and "14 qubits" in too_wide.err
    assert cli("run", str(qasm_file(GHZ2)), "--platform", "EMU-AER-16C-128M", "--shots", "0").code == 1


RESET_AFTER_GATE = """OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] c;
x q[0];
reset q[0];
c = measure q;
"""


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_feature_the_family_cannot_run_is_refused_before_sending(
    cli: Cli, project: dict[str, str], qasm_file: QasmFile, dry_run: bool
) -> None:
    """The capability table the adapters read refuses the file too: reset on an AQT platform."""
    path = str(qasm_file(RESET_AFTER_GATE))
    result = cli("run", path, "--platform", "EMU-IBEX-12PQ-L4", "--shots", "10", *(["--dry-run"] if dry_run else []))
    assert result.code == 1
    assert f"{path} uses reset, which EMU-IBEX-12PQ-L4 (aqt family) cannot run; nothing was sent" in result.err
    with QaaSClient() as client:
        assert client.list_sessions() == [] and client.list_jobs() == []
    # where the family runs it, the same file runs (x then reset: qubit 0 reads 0)
    ok = cli("run", path, "--platform", "EMU-AER-16C-128M", "--shots", "10", "--json")
    assert ok.code == 0, ok.err
    assert ok.json()["results"][0]["counts"] == {"00": 10}


def test_missing_file(cli: Cli, project: dict[str, str], tmp_path: Path) -> None:
    result = cli("run", str(tmp_path / "nope.qasm"), "--platform", "EMU-AER-16C-128M")
    assert result.code == 1 and "no such file" in result.err


def test_ctrl_c_while_waiting_cancels_and_terminates(
    cli: Cli, project: dict[str, str], qasm_file: QasmFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaleway_qaas.core.job import Job

    def interrupt(self: Job, timeout: float | None = None) -> str:
        raise KeyboardInterrupt

    cancelled: list[str] = []
    real_cancel = Job.cancel
    monkeypatch.setattr(Job, "wait", interrupt)
    monkeypatch.setattr(Job, "cancel", lambda self: cancelled.append(self.job_id) or real_cancel(self))
    result = cli("run", str(qasm_file(GHZ2)), "--platform", "EMU-AER-16C-128M", "--shots", "10")
    assert result.code == 130
    assert cancelled and f"cancelled job {cancelled[0]}" in result.err
    assert _open_sessions() == []


def test_ctrl_c_on_a_tty_can_keep_waiting(
    cli: Cli, project: dict[str, str], qasm_file: QasmFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.prompt import Confirm

    from scaleway_qaas.cli.context import Context
    from scaleway_qaas.core.job import Job

    real_wait = Job.wait
    calls = {"n": 0}

    def wait_once_interrupted(self: Job, timeout: float | None = None) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise KeyboardInterrupt
        return real_wait(self, timeout)

    questions: list[str] = []
    monkeypatch.setattr(Job, "wait", wait_once_interrupted)
    monkeypatch.setattr(Context, "stdin_is_tty", property(lambda self: True))
    monkeypatch.setattr(Confirm, "ask", classmethod(lambda cls, q, **kw: questions.append(q) or False))
    result = cli("run", str(qasm_file(GHZ2)), "--platform", "EMU-AER-16C-128M", "--shots", "10", "--json")
    assert result.code == 0, result.err
    assert questions and questions[0].startswith("Cancel job")
    assert result.json()["status"] == "completed"
    assert _open_sessions() == []


# --- cost before billing: --dry-run and --max-cost ---------------------------------------------

#: only rz gates and measurements: runs on every QPU (native or transpiled), always "00"
PHASES = """OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[2];
rz(0.3) q[0];
rz(0.7) q[1];
measure q -> c;
"""
PRICED = "QPU-IBEX-12PQ"


def _estimate(platform: str, shots: int) -> float:
    """The core's estimate from the platform record the emulator serves (not a hard-coded figure)."""
    with QaaSClient() as client:
        amount = client.describe_platform(platform).estimate(circuits=1, shots=shots).amount
    assert amount is not None and amount > 0, f"{platform} publishes no price per circuit or shot"
    return amount


def _sessions() -> list[str]:
    with QaaSClient() as client:
        return [s.id for s in client.list_sessions()]


def test_dry_run_prints_the_estimate_and_sends_nothing(cli: Cli, project: dict[str, str], qasm_file: QasmFile) -> None:
    expected = _estimate(PRICED, 100)
    result = cli("run", str(qasm_file(PHASES)), "--platform", PRICED, "--shots", "100", "--dry-run")
    assert result.code == 0, result.err
    assert f"estimated cost: {expected:.2f} EUR" in result.out and "nothing was sent" in result.out
    data = cli("run", str(qasm_file(PHASES)), "--platform", PRICED, "--shots", "100", "--dry-run", "--json").json()
    assert data["estimate"]["amount"] == pytest.approx(expected) and data["sent"] is False
    assert data["estimate"]["currency"] == "EUR" and len(data["estimate"]["breakdown"]) == 2
    assert _sessions() == []  # no session opened, so nothing billed


def test_dry_run_without_published_price_says_unknown(cli: Cli, project: dict[str, str], qasm_file: QasmFile) -> None:
    result = cli("run", str(qasm_file(GHZ2)), "--platform", "EMU-AER-16C-128M", "--shots", "100", "--dry-run")
    assert result.code == 0, result.err
    assert "estimated cost: unknown (EMU-AER-16C-128M publishes no price per circuit or shot" in result.out
    assert "0.00 EUR" not in result.out
    data = cli("run", str(qasm_file(GHZ2)), "--platform", "EMU-AER-16C-128M", "--dry-run", "--json").json()
    assert data["estimate"]["amount"] is None and "publishes no price" in data["estimate"]["unknown"]
    assert _sessions() == []


def test_dry_run_still_validates(cli: Cli, project: dict[str, str], qasm_file: QasmFile) -> None:
    result = cli("run", str(qasm_file(PHASES)), "--platform", PRICED, "--shots", "1000000", "--dry-run")
    assert result.code == 1 and "exceed the limit" in result.err


def test_max_cost_exactly_at_the_estimate_runs(cli: Cli, project: dict[str, str], qasm_file: QasmFile) -> None:
    budget = _estimate(PRICED, 50)
    result = cli("run", str(qasm_file(PHASES)), "--platform", PRICED, "--shots", "50", "--max-cost", repr(budget),
                 "--json")  # fmt: skip
    assert result.code == 0, result.err
    counts = result.json()["results"][0]["counts"]
    assert sum(counts.values()) == 50 and counts.get("00", 0) >= 40
    assert _open_sessions() == []


def test_max_cost_one_cent_under_the_estimate_refuses_before_billing(
    cli: Cli, project: dict[str, str], qasm_file: QasmFile
) -> None:
    estimate = _estimate(PRICED, 50)
    budget = round(estimate - 0.01, 4)
    result = cli("run", str(qasm_file(PHASES)), "--platform", PRICED, "--shots", "50", "--max-cost", str(budget))
    assert result.code == 1
    assert result.err.startswith("error: estimated cost") and len(result.err.strip().splitlines()) == 1
    assert f"{estimate:.4f} EUR" in result.err and f"max_cost={budget:g} EUR" in result.err
    assert "nothing was sent" in result.err
    assert _sessions() == []  # refused before any session (billing) started
    dry = cli("run", str(qasm_file(PHASES)), "--platform", PRICED, "--shots", "50", "--max-cost", str(budget),
              "--dry-run")  # fmt: skip
    assert dry.code == 1 and "exceeds max_cost" in dry.err


@pytest.mark.parametrize("value", ["-1", "nan", "cheap"])
def test_max_cost_must_be_a_non_negative_number(
    cli: Cli, project: dict[str, str], qasm_file: QasmFile, value: str
) -> None:
    result = cli("run", str(qasm_file(PHASES)), "--platform", PRICED, "--max-cost", value)
    assert result.code == 1 and "max-cost" in result.err


def test_garnet_published_prices(cli: Cli, project: dict[str, str], qasm_file: QasmFile) -> None:
    """Garnet's published prices (0.22 EUR per circuit + 0.0012 EUR per shot): 1000 shots cost 1.42 EUR."""
    result = cli("run", str(qasm_file(PHASES)), "--platform", "QPU-GARNET-20PQ", "--shots", "1000", "--dry-run")
    assert result.code == 0, result.err
    assert "estimated cost: 1.42 EUR" in result.out
    assert "0.22 EUR" in result.out and "0.0012 EUR" in result.out


def test_dry_run_on_an_hourly_platform_shows_the_worst_case(
    cli: Cli, project: dict[str, str], qasm_file: QasmFile
) -> None:
    """EMU-IBEX-12PQ-L4 is billed 0.75 EUR per hour: the run's session (at most 59 min) may cost 0.74 EUR."""
    result = cli("run", str(qasm_file(PHASES)), "--platform", "EMU-IBEX-12PQ-L4", "--dry-run")
    assert result.code == 0, result.err
    assert "billed by the hour: worst case 0.74 EUR (a session of up to 59 min" in result.out
    data = cli("run", str(qasm_file(PHASES)), "--platform", "EMU-IBEX-12PQ-L4", "--dry-run", "--json").json()
    assert data["session_estimate"]["amount"] == pytest.approx(0.7375)
    refused = cli("run", str(qasm_file(PHASES)), "--platform", "EMU-IBEX-12PQ-L4", "--max-cost", "0.5", "--dry-run")
    assert refused.code == 1 and "max_duration='40m'" in refused.err and "nothing was sent" in refused.err
    assert _sessions() == []


def test_dry_run_names_the_file_format_and_what_is_sent(cli: Cli, project: dict[str, str], qasm_file: QasmFile) -> None:
    converted = cli("run", str(qasm_file(PHASES)), "--platform", PRICED, "--dry-run")
    assert "(OpenQASM 2, sent as QASM_V3 (converted with Qiskit))" in converted.out, converted.out
    as_written = cli("run", str(qasm_file(PHASES)), "--platform", "EMU-QSIM-16C-128M", "--dry-run")
    assert "(OpenQASM 2, sent as QASM_V2)" in as_written.out, as_written.out
