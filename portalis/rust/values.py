"""Python values as Rust IR expressions: the one rendering of a value as Rust.

Module constants (`TABLE = {"a": 1}` -> a `LazyLock` static) and the differential harness's case
arguments both need a Python value as a Rust expression of the owned Rust type the translator
gives its Python type. They used to do it twice (IR nodes in the lowering, f-strings in the
harness) and had drifted (Optional, dataclasses and int-or-float values only in the harness,
`i64::MIN` only in the harness). Both now build the expression here and print it with the one
printer.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import decimal as _decimal
import fractions as _fractions
import math
import re as _re
from typing import Callable

from portalis.model import PyType, TypedField
from portalis.rust import ir
from portalis.types.rust_types import BIGINT, owned_type, rust_ident


def big_literal(value: int) -> ir.Expr:
    """A num_bigint::BigInt equal to `value`: from an i64 literal, or parsed from its digits
    beyond i64 (the digits are a valid literal: the unwrap cannot fail)."""
    if -(2**63) < value < 2**63:
        return ir.Call(ir.Path(f"{BIGINT}::from"), (ir.IntLit(value, "i64"),))
    parsed = ir.MethodCall(ir.StrLit(str(value)), "parse", turbofish=(ir.TPath(BIGINT),))
    return ir.MethodCall(parsed, "unwrap")

# Fields of a translated dataclass (None when the class is not one): how a class value is built.
ClassFields = Callable[[PyType], list[TypedField] | None]


class NoRustValue(TypeError):
    """A value that has no Rust expression of the wanted type."""


def value_expr(value: object, t: PyType, *, owned: bool = True, classes: ClassFields | None = None,
               root: str = "crate", suffixed: bool = False, int_range: bool = True) -> ir.Expr:
    """A Rust expression of the Rust type of `t` equal to `value`; NoRustValue if none.

    `owned=False` at the top: a str is a `&'static str` literal (a `const`). `classes` gives
    the fields of dataclasses. `root` is how paths into the crate start (`crate` inside it, the
    crate's name from a program outside it). `suffixed` writes `1i64`, `2.5_f64` (a program
    whose literals have no other type to infer from). `int_range=False` leaves an int beyond
    i64 to the printer, which reports it on the item that holds it (PTL163)."""
    return _Render(classes, root, suffixed, int_range).expr(value, t, owned)


def reroot(t: ir.Type, root: str) -> ir.Type:
    """`t` with its `crate::` paths starting at `root` instead."""
    if root == "crate":
        return t
    if isinstance(t, ir.TPath):
        name = f"{root}::{t.name[len('crate::'):]}" if t.name.startswith("crate::") else t.name
        return ir.TPath(name, tuple(reroot(a, root) for a in t.args))
    if isinstance(t, ir.TRef):
        return ir.TRef(reroot(t.inner, root), t.mutable)
    if isinstance(t, ir.TSlice):
        return ir.TSlice(reroot(t.inner, root))
    if isinstance(t, ir.TTuple):
        return ir.TTuple(tuple(reroot(i, root) for i in t.items))
    if isinstance(t, ir.TUnion):
        return ir.TUnion(f"{root}::{t.name[len('crate::'):]}", tuple((v, reroot(i, root)) for v, i in t.variants), t.hashable, t.printable,
                         t.class_objects)
    return t


def _expect(ok: bool, value: object, t: PyType, why: str = "") -> None:
    if not ok:
        raise NoRustValue(f"{value!r:.60} is not a {t}{': ' + why if why else ''}")


class _Render:
    def __init__(self, classes: ClassFields | None, root: str, suffixed: bool, int_range: bool) -> None:
        self.classes = classes
        self.root = root
        self.suffixed = suffixed
        self.int_range = int_range

    def type(self, t: PyType) -> ir.Type:
        return reroot(owned_type(t), self.root)

    def expr(self, value: object, t: PyType, owned: bool = True) -> ir.Expr:
        k = t.kind
        if k == "int":
            _expect(isinstance(value, int) and not isinstance(value, bool), value, t)
            assert isinstance(value, int)
            _expect(not self.int_range or -(2**63) <= value < 2**63, value, t, "does not fit in i64")
            if value == -(2**63) and self.int_range:
                return ir.Path("i64::MIN")  # no positive literal to negate
            return ir.IntLit(value, "i64" if self.suffixed else "")
        if k == "bigint":
            _expect(isinstance(value, int) and not isinstance(value, bool), value, t)
            assert isinstance(value, int)
            return big_literal(value)
        if k == "float":
            _expect(isinstance(value, (int, float)) and not isinstance(value, bool), value, t)
            assert isinstance(value, (int, float))
            f = float(value)
            return ir.FloatLit(f, "_f64" if self.suffixed and math.isfinite(f) else "")
        if k == "num":
            # An int-or-float value (crate::pyrt::PyNum): the variant keeps Python's kind.
            _expect(isinstance(value, (int, float)) and not isinstance(value, bool), value, t)
            kind = "int" if isinstance(value, int) else "float"
            inner = self.expr(value, PyType(kind=kind))
            return ir.Call(ir.Path(f"{self.root}::pyrt::PyNum::{kind.capitalize()}"), (inner,))
        if k == "union":
            # A union value (the crate's enum): the variant of the member the value belongs to.
            from portalis.types.unions import enum_name, member_for_value, tag

            member = member_for_value(t, value)
            _expect(member is not None, value, t)
            assert member is not None
            inner = self.expr(value, member)
            if member.kind == "class":
                inner = ir.Call(ir.Path("Box::new"), (inner,))  # held boxed (rust_types.member_type)
            return ir.Call(ir.Path(f"{self.root}::pyrt::{enum_name(t)}::{tag(member)}"), (inner,))
        if k == "dyn":
            return self.dynamic(value)
        if k == "bool":
            _expect(isinstance(value, bool), value, t)
            return ir.BoolLit(bool(value))
        if k == "str":
            _expect(isinstance(value, str), value, t)
            assert isinstance(value, str)
            return ir.MethodCall(ir.StrLit(value), "to_string") if owned else ir.StrLit(value)
        if k == "bytes":
            _expect(isinstance(value, (bytes, bytearray)), value, t)
            assert isinstance(value, (bytes, bytearray))
            return ir.MethodCall(ir.BytesLit(bytes(value)), "to_vec")
        if k == "none":
            _expect(value is None, value, t)
            return ir.TupleExpr(())
        if k == "optional":
            return ir.Path("None") if value is None else ir.Call(ir.Path("Some"), (self.expr(value, t.args[0]),))
        if k == "list":
            _expect(isinstance(value, list), value, t)
            assert isinstance(value, list)
            if not value:
                return ir.Call(ir.Path("Vec::new"))
            return ir.Macro("vec", tuple(self.expr(v, t.args[0]) for v in value), brackets="[]")
        if k == "tuple":
            _expect(isinstance(value, tuple) and len(value) == len(t.args), value, t)
            assert isinstance(value, tuple)
            return ir.TupleExpr(tuple(self.expr(v, a) for v, a in zip(value, t.args)))
        if k in ("dict", "set"):
            if k == "dict":
                _expect(isinstance(value, dict), value, t)
                assert isinstance(value, dict)
                items: list[ir.Expr] = [ir.TupleExpr((self.expr(a, t.args[0]), self.expr(b, t.args[1]))) for a, b in value.items()]
            else:
                _expect(isinstance(value, (set, frozenset)), value, t)
                assert isinstance(value, (set, frozenset))
                items = [self.expr(v, t.args[0]) for v in sorted(value, key=repr)]
            # Insertion order is the dict's order (PyDict keeps it); a set's is not observable.
            return ir.MethodCall(ir.MethodCall(ir.ArrayLit(tuple(items)), "into_iter"), "collect", turbofish=(self.type(t),))
        if k == "class":
            fields = self.classes(t) if self.classes is not None else None
            if fields is None:
                raise NoRustValue(f"class {t.module}.{t.name} is not a translated dataclass")
            # a field holding the placeholder (an attribute nothing types) has no Python value to write
            values = _field_values(value, t, [f for f in fields if f.py_type.kind != "opaque"])
            path = self.type(t)
            assert isinstance(path, ir.TPath)
            return ir.StructLit(path.name, tuple(
                (rust_ident(f.name), ir.Call(ir.Path("Default::default")) if values.get(f.name) is _UNSET
                 else self.expr(values.get(f.name), f.py_type)) for f in fields))
        if k in ("date", "timedelta", "datetime", "time", "timezone", "fraction", "decimal", "re_match"):
            return self.library(value, t)
        if k == "path":
            # a path (portalis/path_types.py): a PathValue, or the Python value itself
            parts = tuple(getattr(value, "parts", value)) if isinstance(value, tuple) or hasattr(value, "parts") else None
            root = getattr(value, "root", None)
            if root is None and parts is not None:
                shown = repr(value)
                root = shown[: len(shown) - len("".join("." + p for p in parts))]
            if parts is None or not all(isinstance(p, str) for p in parts) or not isinstance(root, str):
                raise NoRustValue(f"{value!r:.60} is no value of the path class {t}")
            names = ir.Ref(ir.ArrayLit(tuple(ir.StrLit(p) for p in parts)))
            return ir.Call(ir.Path(f"{self.root}::pyrt::PyPath::new"), (ir.StrLit(root), names))
        if k == "classobj":
            # a class object (ClassObjectValue, or the class itself): its variant
            from portalis.types.pytypes import object_classes
            from portalis.types.unions import class_object_enum_name, tag

            name = getattr(value, "name", None) if not isinstance(value, type) else value.__name__
            cls = next((c for c in object_classes(t) if c.name == name), None)
            if cls is None:
                raise NoRustValue(f"{value!r:.60} is none of the classes of {t}")
            return ir.Path(f"{self.root}::pyrt::{class_object_enum_name(t)}::{tag(cls)}")
        if k == "opaque":
            path = self.type(t)
            assert isinstance(path, ir.TPath)
            return ir.Path(path.name)  # the unit struct `crate::pyrt::Opaque`: it holds nothing
        raise NoRustValue(f"no Rust value of type {t}")


    def dynamic(self, value: object) -> ir.Expr:
        """A value of any builtin type as the runtime's PyObj (`PyObj::Int(3)`)."""
        obj = f"{self.root}::pyrt::PyObj"
        if value is None:
            return ir.Path(f"{obj}::None")
        for py, kind in ((bool, "bool"), (int, "int"), (float, "float"), (str, "str")):
            if type(value) is py:
                return ir.Call(ir.Path(f"{obj}::{kind.capitalize()}"), (self.expr(value, PyType(kind=kind)),))
        if type(value) in (list, tuple):
            items = tuple(self.dynamic(v) for v in value)  # type: ignore[attr-defined]
            vec = ir.Macro("vec", items, brackets="[]") if items else ir.Call(ir.Path("Vec::new"))
            return ir.Call(ir.Path(f"{obj}::{'List' if type(value) is list else 'Tuple'}"), (vec,))
        if type(value) is dict and all(type(k) is str for k in value):  # type: ignore[attr-defined]
            pairs = tuple(ir.TupleExpr((self.expr(k, PyType(kind="str")), self.dynamic(v))) for k, v in value.items())  # type: ignore[attr-defined]
            d = ir.MethodCall(ir.MethodCall(ir.ArrayLit(pairs), "into_iter"), "collect", turbofish=(ir.TPath(f"{self.root}::pyrt::PyDict", (ir.STRING, ir.TPath(obj))),))
            return ir.Call(ir.Path(f"{obj}::Dict"), (d,))
        raise NoRustValue(f"{value!r:.60} is no value of a builtin type a PyObj holds")

    def library(self, value: object, t: PyType) -> ir.Expr:
        """A standard-library value as its runtime type: the structs' fields (the value is
        valid: Python made it), a Fraction from its numerator and denominator, a match from its
        subject, spans and group names."""
        k = t.kind
        pyrt = f"{self.root}::pyrt"

        def ints(names: tuple[str, ...], of: object) -> tuple[tuple[str, ir.Expr], ...]:
            return tuple((n, ir.IntLit(int(getattr(of, n)), "i64" if self.suffixed else "")) for n in names)

        if k == "date":
            _expect(type(value) is _dt.date, value, t)
            return ir.StructLit(f"{pyrt}::PyDate", ints(("year", "month", "day"), value))
        def zone(tz: _dt.timezone) -> ir.Expr:
            # the offset in microseconds and the name it was made with (None: the default name)
            offset = tz.utcoffset(None)
            assert offset is not None
            us = (offset.days * 86_400 + offset.seconds) * 1_000_000 + offset.microseconds
            name = tz.tzname(None) if repr(tz) != repr(_dt.timezone(offset)) else None
            return ir.StructLit(f"{pyrt}::PyTimezone", (
                ("offset", ir.IntLit(us, "i64" if self.suffixed else "")),
                ("name", ir.Path("None") if name is None else ir.Call(ir.Path("Some"), (ir.StrLit(name),)))))

        if k == "datetime":
            tz = getattr(value, "tzinfo", None)
            _expect(type(value) is _dt.datetime and (tz is None or type(tz) is _dt.timezone), value, t,
                    "a naive datetime or one with a datetime.timezone")
            assert isinstance(value, _dt.datetime)
            return ir.StructLit(f"{pyrt}::PyDateTime", (*ints(
                ("year", "month", "day", "hour", "minute", "second", "microsecond"), value),
                ("tz", ir.Path("None") if tz is None else ir.Call(ir.Path("Some"), (zone(tz),)))))
        if k == "timezone":
            _expect(type(value) is _dt.timezone, value, t)
            assert isinstance(value, _dt.timezone)
            return zone(value)
        if k == "time":
            _expect(type(value) is _dt.time and getattr(value, "tzinfo", None) is None, value, t, "a naive time")
            return ir.StructLit(f"{pyrt}::PyTime", ints(("hour", "minute", "second", "microsecond"), value))
        if k == "timedelta":
            _expect(type(value) is _dt.timedelta, value, t)
            return ir.StructLit(f"{pyrt}::PyTimedelta", ints(("days", "seconds", "microseconds"), value))
        if k == "fraction":
            _expect(type(value) is _fractions.Fraction, value, t)
            assert isinstance(value, _fractions.Fraction)
            return ir.Call(ir.Path(f"{pyrt}::PyFraction::new"), (big_literal(value.numerator), big_literal(value.denominator)))
        if k == "decimal":
            _expect(type(value) is _decimal.Decimal, value, t)
            return ir.Call(ir.Path(f"{pyrt}::decimal_lit"), (ir.StrLit(str(value)),))  # str() is exact
        _expect(isinstance(value, _re.Match) and isinstance(getattr(value, "string", None), str), value, t)
        assert isinstance(value, _re.Match)
        groups = value.re.groups
        if t.name is not None and int(t.name) != groups:
            raise NoRustValue(f"a match of {groups} groups is not a match of the pattern's {t.name}")
        spans = tuple(ir.TupleExpr(tuple(ir.IntLit(x, "i64") for x in value.span(g))) for g in range(groups + 1))
        names = tuple(ir.TupleExpr((ir.StrLit(n), ir.IntLit(i, "i64"))) for n, i in sorted(value.re.groupindex.items(), key=lambda kv: kv[1]))
        return ir.Call(ir.Path(f"{pyrt}::ReMatch::from_parts"), (
            ir.StrLit(value.string), ir.Ref(ir.ArrayLit(spans)), ir.Ref(ir.ArrayLit(names))))


# A field the Python instance has no attribute for (its class's own __init__ never sets it:
# ClassSignature.unset_fields, which the worker does not list): the struct's field takes its
# type's default, as the translated constructor leaves it.
_UNSET = object()


def _field_values(value: object, t: PyType, fields: list[TypedField]) -> dict[str, object]:
    """The field values of a dataclass instance, or of a stand-in with `name` and `get(field)`
    (the harness's ClassValue, for instances that crossed a process boundary as data)."""
    if dataclasses.is_dataclass(value) and type(value).__name__ == t.name:
        return {f.name: getattr(value, f.name) for f in fields}
    if type(value).__name__ == t.name and hasattr(value, "__dict__") and type(value).__name__ != "ClassValue":
        # an instance of a plain class (a call's argument in a differential test): its
        # attributes, each field's; one its __init__ left unset takes the field's default
        return {f.name: getattr(value, f.name, _UNSET) for f in fields}
    get = getattr(value, "get", None)
    _expect(callable(get) and getattr(value, "name", None) == t.name, value, t)
    assert callable(get)
    names = {k for k, _v in getattr(value, "fields", ())} if hasattr(value, "fields") else None
    return {f.name: get(f.name) if names is None or f.name in names else _UNSET for f in fields}
