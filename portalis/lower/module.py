"""Lowering a whole module: its constants, dataclasses and functions, each to one Rust item.

Each item is kept separately (with a todo!() stub next to it) so the validation stage can
quarantine a single function rustc rejects without touching the rest of the module.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Callable

import libcst as cst

from portalis.class_interfaces import hashes, operator_method, orders
from portalis.contain import contained, describe_exception, has_internal_error, internal_error
from portalis.lower.constants import is_computed, lower_computed
from portalis.lower.bigint import CRATES as BIGINT_CRATES
from portalis.lower.bigint import lower_bigint_function, lower_twins, small_stub
from portalis.lower.wide import lower_wide_function
from portalis.analysis.int_growth import type_depth
from portalis.class_interfaces import names_in
from portalis.lower.context import ClassRef, ModuleEnv, Unsupported, class_static_path, item_key
from portalis.lower.function import generic_params, lower_function
from portalis.lower.stdlib_functools import MEMO_HELPERS, check_method_decorators, function_decorators, hashable, memoised
from portalis.names import Names, ResolvedMaps
from portalis.memo import node_memo
from portalis.model import (
    ClassSignature,
    Diagnostic,
    FunctionSignature,
    FunctionStatus,
    ModuleTranslation,
    ModuleTypeMap,
    ParsedModule,
    PyType,
    RustItem,
    Severity,
    TypedConstant,
)
from portalis.parse import source_tree
from portalis.rust import ir
from portalis.types.unions import enum_items, unions_in_item
from portalis.rust.fmt import RustfmtUnavailable, format_many, format_source
from portalis.rust.printer import Printer, UnprintableLiteral
from portalis.rust.values import NoRustValue, value_expr
from portalis.types.annotations import TypeScope
from portalis.types.rust_types import TypeMappingError, declared_param_type, owned_type, param_type, rust_ident
from portalis.typemap import function_nodes

_MARK = "// @portalis-item "
# What a translated item's stub says; an item quarantined before rustc (rustfmt rejected it, it
# could not be printed) gets its own reason in its place.
RUSTC_REASON = "rustc rejected its translation"


@dataclass
class FunctionResult:
    """One function's output: its item and the diagnostics its lowering added. The unit the
    per-function cache (portalis/cache.py) stores and hands back through `lower_module(reuse=)`."""

    item: RustItem
    diagnostics: list[Diagnostic] = field(default_factory=list)


def stub_fn(sig: FunctionSignature, message: str, receiver: ir.SelfParam | None = None) -> ir.Fn | None:
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
        receiver=receiver,
        generics=generic_params(sig),
        body=ir.Block(tail=ir.Macro("todo", fmt=message)),
        attrs=(ir.Allow(("unused_variables",)),) if all(p.name == p.name.lower() for p in sig.params) and sig.name == sig.name.lower()
        else (ir.Allow(("unused_variables", "non_snake_case")),),
    )


def _function_failure(bug: Exception, node: cst.CSTNode) -> Unsupported:
    """An exception out of one function's lowering, as that function's diagnostic: nesting too
    deep for the passes (PTL160) or a translator bug (PTL130)."""
    if isinstance(bug, RecursionError):
        return Unsupported("PTL160", f"the function nests too deeply for the translator ({describe_exception(bug)})", node)
    return Unsupported("PTL130", f"internal translator error ({describe_exception(bug)}); please report it", node)


def _check_memo_key(env: ModuleEnv, sig: FunctionSignature, node: cst.FunctionDef) -> None:
    """A cached function's arguments are its memo's key: each must be hashable (Python raises
    TypeError for a list) with Rust's equality matching Python's, and none may be changed in
    place or live outside the call (a name clash with the helper the memo wraps)."""
    for p in sig.params:
        if not hashable(env, p.py_type):
            raise Unsupported("PTL247", f"a cached function's parameter `{p.name}` is a {p.py_type}: not a memo key "
                              "(ints, strs, bools, None, tuples of them, enum members)", node)
    if env.own.function(f"{sig.name}_uncached") is not None:
        raise Unsupported("PTL247", f"`{sig.name}_uncached` is taken: the memo's inner function needs the name", node)


def _struct(cls: ClassSignature) -> ir.Struct:
    fields = tuple(ir.StructField(rust_ident(f.name), owned_type(f.py_type)) for f in cls.fields)
    # Default: `new` starts from it (Python builds an empty object, then runs __init__).
    derives: tuple[str, ...] = ("Debug", "Clone", "PartialEq", "Default")
    if operator_method(cls, "__eq__") is not None:
        derives = ("Debug", "Clone", "Default")  # `==` is the class's own __eq__ (see _operator_impls)
    if cls.flavour == "namedtuple" and orders(cls) and operator_method(cls, "__lt__") is None:
        # NamedTuples compare as tuples: field by field, in order (what derive does).
        derives += ("PartialOrd",)
    return ir.Struct(name=rust_ident(cls.name), fields=fields, derives=derives)


def _operator_impls(cls: ClassSignature) -> list[ir.Impl]:
    """`impl PartialEq` from __eq__ and `impl PartialOrd` from __lt__, so `==`, `<`, `sorted`,
    `min`, `max` on objects use the class's own comparisons, as Python does."""
    out: list[ir.Impl] = []
    other = ir.Param("other", ir.TRef(ir.TPath("Self")))
    if operator_method(cls, "__eq__") is not None:
        eq = ir.Fn(name="eq", params=(other,), ret=ir.BOOL, receiver=ir.SelfParam(), public=False,
                   body=ir.Block(tail=ir.MethodCall(ir.Path("self"), "__eq__", (ir.Path("other"),))))
        out.append(ir.Impl(rust_ident(cls.name), (eq,), trait="PartialEq"))
    if operator_method(cls, "__lt__") is not None:
        less = ir.MethodCall(ir.Path("self"), "__lt__", (ir.Path("other"),))
        more = ir.MethodCall(ir.Path("other"), "__lt__", (ir.Path("self"),))
        order = ir.IfExpr(less, ir.Block(tail=ir.Path("std::cmp::Ordering::Less")), ir.IfExpr(
            more, ir.Block(tail=ir.Path("std::cmp::Ordering::Greater")), ir.Block(tail=ir.Path("std::cmp::Ordering::Equal"))))
        cmp = ir.Fn(name="partial_cmp", params=(other,), ret=ir.TPath("Option", (ir.TPath("std::cmp::Ordering"),)),
                    receiver=ir.SelfParam(), public=False, body=ir.Block(tail=ir.Call(ir.Path("Some"), (order,))))
        out.append(ir.Impl(rust_ident(cls.name), (cmp,), trait="PartialOrd"))
    if hashes(cls):
        # `__hash__` and `__eq__` of its own: objects are set items and dict keys by them, as in
        # Python (`Eq`: `==` is the class's `__eq__`, an equivalence as Python's hashing assumes).
        state = ir.Param("state", ir.TRef(ir.TPath("H"), mutable=True))
        body = ir.Block(tail=ir.Call(ir.Path("std::hash::Hash::hash"), (ir.Ref(ir.MethodCall(ir.Path("self"), "__hash__")), ir.Path("state"))))
        hash_fn = ir.Fn(name="hash", params=(state,), ret=ir.UNIT, receiver=ir.SelfParam(), public=False, body=body,
                        generics=(ir.GenericParam("H", ("std::hash::Hasher",)),))
        out.append(ir.Impl(rust_ident(cls.name), (hash_fn,), trait="std::hash::Hash"))
        out.append(ir.Impl(rust_ident(cls.name), (), trait="Eq"))
    return out


