"""docs/capabilities.md shows the core's capability table as it is (generated from it; they cannot drift)."""

from __future__ import annotations

from pathlib import Path

from scaleway_qaas.core.capabilities import render_table

DOC = Path(__file__).parents[2] / "docs" / "capabilities.md"


def test_the_doc_holds_the_generated_table() -> None:
    text = DOC.read_text()
    begin, end = "<!-- generated: begin -->\n", "<!-- generated: end -->"
    generated = text[text.index(begin) + len(begin) : text.index(end)]
    assert generated == render_table(), (
        "docs/capabilities.md is stale: paste render_table()'s output between the markers"
    )
