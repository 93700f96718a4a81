"""Kind tests of a parameter (`isinstance(s, str)`): where the body narrows it, and whether the
translation can narrow the same way.

A parameter the body asks the kind of takes several kinds of value: the types its `isinstance`
tests name, and what the branch no test selects (the fall-through) uses it as. The evidence pass
(evidence.py) makes it the union of those (an enum, portalis/types/unions.py) when lowering can
narrow it as Python does (portalis/lower/unions.py: an `if isinstance(x, A): ... elif
isinstance(x, B): ... else: ...` chain is a `match` whose arms bind x to the member):

- every test of it is the test of an `if`/`elif` chain on it (or `if not isinstance(...)`, or an
  `if isinstance(...): return ...` whose rest of the block is the other arm), naming builtin types
  or classes of the module (`isinstance(x, Circle)`: the evidence pass checks which classes can
  be members), or the exact `type(x) is T` / `type(x) == T` (the same narrowing where no
  member is a subclass of another: the evidence pass refuses an int test where bool is a member);
- no statement rebinds it (an arm would assign the union, not its member);
- a use outside an arm that selects one member is one every member has (`==`, `is None`,
  `str()`, `repr()`, `print()`, truthiness: "common", which a class member has not; `return x`:
  "shared").

Otherwise `KindTests.problem` says which test or use stops it (the parameter stays PTL110 with
that reason). This module reads syntax only; the evidence pass decides the types.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from portalis.cst_scan import bound_names, children, diverges, isinstance_test
from portalis.cst_walk import code, iter_nodes
from portalis.model import PyType
from portalis.types import pytypes as T
from portalis.types.unions import members_matching

# The builtin names a union member is tested by (containers are left out: `isinstance(x, list)`
# says nothing of the elements, which a member needs).
MEMBER_NAMES: dict[str, PyType] = {"int": T.INT, "float": T.FLOAT, "str": T.STR, "bytes": T.BYTES, "bool": T.BOOL}

MEMBER_KINDS = frozenset(t.kind for t in MEMBER_NAMES.values())

# Calls every member of a union supports (Display, PyRepr): `str(x)`, `repr(x)`, `print(x)`.
_SHOWN = frozenset({"str", "repr", "print"})


@dataclass
class Arm:
    """One branch of a kind test: `names` the type names selecting it (None: the fall-through,
    what no test of its chain names, `excluded`), and the ids of every node inside it."""

    names: frozenset[str] | None
    excluded: frozenset[str] = frozenset()
    nodes: set[int] = field(default_factory=set)
    exact: bool = False  # selected (or excluded) by `type(x) is T` tests: no subclass matches


@dataclass
class KindTests:
    """The kind tests of one parameter: the type names tested, the arms they select, each
    reading of the parameter with the arms around it (innermost last) and what it is (see
    `_how`), the first test's line and text; `problem` when lowering could not narrow it."""

    names: set[str] = field(default_factory=set)
    arms: list[Arm] = field(default_factory=list)
    reads: list[tuple[str, list[Arm], int]] = field(default_factory=list)  # (how, arms around, id of the Name)
    first: str = ""
    problem: str | None = None
    exact: set[str] = field(default_factory=set)  # the names an exact `type(x) is T` tests


