"""Credential resolution: arguments, environment, Scaleway CLI config file; redaction."""

from __future__ import annotations

import asyncio

import pytest

from scaleway_qaas.core.client import AsyncQaaSClient
from scaleway_qaas.core.config import DEFAULT_MAX_CREATIONS, Config, max_creations, redact, resolve_config
from scaleway_qaas.errors import ConfigurationError

SECRET = "abcd1234-secret-value-never-shown"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for key in ("SCW_SECRET_KEY", "SCW_PROJECT_ID", "SCW_DEFAULT_PROJECT_ID", "SCW_API_URL", "SCW_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SCW_CONFIG_PATH", str(tmp_path / "config.yaml"))
    return tmp_path / "config.yaml"


def test_arguments_win_over_environment(monkeypatch):
    monkeypatch.setenv("SCW_SECRET_KEY", "env-secret")
    monkeypatch.setenv("SCW_PROJECT_ID", "env-project")
    cfg = resolve_config(secret_key=SECRET, project_id="p1", url="http://127.0.0.1:1/")
    assert (cfg.secret_key, cfg.project_id, cfg.api_url) == (SECRET, "p1", "http://127.0.0.1:1")
    assert cfg.sources["secret_key"] == "argument"


def test_environment_then_default_url(monkeypatch):
    monkeypatch.setenv("SCW_SECRET_KEY", SECRET)
    monkeypatch.setenv("SCW_DEFAULT_PROJECT_ID", "p2")
    cfg = resolve_config()
    assert cfg.project_id == "p2"
    assert cfg.api_url == "https://api.scaleway.com"
    assert cfg.sources["project_id"] == "environment variable SCW_DEFAULT_PROJECT_ID"


def test_config_file_profile(monkeypatch, clean_env):
    clean_env.write_text(
        "secret_key: top-secret-default\n"
        "default_project_id: p-default\n"
        "profiles:\n"
        "  lab:\n"
        f"    secret_key: {SECRET}\n"
        "    default_project_id: p-lab\n"
        "    api_url: http://127.0.0.1:8080\n"
    )
    assert resolve_config().project_id == "p-default"
    monkeypatch.setenv("SCW_PROFILE", "lab")
    cfg = resolve_config()
    assert (cfg.secret_key, cfg.project_id, cfg.api_url) == (SECRET, "p-lab", "http://127.0.0.1:8080")
    assert "config file" in cfg.sources["secret_key"]


def test_unknown_profile_is_named(monkeypatch, clean_env):
    clean_env.write_text("profiles:\n  lab: {secret_key: x}\n")
    monkeypatch.setenv("SCW_PROFILE", "prod")
    with pytest.raises(ConfigurationError, match="profile 'prod' not found"):
        resolve_config()


def test_missing_credentials_say_where_they_were_looked_for(clean_env):
    with pytest.raises(ConfigurationError) as info:
        resolve_config()
    message = str(info.value)
    for name in ("SCW_SECRET_KEY", "SCW_PROJECT_ID", "SCW_DEFAULT_PROJECT_ID", str(clean_env)):
        assert name in message


def test_bad_url_is_rejected():
    with pytest.raises(ConfigurationError, match="http"):
        resolve_config(secret_key=SECRET, project_id="p", url="api.scaleway.com")


def test_secret_never_in_repr_or_str():
    cfg = Config(SECRET, "p", "http://x")
    assert SECRET not in repr(cfg) and SECRET not in str(cfg)
    assert redact(SECRET).startswith("abcd") and SECRET not in redact(SECRET)


@pytest.mark.parametrize(("raw", "expected"), [("", DEFAULT_MAX_CREATIONS), ("1", 1), (" 64 ", 64)])
def test_max_creations_from_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv("SCW_QAAS_MAX_CREATIONS", raw)
    assert max_creations() == expected

    async def bound() -> int:  # the client's semaphore is made with it
        client = AsyncQaaSClient(secret_key=SECRET, project_id="p", url="http://127.0.0.1:9")
        try:
            return client.creations._value
        finally:
            await client.aclose()

    assert asyncio.run(bound()) == expected


@pytest.mark.parametrize("raw", ["0", "-3", "many", "2.5"])
def test_max_creations_must_be_a_positive_whole_number(monkeypatch, raw):
    monkeypatch.setenv("SCW_QAAS_MAX_CREATIONS", raw)
    with pytest.raises(ConfigurationError, match="SCW_QAAS_MAX_CREATIONS"):
        max_creations()
