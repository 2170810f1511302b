"""The journal of submissions: which remote jobs carry which run, so that a rerun after a crash reattaches
to them instead of paying for them twice (see ``docs/resume.md``).

A run is named by its content key (:func:`content_key`: platform, programs, shots, options, noise model,
label), sent with its jobs as tags (:func:`tags`). The journal is one SQLite file
(:func:`.config.journal_path`) shared by the user's processes: WAL, and one ``BEGIN IMMEDIATE``
transaction that claims a key, so that two processes never both submit it. Each entry holds its parts
(job id, session, program indices) as they are created, the process that owns it, and when its results
were delivered (returned to the user). An entry is *held* while a live :class:`~.job.Job` of its owner
process may still deliver it; a held entry is never reattached by another run of the same process.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from .wire import NoiseModel, Program

KEY_TAG = "qaas-key:"
LABEL_TAG = "qaas-label:"
PART_TAG = "qaas-part:"
#: longest label accepted (it travels as a job tag)
MAX_LABEL = 200
#: delivered entries older than this are dropped when a key is claimed
KEEP_DELIVERED = 30 * 86400.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, api_url TEXT NOT NULL, project_id TEXT NOT NULL, key TEXT NOT NULL,
    label TEXT, platform TEXT NOT NULL, n_parts INTEGER NOT NULL, created_at REAL NOT NULL, owner TEXT NOT NULL,
    delivered_at REAL);
CREATE INDEX IF NOT EXISTS entries_key ON entries (key, api_url, project_id);
CREATE TABLE IF NOT EXISTS parts (
    entry INTEGER NOT NULL, part INTEGER NOT NULL, job_id TEXT NOT NULL, session_id TEXT, indices TEXT NOT NULL,
    PRIMARY KEY (entry, part));
"""


