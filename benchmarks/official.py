"""Latency of the official Scaleway plugins on the same emulator, next to ours (issue #9: ours >= 50x faster).

The official packages (requirements-official.txt) are timed unchanged: a Bell circuit, 1,000 shots, end to end,
each in a session opened before timing (as ours). They sleep between status polls: cirq-scaleway 2 s before its
first poll, so always ~2 s; qiskit-scaleway (and pennylane-scaleway, through it) polls once at once and then every
3 s, so a run takes ~10 ms when the emulator has finished the job before that first poll and ~3 s otherwise. The
latency is therefore bimodal: after 1 warm-up each plugin runs up to 5 times (--quick) or 15 times within a 6 s /
15 s budget, and its row says how many runs waited for a poll sleep. A package that is not installed gives a
``not installed`` row; nothing else is skipped.

Honest timing: these rows run on an emulator of their own started with ``long_poll=0``, which answers every
status read at once, as the real service does. The default emulator holds a read of a job about to finish for
up to 100 ms, so the official plugins' first poll would find their job done and their sleeps would vanish.
Our matching path is timed again on that same emulator, and the ratio compares the two medians there.
"""

from __future__ import annotations

import http
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from . import paths
from .common import AER, QSIM, Context, failed, goal, measure, ms, print_table, stats, timeit

GOAL = 50.0  # ours must be at least this many times faster
SLEPT = 1.0  # a run this long (s) waited for at least one of the plugin's poll sleeps


def _python311_httpstatus() -> None:
    """scaleway-qaas-client reads ``HTTPStatus.is_server_error`` / ``is_client_error``, new in Python 3.12.

    On 3.11 give the runtime those properties (3.12's definitions); the client itself is not changed.
    """
    if sys.version_info >= (3, 12):
        return
    for name, (lo, hi) in {
        "is_informational": (100, 199),
        "is_success": (200, 299),
        "is_redirection": (300, 399),
        "is_client_error": (400, 499),
        "is_server_error": (500, 599),
    }.items():
        if not hasattr(http.HTTPStatus, name):
            setattr(http.HTTPStatus, name, property(lambda self, lo=lo, hi=hi: lo <= self.value <= hi))


def _creds(ctx: Context) -> dict[str, str]:
    return {"project_id": ctx.project_id, "secret_key": ctx.secret_key, "url": ctx.url}


@contextmanager
def qiskit_bell(ctx: Context) -> Iterator[Callable[[], Any]]:
    from qiskit import QuantumCircuit
    from qiskit_scaleway import ScalewayProvider

    backend = ScalewayProvider(**_creds(ctx)).get_backend(AER)
    qc = QuantumCircuit(2, 2)
    qc.h(0)
    qc.cx(0, 1)
    qc.measure([0, 1], [0, 1])
    session_id = backend.start_session(name="bench-official-qiskit")
    try:
        yield lambda: backend.run(qc, shots=1000, session_id=session_id).result().get_counts()
    finally:
        backend.stop_session(session_id)


@contextmanager
def cirq_bell(ctx: Context) -> Iterator[Callable[[], Any]]:
    import cirq
    from cirq_scaleway import ScalewayQuantumService

    device = ScalewayQuantumService(**_creds(ctx)).device(QSIM)
    q = cirq.LineQubit.range(2)
    circuit = cirq.Circuit(cirq.H(q[0]), cirq.CNOT(q[0], q[1]), cirq.measure(*q, key="m"))
    with device.create_session(name="bench-official-cirq") as session:
        yield lambda: session.run(circuit, repetitions=1000).histogram(key="m")


@contextmanager
def pennylane_bell(ctx: Context) -> Iterator[Callable[[], Any]]:
    import pennylane as qml

    dev = qml.device("scaleway.aer", wires=2, backend=AER, shots=1000, **_creds(ctx))  # pennylane-scaleway's

    @qml.qnode(dev)
    def bell() -> Any:
        qml.Hadamard(0)
        qml.CNOT([0, 1])
        return qml.counts()

    with dev:
        yield bell


