"""Builtin functions and standard-library module members: declarative tables from a name to a
lowering rule (which gives the result type).

A rule receives the lowering context, the already-lowered positional arguments and the keyword
arguments. Function arguments (`key=lambda x: ...`, `map(int, xs)`) arrive as values carrying a
`FuncValue`, which a rule applies to the element it is working on. Iterable arguments go
through the lowerer's iteration protocol, so every builtin that takes an iterable accepts lists,
strings, sets, dict keys, ranges and the iterators that enumerate/zip/map/filter return.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from portalis.analysis.rules import UCD_3_2, UCD_STR_FUNCTIONS
from portalis.lower.context import Elem, FuncValue, Iteration, Mode, Unsupported, Val
from portalis.lower.values import borrow, coerce, owned, owned_as, read, str_view, to_float
from portalis.lower.stdlib_re import FLAGS as RE_FLAGS, RE_RULES, lower_re
from portalis.lower.bytes_ops import BASE64_MEMBERS, BINASCII_MEMBERS, bytes_constructor, lower_base64
from portalis.model import PyType
from portalis.rust import ir
from portalis.types import pytypes as T
from portalis.types.pytypes import is_copy, unify

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

Rule = Callable[["FunctionLowerer", list[Val], dict[str, Val]], Val]
ORDERING_EQUAL = ir.Path("std::cmp::Ordering::Equal")


def iter_of(t: PyType) -> PyType:
    """The type of a Rust iterator value yielding owned items of type t."""
    return PyType(kind="iter", args=(t,))


def _generators():
    """portalis.lower.generators (it imports this module: imported when first used)."""
    from portalis.lower import generators

    return generators


def _arity(name: str, args: list[Val], *counts: int) -> None:
    if len(args) not in counts:
        raise Unsupported("PTL133", f"{name}() with {len(args)} argument(s) is not supported")


def _no_kwargs(name: str, kwargs: dict[str, Val], allowed: tuple[str, ...] = ()) -> None:
    bad = [k for k in kwargs if k not in allowed]
    if bad:
        raise Unsupported("PTL133", f"keyword argument `{bad[0]}` to {name}() is not supported yet")


def _func(name: str, v: Val) -> Val:
    if v.func is None:
        raise Unsupported("PTL133", f"{name}() needs a function argument")
    return v


def _flag(kwargs: dict[str, Val], name: str) -> bool:
    """A keyword flag that must be a literal (reverse=True)."""
    v = kwargs.get(name)
    if v is None:
        return False
    if isinstance(v.expr, ir.BoolLit):
        return v.expr.value
    raise Unsupported("PTL133", f"`{name}=` must be a literal True or False")


class Key:
    """A sort key expression, and whether it is already a reference."""

    def __init__(self, expr: ir.Expr, is_ref: bool) -> None:
        self.expr = expr
        self.is_ref = is_ref


def cmp_keys(a: Key, b: Key) -> ir.Expr:
    """Python's ordering of two values as a Rust Ordering (NaN compares equal, as sorted() lets it)."""
    other = b.expr if b.is_ref else ir.Ref(b.expr)
    return ir.MethodCall(ir.MethodCall(a.expr, "partial_cmp", (other,)), "unwrap_or", (ORDERING_EQUAL,))


def _key_expr(lw: "FunctionLowerer", key: Val | None, var: str, elem: Elem) -> Key:
    """The sort key of the element bound to `var` (the element itself without a key)."""
    item = Val(ir.Path(var), elem.ty, Mode.REF)
    if key is None:
        return Key(ir.Path(var), True)
    assert key.func is not None
    with lw.in_closure():
        k = key.func.apply(lw, [item])
    if is_copy(k.ty):
        return Key(k.expr, True) if k.mode is Mode.REF else Key(read(k), False)
    if k.mode is Mode.OWNED:
        return Key(k.expr, False)
    if k.mode is Mode.REF:
        return Key(k.expr, True)
    return Key(borrow(k), True)


def _items(lw: "FunctionLowerer", v: Val) -> Iteration:
    return lw.iterate_val(v)


def collect_vec(lw: "FunctionLowerer", v: Val) -> tuple[ir.Expr, PyType]:
    """An owned Vec of the items of an iterable value, and the item type."""
    if v.ty.kind == "list" and v.mode is Mode.OWNED:
        return v.expr, v.ty.args[0]
    if v.ty.kind == "list":
        return owned(v), v.ty.args[0]
    it = lw.owned_items(_items(lw, v))
    return ir.MethodCall(it.expr, "collect", turbofish=(ir.TPath("Vec", (lw.rust_type(it.elem.ty, holes=True),)),)), it.elem.ty


# ---------------------------------------------------------------- sizes and numbers


