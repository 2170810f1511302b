"""Credentials and endpoint resolution, shared by every adapter.

Order: explicit arguments, then an endpoint set for a ``with`` block (:func:`use_endpoint`, which
``Emulator.use()`` sets; it applies when no ``url=`` or ``profile=`` is given), then environment
variables (``SCW_SECRET_KEY``, ``SCW_PROJECT_ID`` or ``SCW_DEFAULT_PROJECT_ID``, ``SCW_API_URL``; then the official
plugins' ``QISKIT_SCALEWAY_*`` and ``CIRQ_SCALEWAY_*``), then the
Scaleway CLI config file (``$SCW_CONFIG_PATH`` or ``~/.config/scw/config.yaml``,
profile ``$SCW_PROFILE``). The secret key never appears in a repr.

The API URL is the service's root (``https://api.scaleway.com``); a URL ending in the API's
prefix ``/qaas/v1alpha1`` (how some CUDA-Q releases document ``SCW_API_URL``) is read as its root.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from .errors import ConfigurationError

DEFAULT_API_URL = "https://api.scaleway.com"
#: the path of the QaaS API under the root URL
API_PREFIX = "/qaas/v1alpha1"

#: read in this order: Scaleway's own variables, then the official plugins' (so code written for them runs as is)
_ENV = {
    "secret_key": ("SCW_SECRET_KEY", "QISKIT_SCALEWAY_SECRET_KEY", "CIRQ_SCALEWAY_SECRET_KEY"),
    "project_id": (
        "SCW_PROJECT_ID",
        "SCW_DEFAULT_PROJECT_ID",
        "QISKIT_SCALEWAY_PROJECT_ID",
        "CIRQ_SCALEWAY_PROJECT_ID",
    ),
    "api_url": ("SCW_API_URL", "QISKIT_SCALEWAY_API_URL", "CIRQ_SCALEWAY_API_URL"),
}
_FILE_KEYS = {"secret_key": "secret_key", "project_id": "default_project_id", "api_url": "api_url"}


def redact(secret: str | None) -> str:
    """A secret as it may be shown: its first 4 characters, then stars."""
    if not secret:
        return "<unset>"
    return secret[:4] + "*" * 8 if len(secret) > 8 else "********"


def api_root(url: str) -> str:
    """The root of an API URL given with or without the ``/qaas/v1alpha1`` prefix and trailing slashes."""
    url = url.rstrip("/")
    return url.removesuffix(API_PREFIX).rstrip("/") if url.endswith(API_PREFIX) else url


@attrs.frozen(repr=False)
class Config:
    """Resolved credentials and endpoint; ``sources`` says where each setting came from."""

    secret_key: str
    project_id: str
    api_url: str = attrs.field(default=DEFAULT_API_URL, converter=api_root)
    sources: Mapping[str, str] = attrs.field(factory=dict, eq=False)

    def __repr__(self) -> str:
        return (
            f"Config(api_url={self.api_url!r}, project_id={self.project_id!r}, secret_key={redact(self.secret_key)!r})"
        )

    __str__ = __repr__


#: endpoints set for ``with`` blocks, innermost last. Process-wide, not a contextvar: clients are
#: also made on the core's own loop thread, and a block means "everything this process does meanwhile".
_endpoints: list[Config] = []
#: called with the block's API URL when a :func:`use_endpoint` block ends (the layers above register)
_block_end_hooks: list[Callable[[str], object]] = []


def on_block_end(hook: Callable[[str], object]) -> None:
    """Have ``hook(api_url)`` called when a :func:`use_endpoint` block ends (the managed sessions register
    the termination of the sessions opened against that URL)."""
    _block_end_hooks.append(hook)


@contextmanager
def use_endpoint(url: str, secret_key: str, project_id: str) -> Iterator[Config]:
    """Point every client and adapter created in the block without ``url=`` (or ``profile=``) at ``url``, with
    these credentials (unless given as arguments), whatever ``SCW_*`` variables or the config file say; yields
    that configuration. Process-wide (threads and the core's loop see it too) and nestable; at the block's
    end the previous resolution is back, and the sessions the package opened against ``url`` are terminated."""
    config = Config(secret_key, project_id, _checked_url(url), {k: "use_endpoint()" for k in _ENV})
    _endpoints.append(config)
    try:
        yield config
    finally:
        del _endpoints[max(i for i, known in enumerate(_endpoints) if known is config)]
        for hook in _block_end_hooks:
            hook(config.api_url)


def _checked_url(url: str) -> str:
    url = api_root(url)
    if not url.startswith(("http://", "https://")):
        raise ConfigurationError(f"API URL must start with http:// or https://, got {url!r}")
    return url


def switched_off(variable: str) -> bool:
    """Whether an on/off environment variable is set to off (``0``, ``false``, ``no`` or ``off``)."""
    return os.environ.get(variable, "").strip().lower() in ("0", "false", "no", "off")


def switched_on(variable: str) -> bool:
    """Whether an on/off environment variable is set to on (``1``, ``true``, ``yes`` or ``on``)."""
    return os.environ.get(variable, "").strip().lower() in ("1", "true", "yes", "on")


def engine_fork_requested() -> bool:
    """``SCW_QAAS_ENGINE_FORK=1``: an in-process emulator's first engine may be a fork of the script
    (opt-in; see :mod:`scaleway_qaas.emulator.forked`)."""
    return switched_on("SCW_QAAS_ENGINE_FORK")


RESUME_VARIABLE = "SCW_QAAS_RESUME"
JOURNAL_VARIABLE = "SCW_QAAS_JOURNAL"
#: ``resume=`` values: "auto" (the journal on QPU platforms, off on simulators), "local", "service", "off"
RESUME_MODES = ("auto", "local", "service", "off")


def resume_mode(value: str | bool | None = None) -> str:
    """The resume mode of a run: ``value`` (True is "local", False "off"), else ``$SCW_QAAS_RESUME``, else "auto"."""
    source = "resume="
    if value is None:
        value, source = os.environ.get(RESUME_VARIABLE, "").strip().lower() or "auto", f"{RESUME_VARIABLE}="
    if isinstance(value, bool):
        return "local" if value else "off"
    mode = {"on": "local", "true": "local", "1": "local", "false": "off", "0": "off", "no": "off"}.get(value, value)
    if mode not in RESUME_MODES:
        raise ConfigurationError(f"{source}{value!r} is not a resume mode: use one of {', '.join(RESUME_MODES)}")
    return mode


def journal_path() -> Path:
    """Where the journal of submissions lives: ``$SCW_QAAS_JOURNAL``, else the user's cache directory
    (``$XDG_CACHE_HOME``, else ``~/.cache``) ``/scaleway-qaas/journal.sqlite``."""
    if env := os.environ.get(JOURNAL_VARIABLE, "").strip():
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(cache).expanduser() if cache else Path.home() / ".cache") / "scaleway-qaas" / "journal.sqlite"


MAX_COST_VARIABLE = "SCW_QAAS_MAX_COST"


def default_max_cost() -> float | None:
    """The budget of every submission without ``max_cost=``: ``$SCW_QAAS_MAX_COST`` in EUR (unset: none)."""
    raw = os.environ.get(MAX_COST_VARIABLE, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{MAX_COST_VARIABLE}={raw!r} is not a number of euros") from None
    if not value >= 0:
        raise ConfigurationError(f"{MAX_COST_VARIABLE}={raw!r} must be a non-negative number of euros")
    return value


MAX_CREATIONS_VARIABLE = "SCW_QAAS_MAX_CREATIONS"
#: model and job creations in flight at once per client, unless ``$SCW_QAAS_MAX_CREATIONS`` says otherwise
DEFAULT_MAX_CREATIONS = 16


def max_creations() -> int:
    """How many creations (models, jobs) a client has in flight at once: ``$SCW_QAAS_MAX_CREATIONS``, else 16."""
    raw = os.environ.get(MAX_CREATIONS_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_MAX_CREATIONS
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigurationError(f"{MAX_CREATIONS_VARIABLE}={raw!r} must be a whole number of at least 1")
    return value


def progress_shown() -> bool:
    """Whether a waiting job may show the session-start status line (``SCW_QAAS_PROGRESS``, default on)."""
    return not switched_off("SCW_QAAS_PROGRESS")


def config_file_path() -> Path:
    """Where the Scaleway CLI config file is looked for."""
    env = os.environ.get("SCW_CONFIG_PATH")
    return Path(env).expanduser() if env else Path.home() / ".config" / "scw" / "config.yaml"


def _read_profile(path: Path, profile: str | None) -> tuple[dict[str, Any], str]:
    """The settings of ``profile`` (else ``$SCW_PROFILE``, the active one, or the top level) and its name."""
    if not path.is_file():
        return {}, ""
    import yaml  # imported only when a config file exists

    try:
        data = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"cannot read Scaleway config file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigurationError(f"Scaleway config file {path} is not a mapping")
    profile = profile or os.environ.get("SCW_PROFILE") or data.get("active_profile")
    values = {k: v for k, v in data.items() if k != "profiles" and isinstance(v, str)}
    if profile and profile != "default":
        profiles = data.get("profiles") or {}
        if profile not in profiles:
            raise ConfigurationError(
                f"profile {profile!r} not found in {path} (profiles: {sorted(profiles) or 'none'})"
            )
        values.update({k: v for k, v in (profiles[profile] or {}).items() if isinstance(v, str)})
    return values, profile or "default"


def resolve_config(
    *,
    secret_key: str | None = None,
    project_id: str | None = None,
    url: str | None = None,
    profile: str | None = None,
) -> Config:
    """Resolve credentials and API URL; raise :class:`ConfigurationError` naming what was looked at."""
    if _endpoints and not url and not profile:  # inside a use_endpoint() block
        block = _endpoints[-1]
        given = {k: v for k, v in {"secret_key": secret_key, "project_id": project_id}.items() if v}
        return attrs.evolve(block, **given, sources={**block.sources, **dict.fromkeys(given, "argument")})
    explicit = {"secret_key": secret_key, "project_id": project_id, "api_url": url}
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    for key, value in explicit.items():
        if value:
            values[key], sources[key] = value, "argument"
            continue
        for env in _ENV[key]:
            if os.environ.get(env):
                values[key], sources[key] = os.environ[env], f"environment variable {env}"
                break
    path = config_file_path()
    if len(values) < 3:
        file_values, used = _read_profile(path, profile)
        for key, file_key in _FILE_KEYS.items():
            if key not in values and file_values.get(file_key):
                values[key], sources[key] = file_values[file_key], f"config file {path}, profile {used!r}"
    values.setdefault("api_url", DEFAULT_API_URL)
    sources.setdefault("api_url", "default")
    missing = [k for k in ("secret_key", "project_id") if k not in values]
    if missing:
        looked = "; ".join(
            f"{k}: argument {k}=, environment {' or '.join(_ENV[k])}, key {_FILE_KEYS[k]!r} in {path}" for k in missing
        )
        raise ConfigurationError(f"missing Scaleway credentials ({', '.join(missing)}). Looked at: {looked}")
    return Config(values["secret_key"], values["project_id"], _checked_url(values["api_url"]), sources)
