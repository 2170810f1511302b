"""The headline figures of issue #16, gathered from the benchmarks of the run into one last table."""

from __future__ import annotations

from typing import Any

from .common import goal, ms, print_table

NATIVE = "cudaq native target sample()"
P90_GOAL = 0.100  # s


def _p90_row(label: str, res: dict[str, Any] | None, note: str = "") -> list[str]:
    if not res or res.get("status") != "ok":
        return [label, (res or {}).get("status", "not run"), "-"]
    return [
        label,
        f"p90 {ms(res['p90'])} (median {ms(res['median'])})",
        goal(res["p90"] < P90_GOAL, f"{res['p90'] * 1e3:.0f} ms vs {P90_GOAL * 1e3:.0f} ms{note}"),
    ]


def print_summary(results: dict[str, Any]) -> None:
    rows = []
    first = results.get("firstresult", {})
    if "ratio" in first:
        rows.append(
            [
                "first result: whole Qiskit script vs bare Aer script",
                f"{ms(first['emulator_qiskit']['median'])} vs {ms(first['bare_aer']['median'])}",
                goal(first["goal_met"], f"{first['ratio']:.2f}x vs {first['goal']}x"),
            ]
        )
    throughput = results.get("throughput", {})
    if "speedup" in throughput:
        rows.append(
            [
                f"throughput: {throughput['jobs']} CPU-bound jobs, 2 engines vs 1",
                f"{throughput['jobs_per_s'][1]:.1f} -> {throughput['jobs_per_s'][2]:.1f} jobs/s",
                goal(throughput["goal_met"], f"{throughput['speedup']:.2f}x vs {throughput['goal']}x"),
            ]
        )
    latency = results.get("latency", {})
    if "paths" in latency:
        rows.append(_p90_row("CUDA-Q native target, Bell (emulator in a child process)", latency["paths"].get(NATIVE)))
        for name, res in latency.get("official", {}).items():
            note = "; sleeps 2 s before its first poll" if "cirq" in name else ""
            rows.append(_p90_row(name, res, note))
    rows.append(["500 jobs under 20% faults", "pytest -m stress (see README)", "measured by the stress test"])
    if rows:
        print_table("issue #16: the headline figures of this run", ["figure", "value", "goal"], rows)
