"""Shared helpers: the run context, timing, statistics, goals and table printing."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

AER = "EMU-AER-16C-128M"
QSIM = "EMU-QSIM-16C-128M"
CUDAQ = "EMU-CUDAQ-H100"
BELL_QASM = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n'


@dataclass
class Context:
    """What every benchmark gets: the emulator's URL and credentials, and the repetition budget."""

    url: str
    project_id: str
    secret_key: str
    quick: bool = False
    _client: Any = None
    _sessions: dict[str, Any] = field(default_factory=dict)
    _child: subprocess.Popen[str] | None = None
    _child_ctx: Context | None = None

    @property
    def creds(self) -> dict[str, str]:
        return {"url": self.url, "project_id": self.project_id, "secret_key": self.secret_key}

    def reps(self, quick: int, full: int) -> int:
        return quick if self.quick else full

    @property
    def client(self) -> Any:
        if self._client is None:
            from scaleway_qaas.core import QaaSClient

            self._client = QaaSClient(**self.creds)
        return self._client

    def session(self, platform: str = AER) -> Any:
        """The process's implicit core session on ``platform``, opened and running before any timing."""
        if platform not in self._sessions:
            from scaleway_qaas.core import implicit_session

            session = implicit_session(self.client, self.client.find_platform(platform))
            session.wait_until_running(30)
            self._sessions[platform] = session
        return self._sessions[platform]

    def process_emulator(self) -> Context:
        """A context on an emulator in a child process, started on first use.

        CUDA-Q's native target holds the GIL while its C++ code polls a job, so it
        deadlocks against the in-process emulator, whose HTTP thread needs the GIL.
        """
        if self._child_ctx is None:
            self._child = subprocess.Popen(
                [sys.executable, "-m", "scaleway_qaas.emulator", "--port", "0", "--seed", "1"],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            assert self._child.stdout is not None
            line = self._child.stdout.readline()
            url = next((w for w in line.split() if w.startswith("http://")), "")
            if not url:
                self.close()
                raise RuntimeError(f"the child emulator did not start: {line!r}")
            self._child_ctx = Context(url=url, project_id=self.project_id, secret_key=self.secret_key, quick=self.quick)
        return self._child_ctx

    def close(self) -> None:
        """Close the sessions this process opened on the emulators, then stop the child emulator."""
        from scaleway_qaas.core.managed import terminate_implicit_sessions

        terminate_implicit_sessions(self.url)
        if self._child_ctx is not None:
            terminate_implicit_sessions(self._child_ctx.url)
        if self._child is not None:
            self._child.terminate()
            self._child.wait(timeout=10)
            self._child = None


def timeit(fn: Callable[[], Any], n: int, warmup: int = 1) -> list[float]:
    """Run ``fn`` ``warmup`` times untimed, then ``n`` times; the durations in seconds."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100), linear interpolation between the closest ranks."""
    data = sorted(samples)
    if not data:
        return float("nan")
    pos = (len(data) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def stats(samples: Sequence[float]) -> dict[str, float]:
    """Median, p90, min, max and count of duration samples (seconds)."""
    return {
        "median": statistics.median(samples) if samples else float("nan"),
        "p90": percentile(samples, 90),
        "min": min(samples, default=float("nan")),
        "max": max(samples, default=float("nan")),
        "n": len(samples),
    }


def ms(seconds: float | None) -> str:
    if seconds is None or seconds != seconds:
        return "-"
    return f"{seconds * 1e3:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def ratio(value: float | None, base: float | None) -> str:
    if not value or not base:
        return "-"
    return f"{value / base:.2f}x"


def goal(ok: bool, text: str) -> str:
    """An informative PASS/MISS mark (never affects the exit code)."""
    return f"{'PASS' if ok else 'MISS'} ({text})"


def unavailable(exc: BaseException) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"n/a (adapter not available: {type(exc).__name__}: {first})"


def failed(exc: BaseException) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"error: {type(exc).__name__}: {first[:120]}"


def measure(factory: Callable[[], Callable[[], Any]], n: int, warmup: int = 1) -> dict[str, Any]:
    """Build a path (``n/a`` if its adapter does not import), warm it up, time it ``n`` times."""
    try:
        fn = factory()
    except ImportError as exc:
        return {"status": unavailable(exc)}
    except AttributeError as exc:  # the adapter is there, not yet this function of it
        return {"status": unavailable(exc) if "module" in str(exc) else failed(exc)}
    except Exception as exc:
        return {"status": failed(exc)}
    try:
        return {"status": "ok", **stats(timeit(fn, n, warmup))}
    except Exception as exc:  # a broken path is reported, the other paths still run
        return {"status": failed(exc)}


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], note: str = "") -> None:
    """A rich table when ``rich`` is installed, else aligned plain text."""
    cells = [[str(c) for c in row] for row in rows]
    try:
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table
    except ImportError:
        widths = [max([len(c)] + [len(r[i]) for r in cells if i < len(r)]) for i, c in enumerate(columns)]
        print(f"\n{title}")
        print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
        print("  ".join("-" * w for w in widths))
        for row in cells:
            print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)))
        if note:
            print(note)
        return
    table = Table(
        title=escape(title), title_justify="left", caption=escape(note) if note else None, caption_justify="left"
    )
    for i, col in enumerate(columns):  # text in [brackets] is ours, not rich markup
        table.add_column(escape(col), justify="left" if i == 0 else "right", overflow="fold")
    for row in cells:
        table.add_row(*(escape(c) for c in row))
    Console(width=160).print(table)
