"""Pure-Python fallbacks of optional imports, taken as the module's own definitions.

    try:
        from gettext import gettext as _
    except ImportError:
        # Bootstrapping Python: gettext's dependencies not built yet
        def _(s): return s

A module-level `try` whose body only imports and whose one handler catches `ImportError` (or
`ModuleNotFoundError`) and only defines functions binding every name the body imports: which
binding Python uses is decided when the module runs, so such a `def` was left untranslated
(PTL144) and the calls of it unsupported (getopt's `_()` in every error message). The
fallback is the module's own code for the name, written to behave as the import does (or as
well as it can without it: `_` returns the message untranslated, which is what `gettext` does
with no message catalogue installed). The translated program has no Python library to import,
so it is the fallback that it runs: the source is read as if the handler's functions stood at
the module level, on the same lines (the `try`, its imports and the `except` line left blank),
so every line number the report gives is still the source's.
"""

from __future__ import annotations

import ast

from portalis.source_rewrite import parse_if, python_tree

_CAUGHT = frozenset({"ImportError", "ModuleNotFoundError"})


def _imported_names(body: list[ast.stmt]) -> set[str] | None:
    """The names a `try` body binds if it is imports only (None: anything else, a star import)."""
    names: set[str] = set()
    for stmt in body:
        if isinstance(stmt, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in stmt.names)
        elif isinstance(stmt, ast.ImportFrom) and not any(a.name == "*" for a in stmt.names):
            names.update(a.asname or a.name for a in stmt.names)
        else:
            return None
    return names


def _fallback(stmt: ast.stmt) -> ast.ExceptHandler | None:
    """The handler whose functions replace the imports of `stmt`, or None when it is not one."""
    if not isinstance(stmt, ast.Try) or stmt.orelse or stmt.finalbody or len(stmt.handlers) != 1:
        return None
    handler = stmt.handlers[0]
    if not (isinstance(handler.type, ast.Name) and handler.type.id in _CAUGHT) or handler.name is not None:
        return None
    imported = _imported_names(stmt.body)
    defs = [s for s in handler.body if not isinstance(s, ast.Pass)]
    if not imported or not defs or not all(isinstance(s, ast.FunctionDef) for s in defs):
        return None
    if {s.name for s in defs} != imported:  # type: ignore[attr-defined]
        return None
    return handler


def take_import_fallbacks(source: str) -> str:
    """The module's text with each fallback handler's functions at the module level (see the
    module docstring), on their own lines; the text unchanged when there is none, when the module
    does not parse, or when the moved text would not parse to the same functions."""
    tree = parse_if(source, lambda text: "ImportError" in text or "ModuleNotFoundError" in text)
    if tree is None:
        return source
    lines = source.split("\n")
    changed = False
    for stmt in tree.body:
        handler = _fallback(stmt)
        if handler is None:
            continue
        first = handler.body[0]
        indent = first.col_offset
        start, end = stmt.lineno, stmt.end_lineno or stmt.lineno  # 1-based, inclusive
        body_start = min(getattr(s, "lineno", first.lineno) for s in handler.body)
        body_start = min([body_start, *(d.lineno for s in handler.body for d in getattr(s, "decorator_list", []))])
        new = list(lines)
        for i in range(start - 1, end):
            if i < body_start - 1:
                new[i] = ""  # the `try:`, its imports, the `except ImportError:` line
            elif new[i].strip():
                if not new[i][:indent].isspace():
                    break  # a line of the handler outdented (a string's continuation): leave it
                new[i] = new[i][indent:]
        else:
            try:
                moved = python_tree("\n".join(new))  # the result's tree when it is the last move
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                continue
            want = [ast.dump(s) for s in handler.body if isinstance(s, ast.FunctionDef)]
            got = [ast.dump(s) for s in moved.body if isinstance(s, ast.FunctionDef) and s.lineno >= start and (s.end_lineno or 0) <= end]
            if want != got:  # ast.dump leaves positions out: the same functions, moved
                continue
            lines, changed = new, True
    return "\n".join(lines) if changed else source


__all__ = ["take_import_fallbacks"]
