"""``jobs list/results --key/--label`` and ``journal list/clear``: finish a dead script's run from the shell."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from scaleway_qaas.core import Journal, Program, ProgramFormat, QaaSClient, run

from .conftest import Cli


def _program(i: int) -> Program:
    flips = " ".join(f"x q[{b}];" for b in range(6) if i >> b & 1)
    return Program.from_text(
        f'OPENQASM 2.0; include "qelib1.inc"; qreg q[6]; creg c[6]; {flips} measure q -> c;', ProgramFormat.QASM_V2
    )


@pytest.fixture
def dead_run(project: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[str, list[str]]:
    """A run of 60 programs (2 jobs) on a QPU, submitted and dropped before its results: its key and job ids."""
    monkeypatch.setenv("SCW_QAAS_JOURNAL", str(tmp_path / "journal.sqlite"))
    with QaaSClient() as client:
        job = run(client, client.describe_platform("QPU-IBEX-12PQ"), [_program(i) for i in range(60)], shots=20,
                  resume="local", label="nightly")  # fmt: skip
        ids = job.ids
        job.wait(timeout=60)
        del job
        gc.collect()
    (entry,) = Journal(tmp_path / "journal.sqlite").entries()
    return entry.key, ids


def test_jobs_of_a_run_by_key_or_label(cli: Cli, dead_run: tuple[str, list[str]]) -> None:
    key, ids = dead_run
    listed = cli("jobs", "list", "--key", key, "--json").json()
    assert [j["id"] for j in listed] == ids
    assert [j["part"] for j in listed] == ["0/2", "1/2"] and {j["key"] for j in listed} == {key}
    assert [j["id"] for j in cli("jobs", "list", "--label", "nightly", "--json").json()] == ids
    table = cli("jobs", "list", "--key", key[:10])  # a prefix the journal knows
    assert table.code == 0 and ids[0] in table.out and "2 jobs of run" in table.out
    assert cli("jobs", "list", "--label", "nobody", "--json").json() == []
    refused = cli("jobs", "list")
    assert refused.code != 0 and "one of the arguments --session --key --label is required" in refused.err


def test_results_of_a_run_by_key_or_label_in_program_order(
    cli: Cli, dead_run: tuple[str, list[str]], tmp_path: Path
) -> None:
    key, ids = dead_run
    for how in (["--key", key], ["--label", "nightly"]):
        data = cli("jobs", "results", *how, "--json").json()
        assert data["job_id"] == ",".join(ids)
        tops = [max(r["counts"], key=r["counts"].get) for r in data["results"]]
        assert tops == [format(i, "06b")[::-1] for i in range(60)]
    assert Journal(tmp_path / "journal.sqlite").clear() == 1  # by tag from now on
    data = cli("jobs", "results", "--key", key, "--json").json()
    assert len(data["results"]) == 60
    missing = cli("jobs", "results", "--key", "0" * 64)
    assert missing.code == 1 and "no job of run" in missing.err
    both = cli("jobs", "results", ids[0], "--key", key)
    assert both.code == 1 and "not both" in both.err


def test_journal_list_and_clear(cli: Cli, dead_run: tuple[str, list[str]], tmp_path: Path) -> None:
    key, ids = dead_run
    data = cli("journal", "list", "--json").json()
    assert data["journal"] == str(tmp_path / "journal.sqlite")
    (entry,) = data["runs"]
    assert entry["key"] == key and entry["jobs"] == ids and entry["parts"] == "2/2" and entry["label"] == "nightly"
    assert entry["delivered_at"] is None and entry["platform"] == "QPU-IBEX-12PQ"
    assert key[:12] in cli("journal", "list").out
    refused = cli("journal", "clear")  # no terminal: no confirmation
    assert refused.code == 1 and "pass --yes" in refused.err
    assert cli("journal", "clear", "--key", "f" * 64, "--yes").out.startswith("forgot 0 run(s)")
    assert cli("journal", "clear", "--yes").out.startswith("forgot 1 run(s)")
    assert cli("journal", "list", "--json").json()["runs"] == []
