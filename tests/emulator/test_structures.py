"""Programs of a model that differ only in numbers are parsed once: every circuit equals its full parse."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from qiskit import QuantumCircuit, qasm2
from qiskit.circuit.library import efficient_su2

from scaleway_qaas.core import Compression, Program, ProgramFormat
from scaleway_qaas.emulator.families.programs import to_qiskit
from scaleway_qaas.emulator.families.structures import Structures

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
    if len(plain) >= 2:  # one full parse and one sentinel parse of the shared structure, not one per program
        assert len([p for p in parses if p in plain]) == 1


def test_a_sweep_of_one_structure_parses_twice() -> None:
    parses: list[Program] = []
    structures = Structures(lambda p: parses.append(p) or to_qiskit(p))
    rows = np.random.default_rng(1).uniform(-3, 3, (20, 12))
    circuits = [structures.circuit(qasm(list(r))) for r in rows]
    assert len(parses) == 2  # the first program, then its structure with sentinels
    assert circuits[7] == to_qiskit(qasm(list(rows[7])))
