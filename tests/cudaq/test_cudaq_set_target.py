"""``scaleway_qaas.adapters.cudaq.set_target``: the native target configured by the core's resolver."""

from __future__ import annotations

from pathlib import Path

import cudaq
import pytest
from cudaq_kernels import asymmetric

from scaleway_qaas.adapters import cudaq as scw
from scaleway_qaas.adapters.cudaq.target import native_options
from scaleway_qaas.errors import ConfigurationError, InvalidArgumentError


def _config_file_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str]) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(
        f"secret_key: {env['SCW_SECRET_KEY']}\ndefault_project_id: {env['SCW_PROJECT_ID']}\n"
        f"api_url: {env['SCW_API_URL']}\n"
    )
    for key in (*env, "SCW_DEFAULT_PROJECT_ID", "SCW_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SCW_CONFIG_PATH", str(path))


def test_native_target_from_config_file_only(
    native_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _config_file_only(monkeypatch, tmp_path, native_env)
    config = scw.set_target(machine="EMU-CUDAQ-H100", max_duration="20m", max_idle_duration="5min")
    assert config.api_url == native_env["SCW_API_URL"] and "config file" in config.sources["secret_key"]
    assert native_env["SCW_SECRET_KEY"] not in repr(config)
    assert dict(cudaq.sample(asymmetric, shots_count=50).items()) == {"100": 50}


def test_native_target_with_the_prefixed_url(native_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """``SCW_API_URL`` written with ``/qaas/v1alpha1`` (as some CUDA-Q releases document it): the helper
    installed here appends the prefix itself (``V1Alpha1Client``: url + "/" + DEFAULT_BASE_PATH), so it
    is handed the root."""
    monkeypatch.setenv("SCW_API_URL", native_env["SCW_API_URL"] + "/qaas/v1alpha1/")
    assert scw.set_target(machine="EMU-CUDAQ-H100").api_url == native_env["SCW_API_URL"]
    assert dict(cudaq.sample(asymmetric, shots_count=50).items()) == {"100": 50}


def test_python_path_from_config_file_only(
    scw_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _config_file_only(monkeypatch, tmp_path, scw_env)
    assert dict(scw.sample(asymmetric, shots_count=50).items()) == {"100": 50}


def test_missing_credentials_say_where_they_were_looked_for(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in ("SCW_SECRET_KEY", "SCW_PROJECT_ID", "SCW_DEFAULT_PROJECT_ID", "SCW_API_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SCW_CONFIG_PATH", str(tmp_path / "none.yaml"))
    with pytest.raises(ConfigurationError, match="SCW_SECRET_KEY"):
        scw.set_target()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("5min", "300s"), ("30m", "1800s"), ("1h30m", "5400s"), (300, "300s"), ("2.5s", "2.5s"), ("59m", "3540s")],
)
def test_durations_by_the_core_grammar(value: object, expected: str) -> None:
    assert native_options(max_duration=value, max_idle_duration=value) == {
        "max_duration": expected,
        "max_idle_duration": expected,
    }


def test_session_options_as_the_cpp_target_reads_them() -> None:
    assert native_options(max_duration="1h30m", max_idle_duration=300, deduplication_id="w") == {
        "max_duration": "5400s",
        "max_idle_duration": "300s",
        "deduplication_id": "w",
    }
    with pytest.raises(InvalidArgumentError, match="duration"):
        native_options(max_duration="soon")
    with pytest.raises(InvalidArgumentError, match="unknown session option"):
        native_options(max_durations="5m")
    with pytest.raises(InvalidArgumentError, match="name"):  # the C++ target names its sessions itself
        native_options(name="mine")


def test_the_native_target_refuses_an_emulator_of_this_process_at_once() -> None:
    import time

    from scaleway_qaas.emulator import Emulator

    with Emulator(workers=1) as emu:
        for url in (emu.url, emu.url.replace("127.0.0.1", "localhost") + "/"):
            started = time.monotonic()
            with pytest.raises(InvalidArgumentError, match="an Emulator\\(\\) running in this Python process") as e:
                scw.set_target(url=url, secret_key="k" * 20, project_id="11111111-2222-3333-4444-555555555555")
            assert time.monotonic() - started < 1
            assert "run_emulator_process()" in str(e.value) and "scaleway-qaas emulator" in str(e.value)
    assert "k" * 20 not in str(e.value)
