"""Markdown and numeric metadata for the UI (numbers are plotted over materializations)."""

from __future__ import annotations

import dagster as dg

from portalis.analysis.provenance import explain
from portalis.model import Diagnostic, ModuleTypeMap


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


def signatures_md(tm: ModuleTypeMap) -> dg.MetadataValue:
    """The type map's signatures, each parameter and return with where its type came from
    (`n: i64 — int (default: = 0 at line 5)`); methods as `Class.method`."""
    sigs = list(tm.functions) + [m for c in tm.classes for m in c.methods if m.qualname.startswith(f"{c.name}.")]
    rows = []
    for f in sigs:
        params = "<br>".join(f"`{p.name}`: {p.rust_type} — {explain(p.py_type, p.provenance)}" for p in f.params)
        returns = f"{f.rust_returns} — {explain(f.returns, f.returns_provenance)}"
        rows.append([f.qualname, params, returns, "yes" if f.typed else "no"])
    return table_md(["function", "parameters (type: where it came from)", "returns", "typed"], rows)
