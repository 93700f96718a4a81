"""Lowering a whole function on num_bigint::BigInt: the one whose ints the analysis says may
grow past i64 and whose body is in the subset it checked (portalis/analysis/int_growth.py).

Every int parameter, local, literal and the return are BigInt; `range` counters stay i64 (the
bounds are converted, OverflowError past i64) and are converted where read. Operators take
their operands by reference (`&a * &b`); `//`, `%`, `**` are the runtime's `big_floordiv`,
`big_mod`, `big_pow` (Python's rounding, signs and errors). A local list of ints is a
`Vec<BigInt>` (`Vec<i64>` on the fast path), indexed with Python's rules (`pyrt::index`). A
construct outside the subset is Unsupported here, but the analysis has already kept such
functions on i64.
"""

from __future__ import annotations

import dataclasses

import libcst as cst

from portalis.analysis.int_growth import AUG_OPS, CMP_OPS, OPS, list_depths, list_locals
from portalis.lower.context import Unsupported
from portalis.lower.mutability import fix_mutability
from portalis.lower.stdlib_functools import MEMO_HELPERS, Memo, memoised
from portalis.model import FunctionSignature
from portalis.rust import ir
from portalis.rust.values import big_literal
from portalis.types import pytypes as T
from portalis.types.rust_types import BIGINT, rust_ident

BIG = ir.TPath(BIGINT)
CRATES = ("num-bigint",)
_HELPERS = {"//": "big_floordiv", "%": "big_mod", "**": "big_pow"}


