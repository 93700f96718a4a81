"""The trait bounds of a generic function: what its body does with the values of a type parameter
(`T`, a `typevar` type in its signature), as Rust traits, or why no trait says it.

A value of a type parameter may only be used through operations a trait expresses, so that the
Rust generic function does for every type what Python does for the types it is called with:

- ordered comparison (`<`, `<=`, `>`, `>=`, `min`/`max`/`sorted`, `list.sort`): PartialOrd;
- equality (`==`, `!=`, `in` a list, `list.index`/`count`/`remove`): PartialEq;
- a set member or a dict key: Hash + Eq;
- being stored, returned, passed, put in containers and read back: Clone (always: a Python value
  is shared, a Rust one is copied out of the container it is read from);
- being passed to a generic function of the module: that function's bounds (module-wide fixed
  point, `settle`).

Anything else (a method or attribute of the value, arithmetic, truthiness, `is`, a call of a
function that is not generic, formatting) is refused with the first such use: the function is
not translated (PTL110 naming the use) rather than translated for one type.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from portalis.analysis.values import Scope, type_of
from portalis.cst_walk import children
from portalis.model import PyType
from portalis.types import pytypes as T

PARTIAL_ORD = "PartialOrd"
PARTIAL_EQ = "PartialEq"
HASH = "std::hash::Hash"
EQ = "Eq"
CLONE = "Clone"
# The order bounds are printed in (stable output whatever order the uses came in).
_ORDER = (PARTIAL_ORD, PARTIAL_EQ, EQ, HASH, CLONE)

_ORDERING = {"LessThan", "LessThanEqual", "GreaterThan", "GreaterThanEqual"}
_EQUALITY = {"Equal", "NotEqual"}
# Builtins that take values of any type and need no trait of them (the container's length, its
# order reversed, the list of an iterable).
_NEUTRAL_BUILTINS = {"len", "reversed", "list", "range", "enumerate"}
_ORDERING_BUILTINS = {"min", "max", "sorted"}
# Methods of a list of T: those that compare its items, those that do not.
_LIST_EQ_METHODS = {"index", "count", "remove"}
_LIST_NEUTRAL_METHODS = {"append", "pop", "insert", "extend", "reverse", "copy", "clear"}
_SET_METHODS = {"add", "discard", "remove", "pop", "copy", "clear"}


@dataclass
class GenericUse:
    """What one function's body needs of its type parameters: bounds by parameter, the
    generic functions of the module it passes their values to, or why it cannot be generic."""

    bounds: dict[str, set[str]] = field(default_factory=dict)
    callees: set[str] = field(default_factory=set)
    refused: str | None = None


def _mentions(t: PyType | None) -> set[str]:
    return T.typevars_in(t) if t is not None else set()


def body_bounds(node: cst.FunctionDef, scope: Scope, typevars: set[str], code, generic_functions: set[str]) -> GenericUse:
    """The bounds `node`'s body needs for the type parameters `typevars`, given the scope of its
    names (parameters and locals typed with the type parameters). `code` prints a node (for the
    refusal's text); `generic_functions` are the module's functions with type parameters."""
    use = GenericUse(bounds={v: {CLONE} for v in sorted(typevars)})

    def need(t: PyType | None, bound: str | tuple[str, ...]) -> None:
        for v in _mentions(t) & typevars:
            use.bounds[v] |= {bound} if isinstance(bound, str) else set(bound)

    def refuse(n: cst.CSTNode, why: str) -> None:
        if use.refused is None:
            use.refused = f"`{code(n)}`: {why}"

    def visit(n: cst.CSTNode) -> None:
        if use.refused is not None:
            return
        tn = type(n)
        if tn is cst.Comparison:
            left = n.left
            for target in n.comparisons:
                right = target.comparator
                op = type(target.operator).__name__
                tl, tr = type_of(left, scope), type_of(right, scope)
                generic = (_mentions(tl) | _mentions(tr)) & typevars
                if generic:
                    if op in _ORDERING or op in _EQUALITY:
                        if tl is None or tr is None or tl != tr:
                            refuse(n, f"compares a value of type {tl or 'unknown'} with one of type {tr or 'unknown'}")
                            return
                        need(tl, PARTIAL_ORD if op in _ORDERING else PARTIAL_EQ)
                    elif op in ("In", "NotIn"):
                        if tr is None or tr.kind not in ("list", "set", "dict") or tl is None or tl != tr.args[0]:
                            refuse(n, f"membership of {tl or 'unknown'} in {tr or 'unknown'}")
                            return
                        need(tl, PARTIAL_EQ if tr.kind == "list" else (HASH, EQ))
                    elif not (tl is not None and tl.kind == "optional" and tr is not None and tr.kind == "none"):
                        refuse(n, "identity of a value of a type parameter")
                        return
                left = right
        elif tn is cst.Call:
            f = n.func
            # the callee's attribute is judged here (a method of a list of T is fine); its
            # receiver and the arguments are visited below
            for c in ([f.value] if type(f) is cst.Attribute else [f]) + [a.value for a in n.args]:
                visit(c)
            if use.refused is not None:
                return
            args = [type_of(a.value, scope) for a in n.args]
            generic_args = any(_mentions(t) & typevars for t in args)
            if type(f) is cst.Attribute:
                receiver = type_of(f.value, scope)
                method = f.attr.value
                if receiver is not None and receiver.kind == "typevar":
                    refuse(n, f"method `{method}` of a value of a type parameter")
                    return
                if receiver is not None and _mentions(receiver) & typevars:
                    if receiver.kind == "list" and method in _LIST_EQ_METHODS:
                        need(receiver, PARTIAL_EQ)
                    elif receiver.kind == "list" and method == "sort" and not n.args:
                        need(receiver, PARTIAL_ORD)
                    elif not ((receiver.kind == "list" and method in _LIST_NEUTRAL_METHODS)
                              or (receiver.kind == "set" and method in _SET_METHODS)):
                        refuse(n, f"method `{method}` of a {receiver}")
                        return
                elif generic_args:
                    refuse(n, "a value of a type parameter passed to a method no trait describes")
                    return
            elif type(f) is cst.Name:
                name = f.value
                called = scope.names.get(name)
                if called is not None and called.kind == "optional":
                    called = called.args[0]
                if called is not None and called.kind == "callable":
                    pass  # a callable parameter (`key(x)`): its type says what it takes and gives
                elif name in generic_functions and generic_args:
                    use.callees.add(name)
                elif name in _ORDERING_BUILTINS and generic_args and all(a.keyword is None for a in n.args):
                    for t in args:
                        need(t, PARTIAL_ORD)
                elif generic_args and name not in _NEUTRAL_BUILTINS:
                    refuse(n, f"a value of a type parameter passed to `{name}`")
                    return
            elif generic_args:
                refuse(n, "a value of a type parameter passed to a computed callee")
                return
            return  # the parts were visited above
        elif tn is cst.BinaryOperation:
            if (_mentions(type_of(n.left, scope)) | _mentions(type_of(n.right, scope))) & typevars:
                t = type_of(n.left, scope)
                if not (type(n.operator) is cst.Add and t is not None and t.kind == "list"):
                    refuse(n, "arithmetic on a value of a type parameter")
                    return
        elif tn is cst.Attribute:
            if _mentions(type_of(n.value, scope)) & typevars:
                refuse(n, f"attribute `{n.attr.value}` of a {type_of(n.value, scope)}")
                return
        elif tn is cst.Subscript:
            if (t := type_of(n.value, scope)) is not None and t.kind == "typevar":
                refuse(n, "indexing a value of a type parameter")
                return
        elif tn in (cst.If, cst.While, cst.IfExp):
            if (t := type_of(n.test, scope)) is not None and t.kind == "typevar":
                refuse(n.test, "truthiness of a value of a type parameter")
                return
        elif tn is cst.UnaryOperation or tn is cst.BooleanOperation:
            parts = [n.expression] if tn is cst.UnaryOperation else [n.left, n.right]
            if any((t := type_of(p, scope)) is not None and t.kind == "typevar" for p in parts):
                refuse(n, "a value of a type parameter as an operand")
                return
        elif tn in (cst.FormattedString, cst.Lambda, cst.FunctionDef, cst.Yield, cst.Await):
            if tn is not cst.FormattedString or any(
                type(p) is cst.FormattedStringExpression and _mentions(type_of(p.expression, scope)) & typevars
                for p in n.parts
            ):
                refuse(n, "formatted, captured or yielded values of a type parameter are not translated")
                return
        for c in children(n):
            visit(c)

    for stmt in node.body.body if isinstance(node.body, cst.IndentedBlock) else ():
        visit(stmt)
    # Sets and dict keys of T anywhere in the function: T is hashed.
    for t in scope.names.values():
        for v in _hashed(t) & typevars:
            use.bounds[v] |= {HASH, EQ}
    return use


def _hashed(t: PyType | None) -> set[str]:
    if t is None:
        return set()
    out: set[str] = set()
    if t.kind == "set" and t.args:
        out |= T.typevars_in(t.args[0])
    if t.kind == "dict" and t.args:
        out |= T.typevars_in(t.args[0])
    for a in t.args:
        out |= _hashed(a)
    return out


def settle(uses: dict[str, GenericUse]) -> dict[str, GenericUse]:
    """The module-wide fixed point: a function passing values of its type parameter to a generic
    function of the module needs that function's bounds too (one type parameter per function,
    so the callee's bounds apply to the caller's), and is refused when the callee is."""
    changed = True
    while changed:
        changed = False
        for name, use in uses.items():
            for callee in sorted(use.callees):
                other = uses.get(callee)
                if other is None or other is use:
                    continue
                if other.refused is not None and use.refused is None:
                    use.refused = f"calls `{callee}`, which cannot be generic ({other.refused})"
                    changed = True
                wanted = set().union(*other.bounds.values()) if other.bounds else set()
                for v in use.bounds:
                    if not wanted <= use.bounds[v]:
                        use.bounds[v] |= wanted
                        changed = True
    return uses


def ordered(bounds: set[str]) -> tuple[str, ...]:
    """Bounds in the order they are printed."""
    return tuple(b for b in _ORDER if b in bounds) + tuple(sorted(bounds - set(_ORDER)))
