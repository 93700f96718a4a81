"""Where an Optional local is certainly not None: the flow-sensitive part of the local types.

The local-types pass gives each local one type (the join of everything bound to it), so a local
that may hold None is an Optional everywhere. Python code narrows it: after `if best is None:
best = n` (or in the `else` of that test, or after `x = 3`) `best` holds an int, and
`result.append(best)` fills a list of ints. This pass walks a function's statements in order
with the set of names known not to be None, and says, for every expression node of the body,
which of the given names are not None where it is evaluated. Conservative where it does not
follow the flow: a loop's head forgets what its body assigns, a `try`, `with` or `match` forgets
what it assigns, a name bound by anything but a plain assignment is forgotten.
"""

from __future__ import annotations

from typing import Callable

import libcst as cst

from portalis.cst_scan import isinstance_test
from portalis.cst_walk import iter_nodes
from portalis.model import PyType

_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def not_none_at(
    fn: cst.FunctionDef, names: set[str], non_none: Callable[[cst.BaseExpression, frozenset[str]], bool]
) -> dict[int, frozenset[str]]:
    """id(expression node) -> the names of `names` that are not None where it is evaluated (only
    nodes where some are). `non_none(value, known)` says whether a value assigned to a name is
    certainly not None, given the names known not to be None there."""
    out: dict[int, frozenset[str]] = {}

    def mark(node: cst.CSTNode, known: frozenset[str]) -> None:
        if known:
            for n in iter_nodes(node, _SCOPES):
                out[id(n)] = known
        # `a if x is None else f(x)`: each arm with what its test says (outer arms first: a
        # node is visited before what it holds)
        for n in iter_nodes(node, _SCOPES):
            if type(n) is cst.IfExp:
                here = out.get(id(n), frozenset())
                yes, no = test_split(n.test, here)  # type: ignore[attr-defined]
                for arm, arm_known in ((n.body, yes), (n.orelse, no)):  # type: ignore[attr-defined]
                    for m in iter_nodes(arm, _SCOPES):
                        if arm_known:
                            out[id(m)] = arm_known
                        else:
                            out.pop(id(m), None)

    def assigned_in(node: cst.CSTNode) -> set[str]:
        found: set[str] = set()
        for n in iter_nodes(node, _SCOPES):
            t = type(n)
            targets: list[cst.CSTNode] = []
            if t is cst.AssignTarget or t is cst.AnnAssign or t is cst.AugAssign or t is cst.For or t is cst.NamedExpr:
                targets.append(n.target)  # type: ignore[attr-defined]
            elif t is cst.WithItem and n.asname is not None:  # type: ignore[attr-defined]
                targets.append(n.asname.name)  # type: ignore[attr-defined]
            elif t is cst.ExceptHandler and n.name is not None:  # type: ignore[attr-defined]
                targets.append(n.name.name)  # type: ignore[attr-defined]
            elif t is cst.Del:
                targets.append(n.target)  # type: ignore[attr-defined]
            elif t in (cst.FunctionDef, cst.ClassDef) and n is not node:
                found.add(n.name.value)  # type: ignore[attr-defined]
            for target in targets:
                found |= {x.value for x in iter_nodes(target) if type(x) is cst.Name} & names
        return found

    def loop_head(st: cst.CSTNode, known: frozenset[str]) -> frozenset[str]:
        """The names not None at a loop's head: those known before it that the loop rebinds
        only by plain assignments of values certainly not None there (`hi = mid` in bisect's
        loop, with `mid = (lo + hi) // 2`), as a fixed point from the optimistic set down;
        anything else it binds (a loop target, unpacking, `del`, ...) is forgotten."""
        bound = assigned_in(st)
        kept = known - bound
        if not (known & bound):
            return frozenset(kept)
        values: dict[str, list[cst.BaseExpression]] = {}
        other: set[str] = set()
        for n in iter_nodes(st, _SCOPES):
            t = type(n)
            if t is cst.Assign:
                for a in n.targets:  # type: ignore[attr-defined]
                    x = a.target
                    if type(x) is cst.Name:
                        if x.value in names:
                            values.setdefault(x.value, []).append(n.value)  # type: ignore[attr-defined]
                    elif (pairs := _pairs(x, n.value)) is not None:  # type: ignore[attr-defined]
                        for name, value in pairs:
                            if name in names:
                                values.setdefault(name, []).append(value)
                    else:
                        other |= {y.value for y in iter_nodes(x) if type(y) is cst.Name} & names
            elif t in (cst.AnnAssign, cst.For, cst.NamedExpr, cst.Del):
                other |= {y.value for y in iter_nodes(n.target) if type(y) is cst.Name} & names  # type: ignore[attr-defined]
            elif t is cst.WithItem and n.asname is not None:  # type: ignore[attr-defined]
                other |= {y.value for y in iter_nodes(n.asname.name) if type(y) is cst.Name} & names  # type: ignore[attr-defined]
            elif t is cst.ExceptHandler and n.name is not None:  # type: ignore[attr-defined]
                other |= {y.value for y in iter_nodes(n.name.name) if type(y) is cst.Name} & names  # type: ignore[attr-defined]
            elif t in (cst.FunctionDef, cst.ClassDef):
                other.add(n.name.value)  # type: ignore[attr-defined]
        candidate = set(known & bound) - other
        while True:
            head = frozenset(kept | candidate)
            keep = {n for n in candidate if all(non_none(v, head) for v in values.get(n, []))}
            if keep == candidate:
                return head
            candidate = keep

    def block(stmts, known: frozenset[str]) -> frozenset[str] | None:
        """The names not None after the statements; None when they never complete."""
        for st in stmts:
            after = statement(st, known)
            if after is None:
                return None
            known = after
        return known

    def body_of(node) -> list:
        b = node.body
        return list(b.body) if isinstance(b, cst.IndentedBlock) else list(b.body) if isinstance(b, cst.SimpleStatementSuite) else []

    def small(st: cst.BaseSmallStatement, known: frozenset[str]) -> frozenset[str] | None:
        mark(st, known)
        t = type(st)
        if t in (cst.Return, cst.Raise, cst.Break, cst.Continue):
            return None
        if t is cst.Assign:
            targets = [a.target for a in st.targets]  # type: ignore[attr-defined]
            plain = [x.value for x in targets if type(x) is cst.Name and x.value in names]
            paired = [p for x in targets if type(x) is not cst.Name and (p := _pairs(x, st.value)) is not None]  # type: ignore[attr-defined]
            others = set().union(*(assigned_in(x) for x in targets if type(x) is not cst.Name)) if targets else set()
            before = known
            known = known - others
            if plain:
                known = known | set(plain) if non_none(st.value, before) else known - set(plain)  # type: ignore[attr-defined]
            for pairs in paired:
                # `best_i, best_j = eqi, eqj`: each name gets its own value, evaluated before
                known = known | {n for n, v in pairs if n in names and non_none(v, before)}
            return frozenset(known)
        if t is cst.AnnAssign:
            target = st.target  # type: ignore[attr-defined]
            if type(target) is cst.Name and target.value in names and st.value is not None:  # type: ignore[attr-defined]
                return frozenset(known | {target.value}) if non_none(st.value, known) else frozenset(known - {target.value})  # type: ignore[attr-defined]
            return known
        if t is cst.AugAssign:
            return known  # `x += 1` on a name not None keeps it so; on None it raises
        return frozenset(known - assigned_in(st))

    def test_split(test: cst.BaseExpression, known: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
        """The names not None where the test is true, and where it is false."""
        if type(test) is cst.Comparison and len(test.comparisons) == 1:
            left, comp = test.left, test.comparisons[0]
            if type(left) is cst.Name and left.value in names and type(comp.comparator) is cst.Name and comp.comparator.value == "None":
                if type(comp.operator) is cst.Is:
                    return known - {left.value}, known | {left.value}
                if type(comp.operator) is cst.IsNot:
                    return known | {left.value}, known - {left.value}
        if type(test) is cst.Name and test.value in names:
            return known | {test.value}, known
        if type(test) is cst.UnaryOperation and type(test.operator) is cst.Not and type(test.expression) is cst.Name and test.expression.value in names:
            return known, known | {test.expression.value}
        return known, known

    def statement(st, known: frozenset[str]) -> frozenset[str] | None:
        t = type(st)
        if t is cst.SimpleStatementLine:
            for s in st.body:
                after = small(s, known)
                if after is None:
                    return None
                known = after
            return known
        if t is cst.If:
            mark(st.test, known)
            yes, no = test_split(st.test, known)
            then_end = block(body_of(st), frozenset(yes))
            if st.orelse is None:
                else_end: frozenset[str] | None = frozenset(no)
            elif type(st.orelse) is cst.If:
                else_end = statement(st.orelse, frozenset(no))
            else:
                else_end = block(body_of(st.orelse), frozenset(no))
            ends = [e for e in (then_end, else_end) if e is not None]
            if not ends:
                return None
            return frozenset.intersection(*ends)
        if t in (cst.For, cst.While):
            header = st.iter if t is cst.For else st.test
            mark(header, known)
            head = loop_head(st, known)
            if t is cst.For:
                mark(st.target, head)
            block(body_of(st), head)
            if st.orelse is not None:
                block(body_of(st.orelse), head)
            return head
        if t in (cst.FunctionDef, cst.ClassDef):
            return frozenset(known - {st.name.value})
        # try / with / match and anything else: what it assigns is forgotten, inside and after
        rest = frozenset(known - assigned_in(st))
        mark(st, rest)
        return rest

    # A local not yet bound is not None: reading it raises. So the function starts with its
    # locals (not its parameters, nor names it declares global or nonlocal) known not None, and
    # an assignment of a value that may be None is what takes one out (`best_i` bound only to
    # ints in a loop, then `best_i = eqi` after `if eqi is None: return`, is an int after both).
    params = {p.name.value for p in (*fn.params.posonly_params, *fn.params.params, *fn.params.kwonly_params)}
    for star in (fn.params.star_arg, fn.params.star_kwarg):
        if isinstance(star, cst.Param):
            params.add(star.name.value)
    declared = {nm.name.value for n in iter_nodes(fn.body, _SCOPES) if type(n) in (cst.Global, cst.Nonlocal) for nm in n.names}  # type: ignore[attr-defined]
    block(body_of(fn), frozenset(names - params - declared))
    return out


def _pairs(target: cst.BaseExpression, value: cst.BaseExpression) -> list[tuple[str, cst.BaseExpression]] | None:
    """`a, b = x, y`: each plain name of the target with its value; None unless the target and
    the value are tuples (or lists) of the same length without a starred element."""
    if type(target) not in (cst.Tuple, cst.List) or type(value) not in (cst.Tuple, cst.List):
        return None
    ts, vs = target.elements, value.elements  # type: ignore[attr-defined]
    if len(ts) != len(vs) or any(type(e) is cst.StarredElement for e in (*ts, *vs)):
        return None
    out = []
    for t, v in zip(ts, vs):
        if type(t.value) is not cst.Name:
            return None
        out.append((t.value.value, v.value))
    return out


def isinstance_kinds_at(fn: cst.FunctionDef) -> dict[int, dict[str, "PyType"]]:
    """id(node) -> {name: the type a dynamic value (`object`, crate::pyrt::PyObj) holds there},
    for the nodes of the branches of `if isinstance(x, str): ... elif not isinstance(x, int):
    ... else: ...` chains (and the later tests of the chain): in each branch the PyObj variants
    its test leaves, when they are one type. The evidence applies an entry only to a name whose
    type is dynamic (a union's narrowing is lowering's: portalis/lower/unions.py); a branch that
    rebinds the name is not narrowed."""
    from portalis.types import pytypes as T
    from portalis.types.unions import members_matching

    out: dict[int, dict[str, PyType]] = {}
    dyn = PyType(kind="union", args=T.DYN_MEMBERS)  # members_matching reads the members only

    def mark(node: cst.CSTNode, name: str, members: list[PyType], outer: dict[str, PyType]) -> None:
        if len(members) != 1 or name in _names_bound(node):
            return
        table = {**outer, name: members[0]}
        for n in iter_nodes(node, _SCOPES):
            out[id(n)] = {**out.get(id(n), {}), **table}

    ifs = [n for n in iter_nodes(fn, _SCOPES) if type(n) is cst.If]
    elifs = {id(n.orelse) for n in ifs if type(n.orelse) is cst.If}  # type: ignore[attr-defined]
    for node in ifs:
        if id(node) in elifs:
            continue  # a link of a chain walked from its head
        first = isinstance_test(node.test)  # type: ignore[arg-type]
        if first is None:
            continue
        name = first[0]
        remaining = list(T.DYN_MEMBERS)
        cur: cst.CSTNode | None = node
        while type(cur) is cst.If:
            test = isinstance_test(cur.test)  # type: ignore[attr-defined]
            mark(cur.test, name, remaining, {})  # type: ignore[attr-defined]
            if test is None or test[0] != name:
                mark(cur.body, name, remaining, {})  # type: ignore[attr-defined]
            else:
                hits = members_matching(dyn, test[1], exact=test[3])
                if test[2]:
                    mark(cur.body, name, [m for m in remaining if m not in hits], {})  # type: ignore[attr-defined]
                    remaining = [m for m in remaining if m in hits]
                else:
                    mark(cur.body, name, [m for m in remaining if m in hits], {})  # type: ignore[attr-defined]
                    remaining = [m for m in remaining if m not in hits]
            cur = cur.orelse  # type: ignore[attr-defined]
        if type(cur) is cst.Else:
            mark(cur.body, name, remaining, {})  # type: ignore[attr-defined]
    return out


def _names_bound(node: cst.CSTNode) -> set[str]:
    found: set[str] = set()
    for n in iter_nodes(node, _SCOPES):
        t = type(n)
        if t is cst.AssignTarget or t is cst.AugAssign or t is cst.AnnAssign or t is cst.For or t is cst.NamedExpr:
            found |= {x.value for x in iter_nodes(n.target) if type(x) is cst.Name}  # type: ignore[attr-defined]
    return found
