"""What every command gets: parsed arguments, consoles, a lazily built client."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from ..core import Config, QaaSClient


class UsageError(Exception):
    """The command line, a file or an answer of the user is wrong (exit code 1)."""


class Context:
    """Arguments, output consoles and the API client of one command run."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._client: QaaSClient | None = None

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    @cached_property
    def out(self) -> Console:
        """Console on stdout (wide when piped, so that ids are never cut)."""
        return _console(sys.stdout)

    @cached_property
    def err(self) -> Console:
        """Console on stderr, for progress, prompts and notes."""
        return _console(sys.stderr)

    @cached_property
    def config(self) -> Config:
        """Credentials from the flags, then SCW_* variables, then the config file."""
        from ..core import resolve_config

        a = self.args
        return resolve_config(secret_key=a.secret_key, project_id=a.project_id, url=a.url, profile=a.profile)

    @property
    def client(self) -> QaaSClient:
        if self._client is None:
            from ..core import QaaSClient

            self._client = QaaSClient(self.config)
        return self._client

    def print_json(self, data: Any) -> None:
        """Plain JSON on stdout (never wrapped or coloured)."""
        import json

        sys.stdout.write(json.dumps(data, indent=2, sort_keys=False) + "\n")
        sys.stdout.flush()

    @property
    def stdin_is_tty(self) -> bool:
        try:
            return sys.stdin is not None and sys.stdin.isatty()
        except (ValueError, OSError):
            return False

    def close(self) -> None:
        if self._client is not None:
            with contextlib.suppress(Exception):  # closing must never hide the command's outcome
                self._client.close()
            self._client = None


def _console(stream: Any) -> Console:
    """A rich console on ``stream``, 200 columns wide when it is not a terminal and COLUMNS is unset."""
    from rich.console import Console

    console = Console(file=stream, highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(file=stream, highlight=False, width=200)
    return console
