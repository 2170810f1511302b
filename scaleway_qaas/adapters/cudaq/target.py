"""``set_target``: CUDA-Q's built-in C++ ``scaleway`` target, configured by the core's resolver."""

from __future__ import annotations

import sys
import uuid
from typing import Any

import cudaq

from ...core import Config, format_duration, resolve_config, terminate_at_exit
from ...errors import InvalidArgumentError

DEFAULT_MACHINE = "EMU-CUDAQ-H100"
#: the deduplication id set_target gives the target's sessions when the user gives none
NATIVE_DEDUP_PREFIX = "scaleway-qaas-cudaq-"
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
    Without a ``deduplication_id``, the sessions the target opens are terminated when the interpreter
    exits (the C++ target never terminates them; they are found by a deduplication id of their own,
    ``scaleway-qaas-cudaq-<random>``); with yours, they are shared on purpose and left to their limits.
    Returns the resolved :class:`Config` (its repr hides the secret key).
    An ``Emulator()`` of this very process is refused (:class:`InvalidArgumentError`): the target's C++
    HTTP client holds the GIL while it waits, so the emulator's server thread could never answer.
    """
    options = native_options(**session_options)
    config = resolve_config(secret_key=secret_key, project_id=project_id, url=url, profile=profile)
    _refuse_own_emulator(config.api_url)
    if "deduplication_id" not in options:
        options["deduplication_id"] = f"{NATIVE_DEDUP_PREFIX}{uuid.uuid4().hex[:16]}"
        terminate_at_exit(config, options["deduplication_id"])
    cudaq.set_target(
        "scaleway",
        url=config.api_url,
        project_id=config.project_id,
        secret_key=config.secret_key,
        machine=machine or DEFAULT_MACHINE,
        **options,
    )
    return config


def _refuse_own_emulator(api_url: str) -> None:
    """Refuse a URL served by an in-process ``Emulator`` (a hang otherwise; see :func:`set_target`)."""
    server = sys.modules.get("scaleway_qaas.emulator.server")  # not imported: no emulator runs here
    if server is not None and server.serving_in_this_process(api_url):
        raise InvalidArgumentError(
            f"{api_url} is an Emulator() running in this Python process: CUDA-Q's scaleway target holds the "
            "GIL while it waits for an answer, so that emulator could never answer and the program would hang. "
            "Run the emulator in another process: `with run_emulator_process() as url: set_target(url=url)` "
            "(from scaleway_qaas.emulator), or `scaleway-qaas emulator` in a terminal"
        )