def content_key(
    platform: str,
    programs: Sequence[Program],
    shots: Sequence[int],
    options: dict[str, Any],
    noise_model: NoiseModel | None = None,
    label: str | None = None,
) -> str:
    """The sha256 (hex) of a run's canonical JSON: programs by format and decompressed text (so that
    compression does not matter), one shot count per program, options sorted."""
    document = {
        "v": 1,
        "platform": platform,
        "programs": [[int(p.serialization_format), p.text()] for p in programs],
        "shots": [int(s) for s in shots],
        "options": options,
        "noise_model": [int(noise_model.serialization_format), noise_model.text()] if noise_model else None,
        "label": label,
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def tags(key: str, label: str | None, part: int, n_parts: int) -> list[str]:
    """The tags of part ``part`` (0-based) of ``n_parts`` of the run ``key``."""
    return [KEY_TAG + key, f"{PART_TAG}{part}/{n_parts}", *([LABEL_TAG + label] if label else [])]


def part_of(job_tags: Sequence[str] | None, key: str, n_parts: int) -> int | None:
    """Which part of the run ``key`` a job is, from its tags (None: not one of its parts)."""
    found = list(job_tags or ())
    if KEY_TAG + key not in found:
        return None
    for tag in found:
        if tag.startswith(PART_TAG):
            number, _, total = tag[len(PART_TAG) :].partition("/")
            if number.isdigit() and total == str(n_parts) and int(number) < n_parts:
                return int(number)
    return None


# --- the owner process ----------------------------------------------------------------------------


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks (Linux), "" where unknown, None if it is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None if Path("/proc/self/stat").exists() else ""
    except OSError:
        return ""
    fields = stat[stat.rfind(")") + 2 :].split()
    return None if fields[0] in ("Z", "X") else fields[19]


def owner_token() -> str:
    """This process: host, pid and start time."""
    pid = os.getpid()
    return f"{socket.gethostname()}|{pid}|{_start_time(pid) or ''}"


def is_alive(owner: str) -> bool:
    """Whether the owner process still runs (a process of another host counts as gone)."""
    host, _, rest = owner.partition("|")
    pid_text, _, start = rest.partition("|")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    now = _start_time(pid)
    return now is not None and (not start or not now or now == start)


# --- entries ------------------------------------------------------------------------------------


@attrs.frozen
class Part:
    """One job of a run: its place among the run's jobs, its id, session and program indices."""

    number: int
    job_id: str
    session_id: str | None
    indices: tuple[int, ...]


@attrs.frozen
class JournalEntry:
    """A run in the journal."""

    id: int
    api_url: str
    project_id: str
    key: str
    label: str | None
    platform: str
    n_parts: int
    created_at: float
    owner: str
    delivered_at: float | None
    parts: dict[int, Part] = attrs.field(factory=dict)


_held: set[tuple[str, int]] = set()
_held_lock = threading.Lock()


def _forget_held() -> None:
    """In a forked child: the parent's jobs are not this process's (its owner token differs too)."""
    global _held_lock
    _held_lock = threading.Lock()
    _held.clear()


os.register_at_fork(after_in_child=_forget_held)


def release(path: str, entry_id: int) -> None:
    """The entry is no longer held by a live job of this process: a rerun may reattach to it."""
    with _held_lock:
        _held.discard((path, entry_id))


class Journal:
    """The journal file at ``path`` (created on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _db(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            db.row_factory = sqlite3.Row
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    @staticmethod
    def _entry(db: sqlite3.Connection, row: sqlite3.Row) -> JournalEntry:
        parts = {
            p["part"]: Part(p["part"], p["job_id"], p["session_id"], tuple(json.loads(p["indices"])))
            for p in db.execute("SELECT * FROM parts WHERE entry = ?", (row["id"],))
        }
        return JournalEntry(**dict(row), parts=parts)

    def claim(
        self, api_url: str, project_id: str, key: str, label: str | None, platform: str, n_parts: int
    ) -> tuple[JournalEntry, str]:
        """The entry a run of ``key`` goes on, and how: "new" (nothing to reattach), "resumed" (an entry
        whose owner is gone, or released in this process: now ours) or "shared" (another live process
        is running it: wait for its parts). Entries held in this process are skipped (a deliberate repeat)."""
        me, now = owner_token(), time.time()
        with self._db(write=True) as db:
            db.execute(
                "DELETE FROM parts WHERE entry IN (SELECT id FROM entries WHERE delivered_at < ?)",
                (now - KEEP_DELIVERED,),
            )
            db.execute("DELETE FROM entries WHERE delivered_at < ?", (now - KEEP_DELIVERED,))
            rows = db.execute(
                "SELECT * FROM entries WHERE key = ? AND api_url = ? AND project_id = ? AND delivered_at IS NULL "
                "AND n_parts = ? ORDER BY id",
                (key, api_url, project_id, n_parts),
            ).fetchall()
            for row in rows:
                with _held_lock:
                    if (str(self.path), row["id"]) in _held:
                        continue
                    if row["owner"] != me and is_alive(row["owner"]):
                        return self._entry(db, row), "shared"
                    _held.add((str(self.path), row["id"]))
                db.execute("UPDATE entries SET owner = ? WHERE id = ?", (me, row["id"]))
                return attrs.evolve(self._entry(db, row), owner=me), "resumed"
            cursor = db.execute(
                "INSERT INTO entries (api_url, project_id, key, label, platform, n_parts, created_at, owner) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (api_url, project_id, key, label, platform, n_parts, now, me),
            )
            entry_id = int(cursor.lastrowid or 0)
            with _held_lock:
                _held.add((str(self.path), entry_id))
            row = db.execute("SELECT * FROM entries WHERE id = ?", (entry_id,)).fetchone()
            return self._entry(db, row), "new"

    def get(self, entry_id: int) -> JournalEntry | None:
        with self._db() as db:
            row = db.execute("SELECT * FROM entries WHERE id = ?", (entry_id,)).fetchone()
            return self._entry(db, row) if row is not None else None

    def record(self, entry_id: int, part: Part) -> None:
        """Write a created (or recreated) job of the entry."""
        with self._db(write=True) as db:
            db.execute(
                "INSERT OR REPLACE INTO parts (entry, part, job_id, session_id, indices) VALUES (?, ?, ?, ?, ?)",
                (entry_id, part.number, part.job_id, part.session_id, json.dumps(list(part.indices))),
            )

    def delivered(self, entry_id: int) -> None:
        """The entry's results were returned to the user: a rerun of its key runs anew."""
        release(str(self.path), entry_id)
        with self._db(write=True) as db:
            db.execute(
                "UPDATE entries SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL", (time.time(), entry_id)
            )

    def known_jobs(self, api_url: str, project_id: str, key: str) -> set[str]:
        """Every job id recorded for ``key`` (delivered or not)."""
        with self._db() as db:
            rows = db.execute(
                "SELECT job_id FROM parts JOIN entries ON parts.entry = entries.id "
                "WHERE key = ? AND api_url = ? AND project_id = ?",
                (key, api_url, project_id),
            )
            return {r["job_id"] for r in rows}

    def entries(self, key: str | None = None, label: str | None = None) -> list[JournalEntry]:
        """Entries, oldest first; those of a key (or key prefix) or a label."""
        where, args = ["1"], []
        if key:
            where.append("key LIKE ?")
            args.append(key.replace("%", "").replace("_", "") + "%")
        if label is not None:
            where.append("label = ?")
            args.append(label)
        if not self.path.exists():
            return []
        with self._db() as db:
            rows = db.execute(f"SELECT * FROM entries WHERE {' AND '.join(where)} ORDER BY id", args).fetchall()
            return [self._entry(db, r) for r in rows]

    def clear(self, key: str | None = None) -> int:
        """Forget every entry (or those of a key prefix); returns how many were dropped."""
        if not self.path.exists():
            return 0
        ids = [e.id for e in self.entries(key)]
        with self._db(write=True) as db:
            for entry_id in ids:
                db.execute("DELETE FROM parts WHERE entry = ?", (entry_id,))
                db.execute("DELETE FROM entries WHERE id = ?", (entry_id,))
        return len(ids)
