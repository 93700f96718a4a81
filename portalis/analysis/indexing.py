"""Which names a function indexes inside a loop (`s[i]` in a `for` or `while` body, or in a
comprehension): lowering gives a str parameter among them a char view made once, so each
`s[i]` is O(1) instead of a walk over the UTF-8 text."""

from __future__ import annotations

import libcst as cst

from portalis.cst_walk import children

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