class BigIntLowerer:
    """Lowers one function of the subset; `runtime` collects the helpers it calls."""

    def __init__(self, sig: FunctionSignature, node: cst.FunctionDef,
                 twins: dict[str, tuple[list[int], int]] | None = None) -> None:
        self.sig = sig
        self.node = node
        self.params = {p.name for p in sig.params}
        self.counters: set[str] = set()  # range counters (i64) in scope
        self.twins = twins or {}  # callees through their BigInt twins: parameters' and return's nestings
        depths = {k: v[1] for k, v in self.twins.items()}
        self.lists = list_locals(node, depths)  # locals holding a list of ints (Vec<BigInt>)
        self.depths = list_depths(node, self.lists, depths)  # 2: a list of lists (Vec<Vec<BigInt>>)
        self.runtime: set[str] = set()

    def helper(self, name: str) -> ir.Path:
        self.runtime.add(name)
        return ir.Path(f"crate::pyrt::{name}")

    def lower(self) -> ir.Fn:
        body = list(self.node.body.body) if isinstance(self.node.body, cst.IndentedBlock) else []
        if body and _is_docstring(body[0]):
            body = body[1:]
        locals_ = sorted(_assigned(self.node) - self.params)
        decls: list[ir.Stmt] = [ir.Let(ir.PBind(rust_ident(n), mutable=True), self.local_type(n), None) for n in locals_]
        stmts = decls + self.suite(body)
        tail = None
        if stmts and isinstance(stmts[-1], ir.Return):  # the final `return x` is the block's value
            tail = stmts.pop().value
        params = tuple(ir.Param(rust_ident(p.name), BIG, mutable=p.name in _assigned(self.node)) for p in self.sig.params)
        fn = ir.Fn(name=rust_ident(self.sig.name), params=params, ret=BIG, body=ir.Block(tuple(stmts), tail),
                   attrs=(ir.Allow(("non_snake_case",)),) if not self.sig.name.islower() else ())
        return fix_mutability(fn)

    def local_type(self, name: str) -> ir.Type:
        return self.nested(self.int_type(), self.depths.get(name, 0))

    def int_type(self) -> ir.Type:
        return BIG

    @staticmethod
    def nested(t: ir.Type, depth: int) -> ir.Type:
        for _ in range(depth):
            t = ir.TPath("Vec", (t,))
        return t

    def twin_call(self, e: cst.Call) -> ir.Expr:
        """`g(a, b)` of a function with a BigInt twin: `__g_big(&a, &b)` (lists borrowed)."""
        assert isinstance(e.func, cst.Name)
        return ir.Call(ir.Path(twin_name(rust_ident(e.func.value), self.twin_suffix())), self.twin_args(e))

    def twin_suffix(self) -> str:
        return "big"

    def twin_args(self, e: cst.Call) -> tuple[ir.Expr, ...]:
        assert isinstance(e.func, cst.Name)
        depths, _ = self.twins[e.func.value]
        return tuple(self.owned(a.value) if d == 0 else ir.Ref(ir.Path(rust_ident(a.value.value)))  # type: ignore[attr-defined]
                     for a, d in zip(e.args, depths))

    # ---------------------------------------------------------------- statements
    def suite(self, stmts) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        for s in stmts:
            out.extend(self.stmt(s))
        return out

    def block(self, suite: cst.BaseSuite) -> ir.Block:
        if not isinstance(suite, cst.IndentedBlock):
            raise Unsupported("PTL233", "a one-line block on BigInt")
        return ir.Block(tuple(self.suite(suite.body)))

    def stmt(self, s: cst.CSTNode) -> list[ir.Stmt]:
        if isinstance(s, cst.SimpleStatementLine):
            return [x for small in s.body for x in self.small(small)]
        if isinstance(s, cst.If):
            return [ir.ExprStmt(self.if_expr(s))]
        if isinstance(s, cst.While):
            return [ir.While(self.cond(s.test), self.block(s.body))]
        if isinstance(s, cst.For):
            assert isinstance(s.target, cst.Name) and isinstance(s.iter, cst.Call)
            args = [self.to_i64(a.value) for a in s.iter.args]
            if len(args) == 1:
                iterable: ir.Expr = ir.RangeExpr(self.range_start(), args[0])
            elif len(args) == 2:
                iterable = ir.RangeExpr(args[0], args[1])
            else:
                iterable = ir.Call(self.helper("range_step"), tuple(args))
            name = s.target.value
            self.counters.add(name)
            try:
                body = self.block(s.body)
            finally:
                self.counters.discard(name)
            return [ir.For(ir.PBind(rust_ident(name)), iterable, body)]
        raise Unsupported("PTL233", "a statement outside the BigInt subset", s)

    def range_start(self) -> ir.Expr:
        """The start of `range(n)` (the counters' type: i64 here)."""
        return ir.IntLit(0, "i64")

    def result(self, value: ir.Expr) -> ir.Expr:
        """What `return value` returns (the value itself here; Some(value) on the i64 path)."""
        return value

    def if_expr(self, s: cst.If) -> ir.IfExpr:
        orelse: ir.Block | ir.IfExpr | None = None
        if isinstance(s.orelse, cst.If):
            orelse = self.if_expr(s.orelse)
        elif isinstance(s.orelse, cst.Else):
            orelse = self.block(s.orelse.body)
        return ir.IfExpr(self.cond(s.test), self.block(s.body), orelse)

    def small(self, s: cst.BaseSmallStatement) -> list[ir.Stmt]:
        if isinstance(s, cst.Pass):
            return []
        if isinstance(s, cst.Break):
            return [ir.Break()]
        if isinstance(s, cst.Continue):
            return [ir.Continue()]
        if isinstance(s, cst.Return) and s.value is not None:
            if isinstance(s.value, cst.Name) and s.value.value not in self.counters:
                return [ir.Return(self.result(ir.Path(rust_ident(s.value.value))))]  # moved out: nothing reads it after
            return [ir.Return(self.result(self.owned(s.value)))]
        if isinstance(s, cst.AugAssign) and isinstance(s.target, (cst.Name, cst.Subscript)):
            # `p[i] += p[j]`: the new value is computed from borrows first, then stored
            op = AUG_OPS[type(s.operator)]
            return self.store(s.target, self.binary(op, s.target, s.value))
        if (isinstance(s, cst.Expr) and isinstance(s.value, cst.Call) and isinstance(s.value.func, cst.Attribute)
                and isinstance(s.value.func.value, cst.Name)):  # `xs.append(x)`
            return [ir.ExprStmt(ir.MethodCall(ir.Path(rust_ident(s.value.func.value.value)), "push",
                                              (self.owned(s.value.args[0].value),)))]
        if isinstance(s, cst.Assign):
            t = s.targets[0].target
            if isinstance(t, cst.Name) and t.value in self.lists:
                return [ir.Assign(ir.Path(rust_ident(t.value)), self.list_value(s.value))]
            if isinstance(t, cst.Subscript):
                return self.store(t, self.owned(s.value))
            if isinstance(t, cst.Name):
                return [ir.Assign(ir.Path(rust_ident(t.value)), self.owned(s.value))]
            if isinstance(t, cst.Tuple) and isinstance(s.value, cst.Tuple):
                # `a, b = b, a * b`: every value first, then the names (Python's order).
                temps = [f"__t{i}" for i in range(len(t.elements))]
                values = tuple(self.owned(el.value) for el in s.value.elements)
                out: list[ir.Stmt] = [ir.Let(ir.PTuple(tuple(ir.PBind(x) for x in temps)), None, ir.TupleExpr(values))]
                for el, temp in zip(t.elements, temps):
                    assert isinstance(el.value, cst.Name)
                    out.append(ir.Assign(ir.Path(rust_ident(el.value.value)), ir.Path(temp)))
                return out
        raise Unsupported("PTL233", "a statement outside the BigInt subset", s)

    def store(self, t: cst.BaseExpression, value: ir.Expr) -> list[ir.Stmt]:
        """`t = value` for a local or one item of a list local. An item's position is computed
        first (`xs[index(i, xs.len())] = v` borrows xs mutably while `len` reads it), after the
        value; both are pure here, so only which error wins could tell the order apart."""
        if isinstance(t, cst.Subscript):
            item = self.item(t)
            assert isinstance(item, ir.Index)
            return [ir.Let(ir.PBind("__v"), None, value), ir.Let(ir.PBind("__at"), None, item.index),
                    ir.Assign(ir.Index(item.receiver, ir.Path("__at")), ir.Path("__v"))]
        assert isinstance(t, cst.Name)
        return [ir.Assign(ir.Path(rust_ident(t.value)), value)]

    def item(self, e: cst.Subscript) -> ir.Expr:
        """`xs[i]` as a place: Python's index (negative from the end, IndexError outside);
        `m[i][j]` of a list of lists indexes the row read first."""
        assert isinstance(e.value, (cst.Name, cst.Subscript)) and isinstance(e.slice[0].slice, cst.Index)
        xs = self.item(e.value) if isinstance(e.value, cst.Subscript) else ir.Path(rust_ident(e.value.value))
        position = ir.Call(self.helper("index"), (self.to_i64(e.slice[0].slice.value), ir.MethodCall(xs, "len")))
        return ir.Index(xs, position)

    def list_value(self, e: cst.BaseExpression) -> ir.Expr:
        """A Vec of the list value: `vec![a, b]`, `[a] * n` (pyrt::list_repeat), `l + r` (concat)."""
        if isinstance(e, cst.List):
            return ir.Macro("vec", tuple(self.list_value(el.value) if isinstance(el.value, cst.List) else self.owned(el.value)
                                         for el in e.elements), brackets="[]")
        if isinstance(e, cst.Call):  # `m = matrix_mul(m, m)`: the twin's new list
            return self.twin_call(e)
        if isinstance(e, cst.Name):  # an operand of `xs + [x]`: Python builds a new list
            return ir.MethodCall(ir.Path(rust_ident(e.value)), "clone")
        assert isinstance(e, cst.BinaryOperation)
        if isinstance(e.operator, cst.Multiply):
            # Python repeats a list a negative number of times as zero times
            count = ir.Cast(ir.MethodCall(self.to_i64(e.right), "max", (ir.IntLit(0, "i64"),)), ir.USIZE)
            return ir.Call(self.helper("list_repeat"), (ir.Ref(self.list_value(e.left)), count))
        return ir.MethodCall(ir.ArrayLit((self.list_value(e.left), self.list_value(e.right))), "concat")

    def length(self, xs: ir.Expr) -> ir.Expr:
        """`len(xs)` as an int."""
        return ir.Call(ir.Path(f"{BIGINT}::from"), (ir.MethodCall(xs, "len"),))

    # ---------------------------------------------------------------- expressions
    def cond(self, e: cst.BaseExpression) -> ir.Expr:
        if isinstance(e, cst.Comparison):
            parts: list[ir.Expr] = []
            left = e.left
            for c in e.comparisons:
                # a comparison borrows its operands itself: a variable is compared in place
                parts.append(ir.Binary(CMP_OPS[type(c.operator)], self.place(left), self.place(c.comparator)))
                left = c.comparator
            out = parts[0]
            for p in parts[1:]:
                out = ir.Binary("&&", out, p)
            return out
        if isinstance(e, cst.BooleanOperation):
            op = "&&" if isinstance(e.operator, cst.And) else "||"
            return ir.Binary(op, self.cond(e.left), self.cond(e.right))
        if isinstance(e, cst.UnaryOperation) and isinstance(e.operator, cst.Not):
            return ir.Unary("!", self.cond(e.expression))
        if isinstance(e, cst.Name) and e.value in ("True", "False"):
            return ir.BoolLit(e.value == "True")
        return ir.Binary("!=", self.place(e), self.zero())  # an int's truth

    def zero(self) -> ir.Expr:
        return big_literal(0)

    def place(self, e: cst.BaseExpression) -> ir.Expr:
        """The expression's value where Rust only borrows it (a comparison operand)."""
        if isinstance(e, cst.Name) and e.value not in self.counters:
            return ir.Path(rust_ident(e.value))
        if isinstance(e, cst.Subscript):
            return self.item(e)
        return self.owned(e)

    def ref(self, e: cst.BaseExpression) -> ir.Expr:
        """A `&BigInt` of the expression's value (a variable or an item is borrowed, not cloned)."""
        if isinstance(e, cst.Name) and e.value not in self.counters:
            return ir.Ref(ir.Path(rust_ident(e.value)))
        if isinstance(e, cst.Subscript):
            return ir.Ref(self.item(e))
        return ir.Ref(self.owned(e))

    def owned(self, e: cst.BaseExpression) -> ir.Expr:
        """An owned BigInt of the expression's value."""
        if isinstance(e, cst.Integer):
            value = e.evaluated_value
            assert isinstance(value, int)
            return big_literal(value)
        if isinstance(e, cst.Name):
            if e.value in self.counters:
                return ir.Call(ir.Path(f"{BIGINT}::from"), (ir.Path(rust_ident(e.value)),))
            return ir.MethodCall(ir.Path(rust_ident(e.value)), "clone")
        if isinstance(e, cst.BinaryOperation):
            return self.binary(OPS[type(e.operator)], e.left, e.right)
        if isinstance(e, cst.Subscript):
            return ir.MethodCall(self.item(e), "clone")
        if isinstance(e, cst.Call) and isinstance(e.func, cst.Name) and e.func.value == "len":
            assert isinstance(e.args[0].value, cst.Name)
            return self.length(ir.Path(rust_ident(e.args[0].value.value)))
        if isinstance(e, cst.UnaryOperation):
            if isinstance(e.operator, cst.Plus):
                return self.owned(e.expression)
            if isinstance(e.expression, cst.Integer):
                value = e.expression.evaluated_value
                assert isinstance(value, int)
                return big_literal(-value)
            return ir.Unary("-", self.ref(e.expression))
        if isinstance(e, cst.Call) and isinstance(e.func, cst.Name) and e.func.value == self.sig.name:
            return ir.Call(ir.Path(rust_ident(self.sig.name)), tuple(self.owned(a.value) for a in e.args))
        raise Unsupported("PTL233", "an expression outside the BigInt subset", e)

    def binary(self, op: str, left: cst.BaseExpression, right: cst.BaseExpression) -> ir.Expr:
        if op in _HELPERS:
            return ir.Call(self.helper(_HELPERS[op]), (self.ref(left), self.ref(right)))
        return ir.Binary(op, self.ref(left), self.ref(right))

    def to_i64(self, e: cst.BaseExpression) -> ir.Expr:
        """A range bound: the counter is an i64 (OverflowError past it, as before)."""
        if isinstance(e, cst.Integer) and isinstance(e.evaluated_value, int) and -(2**63) < e.evaluated_value < 2**63:
            return ir.IntLit(e.evaluated_value, "i64")
        if isinstance(e, cst.Name) and e.value in self.counters:
            return ir.Path(rust_ident(e.value))
        return ir.Call(self.helper("big_to_i64"), (self.ref(e),))


