"""Which names a function indexes inside a loop (`s[i]` in a `for` or `while` body, or in a
comprehension): lowering gives a str parameter among them a char view made once, so each
`s[i]` is O(1) instead of a walk over the UTF-8 text."""

from __future__ import annotations

import libcst as cst

from portalis.cst_walk import children, iter_nodes, target_leaves

_LOOPS = (cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


def indexed_in_loop(fn: cst.FunctionDef) -> frozenset[str]:
    """The names `n` with a subscript `n[i]` (one index, not a slice) inside a loop of fn's own
    body (nested functions and lambdas are other scopes)."""
    found: set[str] = set()

    def walk(node: cst.CSTNode, in_loop: bool) -> None:
        for child in children(node):
            kind = type(child)
            if kind in (cst.FunctionDef, cst.Lambda, cst.ClassDef):
                continue
            if (
                in_loop
                and kind is cst.Subscript
                and type(child.value) is cst.Name
                and len(child.slice) == 1
                and type(child.slice[0].slice) is cst.Index
            ):
                found.add(child.value.value)
            walk(child, in_loop or kind in _LOOPS)

    walk(fn.body, False)
    return frozenset(found)


# Methods that change a list's length.
_RESIZING = frozenset("append extend insert pop remove clear popleft appendleft".split())
# Builtins that only read the sequence passed to them.
_READERS = frozenset("len min max sum sorted list tuple set any all enumerate zip reversed str repr print".split())


def bounded_index(loop: cst.For) -> tuple[str, str] | None:
    """(i, xs) when `for i in range(len(xs))` or `range(k, len(xs))` (k a literal >= 0) proves
    `xs[i]` in bounds for the whole body: i is never rebound there, and xs is never rebound,
    resized (a method that changes its length, a slice assignment, `del`), passed to a call
    (which could resize it) or seen by a nested function."""
    it = loop.iter
    if type(loop.target) is not cst.Name or type(it) is not cst.Call or type(it.func) is not cst.Name or it.func.value != "range":
        return None
    args = it.args
    if not 1 <= len(args) <= 2 or any(a.keyword or a.star for a in args):
        return None
    if len(args) == 2:
        start = args[0].value
        if type(start) is not cst.Integer or int(start.evaluated_value) < 0:
            return None
    stop = args[-1].value
    if not (type(stop) is cst.Call and type(stop.func) is cst.Name and stop.func.value == "len" and len(stop.args) == 1
            and type(stop.args[0].value) is cst.Name and not stop.args[0].keyword and not stop.args[0].star):
        return None
    i, xs = loop.target.value, stop.args[0].value.value
    if i == xs or not _keeps_bounds(loop.body, i, xs):
        return None
    return i, xs


def _keeps_bounds(body: cst.CSTNode, i: str, xs: str) -> bool:
    ok = True

    def bound_names(target: cst.CSTNode) -> set[str]:
        out: set[str] = set()
        for t in target_leaves(target):
            if type(t) is cst.Name:
                out.add(t.value)
            elif type(t) is cst.Subscript and type(t.value) is cst.Name and t.value.value == xs:
                if any(type(s.slice) is cst.Slice for s in t.slice):
                    out.add(xs)  # xs[a:b] = ... may change its length
        return out

    def walk(node: cst.CSTNode) -> None:
        nonlocal ok
        if not ok:
            return
        kind = type(node)
        if kind in (cst.FunctionDef, cst.Lambda, cst.ClassDef):
            if _names(node) & {i, xs}:
                ok = False
            return
        targets: list[cst.CSTNode] = []
        if kind is cst.Assign:
            targets = [t.target for t in node.targets]
        elif kind in (cst.AnnAssign, cst.AugAssign):
            targets = [node.target]
        elif kind in (cst.For, cst.CompFor):
            targets = [node.target]
        elif kind is cst.NamedExpr:
            targets = [node.target]
        elif kind is cst.Del:
            if xs in _names(node.target) or i in _names(node.target):
                ok = False
                return
        for t in targets:
            if bound_names(t) & {i, xs}:
                ok = False
                return
        if kind is cst.Call:
            func = node.func
            if type(func) is cst.Attribute and type(func.value) is cst.Name and func.value.value == xs and func.attr.value in _RESIZING:
                ok = False
                return
            pure = type(func) is cst.Name and func.value in _READERS
            if not pure and any(type(a.value) is cst.Name and a.value.value == xs for a in node.args):
                ok = False  # passed whole to a function that could resize it
                return
        for child in children(node):
            walk(child)

    walk(body)
    return ok


def _names(node: cst.CSTNode) -> set[str]:
    return {n.value for n in iter_nodes(node) if type(n) is cst.Name}
