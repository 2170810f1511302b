"""``scaleway-qaas demo``: one 3-qubit GHZ circuit through CUDA-Q, Qiskit, PennyLane and Cirq.

Starts the local emulator in-process, runs the same circuit through each
installed framework (CUDA-Q through its native ``scaleway`` target set up by
this package's ``set_target``, the others through this package's adapters), prints their counts side by side,
checks that they agree (only ``000`` and ``111``, each about half of the
shots), terminates every session it opened and checks through the API that
none is left running. Frameworks that are not installed are reported, not
failed. Exit code 0 when every installed framework agrees.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from rich.console import Console

DEMO_SECRET_KEY = "scaleway-qaas-demo-secret-key"
DEMO_PROJECT_ID = "00000000-0000-4000-8000-00000000de30"
AER = "EMU-AER-16C-128M"
QSIM = "EMU-QSIM-16C-128M"
CUDAQ = "EMU-CUDAQ-H100"
SIGMAS = 5.0
_CUDAQ_STEP = "--cudaq-child"
_NOT_INSTALLED = 3

Counts = dict[str, int]


# --- the four runs (each imports its framework lazily; counts keyed q0 first) ---------------------


def sample_cudaq(url: str, shots: int) -> Counts:
    """CUDA-Q's built-in ``scaleway`` target, configured by the package's ``set_target`` (credentials and
    durations read by the core), pointed at the emulator (run in a child process)."""
    import cudaq

    @cudaq.kernel
    def ghz() -> None:
        q = cudaq.qvector(3)
        h(q[0])  # type: ignore[name-defined]  # noqa: F821 (CUDA-Q kernel builtins)
        x.ctrl(q[0], q[1])  # type: ignore[name-defined]  # noqa: F821
        x.ctrl(q[1], q[2])  # type: ignore[name-defined]  # noqa: F821
        mz(q)  # type: ignore[name-defined]  # noqa: F821

    from .adapters.cudaq import set_target

    set_target(url=url, machine=CUDAQ, project_id=DEMO_PROJECT_ID, secret_key=DEMO_SECRET_KEY, max_idle_duration="5min")
    try:
        result = cudaq.sample(ghz, shots_count=shots)
        return {str(bits): int(n) for bits, n in result.items()}
    finally:
        cudaq.reset_target()


def run_cudaq(url: str, shots: int) -> tuple[Counts, float]:
    """Run :func:`sample_cudaq` in a child process.

    CUDA-Q's C++ REST helper keeps the GIL while it waits for HTTP answers, so
    it cannot talk to an emulator serving from a thread of the same process.
    """
    import json
    import subprocess

    cmd = [sys.executable, "-m", "scaleway_qaas.demo", _CUDAQ_STEP, url, str(shots)]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    last = (proc.stdout.strip().splitlines() or [""])[-1]
    if proc.returncode == _NOT_INSTALLED:
        raise ImportError(last or "cudaq", name=last or "cudaq")
    if proc.returncode != 0:
        errors = [line for line in proc.stderr.strip().splitlines() if line.strip()]
        raise RuntimeError(errors[-1] if errors else f"CUDA-Q child process exited with {proc.returncode}")
    data = json.loads(last)
    return {str(k): int(v) for k, v in data["counts"].items()}, float(data["seconds"])


def _cudaq_child(url: str, shots: str) -> int:
    """Entry point of the child process of :func:`run_cudaq`: prints the counts as JSON."""
    import json

    try:
        import cudaq  # noqa: F401
    except ImportError as exc:
        print(getattr(exc, "name", None) or "cudaq")
        return _NOT_INSTALLED
    started = time.perf_counter()
    counts = sample_cudaq(url, int(shots))
    print(json.dumps({"counts": counts, "seconds": time.perf_counter() - started}))
    return 0


def run_qiskit(url: str, shots: int) -> Counts:
    """``ScalewayProvider(...).get_backend(...).run(qc)``; Qiskit keys are reversed to q0 first."""
    from qiskit import QuantumCircuit

    from .adapters.qiskit import ScalewayProvider

    qc = QuantumCircuit(3, 3)
    qc.h(0)
    qc.cx(0, 1)
    qc.cx(1, 2)
    qc.measure(range(3), range(3))
    backend = ScalewayProvider(url=url).get_backend(AER)
    counts = backend.run(qc, shots=shots).result().get_counts()
    return {key.replace(" ", "")[::-1]: int(n) for key, n in counts.items()}


def run_pennylane(url: str, shots: int) -> Counts:
    """A QNode on ``qml.device("scaleway.qaas", ...)`` returning ``qml.counts()``."""
    import pennylane as qml

    modern = hasattr(qml, "set_shots")  # PennyLane >= 0.42: shots on the QNode; on the device, deprecated
    dev = qml.device("scaleway.qaas", wires=3, backend=AER, url=url, **({} if modern else {"shots": shots}))

    def circuit() -> Any:
        qml.Hadamard(0)
        qml.CNOT([0, 1])
        qml.CNOT([1, 2])
        return qml.counts()

    qnode = qml.QNode(circuit, dev)
    if modern:
        qnode = qml.set_shots(qnode, shots=shots)
    return {str(bits): int(n) for bits, n in qnode().items() if int(n)}


def run_cirq(url: str, shots: int) -> Counts:
    """``ScalewaySampler(...).run(circuit)`` on the qsim platform."""
    import cirq

    from .adapters.cirq import ScalewaySampler

    q = cirq.LineQubit.range(3)
    circuit = cirq.Circuit(cirq.H(q[0]), cirq.CNOT(q[0], q[1]), cirq.CNOT(q[1], q[2]), cirq.measure(*q, key="m"))
    sampler = ScalewaySampler(backend=QSIM, url=url)
    result = sampler.run(circuit, repetitions=shots)
    histogram = result.histogram(key="m", fold_func=lambda bits: "".join(str(int(b)) for b in bits))
    return {str(k): int(n) for k, n in histogram.items()}


Step = Callable[[str, int], Counts | tuple[Counts, float]]
STEPS: tuple[tuple[str, str, Step], ...] = (
    ("CUDA-Q", CUDAQ, run_cudaq),
    ("Qiskit", AER, run_qiskit),
    ("PennyLane", AER, run_pennylane),
    ("Cirq", QSIM, run_cirq),
)


# --- checking and reporting ----------------------------------------------------------------------


@attrs.define
class Outcome:
    """What one framework did."""

    framework: str
    platform: str
    counts: Counts | None = None
    seconds: float | None = None
    state: str = "ok"  # ok | not installed | failed
    note: str = ""

    @property
    def agrees(self) -> bool:
        return self.state == "ok" and self.counts is not None and ghz_agrees(self.counts)


def ghz_agrees(counts: Counts, sigmas: float = SIGMAS) -> bool:
    """Only 000 and 111, each within ``sigmas`` standard deviations of half the shots."""
    total = sum(counts.values())
    if total <= 0 or set(counts) - {"000", "111"}:
        return False
    return abs(counts.get("000", 0) - total / 2) <= sigmas * math.sqrt(total / 4)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:160] or type(exc).__name__


def run_step(framework: str, platform: str, fn: Step, url: str, shots: int) -> Outcome:
    """Run one framework, turning ImportError into 'not installed' and other errors into 'failed'."""
    started = time.perf_counter()
    try:
        answer = fn(url, shots)
    except ImportError as exc:
        missing = getattr(exc, "name", None) or _one_line(exc)
        if not missing.startswith(__package__ or "scaleway_qaas"):
            return Outcome(framework, platform, state="not installed", note=f"missing module {missing}")
        return Outcome(framework, platform, state="failed", note=f"{type(exc).__name__}: {_one_line(exc)}")
    except Exception as exc:
        return Outcome(
            framework,
            platform,
            seconds=time.perf_counter() - started,
            state="failed",
            note=f"{type(exc).__name__}: {_one_line(exc)}",
        )
    if isinstance(answer, tuple):  # the step timed itself (CUDA-Q: without the child's start-up)
        return Outcome(framework, platform, answer[0], answer[1])
    return Outcome(framework, platform, answer, time.perf_counter() - started)


@contextmanager
def _demo_environment(url: str) -> Iterator[None]:
    """Point the SCW_* variables at the emulator for the adapters; restore them afterwards."""
    values = {"SCW_API_URL": url, "SCW_SECRET_KEY": DEMO_SECRET_KEY, "SCW_PROJECT_ID": DEMO_PROJECT_ID}
    saved = {key: os.environ.get(key) for key in (*values, "SCW_DEFAULT_PROJECT_ID")}
    os.environ.update(values)
    os.environ.pop("SCW_DEFAULT_PROJECT_ID", None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def close_sessions(url: str) -> tuple[int, int, list[str]]:
    """Terminate every session of the demo; returns (opened, terminated here, still open per the API)."""
    from .core import QaaSClient, terminate_implicit_sessions

    closed = len(terminate_implicit_sessions(url))
    with QaaSClient(url=url, secret_key=DEMO_SECRET_KEY, project_id=DEMO_PROJECT_ID) as client:
        sessions = client.list_sessions()
        for s in sessions:
            if s.is_open:  # e.g. the one CUDA-Q's built-in target opened
                client.terminate_session(s.id)
                closed += 1
        still_open = [s.id for s in client.list_sessions() if s.is_open]
    return len(sessions), closed, still_open


def outcomes_table(outcomes: list[Outcome]) -> Any:
    from rich.table import Table

    t = Table(title="GHZ(3) on the local emulator", title_justify="left")
    for col, justify in (
        ("framework", "left"),
        ("platform", "left"),
        ("000", "right"),
        ("111", "right"),
        ("others", "right"),
        ("wall time", "right"),
        ("result", "left"),
    ):
        t.add_column(col, justify=justify)  # type: ignore[arg-type]
    for o in outcomes:
        if o.counts is None:
            t.add_row(o.framework, o.platform, "-", "-", "-", "-", f"{o.state} ({o.note})")
            continue
        total = sum(o.counts.values())
        n0, n1 = o.counts.get("000", 0), o.counts.get("111", 0)
        wall = f"{o.seconds:.2f} s" if o.seconds is not None else "-"
        verdict = "agrees" if o.agrees else f"disagrees: {dict(sorted(o.counts.items()))}"
        t.add_row(o.framework, o.platform, str(n0), str(n1), str(total - n0 - n1), wall, verdict)
    return t


def main(shots: int = 1000, console: Console | None = None) -> int:
    """Run the demo; returns the exit code (0: every installed framework agrees)."""
    from rich.console import Console

    console = console or Console(highlight=False)
    if shots <= 0:
        console.print("error: --shots must be positive")
        return 1
    try:
        from .emulator import Emulator
    except ImportError as exc:
        console.print(f"error: the emulator is not installed ({exc}); pip install 'scaleway-qaas[emulator]'")
        return 1
    outcomes: list[Outcome] = []
    with Emulator() as emulator, _demo_environment(emulator.url):
        console.print(f"local emulator listening on {emulator.url}")
        try:
            for framework, platform, fn in STEPS:
                console.print(f"  {framework:<10} on {platform} ...", end="")
                outcome = run_step(framework, platform, fn, emulator.url, shots)
                outcomes.append(outcome)
                shown = f"{outcome.seconds:.2f} s" if outcome.state == "ok" and outcome.seconds else outcome.state
                console.print(f" {shown}")
        finally:
            opened, closed, still_open = close_sessions(emulator.url)
    console.print(outcomes_table(outcomes))
    ran = [o for o in outcomes if o.state != "not installed"]
    missing = [o.framework for o in outcomes if o.state == "not installed"]
    agree = all(o.agrees for o in ran)
    if not ran:
        console.print("verdict: no framework is installed; nothing to compare")
    elif agree:
        console.print(
            f"verdict: AGREE - all {len(ran)} installed frameworks measured only 000 and 111, "
            f"each within {SIGMAS:g} sigma of {shots // 2}"
        )
    else:
        bad = ", ".join(o.framework for o in ran if not o.agrees)
        console.print(f"verdict: DISAGREE - {bad} did not produce the expected GHZ distribution")
    if missing:
        console.print(f"not installed: {', '.join(missing)}")
    if still_open:
        console.print(f"sessions: {opened} opened; STILL OPEN: {', '.join(still_open)}")
    else:
        console.print(f"sessions: {opened} opened, {closed} terminated, none left running (checked via the API)")
    return 0 if agree and not still_open else 1


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == _CUDAQ_STEP:
        sys.exit(_cudaq_child(sys.argv[2], sys.argv[3]))
    sys.exit(main())
