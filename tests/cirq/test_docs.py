"""The Python blocks of docs/cirq.md run as written, against the emulator."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "cirq.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_doc_block_runs(index: int, scw_env: dict[str, str], tmp_path: Path) -> None:
    script = tmp_path / "block.py"
    script.write_text(BLOCKS[index])
    env = {**os.environ, **scw_env, "PYTHONPATH": str(DOC.parents[1])}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
