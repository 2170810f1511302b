"""The official ``cirq-scaleway`` (0.1.16), unchanged, on the emulator (with cirq-core 1.7.0).

What works: ``ScalewayQuantumService(project_id, secret_key, url)``, its device list (the plugin exposes qsim, Aer
and the IQM/AQT platforms, never CUDA-Q), ``device.create_session()`` as a context manager, and ``session.run()`` of
a Bell circuit on EMU-QSIM-16C-128M (sent as Cirq JSON) and of a circuit with a parameter given as a plain dict on
EMU-AER-16C-128M (sent as QASM 3, resolved client-side).

What does not, in the plugin itself (no request reaches the emulator): ``run_sweep`` with a real sweep (for
example ``cirq.Linspace``) or ``run`` with a ``cirq.ParamResolver``. ``ScalewaySession._submit`` puts the whole
sweepable into ``QuantumComputationParameters.options``, whose ``to_json_str`` raises
``TypeError: Object of type ... is not JSON serializable``. That case is a strict xfail below, so it is
neither counted as passing nor hidden.

Install note: cirq-scaleway pins ``pandas==2.3.1`` (it never imports pandas) while constraints.txt has pandas 3,
so dev.sh installs it with ``--no-deps``. The plugin sleeps 2 s before each status poll: two jobs here.
"""

from __future__ import annotations

import cirq
import pytest
import sympy
from cirq_scaleway import ScalewayQuantumService

from .conftest import AER, QSIM


@pytest.fixture
def service(creds: dict[str, str]) -> ScalewayQuantumService:
    return ScalewayQuantumService(**creds)


def bell() -> cirq.Circuit:
    q = cirq.LineQubit.range(2)
    return cirq.Circuit(cirq.H(q[0]), cirq.CNOT(q[0], q[1]), cirq.measure(*q, key="m"))


def test_devices(service: ScalewayQuantumService) -> None:
    # the official client reads only the first page of platforms (20 here): ask by name
    for name in (AER, QSIM, "QPU-GARNET-20PQ", "QPU-IBEX-12PQ"):
        assert [d.name for d in service.devices(name)] == [name]
    device = service.device(QSIM)
    assert device is not None and device.num_qubits > 2


def test_bell_on_qsim(service: ScalewayQuantumService) -> None:
    device = service.device(QSIM)
    with device.create_session(name="tests-official-cirq", max_duration="5m", max_idle_duration="2m") as session:
        result = session.run(bell(), repetitions=1000)
    histogram = result.histogram(key="m")
    assert set(histogram) == {0, 3} and sum(histogram.values()) == 1000
    assert 400 <= histogram[0] <= 600, histogram
    assert result.measurements["m"].shape == (1000, 2)


def test_dict_parameter_on_aer(service: ScalewayQuantumService) -> None:
    q = cirq.LineQubit.range(2)
    theta = sympy.Symbol("theta")
    circuit = cirq.Circuit(cirq.rx(theta)(q[0]), cirq.X(q[1]), cirq.measure(*q, key="m"))
    with service.device(AER).create_session(max_duration="5m", max_idle_duration="2m") as session:
        result = session.run(circuit, param_resolver={"theta": float(sympy.pi)}, repetitions=100)
    assert result.histogram(key="m") == {3: 100}


@pytest.mark.xfail(
    strict=True, raises=TypeError, reason="cirq-scaleway 0.1.16 JSON-encodes the sweep object itself as job options"
)
def test_sweep_fails_in_the_plugin(service: ScalewayQuantumService) -> None:
    q = cirq.LineQubit(0)
    theta = sympy.Symbol("theta")
    circuit = cirq.Circuit(cirq.rx(theta)(q), cirq.measure(q, key="m"))
    with service.device(QSIM).create_session(max_duration="5m", max_idle_duration="2m") as session:
        session.run_sweep(circuit, cirq.Linspace("theta", 0, 1, 2), repetitions=10)