def _enum(cls: ClassSignature) -> tuple[ir.Enum, ir.Impl]:
    """An Enum class: a Rust enum (Eq, Hash: members are compared and used as keys by
    identity) and its Python API: `MEMBERS` (iteration order), `value()`, `name()` and
    `from_value()` (`Color(1)`; None where Python raises ValueError)."""
    from portalis.typemap import constant_value

    variants = tuple(rust_ident(m.name) for m in cls.members)
    enum = ir.Enum(rust_ident(cls.name), variants, attrs=(ir.Allow(("non_camel_case_types", "clippy::upper_case_acronyms")),))
    vt = cls.members[0].py_type
    values = [_literal(constant_value(m.value), vt, owned=False) for m in cls.members]
    this = ir.TPath("Self")
    members = ir.Const(
        name="MEMBERS", type=ir.TArray(this, len(variants)),
        value=ir.ArrayLit(tuple(ir.Path(f"Self::{v}") for v in variants)),
    )
    static_str = ir.TRef(ir.STR, lifetime="static")
    value_ty = static_str if vt.kind == "str" else owned_type(vt)
    value_fn = ir.Fn(
        name="value", params=(), ret=value_ty, receiver=ir.SelfParam(),
        body=ir.Block(tail=ir.Match(ir.Path("self"), tuple(ir.MatchArm(ir.PVariant(f"Self::{v}"), val) for v, val in zip(variants, values)))),
    )
    name_fn = ir.Fn(
        name="name", params=(), ret=static_str, receiver=ir.SelfParam(),
        body=ir.Block(tail=ir.Match(ir.Path("self"), tuple(ir.MatchArm(ir.PVariant(f"Self::{v}"), ir.StrLit(m.name)) for v, m in zip(variants, cls.members)))),
    )
    param_ty = ir.TRef(ir.STR) if vt.kind == "str" else owned_type(vt)
    finder = ir.Closure((ir.PBind("m"),), ir.Binary("==", ir.MethodCall(ir.Path("m"), "value"), ir.Path("value")))
    from_fn = ir.Fn(
        name="from_value", params=(ir.Param("value", param_ty),), ret=ir.TPath("Option", (this,)),
        body=ir.Block(tail=ir.MethodCall(ir.MethodCall(ir.Path("Self::MEMBERS"), "into_iter"), "find", (finder,))),
    )
    return enum, ir.Impl(rust_ident(cls.name), (members, value_fn, name_fn, from_fn))


def _method_node(cls: ClassSignature, name: str, classes: dict[str, ClassSignature], nodes: dict[str, cst.ClassDef]) -> cst.FunctionDef | None:
    """Where a method of `cls` is defined: the class itself or a base (`__init_B__` is B's
    `__init__`, B's own or the one B inherits: calendar's LocaleTextCalendar runs
    `TextCalendar.__init__`, which is Calendar's; it was left a stub its caller ran)."""
    from portalis.class_interfaces import method_nodes

    target = name
    if name.startswith("__init_") and name.endswith("__") and name != "__init__":
        base = classes.get(name[len("__init_"):-2])
        return _method_node(base, "__init__", classes, nodes) if base is not None else None
    current: ClassSignature | None = cls
    while current is not None:
        node = nodes.get(current.name)
        found = method_nodes(node).get(target) if node is not None else None
        if found is not None:
            return found
        current = classes.get(current.base) if current.base else None
    return None


