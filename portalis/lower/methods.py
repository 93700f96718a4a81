"""Methods of builtin types: a table keyed by (receiver kind, method name)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from portalis.lower.context import Mode, Unsupported, Val
from portalis.lower.values import borrow, coerce, owned, owned_as, read, str_view
from portalis.rust import ir
from portalis.types import pytypes as T

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

Rule = Callable[["FunctionLowerer", Val, list[Val]], Val]


def _arity(name: str, args: list[Val], *counts: int) -> None:
    if len(args) not in counts:
        raise Unsupported("PTL134", f".{name}() with {len(args)} argument(s) is not supported yet")


def _str_to_string(method: str) -> Rule:
    """str methods returning a new str from a Rust &str method returning String."""

    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
        _arity(method, args, 0)
        return Val(ir.MethodCall(recv.expr, method), T.STR)

    return rule


def _trim(rust: str) -> Rule:
    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
        _arity("strip", args, 0)
        return Val(ir.MethodCall(ir.MethodCall(recv.expr, rust), "to_string"), T.STR)

    return rule


def _str_predicate(rust: str) -> Rule:
    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
        _arity(rust, args, 1)
        if args[0].ty.kind != "str":
            raise Unsupported("PTL113", f"{rust} with a {args[0].ty} argument")
        return Val(ir.MethodCall(recv.expr, rust, (str_view(args[0]),)), T.BOOL)

    return rule


def _split(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
    _arity("split", args, 0, 1)
    to_string = ir.Closure(("p",), ir.MethodCall(ir.Path("p"), "to_string"))
    if args:
        parts = ir.MethodCall(recv.expr, "split", (str_view(args[0]),))
    else:
        parts = ir.MethodCall(recv.expr, "split_whitespace")
    mapped = ir.MethodCall(parts, "map", (to_string,))
    return Val(ir.MethodCall(mapped, "collect", turbofish=(ir.TPath("Vec", (ir.STRING,)),)), T.list_of(T.STR))


def _join(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
    _arity("join", args, 1)
    (items,) = args
    if items.ty.kind != "list" or items.ty.args[0].kind != "str":
        raise Unsupported("PTL113", f"str.join of {items.ty}")
    return Val(ir.MethodCall(items.expr, "join", (str_view(recv),)), T.STR)


def _replace(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
    _arity("replace", args, 2)
    return Val(ir.MethodCall(recv.expr, "replace", (str_view(args[0]), str_view(args[1]))), T.STR)


def _find(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
    _arity("find", args, 1)
    # Python counts characters; Rust's find gives a byte offset: count the chars before it.
    found = ir.MethodCall(recv.expr, "find", (str_view(args[0]),))
    chars = ir.Closure(
        ("__i",), ir.Cast(ir.MethodCall(ir.MethodCall(ir.Index(recv.expr, ir.RangeExpr(None, ir.Path("__i"))), "chars"), "count"), ir.I64)
    )
    return Val(ir.MethodCall(found, "map_or", (ir.IntLit(-1), chars)), T.INT)


def _count(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
    _arity("count", args, 1)
    return Val(ir.Cast(ir.MethodCall(ir.MethodCall(recv.expr, "matches", (str_view(args[0]),)), "count"), ir.I64), T.INT)


def _char_predicate(rust: str) -> Rule:
    """isdigit/isalpha/...: true when non-empty and every character satisfies the predicate."""

    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
        _arity(rust, args, 0)
        non_empty = ir.Unary("!", ir.MethodCall(recv.expr, "is_empty"))
        # A closure, not the path `char::{rust}`: some predicates take `self`, others `&self`.
        test = ir.Closure(("c",), ir.MethodCall(ir.Path("c"), rust))
        all_ = ir.MethodCall(ir.MethodCall(recv.expr, "chars"), "all", (test,))
        return Val(ir.Binary("&&", non_empty, all_), T.BOOL)

    return rule


# ---------------------------------------------------------------- list


def _append(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
    _arity("append", args, 1)
    elem = recv.ty.args[0]
    return Val(ir.MethodCall(lw.mutable(recv), "push", (owned_as(args[0], elem),)), T.NONE)


def _extend(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
    _arity("extend", args, 1)
    if args[0].ty.kind != "list":
        raise Unsupported("PTL113", f"list.extend of {args[0].ty}")
    return Val(ir.MethodCall(lw.mutable(recv), "extend_from_slice", (borrow(args[0]),)), T.NONE)


def _pop(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
    _arity("pop", args, 0, 1)
    msg = ir.StrLit("IndexError: pop from empty list")
    if not args:
        return Val(ir.MethodCall(ir.MethodCall(lw.mutable(recv), "pop"), "expect", (msg,)), recv.ty.args[0])
    lw.use_runtime("index")
    pos = ir.Call(ir.Path("crate::pyrt::index"), (read(coerce(args[0], T.INT)), ir.MethodCall(recv.expr, "len")))
    return Val(ir.MethodCall(lw.mutable(recv), "remove", (pos,)), recv.ty.args[0])


def _insert(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
    _arity("insert", args, 2)
    lw.use_runtime("insert_index")
    at = ir.Call(ir.Path("crate::pyrt::insert_index"), (read(coerce(args[0], T.INT)), ir.MethodCall(recv.expr, "len")))
    return Val(ir.MethodCall(lw.mutable(recv), "insert", (at, owned_as(args[1], recv.ty.args[0]))), T.NONE)


def _reverse(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
    _arity("reverse", args, 0)
    return Val(ir.MethodCall(lw.mutable(recv), "reverse"), T.NONE)


def _sort(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
    _arity("sort", args, 0)
    elem = recv.ty.args[0]
    if elem.kind == "float":
        cmp = ir.Closure(("a", "b"), ir.MethodCall(ir.MethodCall(ir.Path("a"), "partial_cmp", (ir.Path("b"),)), "unwrap"))
        return Val(ir.MethodCall(lw.mutable(recv), "sort_by", (cmp,)), T.NONE)
    return Val(ir.MethodCall(lw.mutable(recv), "sort"), T.NONE)


# Closures that capture lowered expressions name their parameter `__x`/`__i`: a plain `x` would
# shadow a Python variable of the same name used in the captured expression.


def _list_index(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
    _arity("index", args, 1)
    elem = recv.ty.args[0]
    target = owned_as(args[0], elem)
    pos = ir.MethodCall(
        ir.MethodCall(recv.expr, "iter"),
        "position",
        (ir.Closure(("__x",), ir.Binary("==", ir.Unary("*", ir.Path("__x")), target)),),
    )
    got = ir.MethodCall(pos, "expect", (ir.StrLit("ValueError: value is not in list"),))
    return Val(ir.Cast(got, ir.I64), T.INT)


def _list_count(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
    _arity("count", args, 1)
    target = owned_as(args[0], recv.ty.args[0])
    filt = ir.MethodCall(
        ir.MethodCall(recv.expr, "iter"), "filter", (ir.Closure(("__x",), ir.Binary("==", ir.Unary("**", ir.Path("__x")), target)),)
    )
    return Val(ir.Cast(ir.MethodCall(filt, "count"), ir.I64), T.INT)


# ---------------------------------------------------------------- dict


def _dict_get(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
    _arity("get", args, 1, 2)
    key_t, val_t = recv.ty.args
    got = ir.MethodCall(recv.expr, "get", (lw.key_ref(args[0], key_t),))
    if len(args) == 1:
        return Val(ir.MethodCall(got, "cloned"), T.optional(val_t))
    default = owned_as(args[1], val_t)
    return Val(ir.MethodCall(ir.MethodCall(got, "cloned"), "unwrap_or", (default,)), val_t)


def _dict_view(method: str, ty_index: int | None) -> Rule:
    """keys()/values()/items(): a list copy (Python views are live, but the common use is to iterate)."""

    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
        _arity(method, args, 0)
        key_t, val_t = recv.ty.args
        it = ir.MethodCall(recv.expr, method)
        if ty_index is None:
            pair = ir.Closure(("(k, v)",), ir.TupleExpr((ir.MethodCall(ir.Path("k"), "clone"), ir.MethodCall(ir.Path("v"), "clone"))))
            elem = T.tuple_of(key_t, val_t)
            mapped = ir.MethodCall(it, "map", (pair,))
        else:
            elem = recv.ty.args[ty_index]
            mapped = ir.MethodCall(it, "cloned")
        return Val(ir.MethodCall(mapped, "collect", turbofish=(ir.TPath("Vec", (lw.rust_type(elem),)),)), T.list_of(elem))

    return rule


def _dict_pop(lw: "FunctionLowerer", recv: Val, args: list[Val]) -> Val:
    _arity("pop", args, 1, 2)
    key_t, val_t = recv.ty.args
    removed = ir.MethodCall(lw.mutable(recv), "remove", (lw.key_ref(args[0], key_t),))
    if len(args) == 2:
        return Val(ir.MethodCall(removed, "unwrap_or", (owned_as(args[1], val_t),)), val_t)
    return Val(ir.MethodCall(removed, "expect", (ir.StrLit("KeyError"),)), val_t)


STR_METHODS: dict[str, Rule] = {
    "lower": _str_to_string("to_lowercase"),
    "upper": _str_to_string("to_uppercase"),
    "strip": _trim("trim"),
    "lstrip": _trim("trim_start"),
    "rstrip": _trim("trim_end"),
    "startswith": _str_predicate("starts_with"),
    "endswith": _str_predicate("ends_with"),
    "split": _split,
    "join": _join,
    "replace": _replace,
    "find": _find,
    "count": _count,
    "isdigit": _char_predicate("is_ascii_digit"),
    "isalpha": _char_predicate("is_alphabetic"),
    "isspace": _char_predicate("is_whitespace"),
    "isupper": _char_predicate("is_uppercase"),
    "islower": _char_predicate("is_lowercase"),
    "isalnum": _char_predicate("is_alphanumeric"),
}

LIST_METHODS: dict[str, Rule] = {
    "append": _append,
    "extend": _extend,
    "pop": _pop,
    "insert": _insert,
    "reverse": _reverse,
    "sort": _sort,
    "index": _list_index,
    "count": _list_count,
}

DICT_METHODS: dict[str, Rule] = {
    "get": _dict_get,
    "keys": _dict_view("keys", 0),
    "values": _dict_view("values", 1),
    "items": _dict_view("items", None),
    "pop": _dict_pop,
}

METHODS: dict[str, dict[str, Rule]] = {"str": STR_METHODS, "list": LIST_METHODS, "dict": DICT_METHODS}


def lower_method(lw: "FunctionLowerer", recv: Val, name: str, args: list[Val]) -> Val:
    table = METHODS.get(recv.ty.kind, {})
    rule = table.get(name)
    if rule is None:
        raise Unsupported("PTL134", f"method `{recv.ty.kind}.{name}()` is not supported yet")
    return rule(lw, recv, args)


__all__ = ["METHODS", "lower_method", "Mode", "owned"]
