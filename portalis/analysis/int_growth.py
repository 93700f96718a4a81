"""Which functions' ints can grow past i64, and whether their body is one the BigInt lowering
(portalis/lower/bigint.py) covers.

A fact per function, computed on the syntax before lowering:
- `grows`: why its ints may leave i64 (a product or power accumulated in a loop, a product
  with a recursive call, `**` with an exponent that is not a literal, an int above 2**53 in its
  docstring's examples), None when nothing says so;
- `unsupported`: where the body steps outside what the BigInt lowering covers (then the
  function keeps i64 and its overflow checks: an overflow raises, never a wrong number).

The subset: int parameters and return; locals bound to ints or to lists of ints (`[a] * n`,
`[a] + [b]`; items read and set by one index, `append`, `len`); int literals; `+ - * // % **`,
unary minus, comparisons, `and`/`or`/`not` of comparisons and of ints' truth; `if`/`elif`/`else`, `while`,
`for NAME in range(...)` (literal step), `break`, `continue`, `pass`, `return EXPR`; tuple
assignments of names; calls to the function itself. Nothing here imports portalis.lower.
"""

from __future__ import annotations

import re

import libcst as cst
from portalis.analysis.int_ranges import leaves_i64
from portalis.cst_walk import children
from portalis.model import IntGrowth, PyType

SAFE = 2**53  # beyond it an int in the evidence says the values are large
_BIG_OPS = (cst.Multiply, cst.Power)
OPS = {cst.Add: "+", cst.Subtract: "-", cst.Multiply: "*", cst.FloorDivide: "//", cst.Modulo: "%", cst.Power: "**"}
AUG_OPS = {cst.AddAssign: "+", cst.SubtractAssign: "-", cst.MultiplyAssign: "*", cst.FloorDivideAssign: "//",
           cst.ModuloAssign: "%", cst.PowerAssign: "**"}
CMP_OPS = {cst.Equal: "==", cst.NotEqual: "!=", cst.LessThan: "<", cst.LessThanEqual: "<=",
           cst.GreaterThan: ">", cst.GreaterThanEqual: ">="}


class _Unsupported(Exception):
    pass


def _line(node: cst.CSTNode, lines: dict[cst.CSTNode, int] | None, owner: dict[int, cst.CSTNode]) -> str:
    """` (line N)` of the statement holding `node` (the source tree knows statements' lines)."""
    n = lines.get(owner.get(id(node), node)) if lines is not None else None
    return f" (line {n})" if n else ""


def _statements(node: cst.CSTNode, stmt: cst.CSTNode | None = None, out: dict[int, cst.CSTNode] | None = None) -> dict[int, cst.CSTNode]:
    """Each node's innermost enclosing statement (by id)."""
    out = {} if out is None else out
    if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        stmt = node
    if stmt is not None:
        out[id(node)] = stmt
    for child in children(node):
        _statements(child, stmt, out)
    return out


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node).strip()


def _mentions_name(node: cst.CSTNode, name: str) -> bool:
    return any(isinstance(n, cst.Name) and n.value == name for n in _walk(node))


