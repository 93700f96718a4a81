"""Ownership conversions between how a value is held (Mode) and how it is needed.

Every clone, borrow and to_string the translation emits is decided here, from the value's mode
and type, so no other code guesses about ownership.
"""

from __future__ import annotations

from portalis.lower.context import Mode, Unsupported, Val
from portalis.model import PyType
from portalis.rust import ir
from portalis.types import pytypes as T
from portalis.types.pytypes import is_copy


def owned(v: Val) -> ir.Expr:
    """The value as an owned Rust value (moves only fresh values; clones places)."""
    if v.mode is Mode.OWNED:
        return v.expr
    if is_copy(v.ty):
        return ir.Unary("*", v.expr) if v.mode is Mode.REF else v.expr
    if v.mode is Mode.PLACE:
        return ir.MethodCall(v.expr, "clone")
    if v.ty.kind == "str":
        return ir.MethodCall(v.expr, "to_string")
    if v.ty.kind == "list":
        return ir.MethodCall(v.expr, "to_vec")
    return ir.MethodCall(v.expr, "clone")


def borrow(v: Val) -> ir.Expr:
    """The value as a shared reference (deref coercion turns &String into &str, &Vec into &[T])."""
    if v.mode is Mode.REF:
        return v.expr
    return ir.Ref(v.expr)


def read(v: Val) -> ir.Expr:
    """The value for an operator or a by-value use that does not move (Copy types)."""
    if is_copy(v.ty) and v.mode is Mode.REF:
        return ir.Unary("*", v.expr)
    return v.expr


def str_view(v: Val) -> ir.Expr:
    """A str value as &str (for comparisons and patterns)."""
    if v.mode is Mode.REF:
        return v.expr
    return ir.MethodCall(v.expr, "as_str")


def list_view(v: Val) -> ir.Expr:
    if v.mode is Mode.REF:
        return v.expr
    return ir.MethodCall(v.expr, "as_slice")


def comparable(v: Val) -> ir.Expr:
    """An operand for ==, <, ... : both sides end up the same Rust type."""
    if v.ty.kind == "str":
        return str_view(v)
    if v.ty.kind == "list":
        return list_view(v)
    if v.mode is Mode.REF:
        return ir.Unary("*", v.expr)
    return v.expr


def to_float(v: Val) -> Val:
    if v.ty.kind == "float":
        return v
    if v.ty.kind in ("int", "bool"):
        if isinstance(v.expr, ir.IntLit):
            return Val(ir.FloatLit(float(v.expr.value)), T.FLOAT)
        return Val(ir.Cast(read(v), ir.F64), T.FLOAT)
    raise Unsupported("PTL113", f"expected a number, got {v.ty}")


def coerce(v: Val, target: PyType) -> Val:
    """Fit a value into a slot of Python type `target` (int -> float, T -> Optional[T])."""
    if v.ty == target:
        return v
    if target.kind == "float" and v.ty.kind in ("int", "bool"):
        return to_float(v)
    if target.kind == "int" and v.ty.kind == "bool":
        return Val(ir.Cast(read(v), ir.I64), T.INT)
    if target.kind == "optional":
        if v.ty.kind == "none":
            return Val(ir.Path("None"), target)
        inner = coerce(v, target.args[0])
        return Val(ir.Call(ir.Path("Some"), (owned(inner),)), target)
    if v.ty.kind == "unknown" or target.kind == "unknown":
        return v
    if target.kind == v.ty.kind and target.kind in ("list", "dict", "set", "tuple") and not v.ty.args:
        return Val(v.expr, target, v.mode)  # an empty literal takes the slot's element types
    if target.kind == v.ty.kind and target.kind in ("list", "set", "dict", "tuple"):
        if all(a == b or b.kind == "unknown" for a, b in zip(target.args, v.ty.args)):
            return Val(v.expr, target, v.mode)
    raise Unsupported("PTL113", f"a value of type {v.ty} where {target} is expected")


def owned_as(v: Val, target: PyType) -> ir.Expr:
    """Coerce, then own: what an assignment, a return or a struct field needs."""
    return owned(coerce(v, target))
