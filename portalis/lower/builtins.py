"""Builtin functions: a declarative table from name to lowering rule (which gives the result type).

A rule receives the lowering context and the already-lowered positional arguments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from portalis.lower.context import Mode, Unsupported, Val
from portalis.lower.values import borrow, coerce, owned, read, str_view, to_float
from portalis.rust import ir
from portalis.types import pytypes as T

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

Rule = Callable[["FunctionLowerer", list[Val]], Val]


def _arity(name: str, args: list[Val], *counts: int) -> None:
    if len(args) not in counts:
        raise Unsupported("PTL133", f"{name}() with {len(args)} argument(s) is not supported")


def _len(lw: "FunctionLowerer", args: list[Val]) -> Val:
    _arity("len", args, 1)
    (v,) = args
    if v.ty.kind == "str":
        count = ir.MethodCall(ir.MethodCall(v.expr, "chars"), "count")
        return Val(ir.Cast(count, ir.I64), T.INT)
    if v.ty.kind in ("list", "dict", "set"):
        return Val(ir.Cast(ir.MethodCall(v.expr, "len"), ir.I64), T.INT)
    if v.ty.kind == "tuple":
        return Val(ir.IntLit(len(v.ty.args)), T.INT)
    raise Unsupported("PTL113", f"len() of {v.ty}")


def _abs(lw: "FunctionLowerer", args: list[Val]) -> Val:
    _arity("abs", args, 1)
    (v,) = args
    if v.ty.kind not in ("int", "float"):
        raise Unsupported("PTL113", f"abs() of {v.ty}")
    return Val(ir.MethodCall(lw.receiver(v), "abs"), v.ty)


def _minmax(name: str) -> Rule:
    def rule(lw: "FunctionLowerer", args: list[Val]) -> Val:
        if len(args) == 1 and args[0].ty.kind == "list":
            (v,) = args
            elem = v.ty.args[0]
            it = ir.MethodCall(v.expr, "iter")
            if elem.kind == "float":
                # f64 is not Ord: fold with f64::min/max (Python raises on an empty list too).
                folded = ir.MethodCall(
                    ir.MethodCall(it, "copied"), "reduce", (ir.Path(f"f64::{name}"),)
                )
                return Val(ir.MethodCall(folded, "expect", (ir.StrLit(f"ValueError: {name}() arg is an empty sequence"),)), elem)
            call = ir.MethodCall(it, name)
            got = ir.MethodCall(call, "expect", (ir.StrLit(f"ValueError: {name}() arg is an empty sequence"),))
            return Val(got, elem, Mode.REF)
        if len(args) < 2:
            raise Unsupported("PTL133", f"{name}() of {len(args)} argument(s) of these types")
        kinds = {a.ty.kind for a in args}
        if not kinds <= {"int", "float", "bool"}:
            raise Unsupported("PTL113", f"{name}() of {', '.join(str(a.ty) for a in args)}")
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

    return rule


def _int(lw: "FunctionLowerer", args: list[Val]) -> Val:
    _arity("int", args, 1)
    (v,) = args
    if v.ty.kind == "int":
        return v
    if v.ty.kind in ("float", "bool"):
        return Val(ir.Cast(read(v), ir.I64), T.INT)
    if v.ty.kind == "str":
        lw.use_runtime("parse_int")
        return Val(ir.Call(ir.Path("crate::pyrt::parse_int"), (borrow(v),)), T.INT)
    raise Unsupported("PTL113", f"int() of {v.ty}")


def _float(lw: "FunctionLowerer", args: list[Val]) -> Val:
    _arity("float", args, 1)
    (v,) = args
    if v.ty.kind in ("int", "float", "bool"):
        return to_float(v)
    if v.ty.kind == "str":
        lw.use_runtime("parse_float")
        return Val(ir.Call(ir.Path("crate::pyrt::parse_float"), (borrow(v),)), T.FLOAT)
    raise Unsupported("PTL113", f"float() of {v.ty}")


def _str(lw: "FunctionLowerer", args: list[Val]) -> Val:
    _arity("str", args, 1)
    return Val(lw.to_str(args[0]), T.STR)


def _bool(lw: "FunctionLowerer", args: list[Val]) -> Val:
    _arity("bool", args, 1)
    return Val(lw.truthy(args[0]), T.BOOL)


def _ord(lw: "FunctionLowerer", args: list[Val]) -> Val:
    _arity("ord", args, 1)
    lw.use_runtime("ord")
    return Val(ir.Call(ir.Path("crate::pyrt::ord"), (str_view(args[0]),)), T.INT)


def _chr(lw: "FunctionLowerer", args: list[Val]) -> Val:
    _arity("chr", args, 1)
    lw.use_runtime("chr")
    return Val(ir.Call(ir.Path("crate::pyrt::chr"), (read(coerce(args[0], T.INT)),)), T.STR)


def _sum(lw: "FunctionLowerer", args: list[Val]) -> Val:
    _arity("sum", args, 1)
    (v,) = args
    if v.ty.kind != "list" or v.ty.args[0].kind not in ("int", "float"):
        raise Unsupported("PTL113", f"sum() of {v.ty}")
    elem = v.ty.args[0]
    rust = ir.I64 if elem.kind == "int" else ir.F64
    return Val(ir.MethodCall(ir.MethodCall(v.expr, "iter"), "sum", turbofish=(rust,)), elem)


BUILTINS: dict[str, Rule] = {
    "len": _len,
    "abs": _abs,
    "min": _minmax("min"),
    "max": _minmax("max"),
    "int": _int,
    "float": _float,
    "str": _str,
    "bool": _bool,
    "ord": _ord,
    "chr": _chr,
    "sum": _sum,
}


def lower_builtin(lw: "FunctionLowerer", name: str, args: list[Val]) -> Val:
    rule = BUILTINS.get(name)
    if rule is None:
        raise Unsupported("PTL133", f"builtin `{name}()` is not supported yet")
    return rule(lw, args)


__all__ = ["BUILTINS", "lower_builtin", "owned"]
