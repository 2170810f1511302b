"""Programs of a model that differ only in numbers are parsed once: every circuit equals its full parse."""

from __future__ import annotations

import math

import cirq
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from qiskit import QuantumCircuit, qasm2
from qiskit.circuit.library import efficient_su2
from qiskit_aer.noise import NoiseModel as AerNoise
from qiskit_aer.noise import depolarizing_error

from scaleway_qaas.core import Compression, Program, ProgramFormat
from scaleway_qaas.core.codecs import aer_noise
from scaleway_qaas.core.wire import ComputationModel, ComputationParameters, ProgramResult
from scaleway_qaas.emulator.families import aer
from scaleway_qaas.emulator.families.programs import circuits, to_qiskit
from scaleway_qaas.emulator.families.structures import Structures, structure
from scaleway_qaas.emulator.platforms import BY_NAME

ANSATZ = efficient_su2(3, reps=1)
ANSATZ.measure_all()
VALUE = st.one_of(st.floats(-10, 10, allow_nan=False), st.sampled_from([0.0, math.pi / 2, -math.pi, 1e-7, 1e16]))


def qasm(values: list[float]) -> Program:
    return Program.from_text(qasm2.dumps(ANSATZ.assign_parameters(values)), ProgramFormat.QASM_V2, Compression.NONE)


@settings(max_examples=30, deadline=None)
@given(points=st.lists(st.lists(VALUE, min_size=12, max_size=12), min_size=2, max_size=5))
def test_each_circuit_is_its_full_parse(points: list[list[float]]) -> None:
    parses: list[Program] = []

    def parse(program: Program) -> QuantumCircuit:
        parses.append(program)
        return to_qiskit(program)

    programs = [qasm(p) for p in points]
    custom = Program.from_text(
        'OPENQASM 2.0;\ninclude "qelib1.inc";\ngate g(a) q { rx(a) q; }\nqreg q[1];\ncreg c[1];\n'
        "g(0.5) q[0];\nmeasure q -> c;\n",
        ProgramFormat.QASM_V2,
    )
    structures = Structures(parse)
    circuits = [structures.circuit(p) for p in [*programs, custom]]
    assert circuits == [to_qiskit(p) for p in [*programs, custom]]
    assert len({c.name for c in circuits}) == len(circuits)
    plain = [p for p, values in zip(programs, points, strict=True) if "pi" not in p.text()]
    if len(plain) >= 3:  # two full parses and one sentinel parse of the shared structure, not one per program
        assert len([p for p in parses if p in plain]) == 2


def test_a_sweep_of_one_structure_parses_three_times() -> None:
    parses: list[Program] = []
    structures = Structures(lambda p: parses.append(p) or to_qiskit(p))
    rows = np.random.default_rng(1).uniform(-3, 3, (20, 12))
    circuits = [structures.circuit(qasm(list(r))) for r in rows]
    assert len(parses) == 3  # the first two programs, then their structure with sentinels
    assert circuits[7] == to_qiskit(qasm(list(rows[7])))


def test_structures_outlive_a_model_and_a_structure_seen_once_is_parsed_once() -> None:
    """A sweep on a family of one program per job sends each point in its own model: one Structures each."""
    parses: list[Program] = []

    def parse(program: Program) -> QuantumCircuit:
        parses.append(program)
        return to_qiskit(program)

    rows = np.random.default_rng(2).uniform(-3, 3, (6, 12))
    Structures(parse).circuit(qasm(list(rows[0])))
    assert len(parses) == 1  # seen once: one parse, no template made
    circuits = [Structures(parse).circuit(qasm(list(r))) for r in rows[1:]]
    assert len(parses) == 3  # the second program and the sentinels; the other four bound into the template
    assert circuits == [to_qiskit(qasm(list(r))) for r in rows[1:]]


def test_the_structures_kept_are_the_most_recently_used(monkeypatch) -> None:
    from scaleway_qaas.emulator.families import structures

    monkeypatch.setattr(structures, "MAX_STRUCTURES", 2)
    parses: list[Program] = []
    parsed = Structures(lambda p: parses.append(p) or to_qiskit(p))
    shapes = [efficient_su2(3, reps=r) for r in (1, 2, 3)]
    for qc in shapes:
        qc.measure_all()
    for qc in shapes:  # three structures, two kept: the first is forgotten
        parsed.circuit(
            Program.from_text(qasm2.dumps(qc.assign_parameters([0.5] * qc.num_parameters)), ProgramFormat.QASM_V2)
        )
    count = len(parses)
    first = shapes[0].assign_parameters([0.25] * shapes[0].num_parameters)
    assert parsed.circuit(Program.from_text(qasm2.dumps(first), ProgramFormat.QASM_V2)) == to_qiskit(
        Program.from_text(qasm2.dumps(first), ProgramFormat.QASM_V2)
    )
    assert len(parses) == count + 1  # seen again as new: one full parse


