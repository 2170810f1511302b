"""1. End-to-end latency of a 2-qubit Bell job at 1,000 shots through every path, vs bare HTTP calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import official, paths
from .common import AER, CUDAQ, QSIM, Context, goal, measure, ms, print_table, ratio

IN_PROCESS, CHILD = "in-process", "child process"
# (row, platform and emulator of its bare-HTTP baseline, factory of the timed call)
PATHS: list[tuple[str, str, str, Callable[[Context], Callable[[], Any]]]] = [
    ("core Session.run().result()", AER, IN_PROCESS, paths.core_bell),
    ("qiskit backend.run().result()", AER, IN_PROCESS, paths.qiskit_bell),
    ("cirq sampler.run()", QSIM, IN_PROCESS, paths.cirq_bell),
    ("pennylane QNode()", AER, IN_PROCESS, paths.pennylane_bell),
    ("cudaq python path sample()", CUDAQ, IN_PROCESS, paths.cudaq_python_bell),
    # CUDA-Q's C++ client holds the GIL while polling: it needs an emulator in another process
    ("cudaq native target sample()", CUDAQ, CHILD, paths.cudaq_native_bell),
]


def run(ctx: Context) -> dict[str, Any]:
    n = ctx.reps(10, 40)
    out: dict[str, Any] = {"shots": 1000, "repetitions": n, "baseline": {}, "paths": {}}
    where = {IN_PROCESS: lambda: ctx, CHILD: ctx.process_emulator}
    for platform, emulator in sorted({(p, w) for _, p, w, _ in PATHS}):
        out["baseline"][f"{platform} {emulator}"] = measure(
            lambda p=platform, w=emulator: paths.BareHTTP(where[w](), p).run, n
        )
    for name, platform, emulator, factory in PATHS:
        result = measure(lambda f=factory, w=emulator: f(where[w]()), n)
        result["baseline"] = f"{platform} {emulator}"
        out["paths"][name] = result
    # the official Scaleway plugins and ours, on an emulator with the long-poll off (they sleep seconds per poll)
    out["official"] = official.run(ctx)

    rows = []
    for key, base in out["baseline"].items():
        rows.append(
            [
                f"bare HTTP (httpx) [{key}]",
                ms(base.get("median")),
                ms(base.get("p90")),
                "1.00x",
                "baseline" if base["status"] == "ok" else base["status"],
            ]
        )
    for name, res in out["paths"].items():
        if res["status"] != "ok":
            rows.append([name, "-", "-", "-", res["status"]])
            continue
        base_median = out["baseline"][res["baseline"]].get("median")
        res["ratio"] = res["median"] / base_median if base_median else None
        ok = res["median"] < 0.030 and (res["ratio"] or 99) <= 2.0
        rows.append(
            [
                f"{name} [{res['baseline']}]",
                ms(res["median"]),
                ms(res["p90"]),
                ratio(res["median"], base_median),
                goal(ok, f"{res['median'] * 1e3:.1f} ms vs 30 ms; {res['ratio']:.2f}x vs 2x"),
            ]
        )
    print_table(
        f"1. latency: Bell, 1,000 shots, {n} runs each after 1 warm-up (session pre-created)",
        ["path [baseline]", "median", "p90", "vs bare HTTP", "goal: < 30 ms and <= 2x bare HTTP"],
        rows,
    )
    official.print_rows(out["official"])  # timed on an emulator with the long-poll off
    return out