def kind_tests(fn: cst.FunctionDef, p: str, classes: frozenset[str] = frozenset()) -> KindTests:
    """The kind tests of parameter `p` of `fn` (module docstring); `classes`: the names of the
    module's classes a test may name."""
    out = KindTests()
    tests: set[int] = set()  # ids of the isinstance calls the chains read

    def problem(text: str) -> None:
        if out.problem is None:
            out.problem = text

    def chain(node: cst.If, rest: list[cst.BaseStatement]) -> tuple[list[tuple[Arm, list[cst.CSTNode]]], bool] | None:
        """The arms of an isinstance chain on p (with the nodes inside each), and whether it
        takes the rest of the block as its last arm; None when `node` is not one."""
        first = isinstance_test(node.test, classes)
        if first is None or first[0] != p:
            return None
        arms: list[tuple[Arm, list[cst.CSTNode]]] = []
        seen: set[str] = set()
        exact = False  # whether a test of the chain is exact: its fall-through arm is, too
        if first[3]:
            out.exact |= first[1]
        if first[2]:  # `if not isinstance(p, T): A else: B`
            if isinstance(node.orelse, cst.If):
                problem(f"`{code(node.test)}` followed by an elif")
                return None
            tests.add(id(node.test.expression))  # type: ignore[attr-defined]
            out.names |= first[1]
            names = frozenset(first[1])
            arms.append((Arm(None, excluded=names, exact=first[3]), [node.body]))
            if isinstance(node.orelse, cst.Else):
                arms.append((Arm(names, exact=first[3]), [node.orelse.body]))
                return arms, False
            if diverges(node.body) and rest:
                arms.append((Arm(names, exact=first[3]), list(rest)))
                return arms, True
            return arms, False
        cur: cst.If | cst.Else | None = node
        while isinstance(cur, cst.If):
            test = isinstance_test(cur.test, classes)
            if test is None or test[0] != p or test[2]:
                problem(f"`{code(cur.test)}`: an elif of a kind test that tests something else")
                return None
            if arms and test[3] != exact:
                problem(f"`{code(cur.test)}`: a chain mixing isinstance() and type() tests")
                return None
            exact = test[3]
            if exact:
                out.exact |= test[1]
            tests.add(id(cur.test))
            out.names |= test[1]
            arms.append((Arm(frozenset(test[1]) - seen, exact=exact), [cur.body]))
            seen |= test[1]
            cur = cur.orelse  # type: ignore[assignment]
        if isinstance(cur, cst.Else):
            arms.append((Arm(None, excluded=frozenset(seen), exact=exact), [cur.body]))
            return arms, False
        if len(arms) == 1 and diverges(node.body) and rest:
            arms.append((Arm(None, excluded=frozenset(seen), exact=exact), list(rest)))
            return arms, True
        return arms, False

    def block(stmts: list[cst.BaseStatement], around: list[Arm]) -> None:
        i = 0
        while i < len(stmts):
            st = stmts[i]
            found = chain(st, stmts[i + 1:]) if isinstance(st, cst.If) else None
            if found is None:
                node(st, around)
                i += 1
                continue
            arms, took_rest = found
            if not out.first:
                out.first = code(st.test)  # type: ignore[attr-defined]
            for arm, inner in arms:
                out.arms.append(arm)
                for n in inner:
                    _ids(n, arm.nodes)
                inside = list(getattr(inner[0], "body", ())) if len(inner) == 1 and isinstance(inner[0], cst.BaseSuite) else inner
                block(inside, around + [arm])  # type: ignore[arg-type]
            i = len(stmts) if took_rest else i + 1

    def node(n: cst.CSTNode, around: list[Arm], parent: cst.CSTNode | None = None) -> None:
        t = type(n)
        if t is cst.Name and n.value == p:  # type: ignore[attr-defined]
            out.reads.append((_how(parent, n), around, id(n)))
            return
        if t in (cst.FunctionDef, cst.Lambda, cst.ClassDef) and p in _names(n):
            problem("read by a nested function")
            return
        if t is cst.Call and _kind_call(n, p):  # type: ignore[arg-type]
            named = _tested(n)  # type: ignore[arg-type]
            if id(n) not in tests:
                other = sorted(named - set(MEMBER_NAMES) - classes - {"?"})
                if n.func.value == "type":  # type: ignore[attr-defined]
                    problem(f"`{code(n)}`: type() is narrowed only as the test of an if/elif chain on it (`type(x) is T`)")
                elif other:
                    problem(f"`{code(n)}`: {other[0]} is not a builtin type nor a class of the module")
                else:
                    problem(f"`{code(n)}`: a kind test that is not an if/elif chain on it")
            out.names |= named
            return
        if t is cst.Call and type(n.func) is cst.Name and n.func.value in _SHOWN:  # type: ignore[attr-defined]
            node(n.func, around, n)  # type: ignore[attr-defined]
            for a in n.args:  # type: ignore[attr-defined]
                if type(a.value) is cst.Name and a.value.value == p and a.keyword is None and not a.star:
                    out.reads.append(("common", around, id(a.value)))  # str(x), repr(x), print(x): each member's own
                else:
                    node(a, around, n)
            return
        if t is cst.If:
            found = chain(n, [])  # type: ignore[arg-type]
            if found is not None:
                block([n], around)  # type: ignore[list-item]
                return
        if isinstance(n, cst.BaseSuite):
            block(list(getattr(n, "body", ())), around)
            return
        for c in children(n):
            node(c, around, parent if t is cst.Arg else n)  # an argument's reading is shown with its call

    body = fn.body
    block(list(getattr(body, "body", ())), [])
    return out


