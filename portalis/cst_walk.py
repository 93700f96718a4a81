"""Fast reads of libcst trees, shared by the analysis (portalis/analysis) and lowering
(portalis/lower), which do not import each other.

libcst's own visitors rebuild each node they visit (`_visit_and_replace_children`), which costs
more than parsing; these walks read the dataclass fields directly and skip whitespace, so one
walk of a function body costs a small fraction of its parse.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Iterator

import libcst as cst

# Fields that hold only formatting or tokens, never statements or expressions (`keyword`: the
# name in `f(key=...)`, which names a parameter, not a variable).
_SKIP = frozenset(
    "lpar rpar leading_lines lines_after_decorators header footer comma semicolon colon equal dot "
    "star operator asynchronous trailing_whitespace newline first_line empty_lines indent "
    "default_comma arrow whitespace_before_colon keyword".split()
)
_FIELDS: dict[type, tuple[str, ...]] = {}

# Every concrete libcst node class. libcst's classes are ABCs: an isinstance() test that fails
# goes through ABCMeta.__instancecheck__, which dominated translation time; exact type tests
# against these sets are cheap (libcst node classes are never subclassed).
NODE_TYPES: frozenset[type] = frozenset(
    v for v in vars(cst).values() if isinstance(v, type) and issubclass(v, cst.CSTNode) and not getattr(v, "__abstractmethods__", None)
)


def types_of(*bases: type) -> frozenset[type]:
    """The concrete node classes deriving from any of `bases`."""
    return frozenset(t for t in NODE_TYPES if issubclass(t, bases))


STATEMENTS: frozenset[type] = types_of(cst.BaseSmallStatement, cst.BaseCompoundStatement)
# Nested scopes: their bodies' names are not the enclosing function's.
SCOPES: frozenset[type] = frozenset((cst.FunctionDef, cst.ClassDef, cst.Lambda))


def _fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = tuple(
            f.name for f in dataclasses.fields(cls) if f.name not in _SKIP and not f.name.startswith("whitespace")
        )
        _FIELDS[cls] = names
    return names


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The child nodes of a node that can hold statements or expressions."""
    # The hottest function of translation (every walk of every pass calls it, about 2 million
    # times for the stdlib corpus): the field table is read inline and sequences are filtered
    # by a plain loop, not a generator (a fifth less time, the same children in the same order).
    out: list[cst.CSTNode] = []
    kind = type(node)
    for name in _FIELDS.get(kind) or _fields(kind):
        value = getattr(node, name)
        tv = type(value)
        if tv in NODE_TYPES:
            out.append(value)
        elif tv is tuple or tv is list:
            for v in value:
                if type(v) in NODE_TYPES:
                    out.append(v)
    return out


def walk(node: cst.CSTNode, enter: Callable[[cst.CSTNode], bool]) -> None:
    """Depth-first walk; `enter(n)` returning False skips n's children."""
    stack = [node]
    while stack:
        n = stack.pop()
        if enter(n):
            stack.extend(children(n))


_PRUNE: dict[tuple[type, ...], frozenset[type]] = {}


def iter_nodes(node: cst.CSTNode, prune: tuple[type, ...] = ()) -> Iterator[cst.CSTNode]:
    """Every node under `node` (itself included), not descending into `prune` types below it."""
    pruned = _PRUNE.get(prune)
    if pruned is None:
        pruned = _PRUNE[prune] = types_of(*prune) if prune else frozenset()
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if n is node or type(n) not in pruned:
            stack.extend(children(n))


def code(node: cst.CSTNode, limit: int = 40) -> str:
    """Short source text of a node (for provenance and diagnostics)."""
    text = " ".join(cst.Module(body=[]).code_for_node(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def target_leaves(target: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """What an assignment target binds or stores into, with tuples, lists and `*rest` flattened:
    `a, (b, *c), d[i], e.f = ...` yields the Names a, b, c, the Subscript and the Attribute."""
    stack = [target]
    while stack:
        n = stack.pop()
        kind = type(n)
        if kind in (cst.Tuple, cst.List):
            stack.extend(e.value for e in reversed(n.elements))  # type: ignore[attr-defined]
        elif kind is cst.StarredElement:
            stack.append(n.value)  # type: ignore[attr-defined]
        else:
            yield n


def bound_names(target: cst.CSTNode) -> set[str]:
    """The local names an assignment target binds (not those of subscripts or attributes)."""
    return {n.value for n in target_leaves(target) if type(n) is cst.Name}  # type: ignore[attr-defined]


def static_length(node: cst.BaseExpression) -> int | None:
    """The length of a sequence the code spells out: a display, or sorted/reversed/list of one
    (`tuple(sorted([a, b]))` is a 2-tuple: the analysis types it so, and lowering builds it so)."""
    if type(node) in (cst.List, cst.Tuple) and not any(type(e) is cst.StarredElement for e in node.elements):  # type: ignore[attr-defined]
        return len(node.elements)  # type: ignore[attr-defined]
    if (type(node) is cst.Call and type(node.func) is cst.Name and node.func.value in ("sorted", "reversed", "list")
            and node.args and not node.args[0].keyword and not node.args[0].star):
        return static_length(node.args[0].value)
    return None
