"""Which plain copies `x = y` may move y: the ones after which y is dead (never read again before
it is rebound), so lowering can move the value instead of cloning it (`prev = cur` at the end of
a loop body whose next iteration starts with `cur = ...`).

A structural, conservative analysis over the function's statements: from the assignment it
follows every way control can go (the rest of the block, the loop back edge, what follows the
loop or the if) and answers "dead" only when each way rebinds y with a plain `y = ...` before any
mention of it, or leaves the function. Anything it does not model answers "live": a try body
(an exception may reach a handler that reads y), a name declared global or nonlocal, a name a
nested function or lambda mentions.
"""

from __future__ import annotations

import libcst as cst

from portalis.cst_walk import children

_LOOPS = (cst.For, cst.While)
_SUITES = (cst.IndentedBlock, cst.SimpleStatementSuite, cst.SimpleStatementLine)


def movable_copies(fn: cst.FunctionDef) -> frozenset[int]:
    """The ids of the Name nodes y in `x = y`, `x: T = y` (x another name) and `xs.append(y)`
    statements of fn's body after which y is dead: the value may be moved, not copied."""
    parents: dict[int, cst.CSTNode] = {}
    candidates: list[tuple[cst.CSTNode, cst.Name]] = []
    captured: set[str] = set()

    def walk(node: cst.CSTNode, nested: bool) -> None:
        for child in children(node):
            parents[id(child)] = node
            if nested and type(child) is cst.Name:
                captured.add(child.value)
            if type(child) in (cst.Global, cst.Nonlocal):
                captured.update(n.name.value for n in child.names)
            if not nested:
                value = _copied_name(child)
                if value is not None:
                    candidates.append((child, value))
            walk(child, nested or type(child) in (cst.FunctionDef, cst.Lambda, cst.ClassDef))

    walk(fn, False)
    out = set()
    for stmt, value in candidates:
        if value.value not in captured and _dead_after(stmt, value.value, parents, fn):
            out.add(id(value))
    return frozenset(out)


def _copied_name(stmt: cst.CSTNode) -> cst.Name | None:
    """y in `x = y` or `x: T = y` (two different plain names), or in `xs.append(y)`."""
    if type(stmt) is cst.Expr and type(stmt.value) is cst.Call:
        call = stmt.value
        if (
            type(call.func) is cst.Attribute
            and call.func.attr.value == "append"
            and len(call.args) == 1
            and not call.args[0].keyword
            and not call.args[0].star
            and type(call.args[0].value) is cst.Name
            and not _mentions(call.func.value, call.args[0].value.value)
        ):
            return call.args[0].value
        return None
    pair = _single_assignment(stmt)
    if pair is None:
        return None
    target, value = pair
    if type(target) is cst.Name and type(value) is cst.Name and target.value != value.value:
        return value
    return None


def _single_assignment(stmt: cst.CSTNode) -> tuple[cst.BaseExpression, cst.BaseExpression] | None:
    """(target, value) of `t = v` or `t: T = v`; None for anything else."""
    if type(stmt) is cst.Assign and len(stmt.targets) == 1:
        return stmt.targets[0].target, stmt.value
    if type(stmt) is cst.AnnAssign and stmt.value is not None:
        return stmt.target, stmt.value
    return None


def _mentions(node: cst.CSTNode, name: str) -> bool:
    if type(node) is cst.Name:
        return node.value == name
    return any(_mentions(c, name) for c in children(node))


def _kills(stmt: cst.CSTNode, name: str) -> bool:
    """A statement that rebinds name without reading it (`y = expr`, expr not mentioning y)."""
    if type(stmt) is cst.SimpleStatementLine:
        for small in stmt.body:
            if _kills(small, name):
                return True
            if _mentions(small, name):
                return False
        return False
    pair = _single_assignment(stmt)
    if pair is None:
        return False
    target, value = pair
    return type(target) is cst.Name and target.value == name and not _mentions(value, name)


def _scan(stmts: list[cst.CSTNode], name: str) -> str:
    """"killed" if the statements rebind name before mentioning it, "read" if they may read it,
    "clear" if they do not mention it at all."""
    for s in stmts:
        if _kills(s, name):
            return "killed"
        if _mentions(s, name):
            return "read"
    return "clear"


def _body_list(node: cst.CSTNode) -> list[cst.CSTNode] | None:
    if type(node) in _SUITES:
        return list(node.body)
    return None


def _dead_after(stmt: cst.CSTNode, name: str, parents: dict[int, cst.CSTNode], fn: cst.FunctionDef) -> bool:
    node = stmt
    while True:
        parent = parents.get(id(node))
        if parent is None:
            return False
        if parent is fn:
            return True  # the end of the function: name (a local) is never read again
        body = _body_list(parent)
        if body is not None:
            after = body[body.index(node) + 1:]
            state = _scan(after, name)
            if state == "killed":
                return True
            if state == "read":
                return False
            node = parent
            continue
        kind = type(parent)
        if kind in _LOOPS:
            if node is parent.body:
                # The back edge: the next iteration's header, then the body from its start.
                header = parent.test if kind is cst.While else parent.target
                if kind is cst.For and type(parent.target) is cst.Name and parent.target.value == name:
                    pass  # rebound by the loop itself before the body runs again
                elif _mentions(header, name):
                    return False
                else:
                    stmts = _body_list(parent.body) or []
                    if _scan(stmts, name) != "killed":
                        return False
                if parent.orelse is not None and _mentions(parent.orelse, name):
                    return False
            elif kind is cst.While or node is not parent.iter:
                return False
            node = parent
            continue
        if kind in (cst.If, cst.Else, cst.With):
            node = parent  # the other branch does not run; what follows the statement does
            continue
        return False  # try, match, comprehensions...: not modelled
