"""Module-level memo caches, read as the computation they remember (same lines).

pygments.util writes

    _looks_like_xml_cache = {}

    def looks_like_xml(text):
        ...
        key = hash(text)
        try:
            return _looks_like_xml_cache[key]
        except KeyError:
            ...
            rv = tag_re.search(text[:1000]) is not None
            _looks_like_xml_cache[key] = rv
            return rv

The dict is module state changed at run time (a `static` cannot be changed), so the function and
every caller were untranslated (14 lexers' `analyse_text`). The cache only remembers what the
handler computes from the function's one parameter: calling the function without it returns
the same values. So, where the shape is exactly that, the source every later pass reads has the
`try:`/`return CACHE[key]`/`except KeyError:` lines blanked, the handler's body dedented into
their place, and the `CACHE[key] = rv` store and the `key = ...` assignment blanked, on the same
lines (as portalis/namedtuples.py rewrites namedtuples). Python's own function keeps its cache:
what the differential check compares is the Rust of the computation against it.

Recognised only when nothing can tell the difference but time: the cache is a module-level
`NAME = {}` that no other code names (no `global`, no other function, no module statement), the
function is a module-level `def` of one plain parameter that it never rebinds, the key is that
parameter or `hash(parameter)` (the Python cache answers for a different text only on a hash
collision), the key is read nowhere else, the store is `CACHE[key] = v` right before `return v`
at the handler's top level, and the handler's lines can be dedented as they are (no line
indented less than its body, no multi-line string in it).
"""

from __future__ import annotations

import ast

from portalis.source_rewrite import python_lines, rewritten


def desugar_memo_caches(source: str) -> str:
    """The source with each recognised memo cache's use read as its computation, on the same
    lines (unchanged when there is none, or the source does not parse)."""
    return rewritten(source, lambda text: "except KeyError" in text, _rewrite)


def _rewrite(source: str, tree: ast.Module) -> str:
    caches = _empty_dict_constants(tree)
    if not caches:
        return source
    lines = python_lines(source)
    edits: list[tuple[int, int, int, list[int]]] = []
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        found = _memo_use(fn, caches)
        if found is None:
            continue
        name, edit = found
        if _named_elsewhere(tree, name, fn):
            continue
        edits.append(edit)
    for edit in edits:  # disjoint line ranges (one per function): any order
        dedent = _dedent(lines, edit)
        if dedent is None:
            continue
        _try_line, first, last, blank = edit
        for i in range(first, last + 1):
            if lines[i - 1].strip():
                lines[i - 1] = lines[i - 1][dedent:]
        for i in blank:
            lines[i - 1] = _eol(lines[i - 1])
    return "".join(lines)


def _eol(line: str) -> str:
    """An empty line with the line's own ending."""
    return line[len(line.rstrip("\r\n")):]


def _dedent(lines: list[str], edit: tuple[int, int, int, list[int]]) -> int | None:
    """How many columns the handler's body moves left (to the `try`'s), or None when one of its
    lines cannot move so (indented less than that, or a string spans lines)."""
    try_line, first, last, _blank = edit
    outer = len(lines[try_line - 1]) - len(lines[try_line - 1].lstrip(" "))
    inner = len(lines[first - 1]) - len(lines[first - 1].lstrip(" "))
    if inner <= outer:
        return None
    body = lines[first - 1:last]
    if any('"""' in t or "'''" in t or "\t" in t[:inner] for t in body):
        return None
    if any(t.strip() and not t.startswith(" " * inner) for t in body):
        return None
    return inner - outer


def _empty_dict_constants(tree: ast.Module) -> set[str]:
    """Module-level names bound once, by `NAME = {}`."""
    bound: dict[str, int] = {}
    empty: set[str] = set()
    for stmt in tree.body:
        for target in _targets(stmt):
            bound[target] = bound.get(target, 0) + 1
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Dict) and not stmt.value.keys):
            empty.add(stmt.targets[0].id)
    return {n for n in empty if bound.get(n) == 1}


def _targets(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, ast.Assign):
        return [t.id for t in stmt.targets if isinstance(t, ast.Name)]
    if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) and isinstance(stmt.target, ast.Name):
        return [stmt.target.id]
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    return []


