"""Import cost: ``import scaleway_qaas`` and its core must stay light (goal < 150 ms, no framework)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from .common import Context, goal, ms, print_table, stats

FRAMEWORKS = ("qiskit", "cirq", "pennylane", "cudaq", "httpx")
CASES = {
    "python -c pass (baseline)": "pass",
    "import scaleway_qaas": "import scaleway_qaas",
    "import scaleway_qaas.core": "import scaleway_qaas.core",
    "from scaleway_qaas.core import QaaSClient": "from scaleway_qaas.core import QaaSClient",
}
PROBE = (
    "import sys, time; t = time.perf_counter(); {stmt}; dt = time.perf_counter() - t; "
    "print(dt, ','.join(m for m in {frameworks!r} if m in sys.modules))"
)


def _once(stmt: str) -> tuple[float, str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(stmt=stmt, frameworks=FRAMEWORKS)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), (out[1] if len(out) > 1 else "")


def run(ctx: Context) -> dict[str, Any]:
    n = ctx.reps(5, 15)
    results: dict[str, Any] = {}
    rows = []
    for label, stmt in CASES.items():
        samples, loaded = [], ""
        for _ in range(n):
            seconds, loaded = _once(stmt)
            samples.append(seconds)
        figures = {**stats(samples), "loaded": loaded}
        results[label] = figures
        frameworks_loaded = [m for m in loaded.split(",") if m and m != "httpx"]
        if stmt == "pass":
            verdict = "baseline"
        elif "QaaSClient" in stmt:
            verdict = f"informative: a client needs httpx (loads {loaded or 'nothing else'})"
        else:
            verdict = goal(
                figures["median"] < 0.150 and not frameworks_loaded,
                f"{ms(figures['median'])} vs 150 ms; loads {loaded or 'no framework, no httpx'}",
            )
        rows.append([label, ms(figures["median"]), ms(figures["p90"]), verdict])
    print_table(
        f"0. imports: time of the import statement in a fresh interpreter, {n} runs",
        ["statement", "median", "p90", "goal: < 150 ms, no quantum framework"],
        rows,
    )
    return {"status": "ok", "repetitions": n, "cases": results}
