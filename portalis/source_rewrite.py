"""What the text rewrites made before analysis share.

Some shapes are read as another, equivalent text on the same lines before libcst parses the
module (portalis/namedtuples.py, builtin_bases.py, memo_caches.py, import_fallbacks.py,
pattern_methods.py; and path_types.py reads path classes from the text). Each needs Python's
own tree of the module,
a second parse: `parse_if` asks a cheap question of the text first, so a module that cannot
hold the shape (nearly all of them) is not parsed again, and a module that does not parse, or
nests past the interpreter's limits, is left as written.

A text is parsed once (`python_tree`): the rewrites that look at the same text, and the parse
that hands it to libcst (portalis/parse.py: `source_tree`), share one tree, and a text is parsed
again only after a rewrite changed it.
"""

from __future__ import annotations

import ast
import re
import threading
from collections import OrderedDict
from collections.abc import Callable

# Line ends as Python's parser counts them (str.splitlines also breaks at \x0c, \x1c, ...).
_LINE_ENDS = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")


# The last few texts parsed, each with its tree or the error it raised: a module's rewrites run
# one after the other and then libcst's parse, so a handful covers one module's whole chain.
# RecursionError and MemoryError are not kept: they depend on the caller's stack and memory.
_TREES: OrderedDict[str, ast.Module | SyntaxError | ValueError] = OrderedDict()
_TREE_CACHE_SIZE = 4
# The CLI parses on a worker thread beside the main one: the table's reordering is not atomic.
_TREES_LOCK = threading.Lock()


def python_tree(source: str) -> ast.Module:
    """`ast.parse(source)`, parsed once for the last few texts of this process (raises what
    ast.parse raises). The tree is shared: callers read it and never change it."""
    with _TREES_LOCK:
        found = _TREES.get(source)
        if found is not None:
            _TREES.move_to_end(source)
    if found is None:
        try:
            found = ast.parse(source)
        except (SyntaxError, ValueError) as exc:
            found = exc
        with _TREES_LOCK:
            _TREES[source] = found
            if len(_TREES) > _TREE_CACHE_SIZE:
                _TREES.popitem(last=False)
    if isinstance(found, ast.Module):
        return found
    raise found.with_traceback(None)


def parse_if(source: str, may_hold: Callable[[str], bool]) -> ast.Module | None:
    """The module's ast when `may_hold(source)` says the text may hold what a rewrite looks
    for; None when it cannot, or when the text does not parse (the rewrite leaves it alone)."""
    if not may_hold(source):
        return None
    try:
        return python_tree(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def rewritten(source: str, may_hold: Callable[[str], bool], rewrite: Callable[[str, ast.Module], str]) -> str:
    """`rewrite(source, tree)` when the text may hold the shape and parses; the text as written
    when it cannot, or when the rewrite meets nesting past the interpreter's limits (the
    statement then stays untranslated, as written)."""
    tree = parse_if(source, may_hold)
    if tree is None:
        return source
    try:
        return rewrite(source, tree)
    except (RecursionError, MemoryError):
        return source


def with_edits(source: str, edits: list[tuple[int, int, int, str]]) -> str | None:
    """The source with each `(line, column, end column, text)` replaced, columns being ast's UTF-8
    byte offsets on that one line (later edits of a line first, so earlier columns stay right);
    None when an edit's span reaches past its line's end."""
    lines = [line.encode("utf-8") for line in python_lines(source)]
    for line, col, end_col, text in sorted(edits, reverse=True):
        raw = lines[line - 1]
        if end_col > len(raw.rstrip(b"\r\n")):
            return None
        lines[line - 1] = raw[:col] + text.encode("utf-8") + raw[end_col:]
    return b"".join(lines).decode("utf-8")


def python_lines(source: str) -> list[str]:
    """The source's lines, their ends kept, as Python's parser numbers them."""
    return _LINE_ENDS.split(source)
