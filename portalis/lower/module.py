"""Lowering a whole module: its constants, dataclasses and functions, each to one Rust item.

Each item is kept separately (with a todo!() stub next to it) so the validation stage can
quarantine a single function rustc rejects without touching the rest of the module.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import PositionProvider

from portalis.lower.context import ModuleEnv, Unsupported
from portalis.lower.function import FunctionLowerer
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
from portalis.parse import parse_cst
from portalis.rust import ir
from portalis.rust.fmt import format_source
from portalis.rust.printer import Printer
from portalis.types.annotations import TypeScope
from portalis.types.rust_types import TypeMappingError, owned_type, param_type, rust_ident
from portalis.typemap import function_nodes, mutated_names

_MARK = "// @portalis-item "


def stub_fn(sig: FunctionSignature, message: str) -> ir.Fn | None:
    """A function with the translated signature whose body is todo!(): callers still compile."""
    try:
        params = tuple(ir.Param(rust_ident(p.name), param_type(p.py_type, p.mutated)) for p in sig.params)
        ret = owned_type(sig.returns) if sig.returns.kind != "none" else ir.UNIT
    except TypeMappingError:
        return None
    return ir.Fn(
        name=rust_ident(sig.name),
        params=params,
        ret=ret,
        body=ir.Block(tail=ir.Macro("todo", fmt=message)),
        attrs=("allow(unused_variables)",),
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
) -> ModuleTranslation:
    """Translate one module. `interfaces` holds the type maps of the modules it imports."""
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
    module, wrapper = parse_cst(parsed.source)
    positions = wrapper.resolve(PositionProvider)
    nodes = function_nodes(module)
    scope = TypeScope.build(parsed.module, [c.name for c in parsed.classes], parsed.imports)
    env = ModuleEnv(module=parsed.module, own=type_map, interfaces=interfaces, imports=dict(scope.imports))

    pending: list[tuple[RustItem, ir.Item, ir.Item | None]] = []
    for c in type_map.constants:
        item = _const(c)
        if item is not None:
            pending.append((RustItem(name=c.name, kind="const", code="", python_line=c.line), item, None))
    for cls in type_map.classes:
        info = next(ci for ci in parsed.classes if ci.name == cls.name)
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
    for sig in type_map.functions:
        node = nodes.get(sig.name)
        record = RustItem(name=sig.name, kind="fn", code="", python_line=sig.line)
        if not sig.typed or node is None:
            record.status = FunctionStatus.UNTRANSLATED
            stub = stub_fn(sig, f"portalis: `{sig.name}` has no typed signature") if sig.params or sig.typed else None
            if stub is not None:
                pending.append((record, stub, None))
            else:
                out.items.append(record)  # listed in the report, absent from the crate
            continue
        try:
            lowerer = FunctionLowerer(env, sig, node, positions, scope, mutated_names(node))
            fn = lowerer.lower()
            record.runtime = sorted(lowerer.runtime)
            stub = stub_fn(sig, f"portalis: `{sig.name}` was quarantined: rustc rejected its translation")
            pending.append((record, fn, stub))
        except Unsupported as exc:
            line = positions[exc.node].start.line if exc.node is not None and exc.node in positions else sig.line
            message = f"{exc.code}: {exc.message} (line {line})"
            out.diagnostics.append(
                Diagnostic(code=exc.code, message=exc.message, module=parsed.module, function=sig.name, line=line)
            )
            record.status = FunctionStatus.UNTRANSLATED
            stub = stub_fn(sig, f"portalis {message}")
            if stub is not None:
                pending.append((record, stub, None))
            else:
                out.items.append(record)
    out.items.extend(_print_items(pending, rustfmt))
    out.items.sort(key=lambda i: ({"const": 0, "struct": 1, "fn": 2}[i.kind], i.python_line))
    return out


def _print_items(pending: list[tuple[RustItem, ir.Item, ir.Item | None]], rustfmt: str) -> list[RustItem]:
    """Print all items and their stubs, format them with one rustfmt call, split them back."""
    if not pending:
        return []
    printer = Printer()
    chunks: list[str] = []
    for i, (record, item, stub) in enumerate(pending):
        chunks.append(f"{_MARK}{i} code\n{printer.item(item)}\n")
        if stub is not None:
            chunks.append(f"{_MARK}{i} stub\n{printer.item(stub)}\n")
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
    result = []
    for i, (record, _item, stub) in enumerate(pending):
        record.code = "\n".join(pieces[(i, "code")]).strip() + "\n"
        if stub is not None:
            record.stub = "\n".join(pieces[(i, "stub")]).strip() + "\n"
        result.append(record)
    return result
