"""6. Latency of one job as its programs and its shots grow; table and benchmarks/results/scaling.png."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from scaleway_qaas.core import run_in

from . import paths
from .common import AER, Context, goal, measure, ms, print_table

PROGRAMS = (1, 10, 100, 1000)
SHOTS = (10**2, 10**3, 10**4, 10**5, 10**6)
PNG = Path(__file__).parent / "results" / "scaling.png"


def slope(xs: list[float], ys: list[float]) -> float:
    """Log-log slope between the two largest sizes (1.0: linear; small sizes are fixed-cost dominated)."""
    return math.log(ys[-1] / ys[-2]) / math.log(xs[-1] / xs[-2])


def plot(series: dict[str, tuple[list[float], list[float]]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(series), figsize=(5 * len(series), 4))
    for ax, (label, (xs, ys)) in zip(axes, series.items(), strict=True):
        ax.loglog(xs, [y * 1e3 for y in ys], "o-", label="measured")
        ax.loglog(xs, [ys[0] * 1e3 * x / xs[0] for x in xs], ":", color="grey", label="linear from first point")
        ax.set_xlabel(label)
        ax.set_ylabel("job latency (ms, median)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle(f"scaleway-qaas: one job on {AER} through the local emulator")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def run(ctx: Context) -> dict[str, Any]:
    n = ctx.reps(1, 5)
    session = ctx.session(AER)
    program = paths.bell_program()
    out: dict[str, Any] = {"repetitions": n, "programs": {}, "shots": {}}
    for count in PROGRAMS:
        out["programs"][str(count)] = measure(
            lambda c=count: lambda: run_in(session, [program] * c, shots=100).result(), n
        )
    for shots in SHOTS:
        out["shots"][str(shots)] = measure(lambda s=shots: lambda: run_in(session, [program], shots=s).result(), n)
    series = {}
    rows = []
    for key, label in (("programs", "programs per job (100 shots each)"), ("shots", "shots (1 program)")):
        xs = [float(k) for k, v in out[key].items() if v["status"] == "ok"]
        ys = [v["median"] for v in out[key].values() if v["status"] == "ok"]
        for size, res in out[key].items():
            per = f"{res['median'] / float(size) * 1e6:.1f} us" if res["status"] == "ok" else res["status"]
            rows.append(
                [
                    label if size == next(iter(out[key])) else "",
                    f"{int(size):,}",
                    ms(res.get("median")),
                    ms(res.get("p90")),
                    per,
                    "",
                ]
            )
        if len(xs) >= 2:
            series[label] = (xs, ys)
            out[f"{key}_slope"] = s = slope(xs, ys)
            rows[-1][-1] = goal(s <= 1.1, f"log-log slope {s:.2f} at the top vs 1.0")
    if len(series) == 2:
        plot(series, PNG)
        out["png"] = str(PNG)
    print_table(
        f"6. scaling: one job, median of {n} after 1 warm-up",
        ["dimension", "size", "median", "p90", "per unit", "goal: linear"],
        rows,
        f"plot: {PNG}",
    )
    return out