# (row, platform, timed call with its session open, our path (latency.PATHS row) it is compared with)
OFFICIAL: list[
    tuple[str, str, Callable[[Context], AbstractContextManager[Callable[[], Any]]], str, Callable[[Context], Any]]
] = [
    ("official qiskit_scaleway run()", AER, qiskit_bell, "qiskit backend.run().result()", paths.qiskit_bell),
    ("official cirq_scaleway run()", QSIM, cirq_bell, "cirq sampler.run()", paths.cirq_bell),
    ("official pennylane_scaleway QNode()", AER, pennylane_bell, "pennylane QNode()", paths.pennylane_bell),
]


def run(ctx: Context, ours: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Time each official plugin (1 warm-up, then runs until a count or time budget) and our matching path,
    both on an emulator with the long-poll off (``ours``, latency's figures, is not used: it had long-poll on)."""
    from scaleway_qaas.emulator import Emulator

    _python311_httpstatus()
    max_runs, budget = ctx.reps(5, 15), ctx.reps(6.0, 15.0)
    out: dict[str, Any] = {}
    with Emulator(tokens={ctx.secret_key: ctx.project_id}, seed=1, long_poll=0) as emulator:
        honest = Context(url=emulator.url, project_id=ctx.project_id, secret_key=ctx.secret_key, quick=ctx.quick)
        for name, platform, factory, our_name, our_path in OFFICIAL:
            res: dict[str, Any] = {"platform": platform, "ours": our_name, "long_poll": 0}
            try:
                with factory(honest) as fn:
                    samples = timeit(fn, 1, warmup=1)
                    while len(samples) < max_runs and sum(samples) < budget:
                        samples += timeit(fn, 1, warmup=0)
                res.update(status="ok", slept=sum(t >= SLEPT for t in samples), **stats(samples))
            except ImportError as exc:
                res["status"] = f"not installed ({type(exc).__name__}: {exc})"
            except Exception as exc:  # a broken plugin is reported, the others still run
                res["status"] = failed(exc)
            mine = measure(lambda p=our_path: p(honest), ctx.reps(10, 30))
            res["ours_status"] = mine["status"]
            if res["status"] == "ok" and mine["status"] == "ok" and mine.get("median"):
                res["ours_median"], res["ours_p90"] = mine["median"], mine["p90"]
                res["speedup"] = res["median"] / mine["median"]
            out[name] = res
    return out


def print_rows(results: dict[str, Any]) -> None:
    """The table of the official plugins next to ours, both timed on the emulator with the long-poll off."""
    print_table(
        "1b. Bell, 1,000 shots, end to end: the official plugins and ours, emulator long-poll off (as the service)",
        ["official path [platform]", "median", "p90", "ours (median)", f"goal: ours >= {GOAL:.0f}x faster"],
        rows(results),
    )


def rows(results: dict[str, Any]) -> list[list[str]]:
    """Rows of :func:`print_rows`: the official path's figures, ours, and how many times faster ours is."""
    table = []
    for name, res in results.items():
        if res["status"] != "ok":
            table.append([name, "-", "-", "-", res["status"]])
            continue
        speedup = res.get("speedup")
        # "k/n slept": k of the n runs waited for a poll sleep of the plugin
        slept = f"{res['slept']}/{res['n']} slept"
        text = f"ours {speedup:.3g}x faster, goal {GOAL:.0f}x; {slept}" if speedup is not None else ""
        verdict = goal(speedup >= GOAL, text) if speedup is not None else res.get("ours_status", "-")
        ours = f"ours {ms(res['ours_median'])}" if "ours_median" in res else "-"
        table.append([f"{name} [{res['platform']}]", ms(res["median"]), ms(res["p90"]), ours, verdict])
    return table
