"""Ownership conversions between how a value is held (Mode) and how it is needed.

Every clone, borrow and to_string the translation emits is decided here, from the value's mode
and type, so no other code guesses about ownership.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portalis.lower.context import Mode, Unsupported, Val
from portalis.model import PyType
from portalis.rust import ir
from portalis.types.unions import enum_name, member_for_type, tag
from portalis.types import pytypes as T
from portalis.types.pytypes import is_copy
from portalis.types.rust_types import owned_type

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer


def owned(v: Val) -> ir.Expr:
    """The value as an owned Rust value (moves only fresh values; clones places)."""
    if v.mode is Mode.OWNED:
        return v.expr
    if is_copy(v.ty):
        return ir.Unary("*", v.expr) if v.mode is Mode.REF else v.expr
    if v.mode is Mode.PLACE:
        return ir.MethodCall(v.expr, "clone")
    if v.ty.kind == "str":
        return ir.MethodCall(v.expr, "to_string")
    if v.ty.kind == "bytes" and isinstance(v.expr, ir.MethodCall) and isinstance(v.expr.receiver, ir.BytesLit):
        return ir.MethodCall(v.expr.receiver, "to_vec")  # `b"ab".to_vec()`
    if v.ty.kind in ("list", "bytes"):
        return ir.MethodCall(v.expr, "to_vec")
    return ir.MethodCall(v.expr, "clone")


def borrow(v: Val) -> ir.Expr:
    """The value as a shared reference (deref coercion turns &String into &str, &Vec into &[T])."""
    if v.mode is Mode.REF:
        return v.expr
    return ir.Ref(v.expr)


def read(v: Val) -> ir.Expr:
    """The value for an operator or a by-value use that does not move (Copy types)."""
    if is_copy(v.ty) and v.mode is Mode.REF:
        return ir.Unary("*", v.expr)
    return v.expr


def str_view(v: Val) -> ir.Expr:
    """A str value as &str (for comparisons and patterns)."""
    if v.mode is Mode.REF:
        return v.expr
    return ir.MethodCall(v.expr, "as_str")


def list_view(v: Val) -> ir.Expr:
    if v.mode is Mode.REF or isinstance(v.expr, ir.SlicePath):
        return v.expr
    return ir.MethodCall(v.expr, "as_slice")


def comparable(v: Val) -> ir.Expr:
    """An operand for ==, <, ... : both sides end up the same Rust type."""
    if v.ty.kind == "str":
        return str_view(v)
    if v.ty.kind in ("list", "bytes"):
        return list_view(v)
    if v.mode is Mode.REF:
        return ir.Unary("*", v.expr)
    return v.expr


_IPOW = "crate::pyrt::ipow"


def _has_ipow(e: ir.Expr) -> bool:
    if isinstance(e, ir.Call):
        return (isinstance(e.func, ir.Path) and e.func.name == _IPOW)
    if isinstance(e, ir.Binary):
        return e.op in ("+", "-", "*") and (_has_ipow(e.left) or _has_ipow(e.right))
    if isinstance(e, ir.Unary):
        return e.op == "-" and _has_ipow(e.operand)
    return False


def _floatify(e: ir.Expr) -> ir.Expr:
    """An int expression holding `a ** b` (b not a constant >= 0), computed as Python does once
    the result is a float: `ipow_float` (a float for a negative exponent, where i64 `ipow`
    could only raise), and the `+ - *` around it in floats."""
    if isinstance(e, ir.Call) and _has_ipow(e):
        return ir.Call(ir.Path("crate::pyrt::ipow_float"), e.args)
    if isinstance(e, ir.Binary) and _has_ipow(e):
        return ir.Binary(e.op, _floatify(e.left), _floatify(e.right))
    if isinstance(e, ir.Unary) and _has_ipow(e):
        return ir.Unary("-", _floatify(e.operand))
    if isinstance(e, ir.IntLit):
        return ir.FloatLit(float(e.value))
    return ir.Cast(e, ir.F64)


def to_float(v: Val) -> Val:
    if v.ty.kind == "float":
        return v
    if v.ty.kind == "num":
        return Val(ir.MethodCall(read(v), "to_f64"), T.FLOAT)
    if v.ty.kind in ("int", "bool"):
        if isinstance(v.expr, ir.IntLit):
            return Val(ir.FloatLit(float(v.expr.value)), T.FLOAT)
        if v.ty.kind == "int" and _has_ipow(v.expr):
            return Val(_floatify(v.expr), T.FLOAT)
        return Val(ir.Cast(read(v), ir.F64), T.FLOAT)
    raise Unsupported("PTL113", f"expected a number, got {v.ty}")


_FACTORIAL = "crate::pyrt::factorial"


def float_operand(v: Val, other: Val) -> Val:
    """An operand of float arithmetic whose other operand is `other`. Python converts an int
    operand to float when the other is a float: `math.factorial(n)` there is its exact value
    rounded once (`pyrt::factorial_f64`, where the i64 factorial overflows from 21!). Only
    next to a float: int / int is Python's correctly rounded quotient of the exact ints,
    which two rounded floats are not."""
    if (other.ty.kind == "float" and v.ty.kind == "int" and isinstance(v.expr, ir.Call)
            and isinstance(v.expr.func, ir.Path) and v.expr.func.name == _FACTORIAL):
        return Val(ir.Call(ir.Path("crate::pyrt::factorial_f64"), v.expr.args), T.FLOAT)
    return to_float(v)


def coerce(v: Val, target: PyType) -> Val:
    """Fit a value into a slot of Python type `target` (int -> float, T -> Optional[T])."""
    if target.kind == v.ty.kind == "none" and v.expr == ir.Path("None"):
        # the literal None where only None goes (`self.oldlocale = None` into a field nothing
        # else types): the slot is `()`, and `None` would be an Option (rustc E0308)
        return Val(ir.TupleExpr(()), target)
    if v.ty == target:
        return v
    if v.ty.kind == "json":  # a json.loads value where a type is declared
        from portalis.lower.stdlib_json import from_json

        converted = from_json(v, target)
        if converted is None:
            raise Unsupported("PTL133", f"a json.loads value where {target} is expected (int, float, str, bool, None, "
                              "Optional, list, dict[str, ...] are converted)")
        return converted
    if target.kind == "float" and v.ty.kind in ("int", "bool", "num"):
        return to_float(v)
    if target.kind == "num" and v.ty.kind in ("int", "bool", "float"):
        inner = coerce(v, T.INT) if v.ty.kind == "bool" else v
        variant = "Int" if inner.ty.kind == "int" else "Float"
        return Val(ir.Call(ir.Path(f"crate::pyrt::PyNum::{variant}"), (read(inner),)), target)
    if target.kind == "int" and v.ty.kind == "bool":
        return Val(ir.Cast(read(v), ir.I64), T.INT)
    if target.kind == v.ty.kind == T.CLASS_OBJECT:
        from portalis.lower.class_objects import coerce_class_object

        return coerce_class_object(v, target)  # `type[A]` into `type[A | B]`
    if target.kind == "union" and v.ty.kind not in ("union", "unknown"):
        # A member's value in a union's slot: the enum's variant of that member.
        member = member_for_type(target, v.ty)
        if member is not None:
            inner = coerce(v, member)
            payload = owned(inner)
            if member.kind == "class":
                # boxed (rust_types.member_type); a borrowed struct is cloned through its type's
                # Clone, which takes `&Circle` and, coerced, an arm's `&Box<Circle>` alike
                if inner.mode is Mode.REF:
                    path = owned_type(member)
                    assert isinstance(path, ir.TPath)
                    payload = ir.Call(ir.Path(f"{path.name}::clone"), (inner.expr,))
                payload = ir.Call(ir.Path("Box::new"), (payload,))
            return Val(ir.Call(ir.Path(f"crate::pyrt::{enum_name(target)}::{tag(member)}"), (payload,)), target)
    if target.kind == "dyn" and v.ty.kind != "unknown":
        # a value of a known type where a dynamic one goes: the PyObj variant holding it
        return Val(to_dyn(v), target)
    if target.kind == "optional":
        if v.ty.kind == "none":
            return Val(ir.Path("None"), target)
        inner = coerce(v, target.args[0])
        return Val(ir.Call(ir.Path("Some"), (owned(inner),)), target)
    if v.ty.kind == "unknown" or target.kind == "unknown":
        return v
    if target.kind == v.ty.kind == "bytes":
        return Val(v.expr, target, v.mode)  # bytes and bytearray: both Vec<u8>
    if target.kind == v.ty.kind and target.kind in ("list", "dict", "set", "tuple") and not v.ty.args:
        return Val(v.expr, target, v.mode)  # an empty literal takes the slot's element types
    if target.kind == v.ty.kind and target.kind in ("list", "set", "dict", "tuple"):
        if len(target.args) == len(v.ty.args) and all(_holes_fit(b, a) for a, b in zip(target.args, v.ty.args)):
            return Val(v.expr, target, v.mode)
        if target.kind in ("list", "tuple") and len(target.args) == len(v.ty.args) and T.is_known(target) and T.is_known(v.ty):
            return _convert_items(v, target)
        if (target.kind == "dict" and len(target.args) == len(v.ty.args) == 2 and target.args[0].kind == v.ty.args[0].kind == "str"
                and target.args[1].kind == "dyn" and T.fits_dyn(v.ty.args[1]) and not _has_tuple(v.ty.args[1])):
            # a dict of typed values where options of any type go (`get_bool_opt({'a': 'yes'},
            # 'a')`): a new dict of PyObj values, as `f(**d)` makes one (analysis/keyword_dicts.py)
            return Val(ir.Call(ir.Path(f"{PYOBJ}::dict_from"), (borrow(v),)), target, Mode.OWNED)
    raise Unsupported("PTL113", f"a value of type {v.ty} where {target} is expected")


PYOBJ = "crate::pyrt::PyObj"


def _has_tuple(t: PyType) -> bool:
    """Whether t holds a tuple or a union: parts PyObj's From impls do not cover."""
    return t.kind in ("tuple", "union") or any(_has_tuple(a) for a in t.args)