def _len(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("len", args, 1)
    (v,) = args
    if v.ty.kind == "class" and (fields := lw.namedtuple_fields(v.ty)) is not None:
        n = ir.IntLit(len(fields))  # a NamedTuple's length is its number of fields
        return Val(n if isinstance(v.expr, ir.Path) else ir.BlockExpr(ir.Block((ir.Let(ir.PBind("_"), None, v.expr),), n)), T.INT)
    if v.ty.kind == "class":
        items = lw.held(v, "__len__")
        if items is None:
            return lw.dunder(v, "__len__", "len")
        v = items  # a list subclass without a `__len__` of its own: its items'
    if v.ty.kind == "unknown":
        raise Unsupported("PTL112", "len() of a value of unknown type")
    if v.ty.kind == "path" or v.ty.kind == "optional" and v.ty.args[0].kind == "path":
        from portalis.lower.paths import length as path_length, unwrap

        if v.ty.kind == "optional":
            v = unwrap(lw, v, "TypeError", "object of type 'NoneType' has no len()")
        return path_length(lw, v)
    if v.ty.kind == "str" and v.view is not None:
        return Val(ir.Cast(ir.MethodCall(v.view, "len"), ir.I64), T.INT)
    if v.ty.kind == "str":
        count = ir.MethodCall(ir.MethodCall(v.expr, "chars"), "count")
        return Val(ir.Cast(count, ir.I64), T.INT)
    if v.ty.kind in ("list", "dict", "set", "bytes"):
        return Val(ir.Cast(ir.MethodCall(v.expr, "len"), ir.I64), T.INT)
    if v.ty.kind == "tuple":
        return Val(ir.IntLit(len(v.ty.args)), T.INT)
    if v.ty.kind == "iter":
        raise Unsupported("PTL113", "len() of an iterator")
    raise Unsupported("PTL113", f"len() of {v.ty}")


def _abs(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("abs", args, 1)
    (v,) = args
    if v.ty.kind == "unknown":
        lw.expect_local(v, T.INT)
        v = lw._reread(v)
    if v.ty.kind == "bool":
        v = coerce(v, T.INT)
    if v.ty.kind == "timedelta":
        from portalis.lower.stdlib_datetime import absolute

        return absolute(lw, v)
    if v.ty.kind == "decimal":
        from portalis.lower.stdlib_decimal import unary as decimal_unary

        return decimal_unary(lw, "abs", v)
    if v.ty.kind not in ("int", "float"):
        raise Unsupported("PTL113", f"abs() of {v.ty}")
    return Val(ir.MethodCall(lw.receiver(v), "abs"), v.ty)


def _minmax(name: str) -> Rule:
    def rule(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
        _no_kwargs(name, kwargs, ("key", "default"))
        key = _func(name, kwargs["key"]) if "key" in kwargs else None
        default = kwargs.get("default")
        if len(args) == 1:
            return _minmax_iter(lw, name, args[0], key, default)
        if len(args) < 2:
            raise Unsupported("PTL133", f"{name}() of {len(args)} argument(s)")
        kinds = {a.ty.kind for a in args}
        if key is None and kinds <= {"int", "float", "bool"}:
            if "float" in kinds:
                vals = [to_float(a) for a in args]
                ty = T.FLOAT
            else:
                vals = [coerce(a, T.INT) for a in args]
                ty = T.INT
            acc = lw.receiver(vals[0])
            for v in vals[1:]:
                acc = ir.MethodCall(acc, name, (read(v),))
            return Val(acc, ty)
        # max(a, b, c) of other types: the same as max over a list of them.
        elem = args[0].ty
        for a in args[1:]:
            u = unify(elem, a.ty)
            if u is None:
                raise Unsupported("PTL113", f"{name}() of {elem} and {a.ty}")
            elem = u
        arr = Val(ir.Macro("vec", tuple(owned_as(a, elem) for a in args), brackets="[]"), T.list_of(elem))
        return _minmax_iter(lw, name, arr, key, None)

    return rule


def _minmax_iter(lw: "FunctionLowerer", name: str, v: Val, key: Val | None, default: Val | None) -> Val:
    it = lw.owned_items(_items(lw, v))
    elem = it.elem.ty
    a, b = lw.temp("a"), lw.temp("b")
    ka = _key_expr(lw, key, a, Elem(elem, Mode.REF))
    kb = _key_expr(lw, key, b, Elem(elem, Mode.REF))
    if key is None and elem.kind in ("int", "bool", "str"):
        picked = ir.MethodCall(it.expr, name)
    else:
        # Python returns the first of equal extremes: min_by keeps the first minimum; the
        # maximum is the minimum of the reversed order.
        order = cmp_keys(ka, kb) if name == "min" else cmp_keys(kb, ka)
        picked = ir.MethodCall(it.expr, "min_by", (ir.Closure((ir.PBind(a), ir.PBind(b)), order),))
    if default is not None:
        return Val(ir.MethodCall(picked, "unwrap_or", (owned_as(default, elem),)), elem)
    return Val(lw.expect_some(picked, "ValueError", f"{name}() arg is an empty sequence"), elem)


def _sum(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _no_kwargs("sum", kwargs, ("start",))
    _arity("sum", args, 1, 2)
    start = args[1] if len(args) == 2 else kwargs.get("start")
    it = lw.owned_items(_items(lw, args[0]))
    elem = it.elem.ty
    if elem.kind == "bool":
        x = lw.temp("x")
        it = Iteration(ir.MethodCall(it.expr, "map", (ir.Closure((ir.PBind(x),), ir.Cast(ir.Path(x), ir.I64)),)), Elem(T.INT))
        elem = T.INT
    if elem.kind == "list" and start is not None and start.ty.kind == "list":
        x = lw.temp("x")
        flat = ir.MethodCall(ir.MethodCall(it.expr, "flatten"), "collect", turbofish=(lw.rust_type(elem, holes=True),))
        del x
        return Val(flat, elem)
    if elem.kind == "decimal" and (start is None or start.ty.kind in ("int", "bool", "decimal")):
        # left to right from the start (the int 0), each `+` in Decimal's context: InvalidOperation
        # or Overflow raised as Python's
        from portalis.lower.stdlib_decimal import to_decimal

        first = to_decimal(lw, start if start is not None else Val(ir.IntLit(0, "i64"), T.INT))
        lw.use_runtime("decimal_sum")
        return Val(lw.propagate(ir.Call(ir.Path("crate::pyrt::decimal_sum"), (it.expr, owned(first)))), elem)
    if elem.kind not in ("int", "float"):
        raise Unsupported("PTL113", f"sum() of {elem} items")
    ty = elem
    if start is not None and start.ty.kind == "float":
        ty = T.FLOAT
    if ty.kind == "float":
        acc, x = lw.temp("acc"), lw.temp("x")
        init = read(to_float(start)) if start is not None else ir.FloatLit(0.0)
        item = ir.Path(x) if elem.kind == "float" else ir.Cast(ir.Path(x), ir.F64)
        # Python adds left to right from the start value (0): fold, not f64's Sum (which
        # starts from -0.0).
        return Val(ir.MethodCall(it.expr, "fold", (init, ir.Closure((ir.PBind(acc), ir.PBind(x)), ir.Binary("+", ir.Path(acc), item)))), T.FLOAT)
    total = ir.MethodCall(it.expr, "sum", turbofish=(ir.I64,))
    if start is not None and not (isinstance(start.expr, ir.IntLit) and start.expr.value == 0):
        return Val(ir.Binary("+", read(coerce(start, T.INT)), total), T.INT)
    return Val(total, T.INT)


def _any_all(name: str) -> Rule:
    def rule(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(name, args, 1)
        _no_kwargs(name, kwargs)
        it = _items(lw, args[0])
        x = lw.temp("x")
        test = lw.truthy(Val(ir.Path(x), it.elem.ty, it.elem.mode if it.elem.items is None else Mode.OWNED))
        return Val(ir.MethodCall(it.expr, name, (ir.Closure((ir.PBind(x),), test),)), T.BOOL)

    return rule


def _round(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("round", args, 1, 2)
    _no_kwargs("round", kwargs, ("ndigits",))
    ndigits = args[1] if len(args) == 2 else kwargs.get("ndigits")
    v = args[0]
    if v.ty.kind in ("int", "bool"):
        if ndigits is None or (isinstance(ndigits.expr, ir.IntLit) and ndigits.expr.value >= 0):
            return coerce(v, T.INT)
        lw.use_runtime("round_int")
        return Val(ir.Call(ir.Path("crate::pyrt::round_int"), (read(coerce(v, T.INT)), read(coerce(ndigits, T.INT)))), T.INT)
    if v.ty.kind == "decimal":
        from portalis.lower.stdlib_decimal import rounded

        return rounded(lw, v, ndigits)
    if v.ty.kind != "float":
        raise Unsupported("PTL113", f"round() of {v.ty}")
    if ndigits is None or ndigits.ty.kind == "none":
        # Python rounds halves to even, and round(x) is an int.
        return Val(ir.Cast(ir.MethodCall(lw.receiver(v), "round_ties_even"), ir.I64), T.INT)
    lw.use_runtime("round_ndigits")
    return Val(ir.Call(ir.Path("crate::pyrt::round_ndigits"), (read(v), read(coerce(ndigits, T.INT)))), T.FLOAT)


def _divmod(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("divmod", args, 2)
    a, b = args
    if "timedelta" in (a.ty.kind, b.ty.kind):
        from portalis.lower.stdlib_datetime import divmod_timedelta

        return divmod_timedelta(lw, a, b)
    if a.ty.kind == "float" or b.ty.kind == "float":
        x, y = to_float(a), to_float(b)
        lw.use_runtime("ffloordiv")
        lw.use_runtime("fmod")
        q = ir.Call(ir.Path("crate::pyrt::ffloordiv"), (read(x), read(y)))
        r = ir.Call(ir.Path("crate::pyrt::fmod"), (read(x), read(y)))
        return Val(ir.TupleExpr((q, r)), T.tuple_of(T.FLOAT, T.FLOAT))
    x, y = coerce(a, T.INT), coerce(b, T.INT)
    lw.use_runtime("floordiv")
    lw.use_runtime("pymod")
    q = ir.Call(ir.Path("crate::pyrt::floordiv"), (read(x), read(y)))
    r = ir.Call(ir.Path("crate::pyrt::pymod"), (read(x), read(y)))
    return Val(ir.TupleExpr((q, r)), T.tuple_of(T.INT, T.INT))


def _pow(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("pow", args, 2, 3)
    if len(args) == 3:
        lw.use_runtime("modpow")
        a, b, m = (read(coerce(x, T.INT)) for x in args)
        return Val(ir.Call(ir.Path("crate::pyrt::modpow"), (a, b, m)), T.INT)
    import libcst as cst

    return lw.binary(cst.Power(), args[0], args[1], None)  # type: ignore[arg-type]


def _radix(name: str) -> Rule:
    def rule(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(name, args, 1)
        lw.use_runtime(f"py_{name}")
        return Val(ir.Call(ir.Path(f"crate::pyrt::py_{name}"), (read(coerce(args[0], T.INT)),)), T.STR)

    return rule


# ---------------------------------------------------------------- conversions


def _int(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("int", args, 0, 1, 2)
    if not args:
        return Val(ir.IntLit(0), T.INT)
    v = args[0]
    base = args[1] if len(args) == 2 else kwargs.get("base")
    if base is not None:
        lw.use_runtime("parse_int_base")
        return Val(ir.Call(ir.Path("crate::pyrt::parse_int_base"), (str_view(v), read(coerce(base, T.INT)))), T.INT)
    if v.ty.kind == "int":
        return v
    if v.ty.kind in ("float", "bool"):
        if v.ty.kind == "float":
            lw.use_runtime("float_to_int")
            return Val(ir.Call(ir.Path("crate::pyrt::float_to_int"), (read(v),)), T.INT)
        return Val(ir.Cast(read(v), ir.I64), T.INT)
    if v.ty.kind == "str":
        return Val(lw.checked("parse_int", (str_view(v),)), T.INT)
    if v.ty.kind == "decimal":
        from portalis.lower.stdlib_decimal import to_int as decimal_int

        return decimal_int(lw, v)
    if v.ty.kind == "dyn":
        # a value of any builtin type: Python's int() of what it holds (TypeError for None, a
        # list...; ValueError for a str that is no int)
        return Val(lw.propagate(ir.MethodCall(v.expr, "to_int")), T.INT)
    raise Unsupported("PTL113", f"int() of {v.ty}")


def _float(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("float", args, 0, 1)
    if not args:
        return Val(ir.FloatLit(0.0), T.FLOAT)
    (v,) = args
    e = v.expr
    if isinstance(e, ir.Call) and isinstance(e.func, ir.Path) and e.func.name == "crate::pyrt::float_to_int":
        # `float(int(x))` of a float: the integer part, exact even past i64 (no OverflowError)
        lw.use_runtime("float_trunc")
        return Val(ir.Call(ir.Path("crate::pyrt::float_trunc"), e.args), T.FLOAT)
    if v.ty.kind in ("int", "float", "bool"):
        return to_float(v)
    if v.ty.kind == "str":
        return Val(lw.checked("parse_float", (str_view(v),)), T.FLOAT)
    if v.ty.kind == "fraction":
        from portalis.lower.stdlib_fractions import to_float_expr

        return Val(to_float_expr(lw, v), T.FLOAT)
    if v.ty.kind == "decimal":
        from portalis.lower.stdlib_decimal import to_float as decimal_float

        return decimal_float(lw, v)
    raise Unsupported("PTL113", f"float() of {v.ty}")


def _str(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("str", args, 0, 1)
    if not args:
        return Val(ir.Call(ir.Path("String::new")), T.STR)
    return Val(lw.to_str(args[0]), T.STR)


def _repr(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("repr", args, 1)
    return Val(repr_of(lw, args[0]), T.STR)


def repr_of(lw: "FunctionLowerer", v: Val) -> ir.Expr:
    """`repr(v)`: a str quoted, an object's own `__repr__` (not its `__str__`), an Optional's
    value's repr or "None"; what else has one formatting goes through str()."""
    if v.ty.kind == "str":
        lw.use_runtime("str_repr")
        return ir.Call(ir.Path("crate::pyrt::str_repr"), (str_view(v),))
    if v.ty.kind == "dyn":  # the held value's repr (crate::pyrt::PyObj's PyRepr)
        lw.use_runtime("PyRepr")
        return ir.Call(ir.Path("crate::pyrt::PyRepr::py_repr"), (v.expr if v.mode is Mode.REF else ir.Ref(v.expr),))
    if v.ty.kind == "union":  # the member's repr (a str member quoted), not str()'s
        from portalis.lower.stdlib_datetime import use_container_reprs
        from portalis.types.unions import has_class

        if has_class(v.ty):
            raise Unsupported("PTL113", f"repr() of {v.ty}: a class member has no repr() of its own in the crate")

        lw.use_runtime("PyRepr")
        use_container_reprs(lw, v.ty)
        return ir.Call(ir.Path("crate::pyrt::PyRepr::py_repr"), (v.expr if v.mode is Mode.REF else ir.Ref(v.expr),))
    if v.ty.kind in ("date", "timedelta", "datetime", "time", "timezone", "fraction", "decimal"):
        from portalis.lower.stdlib_datetime import library_repr

        return library_repr(lw, v)
    if v.ty.kind == "class":
        cls = lw.env.class_sig(v.ty)
        if cls is not None and cls.method("__repr__") is not None:
            return owned(lw.dunder(v, "__repr__", "repr"))
    if v.ty.kind == "optional":
        got = lw.temp("r")
        inner = repr_of(lw, Val(ir.Path(got), v.ty.args[0], Mode.REF))
        return ir.Match(ir.MethodCall(v.expr, "as_ref"), (
            ir.MatchArm(ir.PVariant("Some", (ir.PBind(got),)), inner),
            ir.MatchArm(ir.PVariant("None"), ir.MethodCall(ir.StrLit("None"), "to_string"))))
    return lw.to_str(v)


def _ascii(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`ascii(x)`: the repr with non-ASCII characters escaped."""
    _arity("ascii", args, 1)
    return Val(ascii_of(lw, args[0]), T.STR)


def ascii_of(lw: "FunctionLowerer", v: Val) -> ir.Expr:
    """`pyrt::ascii_escape(&repr(v))`."""
    lw.use_runtime("ascii_escape")
    return ir.Call(ir.Path("crate::pyrt::ascii_escape"), (ir.Ref(_repr(lw, [v], {}).expr),))


def _format(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`format(x, spec)` with a literal spec (portalis/lower/stdlib_format.py)."""
    _arity("format", args, 1, 2)
    if len(args) == 1 or isinstance(args[1].expr, ir.StrLit) and not args[1].expr.value:
        return Val(lw.to_str(args[0]), T.STR)
    if not isinstance(args[1].expr, ir.StrLit):
        from portalis.lower.stdlib_format import lower_dynamic_spec

        piece, arg = lower_dynamic_spec(lw, [coerce(args[1], T.STR)], args[0], None)
    else:
        piece, arg = lw.format_spec(args[1].expr.value, args[0], None)
    # a runtime call already makes the String; anything else (a `&str`, an i64) goes through format!
    return Val(arg if piece == "{}" and isinstance(arg, ir.Call) else ir.Macro("format", (arg,), fmt=piece), T.STR)


def _bool(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("bool", args, 0, 1)
    if not args:
        return Val(ir.BoolLit(False), T.BOOL)
    return Val(lw.truthy(args[0]), T.BOOL)


def _ord(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("ord", args, 1)
    if args[0].ty.kind == "bytes":
        from portalis.lower.bytes_ops import bytes_ord

        return bytes_ord(lw, args[0])
    lw.use_runtime("ord")
    return Val(ir.Call(ir.Path("crate::pyrt::ord"), (str_view(args[0]),)), T.INT)


def _chr(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("chr", args, 1)
    lw.use_runtime("chr")
    return Val(ir.Call(ir.Path("crate::pyrt::chr"), (read(coerce(args[0], T.INT)),)), T.STR)


def _list(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("list", args, 0, 1)
    if not args:
        return Val(ir.Call(ir.Path("Vec::new")), T.list_of(T.UNKNOWN))
    if args[0].ty.kind == "dyn":  # list() of a value of any builtin type: its items (TypeError when it has none)
        return Val(lw.propagate(ir.MethodCall(args[0].expr, "to_list")), T.list_of(T.DYN))
    expr, elem = collect_vec(lw, args[0])
    return Val(expr, T.list_of(elem))


def _set(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("set", args, 0, 1)
    if not args:
        return Val(ir.Call(ir.Path("std::collections::HashSet::new")), T.set_of(T.UNKNOWN))
    it = lw.owned_items(_items(lw, args[0]))
    ty = T.set_of(it.elem.ty)
    if it.elem.ty.kind == "float":
        raise Unsupported("PTL113", "sets of floats are not supported (f64 is not Eq in Rust)")
    return Val(ir.MethodCall(it.expr, "collect", turbofish=(lw.rust_type(ty, holes=True),)), ty)


def _dict(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    lw.use_runtime("PyDict")
    if not args and not kwargs:
        return Val(ir.Call(ir.Path("crate::pyrt::PyDict::new")), T.dict_of(T.UNKNOWN, T.UNKNOWN))
    if kwargs and not args:
        vals = list(kwargs.values())
        vt = vals[0].ty
        for v in vals[1:]:
            vt = unify(vt, v.ty) or vt
        pairs = tuple(ir.TupleExpr((ir.MethodCall(ir.StrLit(k), "to_string"), owned_as(v, vt))) for k, v in kwargs.items())
        ty = T.dict_of(T.STR, vt)
        return Val(ir.MethodCall(ir.MethodCall(ir.Macro("vec", pairs, brackets="[]"), "into_iter"), "collect", turbofish=(lw.rust_type(ty),)), ty)
    _arity("dict", args, 1)
    v = args[0]
    if v.ty.kind == "dict":
        return Val(owned(v), v.ty)
    it = lw.owned_items(_items(lw, v))
    if it.elem.ty.kind != "tuple" or len(it.elem.ty.args) != 2:
        raise Unsupported("PTL113", f"dict() of {it.elem.ty} items")
    ty = T.dict_of(*it.elem.ty.args)
    return Val(ir.MethodCall(it.expr, "collect", turbofish=(lw.rust_type(ty, holes=True),)), ty)


def dict_fromkeys(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`dict.fromkeys(keys[, value])`: each key once, in first-seen order, all with the value
    (None when omitted)."""
    _arity("dict.fromkeys", args, 1, 2)
    _no_kwargs("dict.fromkeys", kwargs)
    lw.use_runtime("PyDict")
    it = lw.owned_items(_items(lw, args[0]))
    kt = it.elem.ty
    value = args[1] if len(args) == 2 else Val(ir.TupleExpr(()), T.NONE)
    vt = value.ty  # None values: `()` (the common use is the keys, in order)
    if not T.is_known(vt):
        raise Unsupported("PTL112", "dict.fromkeys with a value of unknown type")
    k, tmp = lw.temp("k"), lw.temp("value")
    item = owned(Val(ir.Path(tmp), vt, Mode.PLACE)) if value.ty.kind != "none" else ir.TupleExpr(())
    pairs = ir.MethodCall(it.expr, "map", (ir.Closure((ir.PBind(k),), ir.TupleExpr((ir.Path(k), item))),))
    ty = T.dict_of(kt, vt)
    collected = ir.MethodCall(pairs, "collect", turbofish=(lw.rust_type(ty, holes=True),))
    if value.ty.kind == "none":
        return Val(collected, ty)
    return Val(ir.BlockExpr(ir.Block((ir.Let(ir.PBind(tmp), None, owned(value)),), collected)), ty)


def _tuple(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("tuple", args, 1)
    if args[0].ty.kind == "tuple":
        return args[0]
    raise Unsupported("PTL113", "tuple() of a variable-length iterable (a tuple's length is part of its Rust type)")


def _sorted(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("sorted", args, 1)
    _no_kwargs("sorted", kwargs, ("key", "reverse"))
    if args[0].ty.kind == "str" and not kwargs:
        # `sorted(s)`: the characters sorted as chars (code point order, Python's order of
        # one-character strs); a list of Strings is made only if something needs one, while
        # `"".join(sorted(s))` collects the chars straight into the String.
        lw.use_runtime("sorted_chars")
        view = ir.Call(ir.Path("crate::pyrt::sorted_chars"), (str_view(args[0]),))
        c = lw.temp("c")
        strings = ir.MethodCall(ir.MethodCall(ir.MethodCall(view, "into_iter"), "map", (ir.Closure((ir.PBind(c),), ir.MethodCall(ir.Path(c), "to_string")),)),
                                "collect", turbofish=(ir.TPath("Vec", (ir.STRING,)),))
        return Val(strings, T.list_of(T.STR), view=view)
    expr, elem = collect_vec(lw, args[0])
    tmp = lw.temp("sorted")
    sort = sort_call(lw, ir.Path(tmp), elem, kwargs.get("key"), reverse_flag(lw, kwargs))
    block = ir.Block((ir.Let(ir.PBind(tmp, True), ir.TPath("Vec", (lw.rust_type(elem, holes=True),)), expr), ir.ExprStmt(sort)), ir.Path(tmp))
    return Val(ir.BlockExpr(block), T.list_of(elem))


def reverse_flag(lw: "FunctionLowerer", kwargs: dict[str, Val]) -> bool | ir.Expr:
    """`reverse=`: a literal, or a condition known only at run time."""
    v = kwargs.get("reverse")
    if v is None:
        return False
    if isinstance(v.expr, ir.BoolLit):
        return v.expr.value
    return lw.truthy(v)


def sort_call(lw: "FunctionLowerer", target: ir.Expr, elem: PyType, key: Val | None, reverse: bool | ir.Expr) -> ir.Expr:
    """`target.sort...(...)`: a stable sort in Python's order (reverse keeps equal items in
    their original order, as Python does)."""
    if key is not None:
        _func("sort", key)
    if not isinstance(reverse, bool):
        up = sort_call(lw, target, elem, key, False)
        down = sort_call(lw, target, elem, key, True)
        return ir.IfExpr(reverse, ir.Block((ir.ExprStmt(down),)), ir.Block((ir.ExprStmt(up),)))
    if key is None and elem.kind in ("int", "bool", "str") and not reverse:
        # equal ints, bools or strs cannot be told apart: stability is unobservable, and the
        # unstable sort is faster (floats keep the stable one: 0.0 == -0.0)
        return ir.MethodCall(target, "sort_unstable")
    a, b = lw.temp("a"), lw.temp("b")
    if key is None and elem.kind == "tuple" and not _orderable(elem):
        # Tuples holding sets or dicts (`sorted(d.items())` of set values): Python compares
        # them item by item and only reaches the set on a tie of everything before it, which
        # unique keys never have. The leading orderable items decide.
        n = next(i for i, t in enumerate(elem.args) if not _orderable(t))
        if n == 0:
            raise Unsupported("PTL113", f"sorting {elem} items (no order)")
        ka = Key(ir.TupleExpr(tuple(ir.Ref(ir.Field(ir.Path(a), str(i))) for i in range(n))), False)
        kb = Key(ir.TupleExpr(tuple(ir.Ref(ir.Field(ir.Path(b), str(i))) for i in range(n))), False)
    else:
        ka = _key_expr(lw, key, a, Elem(elem, Mode.REF))
        kb = _key_expr(lw, key, b, Elem(elem, Mode.REF))
    order = cmp_keys(kb, ka) if reverse else cmp_keys(ka, kb)
    return ir.MethodCall(target, "sort_by", (ir.Closure((ir.PBind(a), ir.PBind(b)), order),))


def _orderable(t: PyType) -> bool:
    """Whether Rust's PartialOrd covers the type (sets and dicts have none)."""
    if t.kind in ("set", "dict"):
        return False
    return all(_orderable(x) for x in t.args)


def _reversed(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("reversed", args, 1)
    v = args[0]
    if v.ty.kind in ("list", "str"):
        it = lw.owned_items(_items(lw, v))
        return Val(ir.MethodCall(it.expr, "rev"), iter_of(it.elem.ty))
    expr, elem = collect_vec(lw, v)
    return Val(ir.MethodCall(ir.MethodCall(expr, "into_iter"), "rev"), iter_of(elem))


def _enumerate(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("enumerate", args, 1, 2)
    start = args[1] if len(args) == 2 else kwargs.get("start")
    it = lw.owned_items(_items(lw, args[0]))
    i, x = lw.temp("i"), lw.temp("x")
    index: ir.Expr = ir.Cast(ir.Path(i), ir.I64)
    if start is not None:
        index = ir.Binary("+", index, read(coerce(start, T.INT)))
    mapped = ir.MethodCall(ir.MethodCall(it.expr, "enumerate"), "map", (ir.Closure((ir.PTuple((ir.PBind(i), ir.PBind(x))),), ir.TupleExpr((index, ir.Path(x)))),))
    return Val(mapped, iter_of(T.tuple_of(T.INT, it.elem.ty)))


def _zip(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    if len(args) == 1 and isinstance(args[0].expr, ir.Call) and args[0].expr.func == ir.Path("crate::pyrt::zip_rows"):
        # zip(*rows) (see call_args): the columns, each a list.
        return Val(ir.MethodCall(args[0].expr, "into_iter"), iter_of(args[0].ty.args[0]))
    if len(args) < 2:
        raise Unsupported("PTL133", "zip() of fewer than two iterables")
    its = [lw.owned_items(_items(lw, a)) for a in args]
    expr = its[0].expr
    for other in its[1:]:
        arg = other.expr
        if isinstance(arg, ir.MethodCall) and arg.method == "into_iter" and not arg.args:
            arg = arg.receiver  # zip takes any IntoIterator
        expr = ir.MethodCall(expr, "zip", (arg,))
    if len(its) > 2:
        names = [lw.temp("z") for _ in its]
        pat: ir.Pat = ir.PBind(names[0])
        for n in names[1:]:
            pat = ir.PTuple((pat, ir.PBind(n)))
        expr = ir.MethodCall(expr, "map", (ir.Closure((pat,), ir.TupleExpr(tuple(ir.Path(n) for n in names))),))
    return Val(expr, iter_of(T.tuple_of(*(i.elem.ty for i in its))))


def _map(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    if len(args) < 2:
        raise Unsupported("PTL133", "map() needs a function and an iterable")
    f = _func("map", args[0])
    assert f.func is not None
    if len(args) > 2:
        zipped = _zip(lw, args[1:], {})
        elem_t = zipped.ty.args[0]
        names = [lw.temp("x") for _ in elem_t.args]
        with lw.in_closure():
            result = f.func.apply(lw, [Val(ir.Path(n), t, Mode.OWNED) for n, t in zip(names, elem_t.args)])
        closure = ir.Closure((ir.PTuple(tuple(ir.PBind(n) for n in names)),), owned(result))
        return Val(ir.MethodCall(zipped.expr, "map", (closure,)), iter_of(result.ty))
    it = _items(lw, args[1])
    if it.elem.items is not None:
        it = lw.owned_items(it)
    x = lw.temp("x")
    # Items are passed as iterated (borrowed when the iterable is): the function owns what it needs.
    item = Val(ir.Path(x), it.elem.ty, it.elem.mode if it.elem.mode is Mode.REF else Mode.PLACE)
    with lw.in_closure():
        result = f.func.apply(lw, [item])
    return Val(ir.MethodCall(it.expr, "map", (ir.Closure((ir.PBind(x),), owned(result)),)), iter_of(result.ty))


def _filter(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("filter", args, 2)
    it = lw.owned_items(_items(lw, args[1]))
    x = lw.temp("x")
    item = Val(ir.Path(x), it.elem.ty, Mode.REF)
    if args[0].ty.kind == "none":
        test = lw.truthy(item)
    else:
        f = _func("filter", args[0])
        assert f.func is not None
        with lw.in_closure():
            test = lw.truthy(f.func.apply(lw, [item]))
    return Val(ir.MethodCall(it.expr, "filter", (ir.Closure((ir.PBind(x),), test),)), iter_of(it.elem.ty))


def _range(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("range", args, 1, 2, 3)
    for a in args:
        if a.ty.kind == "unknown":
            lw.expect_local(a, T.INT)
    args = [lw._reread(a) for a in args]
    if any(a.ty.kind not in ("int", "bool") for a in args):
        raise Unsupported("PTL113", "range() of non-integers")
    vals = [read(coerce(a, T.INT)) for a in args]
    if len(vals) == 1:
        return Val(ir.RangeExpr(ir.IntLit(0), vals[0]), iter_of(T.INT))
    if len(vals) == 2:
        return Val(ir.RangeExpr(vals[0], vals[1]), iter_of(T.INT))
    lw.use_runtime("range_step")
    return Val(ir.Call(ir.Path("crate::pyrt::range_step"), tuple(vals)), iter_of(T.INT))


def isinstance_of(v: Val, wanted: set[str]) -> Val:
    """`isinstance(v, T)` is decided statically from v's type (`wanted`: builtin type names)."""
    kind = v.ty.kind
    if kind == "union":
        # Which member a union holds is known at run time: its enum's variant.
        from portalis.types.unions import enum_name, members_matching, tag

        hits = members_matching(v.ty, wanted)
        if not hits or len(hits) == len(v.ty.args):
            return Val(ir.BoolLit(bool(hits)), T.BOOL)
        pats = tuple(ir.PVariant(f"crate::pyrt::{enum_name(v.ty)}::{tag(m)}", (ir.PWild(),)) for m in hits)
        return Val(ir.Matches(v.expr, pats[0] if len(pats) == 1 else ir.POr(pats)), T.BOOL)
    if kind == "class" and v.ty.name in wanted:
        return Val(ir.BoolLit(True), T.BOOL)  # its struct is exactly the class (Rust has no subclass)
    if kind == "num" and len(wanted & {"int", "float"}) == 1:
        # An int-or-float: which one it holds is known at run time.
        variant = "Int" if "int" in wanted else "Float"
        return Val(ir.Matches(read(v), ir.PVariant(f"crate::pyrt::PyNum::{variant}", (ir.PWild(),))), T.BOOL)
    # bool is a subclass of int in Python.
    kinds = {kind, "int"} if kind == "bool" else {"int", "float"} if kind == "num" else {kind}
    if kind == "bytes":
        kinds = {"bytearray"} if v.ty.name == "bytearray" else {"bytes"}
    if kind in ("unknown", "optional", "func"):
        raise Unsupported("PTL113", f"isinstance() on a value of type {v.ty}")
    return Val(ir.BoolLit(bool(kinds & wanted)), T.BOOL)


TYPE_NAMES = frozenset("int float str bool list dict set tuple bytes bytearray".split())


def _print(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _no_kwargs("print", kwargs, ("sep", "end"))
    sep = kwargs.get("sep")
    end = kwargs.get("end")
    if sep is not None and not isinstance(sep.expr, ir.StrLit) or end is not None and not isinstance(end.expr, ir.StrLit):
        raise Unsupported("PTL133", "print() with a computed sep or end")
    sep_text = sep.expr.value if sep is not None else " "  # type: ignore[union-attr]
    end_text = end.expr.value if end is not None else "\n"  # type: ignore[union-attr]
    fmt = sep_text.replace("{", "{{").replace("}", "}}").join("{}" for _ in args) + end_text.replace("{", "{{").replace("}", "}}")
    parts = tuple(read(a) if a.ty.kind in ("str", "int") else lw.to_str(a) for a in args)
    return Val(ir.Macro("print", parts, fmt=fmt), T.NONE)


def _hash(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`hash(x)` of an int, bool, str, a tuple of them or an object with a `__hash__`: the value
    CPython gives with PYTHONHASHSEED=0 (the differential harness's Python: a str's hash is
    randomized per process otherwise, so no translation can give that one; pyrt::hash_str)."""
    _arity("hash", args, 1)
    return Val(_hash_of(lw, args[0]), T.INT)


def _hash_of(lw: "FunctionLowerer", v: Val, depth: int = 0) -> ir.Expr:
    k = v.ty.kind
    if k == "int":
        lw.use_runtime("hash_int")
        return ir.Call(ir.Path("crate::pyrt::hash_int"), (read(v),))
    if k == "bool":
        return ir.Call(ir.Path("i64::from"), (read(v),))
    if k == "str":
        lw.use_runtime("hash_str")
        return ir.Call(ir.Path("crate::pyrt::hash_str"), (str_view(v),))
    if k == "tuple" and v.ty.args:
        lw.use_runtime("hash_tuple")
        if isinstance(v.expr, ir.TupleExpr) and len(v.expr.items) == len(v.ty.args):
            items = [Val(e, t) for e, t in zip(v.expr.items, v.ty.args)]
        elif _place(v.expr):
            # `hash(self._key)`: each item read in place (the expression has no side effect)
            items = [Val(ir.Field(v.expr, str(i)), t, Mode.PLACE) for i, t in enumerate(v.ty.args)]
        else:
            # a computed tuple (a property, a call): evaluated once, its items read from it
            name = f"hashed_{depth}"
            items = [Val(ir.Field(ir.Path(name), str(i)), t, Mode.PLACE) for i, t in enumerate(v.ty.args)]
            call = ir.Call(ir.Path("crate::pyrt::hash_tuple"), (ir.Ref(ir.ArrayLit(tuple(_hash_of(lw, i, depth + 1) for i in items))),))
            return ir.BlockExpr(ir.Block((ir.Let(ir.PBind(name), None, v.expr),), call))
        return ir.Call(ir.Path("crate::pyrt::hash_tuple"), (ir.Ref(ir.ArrayLit(tuple(_hash_of(lw, i, depth + 1) for i in items))),))
    if k == "class":
        cls = lw.env.class_sig(v.ty)
        if cls is not None and cls.method("__hash__") is not None:
            return read(lw.dunder(v, "__hash__", "hash"))
    raise Unsupported("PTL133", f"hash() of a value of type {v.ty} is not supported yet (ints, bools, strs, tuples of them, "
                      "objects with a __hash__ are)")


def _place(e: ir.Expr) -> bool:
    """A path or a field of one (`self._key`, `t`): reading it twice reads the same value."""
    while isinstance(e, ir.Field):
        e = e.receiver
    return isinstance(e, ir.Path)


BUILTINS: dict[str, Rule] = {
    "len": _len,
    "abs": _abs,
    "min": _minmax("min"),
    "max": _minmax("max"),
    "sum": _sum,
    "any": _any_all("any"),
    "all": _any_all("all"),
    "round": _round,
    "divmod": _divmod,
    "pow": _pow,
    "bin": _radix("bin"),
    "hex": _radix("hex"),
    "oct": _radix("oct"),
    "int": _int,
    "float": _float,
    "str": _str,
    "repr": _repr,
    "format": _format,
    "ascii": _ascii,
    "bool": _bool,
    "ord": _ord,
    "hash": _hash,
    "chr": _chr,
    "list": _list,
    "set": _set,
    "frozenset": _set,
    "dict": _dict,
    "tuple": _tuple,
    "sorted": _sorted,
    "reversed": _reversed,
    "enumerate": _enumerate,
    "zip": _zip,
    "map": _map,
    "filter": _filter,
    "range": _range,
    "print": _print,
    "next": lambda lw, args, kwargs: _generators().lower_next(lw, args, kwargs),
    "iter": lambda lw, args, kwargs: _generators().lower_iter(lw, args, kwargs),
    "bytes": lambda lw, args, kwargs: bytes_constructor(lw, "bytes", args, kwargs),
    "bytearray": lambda lw, args, kwargs: bytes_constructor(lw, "bytearray", args, kwargs),
}


def lower_builtin(lw: "FunctionLowerer", name: str, args: list[Val], kwargs: dict[str, Val] | None = None) -> Val:
    rule = BUILTINS.get(name)
    if rule is None:
        raise Unsupported("PTL133", f"builtin `{name}()` is not supported yet")
    return rule(lw, args, kwargs or {})


# ---------------------------------------------------------------- standard-library modules


def _math_float(rust: str, arity: int = 1) -> Rule:
    """math.f(x) computed by f64's method of the same meaning."""

    def rule(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(rust, args, arity)
        vals = [to_float(a) for a in args]
        return Val(ir.MethodCall(lw.receiver(vals[0]), rust, tuple(read(v) for v in vals[1:])), T.FLOAT)

    return rule


def _math_int_result(rust: str) -> Rule:
    """math.floor/ceil/trunc: an int in Python 3."""

    def rule(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(rust, args, 1)
        (v,) = args
        if v.ty.kind in ("int", "bool"):
            return coerce(v, T.INT)
        lw.use_runtime("float_to_int")
        return Val(ir.Call(ir.Path("crate::pyrt::float_to_int"), (ir.MethodCall(lw.receiver(to_float(v)), rust),)), T.INT)

    return rule


def _math_helper(helper: str, arity: tuple[int, ...], ty: PyType, arg_ty: PyType) -> Rule:
    def rule(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(helper, args, *arity)
        lw.use_runtime(helper)
        conv = (lambda a: read(to_float(a))) if arg_ty.kind == "float" else (lambda a: read(coerce(a, T.INT)))
        return Val(ir.Call(ir.Path(f"crate::pyrt::{helper}"), tuple(conv(a) for a in args)), ty)

    return rule


def _math_checked(rust: str, can_overflow: bool = False) -> Rule:
    """math.f(x) by f64's method, with Python's ValueError/OverflowError (pyrt::math_1)."""

    def rule(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(rust, args, 1)
        lw.use_runtime("math_1")
        return Val(ir.Call(ir.Path("crate::pyrt::math_1"),
                           (read(to_float(args[0])), ir.Path(f"f64::{rust}"), ir.BoolLit(can_overflow))), T.FLOAT)

    return rule


def _math_log(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("log", args, 1, 2)
    if len(args) == 1:
        return _math_checked("ln")(lw, args, kwargs)
    lw.use_runtime("math_log")
    return Val(ir.Call(ir.Path("crate::pyrt::math_log"), tuple(read(to_float(a)) for a in args)), T.FLOAT)


def _math_fabs(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("fabs", args, 1)
    return Val(ir.MethodCall(lw.receiver(to_float(args[0])), "abs"), T.FLOAT)


def _math_test(rust: str) -> Rule:
    """math.isnan/isinf/isfinite: f64's predicate of the same meaning."""

    def rule(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(rust, args, 1)
        return Val(ir.MethodCall(lw.receiver(to_float(args[0])), rust), T.BOOL)

    return rule


def _math_isclose(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """math.isclose(a, b, rel_tol=1e-09, abs_tol=0.0), Python's definition."""
    _arity("isclose", args, 2)
    _no_kwargs("isclose", kwargs, ("rel_tol", "abs_tol"))
    rel = to_float(kwargs["rel_tol"]) if "rel_tol" in kwargs else Val(ir.FloatLit(1e-09), T.FLOAT)
    tol = to_float(kwargs["abs_tol"]) if "abs_tol" in kwargs else Val(ir.FloatLit(0.0), T.FLOAT)
    lw.use_runtime("isclose")
    return Val(ir.Call(ir.Path("crate::pyrt::isclose"), tuple(read(to_float(v)) for v in (*args, rel, tol))), T.BOOL)


def _math_const(value: ir.Expr) -> Rule:
    def rule(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
        return Val(value, T.FLOAT)

    return rule


def _math_fsum(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    from portalis.lower.stdlib_statistics import lower_fsum

    return lower_fsum(lw, args, kwargs)


MATH: dict[str, Rule] = {
    "fsum": _math_fsum,
    "sqrt": _math_checked("sqrt"),
    "exp": _math_checked("exp", True),
    "sin": _math_checked("sin"),
    "cos": _math_checked("cos"),
    "tan": _math_checked("tan"),
    "asin": _math_checked("asin"),
    "acos": _math_checked("acos"),
    "atan": _math_float("atan"),
    "atan2": _math_float("atan2", 2),
    "hypot": _math_float("hypot", 2),
    "pow": _math_helper("math_pow", (2,), T.FLOAT, T.FLOAT),
    "sinh": _math_checked("sinh", True),
    "cosh": _math_checked("cosh", True),
    "tanh": _math_float("tanh"),
    "log2": _math_checked("log2"),
    "log10": _math_checked("log10"),
    "copysign": _math_float("copysign", 2),
    "degrees": _math_float("to_degrees"),
    "radians": _math_float("to_radians"),
    "log": _math_log,
    "fabs": _math_fabs,
    "floor": _math_int_result("floor"),
    "ceil": _math_int_result("ceil"),
    "trunc": _math_int_result("trunc"),
    "gcd": _math_helper("gcd", (2,), T.INT, T.INT),
    "lcm": _math_helper("lcm", (2,), T.INT, T.INT),
    "factorial": _math_helper("factorial", (1,), T.INT, T.INT),
    "isqrt": _math_helper("isqrt", (1,), T.INT, T.INT),
    "comb": _math_helper("comb", (2,), T.INT, T.INT),
    "perm": _math_helper("perm", (2,), T.INT, T.INT),
    "isnan": _math_test("is_nan"),
    "isinf": _math_test("is_infinite"),
    "isfinite": _math_test("is_finite"),
    "isclose": _math_isclose,
}
MATH_CONSTANTS: dict[str, ir.Expr] = {
    "pi": ir.Path("std::f64::consts::PI"),
    "e": ir.Path("std::f64::consts::E"),
    "tau": ir.Path("std::f64::consts::TAU"),
    "inf": ir.Path("f64::INFINITY"),
    "nan": ir.Path("f64::NAN"),
}
_STRING_CONSTANTS = {
    "ascii_lowercase": "abcdefghijklmnopqrstuvwxyz",
    "ascii_uppercase": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "ascii_letters": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "digits": "0123456789",
    "hexdigits": "0123456789abcdefABCDEF",
    "octdigits": "01234567",
    "punctuation": "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    "whitespace": " \t\n\r\x0b\x0c",
}

def _counter(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`Counter(items)`: a dict of counts whose missing keys read as 0."""
    _arity("Counter", args, 0, 1)
    lw.use_runtime("counter")
    if not args:
        lw.use_runtime("PyDict")
        return Val(ir.Call(ir.Path("crate::pyrt::PyDict::new")), counter_of(T.UNKNOWN))
    it = lw.owned_items(_items(lw, args[0]))
    items = it.expr.receiver if isinstance(it.expr, ir.MethodCall) and it.expr.method == "into_iter" and not it.expr.args else it.expr
    return Val(ir.Call(ir.Path("crate::pyrt::counter"), (items,)), counter_of(it.elem.ty))


def counter_of(key: PyType) -> PyType:
    """A Counter: a dict[key, int] (the name tells lowering that missing keys read as 0)."""
    return PyType(kind="dict", args=(key, T.INT), name="Counter")


def _defaultdict(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`defaultdict(int)`, `defaultdict(list)`...: a dict whose missing keys read as the
    factory's value (the value type's Default)."""
    _arity("defaultdict", args, 1)
    lw.use_runtime("PyDict")
    factory = args[0]
    from portalis.lower.iteration import BuiltinFunc

    value: PyType | None = None
    if factory.func is not None and isinstance(factory.func, BuiltinFunc):
        value = {"int": T.INT, "float": T.FLOAT, "str": T.STR, "bool": T.BOOL, "list": T.list_of(T.UNKNOWN),
                 "set": T.set_of(T.UNKNOWN), "dict": T.dict_of(T.UNKNOWN, T.UNKNOWN)}.get(factory.func.name)
    elif factory.func is not None:
        with lw.in_closure():
            made = factory.func.apply(lw, [])
        if isinstance(made.expr, (ir.IntLit, ir.FloatLit, ir.BoolLit)) and not made.expr.__getattribute__("value") or (
            isinstance(made.expr, ir.StrLit) and made.expr.value == ""
        ):
            value = made.ty  # a zero value: the type's Default
    if value is None:
        raise Unsupported("PTL133", "defaultdict with a factory other than a type or a zero-value lambda")
    return Val(ir.Call(ir.Path("crate::pyrt::PyDict::new")), defaultdict_of(T.UNKNOWN, value))


def defaultdict_of(key: PyType, value: PyType) -> PyType:
    return PyType(kind="dict", args=(key, value), name="defaultdict")


def _deque(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`deque(items)`: a list (append/pop at both ends: popleft/appendleft)."""
    _no_kwargs("deque", kwargs)
    return _list(lw, args, {})


COLLECTIONS: dict[str, Rule] = {"Counter": _counter, "defaultdict": _defaultdict, "deque": _deque, "OrderedDict": _dict}


def _bisect(name: str) -> Rule:
    """bisect.bisect_left/bisect_right (bisect) and insort_left/insort_right (insort) on a sorted
    list: `partition_point` with Python's `<` (left) or `<=` (right)."""
    left = name.endswith("_left")
    insort = name.startswith("insort")

    def rule(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(name, args, 2)
        _no_kwargs(name, kwargs)
        xs, x = args
        if xs.ty.kind != "list":
            raise Unsupported("PTL113", f"bisect.{name} of {xs.ty}")
        elem = xs.ty.args[0]
        if not T.is_known(elem):
            if not insort:
                raise Unsupported("PTL112", f"bisect.{name} on a list of unknown items")
            xs = lw.refine(xs, T.list_of(x.ty))
            elem = x.ty
        tmp, e = lw.temp("x"), lw.temp("e")
        test = ir.Binary("<" if left else "<=", ir.Path(e), ir.Ref(ir.Path(tmp)))
        stmts: list[ir.Stmt] = [ir.Let(ir.PBind(tmp), lw.rust_type(elem), owned_as(x, elem))]
        point = ir.MethodCall(xs.expr, "partition_point", (ir.Closure((ir.PBind(e),), test),))
        if not insort:
            return Val(ir.BlockExpr(ir.Block(tuple(stmts), ir.Cast(point, ir.I64))), T.INT)
        at = lw.temp("at")
        stmts.append(ir.Let(ir.PBind(at), None, point))
        stmts.append(ir.ExprStmt(ir.MethodCall(lw.mutable(xs), "insert", (ir.Path(at), ir.Path(tmp)))))
        return Val(ir.BlockExpr(ir.Block(tuple(stmts))), T.NONE)

    return rule


BISECT: dict[str, Rule] = {
    name: _bisect(name) for name in ("bisect_left", "bisect_right", "insort_left", "insort_right")
}
BISECT["bisect"] = BISECT["bisect_right"]
BISECT["insort"] = BISECT["insort_right"]


def _heap_target(lw: "FunctionLowerer", v: Val, name: str) -> ir.Expr:
    if v.ty.kind != "list":
        raise Unsupported("PTL113", f"heapq.{name} of {v.ty}")
    if isinstance(v.expr, ir.Path) and any(loc.name == v.expr.name and loc.mutable_ref for loc in lw.locals.values()):
        return v.expr
    return ir.Ref(lw.mutable(v), mutable=True)


def _heap_op(name: str, takes_item: bool, returns_item: bool) -> Rule:
    def rule(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(name, args, 2 if takes_item else 1)
        heap = args[0]
        elem = heap.ty.args[0] if heap.ty.kind == "list" else T.UNKNOWN
        if takes_item and not T.is_known(elem):
            heap = lw.refine(heap, T.list_of(args[1].ty))
            elem = heap.ty.args[0]
        if elem.kind == "unknown":
            raise Unsupported("PTL112", f"heapq.{name} on a list of unknown items")
        lw.use_runtime("heapq")
        call_args = (_heap_target(lw, heap, name),) + ((owned_as(args[1], elem),) if takes_item else ())
        return Val(ir.Call(ir.Path(f"crate::pyrt::{name}"), call_args), elem if returns_item else T.NONE)

    return rule


def _nbest(largest: bool) -> Rule:
    def rule(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity("nlargest", args, 2)
        _no_kwargs("nlargest", kwargs, ("key",))
        flags = dict(kwargs)
        if largest:
            flags["reverse"] = Val(ir.BoolLit(True), T.BOOL)
        ordered = _sorted(lw, [args[1]], flags)
        n = read(coerce(args[0], T.INT))
        lw.use_runtime("list_slice")
        return Val(ir.Call(ir.Path("crate::pyrt::list_slice"), (ir.Ref(ordered.expr), ir.Path("None"), ir.Call(ir.Path("Some"), (n,)), ir.IntLit(1))), ordered.ty)

    return rule


HEAPQ: dict[str, Rule] = {
    "heapify": _heap_op("heapify", False, False),
    "heappush": _heap_op("heappush", True, False),
    "heappop": _heap_op("heappop", False, True),
    "heappushpop": _heap_op("heappushpop", True, True),
    "heapreplace": _heap_op("heapreplace", True, True),
    "nlargest": _nbest(True),
    "nsmallest": _nbest(False),
}

def _reduce(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`functools.reduce(f, items[, start])`: a fold."""
    _arity("reduce", args, 2, 3)
    f = _func("reduce", args[0])
    assert f.func is not None
    it = lw.owned_items(_items(lw, args[1]))
    elem = it.elem.ty
    acc_t = args[2].ty if len(args) == 3 else elem
    acc, x = lw.temp("acc"), lw.temp("x")
    with lw.in_closure():
        result = f.func.apply(lw, [Val(ir.Path(acc), acc_t, Mode.OWNED), Val(ir.Path(x), elem, Mode.OWNED)])
    ty = unify(acc_t, result.ty)
    if ty is None or ty != acc_t:
        raise Unsupported("PTL113", f"reduce() whose function turns {acc_t} into {result.ty}")
    closure = ir.Closure((ir.PBind(acc), ir.PBind(x)), owned_as(result, ty))
    if len(args) == 3:
        return Val(ir.MethodCall(it.expr, "fold", (owned_as(args[2], ty), closure)), ty)
    folded = ir.MethodCall(it.expr, "reduce", (closure,))
    return Val(lw.expect_some(folded, "TypeError", "reduce() of empty iterable with no initial value"), ty)


class PartialFunc(FuncValue):
    """`functools.partial(f, a, b)`: f applied to the bound arguments, then the call's own.
    The bound values are read where the partial is applied, so each must be a literal or a
    name the function never rebinds (Python reads them once, when the partial is made)."""

    def __init__(self, inner: FuncValue, bound: list[Val], keywords: dict[str, Val]) -> None:
        self.inner = inner
        self.bound = bound
        self.keywords = keywords

    def describe(self) -> str:
        return f"partial({self.inner.describe()})"

    def apply(self, lw: "FunctionLowerer", args: list[Val]) -> Val:  # type: ignore[override]
        from portalis.lower.iteration import NamedFunc

        if self.keywords:
            assert isinstance(self.inner, NamedFunc)
            return lw.call_function(self.inner.target, self.inner.target.sig.name, [*self.bound, *args], dict(self.keywords), None)
        return self.inner.apply(lw, [*self.bound, *args])


def _partial(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`functools.partial(f, *bound)` as a function value (expanded where it is called)."""
    from portalis.lower.iteration import NamedFunc

    if not args:
        raise Unsupported("PTL249", "functools.partial() needs a function")
    f = _func("partial", args[0])
    assert f.func is not None
    if kwargs and not isinstance(f.func, NamedFunc):
        raise Unsupported("PTL249", "functools.partial with keywords of a lambda or builtin")
    for v in [*args[1:], *kwargs.values()]:
        if v.func is not None or isinstance(v.expr, (ir.IntLit, ir.FloatLit, ir.StrLit, ir.BoolLit)):
            continue
        local = next((n for n, l in lw.locals.items() if isinstance(v.expr, ir.Path) and l.name == v.expr.name), None)
        if local is None or lw.assign_count.get(local, 0) > (0 if lw.locals[local].param else 1):
            raise Unsupported("PTL249", "functools.partial's bound arguments must be literals or names never rebound "
                              "(Python reads them when the partial is made)")
    return Val(ir.Path("__partial"), f.ty, Mode.OWNED, func=PartialFunc(f.func, list(args[1:]), kwargs))


FUNCTOOLS: dict[str, Rule] = {"reduce": _reduce, "partial": _partial}


def _combinatoric(name: str) -> Rule:
    """itertools.combinations / permutations: tuples when r is a literal (lists otherwise)."""

    def rule(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(name, args, 1, 2)
        r = args[1] if len(args) == 2 else kwargs.get("r")
        items, elem = collect_vec(lw, args[0])
        lw.use_runtime(name)
        r_expr: ir.Expr = ir.Path("None") if r is None else ir.Call(ir.Path("Some"), (read(coerce(r, T.INT)),))
        rows = ir.Call(ir.Path(f"crate::pyrt::{name}"), (ir.Ref(items), r_expr))
        if r is not None and isinstance(r.expr, ir.IntLit) and 0 < r.expr.value <= 6:
            n = r.expr.value
            c = lw.temp("c")
            tup = ir.TupleExpr(tuple(ir.MethodCall(ir.Index(ir.Path(c), ir.IntLit(i)), "clone") for i in range(n)))
            mapped = ir.MethodCall(ir.MethodCall(rows, "into_iter"), "map", (ir.Closure((ir.PBind(c),), tup),))
            return Val(mapped, iter_of(T.tuple_of(*([elem] * n))))
        return Val(ir.MethodCall(rows, "into_iter"), iter_of(T.list_of(elem)))

    return rule


def _product(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """itertools.product(a, b): every pair, in Python's order."""
    _no_kwargs("product", kwargs)
    if len(args) != 2:
        raise Unsupported("PTL133", "itertools.product of other than two iterables is not supported yet")
    (a, ta), (b, tb) = collect_vec(lw, args[0]), collect_vec(lw, args[1])
    lw.use_runtime("product2")
    pairs = ir.Call(ir.Path("crate::pyrt::product2"), (ir.Ref(a), ir.Ref(b)))
    return Val(ir.MethodCall(pairs, "into_iter"), iter_of(T.tuple_of(ta, tb)))


def _chain(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    if not args:
        raise Unsupported("PTL133", "itertools.chain() of nothing")
    its = [lw.owned_items(_items(lw, a)) for a in args]
    elem = its[0].elem.ty
    for other in its[1:]:
        if other.elem.ty != elem:
            raise Unsupported("PTL113", f"chain() of {elem} and {other.elem.ty} items")
    expr = its[0].expr
    for other in its[1:]:
        expr = ir.MethodCall(expr, "chain", (other.expr,))
    return Val(expr, iter_of(elem))


def _accumulate(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """itertools.accumulate(xs): running sums."""
    _arity("accumulate", args, 1)
    _no_kwargs("accumulate", kwargs)
    it = lw.owned_items(_items(lw, args[0]))
    elem = it.elem.ty
    if elem.kind not in ("int", "float"):
        raise Unsupported("PTL113", f"accumulate() of {elem} items")
    acc, x = lw.temp("acc"), lw.temp("x")
    body = ir.BlockExpr(ir.Block((ir.Assign(ir.Unary("*", ir.Path(acc)), ir.Path(x), "+="),), ir.Call(ir.Path("Some"), (ir.Unary("*", ir.Path(acc)),))))
    start = ir.IntLit(0, "i64") if elem.kind == "int" else ir.FloatLit(0.0, "_f64")
    return Val(ir.MethodCall(it.expr, "scan", (start, ir.Closure((ir.PBind(acc), ir.PBind(x)), body))), iter_of(elem))


def _groupby(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """itertools.groupby(items[, key]): (key, run) for each run of consecutive items with equal
    keys; each run is a list (Python's group iterators are read once, in order)."""
    _arity("groupby", args, 1, 2)
    _no_kwargs("groupby", kwargs, ("key",))
    key = args[1] if len(args) == 2 else kwargs.get("key")
    items, elem = collect_vec(lw, args[0])
    x = lw.temp("x")
    item = Val(ir.Path(x), elem, Mode.REF)
    if key is None or key.ty.kind == "none":
        k = item
    else:
        f = _func("groupby", key)
        assert f.func is not None
        with lw.in_closure():
            k = f.func.apply(lw, [item])
    lw.use_runtime("group_by")
    call = ir.Call(ir.Path("crate::pyrt::group_by"), (items, ir.Closure((ir.PTyped(ir.PBind(x), ir.TRef(ir.TPath("_"))),), owned(k))))
    return Val(ir.MethodCall(call, "into_iter"), iter_of(T.tuple_of(k.ty, T.list_of(elem))))


def _repeat(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """itertools.repeat(obj[, times]): `std::iter::repeat(obj)`, taken `times` times (none for a
    negative count, as Python), endless without one. Python yields the same object each time:
    only values that cannot change in place (analysis/values.py REPEATABLE) are repeated as
    copies."""
    from portalis.analysis.values import REPEATABLE

    _no_kwargs("repeat", kwargs, ("times",))
    if not args or len(args) > 2 or (len(args) == 2 and kwargs):
        raise Unsupported("PTL133", "itertools.repeat(obj[, times])")
    obj = args[0]
    times = args[1] if len(args) == 2 else kwargs.get("times")
    if obj.ty.kind not in REPEATABLE:
        raise Unsupported("PTL133", f"itertools.repeat() of a {obj.ty} (Python yields the same object each time)")
    it: ir.Expr = ir.Call(ir.Path("std::iter::repeat"), (owned(obj),))
    if times is not None:
        if times.ty.kind not in ("int", "bool"):
            raise Unsupported("PTL113", f"itertools.repeat() count of {times.ty}")
        count = ir.MethodCall(ir.Call(ir.Path("usize::try_from"), (read(coerce(times, T.INT)),)), "unwrap_or", (ir.IntLit(0),))
        it = ir.MethodCall(it, "take", (count,))
    return Val(it, iter_of(obj.ty))


ITERTOOLS: dict[str, Rule] = {
    "repeat": _repeat,
    "groupby": _groupby,
    "combinations": _combinatoric("combinations"),
    "permutations": _combinatoric("permutations"),
    "product": _product,
    "chain": _chain,
    "accumulate": _accumulate,
    "islice": lambda lw, args, kwargs: _generators().lower_islice(lw, args, kwargs),
}

MODULE_MEMBERS: dict[str, set[str]] = {
    "math": set(MATH) | set(MATH_CONSTANTS),
    "string": set(_STRING_CONSTANTS) | {"capwords"},
    "collections": set(COLLECTIONS),
    "heapq": set(HEAPQ),
    "functools": set(FUNCTOOLS),
    "itertools": set(ITERTOOLS),
    "bisect": set(BISECT),
    "re": {"compile", "escape", *RE_RULES, *RE_FLAGS},
    "json": {"dumps", "loads", "dump", "load"},
    "base64": set(BASE64_MEMBERS),
    "binascii": set(BINASCII_MEMBERS),
    "datetime": {"date", "timedelta", "datetime", "time", "timezone", "MINYEAR", "MAXYEAR"},
    "fractions": {"Fraction"},
    UCD_3_2: set(UCD_STR_FUNCTIONS),
    "random": {"seed", "random", "randint", "randrange", "uniform", "choice", "shuffle"},
    "statistics": {"mean", "fmean", "median", "median_low", "median_high", "variance", "pvariance", "stdev", "pstdev"},
    # named so that their use gets a diagnostic of its own (lower_module_member), not a generic one
    "decimal": {"Decimal", "getcontext", "setcontext", "localcontext", "Context", "DefaultContext", "InvalidOperation",
                "ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_DOWN", "ROUND_UP", "ROUND_CEILING", "ROUND_FLOOR",
                "ROUND_HALF_DOWN", "ROUND_05UP"},
}


def lower_module_member(
    lw: "FunctionLowerer", module: str, name: str, call: tuple[list[Val], dict[str, Val]] | None
) -> Val:
    """`math.sqrt(x)`, `math.pi`, `string.ascii_lowercase`: a table per supported module."""
    if module == "re":
        return lower_re(lw, name, call)
    if module in ("base64", "binascii"):
        return lower_base64(lw, module, name, call)
    if module == UCD_3_2:
        from portalis.lower.stdlib_unicodedata import lower_ucd32

        return lower_ucd32(lw, name, call)
    if module == "fractions":
        from portalis.lower.stdlib_fractions import lower_fractions

        return lower_fractions(lw, name, call)
    if module == "random":
        from portalis.lower.stdlib_random import lower_random

        return lower_random(lw, name, call)
    if module == "statistics":
        from portalis.lower.stdlib_statistics import lower_statistics

        return lower_statistics(lw, name, call)
    if module == "decimal":
        from portalis.lower.stdlib_decimal import lower_decimal

        return lower_decimal(lw, name, call)
    if module == "json":
        from portalis.lower.stdlib_json import lower_json

        return lower_json(lw, name, call)
    if module == "datetime":
        from portalis.lower.stdlib_datetime import lower_datetime

        return lower_datetime(lw, name, call)
    if module == "math":
        if call is None:
            if name in MATH_CONSTANTS:
                return Val(MATH_CONSTANTS[name], T.FLOAT)
            raise Unsupported("PTL135", f"`math.{name}` as a value is not supported")
        rule = MATH.get(name)
        if rule is None:
            raise Unsupported("PTL133", f"`math.{name}()` is not supported yet")
        return rule(lw, *call)
    if module == "collections" and call is not None and name in COLLECTIONS:
        return COLLECTIONS[name](lw, *call)
    if module == "heapq" and call is not None and name in HEAPQ:
        return HEAPQ[name](lw, *call)
    if module == "functools" and call is not None and name in FUNCTOOLS:
        return FUNCTOOLS[name](lw, *call)
    if module == "itertools" and call is not None and name in ITERTOOLS:
        return ITERTOOLS[name](lw, *call)
    if module == "bisect" and call is not None and name in BISECT:
        return BISECT[name](lw, *call)
    if module == "string" and call is not None and name == "capwords":
        args, kwargs = call
        sep = args[1] if len(args) > 1 else kwargs.get("sep")
        if not 1 <= len(args) <= 2 or set(kwargs) - {"sep"} or (len(args) > 1 and "sep" in kwargs):
            raise Unsupported("PTL133", "string.capwords(s[, sep])")
        if sep is not None and sep.ty.kind == "none":
            sep = None
        if sep is not None and isinstance(sep.expr, ir.StrLit) and not sep.expr.value:
            raise Unsupported("PTL113", "string.capwords with an empty separator (ValueError in Python)")
        lw.use_runtime("string_capwords")
        sep_arg: ir.Expr = ir.Path("None") if sep is None else ir.Call(ir.Path("Some"), (str_view(coerce(sep, T.STR)),))
        return Val(ir.Call(ir.Path("crate::pyrt::string_capwords"), (str_view(coerce(args[0], T.STR)), sep_arg)), T.STR)
    if module == "string" and call is None and name in _STRING_CONSTANTS:
        return Val(ir.StrLit(_STRING_CONSTANTS[name]), T.STR, Mode.REF)
    raise Unsupported("PTL133", f"`{module}.{name}` is not supported yet")


__all__ = ["BUILTINS", "MODULE_MEMBERS", "lower_builtin", "lower_module_member", "iter_of", "sort_call", "reverse_flag", "cmp_keys", "isinstance_of", "TYPE_NAMES", "collect_vec", "owned"]
