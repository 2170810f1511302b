"""``config show``, ``emulator`` and ``demo``."""

from __future__ import annotations

import argparse

from . import output
from .context import Context, UsageError

_SETTINGS = (("api_url", "API URL"), ("project_id", "project id"), ("secret_key", "secret key"))


def config_show(ctx: Context) -> int:
    """Each resolved setting and where it came from; the secret key is redacted."""
    from ..core import config_file_path, redact

    config = ctx.config
    values = {"api_url": config.api_url, "project_id": config.project_id, "secret_key": redact(config.secret_key)}
    sources = {key: config.sources.get(key, "-") for key, _ in _SETTINGS}
    if ctx.json:
        ctx.print_json(
            {
                "settings": {key: {"value": values[key], "source": sources[key]} for key, _ in _SETTINGS},
                "config_file": str(config_file_path()),
            }
        )
        return 0
    rows = [(label, values[key], sources[key]) for key, label in _SETTINGS]
    ctx.out.print(
        output.table(None, ("setting", "value", "source"), rows, caption=f"config file looked at: {config_file_path()}")
    )
    return 0


def emulator(ctx: Context) -> int:
    """Parse the remaining arguments with the emulator's own options and serve."""
    try:
        from ..emulator.cli import add_emulator_arguments, run_from_args
    except ImportError as exc:
        raise UsageError(
            f"the emulator is not available ({exc}); install it with: pip install 'scaleway-qaas[emulator]'"
        ) from None
    parser = argparse.ArgumentParser(prog="scaleway-qaas emulator", description="Serve the local QaaS emulator.")
    add_emulator_arguments(parser)
    try:
        args = parser.parse_args(ctx.args.extra)
    except SystemExit as exc:  # --help (0) or a usage error (argparse: 2 -> ours: 1)
        return 0 if exc.code in (0, None) else 1
    try:
        return int(run_from_args(args) or 0)
    except SystemExit as exc:
        if isinstance(exc.code, str):
            raise UsageError(exc.code) from None
        return int(exc.code or 0)
    except (OSError, RuntimeError) as exc:
        raise UsageError(f"the emulator could not start: {exc}") from None


def demo(ctx: Context) -> int:
    from ..demo import main as demo_main

    return demo_main(shots=ctx.args.shots, console=ctx.out)
