"""The emulator's tables and the words of its rows: the SQLite schema, the statuses that count as live or
active, and the queries :class:`~.store.Store` runs to advance session life."""

from __future__ import annotations

import json
import uuid
from typing import Any

Row = dict[str, Any]

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, project_id TEXT, platform_id TEXT, name TEXT, status TEXT,
    created_at REAL, start_at REAL, started_at REAL, updated_at REAL, terminated_at REAL,
    max_idle REAL, max_duration REAL, tags TEXT, deduplication_id TEXT, progress_message TEXT,
    booking_id TEXT, model_id TEXT, parameters TEXT, last_activity REAL);
CREATE INDEX IF NOT EXISTS sessions_live ON sessions (status);
CREATE TABLE IF NOT EXISTS models (
    id TEXT PRIMARY KEY, project_id TEXT, payload TEXT, n_programs INTEGER, created_at REAL);
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, project_id TEXT, session_id TEXT,
    name TEXT, tags TEXT, model_id TEXT, parameters TEXT, status TEXT, progress_message TEXT,
    created_at REAL, started_at REAL, updated_at REAL, finished_at REAL);
CREATE INDEX IF NOT EXISTS jobs_session ON jobs (session_id, status);
CREATE INDEX IF NOT EXISTS jobs_session_seq ON jobs (session_id, project_id, seq);
CREATE INDEX IF NOT EXISTS jobs_project_seq ON jobs (project_id, seq);
CREATE TABLE IF NOT EXISTS results (
    job_id TEXT, idx INTEGER, result TEXT, created_at REAL, token TEXT UNIQUE,
    PRIMARY KEY (job_id, idx));
CREATE TABLE IF NOT EXISTS bookings (
    id TEXT PRIMARY KEY, project_id TEXT, platform_id TEXT, session_id TEXT, status TEXT,
    description TEXT, time_zone TEXT, progress_message TEXT,
    created_at REAL, started_at REAL, finished_at REAL, updated_at REAL);
CREATE TABLE IF NOT EXISTS bindings (token_hash TEXT PRIMARY KEY, project_id TEXT);
CREATE TABLE IF NOT EXISTS processes (
    id TEXT PRIMARY KEY, project_id TEXT, application_id TEXT, platform_id TEXT, name TEXT, status TEXT,
    tags TEXT, input TEXT, progress_message TEXT,
    created_at REAL, started_at REAL, updated_at REAL, finished_at REAL);
"""

#: The sessions :meth:`.store.Store.advance` may have to move at ``:now`` (the conditions of ``Store._advance_one``).
DUE_SESSIONS = """
SELECT * FROM sessions WHERE status IN ('starting', 'running', 'stopping') AND (
    status = 'stopping'
    OR (status = 'starting' AND start_at <= :now)
    OR (status = 'running' AND (COALESCE(started_at, start_at) + max_duration <= :now
                                OR last_activity + max_idle <= :now)))
"""

#: what the job counters need of the jobs deleted
JOB_KEYS = "SELECT id, session_id, project_id, status FROM jobs"

LIVE_SESSION = ("starting", "running")
ACTIVE_JOB = ("waiting", "running", "cancelling")
FINISHED_JOB = ("completed", "error", "cancelled")


def session_due(s: Row, now: float) -> bool:
    """Whether :meth:`.store.Store.advance` may have to move this session at ``now`` (as ``DUE_SESSIONS``)."""
    status = s["status"]
    if status == "stopping":
        return True
    if status == "starting":
        return bool(s["start_at"] <= now)
    if status == "running":
        started = s["started_at"] or s["start_at"]
        return bool(started + s["max_duration"] <= now or s["last_activity"] + s["max_idle"] <= now)
    return False


def new_id() -> str:
    return str(uuid.uuid4())


def dumps_tags(tags: list[str] | None) -> str:
    return json.dumps(tags or [])