def _walk(node: cst.CSTNode):
    """Every node under `node`, in source order (the fast walker's children: libcst's own
    `children` rebuilds each node it visits)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(children(n)))


def _calls_self(node: cst.CSTNode, fname: str) -> bool:
    return any(isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value == fname for n in _walk(node))


def _docstring_ints(fn: cst.FunctionDef) -> int | None:
    doc = fn.get_docstring(clean=False)
    if not doc:
        return None
    big = [int(m) for m in re.findall(r"(?<![\w.])-?\d{16,}(?![\w.])", doc) if abs(int(m)) > SAFE]
    return big[0] if big else None


def growth_reason(fn: cst.FunctionDef, lines: dict[cst.CSTNode, int] | None = None,
                  twins: dict[str, cst.FunctionDef] | None = None) -> str | None:
    """Why the function's ints may leave i64, or None."""
    fname = fn.name.value
    owner = _statements(fn.body)
    twin = _twin_growth(fn, twins or {})
    if twin is not None:
        assert isinstance(twin, cst.Assign) and isinstance(twin.value, cst.Call) and isinstance(twin.value.func, cst.Name)
        call = twin.value.func.value
        return f"`{_code(twin)}` in a loop: `{call}`'s products applied to its own result{_line(twin, lines, owner)}"
    loops = [n for n in _walk(fn.body) if isinstance(n, (cst.For, cst.While))]
    for loop in loops:
        for n in _walk(loop.body):
            if isinstance(n, cst.AugAssign) and isinstance(n.operator, (cst.MultiplyAssign, cst.PowerAssign)):
                return f"`{_code(n)}` accumulated in a loop{_line(n, lines, owner)}"
            if isinstance(n, cst.Assign) and len(n.targets) == 1 and isinstance(n.targets[0].target, cst.Name):
                target = n.targets[0].target.value
                for b in _walk(n.value):
                    if isinstance(b, cst.BinaryOperation) and isinstance(b.operator, _BIG_OPS) and _mentions_name(b, target):
                        return f"`{_code(n)}` accumulated in a loop{_line(n, lines, owner)}"
    lists = list_locals(fn)
    for loop in loops:
        for n in _walk(loop.body):
            grown = _list_item_growth(n, lists)
            if grown:
                return f"`{_code(n)}`: items of `{grown}` accumulated from its own items in a loop{_line(n, lines, owner)}"
    for n in _walk(fn.body):
        if isinstance(n, cst.BinaryOperation) and isinstance(n.operator, _BIG_OPS):
            if _calls_self(n.left, fname) or _calls_self(n.right, fname):
                return f"`{_code(n)}`: a product with a recursive call{_line(n, lines, owner)}"
            if isinstance(n.operator, cst.Power) and not isinstance(n.right, cst.Integer):
                return f"`{_code(n)}`: a power with a computed exponent{_line(n, lines, owner)}"
    if cached(fn):
        for n in _walk(fn.body):
            if (isinstance(n, cst.BinaryOperation) and isinstance(n.operator, cst.Add)
                    and _calls_self(n.left, fname) and _calls_self(n.right, fname)):
                # uncached, such a sum is exponential time and never reaches 2**63; cached, it
                # does in a few dozen calls (fib(93), lattice paths)
                return f"`{_code(n)}`: a sum of recursive calls of a cached function{_line(n, lines, owner)}"
    big = _docstring_ints(fn)
    if big is not None:
        return f"its docstring shows {big}, above 2**53"
    return None


def type_depth(t: PyType) -> int | None:
    """0 for an int, 1 for list[int], 2 for list[list[int]]; None for anything else."""
    if t.kind == "int":
        return 0
    if t.kind == "list" and len(t.args) == 1:
        inner = type_depth(t.args[0])
        return None if inner is None or inner >= 2 else inner + 1
    return None


def twin_problem(fn: cst.FunctionDef, params: list[tuple[str, PyType]], returns: PyType) -> str | None:
    """Whether a function can have a BigInt twin (`__f_big`, `__f_small`) for callers on
    BigInt (a matrix product `matrix_mul(a, b)` of Fibonacci by matrix power): params ints or
    lists (of lists) of ints, read only; the body one `return` of a list (of lists) of int
    expressions over the parameters' items. None: it can."""
    if fn.decorators or fn.asynchronous or type_depth(returns) not in (1, 2):
        return "not a function of int lists returning a list of ints"
    found = {n: type_depth(t) for n, t in params}
    depths = {n: d for n, d in found.items() if d is not None}
    if len(depths) != len(found):
        return "a parameter is not an int or a list of ints"
    p = fn.params
    if p.star_arg not in (None, cst.MaybeSentinel.DEFAULT) or p.star_kwarg or p.kwonly_params or p.posonly_params:
        return "*args, **kwargs or keyword-only parameters"
    body = list(fn.body.body) if isinstance(fn.body, cst.IndentedBlock) else []
    if body and _is_docstring(body[0]):
        body = body[1:]
    stmt = body[0] if len(body) == 1 else None
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1 or not _ends_in_return(stmt):
        return "more than one `return` statement"
    ret = stmt.body[0]
    assert isinstance(ret, cst.Return) and ret.value is not None
    value = ret.value
    lists = {n for n, d in depths.items() if d}
    checker = _Subset(fn.name.value, {n for n, d in depths.items() if not d}, lists, depths=depths)
    try:
        if list_depth(value, checker.depths, {}) != type_depth(returns):
            raise _Unsupported("the returned list's nesting is not its annotation's")
        checker.list_value(value)
    except _Unsupported as exc:
        return str(exc)
    return None


