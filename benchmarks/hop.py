"""9. The process hop: a Bell job run in this process vs through an engine process, and a no-op round trip.

The emulator runs every job in an engine process (scaleway_qaas.emulator.engine); this measures what
that hop costs next to the smallest job, to check the decision that no job is too small for it.
"""

from __future__ import annotations

from typing import Any

from .common import AER, BELL_QASM, Context, ms, print_table, stats, timeit


def run(ctx: Context) -> dict[str, Any]:
    from scaleway_qaas.core.wire import ComputationModel, ComputationParameters, Program, ProgramFormat
    from scaleway_qaas.emulator import simulators
    from scaleway_qaas.emulator.engine import Engine
    from scaleway_qaas.emulator.platforms import CATALOGUE

    n = ctx.reps(100, 300)
    platform = next(p for p in CATALOGUE if p.name == AER)
    payload = ComputationModel(programs=(Program.from_text(BELL_QASM, ProgramFormat.QASM_V2),)).to_json()
    params = ComputationParameters(shots=1000, options=None).to_json()

    def here() -> Any:  # what the engine does, in this process
        model, parameters = ComputationModel.from_json(payload), ComputationParameters.from_json(params)
        return simulators.execute(platform, model, parameters, 1)

    engine = Engine("bench", 2**40)
    engine.start()
    try:
        family = simulators.family(platform)
        engine.call("load", family)
        figures = {
            "Bell job in this process": stats(timeit(here, n, warmup=20)),
            "Bell job through an engine process": stats(
                timeit(lambda: engine.call("run", platform.id, payload, params, 1), n, warmup=20)
            ),
            "no-op round trip to an engine": stats(timeit(lambda: engine.call("load", family), n, 20)),
        }
    finally:
        engine.close()
    base = figures["Bell job in this process"]["median"]
    hop = figures["no-op round trip to an engine"]["median"]
    print_table(
        f"9. process hop: Bell at 1,000 shots, {n} runs each",
        ["call", "median", "p90", "share of the Bell job"],
        [[k, ms(v["median"]), ms(v["p90"]), f"{v['median'] / base:.1%}"] for k, v in figures.items()],
        f"the hop costs {hop / base:.1%} of the smallest job: every job takes it (no in-server path)",
    )
    return {"repetitions": n, "figures": figures, "hop_share": hop / base}