def to_dyn(v: Val) -> ir.Expr:
    """A value as a PyObj (crate::pyrt::PyObj): `PyObj::from(x)` for what the runtime's From
    impls cover (None, bool, int, float, str, lists, Optionals, str-keyed dicts of those); a
    tuple item by item (a Rust `()` is Python's None to From, not an empty tuple)."""
    t = v.ty
    if t.kind == "dyn":
        return owned(v)
    if t.kind == "union":
        arms = tuple(ir.MatchArm(ir.PVariant(f"crate::pyrt::{enum_name(t)}::{tag(m)}", (ir.PBind("__m"),)),
                                 to_dyn(Val(ir.Path("__m"), m, Mode.OWNED))) for m in t.args)
        # the value typed in a `let`, so the crate emits the union's enum even where no
        # signature names it (a list literal of ints and strs passed as one keyword argument)
        from portalis.types.rust_types import owned_type

        return ir.BlockExpr(ir.Block((ir.Let(ir.PBind("__u"), owned_type(t), owned(v)),), ir.Match(ir.Path("__u"), arms)))
    if not T.fits_dyn(t) and not _has_tuple(t):
        raise Unsupported("PTL113", f"a value of type {t} where a value of any builtin type (object) is expected: "
                          "it is no None, bool, int, float, str, list, tuple or dict of str keys")
    if t.kind == "none":
        return ir.Path(f"{PYOBJ}::None")
    if not _has_tuple(t):
        return ir.Call(ir.Path(f"{PYOBJ}::from"), (owned(v),))
    if t.kind == "tuple":
        items = tuple(to_dyn(Val(ir.Field(ir.Path("__t"), str(i)), a, Mode.OWNED)) for i, a in enumerate(t.args))
        vec = ir.Macro("vec", items, brackets="[]") if items else ir.Call(ir.Path("Vec::new"))
        made = ir.Call(ir.Path(f"{PYOBJ}::Tuple"), (vec,))
        if not t.args:
            return made
        return ir.BlockExpr(ir.Block((ir.Let(ir.PBind("__t"), None, owned(v)),), made))
    if t.kind == "optional":
        inner = to_dyn(Val(ir.Path("__v"), t.args[0], Mode.OWNED))
        some = ir.PWild() if t.args[0].kind == "tuple" and not t.args[0].args else ir.PBind("__v")  # `()`: nothing to read
        return ir.Match(owned(v), (ir.MatchArm(ir.PVariant("Some", (some,)), inner),
                                   ir.MatchArm(ir.PVariant("None"), ir.Path(f"{PYOBJ}::None"))))
    if t.kind == "list":
        conv = to_dyn(Val(ir.Path("__x"), t.args[0], Mode.OWNED))
        items = ir.MethodCall(ir.MethodCall(owned(v), "into_iter"), "map", (ir.Closure((ir.PBind("__x"),), conv),))
        return ir.Call(ir.Path(f"{PYOBJ}::List"), (ir.MethodCall(items, "collect"),))
    raise Unsupported("PTL113", f"a value of type {t} where a value of any builtin type (object) is expected")