I64 = ir.TPath("i64")
_SMALL_HELPERS = {"//": "small_floordiv", "%": "small_mod", "**": "small_pow"}
_CHECKED = {"+": "checked_add", "-": "checked_sub", "*": "checked_mul"}


def small_name(name: str) -> str:
    """The i64 fast path's name of a function on BigInt (`__f_i64`: a leading `__` no Python
    function of the module reaches, so it cannot clash)."""
    return f"__{name}_i64"


class SmallLowerer(BigIntLowerer):
    """The same function on i64 with checked arithmetic, returning None as soon as a value
    leaves i64 (or an operation would raise): the i64 fast path of a function on BigInt.

    The subset is pure (ints in, an int out, calls only to itself), so running the BigInt
    version from the start when this one gives up is invisible but for the time: values that
    stay in i64 (most calls) never allocate, values that grow cost the work up to the overflow
    twice. Errors (a zero divisor, a negative exponent) are left to the BigInt path, so they
    are raised by one piece of code."""

    def lower(self) -> ir.Fn:
        fn = super().lower()
        option = ir.TPath("Option", (I64,))
        params = tuple(ir.Param(p.name, I64, p.mutable) for p in fn.params)
        stmts = fn.body.stmts  # the locals' declarations already have i64 types (`local_type`)
        tail = fn.body.tail  # a final `return x` already gave Some(x)
        attrs = fn.attrs + (ir.DocHidden(),)
        return fix_mutability(ir.Fn(name=small_name(fn.name), params=params, ret=option, body=ir.Block(stmts, tail),
                                    attrs=attrs))

    def result(self, value: ir.Expr) -> ir.Expr:
        return ir.Call(ir.Path("Some"), (value,))

    def int_type(self) -> ir.Type:
        return I64

    def twin_suffix(self) -> str:
        return "small"

    def twin_call(self, e: cst.Call) -> ir.Expr:
        return ir.Try(super().twin_call(e))  # the twin gave up: this path gives up too

    def length(self, xs: ir.Expr) -> ir.Expr:
        return ir.Try(ir.MethodCall(ir.Call(ir.Path("i64::try_from"), (ir.MethodCall(xs, "len"),)), "ok"))

    def zero(self) -> ir.Expr:
        return ir.IntLit(0, "i64")

    def owned(self, e: cst.BaseExpression) -> ir.Expr:
        if isinstance(e, cst.Integer):
            value = e.evaluated_value
            assert isinstance(value, int)
            return self.literal(value)
        if isinstance(e, cst.Name):
            return ir.Path(rust_ident(e.value))
        if isinstance(e, cst.UnaryOperation) and isinstance(e.operator, cst.Minus):
            if isinstance(e.expression, cst.Integer):
                value = e.expression.evaluated_value
                assert isinstance(value, int)
                return self.literal(-value)
            return ir.Try(ir.MethodCall(self.owned(e.expression), "checked_neg"))
        if isinstance(e, cst.Call) and isinstance(e.func, cst.Name) and e.func.value == self.sig.name:
            return ir.Try(ir.Call(ir.Path(small_name(rust_ident(self.sig.name))), tuple(self.owned(a.value) for a in e.args)))
        if isinstance(e, cst.Subscript):
            return self.item(e)  # an i64 item is copied
        return super().owned(e)

    def literal(self, value: int) -> ir.Expr:
        if -(2**63) <= value < 2**63:
            return ir.IntLit(value, "i64")
        return ir.Try(ir.Path("None", (ir.I64,)))  # a literal past i64: the BigInt path from the start

    def place(self, e: cst.BaseExpression) -> ir.Expr:
        return self.owned(e)

    def ref(self, e: cst.BaseExpression) -> ir.Expr:
        return self.owned(e)

    def to_i64(self, e: cst.BaseExpression) -> ir.Expr:
        return self.owned(e)

    def binary(self, op: str, left: cst.BaseExpression, right: cst.BaseExpression) -> ir.Expr:
        if op in _SMALL_HELPERS:
            return ir.Try(ir.Call(self.helper(_SMALL_HELPERS[op]), (self.owned(left), self.owned(right))))
        return ir.Try(ir.MethodCall(self.owned(left), _CHECKED[op], (self.owned(right),)))