def list_depth(e: cst.BaseExpression, depths: dict[str, int], twins: dict[str, int]) -> int | None:
    """How deep a list value nests (1: `[a, b]`, 2: `[[a], [b]]`), None when it is no list."""
    if isinstance(e, cst.List):
        inner = {list_depth(el.value, depths, twins) or 0 for el in e.elements}
        if len(inner) > 1:  # items of different nestings (`[1, [2]]`): no list of ints
            return None
        return 1 + (inner.pop() if inner else 0)
    if isinstance(e, cst.Name):
        return depths.get(e.value)
    if isinstance(e, cst.Call) and isinstance(e.func, cst.Name) and e.func.value in twins:
        return twins[e.func.value]
    if isinstance(e, cst.BinaryOperation) and isinstance(e.operator, cst.Multiply):
        return list_depth(e.left, depths, twins)
    if isinstance(e, cst.BinaryOperation) and isinstance(e.operator, cst.Add):
        return list_depth(e.left, depths, twins)
    return None


def _twin_growth(fn: cst.FunctionDef, twins: dict[str, cst.FunctionDef]) -> cst.CSTNode | None:
    """`x = g(..., x, ...)` in a loop, g a twin whose returned items hold products: the items
    grow like powers (a matrix squared in a loop)."""
    for loop in (n for n in _walk(fn.body) if isinstance(n, (cst.For, cst.While))):
        for n in _walk(loop.body):
            if not (isinstance(n, cst.Assign) and len(n.targets) == 1 and isinstance(n.targets[0].target, cst.Name)
                    and isinstance(n.value, cst.Call) and isinstance(n.value.func, cst.Name) and n.value.func.value in twins):
                continue
            target = n.targets[0].target.value
            callee = twins[n.value.func.value]
            if (any(_mentions_name(a.value, target) for a in n.value.args)
                    and any(isinstance(b, cst.BinaryOperation) and isinstance(b.operator, cst.Multiply) for b in _walk(callee.body))):
                return n
    return None


def _list_item_growth(n: cst.CSTNode, lists: set[str]) -> str | None:
    """The list whose item `n` sets from a sum or product of the list's own items
    (`p[i] += p[i - k]`, `seq.append(seq[-1] * seq[-2])`), None otherwise: in a loop such items
    grow like Fibonacci's or faster (partition numbers, lattice paths, Sylvester's sequence)."""
    def grows_from(value: cst.BaseExpression, name: str, aug: bool) -> bool:
        reads = any(isinstance(x, cst.Subscript) and isinstance(x.value, cst.Name) and x.value.value == name
                    for x in _walk(value))
        combined = aug or any(isinstance(x, cst.BinaryOperation) and isinstance(x.operator, (cst.Add, cst.Multiply, cst.Power))
                              for x in _walk(value))
        return reads and combined

    if isinstance(n, cst.AugAssign) and isinstance(n.operator, (cst.AddAssign, cst.MultiplyAssign, cst.PowerAssign)):
        t = n.target
        if isinstance(t, cst.Subscript) and isinstance(t.value, cst.Name) and t.value.value in lists:
            return t.value.value if grows_from(n.value, t.value.value, True) else None
    if isinstance(n, cst.Assign) and len(n.targets) == 1:
        t = n.targets[0].target
        if isinstance(t, cst.Subscript) and isinstance(t.value, cst.Name) and t.value.value in lists:
            return t.value.value if grows_from(n.value, t.value.value, False) else None
    if (isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value == "append"
            and isinstance(n.func.value, cst.Name) and n.func.value.value in lists and len(n.args) == 1):
        name = n.func.value.value
        return name if grows_from(n.args[0].value, name, False) else None
    return None


