"""Sweep templates (no emulator): every bound point gives exactly the text of Qiskit's own full export."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qiskit import QuantumCircuit, qasm2, qasm3
from qiskit.circuit import Gate, Parameter
from qiskit.circuit.library import efficient_su2
from qiskit.circuit.tools import pi_check as qiskit_pi_check

from scaleway_qaas.adapters.qiskit import convert, sweeps, templates
from scaleway_qaas.core.platform import PlatformDescription, describe
from scaleway_qaas.core.records import PlatformInfo
from scaleway_qaas.core.wire import ProgramFormat

EXPORTERS: dict[ProgramFormat, Callable[[QuantumCircuit], str]] = {
    ProgramFormat.QASM_V2: qasm2.dumps,
    ProgramFormat.QASM_V3: qasm3.dumps,
}
#: values the exporters print specially (pi fractions, zero) or at the edges of ``pi_check``'s tests
SPECIAL = [0.0, -0.0, 1e-13, 1e-10, 1e-7, 1e16, -1e16, math.pi**2, 99 * math.pi, 99.4 * math.pi, 1 / 99]
SPECIAL += [s * k * math.pi / d for k in (1, 2, 3, 7, 98, 99, 100) for d in (1, 2, 3, 97, 99) for s in (1, -1)]
SPECIAL += [s * k / (d * math.pi) for k in (1, 5, 99) for d in (1, 4, 99) for s in (1, -1)]
#: tiny and huge values (printed ``0`` or in exponent notation), and the edges of the fast path's buckets
SPECIAL += [5e-324, 1e-300, 2e-5, 9.99e-5, 1e-4, 1.5e-4, 1e15, 9.99e15, 1.5e16, 1e300, -3e-5, -2.5e17]
EDGES = [(k + j / 65536) * f for k in (0, 1, 3) for j in (1, 2, 4095) for f in (math.pi, 1 / math.pi)]
SPECIAL += EDGES + [-v for v in EDGES]
VALUE = st.one_of(
    st.floats(-20, 20, allow_nan=False),
    st.floats(-1e300, 1e300),  # beyond ~5.7e307, value * pi overflows and the exporters raise
    st.sampled_from(SPECIAL).map(lambda v: v + 3e-12),
    st.sampled_from(SPECIAL).map(lambda v: v - 1.5e-9),
    st.sampled_from(SPECIAL),
    st.sampled_from(SPECIAL).map(lambda v: v + 5e-10),
    st.sampled_from(SPECIAL).map(lambda v: v * (1 + 1e-13)),
)


def _ansatz() -> QuantumCircuit:
    qc = efficient_su2(3, reps=1)
    theta, phi = Parameter("θ"), Parameter("φ")
    qc.u(theta, phi, theta, 0)  # one parameter in two holes
    qc.barrier()
    qc.crz(phi, 1, 2)
    qc.measure_all()
    return qc


ANSATZ = _ansatz()


@pytest.mark.parametrize("fmt", list(EXPORTERS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_binding_a_parameterized_circuit_gives_the_full_export(fmt: ProgramFormat, data: st.DataObject) -> None:
    template = templates.for_parameters(ANSATZ, fmt, EXPORTERS[fmt])
    assert template is not None
    points = data.draw(st.lists(st.lists(VALUE, min_size=14, max_size=14), min_size=1, max_size=4))
    programs = list(templates.bind_all(template, np.array(points)))
    for values, program in zip(points, programs, strict=True):
        assert program.serialization_format == fmt
        assert program.text() == EXPORTERS[fmt](ANSATZ.assign_parameters(values))


def test_a_parameter_inside_an_expression_has_no_template() -> None:
    qc = QuantumCircuit(1, 1)
    theta = Parameter("t")
    qc.rx(2 * theta, 0)
    qc.ry(theta, 0)
    qc.measure(0, 0)
    assert templates.for_parameters(qc, ProgramFormat.QASM_V2, qasm2.dumps) is None


def _platform(provider: str = "scaleway", backend: str = "aer") -> PlatformDescription:
    return describe(PlatformInfo(id="p", name=f"{provider}-{backend}", provider_name=provider, backend_name=backend))


def _custom(angle: float) -> QuantumCircuit:
    gate = Gate("mine", 1, [])
    body = QuantumCircuit(1)
    body.rx(angle, 0)
    gate.definition = body
    qc = QuantumCircuit(1, 1)
    qc.append(gate, [0])
    qc.measure(0, 0)
    return qc


@settings(max_examples=25, deadline=None)
@given(points=st.lists(st.lists(VALUE, min_size=14, max_size=14), min_size=3, max_size=6), seed=st.integers(0, 9))
def test_bound_circuits_that_share_a_structure_give_their_full_exports(points: list[list[float]], seed: int) -> None:
    """backend.run's path: a list mixing one structure, other structures and custom gates."""
    circuits = [ANSATZ.assign_parameters(v) for v in points]
    circuits.insert(seed % len(circuits), _custom(points[0][0]))
    circuits.append(_custom(points[-1][1]))
    circuits.append(ANSATZ.assign_parameters(points[0]).reverse_bits())
    for platform in (_platform(), _platform("iqm", "garnet"), _platform("qperfect", "mps")):  # QASM 2, 3, no barriers
        expected = [convert.to_program(c, platform) for c in circuits]
        assert list(sweeps.programs(circuits, platform)) == expected


