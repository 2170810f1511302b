"""Cirq sweep templates (no emulator): each point's program is exactly the one of a full resolve + export."""

from __future__ import annotations

import math

import cirq
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from scaleway_qaas.adapters.cirq.convert import prepare
from scaleway_qaas.adapters.cirq.sweeps import prepare_sweep
from scaleway_qaas.core.platform import PlatformDescription, describe
from scaleway_qaas.core.records import PlatformInfo
from scaleway_qaas.core.wire import ProgramFormat

NAMES = ["a", "b", "c"]
QUBITS = cirq.LineQubit.range(3)
CIRCUIT = cirq.Circuit(
    cirq.rx(sympy.Symbol("a")).on(QUBITS[0]),
    cirq.ry(sympy.Symbol("b")).on(QUBITS[1]),
    cirq.CNOT(QUBITS[0], QUBITS[1]),
    cirq.rz(sympy.Symbol("a")).on(QUBITS[2]),
    cirq.ry(sympy.Symbol("c")).on(QUBITS[2]),
    cirq.measure(*QUBITS[:2], key="m"),
    cirq.measure(QUBITS[2], key="z"),
)
SPECIAL = [0.0, -0.0, 1e-11, 1e-5, 1e16, math.pi, -math.pi / 2, 2 * math.pi, 1.0, 3.0]
#: OpenQASM rounds ``value / pi`` to 10 decimals: values near a tie, tiny, huge, not finite
SPECIAL += [1.5e-10 * math.pi, -2.5e-10 * math.pi, 0.12345678905 * math.pi, 1e-300, 5e-11, 1e300, 1e20]
SPECIAL += [math.inf, -math.inf, math.nan]
VALUE = st.one_of(st.floats(-10, 10, allow_nan=False), st.sampled_from(SPECIAL), st.floats())


def _platform(name: str, provider: str, backend: str) -> PlatformDescription:
    return describe(PlatformInfo(id="p", name=name, provider_name=provider, backend_name=backend))


PLATFORMS = {  # one per program format Cirq writes
    ProgramFormat.CIRQ_CIRCUIT_JSON_V1: _platform("EMU-QSIM-16C-128M", "scaleway", "qsim"),
    ProgramFormat.QASM_V2: _platform("EMU-AER-16C-128M", "scaleway", "aer"),
    ProgramFormat.QASM_V3: _platform("QPU-GARNET-20PQ", "iqm", "garnet"),
}


@pytest.mark.parametrize("fmt", list(PLATFORMS))
@settings(max_examples=40, deadline=None)
@given(points=st.lists(st.lists(VALUE, min_size=3, max_size=3), min_size=3, max_size=6), numpy=st.booleans())
def test_each_point_is_the_full_export(fmt: ProgramFormat, points: list[list[float]], numpy: bool) -> None:
    kind = np.float64 if numpy else float
    resolvers = [cirq.ParamResolver({n: kind(v) for n, v in zip(NAMES, p, strict=True)}) for p in points]
    platform = PLATFORMS[fmt]
    swept = list(prepare_sweep(CIRCUIT, resolvers, platform))
    assert swept[0].program.serialization_format == fmt
    assert swept == [prepare(CIRCUIT, r, platform) for r in resolvers]


def _cirq_texts(fmt: ProgramFormat, values: list[float]) -> list[str]:
    """Cirq's own printing of ``rx(value)`` resolved: ``to_json``'s ``rads``, or OpenQASM's angle."""
    gates = [cirq.resolve_parameters(cirq.rx(sympy.Symbol("a")), {"a": v}) for v in values]
    if fmt == ProgramFormat.CIRQ_CIRCUIT_JSON_V1:
        return [cirq.to_json(g).split('"rads": ')[1].split()[0] for g in gates]
    args = cirq.QasmArgs()
    return [args.format_field(g._exponent, "half_turns") for g in gates]


