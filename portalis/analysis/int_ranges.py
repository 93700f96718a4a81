"""Value ranges of a function's ints, from i64 arguments (the boundary cases every int parameter
gets: -2**63 and 2**63-1), to choose between i64 and checked i128 (issue 12).

A function in the subset of portalis/analysis/int_growth.py (ints only, no lists, no calls)
whose ints do not grow without bound can still pass i64 midway where Python's result comes
back inside it: `calendar.leapdays` decrements a year (`y1 -= 1` of -2**63), an automorphic
number test squares its argument (`n * n`, below 2**126) and then only divides it. Interval
arithmetic over the body (flow-sensitive, loops to a fixed point) proves every value inside
i128; such a function is computed in i128 and converted back at its return (OverflowError
there, where Python's int really leaves i64). A range the analysis cannot bound (a sum
accumulated in a loop) keeps the function on i64 and its overflow checks.
"""

from __future__ import annotations

import libcst as cst

I64 = (-(2**63), 2**63 - 1)
_LIMIT = 2**127  # i128's magnitude
_ROUNDS = 12  # loop iterations before a range that keeps changing is called unbounded

Range = tuple[int, int]
Env = dict[str, Range]


class Unbounded(Exception):
    """A value's range leaves i128 (or the analysis cannot bound it)."""


def _fit(lo: int, hi: int) -> Range:
    if lo < -_LIMIT or hi >= _LIMIT:
        raise Unbounded
    return lo, hi


def _join(a: Env | None, b: Env | None) -> Env | None:
    if a is None:
        return None if b is None else dict(b)
    if b is None:
        return dict(a)
    out = dict(a)
    for k, (lo, hi) in b.items():
        out[k] = (min(lo, out[k][0]), max(hi, out[k][1])) if k in out else (lo, hi)
    return out


def _floordiv(a: Range, b: Range) -> Range:
    if b[0] == b[1] and b[0] != 0:
        c = b[0]
        x, y = a[0] // c, a[1] // c
        return min(x, y), max(x, y)
    m = max(abs(a[0]), abs(a[1])) + 1  # |a // b| <= |a| + 1 for b != 0
    return -m, m


def _mod(b: Range) -> Range:
    if b[0] == b[1] and b[0] > 0:
        return 0, b[0] - 1
    if b[0] == b[1] and b[0] < 0:
        return b[0] + 1, 0
    m = max(abs(b[0]), abs(b[1])) - 1  # |a % b| < |b|
    return -max(m, 0), max(m, 0)


def _pow(a: Range, k: int) -> Range:
    m = max(abs(a[0]), abs(a[1]))
    if k < 0 or m.bit_length() * k > 130:
        raise Unbounded
    ends = [a[0] ** k, a[1] ** k]
    lo, hi = min(ends), max(ends)
    if k % 2 == 0 and a[0] <= 0 <= a[1]:
        lo = 0
    return lo, hi


