"""Lowering a whole module: its constants, dataclasses and functions, each to one Rust item.

Each item is kept separately (with a todo!() stub next to it) so the validation stage can
quarantine a single function rustc rejects without touching the rest of the module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import libcst as cst

from portalis.lower.context import ModuleEnv, Unsupported
from portalis.lower.exceptions import exception_classes
from portalis.lower.function import lower_function
from portalis.model import (
    ClassSignature,
    Diagnostic,
    FunctionSignature,
    FunctionStatus,
    ModuleTranslation,
    ModuleTypeMap,
    ParsedModule,
    RustItem,
    Severity,
    TypedConstant,
)
from portalis.parse import source_tree
from portalis.rust import ir
from portalis.rust.fmt import format_source
from portalis.rust.printer import Printer
from portalis.types.annotations import TypeScope
from portalis.types.rust_types import TypeMappingError, declared_param_type, owned_type, param_type, rust_ident
from portalis.typemap import function_nodes

_MARK = "// @portalis-item "


@dataclass
class FunctionResult:
    """One function's output: its item and the diagnostics its lowering added. The unit the
    per-function cache (portalis/cache.py) stores and hands back through `lower_module(reuse=)`."""

    item: RustItem
    diagnostics: list[Diagnostic] = field(default_factory=list)


def stub_fn(sig: FunctionSignature, message: str) -> ir.Fn | None:
    """A function with the translated signature whose body is todo!(): callers still compile."""
    try:
        params = tuple(ir.Param(rust_ident(p.name), declared_param_type(p)) for p in sig.params)
        ret = owned_type(sig.returns) if sig.returns.kind != "none" else ir.UNIT
    except TypeMappingError:
        return None
    if sig.raises:
        ret = ir.TPath("Result", (ret, ir.TPath("crate::pyrt::PyErr")))
    return ir.Fn(
        name=rust_ident(sig.name),
        params=params,
        ret=ret,
        body=ir.Block(tail=ir.Macro("todo", fmt=message)),
        attrs=("allow(unused_variables)",) if all(p.name == p.name.lower() for p in sig.params) and sig.name == sig.name.lower()
        else ("allow(unused_variables, non_snake_case)",),
    )


def _struct(cls: ClassSignature) -> ir.Struct:
    fields = tuple(ir.StructField(rust_ident(f.name), owned_type(f.py_type)) for f in cls.fields)
    return ir.Struct(name=cls.name, fields=fields)


def _const(c: TypedConstant) -> ir.Const | None:
    node = cst.parse_expression(c.value)
    value: ir.Expr
    if c.py_type.kind == "int" and isinstance(node, cst.Integer):
        value = ir.IntLit(int(node.evaluated_value))
    elif c.py_type.kind == "float" and isinstance(node, (cst.Float, cst.Integer)):
        value = ir.FloatLit(float(node.evaluated_value))
    elif c.py_type.kind == "str" and isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        text = node.evaluated_value
        if not isinstance(text, str):
            return None
        value = ir.StrLit(text)
    elif c.py_type.kind == "bool" and isinstance(node, cst.Name) and node.value in ("True", "False"):
        value = ir.BoolLit(node.value == "True")
    else:
        return None
    ty = ir.TRef(ir.STR) if c.py_type.kind == "str" else owned_type(c.py_type)
    return ir.Const(name=rust_ident(c.name), type=ty, value=value)


def lower_module(
    parsed: ParsedModule,
    type_map: ModuleTypeMap,
    interfaces: dict[str, ModuleTypeMap],
    rustfmt: str = "rustfmt",
    *,
    reuse: Callable[[FunctionSignature], FunctionResult | None] | None = None,
    lowered: list[FunctionResult] | None = None,
) -> ModuleTranslation:
    """Translate one module. `interfaces` holds the type maps of the modules it imports.

    Cache hook: `reuse(sig)` may return a function's earlier result, used as is instead of lowering
    it (same place in items and diagnostics); `lowered` receives every function lowered here."""
    out = ModuleTranslation(module=parsed.module)
    out.diagnostics.extend(parsed.diagnostics)
    if not parsed.ok:
        return out
    if not parsed.functions and not parsed.classes and not parsed.constants:
        out.diagnostics.append(
            Diagnostic(code="PTL003", message="module has nothing to translate", module=parsed.module, severity=Severity.INFO)
        )
        return out
    out.diagnostics.extend(type_map.diagnostics)
    tree = source_tree(parsed.source)
    nodes = function_nodes(tree.module)
    scope = TypeScope.build(parsed.module, [c.name for c in parsed.classes], parsed.imports)
    env = ModuleEnv(module=parsed.module, own=type_map, interfaces=interfaces, imports=dict(scope.imports),
                    exceptions=exception_classes([(c.name, c.bases) for c in parsed.classes]))

    pending: list[tuple[RustItem, ir.Item, ir.Item | None]] = []
    for c in type_map.constants:
        item = _const(c)
        if item is not None:
            pending.append((RustItem(name=c.name, kind="const", code="", python_line=c.line), item, None))
    for cls in type_map.classes:
        info = next(ci for ci in parsed.classes if ci.name == cls.name)
        if cls.name in env.exceptions:
            continue  # an exception class: raised and caught by name (lower/exceptions.py)
        if not cls.is_dataclass or cls.diagnostics:
            if not cls.diagnostics:
                out.diagnostics.append(
                    Diagnostic(code="PTL140", message=f"class `{cls.name}` is not a dataclass: not translated yet",
                               module=parsed.module, function=cls.name, line=cls.line)
                )
            continue
        pending.append((RustItem(name=cls.name, kind="struct", code="", python_line=cls.line), _struct(cls), None))
        for m in info.methods:
            out.diagnostics.append(
                Diagnostic(code="PTL140", message=f"method `{m.qualname}` is not translated yet",
                           module=parsed.module, function=m.qualname, line=m.line)
            )
    fresh: list[FunctionResult] = []
    for sig in type_map.functions:
        hit = reuse(sig) if reuse is not None else None
        if hit is not None:
            out.items.append(hit.item)
            out.diagnostics.extend(hit.diagnostics)
            continue
        node = nodes.get(sig.name)
        record = RustItem(name=sig.name, kind="fn", code="", python_line=sig.line)
        fresh.append(FunctionResult(record))
        if not sig.typed or node is None:
            record.status = FunctionStatus.UNTRANSLATED
            stub = stub_fn(sig, f"portalis: `{sig.name}` has no typed signature") if sig.params or sig.typed else None
            if stub is not None:
                pending.append((record, stub, None))
            else:
                out.items.append(record)  # listed in the report, absent from the crate
            continue
        try:
            fn, lowerer = lower_function(env, sig, node, scope, tree)
            record.runtime = sorted(lowerer.runtime)
            stub = stub_fn(sig, f"portalis: `{sig.name}` was quarantined: rustc rejected its translation")
            pending.append((record, fn, stub))
        except Unsupported as exc:
            line = exc.line or (tree.line(exc.node) if exc.node is not None else None) or sig.line
            message = f"{exc.code}: {exc.message} (line {line})"
            diag = Diagnostic(code=exc.code, message=exc.message, module=parsed.module, function=sig.name, line=line)
            out.diagnostics.append(diag)
            fresh[-1].diagnostics.append(diag)
            record.status = FunctionStatus.UNTRANSLATED
            stub = stub_fn(sig, f"portalis {message}")
            if stub is not None:
                pending.append((record, stub, None))
            else:
                out.items.append(record)
    out.items.extend(_print_items(pending, rustfmt))
    out.items.sort(key=lambda i: ({"const": 0, "struct": 1, "fn": 2}[i.kind], i.python_line))
    if lowered is not None:
        lowered.extend(fresh)  # records were printed in place: their code is final here
    return out


def _print_items(pending: list[tuple[RustItem, ir.Item, ir.Item | None]], rustfmt: str | None) -> list[RustItem]:
    """Print all items and their stubs; with a rustfmt, format them with one call."""
    if not pending:
        return []
    printer = Printer()
    result = []
    for record, item, stub in pending:
        record.code = printer.item(item) + "\n"
        if stub is not None:
            record.stub = printer.item(stub) + "\n"
        result.append(record)
    if rustfmt is not None:
        format_items(result, rustfmt)
    return result


def format_translations(translations: list[ModuleTranslation], rustfmt: str = "rustfmt") -> None:
    """Format the items of many modules with a single rustfmt run (rustfmt's start-up costs
    more than formatting a module)."""
    format_items([it for t in translations for it in t.items], rustfmt)


def format_items(items: list[RustItem], rustfmt: str) -> None:
    """Format item code (and stubs) in place: one rustfmt call, split back by marker lines."""
    chunks: list[str] = []
    for i, record in enumerate(items):
        if record.code:
            chunks.append(f"{_MARK}{i} code\n{record.code}\n")
        if record.stub:
            chunks.append(f"{_MARK}{i} stub\n{record.stub}\n")
    if not chunks:
        return
    formatted = format_source("\n".join(chunks), rustfmt)
    pieces: dict[tuple[int, str], list[str]] = {}
    current: tuple[int, str] | None = None
    for line in formatted.splitlines():
        if line.startswith(_MARK):
            idx, kind = line[len(_MARK):].split()
            current = (int(idx), kind)
            pieces[current] = []
        elif current is not None:
            pieces[current].append(line)
    for i, record in enumerate(items):
        if (i, "code") in pieces:
            record.code = "\n".join(pieces[(i, "code")]).strip() + "\n"
        if (i, "stub") in pieces:
            record.stub = "\n".join(pieces[(i, "stub")]).strip() + "\n"
