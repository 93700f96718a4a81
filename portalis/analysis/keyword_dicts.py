"""One representation for `**kwargs` dicts that meet other code: pygments' `**options`.

A module's evidence pass sees one module, and the tracer samples calls: a subclass's `**options`
may be traced with strs only (`RubyLexer(style='x')`) while the base initialiser it hands the dict
to (`Lexer.__init__(self, **options)`, in another module) was traced with bools, ints and lists
too, and pygments.util's `get_bool_opt(options, ...)` with dicts of each. Typed each from its own
samples, the dicts disagree (`dict[str, str]` here, `dict[str, object]` there) and every hand-over
is PTL113 ("a value of type dict[str, object] where dict[str, str] is expected"), then PTL190 for
the subclasses whose inherited initialiser it stops.

So a `**name` dict that leaves its function, passed on to code of another module (`f(**name)`,
`get_bool_opt(name, ..)` imported, `super().__init__(**name)`), stored (`self.options = name`,
read by subclasses anywhere) or returned, holds dynamic values (`object`, crate::pyrt::PyObj),
whatever its own samples say: the one value type every such dict of the crate agrees on without
seeing the other modules. A dict only read where it is (`for k, v in kw.items()`) keeps the one
type its keyword arguments have (`**extra` of ints: `dict[str, int]`).

`several_value_types` is the same fact for a plain parameter: traced dicts whose values have
several types (`get_bool_opt`'s `options`: a `dict[str, str]` in one call, `dict[str, bool]` in
another) are one `dict[str, object]`.
"""

from __future__ import annotations

import builtins

import libcst as cst

from portalis.model import PyType
from portalis.types import pytypes as T

_CODE = cst.Module(body=[])
# a builtin reads the dict where it is (`len(kw)`, `sorted(kw)`, `dict(kw)`: a copy of the same
# type): no other code sees it
_BUILTINS = frozenset(n for n in dir(builtins) if not n.startswith("_"))


def _shown(node: cst.CSTNode, limit: int = 60) -> str:
    text = " ".join(_CODE.code_for_node(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Escapes(cst.CSTVisitor):
    """The first place the dict named `name` leaves the function (a nested function's use
    included: it may run anywhere). `local`: the module's own functions and classes, whose
    parameters the module's evidence types from this very call (no disagreement to fear)."""

    def __init__(self, name: str, local: frozenset[str]) -> None:
        self.name = name
        self.local = local
        self.found: str | None = None

    def _is_it(self, e: cst.BaseExpression | None) -> bool:
        return type(e) is cst.Name and e.value == self.name

    def _seen_here(self, func: cst.BaseExpression) -> bool:
        """A callee this module's evidence pass sees: a builtin (`len(kw)`, `dict(**kw)`: read
        or copied where it is), a function or class of the module (`Base.__init__` included),
        a method of the instance (`self.m(kw)`)."""
        if type(func) is cst.Name:
            return func.value in _BUILTINS or func.value in self.local
        if type(func) is cst.Attribute and type(func.value) is cst.Name:
            return func.value.value in ("self", "cls") or func.value.value in self.local
        return False  # `super().__init__(**kw)`, a call's result: a base that may be elsewhere

    def visit_Call(self, node: cst.Call) -> None:
        if self.found is None and any(self._is_it(a.value) for a in node.args) and not self._seen_here(node.func):
            self.found = f"passed on (`{_shown(node)}`)"

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.found is None and self._is_it(node.value) and any(type(t.target) in (cst.Attribute, cst.Subscript) for t in node.targets):
            self.found = f"stored (`{_shown(node.targets[0].target)} = {self.name}`)"

    def visit_Return(self, node: cst.Return) -> None:
        if self.found is None and self._is_it(node.value):
            self.found = "returned"


def escapes(node: cst.FunctionDef, name: str, local: frozenset[str] | set[str] = frozenset()) -> str | None:
    """How the `**name` dict of `node` leaves the function for code the module's evidence does
    not see (a short description), or None when it stays where its own evidence types it."""
    v = _Escapes(name, frozenset(local))
    node.body.visit(v)
    return v.found


def several_value_types(types: list[PyType]) -> PyType | None:
    """`dict[K, object]` for dicts of one key type whose value types differ and all fit a PyObj
    (traced `options` dicts of strs in one call, of bools in another); None otherwise."""
    dicts = [t for t in types if t.kind == "dict" and len(t.args) == 2]
    if len(dicts) < 2 or len(dicts) != len(types):
        return None
    keys = {t.args[0] for t in dicts if t.args[0].kind != "unknown"}
    if len(keys) != 1 or next(iter(keys)).kind != "str":
        return None
    values = [t.args[1] for t in dicts if t.args[1].kind != "unknown"]
    if len(set(values)) < 2 or not all(T.fits_dyn(v) for v in values):
        return None
    return T.dict_of(T.STR, T.DYN)


# the builtin types an isinstance test of a dict's value may name: a PyObj variant each
_VALUE_KINDS = frozenset({"bool", "int", "float", "str", "list", "tuple", "dict"})


class _TestedReads(cst.CSTVisitor):
    """Locals read from a parameter dict (`string = options.get(optname, default)`,
    `v = options[k]`) and the isinstance tests on them."""

    def __init__(self, params: set[str]) -> None:
        self.params = params
        self.read: dict[str, str] = {}  # local -> the parameter it was read from
        self.tested: dict[str, str] = {}  # parameter -> the first test, shown

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) != 1 or type(node.targets[0].target) is not cst.Name:
            return
        v = node.value
        source: cst.BaseExpression | None = None
        if type(v) is cst.Call and type(v.func) is cst.Attribute and v.func.attr.value == "get":
            source = v.func.value
        elif type(v) is cst.Subscript:
            source = v.value
        if type(source) is cst.Name and source.value in self.params:
            self.read[node.targets[0].target.value] = source.value

    def visit_Call(self, node: cst.Call) -> None:
        if not (type(node.func) is cst.Name and node.func.value == "isinstance" and len(node.args) == 2):
            return
        x, kind = node.args[0].value, node.args[1].value
        kinds = [e.value for e in kind.elements] if type(kind) is cst.Tuple else [kind]
        if (type(x) is cst.Name and x.value in self.read and kinds
                and all(type(k) is cst.Name and k.value in _VALUE_KINDS for k in kinds)):
            self.tested.setdefault(self.read[x.value], f"`{x.value}` read from it, tested with `{_shown(node)}`")


def kind_tested_values(node: cst.FunctionDef, params: list[str]) -> dict[str, str]:
    """The parameters whose values the body reads and then tests with isinstance against builtin
    types (pygments.util's `get_bool_opt`: `string = options.get(optname, default); if
    isinstance(string, bool): ... elif isinstance(string, int): ...`): dicts whose values are of
    several types, whatever the traced calls happened to pass (50 sampled calls of dicts of strs).
    Parameter -> the test, shown. Reads before the tests only (one pass in source order)."""
    v = _TestedReads(set(params))
    node.body.visit(v)
    return v.tested
