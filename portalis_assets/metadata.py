"""Markdown and numeric metadata for the UI (numbers are plotted over materializations)."""

from __future__ import annotations

import dagster as dg

from portalis.model import Diagnostic


def diagnostics_md(diags: list[Diagnostic]) -> dg.MetadataValue:
    if not diags:
        return dg.MetadataValue.md("_no diagnostics_")
    lines = ["| code | line | function | message |", "|---|---|---|---|"]
    for d in diags:
        msg = d.message.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {d.code} | {d.line or ''} | {d.function or ''} | {msg} |")
    return dg.MetadataValue.md("\n".join(lines))


def rust_md(code: str, limit: int = 20000) -> dg.MetadataValue:
    if len(code) > limit:
        code = code[:limit] + "\n// ... (truncated)"
    return dg.MetadataValue.md(f"```rust\n{code}\n```")


def table_md(header: list[str], rows: list[list[object]]) -> dg.MetadataValue:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |")
    return dg.MetadataValue.md("\n".join(lines))
