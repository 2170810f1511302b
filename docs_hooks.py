"""MkDocs hook: the site's home page is the README (one text, on GitHub and on the site)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

README = Path(__file__).parent / "README.md"


def on_files(files: Files, config: Any) -> Files:
    """Add ``index.md``, generated from the README."""
    files.append(File.generated(config, "index.md", content=README.read_text()))
    return files
