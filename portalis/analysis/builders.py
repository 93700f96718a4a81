"""Lists that only build a string: `parts = []`, then only `parts.append(x)` statements and
`SEP.join(parts)` reads. Such a list can be the joined String itself, grown in place (`push_str`,
the separator pushed before every piece but the first), so neither a String per piece kept
alive nor a Vec nor the final join is needed: its value at any point is `SEP.join(parts)`.

A fact per function, computed on the syntax before lowering (the lowering checks that the
list holds strs). A name qualifies only when:
- it is bound once, by `N = []` or `N: T = []` directly in the function's body (not in a loop,
  an if or a try), and never otherwise (no for target, `del`, augmented assignment, walrus...);
- every other mention is `N.append(x)` as a statement outside any try (the separator is pushed
  before x is evaluated: an exception caught in between would leave it), x not mentioning N
  (Python evaluates x before appending), or `SEP.join(N)` with SEP one string literal, the same for every join;
- it is joined at least once, and no nested function, lambda or class mentions it, and it is
  not declared global or nonlocal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from portalis.cst_walk import children

_NESTED = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


@dataclass
class Builder:
    """A list that only builds a string: its separator, the statement binding it (by id), the
    `append` calls and the joins (ids of the Call nodes); `returned`: joins that are the value
    of a `return` (the String may be moved out there)."""

    sep: str
    binding: int
    appends: set[int] = field(default_factory=set)
    joins: set[int] = field(default_factory=set)
    returned: set[int] = field(default_factory=set)


def string_builders(fn: cst.FunctionDef) -> dict[str, Builder]:
    """The function's lists that only build a string (see the module docstring), by name."""
    params = {p.name.value for p in (*fn.params.posonly_params, *fn.params.params, *fn.params.kwonly_params)}
    body = fn.body.body if isinstance(fn.body, cst.IndentedBlock) else []
    found: dict[str, Builder] = {}
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
            name = _empty_list_binding(stmt.body[0])
            if name is not None and name not in params and name not in found:
                found[name] = Builder(sep="", binding=id(stmt.body[0]))
    if not found:
        return {}
    seps: dict[str, set[str]] = {n: set() for n in found}
    bad: set[str] = set()
    allowed: set[int] = set()  # ids of Name nodes whose mention is one of the allowed forms

    def visit(node: cst.CSTNode, nested: bool, returning: bool, in_try: bool = False) -> None:
        t = type(node)
        if t in (cst.Global, cst.Nonlocal):
            bad.update(n.name.value for n in node.names)
        if t is cst.Expr and type(node.value) is cst.Call:
            call = node.value
            f = call.func
            if (type(f) is cst.Attribute and type(f.value) is cst.Name and f.value.value in found and f.attr.value == "append"
                    and not nested and not in_try and len(call.args) == 1 and not call.args[0].keyword and not call.args[0].star
                    and not _mentions(call.args[0].value, f.value.value)):
                allowed.add(id(f.value))
                found[f.value.value].appends.add(id(call))
        if t is cst.Call:
            f = node.func
            if (type(f) is cst.Attribute and f.attr.value == "join" and type(f.value) is cst.SimpleString
                    and len(node.args) == 1 and not node.args[0].keyword and not node.args[0].star
                    and type(node.args[0].value) is cst.Name and node.args[0].value.value in found and not nested):
                sep = f.value.evaluated_value
                name = node.args[0].value.value
                if isinstance(sep, str):
                    allowed.add(id(node.args[0].value))
                    seps[name].add(sep)
                    found[name].joins.add(id(node))
                    if returning:
                        found[name].returned.add(id(node))
        if t is cst.Name and node.value in found and id(node) not in allowed:
            bad.add(node.value)
        inner = in_try or t in (cst.Try, cst.TryStar)
        for child in children(node):
            visit(child, nested or t in _NESTED, t is cst.Return and child is node.value, inner)

    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and id(stmt.body[0]) in {b.binding for b in found.values()}:
            target = _target(stmt.body[0])
            if target is not None:
                allowed.add(id(target))
            value = stmt.body[0].value
            if value is not None:
                visit(value, False, False)
            continue
        visit(stmt, False, False)
    out = {}
    for name, b in found.items():
        if name in bad or len(seps[name]) != 1 or not b.joins:
            continue
        b.sep = next(iter(seps[name]))
        out[name] = b
    return out


def _target(small: cst.BaseSmallStatement) -> cst.Name | None:
    if type(small) is cst.Assign and len(small.targets) == 1 and type(small.targets[0].target) is cst.Name:
        return small.targets[0].target
    if type(small) is cst.AnnAssign and type(small.target) is cst.Name:
        return small.target
    return None


def _empty_list_binding(small: cst.BaseSmallStatement) -> str | None:
    """N in `N = []` / `N: T = []`."""
    target = _target(small)
    value = getattr(small, "value", None)
    if target is None or type(value) is not cst.List or value.elements:
        return None
    return target.value


def _mentions(node: cst.CSTNode, name: str) -> bool:
    if type(node) is cst.Name:
        return node.value == name
    return any(_mentions(c, name) for c in children(node))