def _documents(payloads: list[str]) -> list[dict]:
    """The experiments of an Aer job's results, without what differs between two runs (names, timings)."""
    experiments = [e for p in payloads for e in ProgramResult.from_json(p).document()["results"]]
    for e in experiments:
        e["header"].pop("name")
        e.pop("time_taken", None)
        e["metadata"] = {k: v for k, v in e["metadata"].items() if not k.endswith(("_time", "time_taken"))}
    return experiments


def _run_both(programs: list[Program], noisy: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[list, list, list]:
    """An Aer job's experiments as Aer binds the points, as the bound circuits give them, and the bindings used."""
    noise = None
    if noisy:
        depolarizing = AerNoise()
        depolarizing.add_all_qubit_quantum_error(depolarizing_error(0.05, 1), ["ry", "rz", "h"])
        noise = aer_noise.encode(depolarizing.to_dict(serializable=True))
    model = ComputationModel(tuple(programs), backend=None, noise_model=noise)
    params = ComputationParameters(shots=50, options={"memory": True})
    platform = BY_NAME["EMU-AER-16C-128M"]
    seen: list[object] = []
    simulate = aer.simulate
    monkeypatch.setattr(aer, "simulate", lambda *a: seen.append(a[4]) or simulate(*a))
    bound = aer.run(platform, model, params, 7)
    with monkeypatch.context() as m:
        m.setattr(aer, "_bound_runs", lambda _: ([aer.for_aer(c) for c in circuits(platform, model.programs)], None))
        one_by_one = aer.run(platform, model, params, 7)
    return _documents(bound), _documents(one_by_one), seen


BELL = Program.from_text(
    'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n',
    ProgramFormat.QASM_V2,
)


@settings(max_examples=8, deadline=None)
@given(
    points=st.lists(st.lists(VALUE, min_size=12, max_size=12), min_size=3, max_size=6),
    cut=st.integers(0, 6),
    noisy=st.booleans(),
)
def test_aer_binding_a_sweep_itself_gives_the_bound_circuits_results(
    points: list[list[float]], cut: int, noisy: bool
) -> None:
    """Seeds and all: the experiments of sweep points (another program among them, noise or not) are those of
    their circuits bound one by one."""
    programs = [qasm(p) for p in points]
    programs.insert(cut, BELL)
    with pytest.MonkeyPatch.context() as monkeypatch:
        bound, one_by_one, _ = _run_both(programs, noisy, monkeypatch)
    assert bound == one_by_one


def test_aer_gets_a_sweep_as_one_circuit_with_a_binding_per_point(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = np.random.default_rng(3).uniform(-3, 3, (8, 12))
    programs = [qasm(list(r)) for r in rows]
    programs.insert(5, BELL)
    bound, one_by_one, seen = _run_both(programs, False, monkeypatch)
    assert bound == one_by_one
    assert len(bound) == 9 and bound[5]["header"]["n_qubits"] == 2
    binds = seen[0]
    assert isinstance(binds, list) and [len(next(iter(b.values()), [])) for b in binds][-2:] == [0, 3]


@settings(max_examples=20, deadline=None)
@given(points=st.lists(st.lists(VALUE, min_size=3, max_size=3), min_size=3, max_size=6))
def test_cirq_programs_bind_their_pi_products(points: list[list[float]]) -> None:
    """Cirq prints angles as ``pi*x``: its sweep points share a structure, each circuit its full parse."""
    a, b, c = (sympy.Symbol(n) for n in "abc")
    q = cirq.LineQubit.range(2)
    circuit = cirq.Circuit(cirq.rx(a)(q[0]), cirq.ry(b)(q[1]), cirq.CZ(*q), cirq.rz(c)(q[0]), cirq.measure(*q, key="m"))
    programs = [
        Program.from_text(
            cirq.qasm(cirq.resolve_parameters(circuit, dict(zip("abc", p, strict=True)))), ProgramFormat.QASM_V2
        )
        for p in [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], *points]
    ]
    parses: list[Program] = []
    structures = Structures(lambda p: parses.append(p) or to_qiskit(p))
    assert [structures.circuit(p) for p in programs] == [to_qiskit(p) for p in programs]
    key = structure(programs[0])
    assert key is not None  # the pi products are numbers: every point of the first structure after two is bound
    later = [p for p in programs[2:] if (structure(p) or ("",))[0] == key[0]]
    assert not any(p is parsed for p in later for parsed in parses)


def test_a_call_that_is_not_all_numbers_stays_in_the_structure() -> None:
    """``rz(pi)``, ``rx(-pi*0.5)``: text of the key, the numbers of the other calls still holes."""

    def program(x: float) -> Program:
        text = f'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\nrz(pi) q[0];\nrx(-pi*0.5) q[0];\nry({x!r}) q[0];\n'
        return Program.from_text(text, ProgramFormat.QASM_V2)

    parses: list[Program] = []
    structures = Structures(lambda p: parses.append(p) or to_qiskit(p))
    values = [0.25, 1.5, -2.0, 3.0]
    assert [structures.circuit(program(x)) for x in values] == [to_qiskit(program(x)) for x in values]
    assert len(parses) == 3