def twin_name(name: str, suffix: str) -> str:
    """A twin's name: `__matrix_mul_big`, `__matrix_mul_small` (no Python name reaches it)."""
    return f"__{name}_{suffix}"


class _Twin:
    """A function's BigInt twin (or its i64 twin, Option on overflow) for callers on BigInt:
    the parameters' lists borrowed (`&[Vec<BigInt>]`), the one returned list built."""

    def twin_fn(self, depths: list[int], ret_depth: int) -> ir.Fn:
        lw: BigIntLowerer = self  # type: ignore[assignment]
        body = list(lw.node.body.body) if isinstance(lw.node.body, cst.IndentedBlock) else []
        ret = body[-1].body[0]  # type: ignore[attr-defined]
        params = tuple(ir.Param(rust_ident(p.name), lw.int_type() if d == 0 else ir.TRef(ir.TSlice(lw.nested(lw.int_type(), d - 1))))
                       for p, d in zip(lw.sig.params, depths))
        value = lw.result(lw.list_value(ret.value))
        ret_type = lw.nested(lw.int_type(), ret_depth)
        if isinstance(lw, SmallLowerer):
            ret_type = ir.TPath("Option", (ret_type,))
        return fix_mutability(ir.Fn(name=twin_name(rust_ident(lw.sig.name), lw.twin_suffix()), params=params,
                                    ret=ret_type, body=ir.Block((), value), attrs=(ir.DocHidden(),)))