def _class_methods(
    cls: ClassSignature, info, env: ModuleEnv, scope: TypeScope, tree, parsed: ParsedModule, out: ModuleTranslation
) -> list[tuple[RustItem, ir.Item, ir.Item | None]]:
    """Each method as its own `impl` block (quarantined alone if rustc rejects it), and `new`."""
    from portalis.class_interfaces import class_nodes
    from portalis.types import pytypes as T

    nodes = class_nodes(tree.module)
    classes = {c.name: c for c in env.own.classes}
    self_type = T.class_type(parsed.module, cls.name)
    items: list[tuple[RustItem, ir.Item, ir.Item | None]] = []
    # The methods inherited from another module first: the class's own methods must not call
    # one that could not be lowered for it (env.unavailable: PTL190 instead of its stub).
    ordered = sorted(cls.methods, key=lambda m: m.name not in cls.inherited)
    # Inherited copies that are not lowered for the class: records without code (no Rust, no
    # diagnostic: the `def` is reported where it is written). A call of one is refused where it
    # stands: in this class by env.unavailable (PTL190), elsewhere in the crate by its caller's
    # `calls` (PTL137, portalis/stub_callers.py), so no stub is needed for calls to compile.
    dropped: dict[str, RustItem] = {}

    def drop(record: RustItem, reason: str) -> None:
        record.status = FunctionStatus.UNTRANSLATED
        record.stub_reason = reason
        dropped[record.name] = record
        out.items.append(record)

    for m in ordered:
        across = m.name in cls.inherited  # a `def` of a base in another module (portalis/inheritance.py)
        m_env, m_scope, m_tree = env, scope, tree
        if across:
            node, m_env, m_scope, m_tree = _inherited_method(cls, m.name, env)
        else:
            node = _method_node(cls, m.name, classes, nodes)
        # A method inherited from another module is an item of the class, not a function of
        # this module's report (its `def` is counted where it is written).
        record = RustItem(name=m.qualname, kind="struct" if across else "fn", code="", python_line=m.line)
        receiver = None if m.kind in ("staticmethod", "classmethod") else ir.SelfParam(mutable=m.mut_self or m.kind == "init")
        if across and (node is None or not m.typed):
            # no text or namespace to lower it from, or no typed signature: not emitted, and
            # the class's own methods do not call it
            env.unavailable[f"{parsed.module}:{m.qualname}"] = (f"`{cls.inherited[m.name]}`'s code is not available here"
                                                                 if node is None else "no typed signature")
            drop(record, f"PTL190: `{m.name}` is inherited from `{cls.inherited[m.name].replace(':', '.')}`: "
                 f"{env.unavailable[f'{parsed.module}:{m.qualname}']}")
            continue
        if not m.typed or node is None:
            record.status = FunctionStatus.UNTRANSLATED
            stub = stub_fn(m, f"portalis: `{m.qualname}` has no typed signature", receiver)
            if stub is not None:
                items.append((record, ir.Impl(rust_ident(cls.name), (stub,)), None))
            else:
                out.items.append(record)  # listed in the report, absent from the crate
            continue
        try:
            check_method_decorators(m_env, node)
            try:
                if m.wrapped is not None:
                    # The metaclass replaces it by a known wrapper (analysator): the body as
                    # written, under its own signature, then the wrapper (portalis/analysis/metaclass_wraps.py).
                    body, lowerer = lower_function(m_env, m.wrapped[1], node, m_scope, m_tree, self_type=self_type)
                    fn = analysator_fn(m, body)
                    lowerer.runtime.add("caught")
                    fn_items: tuple[ir.Item, ...] = (dataclasses.replace(body, name=fn_body_name(m), public=False, doc=None), fn)
                else:
                    rewritten = _rewritten_by_base_metaclass(cls, m, env) or _rewritten_by_metaclass(cls, m, node, nodes)
                    if rewritten is not None:
                        raise Unsupported("PTL191", rewritten, node)
                    if across and _calls_super(node):
                        # `super()` in the base's body means the base's own base, not this class's
                        raise Unsupported("PTL190", f"`{m.name}` of base `{cls.inherited[m.name].replace(':', '.')}` calls `super()`", node)
                    fn, lowerer = lower_function(m_env, m, node, m_scope, m_tree, self_type=self_type)
                    fn_items = (fn,)
            except Unsupported:
                raise
            except Exception as bug:  # noqa: BLE001 - a translator bug costs one method, not the module
                raise _function_failure(bug, node) from bug
            record.runtime = sorted(lowerer.runtime)
            record.crates = sorted(lowerer.crates)
            record.calls = sorted(lowerer.calls)
            stub = stub_fn(m, f"portalis: `{m.qualname}` was quarantined: {RUSTC_REASON}", receiver)
            items.append((record, ir.Impl(rust_ident(cls.name), fn_items), ir.Impl(rust_ident(cls.name), (stub,)) if stub is not None else None))
        except Unsupported as exc:
            line = (m.line if across else exc.line or (tree.line(exc.node) if exc.node is not None else None)) or m.line
            inherited = across or node is not None and node not in _own_method_nodes(cls.name, nodes)
            if across:
                env.unavailable[f"{parsed.module}:{m.qualname}"] = f"{exc.code}: {exc.message}"
                # A base's method that does not lower for this class (its own reason, or one of
                # the class's: `self.x` of another type): not emitted (see `drop`).
                drop(record, f"{exc.code}: inherited from `{cls.inherited[m.name].replace(':', '.')}`, not translated for "
                     f"`{cls.name}`: {exc.message}")
                continue
            if inherited:
                # A base's method that does not fit the derived class (`cls(owner)` where the
                # derived __init__ takes more): Python would fail calling it there too. Its
                # `def` is the base's, reported there; `new` is left out without it.
                out.diagnostics.append(Diagnostic(code=exc.code, message=f"inherited, not translated for `{cls.name}`: {exc.message}",
                                                  module=parsed.module, function=m.qualname, line=line, severity=Severity.INFO))
                # Its stub still (an item of the class, not a function of the report): the
                # derived class's other methods may call it (`self.m()` on a derived
                # instance), which rustc rejects (E0599) when the method is absent. Untranslated:
                # a caller of it is refused (portalis/stub_callers.py), `new` is not built on it.
                stub = stub_fn(m, f"portalis {exc.code}: inherited, not translated for `{cls.name}` (line {line})", receiver)
                if stub is not None:
                    items.append((RustItem(name=m.qualname, kind="struct", code="", python_line=m.line,
                                           status=FunctionStatus.UNTRANSLATED),
                                  ir.Impl(rust_ident(cls.name), (stub,)), None))
                continue
            out.diagnostics.append(Diagnostic(code=exc.code, message=exc.message, module=parsed.module, function=m.qualname, line=line))
            record.status = FunctionStatus.UNTRANSLATED
            stub = stub_fn(m, f"portalis {exc.code}: {exc.message} (line {line})", receiver)
            if stub is not None:
                items.append((record, ir.Impl(rust_ident(cls.name), (stub,)), None))
            else:
                out.items.append(record)
    init = cls.method("__init__")
    # `new` on an `__init__` inherited from another module is the base's constructor: an item
    # of the class, not a function of this module's report (the `def` is counted where it is).
    new_kind = "struct" if "__init__" in cls.inherited else "fn"
    has_init = any(record.name == f"{cls.name}.__init__" for record, _, _ in items)
    # `new` calls `__init__`: only where that method is emitted (translated or its stub).
    init_record = next((record for record, _, _ in items if record.name == f"{cls.name}.__init__"), None) \
        or dropped.get(f"{cls.name}.__init__")
    if init is not None and init_record is not None and init_record.status == FunctionStatus.UNTRANSLATED:
        # `super().__init__(...)` of an untranslated base (PTL190), or any initialiser that is
        # not translated: `new` would only reach the stub (a `todo!()` panic where Python builds
        # the object), so it is reported with the initialiser's reason instead of failing; its
        # own stub keeps the callers (`IPv4Address(self._ip)`) compiling.
        why = next((d for d in out.diagnostics if d.function == f"{cls.name}.__init__"), None)
        code = "PTL190" if cls.foreign_bases or "__init__" in cls.inherited else why.code if why is not None else "PTL136"
        message = f"`{cls.name}(...)` runs `{cls.name}.__init__`, which is not translated"
        if "__init__" in cls.inherited:
            message = f"`{cls.name}(...)` runs the `__init__` it inherits from `{cls.inherited['__init__'].replace(':', '.')}`, not translated for it"
        elif why is not None and not cls.foreign_bases:
            message += f" ({why.code}: {why.message})"
        record = RustItem(name=f"{cls.name}.new", kind=new_kind, code="", python_line=init.line, status=FunctionStatus.UNTRANSLATED)
        if init_record.name in dropped:
            # the inherited `__init__` is not emitted for the class: neither is `new` (a
            # `C(...)` of it elsewhere is refused by its caller's `calls`)
            drop(record, f"{code}: {message} ({init_record.stub_reason})")
            return items
        out.diagnostics.append(Diagnostic(code=code, module=parsed.module, function=f"{cls.name}.new", line=init.line, message=message))
        if init.typed:
            stub = dataclasses.replace(_constructor(init), body=ir.Block(tail=ir.Macro("todo", fmt=f"portalis {code}: {message}".replace("{", "{{").replace("}", "}}"))),
                                       attrs=(ir.Allow(("unused_variables", "non_snake_case")),))
            items.append((record, ir.Impl(rust_ident(cls.name), (stub,)), None))
        else:
            out.items.append(record)
    elif init is not None and init.typed and not cls.is_dataclass and has_init:
        # `new` runs `__init__`: refused with it when rustc quarantines it (portalis/stub_callers.py)
        items.append((RustItem(name=f"{cls.name}.new", kind=new_kind, code="", python_line=init.line,
                               calls=[item_key(parsed.module, f"{cls.name}.__init__")]),
                      ir.Impl(rust_ident(cls.name), (_constructor(init),)), None))
    return items


