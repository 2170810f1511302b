"""The demo's checks and its handling of missing or failing frameworks (in-process, fake steps)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from scaleway_qaas import demo


def test_ghz_agreement() -> None:
    assert demo.ghz_agrees({"000": 500, "111": 500})
    assert demo.ghz_agrees({"000": 540, "111": 460})  # 2.5 sigma
    assert not demo.ghz_agrees({"000": 700, "111": 300})  # 12 sigma
    assert not demo.ghz_agrees({"000": 499, "111": 500, "010": 1})
    assert not demo.ghz_agrees({})


def test_run_step_classifies_outcomes() -> None:
    def missing(url: str, shots: int) -> dict[str, int]:
        raise ImportError("No module named 'pennylane'", name="pennylane")

    def broken(url: str, shots: int) -> dict[str, int]:
        raise RuntimeError("boom")

    assert demo.run_step("PennyLane", "P", missing, "u", 10).state == "not installed"

    def broken_adapter(url: str, shots: int) -> dict[str, int]:
        raise ImportError("cannot import name 'X'", name="scaleway_qaas.adapters.cirq")

    ours = demo.run_step("Cirq", "P", broken_adapter, "u", 10)
    assert ours.state == "failed" and "cannot import name" in ours.note  # our bug, not a missing framework
    failed = demo.run_step("X", "P", broken, "u", 10)
    assert failed.state == "failed" and "boom" in failed.note and not failed.agrees
    ok = demo.run_step("Y", "P", lambda u, s: {"000": 5, "111": 5}, "u", 10)
    assert ok.state == "ok" and ok.agrees


def test_demo_main_with_fake_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(url: str, shots: int) -> dict[str, int]:
        raise ImportError("no", name="fakeframework")

    monkeypatch.setattr(
        demo,
        "STEPS",
        (
            ("Qiskit", demo.AER, demo.run_qiskit),
            ("Fake", demo.AER, missing),
        ),
    )
    buffer = io.StringIO()
    code = demo.main(shots=200, console=Console(file=buffer, width=200))
    out = buffer.getvalue()
    assert code == 0, out
    assert "not installed: Fake" in out and "verdict: AGREE" in out
    assert "none left running" in out


def test_demo_main_reports_disagreement(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "STEPS", (("Biased", demo.AER, lambda u, s: {"000": s}),))
    buffer = io.StringIO()
    assert demo.main(shots=100, console=Console(file=buffer, width=200)) == 1
    assert "verdict: DISAGREE - Biased" in buffer.getvalue()
