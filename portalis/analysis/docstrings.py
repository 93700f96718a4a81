"""Type evidence from docstrings: the example calls of functions without annotations.

Docstrings commonly illustrate a function with calls on literal arguments, in doctest form
(`>>> f(1, 2)` followed by the result on the next line) or inline (`f(1, 2) == 3`,
`f([1, 2]) -> 3`, `f("ab") ➞ "ba"`, `f(1) should return 2`). The literal values give the
parameter and return types. Only literals are evaluated (ast.literal_eval), never code.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Container

from portalis.model import PyType
from portalis.types import pytypes as T

_NO_RESULT = object()
# Calls in prose that are not the function under another name.
_NOT_FUNCTIONS = frozenset("len str int float list dict set tuple sorted print range min max sum abs round e g i".split())
_ARROWS = ("==>", "=>", "->", "➞", "→", "⇒", "==", "=", ":", "should return", "returns", "return", "gives", "is")


@dataclass
class Example:
    args: list[object]
    kwargs: dict[str, object] = field(default_factory=dict)
    result: object = _NO_RESULT

    @property
    def has_result(self) -> bool:
        return self.result is not _NO_RESULT


def value_type(v: object) -> PyType | None:
    """The Python type of a literal value (None when it has no single type)."""
    if isinstance(v, bool):
        return T.BOOL
    if isinstance(v, int):
        return T.INT
    if isinstance(v, float):
        return T.FLOAT
    if isinstance(v, str):
        return T.STR
    if isinstance(v, bytes):
        return T.BYTES
    if isinstance(v, bytearray):
        return T.BYTEARRAY
    if v is None:
        return T.NONE
    if isinstance(v, (list, set, frozenset)):
        elem = _join([value_type(x) for x in v])
        if elem is None:
            return None
        return T.list_of(elem) if isinstance(v, list) else T.set_of(elem)
    if isinstance(v, tuple):
        items = [value_type(x) for x in v]
        if any(i is None for i in items):
            return None
        return T.tuple_of(*(i for i in items if i is not None))
    if isinstance(v, dict):
        k = _join([value_type(x) for x in v.keys()])
        val = _join([value_type(x) for x in v.values()])
        if k is None or val is None:
            return None
        return T.dict_of(k, val)
    return None


def _join(types: list[PyType | None]) -> PyType | None:
    out: PyType = T.UNKNOWN
    for t in types:
        if t is None:
            return None
        u = T.unify(out, t)
        if u is None:
            return None
        out = u
    return out


def _matching_paren(text: str, open_at: int) -> int:
    """Index of the `)` closing the `(` at open_at (quotes and nesting respected), or -1."""
    depth = 0
    quote: str | None = None
    i = open_at
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return i if c == ")" else -1
        i += 1
    return -1


def _literal_prefix(text: str) -> object:
    """The literal value at the start of text (the longest prefix that is one)."""
    text = text.strip()
    if not text:
        return _NO_RESULT
    candidates = [text, text.rstrip(".,;")]
    # Cut at spaces from the right: `3 (because ...)`, `True since ...`.
    words = text.split(" ")
    for n in range(len(words) - 1, 0, -1):
        candidates.append(" ".join(words[:n]).rstrip(".,;"))
    for c in candidates:
        if not c:
            continue
        try:
            return ast.literal_eval(c)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
    return _NO_RESULT


def examples(doc: str | None, name: str) -> list[Example]:
    """The example calls of `name` in a docstring, with their results when shown."""
    if not doc:
        return []
    return _examples(doc, re.escape(name))


class _AnyOf:
    """Membership in any of several sets, without copying them (a union per function of a
    module made its type map quadratic in the number of functions)."""

    def __init__(self, *sets: Container[str]) -> None:
        self.sets = sets

    def __contains__(self, item: object) -> bool:
        return any(item in s for s in self.sets)


def renamed_examples(doc: str | None, arity: int, exclude: Container[str]) -> list[Example]:
    """Examples written under another name (a docstring kept from a renamed function): calls of
    one undefined name with the function's arity and a shown result."""
    if not doc:
        return []
    found: dict[str, list[Example]] = {}
    for m in re.finditer(r"(?<![\w.])([A-Za-z_]\w*)\(", doc):
        callee = m.group(1)
        if callee in exclude or callee in found:
            continue
        exs = [e for e in _examples(doc, re.escape(callee)) if len(e.args) == arity and not e.kwargs]
        if exs and all(e.has_result for e in exs):
            found[callee] = exs
    return next(iter(found.values())) if len(found) == 1 else []


