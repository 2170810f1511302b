"""``set_target``: CUDA-Q's built-in C++ ``scaleway`` target, configured by the core's resolver."""

from __future__ import annotations

from typing import Any

import cudaq

from ...core.config import Config, resolve_config
from ...core.durations import parse_duration
from ...errors import InvalidArgumentError

DEFAULT_MACHINE = "EMU-CUDAQ-H100"
SESSION_OPTIONS = ("deduplication_id", "max_duration", "max_idle_duration", "name")


def native_options(**session_options: Any) -> dict[str, str]:
    """Session options as the C++ target reads them (durations as whole seconds, e.g. ``"1800s"``)."""
    unknown = sorted(set(session_options) - set(SESSION_OPTIONS))
    if unknown:
        raise InvalidArgumentError(f"unknown session option(s) {unknown}; expected some of {list(SESSION_OPTIONS)}")
    out = {}
    for key, value in session_options.items():
        if value is None or value == "":
            continue
        out[key] = f"{round(parse_duration(value))}s" if key.endswith("duration") else str(value)
    return out


def set_target(
    *,
    machine: str | None = None,
    secret_key: str | None = None,
    project_id: str | None = None,
    url: str | None = None,
    profile: str | None = None,
    **session_options: Any,
) -> Config:
    """``cudaq.set_target("scaleway", ...)`` with credentials and URL resolved like every adapter.

    Resolution: arguments, then ``SCW_SECRET_KEY`` / ``SCW_PROJECT_ID`` (or ``SCW_DEFAULT_PROJECT_ID``) /
    ``SCW_API_URL``, then the Scaleway CLI config file (profile ``profile`` or ``$SCW_PROFILE``).
    ``session_options``: ``deduplication_id``, ``max_duration``, ``max_idle_duration``, ``name``.
    Returns the resolved :class:`Config` (its repr hides the secret key).
    """
    config = resolve_config(secret_key=secret_key, project_id=project_id, url=url, profile=profile)
    cudaq.set_target(
        "scaleway",
        url=config.api_url,
        project_id=config.project_id,
        secret_key=config.secret_key,
        machine=machine or DEFAULT_MACHINE,
        **native_options(**session_options),
    )
    return config
