"""An int made from a float and used as that float until reduced, read as the float (same lines).

colorsys' `hsv_to_rgb`:

    i = int(h*6.0)
    f = (h*6.0) - i
    ...
    i = i%6

Python's `int(6e19)` is exact, so `hsv_to_rgb(1e19, .5, .5)` returns a colour; on i64 the
`int()` raises OverflowError. Nothing here needs the big int: each use of `i` before the
reduction is float arithmetic (`float - int` converts the int back, exactly, since the float's
integer part is a float), and the reduction keeps a remainder that fits. So the text is read as

    i_whole = float(int(h*6.0))
    f = (h*6.0) - i_whole
    ...
    i = int(i_whole)%6

which is the same computation in Python, and which the lowering translates without leaving
i64: `float(int(x))` of a float is `pyrt::float_trunc` (int()'s errors for nan and inf) and
`int(x) % m` of a float is `pyrt::float_int_mod`.

Recognised only where it is certainly the same: in one function body, a local bound exactly twice,
by top-level statements `n = int(E)` and later `n = n % M`, E a `+ - * /` tree
holding a float literal (so a float: the int of an int past 2**53 would lose digits as a float);
every read of `n` between the two an operand of `+ - * /` whose other operand is such a float
tree; no read before, none in a nested scope. Anything else is left as written.
"""

from __future__ import annotations

import ast
import re

from portalis.source_rewrite import rewritten, with_edits

_BOUND_BY_INT = re.compile(r"^[ \t]*(\w+)[ \t]*=[ \t]*int\(", re.M)
_ARITH = (ast.Add, ast.Sub, ast.Mult, ast.Div)


def desugar_whole_floats(source: str) -> str:
    """The source with each recognised int-of-a-float local read as the float (unchanged when
    there is none, or the source does not parse)."""
    return rewritten(source, _may_hold, _rewrite)


def _may_hold(text: str) -> bool:
    return any(re.search(rf"\b{re.escape(name)}[ \t]*%", text) for name in set(_BOUND_BY_INT.findall(text)))


def _floaty(e: ast.expr) -> bool:
    """A `+ - * /` tree of names, attributes and numbers holding a float literal: a float."""
    def leaves_ok(x: ast.expr) -> bool:
        if isinstance(x, ast.BinOp):
            return isinstance(x.op, _ARITH) and leaves_ok(x.left) and leaves_ok(x.right)
        if isinstance(x, ast.UnaryOp):
            return isinstance(x.op, (ast.USub, ast.UAdd)) and leaves_ok(x.operand)
        if isinstance(x, ast.Constant):
            return type(x.value) in (int, float)
        return isinstance(x, (ast.Name, ast.Attribute))

    return leaves_ok(e) and any(isinstance(c, ast.Constant) and type(c.value) is float for c in ast.walk(e))


def _int_of(value: ast.expr) -> ast.Call | None:
    if (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "int"
            and len(value.args) == 1 and not value.keywords and _floaty(value.args[0])):
        return value
    return None


def _own_nodes(fn: ast.AST) -> tuple[list[ast.AST], bool]:
    """The function's nodes outside nested scopes, and whether it has nested scopes."""
    out: list[ast.AST] = []
    nested = False
    stack = list(ast.iter_child_nodes(fn))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
                             ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            nested = True
            out.extend(n for n in ast.walk(node) if isinstance(n, ast.Name))
            continue
        out.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return out, nested


def _edits_for(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[tuple[int, int, int, int, str]]:
    nodes, _ = _own_nodes(fn)
    names = {n.id for n in nodes if isinstance(n, ast.Name)} | {a.arg for a in ast.walk(fn.args) if isinstance(a, ast.arg)}
    declared = {x for n in nodes if isinstance(n, (ast.Global, ast.Nonlocal)) for x in n.names}
    parents = {id(c): p for p in nodes for c in ast.iter_child_nodes(p)}
    edits: list[tuple[int, int, int, int, str]] = []
    for i, first in enumerate(fn.body):
        if not (isinstance(first, ast.Assign) and len(first.targets) == 1 and isinstance(first.targets[0], ast.Name)):
            continue
        call = _int_of(first.value)
        name = first.targets[0].id
        whole = f"{name}_whole"
        if call is None or name in declared or whole in names or any(a.arg == name for a in ast.walk(fn.args) if isinstance(a, ast.arg)):
            continue
        found = _reduction(fn.body, i, name)
        if found is None:
            continue
        j, left = found
        between = {id(n) for stmt in fn.body[i + 1:j] for n in ast.walk(stmt)}
        uses = [n for n in nodes if isinstance(n, ast.Name) and n.id == name]
        stores = [n for n in uses if not isinstance(n.ctx, ast.Load)]
        after = {id(n) for stmt in fn.body[j + 1:] for n in ast.walk(stmt)}
        loads = [n for n in uses if isinstance(n.ctx, ast.Load) and n is not left and id(n) not in after]
        reads = [n for n in loads if id(n) in between]
        if len(stores) != 2 or len(reads) != len(loads):
            continue  # another binding, or a read before `n = int(E)` (or in a nested scope)
        if not all(_float_operand(r, parents) for r in reads):
            continue
        start, end = _span(call)
        edits.append((*_span(first.targets[0])[0], *_span(first.targets[0])[1], whole))
        edits.append((*start, *start, "float("))
        edits.append((*end, *end, ")"))
        edits.extend((*_span(r)[0], *_span(r)[1], whole) for r in reads)
        edits.append((*_span(left)[0], *_span(left)[1], f"int({whole})"))
    return edits


def _span(node: ast.expr) -> tuple[tuple[int, int], tuple[int, int]]:
    """(line, column) of the node's start and end (ast gives both for every parsed expression)."""
    end_line = node.end_lineno if node.end_lineno is not None else node.lineno
    end_col = node.end_col_offset if node.end_col_offset is not None else node.col_offset
    return (node.lineno, node.col_offset), (end_line, end_col)


def _reduction(body: list[ast.stmt], i: int, name: str) -> tuple[int, ast.Name] | None:
    """The index of the first later top-level `name = name % M` and the read of `name` in it;
    None when another binding of `name` comes first."""
    for j in range(i + 1, len(body)):
        stmt = body[j]
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and stmt.targets[0].id == name and isinstance(stmt.value, ast.BinOp) and isinstance(stmt.value.op, ast.Mod)
                and isinstance(stmt.value.left, ast.Name) and stmt.value.left.id == name
                and not any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(stmt.value.right))):
            return j, stmt.value.left
        if any(isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load) for n in ast.walk(stmt)):
            return None  # another binding first
    return None


def _float_operand(read: ast.Name, parents: dict[int, ast.AST]) -> bool:
    op = parents.get(id(read))
    if not (isinstance(op, ast.BinOp) and isinstance(op.op, _ARITH)):
        return False
    other = op.right if op.left is read else op.left
    return _floaty(other)


def _rewrite(source: str, tree: ast.Module) -> str:
    edits = [e for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) for e in _edits_for(fn)]
    if not edits:
        return source
    if any(line != end_line for line, _, end_line, _, _ in edits):
        return source  # a name or call spread over lines: leave it as written
    out = with_edits(source, [(line, col, end_col, text) for line, col, _, end_col, text in edits])
    return source if out is None else out
