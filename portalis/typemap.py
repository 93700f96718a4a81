"""Type-map pass: a module's interface (signatures, dataclass fields, constants) in Python and
Rust types. Uses only the module itself; names imported from other modules stay references
(module, name) that the translation pass resolves against those modules' type maps."""

from __future__ import annotations

import libcst as cst

from portalis.model import (
    ClassSignature,
    ConstantInfo,
    Diagnostic,
    FunctionInfo,
    FunctionSignature,
    ModuleTypeMap,
    ParsedModule,
    PyType,
    TypedConstant,
    TypedField,
    TypedParam,
)
from portalis.parse import parse_cst
from portalis.rust.printer import print_type
from portalis.types import pytypes as T
from portalis.types.annotations import AnnotationError, TypeScope, resolve_annotation
from portalis.types.rust_types import TypeMappingError, owned_type, param_type

# Methods that change their receiver in place: a parameter they are called on is passed &mut.
MUTATING_METHODS = frozenset(
    "append extend insert pop remove clear sort reverse update setdefault add discard popitem".split()
)


def mutated_names(fn: cst.FunctionDef) -> set[str]:
    """Names whose value is changed in place in the function body (not rebound)."""
    found: set[str] = set()

    class Visitor(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            f = node.func
            if isinstance(f, cst.Attribute) and isinstance(f.value, cst.Name) and f.attr.value in MUTATING_METHODS:
                found.add(f.value.value)

        def _target(self, target: cst.BaseExpression) -> None:
            if isinstance(target, (cst.Subscript, cst.Attribute)) and isinstance(target.value, cst.Name):
                found.add(target.value.value)
            elif isinstance(target, (cst.Tuple, cst.List)):
                for el in target.elements:
                    self._target(el.value)

        def visit_Assign(self, node: cst.Assign) -> None:
            for t in node.targets:
                self._target(t.target)

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            self._target(node.target)

        def visit_Del(self, node: cst.Del) -> None:
            self._target(node.target)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is fn  # nested functions have their own parameters

    fn.visit(Visitor())
    return found


def function_nodes(module: cst.Module) -> dict[str, cst.FunctionDef]:
    return {s.name.value: s for s in module.body if isinstance(s, cst.FunctionDef)}


def _diag(parsed: ParsedModule, code: str, message: str, line: int, function: str | None = None) -> Diagnostic:
    return Diagnostic(code=code, message=message, module=parsed.module, function=function, line=line)


def signature_of(
    fn: FunctionInfo, node: cst.FunctionDef | None, scope: TypeScope, parsed: ParsedModule
) -> FunctionSignature:
    diagnostics: list[Diagnostic] = []
    mutated = mutated_names(node) if node is not None else set()
    params: list[TypedParam] = []
    for p in fn.params:
        if p.annotation is None:
            diagnostics.append(
                _diag(parsed, "PTL110", f"parameter `{p.name}` has no type annotation", fn.line, fn.name)
            )
            continue
        try:
            py = resolve_annotation(p.annotation, scope)
            rust = print_type(param_type(py, p.name in mutated))
        except (AnnotationError, TypeMappingError) as exc:
            diagnostics.append(_diag(parsed, "PTL111", f"parameter `{p.name}`: {exc}", fn.line, fn.name))
            continue
        params.append(TypedParam(name=p.name, py_type=py, rust_type=rust, mutated=p.name in mutated))
    returns: PyType = T.NONE
    rust_returns = "()"
    if fn.returns is None:
        if node is not None and _returns_value(node):
            diagnostics.append(_diag(parsed, "PTL110", "return type is not annotated", fn.line, fn.name))
    else:
        try:
            returns = resolve_annotation(fn.returns, scope)
            rust_returns = print_type(owned_type(returns))
        except (AnnotationError, TypeMappingError) as exc:
            diagnostics.append(_diag(parsed, "PTL111", f"return type: {exc}", fn.line, fn.name))
    return FunctionSignature(
        name=fn.name,
        qualname=fn.qualname,
        params=params,
        returns=returns,
        rust_returns=rust_returns,
        line=fn.line,
        diagnostics=diagnostics,
    )


def _returns_value(fn: cst.FunctionDef) -> bool:
    found = False

    class Visitor(cst.CSTVisitor):
        def visit_Return(self, node: cst.Return) -> None:
            nonlocal found
            if node.value is not None and not (isinstance(node.value, cst.Name) and node.value.value == "None"):
                found = True

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is fn

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

    fn.visit(Visitor())
    return found


def _constant(c: ConstantInfo, scope: TypeScope) -> TypedConstant | None:
    py: PyType | None = None
    if c.annotation:
        try:
            py = resolve_annotation(c.annotation, scope)
        except AnnotationError:
            return None
    else:
        try:
            node = cst.parse_expression(c.value)
        except cst.ParserSyntaxError:
            return None
        if isinstance(node, cst.Integer):
            py = T.INT
        elif isinstance(node, cst.Float):
            py = T.FLOAT
        elif isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            py = T.STR
        elif isinstance(node, cst.Name) and node.value in ("True", "False"):
            py = T.BOOL
    if py is None or py.kind not in ("int", "float", "bool", "str"):
        return None  # only scalar constants become Rust consts (others need statics)
    rust = "&str" if py.kind == "str" else print_type(owned_type(py))
    return TypedConstant(name=c.name, py_type=py, rust_type=rust, value=c.value, line=c.line)


def build_type_map(parsed: ParsedModule) -> ModuleTypeMap:
    """The interface of a parsed module. Broken modules give an empty map with their diagnostics."""
    if not parsed.ok:
        return ModuleTypeMap(module=parsed.module)
    module, _ = parse_cst(parsed.source)
    nodes = function_nodes(module)
    scope = TypeScope.build(parsed.module, [c.name for c in parsed.classes], parsed.imports)
    tm = ModuleTypeMap(module=parsed.module)
    for fn in parsed.functions:
        tm.functions.append(signature_of(fn, nodes.get(fn.name), scope, parsed))
    for cls in parsed.classes:
        fields: list[TypedField] = []
        diags: list[Diagnostic] = []
        for f in cls.fields:
            if f.annotation is None:
                continue
            try:
                py = resolve_annotation(f.annotation, scope)
                fields.append(TypedField(name=f.name, py_type=py, rust_type=print_type(owned_type(py))))
            except (AnnotationError, TypeMappingError) as exc:
                diags.append(_diag(parsed, "PTL111", f"field `{cls.name}.{f.name}`: {exc}", f.line, cls.name))
        tm.classes.append(
            ClassSignature(name=cls.name, fields=fields, is_dataclass=cls.is_dataclass, line=cls.line, diagnostics=diags)
        )
    for c in parsed.constants:
        typed = _constant(c, scope)
        if typed is not None:
            tm.constants.append(typed)
    for sig in tm.functions:
        tm.diagnostics.extend(sig.diagnostics)
    for cs in tm.classes:
        tm.diagnostics.extend(cs.diagnostics)
    return tm