def test_a_parameter_sweep_gives_each_points_full_program() -> None:
    platform = _platform()
    rows = np.random.default_rng(5).uniform(-4, 4, (5, ANSATZ.num_parameters))
    rows[2, :4] = [math.pi / 2, 0.0, -math.pi, 1.0]
    expected = [convert.to_program(ANSATZ.assign_parameters(r), platform) for r in rows]
    assert list(sweeps.parameter_sweep(ANSATZ, rows, platform)) == expected


@pytest.mark.parametrize("chunk", [1, 2, 3])
def test_bound_circuits_read_in_chunks_keep_their_order_and_texts(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Templates found in one chunk are used in later ones; points of a chunk are bound together, in order."""
    monkeypatch.setattr(sweeps, "CHUNK", chunk)
    rows = np.random.default_rng(chunk).uniform(-4, 4, (7, ANSATZ.num_parameters))
    circuits = [ANSATZ.assign_parameters(r) for r in rows]
    circuits[3:3] = [_custom(0.5), ANSATZ.assign_parameters(rows[1]).reverse_bits()]
    platform = _platform()
    assert list(sweeps.programs(circuits, platform)) == [convert.to_program(c, platform) for c in circuits]


@pytest.mark.parametrize("eps", sorted(set(templates.EPS.values())))
def test_numbers_are_printed_as_pi_check_prints_them(eps: float) -> None:
    """Many values near pi fractions (either side of ``eps`` and of the fast path's 2e-9), tiny and huge."""
    rng = np.random.default_rng(7)
    fractions = rng.integers(1, 100, 20_000) / rng.integers(1, 100, 20_000)
    noise = rng.choice([0.0, eps / 2, -eps / 2, 2 * eps, -1e-9, 1.9e-9, -2.1e-9, 1e-6], 20_000)
    values = np.concatenate(
        [
            rng.uniform(-20, 20, 5_000),
            fractions * np.pi + noise,
            -fractions / np.pi + noise,
            rng.choice([-1, 1], 2_000) * 10.0 ** rng.uniform(-320, 300, 2_000),
        ]
    )
    expected = [qiskit_pi_check(v, output="qasm", eps=eps) for v in values.tolist()]
    assert next(templates.numbers(values[np.newaxis, :], eps)) == expected


def test_bound_circuits_of_two_alternating_structures_each_get_their_own_texts() -> None:
    """The last structure seen is compared first: alternating structures must still find each one's template."""
    rows = np.random.default_rng(11).uniform(-4, 4, (8, ANSATZ.num_parameters))
    circuits = [ANSATZ.assign_parameters(r) for r in rows]
    circuits = [c.reverse_bits() if i % 2 or i > 5 else c for i, c in enumerate(circuits)]
    platform = _platform()
    assert list(sweeps.programs(circuits, platform)) == [convert.to_program(c, platform) for c in circuits]
