"""Families that take one program per job (qsim, CUDA-Q, QPerfect, Quobly): a sweep makes one job per point,
its jobs are created concurrently but never more at once than ``SCW_QAAS_MAX_CREATIONS``, and its results come
back in order, equal to the framework's own simulator's within statistical bounds."""

from __future__ import annotations

from collections import Counter
from typing import Any

import cirq
import httpx
import numpy as np
import pytest
import sympy

from scaleway_qaas.adapters.cirq import ScalewaySampler
from scaleway_qaas.core import Family, Program, ProgramFormat, QaaSClient, run
from scaleway_qaas.core.families import FAMILIES
from scaleway_qaas.emulator import Emulator

from .conftest import PLATFORMS
from .stats import assert_matches

BOUND = 3  # SCW_QAAS_MAX_CREATIONS in these tests
ONE_PER_JOB = sorted(f for f in PLATFORMS if FAMILIES[Family(f)].programs_per_job(50) == 1)


class InFlight(httpx.AsyncBaseTransport):
    """A real HTTP transport that counts the creations (``POST /models``, ``POST /jobs``) in flight at once."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.now = self.most = 0
        self.order: list[str] = []  # "models" or "jobs", as the creations were sent

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        creation = request.method == "POST" and request.url.path.endswith(("/models", "/jobs"))
        if creation:
            self.order.append(request.url.path.rsplit("/", 1)[-1])
        self.now += creation
        self.most = max(self.most, self.now)
        try:
            return await self.inner.handle_async_request(request)
        finally:
            self.now -= creation

    async def aclose(self) -> None:
        await self.inner.aclose()


def jobs_held(emulator: Emulator) -> int:
    return int(emulator.store._all("SELECT COUNT(*) AS n FROM jobs", ())[0]["n"])


@pytest.fixture
def bounded(cap_env: Emulator, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("SCW_QAAS_MAX_CREATIONS", str(BOUND))
    transport = InFlight()
    with QaaSClient(transport=transport) as client:
        yield client, transport


def index_circuit(width: int) -> cirq.Circuit:
    """``width`` qubits whose outcome spells a point's index (``rx(pi * bit)``), then one qubit at an angle."""
    q = cirq.LineQubit.range(width + 1)
    names = [f"b{k}" for k in range(width)] + ["t"]
    ops = [cirq.rx(sympy.Symbol(n)).on(wire) for n, wire in zip(names, q, strict=True)]
    return cirq.Circuit(*ops, cirq.measure(*q, key="m"))


def test_a_cirq_sweep_on_qsim_makes_one_job_per_point_created_concurrently_within_the_bound(
    cap_env: Emulator, bounded: Any
) -> None:
    client, transport = bounded
    points = 50
    circuit = index_circuit(6)
    angles = np.linspace(0.3, 2.8, points)
    sweep = cirq.ListSweep(
        [{**{f"b{k}": np.pi * (i >> k & 1) for k in range(6)}, "t": float(angles[i])} for i in range(points)]
    )
    before = jobs_held(cap_env)
    results = ScalewaySampler(PLATFORMS["qsim"], client=client).run_sweep(circuit, sweep, repetitions=400)
    assert jobs_held(cap_env) - before == points  # one job per point
    assert 2 <= transport.most <= BOUND, transport.most  # concurrent, within the bound
    assert "jobs" in transport.order[: BOUND + 1], transport.order[:10]  # the first job does not wait for every model
    reference = cirq.Simulator(seed=7).run_sweep(circuit, sweep, repetitions=2000)
    assert len(results) == points
    for i, (got, ref) in enumerate(zip(results, reference, strict=True)):
        rows = got.records["m"].reshape(got.repetitions, -1)
        assert {int("".join(map(str, row[:6][::-1])), 2) for row in rows} == {i}  # in order: point i is point i
        counts = Counter(str(row[6]) for row in rows)
        expected = Counter(str(row[6]) for row in ref.records["m"].reshape(ref.repetitions, -1))
        assert_matches(counts, expected, what=f"point {i}")


@pytest.mark.parametrize("family", ONE_PER_JOB)
def test_programs_on_a_family_of_one_program_per_job_are_created_within_the_bound(
    cap_env: Emulator, bounded: Any, family: str
) -> None:
    client, transport = bounded
    count = 12
    texts = [
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[4];\ncreg c[4];\n'
        + "".join(f"x q[{b}];\n" for b in range(4) if i >> b & 1)
        + "measure q -> c;\n"
        for i in range(count)
    ]
    before = jobs_held(cap_env)
    platform = client.describe_platform(PLATFORMS[family])
    options = {"noise": False} if family == "quobly" else None  # the twin's noise would blur the outcomes
    programs = [Program.from_text(t, ProgramFormat.QASM_V2) for t in texts]
    job = run(client, platform, programs, shots=20, options=options)
    results = job.result()
    assert len(job.ids) == count and jobs_held(cap_env) - before == count
    assert 2 <= transport.most <= BOUND, transport.most
    assert "jobs" in transport.order[: BOUND + 1], transport.order  # not every model first, then the jobs
    assert [set(r.counts) for r in results] == [{format(i, "04b")[::-1]} for i in range(count)]
