"""Helpers of the reliability suite: emulators with faults, emulator subprocesses, Bell checks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scaleway_qaas.core import Program, ProgramFormat
from scaleway_qaas.core.managed import terminate_implicit_sessions

BELL = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;'
SECRET = "reliability-secret-0123456789abcdef"
PROJECT = "22222222-3333-4444-5555-666666666666"
API = "/qaas/v1alpha1"
REPO = Path(__file__).resolve().parents[2]


def qasm(text: str = BELL) -> Program:
    return Program.from_text(text, ProgramFormat.QASM_V2)


def assert_bell(counts: dict[str, int], shots: int) -> None:
    """Only 00/11, all shots, balanced within 5 sigma."""
    assert set(counts) <= {"00", "11"}, counts
    assert sum(counts.values()) == shots
    assert abs(counts.get("00", 0) - shots / 2) <= 5 * (shots * 0.25) ** 0.5, counts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class EmulatorProcess:
    """``python -m scaleway_qaas.emulator`` as a subprocess, restartable on the same port and DB."""

    def __init__(self, db: Path, *extra: str, port: int | None = None) -> None:
        self.db = db
        self.port = port or free_port()
        self.extra = extra
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> None:
        cmd = [
            sys.executable,
            "-m",
            "scaleway_qaas.emulator",
            "--port",
            str(self.port),
            "--db",
            str(self.db),
            *self.extra,
        ]
        self.proc = subprocess.Popen(
            cmd,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"emulator exited: {self.proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                httpx.get(f"{self.url}{API}/platforms", headers={"X-Auth-Token": SECRET}, timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("emulator subprocess did not start")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self._close_pipe()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_pipe()

    def _close_pipe(self) -> None:
        """The ended process's stderr pipe (a restart opens a new one)."""
        if self.proc is not None and self.proc.returncode is not None and self.proc.stderr is not None:
            self.proc.stderr.close()


@pytest.fixture
def emulator_process(tmp_path) -> Iterator[type[EmulatorProcess]]:
    started: list[EmulatorProcess] = []

    def make(*extra: str, db: Path | None = None) -> EmulatorProcess:
        emu = EmulatorProcess(db or tmp_path / "emulator.sqlite", *extra)
        started.append(emu)
        return emu

    yield make  # type: ignore[misc]
    for emu in started:
        emu.stop()


OTHER_SECRET = "other-secret-fedcba9876543210"
OTHER_PROJECT = "99999999-8888-7777-6666-555555555555"


@pytest.fixture(scope="session")
def token_emulator() -> Iterator[str]:
    """An emulator with a token table: SECRET -> PROJECT, OTHER_SECRET -> OTHER_PROJECT."""
    from scaleway_qaas.emulator import Emulator

    with Emulator(tokens={SECRET: PROJECT, OTHER_SECRET: OTHER_PROJECT}, seed=11) as emulator:
        yield emulator.url
        terminate_implicit_sessions(emulator.url)  # the emulator leaves this process's sessions to it
