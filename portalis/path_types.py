"""Path types: a tuple subclass whose attributes are its children (issue 11, pygments' token types).

pygments writes `class _TokenType(tuple)` whose `__getattr__` builds `_TokenType(self + (name,))`,
stores it with `setattr` and returns it, so `Token.Name.Builtin` is the interned tuple
`('Name', 'Builtin')` and prints as `Token.Name.Builtin`. Such a class is a **path type**: its
values are paths of names (crate::pyrt::PyPath in the Rust, see the `PyPath` helper of pyrt.rs),
`in` is a prefix test, `parent` the path less its last part. This module recognises the shape
in a module's text and computes what the translation knows of its values before running
anything:

- the class (`recognise`): a module class with the single base `tuple` whose `__getattr__`
  calls the class itself on `self + (name,)` and stores the result with `setattr(self, ...)`;
  its `__repr__`'s leading string literal is the root's name (`'Token' + ...`), else the
  class's own name; a `__contains__` returning `self is val or (... val[:len(self)] == self)`
  makes `in` the prefix test (without one `in` is a tuple's membership and the class is not a
  path type: what `in` means is the point of the type);
- the module constants (`constants`): `Token = _TokenType()` is the root (no parts),
  `Text = Token.Text` and `String = Literal.String` are their parts, in order; a constant
  named from another that is not yet known is left out (the translation keeps it as written);
- the aliases (`constants`, its second result): `Token.String = String` after them makes
  `Token.String` the same object as `Literal.String`, so a child of that name below `Token`
  resolves to the target's parts (`PyPath::child_in`), and is no constant of its own.

Pure: a module's AST in, facts out; no lowering and no analysis internals.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from portalis.source_rewrite import parse_if

Parts = tuple[str, ...]


@dataclass(frozen=True)
class PathType:
    """A recognised path class: its name, the name its root prints as, and the module's
    constants of it (name -> parts) and aliases ((parent parts, name) -> target parts)."""

    cls: str
    root: str
    constants: dict[str, Parts] = field(default_factory=dict)
    aliases: dict[tuple[Parts, str], Parts] = field(default_factory=dict)


def _method(cls: ast.ClassDef, name: str) -> ast.FunctionDef | None:
    for stmt in cls.body:
        if isinstance(stmt, ast.FunctionDef) and stmt.name == name:
            return stmt
    return None


def _builds_children(cls: ast.ClassDef) -> bool:
    """`__getattr__(self, name)` calling the class on `self + (name,)` and `setattr(self, ...)`
    with the result: each child made once, then an attribute of its parent (interned)."""
    fn = _method(cls, "__getattr__")
    if fn is None or len(fn.args.args) != 2:
        return False
    me, arg = fn.args.args[0].arg, fn.args.args[1].arg
    built = stored = False
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == cls.name and len(node.args) == 1:
                a = node.args[0]
                built |= (isinstance(a, ast.BinOp) and isinstance(a.op, ast.Add) and isinstance(a.left, ast.Name)
                          and a.left.id == me and isinstance(a.right, ast.Tuple) and len(a.right.elts) == 1
                          and isinstance(a.right.elts[0], ast.Name) and a.right.elts[0].id == arg)
            if node.func.id == "setattr" and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == me:
                stored = True
    return built and stored


def _prefix_contains(cls: ast.ClassDef) -> bool:
    """`__contains__(self, val)` whose result includes `val[:len(self)] == self`: a prefix test."""
    fn = _method(cls, "__contains__")
    if fn is None or len(fn.args.args) != 2:
        return False
    me, arg = fn.args.args[0].arg, fn.args.args[1].arg
    for node in ast.walk(fn):
        if (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq)
                and isinstance(node.comparators[0], ast.Name) and node.comparators[0].id == me):
            left = node.left
            if (isinstance(left, ast.Subscript) and isinstance(left.value, ast.Name) and left.value.id == arg
                    and isinstance(left.slice, ast.Slice) and left.slice.lower is None and left.slice.step is None
                    and isinstance(left.slice.upper, ast.Call) and isinstance(left.slice.upper.func, ast.Name)
                    and left.slice.upper.func.id == "len" and len(left.slice.upper.args) == 1
                    and isinstance(left.slice.upper.args[0], ast.Name) and left.slice.upper.args[0].id == me):
                return True
    return False


def _root_name(cls: ast.ClassDef) -> str:
    """The name the root prints as: `__repr__`'s `return 'Token' + ...` literal, else the class's."""
    fn = _method(cls, "__repr__")
    if fn is not None:
        for node in ast.walk(fn):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.BinOp):
                left = node.value
                while isinstance(left, ast.BinOp):
                    left = left.left
                if isinstance(left, ast.Constant) and isinstance(left.value, str) and left.value.isidentifier():
                    return left.value
    return cls.name


def paths_in_source(source: str) -> list[PathType]:
    """The path classes of a module's text; the text is parsed again only when it could hold one
    (a `tuple` base and a `__getattr__`)."""
    tree = parse_if(source, lambda text: "__getattr__" in text and "tuple" in text)
    return [] if tree is None else recognise(tree)


def recognise(tree: ast.Module) -> list[PathType]:
    """The module's path classes with their constants and aliases (see the module docstring)."""
    found: list[PathType] = []
    for stmt in tree.body:
        if (isinstance(stmt, ast.ClassDef) and len(stmt.bases) == 1 and isinstance(stmt.bases[0], ast.Name)
                and stmt.bases[0].id == "tuple" and not stmt.keywords and not stmt.decorator_list
                and _builds_children(stmt) and _prefix_contains(stmt)):
            found.append(PathType(stmt.name, _root_name(stmt)))
    return [constants(tree, p) for p in found]


