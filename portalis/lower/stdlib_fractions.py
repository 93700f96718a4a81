"""`fractions.Fraction` (issue 12, item 3) on `num_rational::BigRational` (pyrt `PyFraction`):
Python's Fraction is an exact ratio of two unbounded ints in lowest terms with a positive
denominator, which is what num-rational's `Ratio<BigInt>` keeps.

Translated: `Fraction(n, d)`, `Fraction(n)` of ints, `Fraction(x)` of a float (its exact value);
`+ - * /` between fractions and with ints (a float operand makes the result a float, as Python),
`//` (an int), unary `-`, comparisons of two fractions, `.numerator`/`.denominator`, `str()`,
`float()`. Python's errors: `Fraction(1, 0)` and a division by zero raise ZeroDivisionError with
Python's message. Not yet (PTL133/PTL134): `Fraction("3/4")`, `limit_denominator`, `**`,
comparisons with ints or floats, `%`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from portalis.lower.context import Unsupported, Val
from portalis.lower.values import borrow, coerce, read
from portalis.model import PyType
from portalis.rust import ir
from portalis.types import pytypes as T

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

FRACTION = PyType(kind="fraction")
NAMES = frozenset({"Fraction"})
_OPS = {cst.Add: "+", cst.Subtract: "-", cst.Multiply: "*"}


def _call(lw: "FunctionLowerer", name: str, *args: ir.Expr) -> ir.Expr:
    lw.use_runtime("PyFraction")
    return ir.Call(ir.Path(f"crate::pyrt::{name}"), args)


def lower_fractions(lw: "FunctionLowerer", name: str, call: tuple[list[Val], dict[str, Val]] | None) -> Val:
    """`fractions.Fraction(n, d)`, `Fraction(n)`, `Fraction(x)`."""
    if name != "Fraction" or call is None:
        raise Unsupported("PTL133", f"`fractions.{name}` is not supported yet (Fraction(n, d) is)")
    args, kwargs = call
    if kwargs or not 1 <= len(args) <= 2:
        raise Unsupported("PTL133", "Fraction(numerator, denominator) with positional ints")
    kinds = [a.ty.kind for a in args]
    if len(args) == 1 and kinds[0] == "float":
        return Val(lw.propagate(_call(lw, "fraction_from_float", read(args[0]))), FRACTION)
    if len(args) == 1 and kinds[0] == "fraction":
        return args[0]
    if not all(k in ("int", "bool") for k in kinds):
        raise Unsupported("PTL133", f"Fraction() of {', '.join(map(str, (a.ty for a in args)))}: ints, or one float, are translated")
    n = read(coerce(args[0], T.INT))
    d = read(coerce(args[1], T.INT)) if len(args) == 2 else ir.IntLit(1, "i64")
    return Val(lw.propagate(_call(lw, "fraction_new", n, d)), FRACTION)


def _as_fraction(lw: "FunctionLowerer", v: Val) -> ir.Expr:
    """A fraction or int operand as `&BigRational`."""
    if v.ty.kind == "fraction":
        return borrow(v)
    return ir.Ref(_call(lw, "fraction_int", read(coerce(v, T.INT))))


def binary(lw: "FunctionLowerer", op: cst.BaseBinaryOp, a: Val, b: Val) -> Val | None:
    """Arithmetic with a Fraction operand; None when neither is one."""
    kinds = {a.ty.kind, b.ty.kind}
    if "fraction" not in kinds or a.ty.kind == "str":
        return None  # `"%s" % f`: formatting, not arithmetic
    if "float" in kinds and kinds <= {"fraction", "float", "int", "bool"}:
        # Python converts the fraction to a float
        from portalis.lower.values import to_float

        fa = to_float(a) if a.ty.kind != "fraction" else Val(to_float_expr(lw, a), T.FLOAT)
        fb = to_float(b) if b.ty.kind != "fraction" else Val(to_float_expr(lw, b), T.FLOAT)
        return lw.binary(op, fa, fb, cst.Name("_"))
    if not kinds <= {"fraction", "int", "bool"}:
        raise Unsupported("PTL113", f"operator on {a.ty} and {b.ty} (TypeError in Python, or not translated yet)")
    x, y = _as_fraction(lw, a), _as_fraction(lw, b)
    if type(op) in _OPS:
        return Val(ir.Binary(_OPS[type(op)], x, y), FRACTION)
    if isinstance(op, cst.Divide):
        return Val(lw.propagate(_call(lw, "fraction_div", x, y)), FRACTION)
    if isinstance(op, cst.FloorDivide):
        return Val(lw.propagate(_call(lw, "fraction_floordiv", x, y)), T.INT)
    raise Unsupported("PTL133", f"operator {type(op).__name__} on a Fraction is not translated yet")


def to_float_expr(lw: "FunctionLowerer", v: Val) -> ir.Expr:
    """`float(f)`."""
    return _call(lw, "fraction_float", borrow(v))


def to_str(lw: "FunctionLowerer", v: Val) -> ir.Expr:
    """`str(f)`: `3/4`, `3`."""
    return _call(lw, "fraction_str", borrow(v))


def to_repr(lw: "FunctionLowerer", v: Val) -> ir.Expr:
    """`repr(f)`: `Fraction(3, 4)`."""
    return _call(lw, "fraction_repr", borrow(v))


def negate(lw: "FunctionLowerer", v: Val) -> Val:
    """`-f`."""
    return Val(ir.Unary("-", borrow(v)), FRACTION)


def field(lw: "FunctionLowerer", recv: Val, name: str) -> Val:
    """`f.numerator`, `f.denominator`."""
    if name not in ("numerator", "denominator"):
        raise Unsupported("PTL134", f"Fraction.{name} is not supported yet")
    part = ir.MethodCall(recv.expr, "numer" if name == "numerator" else "denom")
    return Val(_call(lw, "fraction_part", part), T.INT)
