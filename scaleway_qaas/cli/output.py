"""Formatting helpers: tables, times, durations, prices, counts with a histogram."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from ..core import ExperimentResult

BAR_WIDTH = 40


def table(
    title: str | None,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    justify: Mapping[str, str] | None = None,
    caption: str | None = None,
) -> Table:
    """A rich table whose cells are plain text (never interpreted as markup)."""
    from rich.table import Table
    from rich.text import Text

    justify = justify or {}
    t = Table(title=title, caption=caption, title_justify="left", caption_justify="left")
    for col in columns:
        t.add_column(col, justify=justify.get(col, "left"), overflow="fold")  # type: ignore[arg-type]
    for row in rows:
        t.add_row(*(c if isinstance(c, Text) else Text("" if c is None else str(c)) for c in row))
    return t


def when(timestamp: str | None) -> str:
    """``2026-11-24T01:02:03.123456Z`` -> ``2026-11-24 01:02:03``."""
    if not timestamp:
        return "-"
    return timestamp.replace("T", " ")[:19]


def seconds(duration: str | None) -> float | None:
    """An API duration (``"0.0125s"``) in seconds, or None."""
    if not duration:
        return None
    try:
        from ..core import parse_duration

        return parse_duration(duration)
    except Exception:
        return None


def human_seconds(value: float | None) -> str:
    """12.5 ms, 3.2 s, 4 min 10 s, 1 h 02 min."""
    if value is None:
        return "-"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    if value < 60:
        return f"{value:.2f} s"
    if value < 3600:
        return f"{int(value // 60)} min {int(value % 60):02d} s"
    return f"{int(value // 3600)} h {int(value % 3600 // 60):02d} min"


def human_duration(duration: str | None) -> str:
    return human_seconds(seconds(duration))


def price(amount: float | None) -> str:
    """A published price in EUR (``0.22``, ``0.0012``), or ``unpublished``: never an invented 0."""
    return "unpublished" if amount is None else f"{amount:g}"


def sorted_counts(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Most frequent first, then by bitstring."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of ``fraction`` (0..1) of ``width`` cells, with eighth-cell precision."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + ("▏▎▍▌▋▊▉"[rest - 1] if rest else "")


def bit_order_caption(result: ExperimentResult) -> str:
    regs = ", ".join(f"{r.name}[{r.size}]" for r in result.registers)
    base = "bitstrings list classical bits left to right, bit 0 first"
    return f"{base} ({regs})" if regs else base


def counts_table(result: ExperimentResult, title: str, top: int = 32) -> Table:
    """Counts of one program, most frequent first, with a histogram bar per outcome."""
    total = sum(result.counts.values()) or 1
    items = sorted_counts(result.counts)
    peak = items[0][1] if items else 1
    shown = items[:top] if top > 0 else items
    rows = [(bits or "(no bits)", n, f"{n / total:.3f}", bar(n / peak)) for bits, n in shown]
    caption = bit_order_caption(result)
    if len(items) > len(shown):
        caption += f"; {len(items) - len(shown)} less frequent outcomes not shown"
    return table(
        title,
        ("outcome", "count", "probability", "histogram"),
        rows,
        justify={"count": "right", "probability": "right"},
        caption=caption,
    )


def result_json(index: int, result: ExperimentResult) -> dict[str, Any]:
    """The JSON form of one program's result."""
    data: dict[str, Any] = {
        "index": index,
        "shots": sum(result.counts.values()),
        "counts": dict(sorted_counts(result.counts)),
        "registers": [{"name": r.name, "size": r.size} for r in result.registers],
    }
    if result.name:
        data["name"] = result.name
    if result.named_counts:
        data["named_counts"] = {k: dict(v) for k, v in result.named_counts.items()}
    return data


def print_results(console: Console, results: Sequence[ExperimentResult], top: int = 32) -> None:
    """One counts table per program."""
    for i, result in enumerate(results):
        label = f"program {i}" + (f" ({result.name})" if result.name else "")
        title = f"{label}: {sum(result.counts.values())} shots, {len(result.counts)} distinct outcomes"
        console.print(counts_table(result, title, top))