def _parts_of(expr: ast.expr, known: dict[str, Parts]) -> Parts | None:
    """The parts an attribute chain over a known constant names (`Token.Name.Builtin`); None for
    another expression. Child names are capitalised as `__getattr__`'s guard wants (pygments':
    `val[0].isupper()`); a lower-case name is a real attribute, not a child."""
    if isinstance(expr, ast.Name):
        return known.get(expr.id)
    if isinstance(expr, ast.Attribute) and expr.attr[:1].isupper():
        base = _parts_of(expr.value, known)
        return None if base is None else (*base, expr.attr)
    return None


def constants(tree: ast.Module, path: PathType) -> PathType:
    """`path` with the module's top-level constants and aliases of it, in statement order."""
    known: dict[str, Parts] = {}
    aliases: dict[tuple[Parts, str], Parts] = {}

    def resolve(expr: ast.expr) -> Parts | None:
        # a chain through an alias (`Token.String.Double`) goes where the alias points
        if isinstance(expr, ast.Attribute) and expr.attr[:1].isupper():
            base = resolve(expr.value)
            if base is None:
                return None
            return aliases.get((base, expr.attr), (*base, expr.attr))
        return _parts_of(expr, known)

    for stmt in tree.body:
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
            continue
        target, value = stmt.targets[0], stmt.value
        if (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == path.cls
                and not value.args and not value.keywords and isinstance(target, ast.Name)):
            known[target.id] = ()
            continue
        parts = resolve(value)
        if parts is None:
            continue
        if isinstance(target, ast.Name):
            known[target.id] = parts
        elif isinstance(target, ast.Attribute) and target.attr[:1].isupper():
            owner = resolve(target.value)
            if owner is not None and (*owner, target.attr) != parts:
                aliases[(owner, target.attr)] = parts
    return PathType(path.cls, path.root, known, aliases)


def render(value: Parts, root: str) -> str:
    """What Python's `repr()`/`str()` of the path gives: `Token`, `Token.Name.Builtin`."""
    return root + ("." if value else "") + ".".join(value)