class _BigTwin(_Twin, BigIntLowerer):
    pass


class _SmallTwin(_Twin, SmallLowerer):
    pass


def lower_twins(sig: FunctionSignature, node: cst.FunctionDef, depths: list[int], ret_depth: int) -> tuple[ir.Item, set[str]]:
    """The BigInt and i64 twins of a function of int lists (`twin_problem` said it can have them)."""
    lists = {p.name: d for p, d in zip(sig.params, depths) if d}
    big, small = _BigTwin(sig, node), _SmallTwin(sig, node)
    for lw in (big, small):
        lw.lists = set(lists)
        lw.depths = dict(lists)
    return ir.Items((big.twin_fn(depths, ret_depth), small.twin_fn(depths, ret_depth))), big.runtime | small.runtime


def lower_bigint_function(sig: FunctionSignature, node: cst.FunctionDef,
                          memo: Memo | None = None,
                          twins: dict[str, tuple[list[int], int]] | None = None) -> tuple[ir.Item, set[str]]:
    """The function on BigInt with its i64 fast path (`small_name`), and the runtime helpers
    they call. The BigInt function tries the fast path first; i64 callers call it directly.

    A cached function (`memo`, functools' cache) is wrapped in its memo and has no fast path:
    the fast path's recursion would bypass the memo (fib(90) in 2**90 calls), so its stand-in
    (`small_stub`) always gives up and every call goes through the memo."""
    if memo is not None:
        cached = BigIntLowerer(sig, node, twins)
        fn = memoised(cached.lower(), False, f"{rust_ident(sig.name)}_uncached")
        return ir.Items((fn, small_stub(sig))), cached.runtime | set(MEMO_HELPERS)
    big = BigIntLowerer(sig, node, twins)
    small = SmallLowerer(sig, node, twins)
    big_fn, small_fn = big.lower(), small.lower()
    args = [ir.Path(p.name) for p in big_fn.params]
    # `if let (Some(a), ...) = (small_arg(&a), ...) { if let Some(r) = __f_i64(a, ...) { return BigInt::from(r) } }`
    smalls = tuple(ir.Call(ir.Path("crate::pyrt::big_small"), (ir.Ref(a),)) for a in args)
    names = [f"__{p.name.removeprefix('r#')}" for p in big_fn.params]
    pats = tuple(ir.PVariant("Some", (ir.PBind(n),)) for n in names)
    fast = ir.Call(ir.Path(small_fn.name), tuple(ir.Path(n) for n in names))
    hit = ir.IfExpr(ir.LetPattern(ir.PVariant("Some", (ir.PBind("__r"),)), fast),
                    ir.Block((ir.Return(ir.Call(ir.Path(f"{BIGINT}::from"), (ir.Path("__r"),))),)))
    if len(args) == 1:
        guard: ir.Stmt = ir.ExprStmt(ir.IfExpr(ir.LetPattern(pats[0], smalls[0]), ir.Block((ir.ExprStmt(hit),))))
    else:
        guard = ir.ExprStmt(ir.IfExpr(ir.LetPattern(ir.PTuple(pats), ir.TupleExpr(smalls)), ir.Block((ir.ExprStmt(hit),))))
    if not args:  # no parameter: the fast path is tried as is
        guard = ir.ExprStmt(hit)
    big_fn = dataclasses.replace(big_fn, body=ir.Block((guard,) + big_fn.body.stmts, big_fn.body.tail))
    return ir.Items((big_fn, small_fn)), big.runtime | small.runtime | {"big_small"}


