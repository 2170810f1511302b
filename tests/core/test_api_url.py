"""The API URL is read with or without the ``/qaas/v1alpha1`` prefix, wherever it comes from.

CUDA-Q's helper documents ``SCW_API_URL`` with the prefix in some releases; the plugins' variables
never carry it. Every form reaches the same API on the real local emulator.
"""

from __future__ import annotations

import pytest
from qiskit import QuantumCircuit

from scaleway_qaas.adapters.qiskit import ScalewayProvider
from scaleway_qaas.cli import main
from scaleway_qaas.core import QaaSClient
from scaleway_qaas.core.config import Config, resolve_config

FORMS = ["{}", "{}/", "{}/qaas/v1alpha1", "{}/qaas/v1alpha1/"]


@pytest.mark.parametrize("form", FORMS)
def test_every_form_of_the_url_resolves_to_the_root(form: str) -> None:
    config = resolve_config(secret_key="k", project_id="p", url=form.format("https://api.scaleway.com"))
    assert config.api_url == "https://api.scaleway.com"
    assert Config("k", "p", form.format("http://127.0.0.1:1")).api_url == "http://127.0.0.1:1"


@pytest.mark.parametrize("form", FORMS)
def test_the_client_reaches_the_api_with_the_prefixed_url_in_the_environment(
    form: str, scw_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCW_API_URL", form.format(scw_env["SCW_API_URL"]))
    assert any(p.name == "EMU-AER-16C-128M" for p in QaaSClient().list_platforms())


def test_an_adapter_runs_with_the_prefixed_url(scw_env: dict[str, str]) -> None:
    qc = QuantumCircuit(2, 2)
    qc.x(0)
    qc.measure([0, 1], [0, 1])
    backend = ScalewayProvider(url=scw_env["SCW_API_URL"] + "/qaas/v1alpha1").get_backend("EMU-AER-16C-128M")
    assert backend.run(qc, shots=20).result().get_counts() == {"01": 20}


def test_the_cli_reads_the_prefixed_url(
    scw_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCW_API_URL", scw_env["SCW_API_URL"] + "/qaas/v1alpha1")
    assert main(["platforms", "--json"]) == 0
    assert "EMU-AER-16C-128M" in capsys.readouterr().out


def test_terminating_a_urls_sessions_reads_the_url_in_any_form(scw_env: dict[str, str]) -> None:
    from scaleway_qaas.core import run, terminate_implicit_sessions
    from scaleway_qaas.core.wire import Program, ProgramFormat

    client = QaaSClient()
    platform = client.describe_platform("EMU-AER-16C-128M")
    qasm = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\ncreg c[1];\nmeasure q -> c;\n'
    job = run(client, platform, [Program.from_text(qasm, ProgramFormat.QASM_V2)], shots=5)
    job.wait()
    assert job.parts[0].session_id in terminate_implicit_sessions(scw_env["SCW_API_URL"] + "/qaas/v1alpha1/")
