"""Operations on values of a path class (portalis/path_types.py: pygments' token types), as
crate::pyrt::PyPath: `x in t` (the class's `__contains__`, a prefix test), `str()`/`repr()`
(`Token.Name.Builtin`), `t.parent`, `t.Child` (a child, or where the module's alias table sends
it), `t[i]`, `len(t)`, truth (only the root is empty), `t.split()`, and the module constants
(`Name`, `Token`) as the paths they are, computed when translating."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portalis.lower.context import Mode, Unsupported, Val
from portalis.lower.values import borrow, coerce, read
from portalis.model import PathFacts, PyType
from portalis.rust import ir
from portalis.types import pytypes as T

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

PATH = "crate::pyrt::PyPath"


def facts(lw: "FunctionLowerer", t: PyType) -> PathFacts | None:
    """The facts of the path class `t` names (its module's type map)."""
    tm = lw.env.own if t.module == lw.env.module else lw.env.interfaces.get(t.module or "")
    return None if tm is None else tm.names.paths.get(t.name or "")


def _strs(parts: list[str] | tuple[str, ...]) -> ir.Expr:
    return ir.Ref(ir.ArrayLit(tuple(ir.StrLit(p) for p in parts)))


def literal(lw: "FunctionLowerer", t: PyType, parts: list[str] | tuple[str, ...]) -> Val:
    """The path of these names (a constant's value, known when translating)."""
    f = facts(lw, t)
    if f is None:
        raise Unsupported("PTL113", f"the path class {t} has no facts here")
    lw.use_runtime("PyPath")
    return Val(ir.Call(ir.Path(f"{PATH}::new"), (ir.StrLit(f.root), _strs(parts))), t)


def constant(lw: "FunctionLowerer", name: str) -> Val | None:
    """A module constant of a path class (`Name`, `Token`): of this module, or imported by name
    from the class's (`from pygments.token import Name`); else None."""
    module, tm, own = lw.env.module, lw.env.own, name
    imported = lw.env.imports.get(name)
    if imported is not None and imported[1] is not None:
        module, own = imported
        tm = lw.env.interfaces.get(module)  # type: ignore[assignment]
        if tm is None:
            return None
    for cls, f in tm.names.paths.items():
        if own in f.constants:
            return literal(lw, T.path_type(module, cls), f.constants[own])
    return None


def contains(lw: "FunctionLowerer", container: Val, item: Val) -> ir.Expr:
    """`item in container`: `self is val or (type(val) is self.__class__ and val[:len(self)] ==
    self)`, so a value of another type is never in a path."""
    if item.ty.kind != "path" or item.ty.name != container.ty.name:
        return ir.BoolLit(False)
    lw.use_runtime("PyPath")
    return ir.MethodCall(container.expr, "contains", (borrow(item),))


def to_str(lw: "FunctionLowerer", v: Val) -> ir.Expr:
    """`str(t)` and `repr(t)`: the class's `__repr__`, PyPath's Display."""
    lw.use_runtime("PyPath")
    return ir.MethodCall(v.expr, "to_string")


def is_optional_path(t: PyType) -> bool:
    """Optional[path]: a variable walking up (`ttype = ttype.parent`) holds one."""
    return t.kind == "optional" and t.args[0].kind == "path"


def unwrap(lw: "FunctionLowerer", recv: Val, kind: str, message: str) -> Val:
    """The path an Optional[path] holds; Python's `kind` error (AttributeError, TypeError) on
    None, as reading it there raises."""
    got = lw.expect_some(ir.MethodCall(recv.expr, "as_ref"), kind, message)
    return Val(got, recv.ty.args[0], Mode.REF)


def field(lw: "FunctionLowerer", recv: Val, name: str) -> Val:
    """`t.parent` (None at the root) and `t.Name` (the child, through the alias table)."""
    lw.use_runtime("PyPath")
    if name == "parent":
        return Val(ir.MethodCall(recv.expr, "parent"), T.optional(recv.ty))
    if name[:1].isupper():
        f = facts(lw, recv.ty)
        if f is None:
            raise Unsupported("PTL113", f"the path class {recv.ty} has no facts here")
        table = ir.Ref(ir.ArrayLit(tuple(
            ir.TupleExpr((ir.StrLit(".".join(owner)), ir.StrLit(alias), ir.StrLit(".".join(target))))
            for owner, alias, target in f.aliases)))
        return Val(ir.MethodCall(recv.expr, "child_in", (ir.StrLit(name), table)), recv.ty)
    raise Unsupported("PTL130", f"attribute `.{name}` of {recv.ty}")


def index(lw: "FunctionLowerer", recv: Val, key: Val) -> Val:
    """`t[i]`: the name at i (a negative i counts from the end)."""
    if key.ty.kind not in ("int", "bool"):
        raise Unsupported("PTL113", f"indexing {recv.ty} by {key.ty}")
    lw.use_runtime("PyPath")
    return Val(ir.MethodCall(recv.expr, "get", (read(coerce(key, T.INT)),)), T.STR)


def length(lw: "FunctionLowerer", v: Val) -> Val:
    """`len(t)`."""
    lw.use_runtime("PyPath")
    return Val(ir.Cast(ir.MethodCall(v.expr, "len"), ir.TPath("i64")), T.INT)


def truthy(lw: "FunctionLowerer", v: Val) -> ir.Expr:
    """`if t:`: a tuple's truth, false only at the root."""
    lw.use_runtime("PyPath")
    return ir.Unary("!", ir.MethodCall(v.expr, "is_empty"))


def method(lw: "FunctionLowerer", recv: Val, name: str, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`t.split()`: the paths from the root down to t."""
    if name == "split" and not args and not kwargs:
        lw.use_runtime("PyPath")
        return Val(ir.MethodCall(recv.expr, "split"), T.list_of(recv.ty))
    raise Unsupported("PTL134", f"{recv.ty}.{name}() is not supported yet")


__all__ = ["constant", "contains", "field", "index", "length", "literal", "method", "to_str", "truthy"]
