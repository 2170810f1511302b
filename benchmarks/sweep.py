"""2. A 100-point parameter sweep in one call per framework, vs 100 sequential single-program core jobs."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .common import AER, CUDAQ, QSIM, Context, goal, measure, ms, print_table, ratio

POINTS = 100
SHOTS = 1000
ANGLES = [math.pi * i / (POINTS - 1) for i in range(POINTS)]
SWEEP_QASM = (
    'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nrx({t}) q[0];\ncx q[0],q[1];\nmeasure q -> c;\n'
)


def core_sequential(ctx: Context, platform: str) -> Callable[[], Any]:
    from scaleway_qaas.core import Program, ProgramFormat

    session = ctx.session(platform)
    programs = [Program.from_text(SWEEP_QASM.format(t=repr(t)), ProgramFormat.QASM_V2) for t in ANGLES]
    return lambda: [session.run([p], shots=SHOTS).result() for p in programs]


def qiskit_sweep(ctx: Context) -> Callable[[], Any]:
    from qiskit import QuantumCircuit
    from qiskit.circuit import Parameter

    from scaleway_qaas.adapters.qiskit import ScalewayProvider

    backend = ScalewayProvider(**ctx.creds).get_backend(AER)
    theta = Parameter("t")
    qc = QuantumCircuit(2, 2)
    qc.rx(theta, 0)
    qc.cx(0, 1)
    qc.measure([0, 1], [0, 1])
    bound = [qc.assign_parameters({theta: t}) for t in ANGLES]
    return lambda: backend.run(bound, shots=SHOTS).result().get_counts()


def cirq_sweep(ctx: Context) -> Callable[[], Any]:
    import cirq
    import sympy

    from scaleway_qaas.adapters.cirq import ScalewaySampler

    sampler = ScalewaySampler(backend=QSIM, **ctx.creds)
    q = cirq.LineQubit.range(2)
    circuit = cirq.Circuit(cirq.rx(sympy.Symbol("t")).on(q[0]), cirq.CNOT(*q), cirq.measure(*q, key="m"))
    sweep = cirq.Linspace("t", 0, math.pi, POINTS)
    return lambda: sampler.run_sweep(circuit, sweep, repetitions=SHOTS)


def pennylane_sweep(ctx: Context) -> Callable[[], Any]:
    import numpy as np
    import pennylane as qml

    import scaleway_qaas.adapters.pennylane  # noqa: F401

    dev = qml.device("scaleway.qaas", wires=2, backend=AER, shots=SHOTS, **ctx.creds)

    @qml.qnode(dev)
    def circuit(t: Any) -> Any:
        qml.RX(t, 0)
        qml.CNOT([0, 1])
        return qml.expval(qml.PauliZ(1))

    angles = np.array(ANGLES)
    return lambda: circuit(angles)  # broadcast: 100 tapes, one core submission


def cudaq_sweep(ctx: Context) -> Callable[[], Any]:
    import cudaq

    from scaleway_qaas.adapters import cudaq as scw_cudaq

    kernel, t = cudaq.make_kernel(float)
    q = kernel.qalloc(2)
    kernel.rx(t, q[0])
    kernel.cx(q[0], q[1])
    kernel.mz(q)
    args = list(ANGLES)  # one float argument per run
    sample_batch = scw_cudaq.sample_batch
    return lambda: sample_batch(kernel, args, shots_count=SHOTS, machine=CUDAQ, **ctx.creds)


PATHS = [  # (row, platform of its baseline, factory)
    ("qiskit run(100 bound circuits)", AER, qiskit_sweep),
    ("cirq run_sweep(Linspace 100)", QSIM, cirq_sweep),
    ("pennylane broadcast QNode (100)", AER, pennylane_sweep),
    ("cudaq sample_batch (100)", CUDAQ, cudaq_sweep),
]


def run(ctx: Context) -> dict[str, Any]:
    n = ctx.reps(1, 5)
    out: dict[str, Any] = {"points": POINTS, "shots": SHOTS, "repetitions": n, "baseline": {}, "paths": {}}
    rows = []
    for platform in dict.fromkeys(p for _, p, _ in PATHS):
        base = out["baseline"][platform] = measure(
            lambda p=platform: core_sequential(ctx, p), ctx.reps(1, 3), warmup=ctx.reps(0, 1)
        )
        rows.append(
            [
                f"100 sequential core jobs [{platform}]",
                ms(base.get("median")),
                ms(base.get("p90")),
                "1.00x",
                "baseline" if base["status"] == "ok" else base["status"],
            ]
        )
    for name, platform, factory in PATHS:
        res = out["paths"][name] = measure(lambda f=factory: f(ctx), n)
        res["baseline"] = platform
        if res["status"] != "ok":
            rows.append([name, "-", "-", "-", res["status"]])
            continue
        base_median = out["baseline"][platform].get("median")
        res["ratio"] = res["median"] / base_median if base_median else None
        rows.append(
            [
                f"{name} [{platform}]",
                ms(res["median"]),
                ms(res["p90"]),
                ratio(res["median"], base_median),
                goal(res["median"] < 1.0, f"{res['median']:.2f} s vs 1 s"),
            ]
        )
    print_table(
        f"2. sweep: {POINTS} points x {SHOTS} shots, {n} runs each after 1 warm-up",
        ["path [baseline]", "median", "p90", "vs sequential", "goal: < 1 s"],
        rows,
        "baseline: the same 100 programs as 100 sequential single-program jobs through the core",
    )
    return out
