"""3. Many Bell jobs from the async API with bounded concurrency, vs the same jobs one after another."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from . import paths
from .common import AER, Context, goal, ms, percentile, print_table, stats

JOBS = 200
LEVELS = (16, 32)


async def _burst(session: Any, program: Any, jobs: int, concurrency: int) -> tuple[float, list[float]]:
    """Run ``jobs`` Bell jobs, at most ``concurrency`` in flight; (wall time, per-job latencies)."""
    gate = asyncio.Semaphore(concurrency)

    async def one() -> float:
        async with gate:
            start = time.perf_counter()
            job = await session.run_async([program], shots=1000)
            await job.result_async(timeout=120)
            return time.perf_counter() - start

    start = time.perf_counter()
    latencies = await asyncio.gather(*(one() for _ in range(jobs)))
    return time.perf_counter() - start, list(latencies)


def _figures(wall: float, latencies: list[float]) -> dict[str, Any]:
    return {"jobs": len(latencies), "wall_s": wall, "jobs_per_s": len(latencies) / wall,
            "p50": percentile(latencies, 50), "p99": percentile(latencies, 99), **stats(latencies)}


def run(ctx: Context) -> dict[str, Any]:
    from scaleway_qaas.core.loop import run_sync

    session = ctx.session(AER)
    program = paths.bell_program()
    run_sync(_burst(session, program, 8, 8))  # warm-up: connections, session, worker threads

    latencies = []
    start = time.perf_counter()
    for _ in range(JOBS):
        t = time.perf_counter()
        session.run([program], shots=1000).result()
        latencies.append(time.perf_counter() - t)
    base = _figures(time.perf_counter() - start, latencies)
    out: dict[str, Any] = {"jobs": JOBS, "baseline": base, "levels": {}}
    rows = [["sequential (baseline)", f"{base['jobs_per_s']:.1f}", ms(base["wall_s"]), ms(base["p50"]),
             ms(base["p99"]), "1.00x", goal(base["jobs_per_s"] >= 100, f"{base['jobs_per_s']:.0f}/s vs 100/s")]]
    for level in LEVELS:
        res = out["levels"][str(level)] = _figures(*run_sync(_burst(session, program, JOBS, level)))
        res["speedup"] = res["jobs_per_s"] / base["jobs_per_s"]
        rows.append([f"run_async, {level} in flight", f"{res['jobs_per_s']:.1f}", ms(res["wall_s"]), ms(res["p50"]),
                     ms(res["p99"]), f"{res['speedup']:.2f}x",
                     goal(res["jobs_per_s"] >= 100, f"{res['jobs_per_s']:.0f}/s vs 100/s")])
    print_table(f"3. concurrency: {JOBS} Bell jobs (1,000 shots) through Session.run_async",
                ["mode", "jobs/s", "wall", "p50 latency", "p99 latency", "vs sequential", "goal: >= 100 jobs/s"],
                rows)
    return out
