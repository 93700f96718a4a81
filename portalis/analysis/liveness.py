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

from typing import Callable

import libcst as cst

from portalis.cst_walk import children
from portalis.cst_scan import MUTATING_METHODS  # the one list of Python methods that change their receiver

_LOOPS = (cst.For, cst.While)
_SUITES = (cst.IndentedBlock, cst.SimpleStatementSuite, cst.SimpleStatementLine)


def movable_copies(fn: cst.FunctionDef) -> frozenset[int]:
    """The ids of the Name nodes y in `x = y`, `x: T = y` (x another name), `xs.append(y)` and
    `d[y] = v` statements of fn's body after which y is dead: the value may be moved, not
    copied (a str key goes into the dict without a copy)."""
    candidates: list[tuple[cst.CSTNode, cst.Name]] = []

    def seen(child: cst.CSTNode, nested: bool) -> None:
        if not nested:
            value = _copied_name(child, keys=True)
            if value is not None:
                candidates.append((child, value))

    parents, captured = _parents_and_captured(fn, seen)
    out = set()
    for stmt, value in candidates:
        if value.value not in captured and _dead_after(stmt, value.value, parents, fn):
            out.add(id(value))
    return frozenset(out)


def dead_after(fn: cst.FunctionDef, stmt: cst.CSTNode, name: str) -> bool:
    """Whether `name` is never read once the statement `stmt` of fn's body is done: every way
    on rebinds it before a mention or leaves the function (as for `movable_copies`; a name a
    nested function mentions, or declared global or nonlocal, is never dead here)."""
    parents, captured = _parents_and_captured(fn)
    return name not in captured and id(stmt) in parents and _dead_after(stmt, name, parents, fn)


def dead_after_branch(fn: cst.FunctionDef, assign: cst.CSTNode, name: str) -> bool:
    """Whether `name`, rebound by the assignment `assign` (a statement of an `if`/`elif`/`else`
    body, not nested deeper), is never read once that branch is done: every way on from the `if`
    rebinds it before a mention or leaves the function. Then a rebinding with another type may
    be a Rust `let` that shadows the name in the branch's block alone (pygments'
    `regex = re.compile(rf'^{regex}...')` in an `if` of `shebang_matches`): no later code can
    read the old binding Rust keeps outside it. A name a nested function mentions, or declared
    global or nonlocal, is never dead here."""
    parents, captured = _parents_and_captured(fn)
    if name in captured or id(assign) not in parents:
        return False
    line = parents.get(id(assign))
    if type(line) is not cst.SimpleStatementLine:
        return False
    suite = parents.get(id(line))
    owner = parents.get(id(suite)) if type(suite) is cst.IndentedBlock else None
    if type(owner) not in (cst.If, cst.Else) or owner.body is not suite:
        return False
    return _dead_after(owner, name, parents, fn)




def shared_then_changed(fn: cst.FunctionDef) -> dict[int, str]:
    """The copies `x = y`, `x: T = y` and `xs.append(y)` (y a plain name) after which Python's
    two names share one object and the function changes one of them in place somewhere
    (`y.append(..)`, `x[i] = ..`, `x += ..`, `del y[k]`, `y.attr = ..`): id of the Name y ->
    the name changed. Where the lowering copies such a y (it is not dead afterwards, see
    movable_copies) the Rust would diverge from Python, so it must not translate it.

    Conservative on purpose: a change anywhere in the function counts, even one made after the
    name was rebound to a fresh object; a change made by a called function does not."""
    changed = _changed_in_place(fn)
    out: dict[int, str] = {}

    def walk(node: cst.CSTNode) -> None:
        for child in children(node):
            if type(child) in (cst.FunctionDef, cst.Lambda, cst.ClassDef):
                continue
            value = _copied_name(child)
            if value is not None:
                names = [value.value]
                pair = _single_assignment(child)
                if pair is not None and type(pair[0]) is cst.Name:
                    names.append(pair[0].value)
                hit = next((n for n in names if n in changed), None)
                if hit is not None:
                    out[id(value)] = hit
            walk(child)

    walk(fn.body)
    return out


def _changed_in_place(fn: cst.FunctionDef) -> set[str]:
    """Names whose object the function's own body changes in place."""
    out: set[str] = set()

    def base(target: cst.BaseExpression) -> str | None:
        while type(target) in (cst.Subscript, cst.Attribute):
            target = target.value  # type: ignore[union-attr]
        return target.value if type(target) is cst.Name else None

    def walk(node: cst.CSTNode) -> None:
        for child in children(node):
            t = type(child)
            if t is cst.Call and type(child.func) is cst.Attribute and child.func.attr.value in MUTATING_METHODS:
                name = base(child.func.value)
                if name is not None:
                    out.add(name)
            elif t is cst.AssignTarget and type(child.target) in (cst.Subscript, cst.Attribute):
                name = base(child.target)
                if name is not None:
                    out.add(name)
            elif t in (cst.AugAssign, cst.AnnAssign) and type(child.target) in (cst.Subscript, cst.Attribute, cst.Name):
                if t is cst.AugAssign or type(child.target) is not cst.Name:
                    name = base(child.target)
                    if name is not None:
                        out.add(name)
            elif t is cst.Del:
                for el in child.target.elements if type(child.target) is cst.Tuple else [child.target]:
                    target = el.value if isinstance(el, cst.BaseElement) else el
                    if type(target) in (cst.Subscript, cst.Attribute):
                        name = base(target)
                        if name is not None:
                            out.add(name)
            if t not in (cst.FunctionDef, cst.Lambda, cst.ClassDef):
                walk(child)

    walk(fn.body)
    return out


