"""Every code block of README.md and docs/*.md runs as a reader would copy it, against the local emulator.

Python blocks: all of them run in one child process (:mod:`docblocks`), each block as its own script;
one test per block reports it, and blocks marked ``<!-- cloud-only -->`` are reported skipped by name.
Bash blocks of ``scaleway-qaas`` commands run too; the README's set-up blocks have tests of their own.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from docblocks import ROOT, Block, blocks

PYTHON = blocks("python")
BASH = blocks("bash")
README = ROOT / "README.md"


def test_pages_have_python_blocks() -> None:
    pages = {b.page.name for b in PYTHON}
    assert len([b for b in PYTHON if b.page == README]) >= 6 and {"cudaq.md", "cirq.md"} <= pages


@pytest.fixture(scope="module")
def page_results(emulator_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Run every page's Python blocks, each as its own script, in one child process; each outcome by name."""
    from conftest import TEST_PROJECT, TEST_SECRET

    work = tmp_path_factory.mktemp("docblocks")
    env = {
        **os.environ,
        "SCW_API_URL": emulator_url,
        "SCW_SECRET_KEY": TEST_SECRET,
        "SCW_PROJECT_ID": TEST_PROJECT,
        "SCW_CONFIG_PATH": str(work / "no-config.yaml"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("SCW_DEFAULT_PROJECT_ID", None)
    runnable = [b for b in PYTHON if not b.cloud_only]
    files = []
    for block in runnable:
        file = work / f"{block.page.stem}_{block.line}.py"  # a file: CUDA-Q kernels need inspectable source
        file.write_text(block.code)
        files.append(str(file))
    done = subprocess.run(  # one interpreter for all: the frameworks are imported once
        [sys.executable, str(Path(__file__).parent / "docblocks.py"), *files],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        cwd=work,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    outcomes = {b.name: r for b, r in zip(runnable, results, strict=True)}
    return outcomes


@pytest.mark.parametrize("block", PYTHON, ids=[b.name for b in PYTHON])
def test_python_block_runs(block: Block, page_results: dict[str, dict[str, Any]]) -> None:
    if block.cloud_only:
        pytest.skip(f"{block.name} is marked cloud-only: it needs the real Scaleway cloud")
    outcome = page_results[block.name]
    assert outcome["ok"], f"{block.name} failed:\n{outcome['error']}"


@pytest.mark.parametrize("block", BASH, ids=[b.name for b in BASH])
def test_bash_block(block: Block, scw_env: dict[str, str]) -> None:
    if block.cloud_only:
        pytest.skip(f"{block.name} is marked cloud-only: it needs the real Scaleway cloud")
    if not block.is_cli:
        pytest.skip(f"{block.name} is not a scaleway-qaas command block (set-up: see the tests below)")
    scripts = Path(sys.executable).parent
    for line in block.code.splitlines():
        argv = shlex.split(line.split("#")[0])
        if argv:
            done = subprocess.run([str(scripts / argv[0]), *argv[1:]], capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, f"{block.name}: {line}\n{done.stderr[-2000:]}"


def _readme_bash() -> list[str]:
    return [b.code for b in BASH if b.page == README]


def test_the_two_commands_are_the_ones_dev_sh_and_ci_run() -> None:
    first = _readme_bash()[0].splitlines()
    assert [line.split("#")[0].strip() for line in first] == ["./dev.sh demo", "./dev.sh test"]
    assert "./dev.sh test" in (ROOT / ".ci" / "run").read_text()
    # ./dev.sh demo runs `scaleway-qaas demo`, executed by tests/cli; ./dev.sh test is this very suite


def test_install_block_resolves() -> None:
    (block,) = [b for b in _readme_bash() if "pip install" in b]
    command = shlex.split(block.strip())
    done = subprocess.run(
        [sys.executable, "-m", *command, "--dry-run", "--quiet"], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_emulator_block_serves_the_cli(tmp_path: Path) -> None:
    (block,) = [b for b in _readme_bash() if "scaleway-qaas emulator" in b]
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
