"""Lowering a function whose ints can pass i64 midway in checked i128 (issue 12): the analysis
(`int_growth.wide_reason`, `int_ranges`) proved every value inside i128 for i64 arguments.

The signature stays i64 (callers, cases and the harness are unchanged): each parameter is
widened on entry (`let y1 = i128::from(y1);`), locals, literals and range counters are i128,
`+ - *` are Rust's (overflow-checked in every profile; the ranges say they cannot overflow),
`//`, `%`, `**` Python's (`pyrt::wide_floordiv`, `wide_mod`, `wide_pow`), and an int result is
converted back with `pyrt::wide_to_i64` (OverflowError where Python's int leaves i64). A bool
result is the condition itself.
"""

from __future__ import annotations

import libcst as cst

from portalis.lower.bigint import BigIntLowerer, SmallLowerer
from portalis.lower.mutability import fix_mutability
from portalis.model import FunctionSignature
from portalis.rust import ir

I128 = ir.TPath("i128")
_HELPERS = {"//": "wide_floordiv", "%": "wide_mod", "**": "wide_pow"}


class WideLowerer(SmallLowerer):
    """The subset lowering (BigIntLowerer's statements) on i128 values."""

    def __init__(self, sig: FunctionSignature, node: cst.FunctionDef) -> None:
        super().__init__(sig, node)
        self.returns_bool = sig.returns.kind == "bool"

    def lower(self) -> ir.Fn:
        fn = BigIntLowerer.lower(self)
        widen = tuple(ir.Let(ir.PBind(p.name, mutable=True), I128, ir.Call(ir.Path("i128::from"), (ir.Path(p.name),)))
                      for p in fn.params)
        params = tuple(ir.Param(p.name, ir.I64) for p in fn.params)
        ret = ir.BOOL if self.returns_bool else ir.I64
        return fix_mutability(ir.Fn(name=fn.name, params=params, ret=ret,
                                    body=ir.Block(widen + fn.body.stmts, fn.body.tail), attrs=fn.attrs))

    def small(self, s: cst.BaseSmallStatement) -> list[ir.Stmt]:
        if isinstance(s, cst.Return) and s.value is not None and self.returns_bool:
            return [ir.Return(self.cond(s.value))]
        return super().small(s)

    def result(self, value: ir.Expr) -> ir.Expr:
        return ir.Call(self.helper("wide_to_i64"), (value,))

    def local_type(self, name: str) -> ir.Type:
        return I128

    def range_start(self) -> ir.Expr:
        return ir.IntLit(0, "i128")

    def zero(self) -> ir.Expr:
        return ir.IntLit(0, "i128")

    def literal(self, value: int) -> ir.Expr:
        return ir.IntLit(value, "i128")

    def owned(self, e: cst.BaseExpression) -> ir.Expr:
        if isinstance(e, cst.UnaryOperation) and isinstance(e.operator, cst.Minus) and not isinstance(e.expression, cst.Integer):
            return ir.Unary("-", self.owned(e.expression))
        return super().owned(e)

    def binary(self, op: str, left: cst.BaseExpression, right: cst.BaseExpression) -> ir.Expr:
        if op in _HELPERS:
            return ir.Call(self.helper(_HELPERS[op]), (self.owned(left), self.owned(right)))
        return ir.Binary(op, self.owned(left), self.owned(right))


def lower_wide_function(sig: FunctionSignature, node: cst.FunctionDef) -> tuple[ir.Fn, set[str]]:
    """The function in checked i128 and the runtime helpers it calls."""
    lw = WideLowerer(sig, node)
    fn = lw.lower()
    return fn, lw.runtime
