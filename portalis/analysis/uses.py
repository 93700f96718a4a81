"""One walk over a function body, recording what the evidence pass reads: how each name is used
(methods called on it, operators, comparisons, indexing, iteration, being passed to a call),
what is assigned to each name, the calls of the module's functions, and the returned values.

The walk records syntax only (nodes and lines); the types are worked out later, round after
round, as the module's other functions get theirs (portalis/analysis/evidence.py).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import libcst as cst

from portalis.analysis import rules
from portalis.cst_walk import SCOPES, STATEMENTS, bound_names, children, iter_nodes
from portalis.model import PyType


@dataclass
class Use:
    """One use of a name. `kind` says what (see `collect`); `other` is the node the use relates
    the name to (the other operand, the container, the callee's receiver...)."""

    name: str
    kind: str
    line: int | None
    op: str = ""
    other: cst.CSTNode | None = None
    index: int | str | None = None  # argument position or keyword at a call
    node: cst.CSTNode | None = None  # the whole expression (for the provenance text)
    loops: tuple[int, ...] = ()  # the loops around it (ids of their nodes)


@dataclass
class CallSite:
    """A call of a name (`f(...)`, `self.m(...)`): the module's functions' call sites."""

    callee: str
    args: list[cst.Arg]
    line: int | None
    node: cst.Call


@dataclass
class Body:
    """What one function's body says, before any type is known."""

    uses: dict[str, list[Use]] = field(default_factory=dict)
    # name -> values assigned to it (whole-name assignments); targets of unpacking and for loops
    assigned: dict[str, list[tuple[cst.BaseExpression, int | None]]] = field(default_factory=dict)
    unpacked: list[tuple[cst.BaseExpression, cst.BaseExpression]] = field(default_factory=list)  # (target, value)
    loops: list[tuple[cst.BaseExpression, cst.BaseExpression]] = field(default_factory=list)  # (target, iterable)
    augmented: list[tuple[str, str, cst.BaseExpression]] = field(default_factory=list)  # (name, op, value)
    # Elements put into a local container: (name, method, nodes) for `.append(x)`, `.add(x)`, `[k] = v`
    stores: list[tuple[str, str, tuple[cst.BaseExpression, ...]]] = field(default_factory=list)
    store_lines: list[int | None] = field(default_factory=list)  # the line of each of `stores`
    opaque: set[str] = field(default_factory=set)  # bound by with/except/import/walrus/def...: type unknown
    # `import math` inside the body: local name -> module (the name is opaque too, as a value)
    modules: dict[str, str] = field(default_factory=dict)
    calls: list[CallSite] = field(default_factory=list)
    returns: list[tuple[cst.BaseExpression | None, int | None]] = field(default_factory=list)
    kind_tested: set[str] = field(default_factory=set)  # isinstance(x, ...) / type(x): narrowed by kind
    # Attributes of self the body sets: (attribute, how, nodes, line); how is "=", an operator
    # (`self.n += 1`), or a container method ("append", "add", "setitem").
    self_stores: list[tuple[str, str, tuple[cst.BaseExpression, ...], int | None]] = field(default_factory=list)
    shadowed: set[str] = field(default_factory=set)  # comprehension targets
    generator: bool = False
    nested: list[cst.FunctionDef] = field(default_factory=list)  # functions defined in the body
    yields: list[tuple[cst.BaseExpression | None, int | None]] = field(default_factory=list)
    yield_from: bool = False
    yielded_from: list[tuple[cst.BaseExpression, int | None]] = field(default_factory=list)  # `yield from xs`: xs
    floats: bool = False  # a float literal or a true division somewhere
    # the loops around each whole-name assignment: name -> [(line, loop ids)]
    assign_loops: dict[str, list[tuple[int | None, tuple[int, ...]]]] = field(default_factory=dict)
    # the same for the names an unpacking binds (`user, delim, host = host.rpartition('@')`)
    unpack_loops: dict[str, list[tuple[int | None, tuple[int, ...]]]] = field(default_factory=dict)
    current_loops: tuple[int, ...] = ()
    end_reachable: bool | None = None  # None: not known (try, match, while True with break...)

    def use(self, u: Use) -> None:
        u.loops = self.current_loops
        self.uses.setdefault(u.name, []).append(u)


def _name(node: cst.CSTNode | None) -> str | None:
    return node.value if type(node) is cst.Name else None


def _self_attr(node: cst.CSTNode | None) -> str | None:
    """`x` for `self.x`."""
    if type(node) is cst.Attribute and _name(node.value) == "self":  # type: ignore[attr-defined]
        return node.attr.value  # type: ignore[attr-defined]
    return None


def _used(node: cst.CSTNode | None) -> str | None:
    """The name a use is recorded under: `x`, or `self.x` for an attribute of self (the evidence
    pass reads those as evidence of the `__init__` parameter stored there)."""
    if type(node) is cst.Name:
        return node.value  # type: ignore[attr-defined]
    a = _self_attr(node)
    return f"self.{a}" if a is not None else None


def _sliced(node: cst.CSTNode) -> str | None:
    """The name (or `self.x`) that `node` slices: `s` for `s[1:]`."""
    if type(node) is cst.Subscript and len(node.slice) == 1 and type(node.slice[0].slice) is cst.Slice:  # type: ignore[attr-defined]
        return _used(node.value)  # type: ignore[attr-defined]
    return None


def _op(operator: cst.CSTNode) -> str:
    return rules.OPERATORS.get(type(operator).__name__, "?")


_COMPARE = {
    cst.Equal: "==", cst.NotEqual: "!=", cst.LessThan: "<", cst.LessThanEqual: "<=", cst.GreaterThan: ">",
    cst.GreaterThanEqual: ">=", cst.In: "in", cst.NotIn: "not in", cst.Is: "is", cst.IsNot: "is not",
}


def collect(fn: cst.FunctionDef, line_of) -> Body:
    """The records of one function body; `line_of(statement)` gives a statement's line."""
    body = Body()
    body.end_reachable = end_reachable(_stmts(fn.body))  # `def f(s): return s` on one line too
    first = line_of(fn)
    stack: list[tuple[cst.CSTNode, int | None, tuple[int, ...]]] = [(c, first, ()) for c in reversed(children(fn.body))]
    while stack:
        node, line, loops = stack.pop()
        t = type(node)
        if t in STATEMENTS:
            line = line_of(node) or line
        if t in SCOPES:
            if t is cst.FunctionDef or t is cst.ClassDef:
                body.opaque.add(node.name.value)  # type: ignore[attr-defined]
            if t is cst.FunctionDef:
                body.nested.append(node)  # type: ignore[arg-type]
            continue  # a nested scope's names are its own
        body.current_loops = loops
        _examine(node, t, line, body)
        inner = loops + (id(node),) if t in (cst.For, cst.While) else loops
        for c in reversed(children(node)):
            stack.append((c, line, inner))
    _aliased_stores(body)
    return body


def _aliased_stores(body: Body) -> None:
    """`add = res.append` (bound once), then `add(x)`: elements put into `res`, as
    `res.append(x)` puts them (the stdlib's idiom for a hot loop)."""
    for alias, values in body.assigned.items():
        if len(values) != 1 or alias in body.opaque:
            continue
        value = values[0][0]
        if not (type(value) is cst.Attribute and (n := _name(value.value)) is not None and n != alias  # type: ignore[attr-defined]
                and value.attr.value in ("append", "add", "extend")):  # type: ignore[attr-defined]
            continue
        method = value.attr.value  # type: ignore[attr-defined]
        for call in body.calls:
            if call.callee == alias and len(call.args) == 1 and call.args[0].keyword is None and not call.args[0].star:
                body.stores.append((n, method, (call.args[0].value,)))
                body.store_lines.append(call.line)


def _examine(node: cst.CSTNode, t: type, line: int | None, body: Body) -> None:
    if t is cst.Call:
        _call(node, line, body)  # type: ignore[arg-type]
    elif t is cst.Float:
        body.floats = True
    elif t is cst.BinaryOperation:
        op = _op(node.operator)  # type: ignore[attr-defined]
        if op == "/":
            body.floats = True
        left, right = node.left, node.right  # type: ignore[attr-defined]
        if (n := _used(left)) is not None:
            body.use(Use(n, "arith", line, op=op, other=right, index="left", node=node))
        if (n := _used(right)) is not None:
            body.use(Use(n, "arith", line, op=op, other=left, index="right", node=node))
    elif t is cst.UnaryOperation:
        if (n := _name(node.expression)) is not None:  # type: ignore[attr-defined]
            body.use(Use(n, "unary", line, op=type(node.operator).__name__, node=node))  # type: ignore[attr-defined]
    elif t is cst.Comparison:
        left = node.left  # type: ignore[attr-defined]
        for comp in node.comparisons:  # type: ignore[attr-defined]
            op = _COMPARE.get(type(comp.operator), "?")
            right = comp.comparator
            _compare(left, op, right, line, body, node)
            left = right
    elif t is cst.Subscript:
        _subscript(node, line, body)  # type: ignore[arg-type]
    elif t is cst.For:
        _loop(node.target, node.iter, line, body, node)  # type: ignore[attr-defined]
    elif t is cst.CompFor:
        _loop(node.target, node.iter, line, body, node)  # type: ignore[attr-defined]
        body.shadowed.update(bound_names(node.target))  # type: ignore[attr-defined]
    elif t is cst.Assign:
        for target in node.targets:  # type: ignore[attr-defined]
            _assign(target.target, node.value, line, body)  # type: ignore[attr-defined]
    elif t is cst.AnnAssign:
        if node.value is not None:  # type: ignore[attr-defined]
            _assign(node.target, node.value, line, body)  # type: ignore[attr-defined]
    elif t is cst.AugAssign:
        target, value = node.target, node.value  # type: ignore[attr-defined]
        op = _op(node.operator)  # type: ignore[attr-defined]
        if (n := _name(target)) is not None:
            body.use(Use(n, "arith", line, op=op, other=value, index="left", node=node))
            body.augmented.append((n, op, value))
        elif (a := _self_attr(target)) is not None:
            body.self_stores.append((a, op, (value,), line))
        elif type(target) is cst.Subscript and (n := _name(target.value)) is not None and (key := _index_node(target)) is not None:  # type: ignore[attr-defined]
            # `counts[w] += 1` (a defaultdict(int)): the key is put into the dict
            body.stores.append((n, "item:aug", (key,)))
            body.store_lines.append(line)
        if (n := _name(value)) is not None:  # `total += n`: n is used with the target
            body.use(Use(n, "arith", line, op=op, other=target, index="right", node=node))
    elif t is cst.Return:
        value = node.value  # type: ignore[attr-defined]
        body.returns.append((value, line))
        if (n := _name(value)) is not None:
            body.use(Use(n, "returned", line, node=node))
    elif t is cst.Yield:
        body.generator = True
        value = node.value  # type: ignore[attr-defined]
        if type(value) is cst.From:
            body.yield_from = True
            body.yielded_from.append((value.item, line))  # type: ignore[attr-defined]
        else:
            body.yields.append((value, line))
    elif t is cst.NamedExpr:
        body.opaque.update(bound_names(node.target))  # type: ignore[attr-defined]
    elif t in (cst.WithItem,):
        if node.asname is not None:  # type: ignore[attr-defined]
            body.opaque.update(bound_names(node.asname.name))  # type: ignore[attr-defined]
    elif t is cst.ExceptHandler or t is cst.ExceptStarHandler:
        if node.name is not None:  # type: ignore[attr-defined]
            body.opaque.update(bound_names(node.name.name))  # type: ignore[attr-defined]
    elif t in (cst.Import, cst.ImportFrom):
        names = node.names  # type: ignore[attr-defined]
        if isinstance(names, (list, tuple)):
            for alias in names:
                bound = alias.asname.name if alias.asname is not None else alias.name
                while type(bound) is cst.Attribute:
                    bound = bound.value
                body.opaque.update(bound_names(bound))
                if t is cst.Import and type(bound) is cst.Name:
                    # `import math` / `import os.path` (binds os) / `import numpy as np`
                    dotted = cst.Module(body=[]).code_for_node(alias.name)
                    body.modules[bound.value] = dotted if alias.asname is not None else dotted.split(".")[0]
    elif t in (cst.Global, cst.Nonlocal):
        for item in node.names:  # type: ignore[attr-defined]
            body.opaque.add(item.name.value)
    elif t is cst.Del:
        body.opaque.update(bound_names(node.target))  # type: ignore[attr-defined]
    elif t is cst.Attribute:
        if (n := _name(node.value)) is not None:  # type: ignore[attr-defined]
            body.use(Use(n, "attribute", line, op=node.attr.value, node=node))  # type: ignore[attr-defined]


def _assign(target: cst.BaseExpression, value: cst.BaseExpression, line: int | None, body: Body) -> None:
    t = type(target)
    if t is cst.Name:
        body.assigned.setdefault(target.value, []).append((value, line))  # type: ignore[attr-defined]
        body.assign_loops.setdefault(target.value, []).append((line, body.current_loops))  # type: ignore[attr-defined]
    elif t in (cst.Tuple, cst.List):
        body.unpacked.append((target, value))
        names = bound_names(target)
        for n in names:
            body.unpack_loops.setdefault(n, []).append((line, body.current_loops))
        # (`e, *rest = xs`: values.bind_target types the starred name as a list)
    elif t is cst.Attribute and _name(target.value) == "self":  # type: ignore[attr-defined]
        body.self_stores.append((target.attr.value, "=", (value,), line))  # type: ignore[attr-defined]
    elif t is cst.Subscript and _self_attr(target.value) is not None:  # type: ignore[attr-defined]
        key = _index_node(target)  # type: ignore[arg-type]
        if key is not None:
            body.self_stores.append((_self_attr(target.value), "setitem", (key, value), line))  # type: ignore[arg-type, attr-defined]
    elif t is cst.Subscript and (n := _name(target.value)) is not None:  # type: ignore[attr-defined]
        key = _index_node(target)  # type: ignore[arg-type]
        if key is not None:
            body.use(Use(n, "setitem", line, other=key, index=None, node=value))
            body.stores.append((n, "setitem", (key, value)))
            body.store_lines.append(line)


def _index_node(sub: cst.Subscript) -> cst.BaseExpression | None:
    if len(sub.slice) == 1 and type(sub.slice[0].slice) is cst.Index:
        return sub.slice[0].slice.value  # type: ignore[attr-defined]
    return None


def _subscript(node: cst.Subscript, line: int | None, body: Body) -> None:
    container = node.value
    if len(node.slice) != 1:
        return
    sl = node.slice[0].slice
    if type(sl) is cst.Slice:
        for bound in (sl.lower, sl.upper, sl.step):  # type: ignore[attr-defined]
            if (n := _name(bound)) is not None:
                body.use(Use(n, "slice_bound", line, other=container, node=node))
        if (n := _name(container)) is not None:
            body.use(Use(n, "sliced", line, node=node))
        return
    index = sl.value  # type: ignore[attr-defined]
    if (n := _name(container)) is not None:
        body.use(Use(n, "subscript", line, other=index, node=node))
    if (n := _name(index)) is not None:
        body.use(Use(n, "index_into", line, other=container, node=node))


def _compare(left, op: str, right, line: int | None, body: Body, node: cst.CSTNode) -> None:
    ln, rn = _used(left), _used(right)
    if op in ("is", "is not"):
        for n, other in ((ln, right), (rn, left)):
            if n is not None and _name(other) == "None":
                body.use(Use(n, "none_test", line, op=op, node=node))
        return
    if op in ("in", "not in"):
        if ln is not None:
            body.use(Use(ln, "member_of", line, other=right, node=node))
        if rn is not None:
            body.use(Use(rn, "contains", line, other=left, node=node))
        return
    if ln is not None:
        body.use(Use(ln, "compare", line, op=op, other=right, node=node))
    if rn is not None:
        body.use(Use(rn, "compare", line, op=op, other=left, node=node))
    # `head[:4] == b"PK.."`: a slice of a str or bytes is a str or bytes, as the literal it is
    # compared with says
    for side, other in ((left, right), (right, left)):
        n = _sliced(side)
        if n is not None and type(other) in (cst.SimpleString, cst.ConcatenatedString):
            body.use(Use(n, "compare", line, op=op, other=other, node=node))


def _loop(target: cst.BaseExpression, iterable: cst.BaseExpression, line: int | None, body: Body, node: cst.CSTNode) -> None:
    body.loops.append((target, iterable))
    if (n := _name(iterable)) is not None:
        body.use(Use(n, "iterated", line, other=target, node=iterable))
    elif type(iterable) is cst.Call and _name(iterable.func) in ("enumerate", "reversed", "sorted") and iterable.args:  # type: ignore[attr-defined]
        inner = iterable.args[0].value  # type: ignore[attr-defined]
        if (n := _name(inner)) is not None:
            how = _name(iterable.func)  # type: ignore[attr-defined]
            body.use(Use(n, "iterated", line, op=how or "", other=target, node=iterable))


_INSORT = frozenset({"insort", "insort_left", "insort_right"})


def _call(node: cst.Call, line: int | None, body: Body) -> None:
    func = node.func
    fname = _name(func)
    if fname is not None:
        body.calls.append(CallSite(fname, list(node.args), line, node))
        if fname in _INSORT and len(node.args) == 2 and not any(a.star or a.keyword for a in node.args):
            if (n := _name(node.args[0].value)) is not None:
                # `insort(ordered, x)`: x put into the list (an insort of the bisect module:
                # the evidence pass checks where the name comes from)
                body.stores.append((n, f"insort:{fname}", (node.args[1].value,)))
                body.store_lines.append(line)
        if fname in ("isinstance", "type", "issubclass") and node.args and (n := _name(node.args[0].value)) is not None:
            body.kind_tested.add(n)
    elif type(func) is cst.Attribute:
        receiver = func.value  # type: ignore[attr-defined]
        method = func.attr.value  # type: ignore[attr-defined]
        if type(receiver) is cst.Call and not receiver.args and _name(receiver.func) == "super":
            # `super().__init__(HtmlLexer, PhpLexer, **options)`: a call of the base's method
            body.calls.append(CallSite(f"super.{method}", list(node.args), line, node))
        if (n := _name(receiver)) is not None:
            if n in ("self", "cls"):
                # `cls.m(x)` in a classmethod calls the class's m as `self.m(x)` does
                body.calls.append(CallSite(f"self.{method}", list(node.args), line, node))
            body.use(Use(n, "method", line, op=method, other=node, node=node))
            if method in ("append", "add", "insert", "extend", "appendleft") and node.args:
                body.stores.append((n, method, tuple(a.value for a in node.args)))
                body.store_lines.append(line)
            elif method in _INSORT and len(node.args) == 2 and (m := _name(node.args[0].value)) is not None:
                body.stores.append((m, f"insort:{n}.{method}", (node.args[1].value,)))  # `bisect.insort(xs, x)`
                body.store_lines.append(line)
        elif (type(receiver) is cst.Subscript and (n := _name(receiver.value)) is not None  # type: ignore[attr-defined]
              and method in ("append", "add") and len(node.args) == 1 and (key := _index_node(receiver)) is not None):  # type: ignore[arg-type]
            # `groups[k].append(x)` (a defaultdict(list)): the key and the element put into it
            body.stores.append((n, f"item:{method}", (key, node.args[0].value)))
            body.store_lines.append(line)
        elif (a := _self_attr(receiver)) is not None:
            body.use(Use(f"self.{a}", "method", line, op=method, other=node, node=node))
            if method in ("append", "add", "insert", "extend") and node.args:
                body.self_stores.append((a, method, tuple(x.value for x in node.args), line))
        elif (type(receiver) is cst.Subscript and (n := _name(receiver.value)) is not None and len(receiver.slice) == 1
              and type(receiver.slice[0].slice) is cst.Index):
            # `chunks[-1].strip()`: a method of an element
            body.use(Use(n, "element_method", line, op=method, other=node, node=node))
        elif (n := _sliced(receiver)) is not None and method not in ("append", "add", "insert", "extend"):
            # `s[:i].splitlines()`: a slice is of the sliced value's type (str or list)
            body.use(Use(n, "method", line, op=method, other=node, node=node))
    position = 0
    for arg in node.args:
        if arg.star == "**":
            # `f(**options)`: the dict fills the callee's `**kwargs` (its values are its values)
            if (n := _name(arg.value)) is not None:
                body.use(Use(n, "passed", line, other=node, index="**", node=node))
            continue
        if arg.star:
            position = -1_000_000  # positions after a *args are not known
            continue
        key: int | str = arg.keyword.value if arg.keyword is not None else position
        if arg.keyword is None:
            position += 1
        if (n := _name(arg.value)) is not None:
            body.use(Use(n, "passed", line, other=node, index=key, node=node))
        elif (a := _self_attr(arg.value)) is not None:
            body.use(Use(f"self.{a}", "passed", line, other=node, index=key, node=node))  # `"".join(self.tokens)`


def end_reachable(stmts) -> bool | None:
    """Whether running off the end of these statements is possible (True), impossible (False),
    or not known here (None): the function then returns None there."""
    if not stmts:
        return True
    last = stmts[-1]
    t = type(last)
    if t in (cst.SimpleStatementLine, cst.SimpleStatementSuite):
        smalls = last.body
        if any(type(s) in (cst.Return, cst.Raise) for s in smalls):
            return False
        return True
    if t is cst.If:
        branches = [last.body]
        orelse = last.orelse
        while orelse is not None:
            if type(orelse) is cst.If:
                branches.append(orelse.body)
                orelse = orelse.orelse
            else:
                branches.append(orelse.body)
                break
        else:
            return True  # no else: the condition may be false
        results = [end_reachable(_stmts(b)) for b in branches]
        if any(r is True for r in results):
            return True
        return False if all(r is False for r in results) else None
    if t is cst.For:
        if last.orelse is not None and not _breaks(last.body):
            return end_reachable(_stmts(last.orelse.body))
        return True  # the iterable may be empty, or a break skips the else
    if t is cst.While:
        test = last.test
        if type(test) is cst.Name and test.value == "True":
            # ends only through a break (or not at all: returns and raises leave it)
            return None if _breaks(last.body) else False
        return True
    if t is cst.With:
        return end_reachable(_stmts(last.body))
    if t is cst.Try:
        # the end of the body (through its else) or of any handler; a finally that cannot
        # complete ends nothing
        if last.finalbody is not None and end_reachable(_stmts(last.finalbody.body)) is False:
            return False
        body = end_reachable(_stmts(last.body))
        if body is not False and last.orelse is not None:
            orelse = end_reachable(_stmts(last.orelse.body))
            body = orelse if body is True else (None if orelse is not False else False)
        results = [body] + [end_reachable(_stmts(h.body)) for h in last.handlers]
        if any(r is True for r in results):
            return True
        return False if all(r is False for r in results) else None
    return None  # match, try*, nested definitions...


def suite_falls_through(suite: cst.BaseSuite) -> bool | None:
    """`end_reachable` of a suite (an if's body, an else): False when it never falls through
    (every path returns or raises, through a try's handlers too)."""
    return end_reachable(_stmts(suite))


def dead_after_decided_test(fn: cst.FunctionDef, types: dict[str, PyType | None], assigned: Collection[str]) -> set[int]:
    """ids of the returned values Python never reaches: those after a top-level `if
    isinstance(x, T):` of a parameter x whose type is T (never rebound in the body, so the test
    is always true), whose branch never falls through (`_bytes_from_decode_data`'s `if
    isinstance(s, str): try: return s.encode('ascii') except ...: raise ...` of a str). Lowering
    decides the same test the same way (`FunctionLowerer.static_if`) and lowers none of it."""
    from portalis.cst_scan import isinstance_test

    body = _stmts(fn.body)
    for i, stmt in enumerate(body):
        if type(stmt) is not cst.If:
            continue
        test = isinstance_test(stmt.test)
        if test is None:
            continue
        name, names, negated, _exact = test
        t = types.get(name)
        if negated or name in assigned or t is None or t.kind not in names or suite_falls_through(stmt.body) is not False:
            continue
        return {id(n.value) for rest in body[i + 1:] for n in iter_nodes(rest)
                if type(n) is cst.Return and n.value is not None}
    return set()


def _breaks(block: cst.CSTNode) -> bool:
    """Whether a loop body holds a `break` of that loop (not of a loop nested in it)."""
    stack = list(children(block))
    while stack:
        n = stack.pop()
        t = type(n)
        if t is cst.Break:
            return True
        if t in (cst.For, cst.While):
            stack.extend(children(n.orelse) if n.orelse is not None else ())  # type: ignore[attr-defined]
            continue
        if t in SCOPES:
            continue
        stack.extend(children(n))
    return False


def _stmts(block) -> tuple:
    return tuple(block.body) if type(block) is cst.IndentedBlock else (block,) if type(block) is cst.SimpleStatementSuite else ()
