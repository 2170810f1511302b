"""How each path submits work: bare HTTP, the core, and every adapter (built lazily, imports inside)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from scaleway_qaas.core import run_in

from .common import AER, BELL_QASM, CUDAQ, QSIM, Context

PREFIX = "/qaas/v1alpha1"


def bell_program() -> Any:
    from scaleway_qaas.core import Program, ProgramFormat

    return Program.from_text(BELL_QASM, ProgramFormat.QASM_V2)


class BareHTTP:
    """The HTTP calls one job needs, made with httpx straight to the emulator (the baseline)."""

    def __init__(self, ctx: Context, platform: str = AER) -> None:
        import httpx

        self.session_id = ctx.session(platform).id
        self.project_id = ctx.project_id
        self.http = httpx.Client(base_url=f"{ctx.url}{PREFIX}", headers={"X-Auth-Token": ctx.secret_key}, timeout=60)

    def run(self, qasm: str = BELL_QASM, shots: int = 1000) -> list[Any]:
        program = {"compression_format": 1, "serialization_format": 2, "serialization": qasm}
        payload = json.dumps({"programs": [program], "backend": None, "client": None, "noise_model": None})
        model = self.http.post("/models", json={"project_id": self.project_id, "payload": payload})
        model.raise_for_status()
        body = {
            "name": uuid.uuid4().hex,
            "session_id": self.session_id,
            "model_id": model.json()["id"],
            "parameters": json.dumps({"shots": shots, "options": None}),
        }
        job = self.http.post("/jobs", json=body)
        job.raise_for_status()
        job_id = job.json()["id"]
        while True:  # tight polling: the fastest a client can learn the job is done
            status = self.http.get(f"/jobs/{job_id}").json()["status"]
            if status == "completed":
                break
            if status in ("error", "cancelled"):
                raise RuntimeError(f"job {job_id} {status}")
        results = self.http.get(f"/jobs/{job_id}/results").json()["job_results"]
        return [json.loads(r["result"]) for r in results]


def core_bell(ctx: Context, shots: int = 1000) -> Callable[[], Any]:
    session = ctx.session(AER)
    program = bell_program()
    return lambda: run_in(session, [program], shots=shots).result()


def qiskit_bell(ctx: Context) -> Callable[[], Any]:
    from qiskit import QuantumCircuit

    from scaleway_qaas.adapters.qiskit import ScalewayProvider

    backend = ScalewayProvider(**ctx.creds).get_backend(AER)
    qc = QuantumCircuit(2, 2)
    qc.h(0)
    qc.cx(0, 1)
    qc.measure([0, 1], [0, 1])
    return lambda: backend.run(qc, shots=1000).result().get_counts()


def cirq_bell(ctx: Context) -> Callable[[], Any]:
    import cirq

    from scaleway_qaas.adapters.cirq import ScalewaySampler

    sampler = ScalewaySampler(backend=QSIM, **ctx.creds)
    q = cirq.LineQubit.range(2)
    circuit = cirq.Circuit(cirq.H(q[0]), cirq.CNOT(q[0], q[1]), cirq.measure(*q, key="m"))
    return lambda: sampler.run(circuit, repetitions=1000).histogram(key="m")


def pennylane_bell(ctx: Context) -> Callable[[], Any]:
    import pennylane as qml

    import scaleway_qaas.adapters.pennylane  # noqa: F401  (the device, without relying on the entry point)

    dev = qml.device("scaleway.qaas", wires=2, backend=AER, **ctx.creds)

    @qml.set_shots(1000)
    @qml.qnode(dev)
    def bell() -> Any:
        qml.Hadamard(0)
        qml.CNOT([0, 1])
        return qml.counts()

    return bell


def cudaq_bell_kernel() -> Any:
    import cudaq

    kernel = cudaq.make_kernel()
    q = kernel.qalloc(2)
    kernel.h(q[0])
    kernel.cx(q[0], q[1])
    kernel.mz(q)
    return kernel


def cudaq_native_bell(ctx: Context) -> Callable[[], Any]:
    import cudaq

    cudaq.set_target("scaleway", url=ctx.url, machine=CUDAQ, project_id=ctx.project_id, secret_key=ctx.secret_key)
    kernel = cudaq_bell_kernel()

    return lambda: dict(cudaq.sample(kernel, shots_count=1000).items())


def cudaq_python_bell(ctx: Context) -> Callable[[], Any]:
    from scaleway_qaas.adapters import cudaq as scw_cudaq

    kernel = cudaq_bell_kernel()
    return lambda: scw_cudaq.sample(kernel, shots_count=1000, machine=CUDAQ, **ctx.creds)