def is_list_value(e: cst.BaseExpression, lists: set[str] = frozenset(), top: bool = True) -> bool:  # type: ignore[assignment]
    """`[a, b]`, `[a] * n`, `[a] + [b] * n`, `xs + [x]` of a list local (in `lists`): the new
    lists the BigInt subset builds. A list local alone (`row = nxt`) is not one: Python shares
    that list between the names, a Vec cannot."""
    if isinstance(e, cst.List):
        return all(isinstance(el, cst.Element) for el in e.elements)
    if isinstance(e, cst.Name):
        return not top and e.value in lists
    if isinstance(e, cst.BinaryOperation) and isinstance(e.operator, cst.Multiply):
        return is_list_value(e.left, lists, False) and not is_list_value(e.right, lists, False)
    if isinstance(e, cst.BinaryOperation) and isinstance(e.operator, cst.Add):
        return is_list_value(e.left, lists, False) and is_list_value(e.right, lists, False)
    return False


def list_locals(fn: cst.FunctionDef, twins: dict[str, int] | None = None) -> set[str]:
    """Locals bound to a new list (`p = [1] + [0] * n`, `xs = xs + [x]`, `m = matrix_mul(m, m)`
    of a twin, `twins` giving each twin's list depth): lists of ints in the BigInt subset."""
    assigns = [n for n in _walk(fn.body)
               if isinstance(n, cst.Assign) and len(n.targets) == 1 and isinstance(n.targets[0].target, cst.Name)]
    lists: set[str] = set()
    twins = twins or {}
    while True:  # a list local copied into another: to the fixed point
        found = {n.targets[0].target.value for n in assigns if is_list_value(n.value, lists) or _twin_call(n.value, twins)}
        if found == lists:
            return lists
        lists = found


def _twin_call(e: cst.BaseExpression, twins: dict[str, int]) -> bool:
    return isinstance(e, cst.Call) and isinstance(e.func, cst.Name) and e.func.value in twins


def list_depths(fn: cst.FunctionDef, lists: set[str], twins: dict[str, int]) -> dict[str, int]:
    """Each list local's nesting (1 or 2), from the values bound to it; a local bound to lists
    of two nestings is Unsupported."""
    out: dict[str, int] = {}
    for _ in range(3):
        for n in _walk(fn.body):
            if isinstance(n, cst.Assign) and len(n.targets) == 1 and isinstance(n.targets[0].target, cst.Name):
                name = n.targets[0].target.value
                if name in lists:
                    d = list_depth(n.value, out, twins)
                    if d is None:
                        continue
                    if d not in (1, 2) or out.get(name, d) != d:
                        raise _Unsupported(f"`{name}` holds lists of different nestings")
                    out[name] = d
    return {n: out.get(n, 1) for n in lists}


_CACHES = frozenset({"cache", "lru_cache"})


def cached(fn: cst.FunctionDef) -> bool:
    """Whether the function's only decorator is functools' `cache`/`lru_cache` as written
    (`@cache`, `@functools.lru_cache(maxsize=None)`, `@ft.cache`). Syntactic: the lowering
    (lower/stdlib_functools.function_decorators) resolves the name through the imports and
    rejects anything else with PTL247."""
    if len(fn.decorators) != 1:
        return False
    expr = fn.decorators[0].decorator
    if isinstance(expr, cst.Call):
        expr = expr.func
    if isinstance(expr, cst.Attribute):
        return expr.attr.value in _CACHES
    return isinstance(expr, cst.Name) and expr.value in _CACHES