def _calls_super(node: cst.FunctionDef) -> bool:
    from portalis.cst_walk import iter_nodes

    return any(type(n) is cst.Call and type(n.func) is cst.Name and n.func.value == "super" for n in iter_nodes(node))


def _inherited_method(cls: ClassSignature, name: str, env: ModuleEnv):
    """(def node, env, scope, tree) of a method `cls` inherits from a base of another module:
    the `def` from the base class's text, lowered in the base module's namespace with every
    item named by its full path (ModuleEnv.absolute). Nones where the text or the module's
    type map is not at hand."""
    from portalis.class_interfaces import method_nodes
    from portalis.names import Target

    key = cls.inherited[name]
    where, _, owner = key.partition(":")
    text = cls.base_sources.get(key)
    names = env.names
    tm = names.resolved(where) if names is not None else None
    if text is None or tm is None or names is None:
        return None, env, None, None
    try:
        tree = source_tree(text)
    except Exception:  # noqa: BLE001 - a base's text that does not parse alone: the method is a stub
        return None, env, None, None
    node = next((s for s in tree.module.body if isinstance(s, cst.ClassDef) and s.name.value == owner), None)
    if node is None:
        return None, env, None, None
    own = "__init__" if name.startswith("__init_") and name.endswith("__") and name != "__init__" else name
    found = method_nodes(node).get(own)
    scope = TypeScope.build(where, [c.name for c in tm.classes], tm.names.imports)
    scope.exceptions = {c.name for c in tm.classes if names.exception_base(Target(where, c.name, "class")) is not False}
    scope.aliases = dict(tm.names.aliases)
    base_env = ModuleEnv(module=where, own=tm, interfaces=ResolvedMaps(names, [k for k in names.maps if k != where]),
                         imports=dict(scope.imports), exceptions=names.exceptions(where), names=names, absolute=True,
                         unavailable=env.unavailable)
    return found, base_env, scope, tree


