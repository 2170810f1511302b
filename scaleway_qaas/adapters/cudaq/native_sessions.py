"""The sessions CUDA-Q's native target opens for a target set up by :func:`.target.set_target`,
terminated when the interpreter exits (as the core terminates the sessions it opens for its runs).

CUDA-Q's C++ helper opens its sessions itself and never terminates them; it names them
``qs-cudaq-<n>`` with an unseeded ``std::rand()``, the same number in every process, so a name
identifies nothing. ``set_target`` therefore gives the target a deduplication id of its own,
``scaleway-qaas-cudaq-<random>``, when the user gives none: the helper sends it with every session it
creates, and at exit the sessions still open that carry it are found through the API and terminated.
A deduplication id the user gives is shared on purpose (other processes may join the session): those
sessions are left to their own limits.
"""

from __future__ import annotations

import atexit
import logging
import uuid

from ...core.config import Config
from ...core.errors import QaaSError
from ...core.records import SessionInfo, from_api
from ...core.requests import call_at_exit

log = logging.getLogger("scaleway_qaas.session")

PREFIX = "scaleway-qaas-cudaq-"
#: deduplication id -> the configuration of the target that uses it
_targets: dict[str, Config] = {}


def own_deduplication_id(config: Config) -> str:
    """A fresh deduplication id for a target set up with ``config``; its sessions are terminated at exit."""
    if not _targets:
        atexit.register(terminate_native_sessions)
    dedup = f"{PREFIX}{uuid.uuid4().hex[:16]}"
    _targets[dedup] = config
    return dedup


def terminate_native_sessions() -> list[str]:
    """Terminate the open sessions of the targets :func:`.set_target` set up (done at exit); their ids."""
    closed = []
    for dedup, config in list(_targets.items()):
        try:
            for session in _open_sessions(config, dedup):
                call_at_exit(config, "POST", f"/sessions/{session.id}/terminate")
                closed.append(session.id)
        except QaaSError as exc:  # unreachable or refused: the session ends at its own limits
            log.warning("could not terminate the CUDA-Q target's sessions (%s): %s", dedup, exc)
    return closed


def _open_sessions(config: Config, dedup: str) -> list[SessionInfo]:
    """The project's open sessions carrying ``dedup``, newest first (a target's are among the newest)."""
    found, page = [], 1
    while True:
        params = {"project_id": config.project_id, "page": page, "page_size": 100, "order_by": "created_at_desc"}
        body = call_at_exit(config, "GET", "/sessions", params=params) or {}
        sessions = [from_api(SessionInfo, s) for s in body.get("sessions") or ()]
        found += [s for s in sessions if s.deduplication_id == dedup and s.is_open]
        if len(sessions) < 100:
            return found
        page += 1
