"""Parsing, exit codes, credentials, unreachable URL, config show, import cost."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from .conftest import Cli


def test_help_lists_every_command(cli: Cli) -> None:
    with pytest.raises(SystemExit) as exc:
        cli("--help")
    assert exc.value.code == 0


def test_no_command_prints_usage_and_exits_1(cli: Cli) -> None:
    result = cli()
    assert result.code == 1
    for command in ("platforms", "sessions", "jobs", "run", "emulator", "demo", "config"):
        assert command in result.err


@pytest.mark.parametrize(
    "argv",
    [
        ["nosuch"],
        ["platforms", "--min-qubits", "x"],
        ["platforms", "--bogus"],
        ["sessions"],
        ["jobs", "list"],
        ["run", "x.qasm"],
        ["platforms", "--type", "quantum"],
    ],
)
def test_usage_errors_exit_1_with_one_line(cli: Cli, argv: list[str]) -> None:
    result = cli(*argv)
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in result.err


def test_missing_credentials_names_what_was_looked_at(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for key in ("SCW_SECRET_KEY", "SCW_PROJECT_ID", "SCW_DEFAULT_PROJECT_ID", "SCW_API_URL", "SCW_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SCW_CONFIG_PATH", str(tmp_path / "absent.yaml"))
    result = cli("platforms")
    assert result.code == 1
    assert result.err.startswith("error: missing Scaleway credentials")
    assert "SCW_SECRET_KEY" in result.err and "SCW_PROJECT_ID" in result.err and "absent.yaml" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_flags_override_environment(cli: Cli, scw_env: dict[str, str]) -> None:
    result = cli("config", "show", "--json", "--project-id", "99999999-0000-0000-0000-000000000000")
    settings = result.json()["settings"]
    assert settings["project_id"] == {"value": "99999999-0000-0000-0000-000000000000", "source": "argument"}
    assert settings["api_url"]["source"] == "environment variable SCW_API_URL"


def test_global_options_before_or_after_the_command(cli: Cli, scw_env: dict[str, str]) -> None:
    before = cli("--url", "http://127.0.0.1:1", "config", "show", "--json").json()
    after = cli("config", "show", "--url", "http://127.0.0.1:1", "--json").json()
    assert before == after
    assert before["settings"]["api_url"] == {"value": "http://127.0.0.1:1", "source": "argument"}


def test_config_show_redacts_the_secret(cli: Cli, scw_env: dict[str, str]) -> None:
    table = cli("config", "show")
    assert table.code == 0
    assert scw_env["SCW_SECRET_KEY"] not in table.out
    assert scw_env["SCW_SECRET_KEY"][:4] + "****" in table.out
    assert "environment variable SCW_SECRET_KEY" in table.out
    data = cli("config", "show", "--json").json()
    assert data["settings"]["secret_key"]["value"].startswith(scw_env["SCW_SECRET_KEY"][:4])
    assert scw_env["SCW_SECRET_KEY"] not in cli("config", "show", "--json").out


def test_config_show_reads_the_config_file(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for key in ("SCW_SECRET_KEY", "SCW_PROJECT_ID", "SCW_DEFAULT_PROJECT_ID", "SCW_API_URL", "SCW_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    path = tmp_path / "config.yaml"
    path.write_text("secret_key: file-secret-abcdef\ndefault_project_id: 12345678-0000-0000-0000-000000000000\n")
    monkeypatch.setenv("SCW_CONFIG_PATH", str(path))
    settings = cli("config", "show", "--json").json()["settings"]
    assert settings["secret_key"]["source"] == f"config file {path}, profile 'default'"
    assert settings["api_url"] == {"value": "https://api.scaleway.com", "source": "default"}


def test_unreachable_url_is_a_service_error_naming_the_url(cli: Cli, scw_env: dict[str, str]) -> None:
    started = time.monotonic()
    result = cli("--url", "http://127.0.0.1:9", "platforms")
    assert time.monotonic() - started < 10
    assert result.code == 2
    assert "http://127.0.0.1:9" in result.err
    assert result.err.startswith("error: cannot reach")
    assert len(result.err.strip().splitlines()) == 1


def test_debug_shows_the_traceback(cli: Cli, scw_env: dict[str, str]) -> None:
    result = cli("--debug", "jobs", "show", "00000000-0000-0000-0000-000000000000")
    assert result.code == 1
    assert "Traceback" in result.err
    assert result.err.strip().splitlines()[-1].startswith("error: ")


def test_importing_the_cli_is_light() -> None:
    code = (
        "import sys, scaleway_qaas.cli;"
        "heavy = [m for m in ('httpx', 'rich', 'qiskit', 'cirq', 'pennylane', 'cudaq', 'numpy', 'starlette')"
        " if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
