"""5. The emulator's overhead: a 20-qubit random circuit at 10,000 shots through it vs AerSimulator in-process."""

from __future__ import annotations

import random
from typing import Any

from scaleway_qaas.core import run_in

from .common import AER, Context, goal, measure, ms, print_table, ratio

QUBITS, GATES, SHOTS = 20, 400, 10_000


def random_circuit(seed: int = 11) -> Any:
    from qiskit import QuantumCircuit

    rng = random.Random(seed)
    qc = QuantumCircuit(QUBITS, QUBITS)
    for _ in range(GATES):
        kind = rng.choice(("h", "x", "rz", "cx", "cx"))
        if kind == "cx":
            qc.cx(*rng.sample(range(QUBITS), 2))
        elif kind == "rz":
            qc.rz(rng.uniform(0, 6.28), rng.randrange(QUBITS))
        else:
            getattr(qc, kind)(rng.randrange(QUBITS))
    qc.measure(range(QUBITS), range(QUBITS))
    return qc


def run(ctx: Context) -> dict[str, Any]:
    import qiskit.qasm2
    from qiskit_aer import AerSimulator

    from scaleway_qaas.core import Program, ProgramFormat

    n = ctx.reps(2, 15)
    text = qiskit.qasm2.dumps(random_circuit())
    program = Program.from_text(text, ProgramFormat.QASM_V2)
    qc = qiskit.qasm2.loads(text)  # the very circuit the emulator simulates (Aer's speed depends on its gates)
    session = ctx.session(AER)
    simulator = AerSimulator()

    def direct() -> Any:  # what the emulator's worker does (no transpilation), minus HTTP, storage and queues
        return simulator.run(qc, shots=SHOTS, seed_simulator=1).result().get_counts()

    def worker_call() -> Any:  # the call the emulator's worker makes (private Aer API, no executor thread)
        return simulator._execute_circuits_job([qc], None, {"shots": SHOTS, "memory": False, "seed_simulator": 1})

    base = measure(lambda: direct, n)
    same = measure(lambda: worker_call, n)
    res = measure(lambda: lambda: run_in(session, [program], shots=SHOTS, options={"seed": 1}).result(), n)
    out = {
        "qubits": QUBITS,
        "gates": GATES,
        "shots": SHOTS,
        "repetitions": n,
        "baseline": base,
        "aer_execute_circuits_job": same,
        "emulator": res,
    }
    rows = [
        ["AerSimulator.run() in-process (baseline)", ms(base.get("median")), ms(base.get("p90")), "1.00x", "baseline"],
        [
            "AerSimulator._execute_circuits_job (emulator's call)",
            ms(same.get("median")),
            ms(same.get("p90")),
            ratio(same.get("median"), base.get("median")),
            "informative",
        ],
    ]
    if res["status"] == "ok" and base["status"] == "ok":
        res["ratio"] = res["median"] / base["median"]
        rows.append(
            [
                "core.run_in(...).result() via emulator",
                ms(res["median"]),
                ms(res["p90"]),
                ratio(res["median"], base["median"]),
                goal(res["ratio"] <= 1.15, f"{res['ratio']:.2f}x vs 1.15x"),
            ]
        )
    else:
        rows.append(["core.run_in(...).result() via emulator", "-", "-", "-", res["status"] + " / " + base["status"]])
    print_table(
        f"5. emulator overhead: {QUBITS} qubits, {GATES} random gates, {SHOTS:,} shots, {n} runs each",
        ["path", "median", "p90", "vs direct", "goal: <= 1.15x"],
        rows,
    )
    return out
