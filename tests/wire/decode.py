"""Decoding recorded requests into comparable jobs, and comparing ours with an official client's.

A recorded run (the ``POST /models`` and ``POST /jobs`` bodies one client call produced) becomes a
list of :class:`SentJob`: the job's fields and its model's, programs decompressed and parsed into
an instruction list (OpenQASM 2/3 with Qiskit's readers, Cirq JSON with ``cirq.read_json``), so that
two clients that write the same circuit differently compare equal, and a barrier or a lost gate
does not. :func:`differences` names each field that differs; the test checks every name against
the table of ``docs/wire-differences.md`` (:func:`allowed_differences`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs

from scaleway_qaas.core.wire import ComputationModel, ComputationParameters, Program, ProgramFormat
from scaleway_qaas.emulator.recorder import RecordedRequest

DOC = Path(__file__).resolve().parents[2] / "docs" / "wire-differences.md"

Instruction = tuple[str, tuple[int, ...], tuple[str, ...], tuple[float, ...]]


@attrs.frozen
class SentJob:
    """One job as sent: the job body's fields and its model's, programs parsed."""

    name: str | None
    circuit: Any
    shots: int
    options: Any
    backend: Any
    formats: tuple[str, ...]
    programs: tuple[tuple[Instruction, ...], ...]
    registers: tuple[tuple[tuple[str, int], ...], ...]
    #: the job body's other fields (beyond name, circuit, parameters and the ids), e.g. ``tags``
    extra: frozenset[str] = frozenset()


def _round(value: Any) -> float:
    return round(float(value), 9)


def _from_qiskit(circuit: Any) -> tuple[tuple[Instruction, ...], tuple[tuple[str, int], ...]]:
    out = []
    for inst in circuit.data:
        qubits = tuple(circuit.find_bit(q).index for q in inst.qubits)
        clbits = tuple(str(circuit.find_bit(c).index) for c in inst.clbits)  # names are compared in registers
        out.append((inst.operation.name, qubits, clbits, tuple(_round(p) for p in inst.operation.params)))
    return _per_wire(out), tuple((reg.name, reg.size) for reg in circuit.cregs)


def _per_wire(instructions: list[Instruction]) -> tuple[Instruction, ...]:
    """The instructions in a canonical order: by wire, in program order on each wire.

    Two exports of one circuit may order commuting instructions differently (a pass through
    Qiskit's DAG does); the sequence on each qubit and classical bit is what the circuit means.
    """
    wires: dict[str, list[Instruction]] = {}
    for inst in instructions:
        for wire in [f"q{q}" for q in inst[1]] + [f"c{c}" for c in inst[2]]:
            wires.setdefault(wire, []).append(inst)
    return tuple(inst for wire in sorted(wires) for inst in wires[wire])


def _from_cirq(text: str) -> tuple[tuple[Instruction, ...], tuple[tuple[str, int], ...]]:
    import cirq

    circuit = cirq.read_json(json_text=text)
    qubits = {q: i for i, q in enumerate(sorted(circuit.all_qubits()))}
    out: list[Instruction] = []
    keys = []
    for op in circuit.all_operations():
        where = tuple(qubits[q] for q in op.qubits)
        if cirq.is_measurement(op):
            key = cirq.measurement_key_name(op)
            keys.append((key, len(op.qubits)))
            out.append(("measure", where, (str(len(keys) - 1),), ()))  # names are compared in registers
        else:
            out.append((str(op.gate), where, (), ()))
    return _per_wire(out), tuple(keys)


def parse_program(program: Program) -> tuple[tuple[Instruction, ...], tuple[tuple[str, int], ...]]:
    """A program's instructions (name, qubits, classical bits, parameters) and classical registers."""
    text = program.text()
    if program.serialization_format == ProgramFormat.QASM_V2:
        from qiskit import qasm2

        return _from_qiskit(qasm2.loads(text, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS))
    if program.serialization_format == ProgramFormat.QASM_V3:
        from qiskit import qasm3

        return _from_qiskit(qasm3.loads(text))
    if program.serialization_format == ProgramFormat.CIRQ_CIRCUIT_JSON_V1:
        return _from_cirq(text)
    raise AssertionError(f"no parser for {program.serialization_format!r}")


#: the job body's fields compared one by one above; any other field one client sends is a difference
JOB_FIELDS = frozenset({"name", "circuit", "parameters", "session_id", "model_id"})


def sent_jobs(recorded: list[RecordedRequest]) -> list[SentJob]:
    """The jobs of a recording, each with its model (matched by the model id of the answer)."""
    models = {
        r.answer["id"]: ComputationModel.from_json(r.body["payload"])
        for r in recorded
        if r.method == "POST" and r.path.endswith("/models") and r.status == 200
    }
    out = []
    for r in recorded:
        if r.method != "POST" or not r.path.endswith("/jobs"):
            continue
        body = r.body
        model = models[body["model_id"]]
        parameters = ComputationParameters.from_json(body.get("parameters") or "{}")
        parsed = [parse_program(p) for p in model.programs]
        out.append(
            SentJob(
                name="<str>" if isinstance(body.get("name"), str) and body["name"] else body.get("name"),
                circuit=body.get("circuit", "<absent>"),
                shots=parameters.shots,
                options=parameters.options,
                backend=None if model.backend is None else attrs.asdict(model.backend),
                formats=tuple(p.serialization_format.name for p in model.programs),
                programs=tuple(p for p, _ in parsed),
                registers=tuple(r for _, r in parsed),
                extra=frozenset(body) - JOB_FIELDS,
            )
        )
    return out


def differences(ours: list[SentJob], theirs: list[SentJob]) -> set[str]:
    """Names of the fields that differ between our jobs and the official client's for the same call.

    Jobs are paired by their programs (ours may be created in any order); fields of unpaired jobs
    are not compared; the number of jobs and the most programs one model carries are.
    """
    found = set()
    if len(ours) != len(theirs):
        found.add("jobs")
    if max((len(j.programs) for j in ours), default=0) != max((len(j.programs) for j in theirs), default=0):
        found.add("programs_per_model")  # the most programs one model carries
    remaining = list(ours)
    for job in theirs:
        match = next((o for o in remaining if o.programs == job.programs), None)
        if match is None:
            found.add("program")
            match = next(
                (o for o in remaining if len(o.programs) == len(job.programs)), remaining[0] if remaining else None
            )
            if match is None:
                continue
        remaining.remove(match)
        for field in ("name", "circuit", "shots", "formats", "registers"):
            if getattr(match, field) != getattr(job, field):
                found.add(field)
        if match.options != job.options:
            found.add("parameters.options")
        found |= {f"job.{key}" for key in match.extra ^ job.extra}
        mine, official = match.backend or {}, job.backend or {}
        if (match.backend is None) != (job.backend is None):
            found.add("backend")  # sent by one client only: its fields are not compared
            continue
        for key in ("name", "version"):
            if mine.get(key) != official.get(key):
                found.add(f"backend.{key}")
        if (mine.get("options") or None) != (official.get("options") or None):
            found.add("backend.options")
    return found


def allowed_differences() -> set[tuple[str, str, str, str]]:
    """The rows of the table in docs/wire-differences.md: (family, client, case, field); ``*`` matches all."""
    rows = set()
    for line in DOC.read_text().splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) >= 5 and line.startswith("|") and cells[0] not in ("family", "") and not set(cells[0]) <= {"-"}:
            rows.add((cells[0], cells[1], cells[2], cells[3]))
    return rows


def unexplained(found: set[str], family: str, client: str, case: str) -> set[str]:
    """The differences found that no row of the table explains."""
    rows = allowed_differences()
    return {
        field
        for field in found
        if not any(f in (family, "*") and c in (client, "*") and k in (case, "*") and d == field for f, c, k, d in rows)
    }


def describe(jobs: list[SentJob]) -> str:
    """A readable dump of jobs, for assertion messages."""
    return json.dumps([attrs.asdict(j) for j in jobs], indent=1, default=str)[:6000]