def subset_problem(fn: cst.FunctionDef, params: list[tuple[str, PyType]], returns: PyType,
                   returns_bool: bool = False, twins: dict[str, tuple[list[int], int]] | None = None) -> str | None:
    """What in the function the BigInt lowering does not cover (None: all of it). With
    `returns_bool` a function returning a bool (`return n % 10 == m`, `return False`) is in the
    subset too: the i128 lowering (`wide_reason`) takes those, the BigInt one does not."""
    if any(t.kind != "int" for _, t in params):
        return "a parameter is not an int"
    if returns.kind != "int" and not (returns.kind == "bool" and returns_bool):
        return "it does not return an int"
    if fn.asynchronous or fn.decorators and not cached(fn):
        return "decorated or async"
    p = fn.params
    if p.star_arg not in (None, cst.MaybeSentinel.DEFAULT) or p.star_kwarg or p.kwonly_params or p.posonly_params:
        return "*args, **kwargs or keyword-only parameters"
    twins = twins or {}
    twin_depths = {k: v[1] for k, v in twins.items()}
    try:
        lists = list_locals(fn, twin_depths)
        checker = _Subset(fn.name.value, {n for n, _ in params}, lists, returns.kind == "bool",
                          depths=list_depths(fn, lists, twin_depths), twins=twins)
    except _Unsupported as exc:
        return str(exc)
    try:
        body = list(fn.body.body) if isinstance(fn.body, cst.IndentedBlock) else []
        if body and _is_docstring(body[0]):
            body = body[1:]
        checker.suite(body)
        if not body or not _ends_in_return(body[-1]):
            raise _Unsupported("the body may end without `return`")
        loop_vars = checker.loop_vars & checker.assigned
        if loop_vars:
            raise _Unsupported(f"`{sorted(loop_vars)[0]}` is both a range counter and assigned")
        both = checker.lists & (checker.int_names | checker.loop_vars | checker.params)
        if both:
            raise _Unsupported(f"`{sorted(both)[0]}` is both a list and an int")
    except _Unsupported as exc:
        return str(exc)
    return None


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr)
            and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


def _ends_in_return(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[-1], cst.Return) and stmt.body[-1].value is not None