@pytest.mark.parametrize("fmt", list(PLATFORMS))
@pytest.mark.parametrize("kind", [float, np.float64])
def test_many_values_are_printed_as_cirq_prints_them(fmt: ProgramFormat, kind: type) -> None:
    """Thousands of values, many within rounding error of a tie of OpenQASM's 10 decimals, printed in rows."""
    from scaleway_qaas.adapters.cirq import sweeps
    from scaleway_qaas.core import Template

    rng = np.random.default_rng(3)
    ties = (rng.integers(-(10**6), 10**6, 3000) + 0.5) * 10.0 ** rng.integers(-10, -3, 3000) * math.pi
    near = ties * (1 + rng.choice([0.0, 1e-16, -1e-16, 3e-16, -3e-16], 3000))
    values = np.concatenate([rng.uniform(-7, 7, 1000), near, 10.0 ** rng.uniform(-14, 17, 1000), [math.inf, 0.0]])
    template = Template(("<", ">"), (0,), fmt)
    ours = [text[1:-1] for text in sweeps._texts(template, values[:, np.newaxis])]
    assert ours == _cirq_texts(fmt, [kind(v) for v in values])


def test_gates_whose_export_depends_on_the_value_are_exported_per_point() -> None:
    """``X**t`` is written ``x`` at t=1 and ``rx`` elsewhere: no template may hold it."""
    t = sympy.Symbol("t")
    circuit = cirq.Circuit(cirq.X(QUBITS[0]) ** t, cirq.measure(QUBITS[0], key="m"))
    platform = PLATFORMS[ProgramFormat.QASM_V2]
    resolvers = [cirq.ParamResolver({"t": v}) for v in (0.25, 1.0, 0.5, 0.3)]
    swept = list(prepare_sweep(circuit, resolvers, platform))
    assert "x q[0];" in swept[1].program.text()
    assert swept == [prepare(circuit, r, platform) for r in resolvers]


@pytest.mark.parametrize("fmt", list(PLATFORMS))
def test_rotations_by_symbols_have_a_template(fmt: ProgramFormat) -> None:
    from scaleway_qaas.adapters.cirq.sweeps import _template

    assert _template(CIRCUIT, NAMES, PLATFORMS[fmt], fmt) is not None


@pytest.mark.parametrize("fmt", list(PLATFORMS))
@settings(max_examples=20, deadline=None)
@given(points=st.lists(st.lists(VALUE, min_size=3, max_size=3), min_size=3, max_size=6))
def test_a_streamed_sweep_gives_the_programs_of_each_points_full_export(
    fmt: ProgramFormat, points: list[list[float]]
) -> None:
    from scaleway_qaas.adapters.cirq.sweeps import stream_sweep

    resolvers = [cirq.ParamResolver(dict(zip(NAMES, p, strict=True))) for p in points]
    platform = PLATFORMS[fmt]
    streamed = stream_sweep(CIRCUIT, resolvers, platform)
    assert streamed is not None
    first, rest = streamed
    assert first == prepare(CIRCUIT, resolvers[0], platform)
    assert [first.program, *rest] == [prepare(CIRCUIT, r, platform).program for r in resolvers]


def test_a_sweep_that_could_fail_while_binding_is_not_streamed() -> None:
    """A point that does not bind (an int value, a missing symbol) or a circuit without a template: None, so that
    every point is prepared (and any error raised) before a job exists."""
    from scaleway_qaas.adapters.cirq.sweeps import stream_sweep

    platform = PLATFORMS[ProgramFormat.QASM_V2]
    good = [cirq.ParamResolver({"a": 0.1, "b": 0.2, "c": 0.3}) for _ in range(3)]
    assert stream_sweep(CIRCUIT, good, platform) is not None
    assert stream_sweep(CIRCUIT, [*good, cirq.ParamResolver({"a": 1, "b": 0.2, "c": 0.3})], platform) is None
    assert stream_sweep(CIRCUIT, [*good, cirq.ParamResolver({"a": 0.1, "b": 0.2})], platform) is None
    t = sympy.Symbol("t")
    circuit = cirq.Circuit(cirq.X(QUBITS[0]) ** t, cirq.measure(QUBITS[0], key="m"))
    assert stream_sweep(circuit, [cirq.ParamResolver({"t": v}) for v in (0.25, 1.0, 0.5)], platform) is None