def _copied_name(stmt: cst.CSTNode, keys: bool = False) -> cst.Name | None:
    """y in `x = y` or `x: T = y` (two different plain names), or in `xs.append(y)`; with `keys`,
    also k in `d[k] = v` (v and d not reading k): a key the dict stores."""
    if keys:
        pair = _single_assignment(stmt)
        if pair is not None and type(pair[0]) is cst.Subscript:
            target, value = pair
            if len(target.slice) == 1 and type(target.slice[0].slice) is cst.Index:
                key = target.slice[0].slice.value
                if type(key) is cst.Name and not _mentions(value, key.value) and not _mentions(target.value, key.value):
                    return key
            return None
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


def _parents_and_captured(
    fn: cst.FunctionDef, seen: Callable[[cst.CSTNode, bool], None] | None = None,
) -> tuple[dict[int, cst.CSTNode], set[str]]:
    """Each node's parent (by id) in fn, and the names a nested function, lambda or class
    mentions or a global/nonlocal declares (never dead: something else may read them);
    `seen(node, nested)` is called on every node on the way."""
    parents: dict[int, cst.CSTNode] = {}
    captured: set[str] = set()

    def walk(node: cst.CSTNode, nested: bool) -> None:
        for child in children(node):
            parents[id(child)] = node
            if nested and type(child) is cst.Name:
                captured.add(child.value)
            if type(child) in (cst.Global, cst.Nonlocal):
                captured.update(n.name.value for n in child.names)
            if seen is not None:
                seen(child, nested)
            walk(child, nested or type(child) in (cst.FunctionDef, cst.Lambda, cst.ClassDef))

    walk(fn, False)
    return parents, captured


def consumed_params(fn: cst.FunctionDef) -> frozenset[str]:
    """The parameters fn consumes: read only as the iterable of one `for` loop that is a
    statement of fn's body itself (so it runs once, and nothing reads the parameter after it),
    whose loop variable is appended somewhere in the loop (`acc.append(w)`, `d[k].append(w)`)
    where it is dead after (`movable_copies`: the append moves it). A parameter like that can be
    passed by value and its items moved into what keeps them: Python keeps references to the
    caller's items, Rust would copy each one out of a borrowed list. Only where the item is
    moved: a kept copy (`(k, w)`, `[w]`, `d[k] = w`, a read after the append) would be made
    anyway, and a caller reading its list again would copy it once more. Not a parameter with a
    default, `*args`/`**kwargs`, one read anywhere else, or one a nested function mentions; the
    type decides the rest (`types/rust_types.py: param_type`: a list whose items are not Copy)."""
    plain = [p for p in (*fn.params.posonly_params, *fn.params.params, *fn.params.kwonly_params) if p.default is None]
    names = {p.name.value for p in plain}
    if not names:
        return frozenset()
    mentions: dict[str, int] = {}
    loops: dict[str, tuple[cst.For, str]] = {}  # parameter -> its loop, the loop variable
    _, captured = _parents_and_captured(fn, lambda node, nested: _count_name(node, mentions))
    for stmt in fn.body.body if isinstance(fn.body, cst.IndentedBlock) else ():
        if (isinstance(stmt, cst.For) and stmt.asynchronous is None and isinstance(stmt.iter, cst.Name)
                and isinstance(stmt.target, cst.Name) and stmt.orelse is None):
            loops.setdefault(stmt.iter.value, (stmt, stmt.target.value))
    out = set()
    movable: frozenset[int] | None = None
    for name in names:
        found = loops.get(name)
        if found is None or name in captured or mentions.get(name) != 2:
            continue  # read elsewhere too (its declaration and the loop's iterable are the two allowed)
        if movable is None:
            movable = movable_copies(fn)
        if _appends_moved(found[0].body, found[1], movable):
            out.add(name)
    return frozenset(out)


def _count_name(node: cst.CSTNode, counts: dict[str, int]) -> None:
    if type(node) is cst.Name:
        counts[node.value] = counts.get(node.value, 0) + 1


def _appends_moved(body: cst.CSTNode, name: str, movable: frozenset[int]) -> bool:
    """Whether body has an `xs.append(name)` that moves name (its id in `movable`)."""
    todo = [body]
    while todo:
        node = todo.pop()
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "append" and len(node.args) == 1:
            arg = node.args[0].value
            if isinstance(arg, cst.Name) and arg.value == name and id(arg) in movable:
                return True
        elif isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            continue
        todo.extend(children(node))
    return False
