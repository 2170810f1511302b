"""``set_target``: CUDA-Q's built-in C++ ``scaleway`` target, configured by the core's resolver."""

from __future__ import annotations

from typing import Any

import cudaq

from ...core import Config, format_duration, resolve_config
from ...errors import InvalidArgumentError

DEFAULT_MACHINE = "EMU-CUDAQ-H100"
#: the session options CUDA-Q's C++ target reads (it names sessions itself)
NATIVE_SESSION_OPTIONS = ("deduplication_id", "max_duration", "max_idle_duration")


def native_options(**session_options: Any) -> dict[str, str]:
    """Session options as the C++ target sends them: durations in the core's grammar, as the API wants
    them (``"5min"`` -> ``"300s"``, ``"30m"`` -> ``"1800s"``, ``90`` -> ``"90s"``)."""
    unknown = sorted(set(session_options) - set(NATIVE_SESSION_OPTIONS))
    if unknown:
        raise InvalidArgumentError(
            f"unknown session option(s) {unknown} for CUDA-Q's scaleway target; it reads "
            f"{', '.join(NATIVE_SESSION_OPTIONS)}"
        )
    out = {}
    for key, value in session_options.items():
        if value is None or value == "":
            continue
        out[key] = format_duration(value) if key.endswith("duration") else str(value)
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
    ``session_options``: ``deduplication_id``, ``max_duration``, ``max_idle_duration`` (durations in any
    form the package reads: ``"30m"``, ``"5min"``, ``"1h30m"``, seconds).
    Returns the resolved :class:`Config` (its repr hides the secret key).
    """
    options = native_options(**session_options)
    config = resolve_config(secret_key=secret_key, project_id=project_id, url=url, profile=profile)
    cudaq.set_target(
        "scaleway",
        url=config.api_url,
        project_id=config.project_id,
        secret_key=config.secret_key,
        machine=machine or DEFAULT_MACHINE,
        **options,
    )
    return config
