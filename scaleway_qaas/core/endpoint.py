"""``use_endpoint``: every client and adapter made in a ``with`` block talks to one endpoint, only there.

It sits above the managed sessions (:mod:`.managed`): at the block's end, the sessions the package
opened against that endpoint during the block are terminated (an emulator about to stop, typically).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .config import Config, endpoint_override
from .managed import terminate_implicit_sessions


@contextmanager
def use_endpoint(url: str, secret_key: str, project_id: str) -> Iterator[Config]:
    """Point every client and adapter created in the block without ``url=`` at ``url`` (with these
    credentials), whatever ``SCW_*`` variables or the config file say; yields that configuration.

    Process-wide (threads and the core's loop see it too) and nestable; at the end, the previous
    resolution is back and the managed sessions opened against ``url`` are terminated.
    """
    with endpoint_override(url, secret_key, project_id) as config:
        try:
            yield config
        finally:
            terminate_implicit_sessions(config.api_url)