def _conditional_definitions(tree, parsed: ParsedModule, out: ModuleTranslation) -> None:
    """Functions defined inside a module-level `if`/`try`/`with`/loop (`try: from x import f
    except ImportError: def f(...)`): which one Python binds is decided when the module runs,
    so none is translated; each is in the report as untranslated with PTL144. Those in the body
    of `if __name__ == '__main__':` are the module's script, not its library: an import never
    binds them (no caller of the module can reach them, and the differential check, which
    imports the module, could never call one), so they are `excluded` with PTL146 rather than
    counted as functions the translator failed."""
    from portalis.cst_scan import iter_nodes

    defined = {f.name for f in parsed.functions}
    for stmt in tree.module.body:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef, cst.SimpleStatementLine)):
            continue
        script = set(_script_definitions(stmt, iter_nodes))
        for node in iter_nodes(stmt, prune=(cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            if not isinstance(node, cst.FunctionDef) or node is stmt or node.name.value in defined:
                continue
            defined.add(node.name.value)
            line = tree.line(node) or 1
            name = node.name.value
            if id(node) in script:
                out.items.append(RustItem(name=name, kind="fn", code="", python_line=line, status=FunctionStatus.EXCLUDED))
                out.diagnostics.append(Diagnostic(
                    code="PTL146", module=parsed.module, function=name, line=line, severity=Severity.INFO,
                    message=f"`{name}` is defined under `if __name__ == '__main__':`: script code that runs when the "
                    "file is executed, never when the module is imported, so it is not part of the library crate",
                ))
                continue
            out.items.append(RustItem(name=name, kind="fn", code="", python_line=line, status=FunctionStatus.UNTRANSLATED))
            out.diagnostics.append(Diagnostic(
                code="PTL144", module=parsed.module, function=name, line=line, severity=Severity.WARNING,
                message=f"`{name}` is defined inside a module-level `{_statement_kind(stmt)}` block: which definition "
                "Python binds is decided at import time, so it is not translated",
            ))


def _script_definitions(stmt: cst.CSTNode, iter_nodes) -> list[int]:
    """The ids of the function nodes in the body of `stmt` when it is `if __name__ ==
    '__main__':` (either operand order); empty otherwise. Its body only: an `elif`/`else`
    branch runs on import, its functions are conditional definitions as any other (PTL144)."""
    if not isinstance(stmt, cst.If) or not _is_main_guard(stmt.test):
        return []
    prune = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
    return [id(n) for n in iter_nodes(stmt.body, prune=prune) if isinstance(n, cst.FunctionDef)]


def _is_main_guard(test: cst.BaseExpression) -> bool:
    """`__name__ == '__main__'` or `'__main__' == __name__`."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    if not isinstance(test.comparisons[0].operator, cst.Equal):
        return False
    sides = [test.left, test.comparisons[0].comparator]
    names = [s for s in sides if isinstance(s, cst.Name) and s.value == "__name__"]
    texts = [s for s in sides if isinstance(s, cst.SimpleString) and s.evaluated_value == "__main__"]
    return len(names) == 1 and len(texts) == 1


def _statement_kind(stmt: cst.CSTNode) -> str:
    return {cst.If: "if", cst.Try: "try", cst.TryStar: "try", cst.With: "with", cst.For: "for", cst.While: "while"}.get(type(stmt), "compound")


def _unemitted_methods(info, out: ModuleTranslation, exception: bool = False) -> None:
    """The methods of a class that is not emitted, each in the report as untranslated (no
    Rust: every `def` of the source is accounted for)."""
    from portalis.parse import method_key

    for m in info.methods:
        qualname = f"{info.name}.{method_key(m.name, m.decorators)}"
        out.items.append(RustItem(name=qualname, kind="fn", code="", python_line=m.line, status=FunctionStatus.UNTRANSLATED))
    if exception and info.methods:
        out.diagnostics.append(Diagnostic(
            code="PTL142", module=out.module, function=info.name, line=info.line, severity=Severity.INFO,
            message=f"exception class `{info.name}`: raised and caught as `crate::pyrt::PyErr` by name; its "
            f"{len(info.methods)} method(s) are not translated",
        ))


def _rewritten_by_metaclass(cls: ClassSignature, m: FunctionSignature, node: cst.FunctionDef, nodes: dict[str, cst.ClassDef]) -> str | None:
    """Why a method may not be what its `def` says (None: it is): the class's metaclass names it
    (`LexerMeta` wraps `analyse_text` in a static method), a metaclass the module does not define
    may change any method, and in a class with an untranslated base (whose metaclass the
    translation cannot see) a method whose first parameter is not `self` is likely one a
    metaclass turns into something else (`def analyse_text(text):`)."""
    if cls.metaclass is not None:
        meta = nodes.get(cls.metaclass.split(".")[-1])
        if meta is None:
            return f"the metaclass `{cls.metaclass}` (not defined in this module) may rewrite `{m.name}`"
        if m.name in names_in(meta):
            return f"the metaclass `{cls.metaclass}` rewrites `{m.name}`"
    if m.unbound or (cls.foreign_bases or cls.repo_bases or cls.metaclass is not None) and m.kind in ("method", "property", "init"):
        # (unbound: signed as `C.f(text)` calls it; what the metaclass makes of it is not known)
        params = [*node.params.posonly_params, *node.params.params]
        if not params or params[0].name.value != "self":
            return (f"`{m.name}`'s first parameter is not `self`: a metaclass of base "
                    f"{', '.join(f'`{b}`' for b in [*cls.foreign_bases, *cls.repo_bases]) or cls.metaclass} may make it a static method")
    return None




def _rewritten_by_base_metaclass(cls: ClassSignature, m: FunctionSignature, env: ModuleEnv) -> str | None:
    """Why a method may be rewritten by the metaclass of a base in another module of the
    repository (None: no such base has a metaclass that may): `class Ca65Lexer(RegexLexer)` in
    pygments.lexers.asm, whose `def analyse_text(self, text)` `LexerMeta` (pygments.lexer) wraps
    in a static function that always returns a float in 0..1 (0.0 here: the wrapper calls it
    with the text alone, the TypeError is swallowed). Followed through the bases' own foreign
    bases, in their modules' namespaces."""
    if m.kind not in ("method", "property", "init", "staticmethod", "classmethod"):
        return None
    todo = [(env.module, b) for b in [*cls.foreign_bases, *cls.repo_bases]]
    seen: set[tuple[str, str]] = set()
    while todo:
        module, written = todo.pop()
        if (module, written) in seen or len(seen) > 32:
            continue
        seen.add((module, written))
        ref = _name_in(env, module, written)
        if not isinstance(ref, ClassRef):
            continue  # outside the repository (or not a class): nothing known of its metaclass
        base = ref.sig
        if base.metaclass is not None and (base.metaclass_names is None or m.name in base.metaclass_names):
            where = f"`{ref.module}.{base.name}`"
            if base.metaclass_names is None:
                return f"the metaclass `{base.metaclass}` of base {where} may rewrite `{m.name}` (its code is not in that module)"
            return f"the metaclass `{base.metaclass}` of base {where} names `{m.name}` (it may rewrite it)"
        todo += [(ref.module, b) for b in [*base.foreign_bases, *base.repo_bases]]
    return None


def fn_body_name(m: FunctionSignature) -> str:
    """The private function holding a wrapped method's body (`analyse_text_unwrapped`)."""
    return f"{rust_ident(m.name).removeprefix('r#')}_unwrapped"


def analysator_fn(m: FunctionSignature, body: ir.Fn) -> ir.Fn:
    """pygments' `make_analysator(f)` around the translated body `f`: 0.0 when the body raises
    (an `Err`) or its result is falsy, else the result as a float clamped to 0..1 (`min(1.0,
    max(0.0, float(rv)))`: NaN gives 0.0 there, as `f64::max` does). A result type it does not
    convert (a string, an object) is refused (PTL191)."""
    inner = m.wrapped[1] if m.wrapped is not None else m
    # The body's own parameter names (`_text` where it does not read it).
    call = ir.Call(ir.Path(f"Self::{fn_body_name(m)}"), tuple(ir.Path(p.name) for p in body.params))
    converted = _analysed(inner.returns, ir.Path("rv"))
    if converted is None:
        raise Unsupported("PTL191", f"the metaclass wraps `{m.name}` in an analysator, whose conversion of a "
                          f"`{inner.rust_returns}` result is not translated")
    # `except Exception: return 0.0`: a Python exception is an `Err` of a raising body, or a
    # panic (an IndexError, a ValueError of `int(text)`...) of the translated code.
    caught = ir.Call(ir.Path("crate::pyrt::caught"), (ir.Closure((), call),))
    ok = ir.PVariant("Some", (ir.PVariant("Ok", (ir.PBind("rv"),)) if inner.raises else ir.PBind("rv"),))
    tail = ir.Match(caught, (ir.MatchArm(ok, converted), ir.MatchArm(ir.PWild(), ir.FloatLit(0.0))))
    return ir.Fn(name=rust_ident(m.name), params=body.params, ret=ir.TPath("f64"), body=ir.Block((), tail), doc=body.doc)


def _analysed(t: PyType, rv: ir.Expr) -> ir.Expr | None:
    """The analysator's float of a result `rv` of type `t` (None: not converted here)."""
    zero, one = ir.FloatLit(0.0), ir.FloatLit(1.0)

    def clamp(x: ir.Expr) -> ir.Expr:
        return ir.MethodCall(ir.MethodCall(x, "max", (zero,)), "min", (one,))

    if t.kind == "bool":
        return ir.IfExpr(rv, ir.Block(tail=one), ir.Block(tail=zero))
    if t.kind == "int":
        return ir.IfExpr(ir.Binary("==", rv, ir.IntLit(0)), ir.Block(tail=zero), ir.Block(tail=clamp(ir.Cast(rv, ir.TPath("f64")))))
    if t.kind == "float":
        return ir.IfExpr(ir.Binary("==", rv, zero), ir.Block(tail=zero), ir.Block(tail=clamp(rv)))
    if t.kind == "none":
        return zero
    if t.kind == "union" and t.args and all(a.kind in ("bool", "int", "float") for a in t.args):
        # `return False` beside `return 0.8` (pygments' IniLexer): the union's enum, per member.
        from portalis.types.unions import enum_name, tag

        arms = []
        for a in t.args:
            member = _analysed(a, ir.Path("v"))
            if member is None:
                return None
            arms.append(ir.MatchArm(ir.PVariant(f"crate::pyrt::{enum_name(t)}::{tag(a)}", (ir.PBind("v"),)), member))
        return ir.Match(rv, tuple(arms))
    if t.kind == "optional" and t.args and (t.args[0].kind in ("bool", "int", "float") or t.args[0].kind == "union"):
        some = _analysed(t.args[0], ir.Path("v"))
        if some is None:
            return None
        return ir.Match(rv, (ir.MatchArm(ir.PVariant("Some", (ir.PBind("v"),)), some), ir.MatchArm(ir.PVariant("None"), zero)))
    return None


def _name_in(env: ModuleEnv, module: str, written: str):
    """What `written` (`RegexLexer`, `lexer.RegexLexer`) names in `module`'s namespace."""
    head, _, last = written.rpartition(".")
    if not head:
        return env.lookup(last) if module == env.module else env._resolved(module, last)
    owner = env.lookup(head) if module == env.module else env._resolved(module, head)
    return env._member(owner, last) if isinstance(owner, str) else None


def _own_method_nodes(name: str, nodes: dict[str, cst.ClassDef]) -> list[cst.FunctionDef]:
    from portalis.class_interfaces import method_nodes

    node = nodes.get(name)
    return list(method_nodes(node).values()) if node is not None else []


def _constructor(init: FunctionSignature) -> ir.Fn:
    """`new(args)`: Python's `C(args)`: an empty object initialised by `__init__`."""
    params = tuple(ir.Param(rust_ident(p.name), declared_param_type(p)) for p in init.params)
    call = ir.MethodCall(ir.Path("this"), "__init__", tuple(ir.Path(rust_ident(p.name)) for p in init.params))
    ret: ir.Type = ir.TPath("Self")
    if init.raises:
        ret = ir.TPath("Result", (ret, ir.TPath("crate::pyrt::PyErr")))
        stmts: tuple[ir.Stmt, ...] = (ir.Let(ir.PBind("this", True), None, ir.Call(ir.Path("Self::default"))), ir.ExprStmt(ir.Try(call)))
        return ir.Fn(name="new", params=params, ret=ret, body=ir.Block(stmts, ir.Call(ir.Path("Ok"), (ir.Path("this"),))))
    stmts = (ir.Let(ir.PBind("this", True), None, ir.Call(ir.Path("Self::default"))), ir.ExprStmt(call))
    return ir.Fn(name="new", params=params, ret=ret, body=ir.Block(stmts, ir.Path("this")))


def _const(c: TypedConstant) -> ir.Const | None:
    """A module constant: `pub const` for scalars, a `LazyLock` static for containers."""
    from portalis.typemap import constant_value

    try:
        value = constant_value(c.value)
    except (ValueError, SyntaxError, ZeroDivisionError, OverflowError, TypeError):
        return None
    attrs = () if c.name == c.name.upper() else (ir.Allow(("non_upper_case_globals",)),)
    if c.py_type.kind in ("int", "float", "bool", "str"):
        ty = ir.TRef(ir.STR) if c.py_type.kind == "str" else owned_type(c.py_type)
        expr = _literal(value, c.py_type, owned=False)
        return ir.Const(name=rust_ident(c.name), type=ty, value=expr, attrs=attrs) if expr is not None else None
    expr = _literal(value, c.py_type, owned=True)
    if expr is None:
        return None
    ty = ir.TPath("std::sync::LazyLock", (owned_type(c.py_type),))
    init = ir.Call(ir.Path("std::sync::LazyLock::new"), (ir.Closure((), expr),))
    return ir.Const(name=rust_ident(c.name), type=ty, value=init, static=True, attrs=attrs)


def _literal(value: object, ty, owned: bool) -> ir.Expr | None:
    """A Python literal value as a Rust expression of the type `ty` maps to (None if none)."""
    try:
        return value_expr(value, ty, owned=owned, int_range=False)
    except NoRustValue:
        return None


def _lower_failed(exc: Exception, parsed: ParsedModule, type_map: ModuleTypeMap, *args, **kwargs) -> ModuleTranslation:
    out = ModuleTranslation(module=parsed.module)
    out.diagnostics.extend(parsed.diagnostics)
    out.diagnostics.extend(type_map.diagnostics)
    out.diagnostics.append(internal_error(parsed.module, "lowering", exc))
    return out


@contained("lowering", _lower_failed)
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
    it (same place in items and diagnostics); `lowered` receives every function lowered here.

    Never raises: a function that fails is its todo!() stub with a diagnostic (PTL130, PTL160),
    an item that cannot be printed or formatted is quarantined (PTL161-PTL164), and a failure of
    the pass itself is a module diagnostic (PTL009). Its syntactic memo tables live as long as
    this call, or the caller's memo scope (portalis/memo.py)."""
    with node_memo():
        return _lower_module(parsed, type_map, interfaces, rustfmt, reuse=reuse, lowered=lowered)


def _lower_module(
    parsed: ParsedModule,
    type_map: ModuleTypeMap,
    interfaces: dict[str, ModuleTypeMap],
    rustfmt: str,
    *,
    reuse: Callable[[FunctionSignature], FunctionResult | None] | None,
    lowered: list[FunctionResult] | None,
) -> ModuleTranslation:
    out = ModuleTranslation(module=parsed.module)
    out.diagnostics.extend(parsed.diagnostics)
    if not parsed.ok:
        return out
    if has_internal_error(type_map.diagnostics):
        out.diagnostics.extend(type_map.diagnostics)  # the type map failed: nothing to lower against
        return out
    if not parsed.functions and not parsed.classes and not parsed.constants:
        out.diagnostics.append(
            Diagnostic(code="PTL003", message="module has nothing to translate", module=parsed.module, severity=Severity.INFO)
        )
        return out
    # Names across modules (portalis/names.py): types settled against the crate (a class where it
    # is defined, aliases of other modules, the placeholder for what has no Rust item), imported
    # and star-imported names, exception classes of other modules.
    names = Names({**interfaces, parsed.module: type_map})
    type_map = names.resolved(parsed.module) or type_map
    out.diagnostics.extend(type_map.diagnostics)
    for star in names.unresolved_stars(parsed.module):
        line = next((i.line for i in parsed.imports if i.name == "*" and i.module == star), None)
        out.diagnostics.append(Diagnostic(
            code="PTL143", module=parsed.module, line=line, severity=Severity.WARNING,
            message=f"`from {star} import *`: `{star}` is not a module of the repository, so the names it brings are not resolved",
        ))
    tree = source_tree(parsed.source)
    nodes = function_nodes(tree.module)
    scope = TypeScope.build(parsed.module, [c.name for c in parsed.classes], parsed.imports)
    scope.exceptions = _own_exceptions(parsed)
    scope.add_aliases([(c.name, c.value) for c in parsed.constants if c.annotation is None])
    env = ModuleEnv(module=parsed.module, own=type_map, interfaces=ResolvedMaps(names, [k for k in interfaces if k != parsed.module]),
                    imports=dict(scope.imports), exceptions=names.exceptions(parsed.module), names=names)

    pending: list[tuple[RustItem, ir.Item, ir.Item | None]] = []
    dropped: set[str] = set()
    for c in type_map.constants:  # a literal with no Rust form was reported by the type map (PTL163)
        record = RustItem(name=c.name, kind="const", code="", python_line=c.line)
        if is_computed(c):  # a value computed by an expression (portalis/lower/constants.py)
            try:
                item, record.runtime = lower_computed(c, env, scope)
            except Unsupported as exc:
                item = None
                out.diagnostics.append(Diagnostic(
                    code="PTL145", module=parsed.module, function=c.name, line=c.line, severity=Severity.WARNING,
                    message=f"constant `{c.name}` is not translated: {exc.message}"))
            except Exception as bug:  # noqa: BLE001 - a translator bug costs this constant only
                item = None
                out.diagnostics.append(Diagnostic(
                    code="PTL145", module=parsed.module, function=c.name, line=c.line, severity=Severity.WARNING,
                    message=f"constant `{c.name}` is not translated: internal translator error ({describe_exception(bug)})"))
            if item is None:
                dropped.add(c.name)
                continue
        else:
            item = _const(c)
        if item is not None:
            pending.append((record, item, None))
    if dropped:  # its uses are then unresolved names (PTL135), never a path that does not exist
        type_map = type_map.model_copy(update={"constants": [c for c in type_map.constants if c.name not in dropped]})
        env.own = type_map
    for cls in type_map.classes:
        info = next(ci for ci in parsed.classes if ci.name == cls.name)
        if cls.name in env.exceptions:
            # An exception class: raised and caught by name (lower/exceptions.py).
            _unemitted_methods(info, out, exception=True)
            continue
        if cls.diagnostics:
            _unemitted_methods(info, out)  # the class's diagnostics say why
            continue
        if cls.flavour == "enum":
            enum, members = _enum(cls)
            pending.append((RustItem(name=cls.name, kind="struct", code="", python_line=cls.line), enum, None))
            pending.append((RustItem(name=f"{cls.name}.members", kind="fn", code="", python_line=cls.line), members, None))
        else:
            pending.append((RustItem(name=cls.name, kind="struct", code="", python_line=cls.line), _struct(cls), None))
            for impl in _operator_impls(cls):
                pending.append((RustItem(name=f"{cls.name}.{impl.trait}", kind="struct", code="", python_line=cls.line), impl, None))
        pending.extend(_class_methods(cls, info, env, scope, tree, parsed, out))
        built = [(c, _const(c)) for c in cls.constants]
        consts = tuple(item for _c, item in built if item is not None and not item.static)
        if consts:
            pending.append((RustItem(name=f"{cls.name}.constants", kind="const", code="", python_line=cls.line), ir.Impl(rust_ident(cls.name), consts), None))
        for c, item in built:
            if item is not None and item.static:
                # A container class attribute (`aliases = ['py']`): a static next to the struct.
                static = dataclasses.replace(item, name=class_static_path(rust_ident(cls.name), c.name), attrs=(ir.Allow(("non_upper_case_globals",)),))
                pending.append((RustItem(name=f"{cls.name}.{c.name}", kind="const", code="", python_line=cls.line), static, None))
    fresh: list[FunctionResult] = []
    sigs_by_name = {s.name: s for s in type_map.functions}  # twins' shapes (a matrix product's lists)
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
        ints = sig.facts.ints
        if ints is not None and (ints.grows or ints.wide):  # the analysis' int representation, in the report (PTL232/PTL233/PTL234)
            code, message = (("PTL234", f"ints in checked i128: {ints.wide}") if ints.wide else
                             ("PTL232", f"ints on num_bigint::BigInt: {ints.grows}") if ints.bigint else
                             ("PTL233", f"ints may grow past i64 ({ints.grows}) but stay i64: {ints.unsupported}"))
            note = Diagnostic(code=code, message=message, module=parsed.module, function=sig.name, line=sig.line,
                              severity=Severity.INFO)
            out.diagnostics.append(note)
            fresh[-1].diagnostics.append(note)
        if ints is not None and (ints.bigint or ints.wide):
            try:
                memo = function_decorators(env, node)  # a cached function on BigInt: fib(93)
                if memo is not None:
                    _check_memo_key(env, sig, node)
                if ints.wide:  # checked i128 inside, i64 at the boundary (portalis/lower/wide.py)
                    big_fn, helpers = lower_wide_function(sig, node)
                else:
                    big_fn, helpers = lower_bigint_function(sig, node, memo, _twin_shapes(sigs_by_name, ints.twins))
            except Exception as bug:  # noqa: BLE001 - a translator bug costs one function, not the module
                failure = bug if isinstance(bug, Unsupported) else _function_failure(bug, node)
                diag = Diagnostic(code=failure.code, message=failure.message, module=parsed.module, function=sig.name, line=sig.line)
                out.diagnostics.append(diag)
                fresh[-1].diagnostics.append(diag)
                record.status = FunctionStatus.UNTRANSLATED
                stub = stub_fn(sig, f"portalis {failure.code}: {failure.message}")
                stub = stub if ints.wide else _with_small_stub(sig, stub)
                if stub is not None:
                    pending.append((record, stub, None))
                continue
            record.runtime = sorted(helpers)
            record.crates = [] if ints.wide else sorted(BIGINT_CRATES)  # i128 is Rust's own
            quarantined = stub_fn(sig, f"portalis: `{sig.name}` was quarantined: {RUSTC_REASON}")
            pending.append((record, big_fn, quarantined if ints.wide else _with_small_stub(sig, quarantined)))
            continue
        try:
            memo = function_decorators(env, node)  # before lowering: an unknown decorator stops it
            if memo is not None:
                _check_memo_key(env, sig, node)
            try:
                fn, lowerer = lower_function(env, sig, node, scope, tree)
            except Unsupported:
                raise
            except Exception as bug:  # noqa: BLE001 - a translator bug costs one function, not the module
                raise _function_failure(bug, node) from bug
            if memo is not None:
                fn = memoised(fn, sig.raises, f"{rust_ident(sig.name)}_uncached")
                lowerer.runtime.update(MEMO_HELPERS)
                if memo.bounded:
                    lowerer.note("PTL248", "lru_cache(maxsize=N) translated as an unbounded memo: the same results "
                                 "for a pure function, without Python's memory bound", node)
            if ints is not None and ints.twin_of:  # its BigInt twins, for callers on BigInt (a matrix product)
                twins, twin_helpers = lower_twins(sig, node, *_twin_shapes(sigs_by_name, [sig.name])[sig.name])
                fn = ir.Items((fn, twins))
                lowerer.runtime.update(twin_helpers)
                lowerer.crates.update(BIGINT_CRATES)
            record.runtime = sorted(lowerer.runtime)
            record.crates = sorted(lowerer.crates)
            record.calls = sorted(lowerer.calls)
            for code, message, line in lowerer.notes:  # representation choices (num_bigint...)
                note = Diagnostic(code=code, message=message, module=parsed.module, function=sig.name, line=line or sig.line,
                                  severity=Severity.INFO)
                out.diagnostics.append(note)
                fresh[-1].diagnostics.append(note)
            stub = stub_fn(sig, f"portalis: `{sig.name}` was quarantined: {RUSTC_REASON}")
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
    _conditional_definitions(tree, parsed, out)
    before = len(out.diagnostics)
    out.items.extend(_print_items(pending, rustfmt, out))
    by_name = {r.item.name: r for r in fresh}
    for diag in out.diagnostics[before:]:  # quarantined while printing: the cache keeps why
        if diag.function in by_name:
            by_name[diag.function].diagnostics.append(diag)
    out.items.sort(key=lambda i: ({"const": 0, "struct": 1, "fn": 2}[i.kind], i.python_line))
    if lowered is not None:
        lowered.extend(fresh)  # records were printed in place: their code is final here
    return out


def _print_items(pending: list[tuple[RustItem, ir.Item, ir.Item | None]], rustfmt: str | None,
                 out: ModuleTranslation) -> list[RustItem]:
    """Print all items and their stubs; with a rustfmt, format them with one call. An item
    that cannot be printed (a literal with no Rust form, a printer bug) is replaced by its stub,
    or left out when it has none, with a diagnostic on `out`."""
    if not pending:
        return []
    printer = Printer()
    result = []
    for record, item, stub in pending:
        try:
            record.code = printer.item(item) + "\n"
        except Exception as exc:  # noqa: BLE001 - one item's printing failure costs that item only
            code, what = _print_failure(exc)
            message = f"`{record.name}` could not be printed as Rust: {what}"
            out.diagnostics.append(Diagnostic(code=code, message=message, module=out.module, function=record.name,
                                              line=record.python_line))
            stub = _restubbed(stub, f"portalis {code}: {message}") if stub is not None else None
            _quarantine(record)
            if stub is None or record.kind != "fn":
                result.append(record)
                continue
            item, stub = stub, None
            try:
                record.code = printer.item(item) + "\n"
            except Exception:  # noqa: BLE001 - the stub cannot be printed either: the item drops out
                record.code = ""
                result.append(record)
                continue
        if stub is not None:
            try:
                record.stub = printer.item(stub) + "\n"
            except Exception:  # noqa: BLE001 - no stub: rustc cannot quarantine it, the item stays
                record.stub = None
        found: dict[str, ir.TUnion] = {}
        unions_in_item((item, stub), found)
        record.unions = [printer.item(ir.Items(tuple(enum_items(u)))) + "\n" for _n, u in sorted(found.items())]
        result.append(record)
    if rustfmt is not None:
        out.diagnostics.extend(format_quarantined(result, rustfmt, out.module))
    return result


def _print_failure(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, UnprintableLiteral):
        return "PTL163", str(exc)
    if isinstance(exc, RecursionError):
        return "PTL160", f"it nests too deeply for the printer ({describe_exception(exc)})"
    return "PTL164", f"internal printer error ({describe_exception(exc)}); please report it"


def _twin_shapes(sigs: dict[str, FunctionSignature], names: list[str]) -> dict[str, tuple[list[int], int]]:
    """The named twins' parameters' and return's list nestings (from their signatures)."""
    out = {}
    for name in names:
        sig = sigs[name]
        out[name] = ([type_depth(p.py_type) or 0 for p in sig.params], type_depth(sig.returns) or 0)
    return out


def _with_small_stub(sig: FunctionSignature, stub: ir.Fn | None) -> ir.Item | None:
    """A function on BigInt's stub with its fast path's (which gives up: i64 callers call it)."""
    return None if stub is None else ir.Items((stub, small_stub(sig)))


def _restubbed(stub: ir.Item, message: str) -> ir.Item:
    """The stub with its todo!() saying why the item was quarantined."""
    if isinstance(stub, ir.Items):  # the todo!() goes in the first; the others stay as they are
        return ir.Items((_restubbed(stub.items[0], message),) + stub.items[1:])
    if isinstance(stub, ir.Fn):
        return dataclasses.replace(stub, body=ir.Block(tail=ir.Macro("todo", fmt=message)))
    if isinstance(stub, ir.Impl):
        return ir.Impl(stub.type_name, tuple(_restubbed(i, message) for i in stub.items), stub.trait)
    return stub


def _quarantine(record: RustItem) -> None:
    if record.kind == "fn":
        record.status = FunctionStatus.UNTRANSLATED
    record.code = ""
    record.stub = None
    record.runtime = []
    record.crates = []


def format_translations(translations: list[ModuleTranslation], rustfmt: str = "rustfmt") -> None:
    """Format the items of many modules with a single rustfmt run (rustfmt's start-up costs
    more than formatting a module). Items rustfmt rejects or times out on are quarantined, each
    with a diagnostic on its module; the others are formatted as usual. Never raises."""
    items = [it for t in translations for it in t.items]
    owner = [t for t in translations for _ in t.items]
    for index, diag in format_quarantined(items, rustfmt, None, indexed=True):  # type: ignore[misc]
        diag.module = owner[index].module
        owner[index].diagnostics.append(diag)


def format_quarantined(items: list[RustItem], rustfmt: str, module: str | None, indexed: bool = False) -> list:
    """Format item code (and stubs) in place, one rustfmt run for all when nothing fails
    (portalis/rust/fmt.py: `format_many` finds the failing items by halving). An item rustfmt
    rejects (PTL161), times out on (PTL162) or is not run on
    because it nests too deep (PTL166) becomes its stub, formatted, with its todo!()
    saying so, or drops out of the crate when it has none (a struct, a constant). rustfmt missing:
    the items stay as printed, with one warning (PTL169). Returns the diagnostics (with
    `indexed`, pairs of the item's index and its diagnostic)."""
    texts: list[str] = []
    for record in items:
        texts.append(record.code or "")
        texts.append(record.stub or "")
    try:
        formatted = format_many(texts, rustfmt)
    except RustfmtUnavailable as exc:
        diag = Diagnostic(code="PTL169", message=str(exc), module=module or "", severity=Severity.WARNING)
        return [(0, diag)] if indexed and items else ([] if indexed else [diag])
    found: list[tuple[int, Diagnostic]] = []
    for i, record in enumerate(items):
        code, stub = formatted[2 * i], formatted[2 * i + 1]
        record.stub = stub if isinstance(stub, str) and stub else None
        if isinstance(code, str):
            record.code = code
            continue
        if code.too_deep:
            kind, what = "PTL166", "was not run on"
        else:
            kind = "PTL162" if code.timed_out else "PTL161"
            what = "timed out on" if code.timed_out else "rejected"
        message = f"rustfmt {what} the Rust of `{record.name}`: {code.reason}"
        found.append((i, Diagnostic(code=kind, message=message, module=module or "", function=record.name, line=record.python_line)))
        stub_text = record.stub.replace(RUSTC_REASON, f"rustfmt {what} its translation") if record.stub and record.kind == "fn" else None
        _quarantine(record)
        if stub_text is not None:
            record.code = stub_text
    return found if indexed else [d for _, d in found]


def format_items(items: list[RustItem], rustfmt: str) -> None:
    """Format item code (and stubs) in place: one rustfmt call, split back by marker lines.
    Raises RustfmtError when rustfmt rejects any of them (the LLM loop's candidates, which it
    then formats one by one); the translator's items go through `format_quarantined`."""
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


def _own_exceptions(parsed: ParsedModule) -> set[str]:
    """The module's classes that derive from an exception class."""
    from portalis.lower.exceptions import BUILTIN_EXCEPTIONS, exception_classes

    return set(exception_classes([(c.name, c.bases) for c in parsed.classes])) - set(BUILTIN_EXCEPTIONS)