def _holes_fit(have: PyType, want: PyType) -> bool:
    """`have` is `want` with some parts still unknown (an empty literal's element types)."""
    if have == want or have.kind == "unknown":
        return True
    return have.kind == want.kind and len(have.args) == len(want.args) and all(_holes_fit(a, b) for a, b in zip(have.args, want.args))


def _convert_items(v: Val, target: PyType) -> Val:
    """[1, 2] where list[float] is expected, (1, None) where tuple[float, Optional[int]] is:
    each item converted (int -> float, T -> Optional[T])."""
    if target.kind == "tuple":
        items = []
        for i, (have, want) in enumerate(zip(v.ty.args, target.args)):
            part = Val(ir.Field(ir.Path("__t"), str(i)), have, Mode.OWNED)
            items.append(owned_as(part, want))
        block = ir.Block((ir.Let(ir.PBind("__t"), None, owned(v)),), ir.TupleExpr(tuple(items)))
        return Val(ir.BlockExpr(block), target)
    have, want = v.ty.args[0], target.args[0]
    conv = owned_as(Val(ir.Path("__x"), have, Mode.OWNED), want)
    items = ir.MethodCall(ir.MethodCall(owned(v), "into_iter"), "map", (ir.Closure((ir.PBind("__x"),), conv),))
    from portalis.types.rust_types import owned_type

    return Val(ir.MethodCall(items, "collect", turbofish=(owned_type(target),)), target)


def owned_as(v: Val, target: PyType) -> ir.Expr:
    """Coerce, then own: what an assignment, a return or a struct field needs."""
    return owned(coerce(v, target))


def helper_call(lw: "FunctionLowerer", name: str, args: tuple[ir.Expr, ...], ty: PyType, mode: Mode = Mode.OWNED) -> Val:
    """A call of the runtime helper `crate::pyrt::name`, which the crate then includes."""
    lw.use_runtime(name)
    return Val(ir.Call(ir.Path(f"crate::pyrt::{name}"), args), ty, mode)
