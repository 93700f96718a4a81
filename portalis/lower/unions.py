"""`isinstance` narrowing of union values: `if isinstance(x, int): A elif isinstance(x, str): B
else: C` on a local of a union type is a `match` on its enum, each arm binding x to the member
its test selects (`crate::pyrt::IntOrStr::Int(x) => { A }`), so A reads an int, B a str.

Only when the branches do not assign x (they would assign the union, not the member), every test
of the chain is an `isinstance` (or an exact `type(x) is T`) of the same name, and the types
tested are builtin names or the names of the union's class members (`isinstance(x, Circle)`: the
arm binds `&Circle`, the variant's struct, and reads its fields and methods as a class
parameter's); other shapes are left to the plain `if` (where `isinstance` is a `matches!`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from portalis.lower.context import Local, Mode
from portalis.model import PyType
from portalis.rust import ir
from portalis.cst_scan import diverges, isinstance_test  # noqa: F401  (shared with the analysis)
from portalis.types import pytypes as T
from portalis.types.rust_types import owned_type
from portalis.types.unions import enum_name, members_matching, tag

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer


def _members(t: PyType) -> PyType:
    """The union a local's isinstance tests select among: a union itself; a dynamic value
    (crate::pyrt::PyObj) as the union of the builtin types its variants hold; a class value as
    the union of that class alone."""
    if t.kind not in ("union", "dyn"):
        return PyType(kind="union", args=(t,))
    return PyType(kind="union", args=T.DYN_MEMBERS) if t.kind == "dyn" else t


def _variant(t: PyType, member: PyType) -> str:
    """The enum variant's path of a member: `crate::pyrt::IntOrStr::Int`, `crate::pyrt::PyObj::Str`."""
    if t.kind == "dyn":
        return f"crate::pyrt::PyObj::{T.dyn_variant(member)}"
    return f"crate::pyrt::{enum_name(t)}::{tag(member)}"


def _classes(t: PyType) -> frozenset[str]:
    """The names of a union's class members (what its isinstance tests may name besides builtins)."""
    if t.kind == "class" and t.name:
        return frozenset({t.name})
    return frozenset(m.name for m in t.args if m.kind == "class" and m.name) if t.kind == "union" else frozenset()


def kind_test(lw: "FunctionLowerer", test: cst.BaseExpression) -> tuple[Local, tuple[str, set[str], bool, bool]] | None:
    """A kind test (cst_scan.isinstance_test) of a union local, or of a local of a class the
    test names (its struct is exactly that class), with the local; None otherwise."""
    subject = _subject(test)
    local = union_local(lw, subject, classes=True) if subject is not None else None
    if local is None:
        return None
    found = isinstance_test(test, _classes(local.ty))
    if found is not None and local.ty.kind in _SINGLE and subject not in lw.union_held and not (found[3] and local.ty.kind in _EXACT):
        # isinstance() of a builtin value: the plain `if` (a constant test) as before, unless
        # it is a union's member bound by an arm (a nested chain: decided, its dead arm dropped)
        # or an exact test of a str or bytes (an int parameter may be passed a bool, a float
        # one an int: `type(x) is int` is no constant there)
        return None
    return (local, found) if found is not None and found[0] == subject else None


# Builtin kinds a test of a member an arm bound decides statically; `_EXACT`: those an exact
# `type(x) is T` test of any such value decides (`type(x)` itself has no translation: the test
# is dropped with the branch that cannot run).
_SINGLE = frozenset({"int", "float", "str", "bytes", "bool"})
_EXACT = frozenset({"str", "bytes"})


def _named(node: cst.If, classes: frozenset[str]) -> set[str]:
    """The names of `classes` the tests of an if/elif chain name."""
    out: set[str] = set()
    cur: cst.BaseSuite | cst.If | cst.Else | None = node
    while isinstance(cur, cst.If):
        test = isinstance_test(cur.test, classes)
        if test is not None:
            out |= test[1] & classes
        cur = cur.orelse
    return out