def _examples(doc: str, pattern: str) -> list[Example]:
    out: list[Example] = []
    for m in re.finditer(rf"(?<![\w.]){pattern}\(", doc):
        start = m.start()
        close = _matching_paren(doc, m.end() - 1)
        if close < 0:
            continue
        try:
            call = ast.parse(doc[start : close + 1].replace("\n", " "), mode="eval").body
        except SyntaxError:
            continue
        if not isinstance(call, ast.Call) or any(isinstance(a, ast.Starred) for a in call.args):
            continue
        bare = False
        try:
            args = []
            for a in call.args:
                if isinstance(a, ast.Name):
                    # Prose examples often leave strings unquoted: `is_happy(abcd) => True`.
                    args.append(a.id)
                    bare = True
                else:
                    args.append(ast.literal_eval(a))
            kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
        ex = Example(args=args, kwargs=kwargs)
        line_end = doc.find("\n", close)
        rest = doc[close + 1 : line_end if line_end >= 0 else len(doc)].strip()
        line_start = doc.rfind("\n", 0, start) + 1
        doctest = doc[line_start:start].strip().startswith(">>>")
        if rest:
            lowered = rest.lower()
            for arrow in _ARROWS:
                if lowered.startswith(arrow):
                    ex.result = _literal_prefix(rest[len(arrow) :])
                    break
        elif doctest and line_end >= 0:
            nxt = doc[line_end + 1 :].split("\n", 1)[0].strip()
            if nxt and not nxt.startswith(">>>"):
                ex.result = _literal_prefix(nxt)
        if bare and not ex.has_result:
            continue  # an unquoted word is only taken for a string next to a literal result
        out.append(ex)
    return out


def assignments(doc: str | None, names: list[str]) -> dict[str, list[object]]:
    """Values given to parameter names in prose (`For lst = [1, 2, 3] the output ...`)."""
    out: dict[str, list[object]] = {}
    if not doc:
        return out
    for name in names:
        # `lst = [1, 2]`, `grid : [[0, 1]]` (prose, not code: a colon as often as `=`).
        for m in re.finditer(rf"(?<![\w.]){re.escape(name)}\s*[=:]\s*(?=[\[({{'\"\d-])", doc):
            value = _literal_prefix(_until_delimiter(doc[m.end() :]))
            if value is not _NO_RESULT:
                out.setdefault(name, []).append(value)
    return out


def _until_delimiter(text: str) -> str:
    """The text of a value written in prose: up to the end of its brackets or the line."""
    text = text.lstrip()
    if text[:1] in "[({":
        close = _matching_bracket(text)
        if close > 0:
            return text[: close + 1]
    return text.split("\n", 1)[0]


def _matching_bracket(text: str) -> int:
    pairs = {"[": "]", "(": ")", "{": "}"}
    depth = 0
    quote: str | None = None
    for i, c in enumerate(text):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c in pairs:
            depth += 1
        elif c in pairs.values():
            depth -= 1
            if depth == 0:
                return i
    return -1


@dataclass
class Evidence:
    """Parameter and return types read from a docstring (None where nothing was shown)."""

    params: dict[str, PyType] = field(default_factory=dict)
    returns: PyType | None = None


def _input_output(doc: str | None) -> tuple[list[object], list[object]]:
    """`Input: [4, 2, 3]` / `Output: [2, 1]` lines (problem-style docstrings)."""
    ins: list[object] = []
    outs: list[object] = []
    if not doc:
        return ins, outs
    for m in re.finditer(r"(?im)^\s*(input|output)\s*:\s*", doc):
        value = _literal_prefix(_until_delimiter(doc[m.end() :]))
        if value is not _NO_RESULT:
            (ins if m.group(1).lower() == "input" else outs).append(value)
    return ins, outs


def docstring_evidence(doc: str | None, name: str, params: list[str], module_names: set[str] | None = None) -> Evidence:
    """Parameter and return types shown by a docstring's examples (see the module docstring).
    `module_names`: names the module defines (never taken for a renamed function)."""
    ev = Evidence()
    seen: dict[str, list[PyType | None]] = {p: [] for p in params}
    results: list[PyType | None] = []
    found = examples(doc, name)
    if not found:
        found = renamed_examples(doc, len(params), _AnyOf(module_names or set(), {name}, _NOT_FUNCTIONS))
    if not found and len(params) == 1:
        ins, outs = _input_output(doc)
        found = [Example(args=[v]) for v in ins]
        results.extend(value_type(v) for v in outs)
    for ex in found:
        if len(ex.args) > len(params):
            continue
        for p, v in zip(params, ex.args):
            seen[p].append(value_type(v))
        for k, v in ex.kwargs.items():
            if k in seen:
                seen[k].append(value_type(v))
        if ex.has_result:
            results.append(value_type(ex.result))
    for p, values in assignments(doc, params).items():
        seen[p].extend(value_type(v) for v in values)
    for p, types in seen.items():
        t = _join([t for t in types if t is not None]) if types else None
        if t is not None and t.kind != "unknown" and t.kind != "none":
            ev.params[p] = t
    good = [t for t in results if t is not None]
    if good:
        ev.returns = _join(good)
    return ev
