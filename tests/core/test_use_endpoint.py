"""``with Emulator() as emu, emu.use():`` points every adapter at the emulator for the block, and only there."""

from __future__ import annotations

import socket

import pytest

from scaleway_qaas.core import QaaSClient, resolve_config, use_endpoint
from scaleway_qaas.core.records import SessionStatus
from scaleway_qaas.emulator import Emulator
from scaleway_qaas.emulator.server import LOCAL_PROJECT_ID, LOCAL_SECRET_KEY

BELL = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; x q[0]; measure q -> c;'


def unreachable_url() -> str:
    """A loopback URL where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture
def elsewhere(monkeypatch: pytest.MonkeyPatch, tmp_path) -> str:
    """SCW_* pointing at a dead port (as they might point at the cloud)."""
    url = unreachable_url()
    monkeypatch.setenv("SCW_API_URL", url)
    monkeypatch.setenv("SCW_SECRET_KEY", "elsewhere-key-0123456789")
    monkeypatch.setenv("SCW_PROJECT_ID", "33333333-4444-5555-6666-777777777777")
    monkeypatch.setenv("SCW_CONFIG_PATH", str(tmp_path / "none.yaml"))
    return url


def test_emulator_use_points_adapters_at_it_for_the_block_only(elsewhere: str) -> None:
    from qiskit import QuantumCircuit

    from scaleway_qaas.adapters.qiskit import ScalewayProvider

    qc = QuantumCircuit(2, 2)
    qc.x(0)
    qc.measure([0, 1], [0, 1])
    with Emulator(workers=1) as emu:
        with emu.use() as config:
            assert config.api_url == emu.url and config.project_id == LOCAL_PROJECT_ID
            assert resolve_config().api_url == emu.url
            assert resolve_config(url=elsewhere).api_url == elsewhere  # an explicit url= still wins
            backend = ScalewayProvider().get_backend("EMU-AER-16C-128M")
            assert backend.run(qc, shots=20).result().get_counts() == {"01": 20}
            opened = [s for s in backend.client.list_sessions() if s.status.is_open]
            assert len(opened) == 1
        assert resolve_config().api_url == elsewhere  # back to the environment
        with QaaSClient(url=emu.url, secret_key=LOCAL_SECRET_KEY, project_id=LOCAL_PROJECT_ID) as client:
            assert client.get_session(opened[0].id).status in (SessionStatus.STOPPING, SessionStatus.STOPPED)


def test_use_endpoint_nests_and_keeps_explicit_credentials(elsewhere: str) -> None:
    with use_endpoint("http://127.0.0.1:1/", "outer-key", "outer-project") as outer:
        assert outer.api_url == "http://127.0.0.1:1"
        with use_endpoint("http://127.0.0.1:2", "inner-key", "inner-project"):
            inner = resolve_config(project_id="mine")
            assert (inner.api_url, inner.secret_key, inner.project_id) == ("http://127.0.0.1:2", "inner-key", "mine")
            assert inner.sources["project_id"] == "argument" and inner.sources["api_url"] == "use_endpoint()"
        assert resolve_config().secret_key == "outer-key"
    assert resolve_config().api_url == elsewhere


def test_use_needs_a_started_emulator() -> None:
    with pytest.raises(RuntimeError, match="not started"):
        Emulator(workers=1).use()