def arm_members(union: PyType, arm: Arm) -> list[PyType]:
    """The members of `union` a value holds in `arm` (as lowering's `match` binds them)."""
    if arm.names is not None:
        return members_matching(union, set(arm.names), arm.exact)
    excluded = members_matching(union, set(arm.excluded), arm.exact)
    return [m for m in union.args if m not in excluded]


def held_in(union: PyType, around: list[Arm]) -> list[PyType]:
    """The members of `union` a value holds inside all the arms `around` (outermost first): a
    chain nested in another's arm narrows what the outer one left."""
    held = list(union.args)
    for arm in around:
        inner = arm_members(union, arm)
        held = [m for m in held if m in inner]
    return held


def _kind_call(call: cst.Call, p: str) -> bool:
    """`isinstance(p, ...)`, `type(p)` or `issubclass(p, ...)`."""
    f = call.func
    return (type(f) is cst.Name and f.value in ("isinstance", "type", "issubclass") and bool(call.args)
            and type(call.args[0].value) is cst.Name and call.args[0].value.value == p)  # type: ignore[attr-defined]


def _tested(call: cst.Call) -> set[str]:
    """The names `isinstance(x, (A, B))` tests (`type(x)` names none)."""
    if call.func.value != "isinstance" or len(call.args) != 2:  # type: ignore[attr-defined]
        return {"?"}
    types = call.args[1].value
    elements = [e.value for e in types.elements] if isinstance(types, cst.Tuple) else [types]
    return {e.value if isinstance(e, cst.Name) else "?" for e in elements}


def _ids(n: cst.CSTNode, into: set[int]) -> None:
    into.update(id(x) for x in iter_nodes(n))


def _names(n: cst.CSTNode) -> set[str]:
    return {x.value for x in iter_nodes(n) if type(x) is cst.Name}  # type: ignore[attr-defined]


def _how(parent: cst.CSTNode | None, n: cst.CSTNode) -> str:
    """What a reading of the parameter is: "shared" (the union itself: `return x`),
    "common" (a use every builtin member of a union has: `==`, `is None`, `str()`,
    truthiness; a class member has none), "bound" (a rebinding), or the source text of the
    expression around it (a use of one kind)."""
    t = type(parent)
    if t is cst.Return:
        return "shared"
    if t is cst.Comparison and all(type(c.operator) in (cst.Equal, cst.NotEqual, cst.Is, cst.IsNot) for c in parent.comparisons):  # type: ignore[union-attr]
        return "common"
    if t in (cst.If, cst.While) and parent.test is n:  # type: ignore[union-attr]
        return "common"
    if t is cst.UnaryOperation and type(parent.operator) is cst.Not:  # type: ignore[union-attr]
        return "common"
    if t is cst.FormattedStringExpression and parent.format_spec is None:  # type: ignore[union-attr]
        return "common"
    if t in (cst.AssignTarget, cst.AugAssign) or (t is cst.AnnAssign and parent.target is n):  # type: ignore[union-attr]
        return "bound"
    return code(parent) if parent is not None else "?"


def rebinds(fn: cst.FunctionDef, p: str) -> bool:
    """Whether any statement of the body binds `p` (assignment, loop, with, except, del...)."""
    stack: list[cst.CSTNode] = [fn.body]
    while stack:
        x = stack.pop()
        t = type(x)
        if t is cst.AssignTarget and p in bound_names(x.target):  # type: ignore[attr-defined]
            return True
        if t in (cst.AugAssign, cst.AnnAssign) and type(x.target) is cst.Name and x.target.value == p:  # type: ignore[attr-defined]
            return True
        if t in (cst.For, cst.CompFor) and p in bound_names(x.target):  # type: ignore[attr-defined]
            return True
        if t is cst.AsName and type(x.name) is cst.Name and x.name.value == p:  # type: ignore[attr-defined]
            return True
        if t is cst.NamedExpr and type(x.target) is cst.Name and x.target.value == p:  # type: ignore[attr-defined]
            return True
        stack.extend(children(x))
    return False
