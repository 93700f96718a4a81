"""Decorators on module functions (issue 12, item 3): `functools.cache` / `lru_cache` become a
real memo; a decorator the translation does not know is a diagnostic, never dropped.

Python's cache keeps a dict from the argument tuple to the result, so a cached recursion runs
once per distinct argument. Dropping the decorator would keep the results but make `fib(80)`
exponential, so the decorator is part of the function's meaning. The translation is

    pub fn fib(n: i64) -> i64 {
        static MEMO: crate::pyrt::Memo<(i64,), i64> = crate::pyrt::Memo::new();
        fn fib_uncached(n: i64) -> i64 { <the body> }
        let key = (n,);
        if let Some(hit) = MEMO.get(&key) { return hit; }
        let value = fib_uncached(n);
        MEMO.put(key, value.clone());
        value
    }

The body's own calls of `fib` go through the memo, as Python's do through the module name. An
exception is not cached (Python caches only returned values). A bounded `lru_cache(maxsize=N)`
keeps every result: for a pure function the results are the same, only Python's memory bound
(and the re-running of evicted calls' side effects) is not kept. `maxsize=0` caches nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from portalis.lower.context import Unsupported
from portalis.model import PyType
from portalis.rust import ir

if TYPE_CHECKING:
    from portalis.lower.context import ModuleEnv

# Decorator -> what it means for the translation. "memo": functools' caches; "none": a decorator
# that returns the function unchanged at run time (type-checker markers), safe to drop.
DECORATORS: dict[str, str] = {
    "functools.cache": "memo",
    "functools.lru_cache": "memo",
    "typing.final": "none",
    "typing.no_type_check": "none",
    "typing.override": "none",
    "typing_extensions.final": "none",
    "typing_extensions.override": "none",
}

MEMO_HELPERS = ("Memo",)


@dataclass(frozen=True)
class Memo:
    """A cached function: `bounded` records lru_cache(maxsize=N) (kept unbounded, see above)."""

    bounded: bool = False


def qualified(env: "ModuleEnv", node: cst.BaseExpression) -> str | None:
    """`functools.cache`, `cache` (from functools import cache), `ft.lru_cache`: the decorator's
    module-qualified name through the module's imports; None for a local or unknown name."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    imported = env.imports.get(node.value)
    if imported is None:
        return None
    module, member = imported
    head = module if member is None else f"{module}.{member}"
    return ".".join([head, *reversed(parts)])


def function_decorators(env: "ModuleEnv", node: cst.FunctionDef) -> Memo | None:
    """What the decorators of a module function ask of its translation: a Memo, or None (no
    decorator, or only semantics-free ones). Raises Unsupported (PTL247) for a decorator that
    is not known, and for a cache whose arguments cannot be a key."""
    memo: Memo | None = None
    for dec in node.decorators:
        expr = dec.decorator
        call = expr if isinstance(expr, cst.Call) else None
        name = qualified(env, call.func if call is not None else expr)
        kind = DECORATORS.get(name or "")
        if kind is None:
            shown = cst.Module([]).code_for_node(expr)
            raise Unsupported("PTL247", f"decorator `@{shown}` is not translated (it may change what the function does)", dec)
        if kind == "none":
            continue
        if len(node.decorators) > 1:
            raise Unsupported("PTL247", "a cache combined with other decorators is not translated", dec)
        maxsize = _maxsize(call, name or "", dec)
        if maxsize == 0:
            continue  # lru_cache(maxsize=0) caches nothing
        memo = Memo(bounded=maxsize is not None)
    return memo


def _maxsize(call: cst.Call | None, name: str, node: cst.CSTNode) -> int | None:
    """lru_cache's maxsize (None: unbounded; `@lru_cache` alone and `@lru_cache()` are 128)."""
    if call is None:
        return None if name == "functools.cache" else 128
    if name == "functools.cache":
        raise Unsupported("PTL247", "functools.cache takes no arguments", node)
    size: cst.BaseExpression | None = None
    for i, arg in enumerate(call.args):
        key = arg.keyword.value if arg.keyword is not None else ("maxsize" if i == 0 else "typed" if i == 1 else None)
        if key == "maxsize":
            size = arg.value
        elif key == "typed":
            continue  # parameters have one declared type each: typed keys change nothing
        else:
            raise Unsupported("PTL247", "lru_cache takes maxsize and typed", node)
    if size is None:
        return 128
    if isinstance(size, cst.Name) and size.value == "None":
        return None
    if isinstance(size, cst.Integer):
        return max(int(size.value.replace("_", ""), 0), 0)
    raise Unsupported("PTL247", "lru_cache's maxsize must be a literal (None or an int)", node)