def _memo_use(fn: ast.FunctionDef, caches: set[str]) -> tuple[str, tuple[int, int, int, list[int]]] | None:
    """(the cache's name, the edit: the `try` line, the handler body's first and last lines, the
    lines to blank) when `fn` uses a cache in the recognised shape, else None."""
    args = fn.args
    if (len(args.args) != 1 or args.posonlyargs or args.kwonlyargs or args.vararg or args.kwarg
            or args.defaults or fn.decorator_list):
        return None
    param = args.args[0].arg
    tries = [s for s in fn.body if isinstance(s, ast.Try)]
    if len(tries) != 1:
        return None
    t = tries[0]
    if t.orelse or t.finalbody or len(t.handlers) != 1 or len(t.body) != 1:
        return None
    handler = t.handlers[0]
    if handler.name is not None or not (isinstance(handler.type, ast.Name) and handler.type.id == "KeyError"):
        return None
    read = t.body[0]
    if not (isinstance(read, ast.Return) and isinstance(read.value, ast.Subscript)
            and isinstance(read.value.value, ast.Name) and read.value.value.id in caches
            and isinstance(read.value.slice, ast.Name)):
        return None
    cache, key = read.value.value.id, read.value.slice.id
    # the store: `CACHE[key] = v` then `return v`, the handler's last two statements
    if len(handler.body) < 2:
        return None
    store, ret = handler.body[-2], handler.body[-1]
    if not (isinstance(store, ast.Assign) and len(store.targets) == 1 and isinstance(store.targets[0], ast.Subscript)
            and isinstance(store.targets[0].value, ast.Name) and store.targets[0].value.id == cache
            and isinstance(store.targets[0].slice, ast.Name) and store.targets[0].slice.id == key
            and isinstance(store.value, ast.Name) and isinstance(ret, ast.Return)
            and isinstance(ret.value, ast.Name) and ret.value.id == store.value.id):
        return None
    # the key: bound once, before the `try`, from the parameter alone; read only by the cache
    key_defs = [s for s in fn.body if isinstance(s, ast.Assign) and any(isinstance(x, ast.Name) and x.id == key for x in s.targets)]
    blank = [read.lineno, handler.lineno, t.lineno, store.lineno]
    if key == param:
        key_defs = []
    elif len(key_defs) == 1 and key_defs[0].lineno < t.lineno and len(key_defs[0].targets) == 1 and _from_param(key_defs[0].value, param):
        if key_defs[0].end_lineno != key_defs[0].lineno:
            return None
        blank.append(key_defs[0].lineno)
    else:
        return None
    names = [n for n in ast.walk(fn) if isinstance(n, ast.Name)]
    if any(isinstance(n, (ast.Global, ast.Nonlocal)) for n in ast.walk(fn)):
        return None
    if any(n.id == param and isinstance(n.ctx, (ast.Store, ast.Del)) for n in names):
        return None
    key_reads = [n for n in names if n.id == key and isinstance(n.ctx, ast.Load)]
    if key != param and len(key_reads) != 2:  # a key of its own: read by the cache's read and store only
        return None
    if sum(1 for n in names if n.id == cache) != 2:
        return None
    # every line of the `try` header, its one read and the `except` line is its own
    if read.end_lineno != read.lineno or store.end_lineno != store.lineno or read.lineno == t.lineno:
        return None
    if handler.body[0].lineno == handler.lineno:
        return None
    first, last = handler.body[0].lineno, handler.body[-1].end_lineno or handler.body[-1].lineno
    return cache, (t.lineno, first, last, blank)


def _from_param(value: ast.expr, param: str) -> bool:
    """`param` or `hash(param)`."""
    if isinstance(value, ast.Name):
        return value.id == param
    return (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "hash"
            and len(value.args) == 1 and not value.keywords and isinstance(value.args[0], ast.Name) and value.args[0].id == param)


def _named_elsewhere(tree: ast.Module, name: str, fn: ast.FunctionDef) -> bool:
    """Whether `name` is named anywhere but its `NAME = {}` and `fn`'s body."""
    inside = {id(n) for n in ast.walk(fn)}
    count = 0
    for n in ast.walk(tree):
        if id(n) in inside:
            continue
        if isinstance(n, ast.Name) and n.id == name:
            count += 1
        elif isinstance(n, (ast.Global, ast.Nonlocal)) and name in n.names:
            return True
        elif isinstance(n, ast.Attribute) and n.attr == name:
            return True  # `module.CACHE` from a nested reference: be safe
    return count != 1