def _subject(test: cst.BaseExpression) -> str | None:
    """The name an `isinstance(x, ...)` / `type(x) is ...` test reads, whatever it names."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test = test.expression
    if isinstance(test, cst.Comparison):
        test = test.left
    if isinstance(test, cst.Call) and isinstance(test.func, cst.Name) and test.func.value in ("isinstance", "type") and test.args:
        v = test.args[0].value
        return v.value if isinstance(v, cst.Name) else None
    return None


def union_local(lw: "FunctionLowerer", name: str, classes: bool = False) -> Local | None:
    """The local `name` when isinstance tests of it select among members: a union, a dynamic
    value, and with `classes` a value of a class (one member: the tests decide statically)."""
    local = lw.locals.get(name)
    kinds = ("union", "dyn", "class", *_SINGLE) if classes else ("union", "dyn")
    if local is None or local.ty.kind not in kinds or local.narrowed or local.func is not None:
        return None
    if local.mutable_ref and local.ty.kind in ("union", "dyn"):
        return None
    return local


def match_isinstance(lw: "FunctionLowerer", node: cst.If, assigned) -> list[ir.Stmt] | None:
    """The `match` form of an isinstance chain on a union local (module docstring), or None.
    `assigned(suite)` gives the names a suite binds."""
    found = kind_test(lw, node.test)
    if found is None:
        return None
    local, first = found
    name = first[0]
    classes = _classes(local.ty)
    union = _members(local.ty)
    remaining = list(lw.union_held.get(name, union.args))
    arms: list[tuple[list[PyType], cst.BaseSuite | None]] = []
    cur: cst.If | cst.Else | None = node
    while isinstance(cur, cst.If):
        test = isinstance_test(cur.test, classes)
        if test is None or test[0] != name:
            if not arms:
                return None
            # `elif s.lower() in ...` after the isinstance tests: the rest of the chain runs,
            # as an `if` of its own, in the arm of the members still possible
            arms.append((remaining, cst.IndentedBlock(body=[cur])))
            remaining, cur = [], None
            break
        matching = members_matching(union, test[1], exact=test[3])
        if test[2]:  # `not isinstance(x, T)`: the others here, T's members after it
            arms.append(([m for m in remaining if m not in matching], cur.body))
            remaining = [m for m in remaining if m in matching]
        else:
            hits = [m for m in matching if m in remaining]
            remaining = [m for m in remaining if m not in hits]
            arms.append((hits, cur.body))
        cur = cur.orelse
    if remaining or cur is not None:
        arms.append((remaining, cur.body if isinstance(cur, cst.Else) else None))
    if any(suite is not None and name in assigned(suite) for _m, suite in arms):
        return None
    if local.ty.kind not in ("union", "dyn"):
        if local.ty.kind == "class" and not _named(node, classes):
            return None  # no test names its class: the plain `if` decides (and says why not)
        # a class value (or a builtin one tested by `type(x) is T`): the tests are decided
        # statically, only the arm of its class runs (`if isinstance(other, timedelta): ...
        # else: return NotImplemented`)
        for members, suite in arms:
            if members:
                block = lw.block(suite) if suite is not None else ir.Block()
                # Python's branch has no scope of its own: its statements run in the function's
                # (a `return` last stays the function's last statement, no unreachable!() after)
                return list(block.stmts) if block.tail is None else [ir.ExprStmt(ir.BlockExpr(block))]
        return []
    scrutinee = local.path() if local.mode is Mode.REF else ir.Ref(local.path())
    before = lw.narrow_state()
    falls: list[frozenset[str]] = []
    out: list[ir.MatchArm] = []
    for members, suite in arms:
        if not members:
            continue  # the test is never true here: Python never runs the branch either
        if len(members) == 1 and members[0].kind == "none":
            pattern: ir.Pat = ir.PVariant(_variant(local.ty, members[0]))  # PyObj::None holds nothing
        elif len(members) == 1:
            pattern = ir.PVariant(_variant(local.ty, members[0]), (ir.PBind(local.name),))
            lw.locals[name] = Local(local.name, members[0], Mode.REF, param=local.param, block=local.block)
        else:
            pattern = ir.POr(tuple(ir.PVariant(_variant(local.ty, m), None if m.kind == "none" else (ir.PWild(),)) for m in members))
        held = lw.union_held.get(name)
        # the members the arm holds: a chain nested in it matches among those (one member:
        # its tests are decided, `if isinstance(x, int): ... return NotImplemented` in the int arm)
        lw.union_held[name] = list(members)
        try:
            block = lw.block(suite) if suite is not None else ir.Block()
        finally:
            lw.locals[name] = local
            if held is None:
                lw.union_held.pop(name, None)
            else:
                lw.union_held[name] = held
        if len(members) == 1 and members[0].kind == "class":
            # the variant holds the struct boxed (rust_types.member_type): the arm reads it as
            # `&Circle`, as a class parameter (`let x: &Circle = x;`, a deref coercion)
            rebind = ir.Let(ir.PBind(local.name), ir.TRef(owned_type(members[0])), local.path())
            block = ir.Block((rebind, *block.stmts), block.tail)
        from portalis.lower.function import _block_diverges

        if not _block_diverges(block):
            falls.append(lw.narrow_state())
        lw.set_narrow_state(before)
        out.append(ir.MatchArm(pattern, ir.BlockExpr(block)))
    if name in lw.union_held and len(lw.union_held[name]) < len(union.args):
        # a chain nested in an arm that selected some members: the others cannot be here
        out.append(ir.MatchArm(ir.PWild(), ir.Macro("unreachable", ())))
    if falls:
        after = falls[0]
        for state in falls[1:]:
            after = after & state
        lw.set_narrow_state(after)
    return [ir.ExprStmt(ir.Match(scrutinee, tuple(out)))]


def early_exit_rest(lw: "FunctionLowerer", stmt: cst.BaseStatement, rest: list[cst.BaseStatement]) -> cst.If | None:
    """`if isinstance(x, int): return ...` followed by more statements: the rest of the block
    is the else branch (where x holds the other members), as an `If` with that else; None when
    the statement is not such a test on a union local."""
    if not rest or not isinstance(stmt, cst.If) or stmt.orelse is not None or not diverges(stmt.body):
        return None
    if kind_test(lw, stmt.test) is None:
        return None
    return stmt.with_changes(orelse=cst.Else(body=cst.IndentedBlock(body=rest)))


def match_as_tail(stmt: ir.Stmt) -> ir.Match | None:
    """A function's last statement, an isinstance `match` whose every arm ends in `return v`, as
    the function's tail with each arm's `v` its value (clippy's needless_return); None otherwise."""
    if not (isinstance(stmt, ir.ExprStmt) and isinstance(stmt.expr, ir.Match)):
        return None
    arms: list[ir.MatchArm] = []
    for arm in stmt.expr.arms:
        if isinstance(arm.body, ir.Macro) and arm.body.name == "unreachable":
            arms.append(arm)  # a nested chain's members its arm cannot hold
            continue
        if not isinstance(arm.body, ir.BlockExpr) or arm.body.label is not None:
            return None
        block = arm.body.block
        last = block.stmts[-1] if block.stmts else None
        inner = match_as_tail(last) if last is not None else None  # a chain nested in the arm
        if block.tail is None and inner is not None:
            arms.append(ir.MatchArm(arm.pattern, ir.BlockExpr(ir.Block(block.stmts[:-1], inner))))
            continue
        if block.tail is not None or not isinstance(last, ir.Return) or last.value is None:
            return None
        arms.append(ir.MatchArm(arm.pattern, ir.BlockExpr(ir.Block(block.stmts[:-1], last.value))))
    return ir.Match(stmt.expr.scrutinee, tuple(arms))
