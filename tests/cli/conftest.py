"""Fixtures of the CLI tests: call ``main(argv)`` in-process, QASM files, an isolated project."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from scaleway_qaas.cli import main

GHZ2 = """OPENQASM 2.0;
include "qelib1.inc";
qreg q[3];
creg c[3];
h q[0];
cx q[0],q[1];
cx q[1],q[2];
measure q -> c;
"""

# X on qubit 0 only: bit order shows (classical bit 0 first -> "10")
ASYM3 = """OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] c;
x q[0];
c = measure q;
"""


@attrs.frozen
class Outcome:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Cli = Callable[..., Outcome]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """``cli("platforms", "--json")`` runs the command in-process and returns code, stdout, stderr."""

    def run(*argv: str) -> Outcome:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run


@pytest.fixture
def project(scw_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A fresh project (and key) on the shared emulator, so that session listings see only this test's."""
    env = {**scw_env, "SCW_SECRET_KEY": f"cli-test-{uuid.uuid4().hex}", "SCW_PROJECT_ID": str(uuid.uuid4())}
    monkeypatch.setenv("SCW_SECRET_KEY", env["SCW_SECRET_KEY"])
    monkeypatch.setenv("SCW_PROJECT_ID", env["SCW_PROJECT_ID"])
    return env


@pytest.fixture
def qasm_file(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(text: str, name: str = "program.qasm") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write
