"""`statistics` basics and `math.fsum` (issue 12, item 3) on runtime helpers that follow Python
3.11 exactly: `mean`, `variance`, `pvariance` sum the data as exact fractions
(num-rational's BigRational) and round once, `stdev`/`pstdev` take the correctly rounded
square root of that fraction (`_float_sqrt_of_frac`), `fmean` is CPython's `fsum` (Shewchuk's
partials) over n, `median*` sort. Python's errors: StatisticsError (a ValueError) for too few
points, `fsum`'s OverflowError/ValueError, AttributeError where Python's `stdev` meets a
non-finite value.

Where Python's result type depends on the values it is not translated (PTL133): `mean`,
`median`, `variance` of ints (an int when the result is whole, else a float); so is any
function of another element type (Decimal, Fraction) and the optional arguments (`xbar`, `mu`,
`weights`). The median of data holding a NaN raises NotImplementedError in the Rust (where a
NaN lands in Python's sort depends on the input's order).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portalis.lower.context import Unsupported, Val
from portalis.rust import ir
from portalis.types import pytypes as T

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

# name -> (helper, extra argument, element kinds accepted)
_FLOAT_ONLY = ("float",)
STATISTICS: dict[str, tuple[str, ir.Expr | None, tuple[str, ...]]] = {
    "mean": ("stat_mean", None, _FLOAT_ONLY),
    "fmean": ("stat_fmean", None, ("float", "int")),
    "median": ("stat_median", None, _FLOAT_ONLY),
    "median_low": ("stat_median_side", ir.BoolLit(False), ("float", "int")),
    "median_high": ("stat_median_side", ir.BoolLit(True), ("float", "int")),
    "variance": ("stat_variance", ir.BoolLit(False), _FLOAT_ONLY),
    "pvariance": ("stat_variance", ir.BoolLit(True), _FLOAT_ONLY),
    "stdev": ("stat_stdev", ir.BoolLit(False), _FLOAT_ONLY),
    "pstdev": ("stat_stdev", ir.BoolLit(True), _FLOAT_ONLY),
}
NAMES = frozenset(STATISTICS)


def _data(lw: "FunctionLowerer", v: Val, accepted: tuple[str, ...], name: str) -> tuple[ir.Expr, str]:
    """The data as a slice of f64 (or of i64 for `median_low/high` of ints) and its element kind."""
    from portalis.lower.builtins import collect_vec
    from portalis.lower.values import list_view

    if v.ty.kind == "list" and v.ty.args:
        elem = v.ty.args[0].kind
        vec = list_view(v)
    else:
        items, elem_t = collect_vec(lw, v)
        elem, vec = elem_t.kind, ir.Ref(items)
    if elem not in accepted:
        why = ("its result is an int or a float depending on the values" if elem in ("int", "bool") and name in
               ("mean", "median", "variance", "pvariance") else f"data of {elem} is not translated yet")
        raise Unsupported("PTL133", f"{name}() of {v.ty}: {why} (floats are translated)")
    if elem == "int" and name in ("fmean", "fsum"):
        # fsum converts each int to the nearest float, as `as f64` does (round half to even)
        x = lw.temp("x")
        floats = ir.MethodCall(ir.MethodCall(ir.MethodCall(vec, "iter"), "map", (
            ir.Closure((ir.PBind(x),), ir.Cast(ir.Unary("*", ir.Path(x)), ir.F64)),)), "collect",
            turbofish=(ir.TPath("Vec", (ir.F64,)),))
        return ir.Ref(floats), "float"
    return vec, elem


def lower_statistics(lw: "FunctionLowerer", name: str, call: tuple[list[Val], dict[str, Val]] | None) -> Val:
    """`statistics.mean(xs)` and the other names of STATISTICS."""
    rule = STATISTICS.get(name)
    if rule is None or call is None:
        raise Unsupported("PTL133", f"`statistics.{name}` is not translated yet ({', '.join(sorted(STATISTICS))} are)")
    args, kwargs = call
    if kwargs or len(args) != 1:
        raise Unsupported("PTL133", f"statistics.{name}() with more than its data (xbar, mu, weights) is not translated yet")
    helper, extra, accepted = rule
    data, elem = _data(lw, args[0], accepted, name)
    if elem == "int":
        helper = "stat_median_side_int"
    lw.use_runtime("statistics")
    call_args = (data,) if extra is None else (data, extra)
    return Val(lw.propagate(ir.Call(ir.Path(f"crate::pyrt::{helper}"), call_args)), T.INT if elem == "int" else T.FLOAT)


def lower_fsum(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`math.fsum(xs)`: CPython's algorithm (exactly rounded)."""
    if kwargs or len(args) != 1:
        raise Unsupported("PTL113", "math.fsum() takes one iterable")
    data, _ = _data(lw, args[0], ("float", "int"), "fsum")
    lw.use_runtime("fsum")
    return Val(lw.propagate(ir.Call(ir.Path("crate::pyrt::fsum"), (data,))), T.FLOAT)