def small_stub(sig: FunctionSignature) -> ir.Fn:
    """The fast path's stand-in when the function is quarantined: it always gives up (None), so
    callers fall through to the BigInt function's own stub."""
    params = tuple(ir.Param(f"_{p.name}", I64) for p in sig.params)
    return ir.Fn(name=small_name(rust_ident(sig.name)), params=params, ret=ir.TPath("Option", (I64,)),
                 body=ir.Block((), ir.Path("None")), attrs=(ir.DocHidden(),))


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr)
            and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


def _assigned(node: cst.FunctionDef) -> set[str]:
    """Names the body binds by assignment (range counters are the loops' own)."""
    out: set[str] = set()

    class V(cst.CSTVisitor):
        def visit_AssignTarget(self, n: cst.AssignTarget) -> None:
            t = n.target
            names = [el.value for el in t.elements] if isinstance(t, cst.Tuple) else [t]
            out.update(x.value for x in names if isinstance(x, cst.Name))

        def visit_AugAssign(self, n: cst.AugAssign) -> None:
            if isinstance(n.target, cst.Name):
                out.add(n.target.value)

    node.body.visit(V())
    return out


# ---------------------------------------------------------------- callers on i64
def on_bigint(sig: FunctionSignature) -> FunctionSignature | None:
    """For a callee lowered on BigInt, its signature as an i64 caller sees it (ints); None for
    any other callee. The caller converts each argument and the result (`bigint_arg`,
    `bigint_result`): past i64 the result is an OverflowError there, as before."""
    if sig.returns.kind != "bigint" and not any(p.py_type.kind == "bigint" for p in sig.params):
        return None
    params = [p.model_copy(update={"py_type": T.INT}) if p.py_type.kind == "bigint" else p for p in sig.params]
    return sig.model_copy(update={"params": params, "returns": T.INT if sig.returns.kind == "bigint" else sig.returns})


def bigint_arg(e: ir.Expr) -> ir.Expr:
    return ir.Call(ir.Path(f"{BIGINT}::from"), (e,))


def bigint_result(call: ir.Expr) -> ir.Expr:
    return ir.Call(ir.Path("crate::pyrt::big_to_i64"), (ir.Ref(call),))


def bigint_call(path: str, args: list[ir.Expr]) -> ir.Expr:
    """An i64 caller's call of a function on BigInt, `args` simple i64 expressions (names,
    literals: read twice): its i64 fast path, the BigInt function only when that gives up
    (`__f_i64(a).unwrap_or_else(|| big_to_i64(&f(BigInt::from(a))))`)."""
    head, _, name = path.rpartition("::")
    fast = ir.Call(ir.Path(f"{head}::{small_name(name)}" if head else small_name(name)), tuple(args))
    slow = bigint_result(ir.Call(ir.Path(path), tuple(bigint_arg(a) for a in args)))
    return ir.MethodCall(fast, "unwrap_or_else", (ir.Closure((), slow),))
