"""4. Translating a 20-qubit, 10,000-gate random circuit to the shared format, and decoding 10^6 shots."""

from __future__ import annotations

import functools
import random
import tracemalloc
from collections.abc import Callable
from typing import Any

from scaleway_qaas.core.codecs import decode

from .common import Context, goal, measure, ms, print_table, ratio

QUBITS, GATES, SHOTS = 20, 10_000, 1_000_000


@functools.cache
def random_gates(seed: int = 7) -> list[tuple[str, tuple[int, ...], float]]:
    """The same random circuit for every framework: (gate, qubits, angle) over h, x, rz, cx."""
    rng = random.Random(seed)
    gates = []
    for _ in range(GATES):
        kind = rng.choice(("h", "x", "rz", "cx", "cx"))
        qubits = tuple(rng.sample(range(QUBITS), 2 if kind == "cx" else 1))
        gates.append((kind, qubits, rng.uniform(0, 6.28)))
    return gates


@functools.cache
def qiskit_circuit() -> Any:
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(QUBITS, QUBITS)
    for kind, q, angle in random_gates():
        getattr(qc, kind)(*((angle,) if kind == "rz" else ()), *q)
    qc.measure(range(QUBITS), range(QUBITS))
    return qc


@functools.cache
def cirq_circuit() -> Any:
    import cirq

    q = cirq.LineQubit.range(QUBITS)
    ops = {
        "h": lambda a, *t: cirq.H(*t),
        "x": lambda a, *t: cirq.X(*t),
        "rz": lambda a, *t: cirq.rz(a).on(*t),
        "cx": lambda a, *t: cirq.CNOT(*t),
    }
    circuit = cirq.Circuit(ops[k](a, *(q[i] for i in qs)) for k, qs, a in random_gates())
    circuit.append(cirq.measure(*q, key="m"))
    return circuit


@functools.cache
def pennylane_tape() -> Any:
    import pennylane as qml

    ops = {
        "h": lambda a, w: qml.Hadamard(w),
        "x": lambda a, w: qml.PauliX(w),
        "rz": lambda a, w: qml.RZ(a, w),
        "cx": lambda a, w: qml.CNOT(w),
    }
    return qml.tape.QuantumScript(
        [ops[k](a, list(qs)) for k, qs, a in random_gates()], [qml.counts(wires=range(QUBITS))], shots=1000
    )


@functools.cache
def cudaq_kernel() -> Any:
    import cudaq

    kernel = cudaq.make_kernel()
    q = kernel.qalloc(QUBITS)
    for kind, qs, angle in random_gates():
        if kind == "rz":
            kernel.rz(angle, q[qs[0]])
        else:
            getattr(kernel, kind)(*(q[i] for i in qs))
    kernel.mz(q)
    return kernel


def ours() -> list[tuple[str, Callable[[], Callable[[], Any]]]]:
    from scaleway_qaas.core import Program, ProgramFormat

    def qasm2() -> Callable[[], Any]:
        import qiskit.qasm2

        qc = qiskit_circuit()
        return lambda: Program.from_text(qiskit.qasm2.dumps(qc), ProgramFormat.QASM_V2)

    def qasm3() -> Callable[[], Any]:
        import qiskit.qasm3

        qc = qiskit_circuit()
        return lambda: Program.from_text(qiskit.qasm3.dumps(qc), ProgramFormat.QASM_V3)

    def cirq_json() -> Callable[[], Any]:
        import cirq

        circuit = cirq_circuit()
        return lambda: Program.from_text(cirq.to_json(circuit), ProgramFormat.CIRQ_CIRCUIT_JSON_V1)

    def pennylane_qasm() -> Callable[[], Any]:
        from pennylane.wires import Wires

        from scaleway_qaas.adapters.pennylane.convert import qasm2

        tape = pennylane_tape()
        wires = Wires(range(QUBITS))
        return lambda: Program.from_text(qasm2(tape, wires), ProgramFormat.QASM_V2)

    def cudaq_qasm() -> Callable[[], Any]:
        import cudaq

        kernel = cudaq_kernel()
        return lambda: Program.from_text(cudaq.translate(kernel, format="openqasm2"), ProgramFormat.QASM_V2)

    return [
        ("qiskit -> QASM 2", qasm2),
        ("qiskit -> QASM 3", qasm3),
        ("cirq -> Cirq JSON", cirq_json),
        ("pennylane tape -> QASM 2 (adapter)", pennylane_qasm),
        ("cudaq kernel -> QASM 2", cudaq_qasm),
    ]


