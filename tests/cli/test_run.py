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
        ('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[0]\ncx q[0],q[1];\n',
         "invalid OpenQASM 2 in {name} at line 5, column 1"),
        ('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nfoo q[0];\n',
         "invalid OpenQASM 2 in {name} at line 4, column 1"),
        ('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nh q[0]\ncx q[0], q[1];\n',
         "invalid OpenQASM 3 in {name} at line 5, column 1: missing ';'"),
        ('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\n  foo q[0];\n',
         "invalid OpenQASM 3 in {name} at line 4, column 3"),
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


def test_missing_file(cli: Cli, project: dict[str, str], tmp_path: Path) -> None:
    result = cli("run", str(tmp_path / "nope.qasm"), "--platform", "EMU-AER-16C-128M")
    assert result.code == 1 and "no such file" in result.err


def test_ctrl_c_while_waiting_cancels_and_terminates(
    cli: Cli, project: dict[str, str], qasm_file: QasmFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaleway_qaas.cli import run as run_module
    from scaleway_qaas.core.job import Job

    def interrupt(self: Job) -> str:
        raise KeyboardInterrupt

    cancelled: list[str] = []
    real_cancel = Job.cancel
    monkeypatch.setattr(Job, "status", interrupt)
    monkeypatch.setattr(Job, "cancel", lambda self: cancelled.append(self.job_id) or real_cancel(self))
    monkeypatch.setattr(run_module.time, "sleep", lambda s: None)
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

    real_status = Job.status
    calls = {"n": 0}

    def status_once_interrupted(self: Job) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise KeyboardInterrupt
        return real_status(self)

    questions: list[str] = []
    monkeypatch.setattr(Job, "status", status_once_interrupted)
    monkeypatch.setattr(Context, "stdin_is_tty", property(lambda self: True))
    monkeypatch.setattr(Confirm, "ask", classmethod(lambda cls, q, **kw: questions.append(q) or False))
    result = cli("run", str(qasm_file(GHZ2)), "--platform", "EMU-AER-16C-128M", "--shots", "10", "--json")
    assert result.code == 0, result.err
    assert questions and questions[0].startswith("Cancel job")
    assert result.json()["status"] == "completed"
    assert _open_sessions() == []
