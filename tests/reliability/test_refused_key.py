"""A refused key says so and where the key came from (argument, which variable, which config file and
profile), never the key itself (real HTTP, an emulator with a token table)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaleway_qaas.core import QaaSClient
from scaleway_qaas.errors import AuthenticationError

from .conftest import PROJECT

WRONG = "wrong-key-7f3a9c01d2e4"


def _refusal(url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **kwargs: str) -> str:
    with pytest.raises(AuthenticationError) as info:
        QaaSClient(project_id=PROJECT, url=url, **kwargs).list_platforms()
    text = str(info.value)
    assert WRONG not in text and WRONG[:8] not in text and WRONG[-6:] not in text
    assert text.startswith(f"the secret key was refused by {url} (authentication is denied: not_found)"), text
    assert "(HTTP 401, denied_authentication)" in text
    return text


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("SCW_SECRET_KEY", "SCW_PROFILE", "QISKIT_SCALEWAY_SECRET_KEY", "CIRQ_SCALEWAY_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "config.yaml"
    monkeypatch.setenv("SCW_CONFIG_PATH", str(config))
    return config


def test_from_an_argument(token_emulator, clean_env, monkeypatch, tmp_path) -> None:
    text = _refusal(token_emulator, monkeypatch, tmp_path, secret_key=WRONG)
    assert "the key came from argument" in text


def test_from_the_environment(token_emulator, clean_env, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("SCW_SECRET_KEY", WRONG)
    text = _refusal(token_emulator, monkeypatch, tmp_path)
    assert "the key came from environment variable SCW_SECRET_KEY" in text


def test_from_a_config_file_profile(token_emulator, clean_env, monkeypatch, tmp_path) -> None:
    clean_env.write_text(f"active_profile: work\nprofiles:\n  work:\n    secret_key: {WRONG}\n")
    text = _refusal(token_emulator, monkeypatch, tmp_path)
    assert f"the key came from config file {clean_env}, profile 'work'" in text
