"""The long-poll switch: by default a status read of a job an engine runs may wait up to 100 ms for it to
finish; ``long_poll=0`` (``--long-poll 0``) answers every read at once, as the real service does."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from scaleway_qaas.emulator import Emulator

from .conftest import Api, P

#: under a second of Aer work on one engine: 14 qubits, 150 layers of rotations and a CNOT ring
SLOW = "\n".join(
    [
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[14];\ncreg c[14];',
        *(f"rx({0.1 + layer / 100}) q[{i}];\ncx q[{i}],q[{(i + 1) % 14}];" for layer in range(150) for i in range(14)),
        "measure q -> c;",
    ]
)


def _read_times(api: Api, reads: int = 5) -> list[float]:
    """Durations of status reads of one slow job while it is still waiting or running."""
    session = api.session("EMU-AER-16C-128M")
    job = api.ok(api.submit(session["id"], api.model(SLOW), shots=10))
    times = []
    for _ in range(reads):
        start = time.perf_counter()
        status = api.ok(api.http.get(f"{P}/jobs/{job['id']}"))["status"]
        if status not in ("waiting", "running"):
            break
        times.append(time.perf_counter() - start)
    api.wait(job["id"], timeout=120)
    return times


@pytest.fixture(scope="module")
def honest() -> Iterator[Emulator]:
    with Emulator(workers=1, long_poll=0) as emulator:
        yield emulator


def test_long_poll_off_answers_status_reads_at_once(honest: Emulator) -> None:
    times = _read_times(Api(honest.url))
    assert len(times) >= 3, "the job ended too soon to read its status while running"
    assert max(times) < 0.05, times


def test_long_poll_on_holds_reads_of_a_running_job(honest: Emulator) -> None:
    with Emulator(workers=1) as emulator:  # the default: 0.1 s
        times = _read_times(Api(emulator.url), reads=3)
    assert len(times) >= 2 and min(times) >= 0.09, times


@pytest.mark.parametrize("value", [-1.0, 61.0])
def test_long_poll_out_of_range_is_refused(value: float) -> None:
    with pytest.raises(ValueError, match="long_poll must be between 0 and 60 seconds"):
        Emulator(long_poll=value)


def test_the_command_line_takes_long_poll() -> None:
    import argparse

    from scaleway_qaas.emulator.cli import add_emulator_arguments

    parser = argparse.ArgumentParser()
    add_emulator_arguments(parser)
    assert parser.parse_args(["--long-poll", "0"]).long_poll == 0.0
    assert parser.parse_args([]).long_poll == pytest.approx(0.1)
