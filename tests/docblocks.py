"""The code blocks of README.md and docs/*.md, and a runner that executes a page's blocks in one interpreter.

A block is what a reader copies: each Python block runs as its own script (``runpy``, from a file, so
that CUDA-Q kernels have inspectable source), all blocks in one child process to keep it fast.
A block preceded by ``<!-- cloud-only -->`` needs the real cloud: it is reported skipped, by name.
Bash blocks run when every command is a ``scaleway-qaas`` command (not the long-running emulator).

``python tests/docblocks.py BLOCK.py ... > RESULTS.json``: run the given block files in order; for each,
``{"ok": bool, "stdout": str, "error": str}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CLOUD_ONLY = "<!-- cloud-only -->"
_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    language: str
    code: str
    cloud_only: bool

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    @property
    def is_cli(self) -> bool:
        commands = [c for c in (line.split("#")[0].strip() for line in self.code.splitlines()) if c]
        return bool(commands) and all(
            c.startswith("scaleway-qaas ") and not c.startswith("scaleway-qaas emulator") for c in commands
        )


def blocks(language: str) -> list[Block]:
    """Every block of ``language`` in the pages, in page order."""
    found = []
    for page in PAGES:
        text = page.read_text()
        for match in _FENCE.finditer(text):
            if match.group(1) != language:
                continue
            before = text[: match.start()].rstrip().splitlines()
            cloud_only = bool(before) and before[-1].strip() == CLOUD_ONLY
            line = text.count("\n", 0, match.start()) + 1
            found.append(Block(page, line, language, match.group(2), cloud_only))
    return found


def _run(files: list[str]) -> list[dict[str, object]]:
    import contextlib
    import io
    import runpy
    import sys
    import traceback

    results: list[dict[str, object]] = []
    for file in files:
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                runpy.run_path(file, run_name="__main__")
            results.append({"ok": True, "stdout": out.getvalue(), "error": ""})
        except BaseException:  # a block's failure (even SystemExit) is reported, the next block still runs
            results.append({"ok": False, "stdout": out.getvalue(), "error": traceback.format_exc()[-3000:]})
        finally:
            if "cudaq" in sys.modules:  # CUDA-Q's target is process-global: the next block starts local
                sys.modules["cudaq"].reset_target()
    return results


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(_run(sys.argv[1:])))
