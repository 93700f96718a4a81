"""Methods of builtin types: a table keyed by (receiver kind, method name).

A rule receives the lowering context, the receiver, the positional and the keyword arguments.
Where Python's semantics differ from the closest Rust method (characters vs bytes, isupper on
mixed strings, title case...), the rule calls a runtime helper of pyrt.rs instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from portalis.lower.builtins import collect_vec, reverse_flag, sort_call
from portalis.lower.bytes_ops import BYTES_METHODS, str_encode
from portalis.lower.context import Mode, Unsupported, Val
from portalis.lower.values import borrow, coerce, helper_call as _helper, owned, owned_as, read, str_view
from portalis.lower.stdlib_re import lower_match_method, lower_pattern_method
from portalis.model import PyType
from portalis.rust import ir
from portalis.types import pytypes as T
from portalis.types.pytypes import is_copy, unify

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

Rule = Callable[["FunctionLowerer", Val, list[Val], dict[str, Val]], Val]


def _arity(name: str, args: list[Val], *counts: int) -> None:
    if len(args) not in counts:
        raise Unsupported("PTL134", f".{name}() with {len(args)} argument(s) is not supported yet")


def _no_kwargs(name: str, kwargs: dict[str, Val], allowed: tuple[str, ...] = ()) -> None:
    bad = [k for k in kwargs if k not in allowed]
    if bad:
        raise Unsupported("PTL134", f"keyword argument `{bad[0]}` to .{name}() is not supported yet")


def _str_arg(name: str, v: Val) -> ir.Expr:
    if v.ty.kind != "str":
        raise Unsupported("PTL113", f".{name}() with a {v.ty} argument")
    return str_view(v)


# ---------------------------------------------------------------- str


def _str_to_string(method: str) -> Rule:
    """str methods returning a new str from a Rust &str method returning String."""

    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(method, args, 0)
        return Val(ir.MethodCall(recv.expr, method), T.STR)

    return rule


def _str_helper(helper: str, arity: int = 0) -> Rule:
    """str methods computed by a pyrt helper taking the receiver (and str arguments)."""

    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(helper, args, arity)
        ty = T.BOOL if helper.startswith("str_is") else T.STR
        return _helper(lw, helper, (str_view(recv), *(_str_arg(helper, a) for a in args)), ty)

    return rule


def _trim(rust: str) -> Rule:
    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity("strip", args, 0, 1)
        if args and args[0].ty.kind != "none":
            chars = _str_arg("strip", args[0])
            c = lw.temp("c")
            test = ir.MethodCall(chars, "contains", (ir.Path(c),))
            trimmed = ir.MethodCall(recv.expr, f"{rust}_matches", (ir.Closure((ir.PBind(c),), test),))
            return Val(trimmed, T.STR, Mode.REF)
        # A view into the receiver: owned only where it is stored (values.py decides).
        return Val(ir.MethodCall(recv.expr, rust), T.STR, Mode.REF)

    return rule


def _affix(rust: str) -> Rule:
    """startswith/endswith, with one prefix or a tuple of them."""

    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(rust, args, 1, 2, 3)
        if len(args) > 1:
            # `s.startswith(p, start[, end])`: the test on `s[start:end]`, one prefix
            if args[0].ty.kind != "str":
                raise Unsupported("PTL134", f".{rust}() of {args[0].ty} with start/end is not supported yet")
            end: ir.Expr = read(coerce(args[2], T.INT)) if len(args) == 3 else ir.Path("i64::MAX")
            flag = ir.BoolLit(rust == "ends_with")
            return _helper(lw, "str_affix_in", (str_view(recv), _str_arg(rust, args[0]), read(coerce(args[1], T.INT)), end, flag), T.BOOL)
        (arg,) = args
        if arg.ty.kind == "tuple" and all(a.kind == "str" for a in arg.ty.args) and isinstance(arg.expr, ir.TupleExpr):
            tests = [ir.MethodCall(recv.expr, rust, (_plain_str(e),)) for e in arg.expr.items]
            out = tests[0]
            for t in tests[1:]:
                out = ir.Binary("||", out, t)
            return Val(out, T.BOOL)
        return Val(ir.MethodCall(recv.expr, rust, (_str_arg(rust, arg),)), T.BOOL)

    return rule


def _plain_str(e: ir.Expr) -> ir.Expr:
    if isinstance(e, ir.MethodCall) and e.method == "to_string" and isinstance(e.receiver, ir.StrLit):
        return e.receiver
    return ir.MethodCall(e, "as_str")


def _split(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("split", args, 0, 1, 2)
    _no_kwargs("split", kwargs, ("sep", "maxsplit"))
    sep = args[0] if args else kwargs.get("sep")
    maxsplit = args[1] if len(args) == 2 else kwargs.get("maxsplit")
    p = lw.temp("p")
    to_string = ir.Closure((ir.PBind(p),), ir.MethodCall(ir.Path(p), "to_string"))
    if sep is not None and sep.ty.kind == "optional" and sep.ty.args[0].kind == "str" and maxsplit is None:
        # a separator that may be None (a `sep=None` parameter passed on): decided at run time
        return _helper(lw, "str_split_opt", (str_view(recv), ir.MethodCall(sep.expr, "as_deref")), T.list_of(T.STR))
    if sep is None or sep.ty.kind == "none":
        if maxsplit is not None:
            return _helper(lw, "split_whitespace_n", (str_view(recv), read(coerce(maxsplit, T.INT))), T.list_of(T.STR))
        lw.use_runtime("split_ws")
        parts = ir.Call(ir.Path("crate::pyrt::split_ws"), (str_view(recv),))
    else:
        if isinstance(sep.expr, ir.StrLit) and sep.expr.value == "":
            raise Unsupported("PTL134", "split with an empty separator raises ValueError")
        if maxsplit is not None:
            n = ir.Binary("+", ir.Cast(read(coerce(maxsplit, T.INT)), ir.USIZE), ir.IntLit(1))
            if isinstance(maxsplit.expr, ir.IntLit) and maxsplit.expr.value >= 0:
                n = ir.IntLit(maxsplit.expr.value + 1)
            parts = ir.MethodCall(recv.expr, "splitn", (n, _str_arg("split", sep)))
        else:
            parts = ir.MethodCall(recv.expr, "split", (_str_arg("split", sep),))
    mapped = ir.MethodCall(parts, "map", (to_string,))
    return Val(ir.MethodCall(mapped, "collect", turbofish=(ir.TPath("Vec", (ir.STRING,)),)), T.list_of(T.STR))


def _rsplit(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("rsplit", args, 0, 1, 2)
    if len(args) < 2 and "maxsplit" not in kwargs:
        return _split(lw, recv, args, kwargs)
    _no_kwargs("rsplit", kwargs, ("sep", "maxsplit"))
    sep = args[0] if args else kwargs.get("sep")
    maxsplit = args[1] if len(args) == 2 else kwargs["maxsplit"]
    if sep is None or sep.ty.kind == "none" or not isinstance(maxsplit.expr, ir.IntLit) or maxsplit.expr.value < 0:
        raise Unsupported("PTL134", "rsplit with maxsplit is supported with a separator and a literal count")
    # rsplitn gives the pieces from the right: collected, then put back in order.
    p, parts = lw.temp("p"), lw.temp("parts")
    pieces = ir.MethodCall(recv.expr, "rsplitn", (ir.IntLit(maxsplit.expr.value + 1), _str_arg("rsplit", sep)))
    mapped = ir.MethodCall(pieces, "map", (ir.Closure((ir.PBind(p),), ir.MethodCall(ir.Path(p), "to_string")),))
    stmts = (
        ir.Let(ir.PBind(parts, True), ir.TPath("Vec", (ir.STRING,)), ir.MethodCall(mapped, "collect")),
        ir.ExprStmt(ir.MethodCall(ir.Path(parts), "reverse")),
    )
    return Val(ir.BlockExpr(ir.Block(stmts, ir.Path(parts))), T.list_of(T.STR))


def _splitlines(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("splitlines", args, 0)
    p = lw.temp("p")
    mapped = ir.MethodCall(ir.MethodCall(recv.expr, "lines"), "map", (ir.Closure((ir.PBind(p),), ir.MethodCall(ir.Path(p), "to_string")),))
    return Val(ir.MethodCall(mapped, "collect", turbofish=(ir.TPath("Vec", (ir.STRING,)),)), T.list_of(T.STR))


def _join(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("join", args, 1)
    (items,) = args
    sep = recv.expr if isinstance(recv.expr, ir.StrLit) else _plain_str(recv.expr)
    if items.view is not None and items.ty.kind == "list" and isinstance(sep, ir.StrLit) and sep.value == "":
        # `"".join(sorted(s))`: the sorted characters made into the String at once (no Vec).
        if isinstance(items.view, ir.Call) and isinstance(items.view.func, ir.Path) and items.view.func.name == "crate::pyrt::sorted_chars":
            lw.use_runtime("sorted_str")
            return Val(ir.Call(ir.Path("crate::pyrt::sorted_str"), items.view.args), T.STR)
        return Val(ir.MethodCall(ir.MethodCall(items.view, "into_iter"), "collect", turbofish=(ir.STRING,)), T.STR)
    if items.ty.kind == "list" and items.ty.args[0].kind == "str":
        return Val(ir.MethodCall(items.expr, "join", (str_view(recv),)), T.STR)
    if items.ty.kind == "list" and items.ty.args[0].kind == "unknown":
        items = lw.refine(items, T.list_of(T.STR))
        return Val(ir.MethodCall(items.expr, "join", (str_view(recv),)), T.STR)
    expr, elem = collect_vec(lw, items)
    if elem.kind != "str":
        raise Unsupported("PTL113", f"str.join of {elem} items (Python raises TypeError)")
    return Val(ir.MethodCall(expr, "join", (str_view(recv),)), T.STR)


def _replace(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("replace", args, 2, 3)
    old, new = _str_arg("replace", args[0]), _str_arg("replace", args[1])
    if len(args) == 3:
        count = args[2]
        if isinstance(count.expr, ir.IntLit) and count.expr.value >= 0:
            return Val(ir.MethodCall(recv.expr, "replacen", (old, new, ir.IntLit(count.expr.value))), T.STR)
        raise Unsupported("PTL134", "replace with a computed count is not supported yet")
    if isinstance(args[0].expr, ir.StrLit) and args[0].expr.value == "":
        return _helper(lw, "str_replace_empty", (str_view(recv), new), T.STR)
    return Val(ir.MethodCall(recv.expr, "replace", (old, new)), T.STR)


def _find(name: str) -> Rule:
    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(name, args, 1, 2, 3)
        if len(args) == 3:
            # `s.find(sub, start, end)`: within `s[start:end]`
            helper = "str_index_in" if name in ("index", "rindex") else "str_find_in"
            bounds = (read(coerce(args[1], T.INT)), read(coerce(args[2], T.INT)))
            call = (str_view(recv), _str_arg(name, args[0]), *bounds, ir.BoolLit(name.startswith("r")))
        else:
            helper = {"find": "str_find", "rfind": "str_rfind", "index": "str_index_of", "rindex": "str_rindex_of"}[name]
            start: ir.Expr = ir.IntLit(0)
            if len(args) == 2:
                start = read(coerce(args[1], T.INT))
            call = (str_view(recv), _str_arg(name, args[0]), start)
        if name in ("index", "rindex"):
            # a ValueError an enclosing `except ValueError:` catches (getopt's `do_longs`: the
            # handler was dropped as dead code and the missing `=` panicked)
            return Val(lw.checked(helper, call), T.INT, Mode.OWNED)
        return _helper(lw, helper, call, T.INT)

    return rule


def _str_count(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("count", args, 1)
    if isinstance(args[0].expr, ir.StrLit) and args[0].expr.value == "":
        return Val(ir.Binary("+", ir.Cast(ir.MethodCall(ir.MethodCall(recv.expr, "chars"), "count"), ir.I64), ir.IntLit(1)), T.INT)
    return Val(ir.Cast(ir.MethodCall(ir.MethodCall(recv.expr, "matches", (_str_arg("count", args[0]),)), "count"), ir.I64), T.INT)


def _partition(lw: "FunctionLowerer", recv: Val, args: list[Val], helper: str) -> Val:
    """`s.partition(sep)`: (before, sep, after), or (s, "", "") when sep is absent."""
    _arity("partition", args, 1)
    return _helper(lw, helper, (str_view(recv), _str_arg("partition", args[0])), T.tuple_of(T.STR, T.STR, T.STR))


def _char_predicate(rust: str) -> Rule:
    """isdigit/isalpha/...: true when non-empty and every character satisfies the predicate."""

    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(rust, args, 0)
        non_empty = ir.Unary("!", ir.MethodCall(recv.expr, "is_empty"))
        c = lw.temp("c")
        # A closure, not the path `char::{rust}`: some predicates take `self`, others `&self`.
        test = ir.Closure((ir.PBind(c),), ir.MethodCall(ir.Path(c), rust))
        all_ = ir.MethodCall(ir.MethodCall(recv.expr, "chars"), "all", (test,))
        return Val(ir.Binary("&&", non_empty, all_), T.BOOL)

    return rule


def _pad(helper: str) -> Rule:
    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(helper, args, 1, 2)
        fill: ir.Expr = ir.StrLit(" ")
        if len(args) == 2:
            fill = _str_arg(helper, args[1])
        return _helper(lw, f"str_{helper}", (str_view(recv), read(coerce(args[0], T.INT)), fill), T.STR)

    return rule


def _zfill(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("zfill", args, 1)
    return _helper(lw, "str_zfill", (str_view(recv), read(coerce(args[0], T.INT))), T.STR)


def _format(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`"{} and {name}".format(a, name=b)` with a literal template: an f-string in disguise."""
    if not isinstance(recv.expr, ir.StrLit):
        raise Unsupported("PTL134", "str.format on a computed template is not supported yet")
    import re

    from portalis.lower.expr import fmt_arg

    out: list[str] = []
    vals: list[ir.Expr] = []
    auto = 0
    pos = 0
    text = recv.expr.value
    for m in re.finditer(r"\{\{|\}\}|\{([^{}!:]*)(?:!([^{}:]?))?(?::([^{}]*))?\}|[{}]", text):
        out.append(text[pos : m.start()].replace("{", "{{").replace("}", "}}"))
        pos = m.end()
        if m.group(0) in ("{{", "}}"):
            out.append(m.group(0))
            continue
        if m.group(0) in ("{", "}"):
            # a lone brace (ValueError in Python) or a nested field `{:{width}}`
            raise Unsupported("PTL134", "str.format with a nested field or a single brace is not supported")
        field, conversion, spec = m.group(1), m.group(2), m.group(3)
        if field and not field.isdigit() and not field.isidentifier():
            raise Unsupported("PTL134", f"str.format field `{field}` (an attribute or an index) is not supported yet")
        if field and not field.isdigit():
            if field not in kwargs:
                raise Unsupported("PTL134", f"str.format without a value for `{field}` (KeyError)")
            v = kwargs[field]
        else:
            if field and auto:
                raise Unsupported("PTL134", "str.format mixes automatic and manual field numbering (ValueError)")
            index = int(field) if field else auto
            if not field:
                auto += 1
            if index >= len(args):
                raise Unsupported("PTL134", "str.format with a missing argument (IndexError)")
            v = args[index]
        if conversion is not None:
            if conversion == "r":
                v = Val(lw.checked_repr(v), T.STR)
            elif conversion == "s":
                v = Val(fmt_arg(lw.to_str(v)), T.STR) if v.ty.kind != "str" else v
            elif conversion == "a":
                from portalis.lower.builtins import ascii_of

                v = Val(ascii_of(lw, v), T.STR)
            else:
                raise Unsupported("PTL134", f"str.format conversion !{conversion} is not supported yet")
        if spec:
            piece, arg = lw.format_spec(spec, v, None)
            out.append(piece)
            vals.append(arg)
        else:
            out.append("{}")
            vals.append(read(v) if v.ty.kind in ("str", "int") else fmt_arg(lw.to_str(v)))
    out.append(text[pos:].replace("{", "{{").replace("}", "}}"))
    from portalis.lower.expr import format_val

    return format_val("".join(out), vals)


