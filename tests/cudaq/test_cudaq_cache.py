"""The Python path's caches: translations per kernel and arguments, float templates, targets per machine."""

from __future__ import annotations

import math

import cudaq
import cudaq_kernels
import numpy as np
import pytest
from cudaq_kernels import bell, flip_captured, rotation

from scaleway_qaas.adapters import cudaq as scw
from scaleway_qaas.adapters.cudaq import cache, kernels, qasm
from scaleway_qaas.errors import QaaSError

_translate = kernels.translate


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Record every real ``cudaq.translate`` made by the adapter."""
    calls: list[tuple] = []
    real = _translate

    def counting(kernel: object, args: object, name: str | None = None) -> str:
        calls.append(tuple(args))  # type: ignore[arg-type]
        return real(kernel, args, name)  # type: ignore[arg-type]

    monkeypatch.setattr(kernels, "translate", counting)
    return calls


def _uncached(kernel: object, *args: object) -> qasm.Circuit:
    return qasm.parse(_translate(kernel, args))


def _rx_cx() -> object:
    kernel, theta = cudaq.make_kernel(float)
    q = kernel.qalloc(2)
    kernel.rx(theta, q[0])
    kernel.cx(q[0], q[1])
    kernel.mz(q)
    return kernel


def test_decorator_translated_once_per_distinct_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    first = cache.to_circuit(rotation, (0.3, 2))
    assert cache.to_circuit(rotation, (0.3, 2)) is first
    other = cache.to_circuit(rotation, (0.4, 2))
    wider = cache.to_circuit(rotation, (0.3, 3))
    assert other != first and wider.num_qubits == 3
    assert cache.to_circuit(rotation, (0.3, 2)) is first
    assert len(calls) == 3


def test_argument_keys_are_exact_and_unhashable_values_are_frozen() -> None:
    freeze = cache.freeze
    assert freeze(1) != freeze(1.0) != freeze(True)
    assert freeze(0.0) != freeze(-0.0)
    assert freeze(np.float64(0.5)) != freeze(0.5)
    assert freeze([0.1, 0.2]) == freeze([0.1, 0.2]) != freeze([0.1, 0.3]) != freeze((0.1, 0.3))
    assert freeze(np.array([0.1, 0.2])) == freeze(np.array([0.1, 0.2])) != freeze(np.array([0.1, 0.2], np.float32))
    hash(freeze([[1, 2], np.array([3.0])]))
    with pytest.raises(cache.Uncacheable):
        freeze(object())


def test_captured_variables_key_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    flip_captured.compile()  # captures are known once compiled
    info = cache.kernel_info(flip_captured)
    zero = info.key(())
    monkeypatch.setattr(cudaq_kernels, "FLIP", 1)
    assert info.key(()) != zero is not None
    monkeypatch.setattr(cudaq_kernels, "FLIP", 0)
    assert info.key(()) == zero


@pytest.mark.parametrize("value", [0.0, -0.0, 0.3, 0.1 + 0.2, -1.5, math.pi, 1e-300, 123456.789, 0.99999995])
def test_builder_float_template_equals_cudaq_translation(value: float) -> None:
    kernel = _rx_cx()
    cache.to_circuit(kernel, (0.7,))  # builds the template
    assert cache.to_circuit(kernel, (value,)) == _uncached(kernel, value)


def test_sweep_costs_two_translations(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    kernel = _rx_cx()
    angles = np.linspace(0, math.pi, 100).tolist()
    circuits = [cache.to_circuit(kernel, (a,)) for a in angles]
    assert len(calls) == 2  # the two sentinel translations of the template
    assert len({c.body for c in circuits}) == 100
    assert circuits[17] == _uncached(kernel, angles[17])


def test_no_template_when_the_argument_is_transformed(monkeypatch: pytest.MonkeyPatch) -> None:
    kernel, theta = cudaq.make_kernel(float)
    q = kernel.qalloc(2)
    kernel.rx(theta * 2.0, q[0])  # folded to 2 * value: not a printed argument
    kernel.exp_pauli(theta, q, "XY")  # decomposed: the angle appears transformed
    calls = _counting(monkeypatch)
    for value in (0.25, 0.5, -1.0):
        assert cache.to_circuit(kernel, (value,)) == _uncached(kernel, value)
    assert len(calls) == 2 + 3  # the failed template, then one translation per value
    assert cache.to_circuit(kernel, (0.5,)) == _uncached(kernel, 0.5)
    assert len(calls) == 5  # the per-value cache still holds


def test_builder_extended_after_a_call_is_translated_again() -> None:
    kernel = cudaq.make_kernel()
    q = kernel.qalloc(2)
    kernel.x(q[0])
    assert "swap" not in cache.to_circuit(kernel, ()).body and "cx" not in cache.to_circuit(kernel, ()).body
    kernel.swap(q[0], q[1])  # CUDA-Q itself keeps its stale compiled module after swap
    assert cache.to_circuit(kernel, ()).body.count("cx") == 3
    kernel.mz(q[1])
    assert cache.to_circuit(kernel, ()).measured == (1,)


def test_changed_arguments_change_results(scw_env: dict[str, str]) -> None:
    kernel = _rx_cx()
    for value, expected in [(0.0, "00"), (math.pi, "11"), (0.0, "00"), (-math.pi, "11")]:
        assert dict(scw.sample(kernel, value, shots_count=50).items()) == {expected: 50}
    results = scw.sample_batch(kernel, [0.0, math.pi, 0.0], shots_count=20)
    assert [dict(r.items()) for r in results] == [{"00": 20}, {"11": 20}, {"00": 20}]


def test_targets_do_not_leak_across_machines_or_urls(scw_env: dict[str, str]) -> None:
    creds = {
        "url": scw_env["SCW_API_URL"],
        "secret_key": scw_env["SCW_SECRET_KEY"],
        "project_id": scw_env["SCW_PROJECT_ID"],
    }
    assert dict(scw.sample(bell, shots_count=10, **creds).items()).keys() <= {"00", "11"}
    assert scw.sample(bell, shots_count=10, machine="EMU-AER-16C-128M", **creds).get_total_shots() == 10
    with pytest.raises(QaaSError):  # another URL: not served from the memo of the first one
        scw.sample(bell, shots_count=10, **{**creds, "url": "http://127.0.0.1:9"})
