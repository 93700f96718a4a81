"""A compiled pattern's bound method kept under a module name, read as the pattern.

    _find_unsafe = re.compile(r'[^\\w@%+=:,./-]', re.ASCII).search
    ...
    if _find_unsafe(s) is None:

(shlex) A bound method is no value the translation has, so `_find_unsafe(s)` was a call of an
unknown builtin (PTL133) and `quote`, `join` stayed untranslated. The name is read as the
pattern itself and each call of it as a call of the method on it:

    _find_unsafe = re.compile(r'[^\\w@%+=:,./-]', re.ASCII)
    ...
    if _find_unsafe.search(s) is None:

which is what Python runs. Only where nothing else can tell them apart: the name is bound once,
at the module level, never rebound, deleted, declared global or shadowed anywhere (a parameter,
a local, a nested name), and every other use of it is a call. Edits stay on their lines, so every
line number the report gives is still the source's.
"""

from __future__ import annotations

import ast

from portalis.source_rewrite import parse_if, python_tree, with_edits

_METHODS = frozenset({"search", "match", "fullmatch", "sub", "subn", "findall", "finditer", "split"})


def _bound_pattern_method(stmt: ast.stmt) -> tuple[str, ast.Attribute] | None:
    """(name, `re.compile(...).m`) for `name = re.compile(...).m` at the module level."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    value = stmt.value
    if not (isinstance(value, ast.Attribute) and value.attr in _METHODS and isinstance(value.value, ast.Call)):
        return None
    func = value.value.func
    if not (isinstance(func, ast.Attribute) and func.attr == "compile" and isinstance(func.value, ast.Name) and func.value.id == "re"):
        return None
    if value.value.end_lineno != value.end_lineno:
        return None  # `.search` on a line of its own: left as written
    return stmt.targets[0].id, value


def _only_called(tree: ast.Module, name: str, binding: ast.Assign) -> list[ast.Name] | None:
    """The `name` nodes called (`name(...)`), or None when the name is used any other way."""
    called_funcs = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    out: list[ast.Name] = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and n.id == name:
            if n is binding.targets[0]:
                continue
            if not isinstance(n.ctx, ast.Load) or id(n) not in called_funcs:
                return None
            out.append(n)
        elif isinstance(n, ast.arg) and n.arg == name:
            return None
        elif isinstance(n, (ast.Global, ast.Nonlocal)) and name in n.names:
            return None
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.name == name:
            return None
        elif isinstance(n, ast.alias) and (n.asname or n.name).split(".")[0] == name:
            return None
    return out


def take_pattern_methods(source: str) -> str:
    """The module's text with each bound pattern method read as its pattern (module docstring);
    unchanged when there is none or the module does not parse."""
    tree = parse_if(source, lambda text: "re.compile(" in text)
    if tree is None:
        return source
    edits: list[tuple[int, int, int, str]] = []  # (line, byte column, end byte column, text)
    for stmt in tree.body:
        found = _bound_pattern_method(stmt)
        if found is None:
            continue
        name, value = found
        calls = _only_called(tree, name, stmt)  # type: ignore[arg-type]
        if not calls:
            continue
        call = value.value
        line = value.end_lineno or value.lineno
        edits.append((line, call.end_col_offset or 0, value.end_col_offset or 0, ""))
        edits.extend((n.lineno, n.end_col_offset or 0, n.end_col_offset or 0, f".{value.attr}") for n in calls)
    if not edits:
        return source
    out = with_edits(source, edits)
    if out is None:
        return source
    try:
        python_tree(out)  # shared: the parse that follows reads this tree
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return source
    return out
