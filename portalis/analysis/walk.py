"""Fast reads of libcst trees for the analysis passes.

libcst's visitors rebuild every node they pass (`_visit_and_replace_children`), which costs more
than parsing; these walks read the dataclass fields directly and skip formatting (the same
technique as portalis/lower/scan.py, which the analysis does not import: lowering and analysis
are independent passes).
"""

from __future__ import annotations

import dataclasses

import libcst as cst

_SKIP = frozenset(
    "lpar rpar leading_lines lines_after_decorators header footer comma semicolon colon equal dot "
    "star operator asynchronous trailing_whitespace newline first_line empty_lines indent "
    "default_comma arrow whitespace_before_colon keyword".split()
)
_FIELDS: dict[type, tuple[str, ...]] = {}

# Every concrete libcst node class (exact type tests are cheap; isinstance on libcst's ABCs is not).
NODE_TYPES: frozenset[type] = frozenset(
    v for v in vars(cst).values() if isinstance(v, type) and issubclass(v, cst.CSTNode) and not getattr(v, "__abstractmethods__", None)
)
STATEMENTS: frozenset[type] = frozenset(t for t in NODE_TYPES if issubclass(t, (cst.BaseSmallStatement, cst.BaseCompoundStatement)))
# Nested scopes: their bodies' names are not the function's.
SCOPES: frozenset[type] = frozenset((cst.FunctionDef, cst.ClassDef, cst.Lambda))


def _fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(cls) if f.name not in _SKIP and not f.name.startswith("whitespace"))
        _FIELDS[cls] = names
    return names


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The child nodes of a node that can hold statements or expressions."""
    out: list[cst.CSTNode] = []
    for name in _fields(type(node)):
        value = getattr(node, name)
        tv = type(value)
        if tv in NODE_TYPES:
            out.append(value)
        elif tv is tuple or tv is list:
            out.extend(v for v in value if type(v) in NODE_TYPES)
    return out


def code(node: cst.CSTNode, limit: int = 40) -> str:
    """Short source text of a node (for provenance and diagnostics)."""
    text = " ".join(cst.Module(body=[]).code_for_node(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
