"""CUDA-Q's built-in C++ ``scaleway`` target runs unchanged against the emulator (in a child process)."""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scaleway_qaas.emulator import run_emulator_process

pytestmark = pytest.mark.skipif(importlib.util.find_spec("cudaq") is None, reason="cudaq is not installed")

SCRIPT = """
import cudaq

@cudaq.kernel
def kernel():
    q = cudaq.qvector(3)
    h(q[0])
    x.ctrl(q[0], q[1])
    x(q[2])
    mz(q)

cudaq.set_target("scaleway", machine="EMU-CUDAQ-H100")
counts = cudaq.sample(kernel, shots_count=400)
print("COUNTS", dict(counts.items()))
"""


def test_native_scaleway_target_samples_with_qubit_0_leftmost(tmp_path: Path) -> None:
    script = tmp_path / "cudaq_scaleway_bell.py"  # cudaq kernels need source in a file
    script.write_text(SCRIPT)
    with run_emulator_process() as url:
        env = {
            **os.environ,
            "SCW_API_URL": url,
            "SCW_SECRET_KEY": "cudaq-secret",
            "SCW_PROJECT_ID": "11111111-2222-3333-4444-555555555555",
        }
        done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("COUNTS"))
    counts = ast.literal_eval(line.removeprefix("COUNTS "))
    assert set(counts) == {"001", "111"} and sum(counts.values()) == 400
