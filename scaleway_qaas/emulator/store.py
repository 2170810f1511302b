"""SQLite state of the emulator: sessions, models, jobs, results, bookings.

One connection guarded by a lock serves both ``:memory:`` and file databases
(WAL mode for files, so committed state survives a SIGKILL). Times are stored
as UNIX floats; the HTTP layer renders them. Session life (start delay,
``max_duration``, ``max_idle_duration``, stopping -> stopped) advances in
:meth:`Store.advance`, called by the housekeeping thread every tick; a request
that reads or uses one session advances that session alone (a check on the row
it fetched anyway), so no request pays for the other sessions.

Nothing a request does costs more as a session or project accumulates jobs:
lists of jobs walk an index in ``seq`` order, and the job counts (a session's
``waiting_job_count`` and ``finished_job_count``, the ``total_count`` of job
lists) come from counters kept in memory next to every status change, rebuilt
from the jobs table when the store opens.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from .schema import (
    ACTIVE_JOB,
    DUE_SESSIONS,
    FINISHED_JOB,
    JOB_KEYS,
    LIVE_SESSION,
    SCHEMA,
    Row,
    session_due,
)

_MAX_CACHED_BINDINGS = 10_000


class Store:
    """Thread-safe access to the emulator's tables."""

    def __init__(self, path: str = ":memory:") -> None:
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._bindings: dict[str, str] = {}  # token -> project, read through to the bindings table
        self._job_counts: dict[str, dict[str, int]] = {}  # session -> status -> number of its jobs
        self._project_jobs: dict[str, int] = {}  # project -> number of its jobs
        self._load_counts()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- low level -------------------------------------------------------------------

    def _load_counts(self) -> None:
        """Rebuild the job counters from the jobs table (on open and after a recovery)."""
        counts: dict[str, dict[str, int]] = {}
        projects: dict[str, int] = {}
        query = "SELECT session_id, project_id, status, COUNT(*) FROM jobs GROUP BY session_id, project_id, status"
        for session_id, project_id, status, n in self._db.execute(query):
            by_status = counts.setdefault(session_id, {})
            by_status[status] = by_status.get(status, 0) + n
            projects[project_id] = projects.get(project_id, 0) + n
        self._job_counts, self._project_jobs = counts, projects

    def _moved(self, session_id: str, old: str | None, new: str | None, n: int = 1) -> None:
        """Count ``n`` jobs of a session leaving status ``old`` for ``new`` (None: created, deleted)."""
        if n <= 0:
            return
        by_status = self._job_counts.setdefault(session_id, {})
        if old is not None:
            by_status[old] = by_status.get(old, 0) - n
        if new is not None:
            by_status[new] = by_status.get(new, 0) + n

    def _one(self, sql: str, args: Sequence[Any] = ()) -> Row | None:
        cursor = self._db.execute(sql, args)
        row = cursor.fetchone()
        return dict(zip(_columns(cursor), row, strict=True)) if row else None

    def _all(self, sql: str, args: Sequence[Any] | dict[str, Any] = ()) -> list[Row]:
        cursor = self._db.execute(sql, args)
        rows = cursor.fetchall()
        columns = _columns(cursor)
        return [dict(zip(columns, r, strict=True)) for r in rows]

    def _insert(self, table: str, row: Row) -> None:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self._db.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values()))

    def _update(self, table: str, key: str, fields: Row) -> None:
        sets = ", ".join(f"{k} = ?" for k in fields)
        self._db.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*fields.values(), key])

    def page(
        self, table: str, where: Row, order: str, page: int, size: int, tags: Sequence[str] = ()
    ) -> tuple[int, list[Row]]:
        """Rows of ``table`` matching ``where`` (column -> value) and holding every tag of ``tags``:
        one page, and the total count."""
        conds = [f"{k} = ?" for k in where]
        conds += ["EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ?)" for _ in tags]
        cond = " AND ".join(conds) or "1"
        args = [*where.values(), *tags]
        with self._lock:
            total = None if tags else self._counted_total(table, where)
            if total is None:
                total = self._db.execute(f"SELECT COUNT(*) FROM {table} WHERE {cond}", args).fetchone()[0]
            rows = self._all(
                f"SELECT * FROM {table} WHERE {cond} ORDER BY {order} LIMIT ? OFFSET ?",
                [*args, size, (page - 1) * size],
            )
        return total, rows

    def _counted_total(self, table: str, where: Row) -> int | None:
        """The number of jobs of a session or of a project, from the counters (None: count the rows)."""
        if table != "jobs":
            return None
        if set(where) == {"project_id", "session_id"}:  # a session's jobs are all of the session's project
            return sum(self._job_counts.get(where["session_id"], {}).values())
        if set(where) == {"project_id"}:
            return self._project_jobs.get(where["project_id"], 0)
        return None

    # -- token bindings (open mode) ------------------------------------------------------

    def bound_project(self, token: str, project_id: str | None) -> str | None:
        """The project a token is bound to; binds it to ``project_id`` on first use."""
        bound = self._bindings.get(token)  # a binding never changes once made
        if bound is not None:
            return bound
        digest = hashlib.sha256(token.encode()).hexdigest()
        with self._lock:
            row = self._one("SELECT project_id FROM bindings WHERE token_hash = ?", (digest,))
            if row:
                bound = str(row["project_id"])
            elif project_id:
                self._insert("bindings", {"token_hash": digest, "project_id": project_id})
                bound = project_id
            if bound is not None:
                if len(self._bindings) >= _MAX_CACHED_BINDINGS:
                    self._bindings.clear()
                self._bindings[token] = bound
            return bound or project_id

    # -- sessions --------------------------------------------------------------------------

    def create_session(self, row: Row, booking: Row | None) -> tuple[Row, bool]:
        """Insert a session, or return the live one with the same deduplication id (``created`` False)."""
        with self._lock:
            if row["deduplication_id"]:
                self.advance(time.time())
                found = self._one(
                    "SELECT * FROM sessions WHERE project_id = ? AND platform_id = ? AND deduplication_id = ?"
                    " AND status IN ('starting', 'running') ORDER BY created_at DESC LIMIT 1",
                    (row["project_id"], row["platform_id"], row["deduplication_id"]),
                )
                if found:
                    return found, False
            self._db.execute("BEGIN")
            if booking:
                self._insert("bookings", booking)
            self._insert("sessions", row)
            self._db.execute("COMMIT")
            return row, True

    def get(self, table: str, key: str, columns: str = "*") -> Row | None:
        """One row by id (``columns``: a SQL column list); a session read is advanced first if due."""
        with self._lock:
            if table == "sessions":
                return self._session(key, time.time())
            return self._one(f"SELECT {columns} FROM {table} WHERE id = ?", (key,))

    def _session(self, session_id: str, now: float) -> Row | None:
        """A session's row, advanced to ``now`` if it is due for a change."""
        row = self._one("SELECT * FROM sessions WHERE id = ?", (session_id,))
        if row is not None and session_due(row, now):
            self._advance_one(row, now)
            row = self._one("SELECT * FROM sessions WHERE id = ?", (session_id,))
        return row

    def update(self, table: str, key: str, fields: Row) -> None:
        with self._lock:
            self._update(table, key, fields)

    def delete(self, table: str, key: str) -> None:
        """Delete a row that nothing else refers to (a process)."""
        with self._lock:
            self._db.execute(f"DELETE FROM {table} WHERE id = ?", (key,))

    def job_counts(self, session_id: str) -> tuple[int, int]:
        """(waiting, finished) job counts of a session."""
        counts = dict(self._job_counts.get(session_id, ()))  # one atomic copy: a consistent snapshot
        return counts.get("waiting", 0), sum(counts.get(s, 0) for s in FINISHED_JOB)

    def terminate_session(self, session_id: str, reason: str, now: float) -> None:
        """Stop a session: cancel its waiting jobs, mark running ones ``cancelling``."""
        with self._lock:
            self._db.execute("BEGIN")
            self._stop(session_id, reason, now)
            self._db.execute("COMMIT")

    def _stop(self, session_id: str, reason: str, now: float) -> None:
        self._update(
            "sessions",
            session_id,
            {"status": "stopping", "terminated_at": now, "updated_at": now, "progress_message": reason},
        )
        cancelled = self._db.execute(
            "UPDATE jobs SET status = 'cancelled', progress_message = ?, updated_at = ?, finished_at = ?"
            " WHERE session_id = ? AND status = 'waiting'",
            (f"cancelled: session {reason}", now, now, session_id),
        ).rowcount
        self._moved(session_id, "waiting", "cancelled", cancelled)
        cancelling = self._db.execute(
            "UPDATE jobs SET status = 'cancelling', updated_at = ? WHERE session_id = ? AND status = 'running'",
            (now, session_id),
        ).rowcount
        self._moved(session_id, "running", "cancelling", cancelling)
        self._db.execute(
            "UPDATE bookings SET status = 'cancelled', updated_at = ? WHERE session_id = ?"
            " AND status IN ('waiting', 'validating', 'validated')",
            (now, session_id),
        )

    def delete_session(self, session_id: str) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            self._delete_jobs(self._all(f"{JOB_KEYS} WHERE session_id = ?", (session_id,)))
            self._db.execute("DELETE FROM bookings WHERE session_id = ?", (session_id,))
            self._db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            self._db.execute("COMMIT")

    def advance(self, now: float) -> None:
        """Move every live session along: start, expire (duration, idle), finish stopping."""
        with self._lock:
            for s in self._all(DUE_SESSIONS, {"now": now}):
                self._advance_one(s, now)

    def next_deadline(self) -> float | None:
        """The earliest time :meth:`advance` may have to move a session (None: no live session)."""
        with self._lock:
            row = self._db.execute(
                "SELECT MIN(CASE status WHEN 'stopping' THEN 0 WHEN 'starting' THEN start_at"
                " ELSE MIN(COALESCE(started_at, start_at) + max_duration, last_activity + max_idle) END)"
                " FROM sessions WHERE status IN ('starting', 'running', 'stopping')"
            ).fetchone()
        return None if row[0] is None else float(row[0])

    def _advance_one(self, s: Row, now: float) -> None:
        sid = s["id"]
        if s["status"] == "starting" and now >= s["start_at"]:
            s["status"] = "running"
            self._update("sessions", sid, {"status": "running", "started_at": s["start_at"], "updated_at": now})
        if s["status"] == "running":
            started = s["started_at"] or s["start_at"]
            if now >= started + s["max_duration"]:
                self.terminate_session(sid, "reached its max_duration", now)
            elif now >= s["last_activity"] + s["max_idle"] and not self._has_jobs(sid, ACTIVE_JOB):
                self.terminate_session(sid, "was idle longer than its max_idle_duration", now)
        elif s["status"] == "stopping" and not self._has_jobs(sid, ("running", "cancelling")):
            self._update("sessions", sid, {"status": "stopped", "updated_at": now})

    def _has_jobs(self, session_id: str, statuses: Iterable[str]) -> bool:
        marks = ", ".join("?" for _ in statuses)
        row = self._db.execute(
            f"SELECT 1 FROM jobs WHERE session_id = ? AND status IN ({marks}) LIMIT 1", (session_id, *statuses)
        ).fetchone()
        return row is not None

    # -- models and jobs ---------------------------------------------------------------------

    def insert(self, table: str, row: Row) -> None:
        with self._lock:
            self._insert(table, row)
            if table == "jobs":
                self._created(row)

    def _created(self, job: Row) -> None:
        self._moved(job.get("session_id") or "", None, job.get("status"))
        project = job.get("project_id") or ""
        self._project_jobs[project] = self._project_jobs.get(project, 0) + 1

    def create_job(self, row: Row, now: float) -> str | None:
        """Insert a job if its session is live; return the session status that refused it otherwise."""
        with self._lock:
            session = self._session(row["session_id"], now)
            if session is None or session["status"] not in LIVE_SESSION:
                return session["status"] if session else "deleted"
            self._db.execute("BEGIN")
            self._insert("jobs", row)
            self._update("sessions", row["session_id"], {"last_activity": now, "updated_at": now})
            self._db.execute("COMMIT")
            self._created(row)
            return None

    def cancel_job(self, job_id: str, now: float) -> None:
        with self._lock:
            job = self._one("SELECT session_id, status FROM jobs WHERE id = ?", (job_id,))
            if job is None:
                return
            if job["status"] == "waiting":
                self._db.execute(
                    "UPDATE jobs SET status = 'cancelled', progress_message = 'cancelled by the user',"
                    " updated_at = ?, finished_at = ? WHERE id = ?",
                    (now, now, job_id),
                )
                self._moved(job["session_id"], "waiting", "cancelled")
            elif job["status"] == "running":
                self._db.execute("UPDATE jobs SET status = 'cancelling', updated_at = ? WHERE id = ?", (now, job_id))
                self._moved(job["session_id"], "running", "cancelling")

    def delete_job(self, job_id: str) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            self._delete_jobs(self._all(f"{JOB_KEYS} WHERE id = ?", (job_id,)))
            self._db.execute("COMMIT")

    def _delete_jobs(self, jobs: list[Row]) -> None:
        """Delete jobs (rows with their id, session_id, project_id and status) and their results."""
        for job in jobs:
            self._db.execute("DELETE FROM results WHERE job_id = ?", (job["id"],))
            self._db.execute("DELETE FROM jobs WHERE id = ?", (job["id"],))
            self._moved(job["session_id"], job["status"], None)
            project = job["project_id"]
            self._project_jobs[project] = self._project_jobs.get(project, 0) - 1

    def claim_job(self, job_id: str, now: float) -> tuple[Row, Row, Row | None] | float | None:
        """Mark a waiting job running; returns (job, session, model), a start time to wait for, or None."""
        with self._lock:
            job = self._one("SELECT * FROM jobs WHERE id = ?", (job_id,))
            if job is None or job["status"] != "waiting":
                return None
            session = self._session(job["session_id"], now)
            if session is None:
                return None
            if session["status"] not in LIVE_SESSION:  # a stopped session runs nothing (its waiting jobs were
                return None  # cancelled when it stopped; a test may leave some waiting, as a service might)
            if session["status"] == "starting":
                return float(session["start_at"])
            model = self._one("SELECT * FROM models WHERE id = ?", (job["model_id"],))
            fields = {"status": "running", "started_at": now, "updated_at": now, "progress_message": "running"}
            self._update("jobs", job_id, fields)
            self._moved(job["session_id"], "waiting", "running")
            job.update(fields)
            return job, session, model

    def finish_job(self, job: Row, status: str, message: str, results: list[str], now: float) -> None:
        """Record a job's outcome; a job cancelled meanwhile stays cancelled and keeps no result."""
        rows = [(job["id"], i, text, now, uuid.uuid4().hex) for i, text in enumerate(results)]  # outside the lock
        with self._lock:
            current = self._one("SELECT status FROM jobs WHERE id = ?", (job["id"],))
            if current is None:
                return
            self._db.execute("BEGIN")
            if current["status"] == "cancelling":
                status, message, rows = "cancelled", "cancelled while running", []
            self._db.executemany(
                "INSERT INTO results (job_id, idx, result, created_at, token) VALUES (?, ?, ?, ?, ?)", rows
            )
            fields = {"status": status, "progress_message": message, "updated_at": now, "finished_at": now}
            self._update("jobs", job["id"], fields)
            self._update("sessions", job["session_id"], {"last_activity": now, "updated_at": now})
            self._db.execute("COMMIT")
            self._moved(job["session_id"], current["status"], status)

    def results(self, job_id: str) -> list[Row]:
        with self._lock:
            return self._all("SELECT * FROM results WHERE job_id = ? ORDER BY idx", (job_id,))

    def download(self, token: str) -> str | None:
        with self._lock:
            row = self._one("SELECT result FROM results WHERE token = ?", (token,))
        return row["result"] if row else None

    def recover(self, now: float) -> list[str]:
        """After a restart: re-queue interrupted jobs; return every waiting job id, oldest first."""
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute(
                "UPDATE jobs SET status = 'waiting', started_at = NULL, updated_at = ?,"
                " progress_message = 're-queued after an emulator restart' WHERE status = 'running'",
                (now,),
            )
            self._db.execute(
                "UPDATE jobs SET status = 'cancelled', updated_at = ?, finished_at = ?,"
                " progress_message = 'cancelled while the emulator restarted' WHERE status = 'cancelling'",
                (now, now),
            )
            self._db.execute("COMMIT")
            self._load_counts()
            self.advance(now)
            return [r["id"] for r in self._all("SELECT id FROM jobs WHERE status = 'waiting' ORDER BY seq")]


def _columns(cursor: sqlite3.Cursor) -> list[str]:
    return [d[0] for d in cursor.description]
