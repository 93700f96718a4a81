"""`decimal.Decimal` (issue 12, item 3) on the runtime's `pyrt::PyDecimal`: a sign, a num-bigint
coefficient and an exponent under Python's default context (28 significant digits,
ROUND_HALF_EVEN, Emin -999999, Emax 999999, traps InvalidOperation, DivisionByZero, Overflow),
each operation `_pydecimal.py`'s step for step. No crate has these semantics (rust_decimal is
96 bits with its own rounding, bigdecimal has no context, fastnum's decimals are fixed-width with
another default context).

Translated: `Decimal(str)`, `Decimal(int)`, `Decimal(float)` (its exact binary value),
`Decimal(d)`; `+ - * / // %` between Decimals and with ints (ints convert exactly, as Python's);
unary `-`/`+`, `abs()`; comparisons with Decimals and ints (`<` with a NaN raises
InvalidOperation, `==` is False); `d.quantize(q[, rounding])` with any of the eight
`ROUND_*` names (they are strs, as in Python); `round(d)`, `round(d, n)`; `str()`, `repr()`,
`int()`, `float()`, truth; `getcontext().prec` read (28). Python's exceptions keep their class
names (InvalidOperation, DivisionByZero, Overflow: DecimalException, an ArithmeticError).

Not translated, each a diagnostic: a changed context (`getcontext().prec = 50`, `setcontext`,
`localcontext()`, any other `getcontext()` use), a float operand (TypeError in Python) or a
comparison with a float, `**`, format specs, the other methods (`sqrt`, `ln`, `normalize`...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from portalis.lower.context import Mode, Unsupported, Val
from portalis.lower.values import borrow, coerce, read, str_view
from portalis.model import PyType
from portalis.rust import ir
from portalis.types import pytypes as T

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

DECIMAL = PyType(kind="decimal")
ROUNDINGS = ("ROUND_DOWN", "ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_CEILING", "ROUND_FLOOR", "ROUND_UP",
             "ROUND_HALF_DOWN", "ROUND_05UP")
NAMES = frozenset({"Decimal", "getcontext", *ROUNDINGS})
# `getcontext()`: the default context, read only. Its only translated use is `.prec`.
CONTEXT = PyType(kind="decimal_context")
_METHODS = {cst.Add: "add", cst.Subtract: "sub", cst.Multiply: "mul", cst.Divide: "div", cst.FloorDivide: "floordiv",
            cst.Modulo: "rem"}
_NOT_TRANSLATED = ("the translation runs Python's default decimal context (28 digits, ROUND_HALF_EVEN); "
                   "changing it is not translated")


def _use(lw: "FunctionLowerer") -> None:
    lw.use_runtime("PyDecimal")


def lower_decimal(lw: "FunctionLowerer", name: str, call: tuple[list[Val], dict[str, Val]] | None) -> Val:
    """`decimal.Decimal(x)`, `decimal.ROUND_HALF_UP`, `decimal.getcontext()`."""
    if name in ROUNDINGS and call is None:
        return Val(ir.StrLit(name), T.STR, Mode.REF)  # Python's rounding constants are these strs
    if name == "getcontext" and call is not None and not call[0] and not call[1]:
        return Val(ir.Path("crate::pyrt::DEC_PREC"), CONTEXT)
    if name != "Decimal" or call is None:
        raise Unsupported("PTL133", f"`decimal.{name}` is not translated: {_NOT_TRANSLATED}"
                          if name in ("setcontext", "localcontext", "Context", "getcontext", "DefaultContext")
                          else f"`decimal.{name}` is not translated yet (Decimal, quantize, the ROUND_* names are)")
    args, kwargs = call
    if kwargs or len(args) > 1:
        raise Unsupported("PTL133", "Decimal(value, context) is not translated: the translation runs the default context")
    if not args:
        _use(lw)
        return Val(ir.Call(ir.Path("crate::pyrt::PyDecimal::from_i64"), (ir.IntLit(0, "i64"),)), DECIMAL)
    return to_decimal(lw, args[0], construct=True)


def to_decimal(lw: "FunctionLowerer", v: Val, construct: bool = False) -> Val:
    """A Decimal, int or bool operand as a Decimal (`Decimal(x)` too: `construct` allows a str
    and a float, which Python's operators refuse)."""
    k = v.ty.kind
    if k == "decimal":
        return v
    _use(lw)
    if k in ("int", "bool"):
        return Val(ir.Call(ir.Path("crate::pyrt::PyDecimal::from_i64"), (read(coerce(v, T.INT)),)), DECIMAL)
    if construct and k == "str":
        return Val(lw.propagate(ir.Call(ir.Path("crate::pyrt::decimal_from_str"), (str_view(v),))), DECIMAL)
    if construct and k == "float":
        return Val(ir.Call(ir.Path("crate::pyrt::PyDecimal::from_f64"), (read(v),)), DECIMAL)
    if construct:
        raise Unsupported("PTL133", f"Decimal() of {v.ty}: a str, an int, a float or a Decimal is translated")
    raise Unsupported("PTL113", f"a Decimal with {v.ty} (TypeError in Python: Decimal operators take Decimals and ints)")


def binary(lw: "FunctionLowerer", op: cst.BaseBinaryOp, a: Val, b: Val) -> Val | None:
    """Arithmetic with a Decimal operand; None when neither is one (or `"%s" % d`)."""
    if "decimal" not in (a.ty.kind, b.ty.kind) or a.ty.kind == "str":
        return None
    method = _METHODS.get(type(op))
    if method is None:
        raise Unsupported("PTL133", f"operator {type(op).__name__} on a Decimal is not translated yet")
    x, y = to_decimal(lw, a), to_decimal(lw, b)
    return Val(lw.propagate(ir.MethodCall(x.expr, method, (borrow(y),))), DECIMAL)


def compare(lw: "FunctionLowerer", rust_op: str, a: Val, b: Val) -> ir.Expr | None:
    """`a < b`, `a == b` with a Decimal side: by value (`Decimal('1.0') == 1`); ordering with a NaN
    raises InvalidOperation, `==` with one is False. None when neither side is a Decimal."""
    if "decimal" not in (a.ty.kind, b.ty.kind):
        return None
    if "float" in (a.ty.kind, b.ty.kind):
        raise Unsupported("PTL133", "comparing a Decimal with a float is not translated yet (Python compares exact values)")
    x, y = to_decimal(lw, a), to_decimal(lw, b)
    if rust_op in ("==", "!="):
        same = ir.MethodCall(x.expr, "eq_py", (borrow(y),))
        return same if rust_op == "==" else ir.Unary("!", same)
    order = lw.propagate(ir.MethodCall(x.expr, "cmp_py", (borrow(y),)))
    return ir.Binary(rust_op, order, ir.Path("std::cmp::Ordering::Equal"))


def unary(lw: "FunctionLowerer", op: str, v: Val) -> Val:
    """`-d`, `+d`, `abs(d)`: rounded to the context, as Python's."""
    _use(lw)
    return Val(lw.propagate(ir.MethodCall(v.expr, op)), DECIMAL)


def method(lw: "FunctionLowerer", recv: Val, name: str, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`d.quantize(q[, rounding])`."""
    _use(lw)
    if name == "quantize" and 1 <= len(args) <= 2 and set(kwargs) <= {"rounding"} and len(args) + len(kwargs) <= 2:
        rounding = args[1] if len(args) == 2 else kwargs.get("rounding")
        if rounding is not None and rounding.ty.kind != "str":
            raise Unsupported("PTL113", f"quantize(rounding={rounding.ty}): a ROUND_* name (a str) is expected")
        q = to_decimal(lw, args[0])
        mode = str_view(rounding) if rounding is not None else ir.StrLit("ROUND_HALF_EVEN")
        return Val(lw.propagate(ir.MethodCall(recv.expr, "quantize", (borrow(q), mode))), DECIMAL)
    raise Unsupported("PTL134", f"Decimal.{name}() is not translated yet (quantize is)")


def context_field(lw: "FunctionLowerer", name: str) -> Val:
    """`getcontext().prec`: 28 (the default context's, which the translation never changes)."""
    if name != "prec":
        raise Unsupported("PTL133", f"getcontext().{name} is not translated yet (prec is)")
    _use(lw)
    return Val(ir.Path("crate::pyrt::DEC_PREC"), T.INT)


def to_str(lw: "FunctionLowerer", v: Val) -> ir.Expr:
    """`str(d)`: the spec's to-sci-string (`1.10`, `1E+2`, `-0`, `NaN`)."""
    _use(lw)
    return ir.Call(ir.Path("crate::pyrt::decimal_str"), (borrow(v),))


def to_repr(lw: "FunctionLowerer", v: Val) -> ir.Expr:
    """`repr(d)`: `Decimal('1.10')`."""
    _use(lw)
    return ir.Call(ir.Path("crate::pyrt::decimal_repr"), (borrow(v),))


def to_int(lw: "FunctionLowerer", v: Val) -> Val:
    """`int(d)`: truncated; ValueError for a NaN, OverflowError for an infinity or past i64."""
    _use(lw)
    return Val(lw.propagate(ir.MethodCall(v.expr, "to_i64")), T.INT)


def to_float(lw: "FunctionLowerer", v: Val) -> Val:
    """`float(d)`: the nearest float."""
    _use(lw)
    return Val(lw.propagate(ir.MethodCall(v.expr, "to_f64")), T.FLOAT)


def rounded(lw: "FunctionLowerer", v: Val, ndigits: Val | None) -> Val:
    """`round(d)` (an int, halves to even), `round(d, n)` (a Decimal quantized to n places)."""
    _use(lw)
    if ndigits is None or ndigits.ty.kind == "none":
        return Val(lw.propagate(ir.MethodCall(v.expr, "round_int")), T.INT)
    return Val(lw.propagate(ir.MethodCall(v.expr, "round_to", (read(coerce(ndigits, T.INT)),))), DECIMAL)


def truthy(v: Val) -> ir.Expr:
    """`if d:`: zero is false; NaNs and infinities are true."""
    return ir.MethodCall(v.expr, "is_true")