def reference() -> dict[str, Callable[[], Callable[[], Any]]]:
    """The same conversions through the reference ``qio`` package (uncompressed, like ours);
    PennyLane's own ``qml.to_openqasm`` for PennyLane, which ``qio`` does not convert."""

    def qio_qiskit(fmt: str) -> Callable[[], Callable[[], Any]]:
        def build() -> Callable[[], Any]:
            from qio.core import QuantumProgram, QuantumProgramCompressionFormat, QuantumProgramSerializationFormat

            qc = qiskit_circuit()
            dest = getattr(QuantumProgramSerializationFormat, fmt)
            none = QuantumProgramCompressionFormat.NONE
            return lambda: QuantumProgram.from_qiskit_circuit(qc, dest, none)

        return build

    def qio_cirq() -> Callable[[], Any]:
        from qio.core import QuantumProgram, QuantumProgramCompressionFormat, QuantumProgramSerializationFormat

        circuit = cirq_circuit()
        dest = QuantumProgramSerializationFormat.CIRQ_CIRCUIT_JSON_V1
        return lambda: QuantumProgram.from_cirq_circuit(circuit, dest, QuantumProgramCompressionFormat.NONE)

    def qio_cudaq() -> Callable[[], Any]:
        from qio.core import QuantumProgram, QuantumProgramCompressionFormat, QuantumProgramSerializationFormat

        kernel = cudaq_kernel()
        dest = QuantumProgramSerializationFormat.QASM_V2
        return lambda: QuantumProgram.from_cudaq_kernel(kernel, dest, QuantumProgramCompressionFormat.NONE)

    def pennylane_own() -> Callable[[], Any]:
        import pennylane as qml

        tape = pennylane_tape()
        return lambda: qml.to_openqasm(tape)

    return {
        "pennylane tape -> QASM 2 (adapter)": pennylane_own,
        "qiskit -> QASM 2": qio_qiskit("QASM_V2"),
        "qiskit -> QASM 3": qio_qiskit("QASM_V3"),
        "cirq -> Cirq JSON": qio_cirq,
        "cudaq kernel -> QASM 2": qio_cudaq,
    }


@functools.cache
def result_texts() -> dict[str, str]:
    """Job-result payloads of 10^6 two-bit shots with per-shot memory, Qiskit and Cirq formats."""
    from scaleway_qaas.core import ExperimentResult, ProgramResult, Register, ResultFormat
    from scaleway_qaas.core.codecs import cirq as cirq_codec
    from scaleway_qaas.core.codecs import qiskit as qiskit_codec

    rng = random.Random(3)
    memory = tuple(rng.choice(("00", "11")) for _ in range(SHOTS))
    exp = ExperimentResult(
        counts={"00": memory.count("00"), "11": memory.count("11")}, registers=(Register("m", 2),), memory=memory
    )
    qiskit_doc = qiskit_codec.encode([exp], backend_name="aer_simulator")
    return {
        "qiskit": ProgramResult.encode(ResultFormat.QISKIT_RESULT_JSON_V1, qiskit_doc).to_json(),
        "cirq": ProgramResult.encode(ResultFormat.CIRQ_RESULT_JSON_V1, cirq_codec.encode(exp)).to_json(),
    }


