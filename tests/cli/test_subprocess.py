"""The real command in child processes: console script, ``python -m``, ``emulator`` and ``demo``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import GHZ2

SCRIPT = Path(sys.executable).parent / "scaleway-qaas"


def _run(argv: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env={**os.environ, **env})


@pytest.fixture
def child_env(project: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return {**project, "SCW_CONFIG_PATH": str(tmp_path / "no-config.yaml")}


def test_console_script_platforms_json(child_env: dict[str, str]) -> None:
    assert SCRIPT.exists(), "run: .venv/bin/pip install -e . --no-deps"
    proc = _run([str(SCRIPT), "platforms", "--json"], child_env)
    assert proc.returncode == 0, proc.stderr
    assert "EMU-AER-16C-128M" in {p["name"] for p in json.loads(proc.stdout)}


def test_python_m_run(child_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "ghz.qasm"
    path.write_text(GHZ2)
    argv = [
        sys.executable,
        "-m",
        "scaleway_qaas",
        "run",
        str(path),
        "--platform",
        "EMU-AER-16C-128M",
        "--shots",
        "100",
        "--json",
        "--wait",
    ]
    proc = _run(argv, child_env)
    assert proc.returncode == 0, proc.stderr
    counts = json.loads(proc.stdout)["results"][0]["counts"]
    assert set(counts) <= {"000", "111"} and sum(counts.values()) == 100
    listed = _run([str(SCRIPT), "sessions", "list", "--status", "running", "--json"], child_env)
    assert json.loads(listed.stdout) == []


def test_unreachable_url_in_a_child(child_env: dict[str, str]) -> None:
    started = time.monotonic()
    proc = _run([str(SCRIPT), "sessions", "list"], {**child_env, "SCW_API_URL": "http://127.0.0.1:9"})
    assert time.monotonic() - started < 10
    assert proc.returncode == 2
    assert proc.stderr.strip() == proc.stderr.strip().splitlines()[0]
    assert "http://127.0.0.1:9" in proc.stderr and "Traceback" not in proc.stderr


def test_no_credentials_in_a_child(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCW_")}
    env["SCW_CONFIG_PATH"] = str(tmp_path / "none.yaml")
    proc = subprocess.run(
        [str(SCRIPT), "jobs", "list", "--session", "x"], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 1
    assert "SCW_SECRET_KEY" in proc.stderr and "SCW_PROJECT_ID" in proc.stderr


def test_emulator_subcommand_serves(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "SCW_CONFIG_PATH": str(tmp_path / "none.yaml")}
    with subprocess.Popen(  # its exit closes the pipes
        [str(SCRIPT), "emulator", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            url = next((w for w in line.split() if w.startswith("http://")), "")
            assert url, line
            creds = {
                "SCW_API_URL": url,
                "SCW_SECRET_KEY": "emulator-subcommand-key",
                "SCW_PROJECT_ID": "22222222-3333-4444-5555-666666666666",
            }
            listed = _run([str(SCRIPT), "platforms", "--type", "qpu", "--json"], {**env, **creds})
            assert listed.returncode == 0, listed.stderr
            assert {p["type"] for p in json.loads(listed.stdout)} == {"qpu"}
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)


def test_emulator_subcommand_help_and_bad_option() -> None:
    helped = _run([str(SCRIPT), "emulator", "--help"], {})
    assert helped.returncode == 0 and "--port" in helped.stdout
    bad = _run([str(SCRIPT), "emulator", "--no-such-option"], {})
    assert bad.returncode == 1


@pytest.mark.timeout(900)
def test_demo_agrees_and_leaves_no_session(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCW_")}
    env["SCW_CONFIG_PATH"] = str(tmp_path / "none.yaml")
    env["COLUMNS"] = "200"
    proc = subprocess.run([str(SCRIPT), "demo", "--shots", "400"], capture_output=True, text=True, env=env, timeout=800)
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    rows = {}
    for framework in ("CUDA-Q", "Qiskit", "PennyLane", "Cirq"):
        line = next(line for line in out.splitlines() if line.startswith(f"│ {framework} "))
        rows[framework] = line
        assert "agrees" in line or "not installed" in line, line
    assert any("agrees" in line for line in rows.values())
    assert "verdict: AGREE" in out
    assert "none left running (checked via the API)" in out