class _Subset:
    def __init__(self, fname: str, params: set[str], lists: set[str], returns_bool: bool = False,
                 depths: dict[str, int] | None = None, twins: dict[str, tuple[list[int], int]] | None = None) -> None:
        self.fname = fname
        self.depths = {n: 1 for n in lists} | (depths or {})  # a list local's nesting: 2 for a list of lists
        self.twins = twins or {}  # functions with a BigInt twin: their parameters' and return's nestings
        self.returns_bool = returns_bool  # `return` takes a truth value (comparisons, not, True/False)
        self.params = params
        self.lists = lists  # locals bound to a list of ints
        self.arity = len(params)
        self.assigned: set[str] = set()
        self.int_names: set[str] = set()  # locals bound to an int
        self.loop_vars: set[str] = set()

    def suite(self, stmts) -> None:
        for s in stmts:
            self.stmt(s)

    def block(self, suite: cst.BaseSuite) -> None:
        if not isinstance(suite, cst.IndentedBlock):
            raise _Unsupported("a one-line block")
        self.suite(suite.body)

    def stmt(self, s: cst.CSTNode) -> None:
        if isinstance(s, cst.SimpleStatementLine):
            for small in s.body:
                self.small(small)
        elif isinstance(s, cst.If):
            self.cond(s.test)
            self.block(s.body)
            if isinstance(s.orelse, cst.If):
                self.stmt(s.orelse)
            elif isinstance(s.orelse, cst.Else):
                self.block(s.orelse.body)
        elif isinstance(s, cst.While):
            if s.orelse is not None:
                raise _Unsupported("`while ... else`")
            self.cond(s.test)
            self.block(s.body)
        elif isinstance(s, cst.For):
            if s.orelse is not None or s.asynchronous is not None:
                raise _Unsupported("`for ... else`")
            if not isinstance(s.target, cst.Name):
                raise _Unsupported("a `for` target that is not a name")
            self.range_call(s.iter)
            if s.target.value in self.params:
                raise _Unsupported("a parameter used as a range counter")
            self.loop_vars.add(s.target.value)
            self.block(s.body)
        else:
            raise _Unsupported(f"the statement `{_code(s).splitlines()[0]}`")

    def range_call(self, e: cst.BaseExpression) -> None:
        if not (isinstance(e, cst.Call) and isinstance(e.func, cst.Name) and e.func.value == "range"
                and 1 <= len(e.args) <= 3 and all(a.keyword is None and not a.star for a in e.args)):
            raise _Unsupported("a `for` over something other than `range(...)`")
        if len(e.args) == 3 and not _int_literal(e.args[2].value):
            raise _Unsupported("a range step that is not a literal")
        for a in e.args[:2]:
            self.expr(a.value)

    def small(self, s: cst.BaseSmallStatement) -> None:
        if isinstance(s, (cst.Pass, cst.Break, cst.Continue)):
            return
        if isinstance(s, cst.Return):
            if s.value is None:
                raise _Unsupported("a bare `return`")
            if self.returns_bool:
                self.truth(s.value)
            else:
                self.expr(s.value)
        elif isinstance(s, cst.AugAssign):
            if type(s.operator) not in AUG_OPS:
                raise _Unsupported(f"`{_code(s)}`")
            if isinstance(s.target, cst.Subscript):
                self.item(s.target)
            elif isinstance(s.target, cst.Name):
                self.assigned.add(s.target.value)
                self.int_names.add(s.target.value)
            else:
                raise _Unsupported(f"`{_code(s)}`")
            self.expr(s.value)
        elif isinstance(s, cst.Expr) and isinstance(s.value, cst.Call) and isinstance(s.value.func, cst.Attribute):
            call = s.value
            if not (call.func.attr.value == "append" and isinstance(call.func.value, cst.Name)
                    and call.func.value.value in self.lists and len(call.args) == 1 and call.args[0].keyword is None
                    and not call.args[0].star):
                raise _Unsupported(f"`{_code(s)}`")
            self.expr(call.args[0].value)
        elif isinstance(s, cst.Assign):
            if len(s.targets) != 1:
                raise _Unsupported("a chained assignment")
            t = s.targets[0].target
            if isinstance(t, cst.Name) and t.value in self.lists:
                if not is_list_value(s.value, self.lists) and not _twin_call(s.value, {k: 0 for k in self.twins}):
                    raise _Unsupported(f"`{t.value}` is both a list and something else")
                self.assigned.add(t.value)
                self.list_value(s.value)
            elif isinstance(t, cst.Subscript):
                self.item(t)
                self.expr(s.value)
            elif isinstance(t, cst.Name):
                self.assigned.add(t.value)
                self.int_names.add(t.value)
                self.expr(s.value)
            elif (isinstance(t, cst.Tuple) and isinstance(s.value, cst.Tuple) and len(t.elements) == len(s.value.elements)
                  and all(isinstance(el.value, cst.Name) and not isinstance(el, cst.StarredElement) for el in t.elements)):
                self.assigned.update(el.value.value for el in t.elements if isinstance(el.value, cst.Name))
                self.int_names.update(el.value.value for el in t.elements if isinstance(el.value, cst.Name))
                for el in s.value.elements:
                    if isinstance(el, cst.StarredElement):
                        raise _Unsupported("a starred value")
                    self.expr(el.value)
            else:
                raise _Unsupported(f"the assignment `{_code(s)}`")
        else:
            raise _Unsupported(f"`{_code(s)}`")

    def list_value(self, e: cst.BaseExpression) -> None:
        """A list value (`is_list_value`): its items and counts are ints of the subset."""
        if isinstance(e, cst.List):
            for el in e.elements:
                if isinstance(el.value, cst.List):  # a list of lists: `[[1, 0], [0, 1]]`
                    self.list_value(el.value)
                else:
                    self.expr(el.value)
        elif isinstance(e, cst.Name) and e.value in self.lists:  # an operand of `+`/`*`: copied
            if self.depths.get(e.value, 1) != 1:
                raise _Unsupported(f"`{_code(e)}`: a list of lists copied")
            return
        elif isinstance(e, cst.Call) and isinstance(e.func, cst.Name) and e.func.value in self.twins:
            self.twin_call(e)
        elif isinstance(e, cst.BinaryOperation) and isinstance(e.operator, cst.Multiply):
            self.list_value(e.left)
            self.expr(e.right)
        elif isinstance(e, cst.BinaryOperation) and isinstance(e.operator, cst.Add):
            self.list_value(e.left)
            self.list_value(e.right)
        else:
            raise _Unsupported(f"`{_code(e)}`")

    def item(self, e: cst.Subscript, depth: int = 1) -> None:
        """`xs[i]` of a list local, one index (no slice); `m[i][j]` of a list of lists."""
        if not (len(e.slice) == 1 and isinstance(e.slice[0].slice, cst.Index)):
            raise _Unsupported(f"`{_code(e)}`")
        if isinstance(e.value, cst.Subscript):
            self.item(e.value, depth + 1)
        elif not (isinstance(e.value, cst.Name) and e.value.value in self.lists and self.depths.get(e.value.value, 1) == depth):
            raise _Unsupported(f"`{_code(e)}`")
        self.expr(e.slice[0].slice.value)

    def twin_call(self, e: cst.Call) -> None:
        """`g(a, b)` of a function with a BigInt twin: lists passed by name at their nesting."""
        assert isinstance(e.func, cst.Name)
        depths, _ = self.twins[e.func.value]
        if len(e.args) != len(depths) or any(a.keyword is not None or a.star for a in e.args):
            raise _Unsupported(f"`{_code(e)}`: arguments other than the parameters")
        for a, d in zip(e.args, depths):
            if d == 0:
                self.expr(a.value)
            elif not (isinstance(a.value, cst.Name) and self.depths.get(a.value.value) == d and a.value.value in self.lists):
                raise _Unsupported(f"`{_code(e)}`: a list argument that is not a list local of its nesting")

    def cond(self, e: cst.BaseExpression) -> None:
        if isinstance(e, cst.Comparison):
            self.expr(e.left)
            for c in e.comparisons:
                if type(c.operator) not in CMP_OPS:
                    raise _Unsupported(f"the comparison `{_code(e)}`")
                self.expr(c.comparator)
        elif isinstance(e, cst.BooleanOperation):
            self.cond(e.left)
            self.cond(e.right)
        elif isinstance(e, cst.UnaryOperation) and isinstance(e.operator, cst.Not):
            self.cond(e.expression)
        elif isinstance(e, cst.Name) and e.value in ("True", "False"):
            return
        else:
            self.expr(e)  # an int's truth: `while n:` is `n != 0`

    def truth(self, e: cst.BaseExpression) -> None:
        """A bool function's returned value: a comparison, `not`, `True`/`False`, and `and`/`or`
        of those (Python's `and` returns an operand: of bools, a bool)."""
        if isinstance(e, cst.BooleanOperation):
            self.truth(e.left)
            self.truth(e.right)
        elif isinstance(e, (cst.Comparison, cst.UnaryOperation)) and not (
                isinstance(e, cst.UnaryOperation) and not isinstance(e.operator, cst.Not)):
            self.cond(e)
        elif isinstance(e, cst.Name) and e.value in ("True", "False"):
            return
        else:
            raise _Unsupported(f"`{_code(e)}` returned as a bool")

    def expr(self, e: cst.BaseExpression) -> None:
        if isinstance(e, cst.Integer):
            return
        if isinstance(e, cst.Name):
            if e.value in ("True", "False", "None"):
                raise _Unsupported(f"`{e.value}` used as a value")
            if e.value in self.lists:
                raise _Unsupported(f"the list `{e.value}` used as a value")
            return
        if isinstance(e, cst.Subscript):
            self.item(e)
            return
        if (isinstance(e, cst.Call) and isinstance(e.func, cst.Name) and e.func.value == "len" and len(e.args) == 1
                and isinstance(e.args[0].value, cst.Name) and e.args[0].value.value in self.lists):
            return
        if isinstance(e, cst.BinaryOperation):
            if type(e.operator) not in OPS:
                raise _Unsupported(f"the operator in `{_code(e)}`")
            self.expr(e.left)
            self.expr(e.right)
            return
        if isinstance(e, cst.UnaryOperation) and isinstance(e.operator, (cst.Minus, cst.Plus)):
            self.expr(e.expression)
            return
        if isinstance(e, cst.Call) and isinstance(e.func, cst.Name) and e.func.value == self.fname:
            if any(a.keyword is not None or a.star for a in e.args):
                raise _Unsupported("a recursive call with keyword or starred arguments")
            if len(e.args) != self.arity:
                raise _Unsupported("a recursive call leaving out a parameter with a default")
            for a in e.args:
                self.expr(a.value)
            return
        raise _Unsupported(f"`{_code(e)}`")