def decoders() -> tuple[list[tuple[str, Callable[[], Callable[[], Any]]]], dict[str, Callable[[], Any]]]:
    def text(fmt: str) -> str:
        return result_texts()[fmt]

    def core(fmt: str) -> Callable[[], Callable[[], Any]]:
        def build() -> Callable[[], Any]:
            from scaleway_qaas.core import ProgramResult

            payload = text(fmt)
            return lambda: decode(ProgramResult.from_json(payload))[0].counts

        return build

    def qio(fmt: str) -> Callable[[], Callable[[], Any]]:
        def build() -> Callable[[], Any]:
            from qio.core import QuantumProgramResult

            payload = text(fmt)
            return lambda: QuantumProgramResult.from_json_str(payload).to_qiskit_result().get_counts()

        return build

    names = {"qiskit": "decode 10^6 shots, Qiskit result", "cirq": "decode 10^6 shots, Cirq result"}
    return [(names[f], core(f)) for f in names], {names[f]: qio(f) for f in names}


def peak_memory(fn: Callable[[], Any]) -> float:
    """Peak bytes traced while ``fn`` runs once (untimed: tracemalloc slows Python down)."""
    tracemalloc.start()
    try:
        fn()
        return float(tracemalloc.get_traced_memory()[1])
    finally:
        tracemalloc.stop()


def timed(factory: Callable[[], Callable[[], Any]], n: int, warmup: bool, trace: bool) -> dict[str, Any]:
    """Build once; warm up with one call (traced for peak memory if ``trace``); time ``n`` calls."""
    peak: list[float] = []

    def build() -> Callable[[], Any]:
        fn = factory()
        if trace:
            peak.append(peak_memory(fn))
        elif warmup:
            fn()
        return fn

    res = measure(build, n, warmup=0)
    if peak:
        res["peak_bytes"] = peak[0]
    return res


def run(ctx: Context) -> dict[str, Any]:
    n = ctx.reps(1, 7)
    decode_paths, decode_refs = decoders()
    refs = {**reference(), **decode_refs}
    out: dict[str, Any] = {"qubits": QUBITS, "gates": GATES, "shots": SHOTS, "repetitions": n, "paths": {}}
    rows = []
    for name, factory in ours() + decode_paths:
        res = timed(factory, n, warmup=True, trace=True)
        # --quick: qio's decoding (up to ~5 s a call) is timed cold, its conversions warm
        ref_warmup = not (ctx.quick and name.startswith("decode"))
        ref = timed(refs[name], n, ref_warmup, trace=not ctx.quick) if name in refs else {"status": "-"}
        res["reference"] = ref
        out["paths"][name] = res
        if res["status"] != "ok":
            rows.append([name, "-", "-", "-", "-", "-", res["status"]])
            continue
        is_decode = name.startswith("decode")
        mark = "-" if is_decode else goal(res["median"] < 0.050, f"{res['median'] * 1e3:.1f} ms vs 50 ms")
        ref_cell = ms(ref["median"]) if ref["status"] == "ok" else ref["status"][:40]
        mem = f"{res['peak_bytes'] / 2**20:.1f} MiB" if res.get("peak_bytes") else "-"
        rows.append(
            [name, ms(res["median"]), ms(res["p90"]), mem, ref_cell, ratio(res["median"], ref.get("median")), mark]
        )
    print_table(
        f"4. translation: {QUBITS} qubits x {GATES:,} gates to the shared format; decoding results",
        ["conversion", "median", "p90", "peak memory", "reference", "vs reference", "goal: < 50 ms per framework"],
        rows,
        "reference: qio (QuantumProgram.from_*, QuantumProgramResult.to_qiskit_result), PennyLane's own "
        "qml.to_openqasm for PennyLane.\npeak memory: tracemalloc peak of the (untimed) warm-up call. "
        "Decoding: JSON payload -> counts (ours also decodes every shot's memory).",
    )
    return out
