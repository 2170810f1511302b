"""Sessions CUDA-Q's native target opened for a target set by our ``set_target`` are terminated at exit
(a fresh interpreter, the real C++ target, a child-process emulator); a user's deduplication id is not."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from scaleway_qaas.core import QaaSClient

SCRIPT = textwrap.dedent(
    """
    import cudaq
    from cudaq_kernels import bell
    from scaleway_qaas.adapters import cudaq as scw

    scw.set_target(machine="EMU-CUDAQ-H100", deduplication_id="shared-on-purpose")
    print(dict(cudaq.sample(bell, shots_count=10).items()))
    scw.set_target(machine="EMU-CUDAQ-H100")
    print(dict(cudaq.sample(bell, shots_count=10).items()))
    """
)


def test_sessions_of_our_set_target_end_at_exit(native_env: dict[str, str]) -> None:
    client = QaaSClient()
    before = {s.id for s in client.list_sessions()}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), *sys.path])}
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("'00'") + done.stdout.count("'11'") >= 2, done.stdout
    new = [s for s in client.list_sessions() if s.id not in before]
    ours = [s for s in new if s.deduplication_id.startswith("scaleway-qaas-cudaq-")]
    shared = [s for s in new if s.deduplication_id == "shared-on-purpose"]
    assert len(ours) == 1 and not ours[0].is_open, ours  # terminated at the script's exit
    assert len(shared) == 1 and shared[0].is_open, shared  # the user's deduplication id: left running
    client.terminate_session(shared[0].id)