class _Ranges:
    def __init__(self, params: list[str], returns_int: bool) -> None:
        self.params = params
        self.returns_int = returns_int
        self.leaves: dict[int, cst.CSTNode] = {}  # values whose range leaves i64 (by id)
        self.breaks: list[list[Env]] = []

    # ------------------------------------------------------------- expressions
    def expr(self, e: cst.BaseExpression, env: Env, top: bool = False, back: bool = True) -> Range:
        """The value's range. `back`: whether a value past i64 here can come back inside it
        (an operand of `//`, `%`, `-`, a comparison, a local's value); an operand of `+`, `*`,
        `**` only grows further, so i128 would change nothing there."""
        r = self._expr(e, env)
        if back and not top and (r[0] < I64[0] or r[1] > I64[1]):
            self.leaves[id(e)] = e
        return r

    def _expr(self, e: cst.BaseExpression, env: Env) -> Range:
        if isinstance(e, cst.Integer):
            v = e.evaluated_value
            assert isinstance(v, int)
            return _fit(v, v)
        if isinstance(e, cst.Name):
            if e.value not in env:  # a module constant (its type and value are not known here)
                raise Unbounded
            return env[e.value]
        if isinstance(e, cst.UnaryOperation):
            r = self.expr(e.expression, env)
            return r if isinstance(e.operator, cst.Plus) else _fit(-r[1], -r[0])
        if isinstance(e, cst.BinaryOperation):
            back = isinstance(e.operator, (cst.FloorDivide, cst.Modulo, cst.Subtract))
            a, b = self.expr(e.left, env, back=back), self.expr(e.right, env, back=back)
            return self._binary(e.operator, a, b, e.right)
        raise Unbounded  # calls, items, len: outside what is bounded here

    def _binary(self, op: cst.BaseBinaryOp | cst.BaseAugOp, a: Range, b: Range, right: cst.BaseExpression) -> Range:
        if isinstance(op, (cst.Add, cst.AddAssign)):
            return _fit(a[0] + b[0], a[1] + b[1])
        if isinstance(op, (cst.Subtract, cst.SubtractAssign)):
            return _fit(a[0] - b[1], a[1] - b[0])
        if isinstance(op, (cst.Multiply, cst.MultiplyAssign)):
            ends = [x * y for x in a for y in b]
            return _fit(min(ends), max(ends))
        if isinstance(op, (cst.FloorDivide, cst.FloorDivideAssign)):
            return _fit(*_floordiv(a, b))
        if isinstance(op, (cst.Modulo, cst.ModuloAssign)):
            return _fit(*_mod(b))
        if isinstance(op, (cst.Power, cst.PowerAssign)) and b[0] == b[1]:
            return _fit(*_pow(a, b[0]))
        raise Unbounded

    def cond(self, e: cst.BaseExpression, env: Env) -> None:
        """Only the ints inside a condition are ranged (no narrowing by the test)."""
        if isinstance(e, cst.Comparison):
            self.expr(e.left, env)
            for c in e.comparisons:
                self.expr(c.comparator, env)
        elif isinstance(e, cst.BooleanOperation):
            self.cond(e.left, env)
            self.cond(e.right, env)
        elif isinstance(e, cst.UnaryOperation) and isinstance(e.operator, cst.Not):
            self.cond(e.expression, env)
        elif not (isinstance(e, cst.Name) and e.value in ("True", "False")):
            self.expr(e, env)

    # ------------------------------------------------------------- statements
    def suite(self, stmts, env: Env | None) -> Env | None:
        """The ranges after the statements (None: no path falls through)."""
        for s in stmts:
            if env is None:
                return None
            env = self.stmt(s, env)
        return env

    def stmt(self, s: cst.CSTNode, env: Env) -> Env | None:
        if isinstance(s, cst.SimpleStatementLine):
            out: Env | None = dict(env)
            for small in s.body:
                if out is None:
                    break
                out = self.small(small, out)
            return out
        if isinstance(s, cst.If):
            self.cond(s.test, env)
            body = self.suite(s.body.body, dict(env))
            if isinstance(s.orelse, cst.If):
                other = self.stmt(s.orelse, dict(env))
            elif isinstance(s.orelse, cst.Else):
                other = self.suite(s.orelse.body.body, dict(env))
            else:
                other = dict(env)
            return _join(body, other)
        if isinstance(s, (cst.While, cst.For)):
            head: Env = dict(env)
            if isinstance(s, cst.For):
                assert isinstance(s.target, cst.Name) and isinstance(s.iter, cst.Call)
                # a range bound past i64 only at the boundary (`range(2, n - 1)` of -2**63)
                # does not choose i128: the counter would pay for it in every loop (is_prime's
                # `n % k`); on i64 such a bound stays an OverflowError, and the counter is i64
                bounds = [self.expr(a.value, env, back=False) for a in s.iter.args[:2]]
                lo, hi = (min(b[0] for b in bounds), max(b[1] for b in bounds)) if len(bounds) > 1 else (0, bounds[0][1])
                head[s.target.value] = (max(min(lo, 0), I64[0]), min(max(hi, 0), I64[1]))
            for _ in range(_ROUNDS):
                if isinstance(s, cst.While):
                    self.cond(s.test, head)
                self.breaks.append([])
                after = self.suite(s.body.body, dict(head))
                exits = self.breaks.pop()
                nxt = _join(head, after)
                assert nxt is not None
                if nxt == head:
                    out = head
                    for b in exits:
                        out = _join(out, b) or out
                    return out
                head = nxt
            raise Unbounded  # still changing: a value accumulated in the loop
        raise Unbounded

    def small(self, s: cst.BaseSmallStatement, env: Env) -> Env | None:
        if isinstance(s, cst.Pass):
            return env
        if isinstance(s, (cst.Break, cst.Continue)):
            if isinstance(s, cst.Break) and self.breaks:
                self.breaks[-1].append(dict(env))
            return None if isinstance(s, cst.Break) else env  # `continue`: the loop head joins it
        if isinstance(s, cst.Return):
            assert s.value is not None
            if self.returns_int:
                self.expr(s.value, env, top=True)  # converted to i64 at the return
            else:
                self.cond(s.value, env)
            return None
        if isinstance(s, cst.AugAssign) and isinstance(s.target, cst.Name):
            a, b = self.expr(s.target, env), self.expr(s.value, env)
            value = self._binary(s.operator, a, b, s.value)
            if value[0] < I64[0] or value[1] > I64[1]:
                self.leaves[id(s)] = s
            env[s.target.value] = value
            return env
        if isinstance(s, cst.Assign):
            t = s.targets[0].target
            if isinstance(t, cst.Name):
                env[t.value] = self.expr(s.value, env)
                return env
            if isinstance(t, cst.Tuple) and isinstance(s.value, cst.Tuple):
                values = [self.expr(el.value, env) for el in s.value.elements]
                for el, v in zip(t.elements, values):
                    assert isinstance(el.value, cst.Name)
                    env[el.value.value] = v
                return env
        raise Unbounded


def leaves_i64(fn: cst.FunctionDef, params: list[str], returns_int: bool) -> list[cst.CSTNode] | None:
    """The values (expressions, augmented assignments) of a subset function that can leave i64
    while every value stays inside i128, the arguments being any i64; None when some range is
    not bounded inside i128. The returned value itself is not counted: it is converted to i64
    at the return either way."""
    body = list(fn.body.body) if isinstance(fn.body, cst.IndentedBlock) else []
    if body and isinstance(body[0], cst.SimpleStatementLine) and isinstance(body[0].body[0], cst.Expr):
        body = body[1:]  # the docstring (the subset admits no other expression statement here)
    ranges = _Ranges(params, returns_int)
    try:
        ranges.suite(body, {p: I64 for p in params})
    except Unbounded:
        return None
    except RecursionError:
        # an expression nested past the stack (a 988-term sum): no range, so plain checked i64;
        # the function's own lowering then says PTL160 for it, and the module's map is kept
        return None
    return list(ranges.leaves.values())