# ---------------------------------------------------------------- list


def _elem(lw: "FunctionLowerer", recv: Val, v: Val) -> tuple[Val, PyType]:
    """The list's element type, learning it from the value when the list is `[]` so far."""
    elem = recv.ty.args[0]
    if not T.is_known(elem):
        recv = lw.refine(recv, T.list_of(v.ty) if recv.ty.kind == "list" else T.set_of(v.ty))
        elem = recv.ty.args[0]
    else:
        wider = unify(elem, v.ty)
        if wider is not None and wider != elem:
            try:
                coerce(v, elem)
            except Unsupported:
                recv = lw.refine(recv, PyType(kind=recv.ty.kind, args=(wider,)))
                elem = wider
    return recv, elem


def _append(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("append", args, 1)
    recv, elem = _elem(lw, recv, args[0])
    return Val(ir.MethodCall(lw.mutable(recv), "push", (owned_as(args[0], elem),)), T.NONE)


def _extend(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("extend", args, 1)
    item_t = lw.iter_elem_type(args[0])
    recv, elem = _elem(lw, recv, Val(ir.Path("_"), item_t))
    if args[0].ty.kind == "list" and args[0].ty.args[0] == elem and args[0].mode is not Mode.OWNED:
        return Val(ir.MethodCall(lw.mutable(recv), "extend_from_slice", (borrow(args[0]),)), T.NONE)
    items = lw.iterate_owned_expr(args[0], elem)
    if isinstance(items, ir.MethodCall) and items.method == "into_iter" and not items.args:
        items = items.receiver  # extend takes anything iterable
    return Val(ir.MethodCall(lw.mutable(recv), "extend", (items,)), T.NONE)


def _pop(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("pop", args, 0, 1)
    if not args:
        return Val(lw.expect_some(ir.MethodCall(lw.mutable(recv), "pop"), "IndexError", "pop from empty list"), recv.ty.args[0])
    return _helper(lw, "list_pop_at", (_mut_arg(lw, recv), read(coerce(args[0], T.INT))), recv.ty.args[0])


def _is_mut_ref(lw: "FunctionLowerer", recv: Val) -> bool:
    if isinstance(recv.expr, ir.Path):
        return any(loc.name == recv.expr.name and loc.mutable_ref for loc in lw.locals.values())
    return False


def _mut_arg(lw: "FunctionLowerer", recv: Val) -> ir.Expr:
    """The receiver as a `&mut` argument of a helper."""
    if _is_mut_ref(lw, recv):
        return recv.expr
    return ir.Ref(lw.mutable(recv), mutable=True)


def _insert(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("insert", args, 2)
    recv, elem = _elem(lw, recv, args[1])
    lw.use_runtime("insert_index")
    at = ir.Call(ir.Path("crate::pyrt::insert_index"), (read(coerce(args[0], T.INT)), ir.MethodCall(recv.expr, "len")))
    value = owned_as(args[1], elem)
    return Val(ir.BlockExpr(ir.Block((ir.Let(ir.PBind("__at"), None, at),), ir.MethodCall(lw.mutable(recv), "insert", (ir.Path("__at"), value)))), T.NONE)


def _list_remove(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("remove", args, 1)
    elem = recv.ty.args[0]
    x = lw.temp("x")
    test = ir.Binary("==", ir.Unary("*", ir.Path(x)) if is_copy(elem) else ir.Path(x), _probe(lw, args[0], elem))
    pos = ir.MethodCall(ir.MethodCall(recv.expr, "iter"), "position", (ir.Closure((ir.PBind(x),), test),))
    found = lw.expect_some(pos, "ValueError", "list.remove(x): x not in list")
    remove = ir.ExprStmt(ir.MethodCall(lw.mutable(recv), "remove", (ir.Path("__at"),)))
    return Val(ir.BlockExpr(ir.Block((ir.Let(ir.PBind("__at"), None, found), remove))), T.NONE)


def _probe(lw: "FunctionLowerer", v: Val, elem: PyType) -> ir.Expr:
    """A value to compare with `&T` items of a list (`*x == probe` for Copy items)."""
    v = coerce(v, elem)
    if elem.kind == "str":
        return str_view(v)  # `&String == &str` compares the text
    if is_copy(elem):
        return read(v)
    return borrow(v)


def _reverse(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("reverse", args, 0)
    return Val(ir.MethodCall(lw.mutable(recv), "reverse"), T.NONE)


def _sort(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("sort", args, 0)
    _no_kwargs("sort", kwargs, ("key", "reverse"))
    reverse = reverse_flag(lw, kwargs)
    elem = recv.ty.args[0]
    return Val(sort_call(lw, lw.mutable(recv), elem, kwargs.get("key"), reverse), T.NONE)


def _list_index(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("index", args, 1)
    elem = recv.ty.args[0]
    x = lw.temp("x")
    item = ir.Unary("*", ir.Path(x)) if is_copy(elem) else ir.Path(x)
    test = ir.Binary("==", item, _probe(lw, args[0], elem))
    pos = ir.MethodCall(ir.MethodCall(recv.expr, "iter"), "position", (ir.Closure((ir.PBind(x),), test),))
    got = lw.expect_some(pos, "ValueError", "value is not in list")
    return Val(ir.Cast(got, ir.I64), T.INT)


def _list_count(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("count", args, 1)
    elem = recv.ty.args[0]
    x = lw.temp("x")
    item = ir.Unary("**", ir.Path(x)) if is_copy(elem) else ir.Unary("*", ir.Path(x))
    test = ir.Binary("==", item, _probe(lw, args[0], elem))
    filt = ir.MethodCall(ir.MethodCall(recv.expr, "iter"), "filter", (ir.Closure((ir.PBind(x),), test),))
    return Val(ir.Cast(ir.MethodCall(filt, "count"), ir.I64), T.INT)


def _copy(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("copy", args, 0)
    return Val(owned(recv) if recv.mode is not Mode.OWNED else recv.expr, recv.ty)


def _clear(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("clear", args, 0)
    return Val(ir.MethodCall(lw.mutable(recv), "clear"), T.NONE)


# ---------------------------------------------------------------- dict


def _dict_types(lw: "FunctionLowerer", recv: Val) -> tuple[PyType, PyType]:
    if not T.is_known(recv.ty):
        raise Unsupported("PTL112", "a dict whose key and value types are not known yet")
    return recv.ty.args[0], recv.ty.args[1]


def _dict_get(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("get", args, 1, 2)
    if not T.is_known(recv.ty) and len(args) == 2 and args[1].ty.kind not in ("none", "unknown"):
        # `counts.get(k, 0)` on a dict still `{}`: its keys are k's type, its values the default's.
        k, v = recv.ty.args
        recv = lw.refine(recv, T.dict_of(k if T.is_known(k) else args[0].ty, v if T.is_known(v) else args[1].ty))
    key_t, val_t = _dict_types(lw, recv)
    key = args[0]
    if key.ty.kind == "optional" and key_t.kind != "optional" and unify(key.ty.args[0], key_t) == key_t:
        # `d.get(k)` with k Optional (`ttype = ttype.parent` walking up to the root's None):
        # None is no key of the dict, so no value
        k = lw.temp("k")
        inner = ir.MethodCall(recv.expr, "get", (lw.key_ref(Val(ir.Path(k), key.ty.args[0], Mode.REF), key_t),))
        got: ir.Expr = ir.MethodCall(ir.MethodCall(key.expr, "as_ref"), "and_then", (ir.Closure((ir.PBind(k),), inner),))
    else:
        got = ir.MethodCall(recv.expr, "get", (lw.key_ref(key, key_t),))
    if val_t.kind == "dyn":
        # a dict of values of any type: a missing key gives the default as one (PyObj::None
        # without one, the PyObj's Default), not an Optional
        if len(args) == 1 or args[1].ty.kind == "none":
            return Val(ir.MethodCall(ir.MethodCall(got, "cloned"), "unwrap_or_default"), val_t)
        fallback = owned_as(args[1], val_t)
        return Val(ir.MethodCall(ir.MethodCall(got, "cloned"), "unwrap_or_else", (ir.Closure((), fallback),)), val_t)
    if len(args) == 1:
        return Val(ir.MethodCall(got, "cloned"), T.optional(val_t))
    default = args[1]
    if default.ty.kind == "none":
        return Val(ir.MethodCall(got, "cloned"), T.optional(val_t))
    ty = unify(val_t, default.ty) or val_t
    if ty != val_t:
        raise Unsupported("PTL113", f"dict.get default of type {default.ty} for {val_t} values")
    fallback = owned_as(default, val_t)
    if _is_default_value(fallback):
        method = "copied" if is_copy(val_t) else "cloned"
        return Val(ir.MethodCall(ir.MethodCall(got, method), "unwrap_or_default"), val_t)
    if is_copy(val_t):
        return Val(ir.MethodCall(ir.MethodCall(got, "copied"), "unwrap_or", (fallback,)), val_t)
    return Val(ir.MethodCall(ir.MethodCall(got, "cloned"), "unwrap_or_else", (ir.Closure((), fallback),)), val_t)


def _is_default_value(e: ir.Expr) -> bool:
    """`Vec::new()`, `String::new()`, `0`, `""`: the type's Default (`unwrap_or_default`)."""
    if isinstance(e, ir.Call) and isinstance(e.func, ir.Path) and not e.args:
        return e.func.name in ("Vec::new", "String::new", "crate::pyrt::PyDict::new", "std::collections::HashSet::new", "Default::default")
    if isinstance(e, ir.IntLit):
        return e.value == 0
    if isinstance(e, ir.MethodCall) and e.method == "to_string" and isinstance(e.receiver, ir.StrLit):
        return e.receiver.value == ""
    return False


def _dict_view(method: str, ty_index: int | None) -> Rule:
    """keys()/values()/items(): a list copy (Python views are live, but the common use is to
    iterate; `for` loops over them iterate the dict directly)."""

    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(method, args, 0)
        key_t, val_t = _dict_types(lw, recv)
        it = ir.MethodCall(recv.expr, method)
        if ty_index is None:
            k, v = lw.temp("k"), lw.temp("v")
            pair = ir.Closure((ir.PTuple((ir.PBind(k), ir.PBind(v))),), ir.TupleExpr((owned(Val(ir.Path(k), key_t, Mode.REF)), owned(Val(ir.Path(v), val_t, Mode.REF)))))
            elem = T.tuple_of(key_t, val_t)
            mapped = ir.MethodCall(it, "map", (pair,))
        else:
            elem = recv.ty.args[ty_index]
            mapped = ir.MethodCall(it, "cloned")
        return Val(ir.MethodCall(mapped, "collect", turbofish=(ir.TPath("Vec", (lw.rust_type(elem),)),)), T.list_of(elem))

    return rule


def _dict_pop(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("pop", args, 1, 2)
    key_t, val_t = _dict_types(lw, recv)
    removed = ir.MethodCall(lw.mutable(recv), "remove", (lw.key_ref(args[0], key_t),))
    if len(args) == 2:
        return Val(ir.MethodCall(removed, "unwrap_or", (owned_as(args[1], val_t),)), val_t)
    return Val(lw.expect_some(removed, "KeyError"), val_t)


def _popitem(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`d.popitem()`: the last inserted pair (LIFO, as Python); KeyError when empty."""
    _arity("popitem", args, 0)
    key_t, val_t = _dict_types(lw, recv)
    return Val(lw.expect_some(ir.MethodCall(lw.mutable(recv), "popitem"), "KeyError"), T.tuple_of(key_t, val_t))


def _setdefault(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("setdefault", args, 2)
    if not T.is_known(recv.ty):
        recv = lw.refine(recv, T.dict_of(args[0].ty, args[1].ty))
    key_t, val_t = _dict_types(lw, recv)
    call = ir.MethodCall(lw.mutable(recv), "setdefault", (owned_as(args[0], key_t), owned_as(args[1], val_t)))
    return Val(ir.Unary("*", call) if is_copy(val_t) else ir.MethodCall(call, "clone"), val_t)


def _update(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("update", args, 1)
    other = args[0]
    if recv.ty.name == "Counter":
        # Counter.update adds counts (of an iterable's items or of another Counter's values).
        lw.use_runtime("counter_update")
        kt = recv.ty.args[0]
        if other.ty.kind == "dict":
            k, v = lw.temp("k"), lw.temp("v")
            if other.ty.args[1].kind != "int":
                raise Unsupported("PTL134", f"Counter.update of {other.ty}")
            pair = ir.TupleExpr((owned_as(Val(ir.Path(k), other.ty.args[0], Mode.REF), kt), ir.Unary("*", ir.Path(v))))
            items = ir.MethodCall(ir.MethodCall(other.expr, "items"), "map", (ir.Closure((ir.PTuple((ir.PBind(k), ir.PBind(v))),), pair),))
        else:
            x = lw.temp("x")
            items = ir.MethodCall(lw.iterate_owned_expr(other, kt), "map", (ir.Closure((ir.PBind(x),), ir.TupleExpr((ir.Path(x), ir.IntLit(1)))),))
        return Val(ir.MethodCall(lw.mutable(recv), "counter_update", (items,), mutates=True), T.NONE)
    if other.ty.kind != "dict":
        raise Unsupported("PTL134", f"dict.update of {other.ty}")
    if not T.is_known(recv.ty):
        recv = lw.refine(recv, other.ty)
    k, v = lw.temp("k"), lw.temp("v")
    kt, vt = other.ty.args
    pair = ir.TupleExpr((owned(Val(ir.Path(k), kt, Mode.REF)), owned(Val(ir.Path(v), vt, Mode.REF))))
    pairs = ir.MethodCall(ir.MethodCall(other.expr, "items"), "map", (ir.Closure((ir.PTuple((ir.PBind(k), ir.PBind(v))),), pair),))
    collected = ir.MethodCall(pairs, "collect", turbofish=(ir.TPath("Vec", (ir.TPath("_"),)),))
    return Val(ir.MethodCall(lw.mutable(recv), "extend", (collected,)), T.NONE)


# ---------------------------------------------------------------- set


def _set_add(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("add", args, 1)
    recv, elem = _elem(lw, recv, args[0])
    return Val(ir.MethodCall(lw.mutable(recv), "insert", (owned_as(args[0], elem),)), T.NONE)


def _set_remove(strict: bool) -> Rule:
    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity("remove", args, 1)
        elem = recv.ty.args[0]
        removed = ir.MethodCall(lw.mutable(recv), "remove", (lw.key_ref(args[0], elem),))
        if strict:
            test = ir.IfExpr(ir.Unary("!", removed), ir.Block(tail=ir.Macro("panic", fmt="KeyError")))
            return Val(ir.BlockExpr(ir.Block((ir.ExprStmt(test),))), T.NONE)
        return Val(ir.BlockExpr(ir.Block((ir.ExprStmt(removed),))), T.NONE)

    return rule


def _set_op(method: str) -> Rule:
    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(method, args, 1)
        other = args[0]
        if other.ty.kind != "set":
            it = lw.owned_items(lw.iterate_val(other))
            other = Val(ir.MethodCall(it.expr, "collect", turbofish=(lw.rust_type(T.set_of(it.elem.ty), holes=True),)), T.set_of(it.elem.ty))
        ty = unify(recv.ty, other.ty)
        if ty is None:
            raise Unsupported("PTL113", f"set.{method} of {recv.ty} and {other.ty}")
        if method in ("issubset", "issuperset", "isdisjoint"):
            rust = {"issubset": "is_subset", "issuperset": "is_superset", "isdisjoint": "is_disjoint"}[method]
            return Val(ir.MethodCall(recv.expr, rust, (borrow(other),)), T.BOOL)
        it = ir.MethodCall(ir.MethodCall(recv.expr, method, (borrow(other),)), "cloned")
        return Val(ir.MethodCall(it, "collect", turbofish=(lw.rust_type(ty, holes=True),)), ty)

    return rule


def _expandtabs(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`s.expandtabs(tabsize=8)`."""
    _arity("expandtabs", args, 0, 1)
    _no_kwargs("expandtabs", kwargs, ("tabsize",))
    size = args[0] if args else kwargs.get("tabsize")
    width: ir.Expr = read(coerce(size, T.INT)) if size is not None else ir.IntLit(8)
    return _helper(lw, "str_expandtabs", (str_view(recv), width), T.STR)


STR_METHODS: dict[str, Rule] = {
    "lower": _str_to_string("to_lowercase"),
    "upper": _str_to_string("to_uppercase"),
    "casefold": _str_to_string("to_lowercase"),
    "strip": _trim("trim"),
    "lstrip": _trim("trim_start"),
    "rstrip": _trim("trim_end"),
    "startswith": _affix("starts_with"),
    "endswith": _affix("ends_with"),
    "split": _split,
    "rsplit": _rsplit,
    "splitlines": _splitlines,
    "join": _join,
    "replace": _replace,
    "find": _find("find"),
    "rfind": _find("rfind"),
    "index": _find("index"),
    "rindex": _find("rindex"),
    "count": _str_count,
    "partition": lambda lw, recv, args, kwargs: _partition(lw, recv, args, "str_partition"),
    "rpartition": lambda lw, recv, args, kwargs: _partition(lw, recv, args, "str_rpartition"),
    "isdigit": _char_predicate("is_ascii_digit"),
    "isdecimal": _char_predicate("is_ascii_digit"),
    "isnumeric": _char_predicate("is_numeric"),
    "isalpha": _char_predicate("is_alphabetic"),
    "isspace": _char_predicate("is_whitespace"),
    "isalnum": _char_predicate("is_alphanumeric"),
    "isupper": _str_helper("str_isupper"),
    "islower": _str_helper("str_islower"),
    "istitle": _str_helper("str_istitle"),
    "swapcase": _str_helper("str_swapcase"),
    "title": _str_helper("str_title"),
    "capitalize": _str_helper("str_capitalize"),
    "center": _pad("center"),
    "ljust": _pad("ljust"),
    "rjust": _pad("rjust"),
    "zfill": _zfill,
    "expandtabs": _expandtabs,
    "format": _format,
}

def _popleft(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """deque.popleft(): the first item (deques are lists here)."""
    _arity("popleft", args, 0)
    return _helper(lw, "list_pop_at", (_mut_arg(lw, recv), ir.IntLit(0)), recv.ty.args[0])


def _appendleft(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("appendleft", args, 1)
    recv, elem = _elem(lw, recv, args[0])
    return Val(ir.MethodCall(lw.mutable(recv), "insert", (ir.IntLit(0), owned_as(args[0], elem))), T.NONE)


LIST_METHODS: dict[str, Rule] = {
    "popleft": _popleft,
    "appendleft": _appendleft,
    "append": _append,
    "extend": _extend,
    "pop": _pop,
    "insert": _insert,
    "remove": _list_remove,
    "reverse": _reverse,
    "sort": _sort,
    "index": _list_index,
    "count": _list_count,
    "copy": _copy,
    "clear": _clear,
}

def _most_common(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`Counter.most_common(n)`: (item, count) pairs, highest count first, ties in first-seen
    order (Python sorts stably by count)."""
    _arity("most_common", args, 0, 1)
    if recv.ty.name != "Counter":
        raise Unsupported("PTL134", "most_common() of a dict that is not a Counter")
    key_t = recv.ty.args[0]
    lw.use_runtime("counter_most_common")
    n: ir.Expr = ir.Path("None") if not args else ir.Call(ir.Path("Some"), (read(coerce(args[0], T.INT)),))
    return Val(ir.Call(ir.Path("crate::pyrt::counter_most_common"), (borrow(recv), n)), T.list_of(T.tuple_of(key_t, T.INT)))


DICT_METHODS: dict[str, Rule] = {
    "most_common": _most_common,
    "get": _dict_get,
    "keys": _dict_view("keys", 0),
    "values": _dict_view("values", 1),
    "items": _dict_view("items", None),
    "pop": _dict_pop,
    "popitem": _popitem,
    "setdefault": _setdefault,
    "update": _update,
    "copy": _copy,
    "clear": _clear,
}

SET_METHODS: dict[str, Rule] = {
    "add": _set_add,
    "remove": _set_remove(True),
    "discard": _set_remove(False),
    "union": _set_op("union"),
    "intersection": _set_op("intersection"),
    "difference": _set_op("difference"),
    "symmetric_difference": _set_op("symmetric_difference"),
    "issubset": _set_op("issubset"),
    "issuperset": _set_op("issuperset"),
    "isdisjoint": _set_op("isdisjoint"),
    "copy": _copy,
    "clear": _clear,
}

METHODS: dict[str, dict[str, Rule]] = {"str": STR_METHODS, "list": LIST_METHODS, "dict": DICT_METHODS, "set": SET_METHODS}


def method_receiver_kinds(name: str) -> list[str]:
    """The receiver kinds that have a method of this name (inference of untyped receivers)."""
    return [kind for kind, table in METHODS.items() if name in table]


def lower_method(lw: "FunctionLowerer", recv: Val, name: str, args: list[Val], kwargs: dict[str, Val] | None = None) -> Val:
    if recv.ty.kind == "path":
        from portalis.lower.paths import method as path_method

        return path_method(lw, recv, name, args, kwargs or {})
    if recv.ty.kind == "re_pattern":
        return lower_pattern_method(lw, recv, name, args, kwargs or {})
    if recv.ty.kind == "re_match":
        return lower_match_method(lw, recv, name, args, kwargs or {})
    if recv.ty.kind == "date":
        from portalis.lower.stdlib_datetime import lower_date_method

        return lower_date_method(lw, recv, name, args, kwargs or {})
    if recv.ty.kind == "timedelta":
        from portalis.lower.stdlib_datetime import lower_timedelta_method

        return lower_timedelta_method(lw, recv, name, args, kwargs or {})
    if recv.ty.kind == "time":
        from portalis.lower.stdlib_datetime import lower_time_method

        return lower_time_method(lw, recv, name, args, kwargs or {})
    if recv.ty.kind == "decimal":
        from portalis.lower.stdlib_decimal import method as decimal_method

        return decimal_method(lw, recv, name, args, kwargs or {})
    if recv.ty.kind == "timezone":
        from portalis.lower.stdlib_datetime import lower_timezone_method

        return lower_timezone_method(lw, recv, name, args, kwargs or {})
    if recv.ty.kind == "datetime":
        from portalis.lower.stdlib_datetime import lower_datetime_method

        return lower_datetime_method(lw, recv, name, args, kwargs or {})
    if recv.ty.kind == "str" and name == "encode":
        return str_encode(lw, recv, args, kwargs or {})
    # bytes' table is not in METHODS: an untyped receiver's `.split()` still means a str
    table = BYTES_METHODS if recv.ty.kind == "bytes" else METHODS.get(recv.ty.kind, {})
    rule = table.get(name)
    if rule is None:
        raise Unsupported("PTL134", f"method `{recv.ty.kind}.{name}()` is not supported yet")
    if kwargs and name not in ("split", "sort", "format") and not (recv.ty.kind == "bytes" and name == "decode"):
        raise Unsupported("PTL134", f"keyword arguments to .{name}() are not supported yet")
    return rule(lw, recv, args, kwargs or {})


__all__ = ["METHODS", "lower_method", "method_receiver_kinds", "Mode", "owned"]
