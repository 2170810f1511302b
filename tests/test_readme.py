"""Every Python code block of the README runs, as a user would run it, against the emulator."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_python_blocks():
    assert len(BLOCKS) >= 6


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_block_runs(index, scw_env, tmp_path):
    script = tmp_path / f"block_{index}.py"  # a file: CUDA-Q kernels need inspectable source
    script.write_text(BLOCKS[index])
    env = {**os.environ, **scw_env, "PYTHONPATH": str(README.parent)}
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=240, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr


SHELL_BLOCKS = re.findall(r"```bash\n(.*?)```", README.read_text(), flags=re.S)


def test_the_two_commands_are_the_ones_dev_sh_and_ci_run():
    first = SHELL_BLOCKS[0].splitlines()
    assert [line.split("#")[0].strip() for line in first] == ["./dev.sh demo", "./dev.sh test"]
    assert "./dev.sh test" in (README.parent / ".ci" / "run").read_text()
    # ./dev.sh demo runs `scaleway-qaas demo`, executed by tests/cli; ./dev.sh test is this very suite


def test_install_block_resolves(tmp_path):
    (block,) = [b for b in SHELL_BLOCKS if "pip install" in b]
    command = shlex.split(block.strip())
    done = subprocess.run(
        [sys.executable, "-m", *command, "--dry-run", "--quiet"],
        capture_output=True,
        text=True,
        cwd=README.parent,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_emulator_block_serves_the_cli(tmp_path):
    (block,) = [b for b in SHELL_BLOCKS if "scaleway-qaas emulator" in b]
    serve, export = block.strip().splitlines()
    argv = serve.split("#")[0].split()
    argv[argv.index("--port") + 1] = "0"  # a free port instead of 8080
    argv[argv.index("--db") + 1] = str(tmp_path / "qaas.db")
    scripts = Path(sys.executable).parent
    server = subprocess.Popen([str(scripts / argv[0]), *argv[1:]], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline() if server.stdout else ""
        url = next(word for word in line.split() if word.startswith("http://"))
        env = dict(os.environ)
        env.update(dict(pair.split("=", 1) for pair in export.split()[1:]))
        env["SCW_API_URL"] = url
        listed = subprocess.run(
            [str(scripts / "scaleway-qaas"), "platforms", "--json"], capture_output=True, text=True, env=env, timeout=60
        )
        assert listed.returncode == 0, listed.stderr
        assert "EMU-AER-16C-128M" in listed.stdout
    finally:
        server.terminate()
        server.wait(10)
        if server.stdout is not None:
            server.stdout.close()