def _int_literal(e: cst.BaseExpression) -> bool:
    if isinstance(e, cst.UnaryOperation) and isinstance(e.operator, cst.Minus):
        e = e.expression
    return isinstance(e, cst.Integer)


def wide_reason(fn: cst.FunctionDef, params: list[tuple[str, PyType]], returns: PyType,
                lines: dict[cst.CSTNode, int] | None = None) -> str | None:
    """Why a function whose ints do not grow is computed in checked i128 (None: it is not): a
    value can pass i64 midway for i64 arguments (the boundary cases, -2**63 and 2**63-1)
    while every value stays inside i128 (portalis/analysis/int_ranges.py). Only functions of
    the subset without lists or calls (ints in, an int or a bool out)."""
    if fn.decorators or returns.kind not in ("int", "bool") or subset_problem(fn, params, returns, returns_bool=True) is not None:
        return None
    if list_locals(fn) or any(isinstance(n, cst.Call) and not (isinstance(n.func, cst.Name) and n.func.value == "range")
                              for n in _walk(fn.body)):
        return None
    if any(isinstance(n, cst.Call) and len(n.args) == 3 for n in _walk(fn.body)):
        return None  # a range step: the runtime's range_step is i64
    leaves = leaves_i64(fn, [n for n, _ in params], returns.kind == "int")
    if not leaves:
        return None
    owner = _statements(fn.body)
    first = leaves[0]
    return f"`{_code(first)}` can pass i64 for i64 arguments{_line(first, lines, owner)}; every value fits i128"


def int_growth(fn: cst.FunctionDef, params: list[tuple[str, PyType]], returns: PyType,
               lines: dict[cst.CSTNode, int] | None = None,
               twins: dict[str, tuple[cst.FunctionDef, list[int], int]] | None = None) -> IntGrowth | None:
    """The fact for one function; None when nothing says its ints grow or pass i64 midway.
    `twins`: the module's functions that can have a BigInt twin (`twin_problem`), each with
    its node and its parameters' and return's list nestings."""
    twins = twins or {}
    grows = growth_reason(fn, lines, {k: v[0] for k, v in twins.items()})
    if grows is None:
        wide = wide_reason(fn, params, returns, lines)
        return IntGrowth(wide=wide) if wide else None
    problem = subset_problem(fn, params, returns, twins={k: (v[1], v[2]) for k, v in twins.items()})
    used = sorted({n.func.value for n in _walk(fn.body) if isinstance(n, cst.Call) and isinstance(n.func, cst.Name)
                   and n.func.value in twins and n.func.value != fn.name.value})
    return IntGrowth(grows=grows, unsupported=problem, twins=used if problem is None else [])
