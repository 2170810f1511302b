"""11. Sweeps at scale: 1,000 and 10,000 points of a 12-qubit ansatz through each adapter, on an emulator in a
child process, against bare Aer on the same bound circuits; conversion per point against each framework's
own exporter; the client's peak memory over 10,000 points."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from .common import AER, Context, goal, ms, print_table

QUBITS, REPS, SHOTS = 12, 8, 100
POINTS = (1_000, 10_000)
MEMORY_GOAL_MIB = 500


def ansatz() -> Any:
    """``efficient_su2(12, reps=8)`` measured: 216 parameters, ~320 gates."""
    from qiskit.circuit.library import efficient_su2

    qc = efficient_su2(QUBITS, reps=REPS)
    qc.measure_all()
    return qc


def values(points: int, width: int) -> np.ndarray:
    return np.random.default_rng(points).uniform(-np.pi, np.pi, (points, width))


def cirq_ansatz() -> tuple[Any, list[str]]:
    """The same shape in Cirq: layers of ry and rz by symbols, a CNOT ladder between them."""
    import cirq
    import sympy

    q = cirq.LineQubit.range(QUBITS)
    names: list[str] = []
    ops = []
    for layer in range(REPS + 1):
        for gate in (cirq.ry, cirq.rz):
            for wire in q:
                names.append(f"t{len(names)}")
                ops.append(gate(sympy.Symbol(names[-1])).on(wire))
        if layer < REPS:
            ops += [cirq.CNOT(q[i], q[i + 1]) for i in range(QUBITS - 1)]
    return cirq.Circuit(*ops, cirq.measure(*q, key="m")), names


LAYERS = 4  # PennyLane: 4 x 12 x (ry, rz) = 96 parameters


def paths(url: str, creds: dict[str, str]) -> dict[str, Callable[[int], Callable[[], Any]]]:
    """Row name -> (points -> the timed call)."""

    def sampler(points: int) -> Callable[[], Any]:
        from scaleway_qaas.adapters.qiskit import Sampler, ScalewayProvider

        backend = ScalewayProvider(**creds).get_backend(AER)
        qc = ansatz()
        pub = (qc, values(points, qc.num_parameters))
        return lambda: Sampler(backend, options={"default_shots": SHOTS}).run([pub]).result()

    def backend_run(points: int) -> Callable[[], Any]:
        from scaleway_qaas.adapters.qiskit import ScalewayProvider

        backend = ScalewayProvider(**creds).get_backend(AER)
        qc = ansatz()
        bound = [qc.assign_parameters(v) for v in values(points, qc.num_parameters)]
        return lambda: backend.run(bound, shots=SHOTS).result()

    def cirq_sweep(points: int) -> Callable[[], Any]:
        import cirq

        from scaleway_qaas.adapters.cirq import ScalewaySampler

        circuit, names = cirq_ansatz()
        sweep = cirq.ListSweep([dict(zip(names, row, strict=True)) for row in values(points, len(names)).tolist()])
        sampler = ScalewaySampler(backend=AER, **creds)
        return lambda: sampler.run_sweep(circuit, sweep, repetitions=SHOTS)

    def pennylane(points: int) -> Callable[[], Any]:
        import pennylane as qml

        import scaleway_qaas.adapters.pennylane  # noqa: F401

        dev = qml.device("scaleway.qaas", wires=QUBITS, backend=AER, shots=SHOTS, **creds)

        @qml.qnode(dev)
        def circuit(x: Any) -> Any:
            for layer in range(LAYERS):
                for w in range(QUBITS):
                    qml.RY(x[..., 2 * (layer * QUBITS + w)], w)
                    qml.RZ(x[..., 2 * (layer * QUBITS + w) + 1], w)
                for w in range(QUBITS - 1):
                    qml.CNOT([w, w + 1])
            return qml.counts()

        x = values(points, 2 * LAYERS * QUBITS)
        return lambda: circuit(x)

    return {
        "qiskit Sampler PUB (efficient_su2)": sampler,
        "qiskit backend.run(bound circuits)": backend_run,
        "cirq run_sweep (ListSweep)": cirq_sweep,
        "pennylane broadcast QNode (96 params)": pennylane,
    }


def bare_aer(points: int, circuits: Callable[[int], list[Any]]) -> float:
    """Seconds for Aer alone to run the bound circuits, in this process (one thread per circuit, as the emulator)."""
    from qiskit_aer import AerSimulator

    bound = circuits(points)
    sim = AerSimulator(max_parallel_threads=1)
    start = time.perf_counter()
    sim.run(bound, shots=SHOTS).result()
    return time.perf_counter() - start


def _qiskit_bound(points: int) -> list[Any]:
    qc = ansatz()
    return [qc.assign_parameters(v) for v in values(points, qc.num_parameters)]


def _pennylane_bound(points: int) -> list[Any]:
    from qiskit import QuantumCircuit

    x = values(points, 2 * LAYERS * QUBITS)
    out = []
    for row in x:
        qc = QuantumCircuit(QUBITS)
        for layer in range(LAYERS):
            for w in range(QUBITS):
                qc.ry(row[2 * (layer * QUBITS + w)], w)
                qc.rz(row[2 * (layer * QUBITS + w) + 1], w)
            for w in range(QUBITS - 1):
                qc.cx(w, w + 1)
        qc.measure_all()
        out.append(qc)
    return out


def conversion() -> list[list[str]]:
    """Per point: our sweep conversion vs one full export by the framework's own exporter.

    Programs are sent zlib-compressed and base64-encoded, as the official clients send them (qio's
    ``QuantumProgram.from_qiskit_circuit``/``from_cirq_circuit`` default to ``ZLIB_BASE64_V1``), at our
    level (``wire.PROGRAM_LEVEL``, 1; qio uses zlib's default); the compression's own time is measured on
    the same texts and shown apart ("text only" = ours - zlib).
    """
    from qiskit import qasm2

    from scaleway_qaas.adapters.qiskit import sweeps
    from scaleway_qaas.core import PlatformInfo, describe

    platform = describe(PlatformInfo(id="p", name=AER, provider_name="scaleway", backend_name="aer"))
    qc = ansatz()
    bound = _qiskit_bound(1000)  # as many points as the PUB row: the template's making is shared alike
    full = _per_point(lambda: [qasm2.dumps(b) for b in bound[:200]], 200)
    rows = [
        [
            *_row_of("qiskit PUB: bind into template", lambda: sweeps.parameter_sweep(qc, values(1000, 216), platform)),
            "qasm2.dumps",
            full,
        ],
        [*_row_of("qiskit run: structure key + bind", lambda: sweeps.programs(bound, platform)), "qasm2.dumps", full],
        _cirq_conversion(platform),
        _pennylane_conversion(platform),
    ]
    return [
        [name, ms(ours), ms(ours - zlib), exporter, ms(full), f"{ours / full:.1%}", f"{(ours - zlib) / full:.1%}"]
        for name, ours, zlib, exporter, full in rows
    ]


def _row_of(name: str, convert: Callable[[], Any]) -> list[Any]:
    """[name, seconds per point as sent, of which zlib + base64] of the programs ``convert`` yields.

    The compression is timed as :class:`Program` compresses (``PROGRAM_LEVEL``)."""
    from scaleway_qaas.core import Program
    from scaleway_qaas.core.wire import Compression

    start = time.perf_counter()
    programs = list(convert())
    ours = (time.perf_counter() - start) / len(programs)
    texts = [(p.text(), p.serialization_format) for p in programs]
    zipped = _per_point(lambda: [Program.from_text(t, f, Compression.ZLIB_BASE64_V1) for t, f in texts], len(texts))
    plain = _per_point(lambda: [Program.from_text(t, f) for t, f in texts], len(texts))
    return [name, ours, zipped - plain]


def _cirq_conversion(platform: Any) -> list[Any]:
    import cirq

    from scaleway_qaas.adapters.cirq.sweeps import prepare_sweep

    circuit, names = cirq_ansatz()
    resolvers = [cirq.ParamResolver(dict(zip(names, r, strict=True))) for r in values(1000, len(names)).tolist()]
    full = _per_point(lambda: [cirq.resolve_parameters(circuit, r).to_qasm() for r in resolvers[:50]], 50)
    row = _row_of(
        "cirq run_sweep: bind into template", lambda: (p.program for p in prepare_sweep(circuit, resolvers, platform))
    )
    return [*row, "resolve + to_qasm", full]


def _pennylane_conversion(platform: Any) -> list[Any]:
    """The broadcast tape converted once, each point bound."""
    import pennylane as qml
    from pennylane.transforms import broadcast_expand

    from scaleway_qaas.adapters.pennylane import broadcast

    x = values(1000, 2 * LAYERS * QUBITS)
    ops = []
    for layer in range(LAYERS):
        for w in range(QUBITS):
            k = 2 * (layer * QUBITS + w)
            ops += [qml.RY(x[:, k], w), qml.RZ(x[:, k + 1], w)]
        ops += [qml.CNOT([w, w + 1]) for w in range(QUBITS - 1)]
    tape = qml.tape.QuantumScript(ops, [qml.counts()], shots=SHOTS)
    wires = qml.wires.Wires(range(QUBITS))
    tapes = broadcast_expand(tape)[0][:200]
    full = _per_point(lambda: [qml.to_openqasm(t, wires=wires) for t in tapes], 200)

    def bound() -> Any:
        first, rest = broadcast.programs(tape, wires, platform)
        return [first, *rest]

    return [*_row_of("pennylane broadcast: bind into template", bound), "qml.to_openqasm", full]


def _per_point(fn: Callable[[], Any], points: int) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) / points


def run(ctx: Context) -> dict[str, Any]:
    from scaleway_qaas.emulator import run_emulator_process

    out: dict[str, Any] = {"shots": SHOTS, "paths": {}, "bare_aer": {}, "load": _load()}
    counts = POINTS[:1] if ctx.quick else POINTS
    rows = []
    with run_emulator_process("--seed", "1") as url:
        creds = {"url": url, "project_id": ctx.project_id, "secret_key": ctx.secret_key}
        for factory in paths(url, creds).values():  # warm-up: the emulator's engine processes, each path's imports
            factory(3)()
        for name, factory in paths(url, creds).items():
            for points in counts:
                bare = None  # the bare simulator right before each 1,000-point row (the machine's speed drifts)
                if points == POINTS[0]:
                    bare = bare_aer(points, _pennylane_bound if name.startswith("pennylane") else _qiskit_bound)
                    out["bare_aer"][f"{name}, {points:,}"] = bare
                rows.append(_row(out, name, factory, points, bare, creds))
    print_table(
        "11. sweeps at scale: 12 qubits, 100 shots, emulator in a child process (Aer)",
        ["path, points", "end to end", "vs bare Aer", "client peak RSS (fresh process)", "goal"],
        rows,
        f"load: {out['load']}. bare Aer: AerSimulator(max_parallel_threads=1).run(same bound circuits) in process,\n"
        "measured right before each 1,000-point row; 10,000-point rows run each in a fresh interpreter\n"
        "(its peak RSS, VmHWM; the emulator is another process);\n"
        "'before the sweep': its resident memory once the imports and the user's input are built.",
    )
    out["conversion"] = print_conversion()
    return out


def print_conversion() -> list[list[str]]:
    """The conversion table (also alone: ``python -m benchmarks.sweepscale conversion``), with the load after it."""
    conv = conversion()
    print_table(
        "11b. conversion per point, ours vs the framework's own exporter (goal: <= 5%)",
        ["ours", "per point (zlib)", "text only", "exporter", "per point", "ratio (zlib)", "ratio (text only)"],
        conv,
        f"{_load()} (after the conversion rows)",
    )
    return conv


def _row(
    out: dict[str, Any],
    name: str,
    factory: Callable[[int], Callable[[], Any]],
    points: int,
    bare: float | None,
    creds: dict[str, str],
) -> list[str]:
    key = f"{name}, {points:,}"
    try:
        if points >= 10_000:  # the client's memory: in a fresh process, its peak resident memory
            measured = _fresh(name, points, creds)
        else:
            call = factory(points)
            start = time.perf_counter()
            call()
            measured = {"seconds": time.perf_counter() - start, "maxrss_mib": None}
    except Exception as exc:  # one broken path is reported, the others still run
        out["paths"][key] = {"status": f"error: {type(exc).__name__}: {exc}"[:160]}
        return [key, "-", "-", "-", out["paths"][key]["status"]]
    elapsed, maxrss = measured["seconds"], measured["maxrss_mib"]
    out["paths"][key] = {"status": "ok", **measured}
    limit = 2.0 if name.startswith("pennylane") else 1.5
    mem = "-" if maxrss is None else f"{maxrss:.0f} MiB ({measured['before_mib']:.0f} before the sweep)"
    if bare is not None:
        ratio = f"{elapsed / bare:.2f}x (bare {ms(bare)})"
        return [key, ms(elapsed), ratio, mem, goal(elapsed <= limit * bare, f"<= {limit}x")]
    return [
        key,
        ms(elapsed),
        "-",
        mem,
        goal(maxrss is not None and maxrss < MEMORY_GOAL_MIB, f"< {MEMORY_GOAL_MIB} MiB"),
    ]


def _fresh(name: str, points: int, creds: dict[str, str]) -> dict[str, Any]:
    """Run one path in a fresh interpreter (credentials on its stdin): its seconds and peak RSS (MiB)."""
    args = [sys.executable, "-m", "benchmarks.sweepscale", name, str(points)]
    done = subprocess.run(args, input=json.dumps(creds), capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _load() -> str:
    with open("/proc/loadavg") as f:
        return "load average " + " ".join(f.read().split()[:3])


def _status_mib(field: str) -> float:
    """A memory figure of this process (MiB): ``VmRSS`` (resident now) or ``VmHWM`` (its peak).

    ``VmHWM``, not ``ru_maxrss``: Linux carries the parent's peak into a child's ``ru_maxrss`` across the
    ``vfork`` + ``exec`` that ``subprocess`` uses, so a child of a large benchmark process reported the parent's."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(f"{field}:")) / 1024


if __name__ == "__main__" and sys.argv[1:] == ["conversion"]:
    print_conversion()
elif __name__ == "__main__":  # one path in a fresh process (see _fresh)
    _name, _points, _creds = sys.argv[1], int(sys.argv[2]), json.loads(sys.stdin.read())
    _call = paths(_creds["url"], _creds)[_name](_points)
    _before = _status_mib("VmRSS")  # the imports and the user's input (values, resolvers, bound circuits)
    _start = time.perf_counter()
    _call()
    _seconds = time.perf_counter() - _start
    print(json.dumps({"seconds": _seconds, "maxrss_mib": _status_mib("VmHWM"), "before_mib": _before}))