def hashable(env: "ModuleEnv", t: PyType) -> bool:
    """A parameter type Python can hash and Rust's HashMap can key on with the same equality:
    ints, bools, strs, None, tuples and Optionals of them, enum members. (A list or dict is a
    TypeError in Python; a float key is left out: Rust's f64 has no Hash.)"""
    if t.kind in ("int", "bigint", "bool", "str", "none"):
        return True
    if t.kind in ("tuple", "optional"):
        return all(hashable(env, a) for a in t.args)
    if t.kind == "class":
        cls = env.class_sig(t)
        return cls is not None and cls.flavour == "enum"
    return False


def memoised(fn: ir.Fn, raises: bool, uncached_name: str) -> ir.Fn:
    """The lowered function `fn` wrapped in its memo (see the module docstring)."""
    inner = ir.Fn(name=uncached_name, params=fn.params, ret=fn.ret, body=fn.body, public=False, attrs=fn.attrs)
    outer_params = tuple(ir.Param(p.name, p.type) for p in fn.params)  # `mut` belongs to the body
    key = ir.TupleExpr(tuple(_key_part(p) for p in fn.params))
    value_t = fn.ret.args[0] if raises and isinstance(fn.ret, ir.TPath) else fn.ret
    key_t = ir.TTuple(tuple(_owned_t(p.type) for p in fn.params))
    memo = ir.Const("MEMO", ir.TPath("crate::pyrt::Memo", (key_t, value_t)), ir.Call(ir.Path("crate::pyrt::Memo::new")), static=True)
    call: ir.Expr = ir.Call(ir.Path(uncached_name), tuple(ir.Path(p.name) for p in fn.params))
    if raises:
        call = ir.Try(call)
    hit = ir.MethodCall(ir.Path("MEMO"), "get", (ir.Ref(ir.Path("key")),))
    found = ir.Call(ir.Path("Ok"), (ir.Path("hit"),)) if raises else ir.Path("hit")
    copy = isinstance(value_t, ir.TPath) and value_t.name in ("i64", "f64", "bool", "char") and not value_t.args
    stored: ir.Expr = ir.Path("value") if copy else ir.MethodCall(ir.Path("value"), "clone")
    stmts: tuple[ir.Stmt, ...] = (
        ir.ItemStmt(memo),
        ir.ItemStmt(inner),
        ir.Let(ir.PBind("key"), None, key),
        ir.ExprStmt(ir.IfExpr(ir.LetPattern(ir.PVariant("Some", (ir.PBind("hit"),)), hit), ir.Block((ir.Return(found),)))),
        ir.Let(ir.PBind("value"), None, call),
        ir.ExprStmt(ir.MethodCall(ir.Path("MEMO"), "put", (ir.Path("key"), stored))),
    )
    tail = ir.Call(ir.Path("Ok"), (ir.Path("value"),)) if raises else ir.Path("value")
    return ir.Fn(name=fn.name, params=outer_params, ret=fn.ret, body=ir.Block(stmts, tail), doc=fn.doc,
                 public=fn.public, attrs=fn.attrs, receiver=fn.receiver)


def _owned_t(t: ir.Type) -> ir.Type:
    if isinstance(t, ir.TRef):
        if isinstance(t.inner, ir.TPath) and t.inner.name == "str":
            return ir.TPath("String")
        return t.inner
    return t


def _key_part(p: ir.Param) -> ir.Expr:
    if isinstance(p.type, ir.TRef) and isinstance(p.type.inner, ir.TPath) and p.type.inner.name == "str":
        return ir.MethodCall(ir.Path(p.name), "to_string")
    if isinstance(p.type, ir.TPath) and p.type.name in ("i64", "bool", "char", "u8"):
        return ir.Path(p.name)
    return ir.MethodCall(ir.Path(p.name), "clone")


_METHOD_BUILTINS = frozenset({"staticmethod", "classmethod", "property"})


def check_method_decorators(env: "ModuleEnv", node: cst.FunctionDef) -> None:
    """A method's decorators: staticmethod, classmethod, property and `x.setter` decide its
    kind (portalis/class_interfaces.py); semantics-free ones are dropped; anything else,
    functools' caches included (their key would be `self`), is PTL247."""
    for dec in node.decorators:
        expr = dec.decorator
        if isinstance(expr, cst.Name) and expr.value in _METHOD_BUILTINS and expr.value not in env.imports:
            continue
        if isinstance(expr, cst.Attribute) and expr.attr.value == "setter" and isinstance(expr.value, cst.Name):
            continue
        name = qualified(env, expr.func if isinstance(expr, cst.Call) else expr)
        if DECORATORS.get(name or "") != "none" and name != "abc.abstractmethod":
            shown = cst.Module([]).code_for_node(expr)
            raise Unsupported("PTL247", f"decorator `@{shown}` on a method is not translated", dec)
