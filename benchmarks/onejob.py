"""12. One program per job (qsim, CUDA-Q): a sweep whose points are each their own job, created concurrently, on an
emulator in a child process, against the bare simulator on the same bound circuits; and where the time goes.

Rows: Cirq ``run_sweep`` on EMU-QSIM vs qsimcirq alone on the same resolved circuits; CUDA-Q ``sample_batch``
(our adapter) on EMU-CUDAQ vs ``cudaq.sample`` in this process (the default target) and vs Aer alone on the
QASM the adapter sends (what EMU-CUDAQ simulates). Then the phases of the Cirq sweep through the core (conversion,
creation, waiting, reading results; how late the last job is noticed) and an engine's own time per job
(model and program parsing, simulation, result encoding), measured on the same programs in this process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from .common import CUDAQ, QSIM, Context, ms, print_table
from .sweepscale import REPS, SHOTS, _load, cirq_ansatz, values

QUBITS = 12
POINTS = (200, 1_000)
#: points of the local ``cudaq.sample`` baseline (it takes ~0.1 s a point): timed per point
LOCAL_CUDAQ_POINTS = 20


def cirq_sweep(points: int) -> tuple[Any, Any, list[Any]]:
    """The ansatz, its ``ListSweep`` of ``points`` points and the resolved circuits."""
    import cirq

    circuit, names = cirq_ansatz()
    rows = values(points, len(names)).tolist()
    sweep = cirq.ListSweep([dict(zip(names, row, strict=True)) for row in rows])
    return circuit, sweep, [cirq.resolve_parameters(circuit, r) for r in sweep]


def bare_qsim(resolved: list[Any]) -> float:
    """Seconds for qsimcirq alone (``QSimSimulator().run``, one thread as the emulator's) on every circuit."""
    import qsimcirq

    sim = qsimcirq.QSimSimulator()
    sim.run(resolved[0], repetitions=SHOTS)  # its first call loads what it needs
    start = time.perf_counter()
    for circuit in resolved:
        sim.run(circuit, repetitions=SHOTS)
    return time.perf_counter() - start


def cudaq_kernel() -> tuple[Any, int]:
    """The same ansatz as a CUDA-Q builder kernel of float arguments (one per angle)."""
    import cudaq

    count = 2 * QUBITS * (REPS + 1)
    kernel, *theta = cudaq.make_kernel(*([float] * count))
    q = kernel.qalloc(QUBITS)
    k = 0
    for layer in range(REPS + 1):
        for gate in (kernel.ry, kernel.rz):
            for wire in range(QUBITS):
                gate(theta[k], q[wire])
                k += 1
        if layer < REPS:
            for wire in range(QUBITS - 1):
                kernel.cx(q[wire], q[wire + 1])
    kernel.mz(q)
    return kernel, count


def timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def cirq_rows(creds: dict[str, str], counts: tuple[int, ...], out: dict[str, Any]) -> list[list[str]]:
    from scaleway_qaas.adapters.cirq import ScalewaySampler

    sampler = ScalewaySampler(backend=QSIM, **creds)
    rows = []
    for points in counts:
        circuit, sweep, resolved = cirq_sweep(points)
        sampler.run_sweep(circuit, sweep[:4], repetitions=SHOTS)  # the session open, the engines warm
        ours = timed(lambda c=circuit, s=sweep: sampler.run_sweep(c, s, repetitions=SHOTS))
        bare = bare_qsim(resolved)
        out[f"cirq {points}"] = {"seconds": ours, "bare_qsim": bare, "ratio": ours / bare}
        rows.append(
            [f"cirq run_sweep, {points:,} points [{QSIM}]", ms(ours), f"qsimcirq: {ms(bare)}", f"{ours / bare:.2f}x"]
        )
    return rows


def cudaq_rows(creds: dict[str, str], points: int, out: dict[str, Any]) -> list[list[str]]:
    import cudaq
    from qiskit import qasm2
    from qiskit_aer import AerSimulator

    from scaleway_qaas.adapters import cudaq as scw
    from scaleway_qaas.adapters.cudaq.cache import to_circuit

    kernel, count = cudaq_kernel()
    args = [tuple(row) for row in values(points, count).tolist()]
    scw.sample_batch(kernel, args[:4], shots_count=SHOTS, machine=CUDAQ, **creds)  # session open, engines warm
    ours = timed(lambda: scw.sample_batch(kernel, args, shots_count=SHOTS, machine=CUDAQ, **creds))
    cudaq.sample(kernel, *args[0], shots_count=SHOTS)  # its first call compiles
    local = timed(lambda: [cudaq.sample(kernel, *a, shots_count=SHOTS) for a in args[:LOCAL_CUDAQ_POINTS]])
    local_per_point = local / LOCAL_CUDAQ_POINTS
    circuits = [qasm2.loads(to_circuit(kernel, a).qasm()) for a in args]
    aer = timed(lambda: AerSimulator(max_parallel_threads=1).run(circuits, shots=SHOTS).result())
    out[f"cudaq {points}"] = {
        "seconds": ours,
        "local_cudaq_per_point": local_per_point,
        "bare_aer": aer,
        "ratio_local": ours / (local_per_point * points),
        "ratio_aer": ours / aer,
    }
    return [
        [
            f"cudaq sample_batch, {points:,} points [{CUDAQ}]",
            ms(ours),
            f"cudaq.sample: {ms(local_per_point)}/point ({LOCAL_CUDAQ_POINTS} timed) = {ms(local_per_point * points)}",
            f"{ours / (local_per_point * points):.2f}x",
        ],
        [f"  same, vs Aer alone on the QASM sent ({points:,})", ms(ours), f"Aer: {ms(aer)}", f"{ours / aer:.2f}x"],
    ]


def _instant(timestamp: str | None) -> float:
    return datetime.fromisoformat(timestamp).timestamp() if timestamp else float("nan")


def phases(creds: dict[str, str], points: int) -> dict[str, float]:
    """The Cirq sweep's programs through the core, step by step (seconds)."""
    import cirq

    from scaleway_qaas.adapters.cirq.sweeps import prepare_sweep
    from scaleway_qaas.core import QaaSClient, run

    circuit, sweep, _ = cirq_sweep(points)
    with QaaSClient(**creds) as client:
        platform = client.describe_platform(QSIM)
        start = time.perf_counter()
        programs = [p.program for p in prepare_sweep(circuit, [cirq.ParamResolver(r) for r in sweep], platform)]
        converted, converted_wall = time.perf_counter(), time.time()
        job = run(client, platform, programs, shots=SHOTS)
        created = time.perf_counter()
        job.result()
        done, done_wall = time.perf_counter(), time.time()
        infos = [client.get_job(i) for i in job.ids]
    first_end = min(_instant(i.updated_at) for i in infos)
    last_end = max(_instant(i.updated_at) for i in infos)
    return {
        "convert (client)": converted - start,
        "create the jobs (run() returns)": created - converted,
        "wait, reading each job's results as it completes": done - created,
        "total": done - start,
        "first job finished, after the creations began": first_end - converted_wall,
        "jobs' span, first to last finished": last_end - first_end,
        "results in hand, after the last job finished": done_wall - last_end,
    }


def engine_per_job(points: int) -> dict[str, float]:
    """An engine's steps per job on the Cirq sweep's programs, in this process (seconds per job)."""
    import cirq

    from scaleway_qaas.adapters.cirq.sweeps import prepare_sweep
    from scaleway_qaas.core import PlatformInfo, describe
    from scaleway_qaas.core.wire import BackendData, ComputationModel, compress
    from scaleway_qaas.emulator.families import qsim
    from scaleway_qaas.emulator.platforms import BY_ID

    spec = next(p for p in BY_ID.values() if p.name == QSIM)
    platform = describe(PlatformInfo(id="p", name=QSIM, provider_name="scaleway", backend_name="qsim"))
    circuit, sweep, _ = cirq_sweep(points)
    programs = [p.program for p in prepare_sweep(circuit, [cirq.ParamResolver(r) for r in sweep], platform)]
    payloads = [ComputationModel((p,), backend=BackendData(name=QSIM)).to_json() for p in programs]
    qsim.warm_up()
    steps: dict[str, float] = {}

    def step(name: str, call: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        value = call()
        steps[name] = steps.get(name, 0.0) + (time.perf_counter() - start) / points
        return value

    for payload in payloads:
        model = step("model JSON + program decompression", lambda p=payload: ComputationModel.from_json(p))
        text = model.programs[0].text()
        parsed = step("cirq.read_json (the program)", lambda t=text: cirq.read_json(json_text=t))
        records = step("qsim: checks, translation, sampling", lambda c=parsed: qsim._qsim_terminal_sample(c, SHOTS, 1))
        result = cirq.ResultDict(params=cirq.ParamResolver({}), records=records)
        step("result: cirq.to_json + zlib", lambda r=result: compress(cirq.to_json(r, indent=None)))
    steps["whole run (qsim.run, as an engine calls it)"] = (
        timed(lambda: [qsim.run(spec, ComputationModel.from_json(p), _params(), 1) for p in payloads]) / points
    )
    return steps


def _params() -> Any:
    from scaleway_qaas.core.wire import ComputationParameters

    return ComputationParameters(shots=SHOTS)


def run(ctx: Context) -> dict[str, Any]:
    from scaleway_qaas.core.managed import terminate_implicit_sessions
    from scaleway_qaas.emulator import run_emulator_process

    counts = (100,) if ctx.quick else POINTS
    cudaq_points = 100 if ctx.quick else POINTS[0]
    out: dict[str, Any] = {"shots": SHOTS, "load_before": _load()}
    rows: list[list[str]] = []
    with run_emulator_process("--seed", "1") as url:
        creds = {"url": url, "project_id": ctx.project_id, "secret_key": ctx.secret_key}
        try:
            rows += cirq_rows(creds, counts, out)
            try:
                rows += cudaq_rows(creds, cudaq_points, out)
            except ImportError as exc:
                rows.append([f"cudaq sample_batch, {cudaq_points} points", "-", f"n/a: {exc}", "-"])
            out["phases"] = phases(creds, counts[0])
        finally:
            terminate_implicit_sessions(url)
    out["load_after"] = _load()
    print_table(
        f"12. one program per job: {QUBITS} qubits, {SHOTS} shots, emulator in a child process (2 engines)",
        ["path, points", "end to end", "the simulator alone", "ratio"],
        rows,
        f"{out['load_before']} before, {out['load_after']} after. qsimcirq: QSimSimulator().run per resolved "
        "circuit (1 thread, as the emulator's).\nAer: AerSimulator(max_parallel_threads=1).run(all circuits).",
    )
    print_table(
        f"12b. where the time goes: the Cirq sweep of {counts[0]} points through the core, step by step",
        ["step", "seconds"],
        [[name, ms(seconds)] for name, seconds in out["phases"].items()],
    )
    out["engine_per_job"] = engine_per_job(min(counts[0], 100))
    print_table(
        "12c. an engine's own time per job (same programs, in this process)",
        ["step", "per job"],
        [[name, ms(seconds)] for name, seconds in out["engine_per_job"].items()],
    )
    return out
