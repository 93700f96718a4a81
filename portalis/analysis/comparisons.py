"""The `other` of a comparison method: `def __eq__(self, other: object) -> bool` guarded by
`if not isinstance(other, C): return NotImplemented`.

Python calls a class's `__eq__`/`__lt__`... with any object; the guard declines every one that
is not a C, so what the rest of the body compares is always two Cs. Rust's `PartialEq` and
`PartialOrd` for the struct compare Cs only (the type checker rules out the rest), so the
translation types `other` as C and drops the guard: it can never fire there.

When the body tests `other` against another type as well (packaging's `Specifier.__eq__`
turns a `str` into a Specifier first), `other` really is more than a C: that is refused with
the type named, since the trait cannot take a str.

Pure facts over the method's syntax; the type map types the parameter from them
(portalis/typemap.py) and lowering skips the guard (portalis/lower/function.py)."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

COMPARISONS: frozenset[str] = frozenset({"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"})


@dataclass(frozen=True)
class OtherFact:
    """What a comparison method's `other` is: `guard` the statement that declines non-Cs
    (dropped by the translation), or `problem` why `other` is more than a C (refused)."""

    param: str
    guard: cst.If | None = None
    problem: str | None = None


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr)
            and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


def _annotation_text(param: cst.Param) -> str | None:
    if param.annotation is None:
        return None
    node = param.annotation.annotation
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value.strip() if isinstance(value, str) else None
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "typing":
        return f"typing.{node.attr.value}"
    return None


def _names_own_class(node: cst.BaseExpression, cls: str) -> bool:
    """`C`, `(C,)`, `self.__class__` or `type(self)`: the class itself."""
    if isinstance(node, cst.Name):
        return node.value == cls
    if isinstance(node, cst.Tuple) and len(node.elements) == 1:
        return _names_own_class(node.elements[0].value, cls)
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
        return node.value.value == "self" and node.attr.value == "__class__"
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "type" and len(node.args) == 1:
        arg = node.args[0].value
        return isinstance(arg, cst.Name) and arg.value == "self"
    return False


def _isinstance_of(node: cst.BaseExpression, name: str) -> cst.BaseExpression | None:
    """The class argument of `isinstance(name, X)`, or None."""
    if (isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "isinstance"
            and len(node.args) == 2 and isinstance(node.args[0].value, cst.Name) and node.args[0].value.value == name):
        return node.args[1].value
    return None


def _returns_not_implemented(suite: cst.BaseSuite) -> bool:
    body = suite.body
    if isinstance(suite, cst.IndentedBlock):
        if len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine):
            return False
        body = body[0].body
    if len(body) != 1 or not isinstance(body[0], cst.Return):
        return False
    value = body[0].value
    return isinstance(value, cst.Name) and value.value == "NotImplemented"


def _is_guard(stmt: cst.BaseStatement, name: str, cls: str) -> bool:
    """`if not isinstance(other, C): return NotImplemented` (no else)."""
    if not isinstance(stmt, cst.If) or stmt.orelse is not None:
        return False
    test = stmt.test
    if not (isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not)):
        return False
    target = _isinstance_of(test.expression, name)
    return target is not None and _names_own_class(target, cls) and _returns_not_implemented(stmt.body)


class _Tests(cst.CSTVisitor):
    """Every `isinstance(other, X)` class and whether `NotImplemented` is named."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.targets: list[cst.BaseExpression] = []
        self.not_implemented = False

    def visit_Call(self, node: cst.Call) -> None:
        target = _isinstance_of(node, self.name)
        if target is not None:
            self.targets.append(target)

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == "NotImplemented":
            self.not_implemented = True


def _text(node: cst.BaseExpression) -> str:
    return cst.Module(body=[]).code_for_node(node)


def comparison_other(node: cst.FunctionDef, cls: str) -> OtherFact | None:
    """The fact about `other` of method `node` of class `cls`, or None when the method is not a
    comparison taking one `other: object`, `other: Any` or `other: C` (left as it was).

    A fact with `guard`: `other` is a C past it (the translation types it so and drops it). A
    fact with `problem`: an `other: object` the body uses as something else than a C."""
    if node.name.value not in COMPARISONS:
        return None
    ps = node.params
    if isinstance(ps.star_arg, cst.Param) or ps.kwonly_params or ps.star_kwarg is not None or ps.posonly_params:
        return None
    if len(ps.params) != 2 or any(p.default is not None for p in ps.params):
        return None
    param = ps.params[1]
    name, annotation = param.name.value, _annotation_text(param)
    if annotation not in ("object", "Any", "typing.Any", cls):
        return None
    body = [s for s in node.body.body] if isinstance(node.body, cst.IndentedBlock) else []
    if body and _is_docstring(body[0]):
        body = body[1:]
    first = body[0] if body else None
    guard = first if isinstance(first, cst.If) and _is_guard(first, name, cls) else None
    tests = _Tests(name)
    for stmt in body[1:] if guard is not None else body:
        stmt.visit(tests)
    others = [_text(t) for t in tests.targets if not _names_own_class(t, cls)]
    if annotation in ("Any", "typing.Any") and (others or guard is None or tests.not_implemented):
        return None  # `other: Any` stays a type parameter of the method (portalis/analysis/generics.py)
    if others:
        problem = (f"`{name}` is tested against `{others[0]}` as well as `{cls}`: the Rust PartialEq/PartialOrd "
                   f"of `{cls}` compares `{cls}` objects only")
        return OtherFact(name, problem=problem) if annotation == "object" else None
    if guard is None or tests.not_implemented:
        if annotation != "object":
            return None
        why = ("returns NotImplemented past its guard" if tests.not_implemented
               else f"has no leading `if not isinstance({name}, {cls}): return NotImplemented`")
        return OtherFact(name, problem=f"`{name}: object`: the method {why}, so `{name}` may be another type than `{cls}`")
    return OtherFact(name, guard=guard)
