"""Metadata for the UI: tables with a schema (sortable, names like `OrderBook.__init__` shown as
written), code as markdown code blocks, code references to the Python source; numbers are
plotted over materializations.

Each table is a list of `Column`s (name, type, description, how to read the value from a row):
a column is added by appending one `Column` to its list (`SIGNATURE_COLUMNS`, ...).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg

from portalis.analysis.provenance import explain
from portalis.model import Diagnostic, FunctionSignature, ModuleTypeMap, TypedParam


@dataclass(frozen=True)
class Column:
    """One column of a metadata table: `value(row)` gives the cell (str, int, float, bool or None)."""

    name: str
    type: str  # a TableColumn type: string, int, float, bool
    description: str
    value: Callable[[Any], object]


def table(columns: Sequence[Column], rows: Iterable[Any]) -> dg.MetadataValue:
    """A `MetadataValue.table` with a `TableSchema` from `columns`, one record per row."""
    schema = dg.TableSchema(columns=[dg.TableColumn(c.name, type=c.type, description=c.description) for c in columns])
    records = [dg.TableRecord(data={c.name: _cell(c.value(r)) for c in columns}) for r in rows]
    return dg.MetadataValue.table(records=records, schema=schema)


def _cell(value: object) -> str | int | float | bool | None:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# ---------------------------------------------------------------- diagnostics


DIAGNOSTIC_COLUMNS: list[Column] = [
    Column("code", "string", "diagnostic code (README, Diagnostic codes)", lambda d: d.code),
    Column("severity", "string", "error, warning or info", lambda d: d.severity.value),
    Column("line", "int", "line in the Python file", lambda d: d.line),
    Column("function", "string", "function or method (Class.method), empty for the module", lambda d: d.function or ""),
    Column("message", "string", "what could not be done, and why", lambda d: " ".join(d.message.split())),
]


def diagnostics_table(diags: Sequence[Diagnostic | dict]) -> dg.MetadataValue:
    """The diagnostics (models or the report's dicts) as a table; an empty table when none."""
    return table(DIAGNOSTIC_COLUMNS, [d if isinstance(d, Diagnostic) else Diagnostic.model_validate(d) for d in diags])


# ---------------------------------------------------------------- signatures (type_map)


@dataclass(frozen=True)
class SignatureRow:
    """One parameter of a function, or its return value (`param` None)."""

    function: FunctionSignature
    param: TypedParam | None


def _param_note(p: TypedParam | None) -> str:
    if p is None:
        return ""
    notes = [n for n, on in (("mutated (&mut)", p.mutated), ("*args", p.variadic)) if on]
    return ", ".join(notes)


SIGNATURE_COLUMNS: list[Column] = [
    Column("function", "string", "function or method (Class.method)", lambda r: r.function.qualname),
    Column("line", "int", "line of the def in the Python file", lambda r: r.function.line),
    Column("parameter", "string", "parameter name; `return` for the return value", lambda r: r.param.name if r.param else "return"),
    Column("python_type", "string", "the Python type (annotated or inferred)", lambda r: str(r.param.py_type if r.param else r.function.returns)),
    Column("rust_type", "string", "the Rust type it maps to", lambda r: r.param.rust_type if r.param else r.function.rust_returns),
    Column("default", "string", "default value (source text)", lambda r: (r.param.default or "") if r.param else ""),
    Column("provenance", "string", "where the type came from (annotation, default, a use, a call site, a docstring, a return)",
           lambda r: explain(r.param.py_type, r.param.provenance) if r.param else explain(r.function.returns, r.function.returns_provenance)),
    Column("note", "string", "passed as &mut, *args", lambda r: _param_note(r.param)),
    Column("typed", "bool", "the function has a complete typed signature", lambda r: r.function.typed),
]


def signature_rows(tm: ModuleTypeMap) -> list[SignatureRow]:
    """The parameters and return values of the module's functions and its classes' methods
    (inherited ones included: each class is translated with them)."""
    sigs = list(tm.functions) + [m for c in tm.classes for m in c.methods]
    rows = []
    for sig in sigs:
        rows += [SignatureRow(sig, p) for p in sig.params]
        rows.append(SignatureRow(sig, None))
    return rows


def signatures_table(tm: ModuleTypeMap) -> dg.MetadataValue:
    return table(SIGNATURE_COLUMNS, signature_rows(tm))


# ---------------------------------------------------------------- functions (validation_report)


def _cases(f: dict) -> str:
    return f"{f['cases_passed']}/{f['cases_total']}" if f.get("cases_total") else ""


FUNCTION_COLUMNS: list[Column] = [
    Column("function", "string", "function or method (Class.method)", lambda f: f["qualname"]),
    Column("line", "int", "line of the def in the Python file", lambda f: f.get("line")),
    Column("status", "string", "verified, failed, untested, translated, untranslated, compile_error", lambda f: f["status"]),
    Column("cases", "string", "cases passed / run", _cases),
    Column("from", "string", "where the cases came from", lambda f: ", ".join(f"{o} {n}" for o, n in (f.get("case_origins") or {}).items())),
    Column("code", "string", "the reason's diagnostic code", lambda f: (f.get("reason") or {}).get("code", "")),
    Column("reason", "string", "why it is not verified: the first differing case, why untested, what was not translated",
           lambda f: (f.get("reason") or {}).get("message", "")),
    Column("backend", "string", "rules or llm", lambda f: f.get("backend", "rules")),
]


def functions_table(functions: Sequence[dict]) -> dg.MetadataValue:
    """The report's function entries (portalis.pipeline.function_entry) as a table."""
    return table(FUNCTION_COLUMNS, functions)


# ---------------------------------------------------------------- modules (rust_crate)


MODULE_COLUMNS: list[Column] = [
    Column("module", "string", "dotted module path (the partition key)", lambda m: m["module"]),
    Column("functions", "int", "functions and methods", lambda m: len(m["functions"])),
    Column("translated", "int", "with a Rust translation", lambda m: sum(f["status"] in ("translated", "verified", "failed", "untested") for f in m["functions"])),
    Column("verified", "int", "behave like the Python on every case", lambda m: sum(f["status"] == "verified" for f in m["functions"])),
    Column("status", "string", "ok, partial, empty or error", lambda m: m["status"]),
]


def modules_table(modules: Sequence[dict]) -> dg.MetadataValue:
    return table(MODULE_COLUMNS, modules)


# ---------------------------------------------------------------- code


def rust_md(code: str, limit: int = 20000) -> dg.MetadataValue:
    return code_md(code, "rust", limit)


def code_md(code: str, language: str, limit: int = 20000) -> dg.MetadataValue:
    """Code in a fenced block (`language`: rust, python), cut at `limit` characters."""
    if len(code) > limit:
        code = code[:limit] + ("\n// ... (truncated)" if language == "rust" else "\n# ... (truncated)")
    fence = "````" if "```" in code else "```"
    return dg.MetadataValue.md(f"{fence}{language}\n{code}\n{fence}")


def code_references(root: Path | None, path: str, functions: Sequence[tuple[str, int | None]] = ()) -> dg.CodeReferencesMetadataValue | None:
    """References to the module's Python file, and to the line of each (name, line) in
    `functions`, for the UI's "open in editor" links. None without a path."""
    if not path:
        return None
    file_path = str((root / path).resolve()) if root is not None else path
    with warnings.catch_warnings():  # code references are "beta" in 1.13
        warnings.simplefilter("ignore", dg.BetaWarning)
        refs = [dg.LocalFileCodeReference(file_path=file_path, label=path)]
        refs += [dg.LocalFileCodeReference(file_path=file_path, line_number=line, label=f"{path}:{line} {name}")
                 for name, line in functions if line]
        return dg.CodeReferencesMetadataValue(code_references=refs)
