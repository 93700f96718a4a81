"""The Python -> Rust type mapping: owned forms (locals, fields, returns) and parameter forms."""

from __future__ import annotations

import unicodedata

from portalis.model import Passing, PyType
from portalis.rust import ir
from portalis.types.pytypes import is_copy

# Rust 2021's strict and reserved keywords, and 2024's `gen`: a Python name spelled like one
# is written as a raw identifier (`r#move`).
RUST_KEYWORDS = frozenset(
    "as break const continue crate else enum extern false fn for if impl in let loop match mod move mut "
    "pub ref return self Self static struct super trait true type unsafe use where while async await dyn "
    "abstract become box do final macro override priv typeof unsized virtual yield try gen".split()
)
# Keywords that cannot be raw identifiers: they get a trailing underscore (`self_`).
# The prelude's enum variants too: a binding spelled `Ok` or `Some` is read by rustc as the
# variant's pattern (E0530: parameters cannot shadow tuple variants).
_NOT_RAW = frozenset({"self", "Self", "crate", "super", "Ok", "Err", "Some", "None"})

PYDICT = "crate::pyrt::PyDict"
HASHSET = "std::collections::HashSet"
BIGINT = "num_bigint::BigInt"


class TypeMappingError(ValueError):
    """A Python type with no Rust form yet."""


def rust_ident(name: str) -> str:
    """A Python identifier as a Rust identifier. The one mapping every binding, parameter,
    field, function, constant and module path goes through; distinct Python names get distinct
    Rust names, except for an ASCII name spelled like another name's mangled form (the lowering
    reports such a clash in a function: PTL165).

    - Python compares identifiers after NFKC normalisation (`ﬁ` is `fi`): so does this.
    - Non-ASCII names become ASCII: each non-ASCII character is `_uXXXX_` (its code point in
      hex, at least 4 digits), `größe` -> `gr_u00f6__u00df_e`. rustc accepts many non-ASCII
      identifiers but lints mixed scripts and confusables, and the crate's file names and
      paths must stay portable; the mangled form is stable (a function of the name alone).
    - Rust keywords are raw identifiers (`r#move`), except `self`, `Self`, `crate`, `super`,
      which cannot be raw: `self_`; so are the prelude's variants `Ok`, `Err`, `Some`, `None`
      (a binding of that name would be a pattern): `Ok_`.
    - Names of underscores only get one more (`_` -> `__`): in Rust `_` is a pattern, not a
      name a later statement could read.
    """
    if not name.isascii():
        name = unicodedata.normalize("NFKC", name)
        if not name.isascii():
            name = "".join(ch if ch.isascii() else f"_u{ord(ch):04x}_" for ch in name)
    if name in _NOT_RAW:
        return f"{name}_"
    if name in RUST_KEYWORDS:
        return f"r#{name}"
    if name and not name.strip("_"):
        return name + "_"
    return name


def unused_ident(ident: str) -> str:
    """The form of a Rust identifier (rust_ident's output) for a binding nothing reads, so
    rustc does not warn: `x` -> `_x`, `r#move` -> `_move` (a prefix before `r#` is not Rust),
    `_x` unchanged, `__` (Python's `_`) -> `_`. Callers that may already use the result for
    another binding of the same scope use `_` instead (mutability.py)."""
    if not ident.strip("_"):
        return "_"  # Python's `_`: a wildcard in Rust
    if ident.startswith("r#"):
        return "_" + ident[2:]
    return ident if ident.startswith("_") else "_" + ident


def binding(ident: str, mutable: bool) -> ir.Pat:
    """A `let`/`for`/parameter pattern binding one name: `mut x` or `x`; `_` (which binds
    nothing) never takes `mut`."""
    return ir.bind(ident, mutable)


def module_path(module: str) -> str:
    """`inventory.model` -> `crate::inventory::model` (portalis.naming: the crate's own mapping,
    with its renames, so paths always name the module's real place)."""
    from portalis.naming import rust_path  # naming needs RUST_KEYWORDS from here

    return rust_path(module)


def owned_type(t: PyType, holes: bool = False) -> ir.Type:
    """The Rust type that owns a value of Python type t. With `holes`, unknown parts become
    `_` for rustc to infer (a local's annotation: `Vec<_>`)."""
    k = t.kind
    if holes:
        if k == "unknown":
            return ir.TPath("_")
        if t.args and k in ("list", "set", "dict", "tuple", "optional"):
            inner = owned_type(PyType(kind=k, args=tuple(PyType(kind="int") for _ in t.args)))
            args = tuple(owned_type(a, holes=True) for a in t.args)
            if isinstance(inner, ir.TTuple):
                return ir.TTuple(args)
            assert isinstance(inner, ir.TPath)
            return ir.TPath(inner.name, args)
    if k == "int":
        return ir.I64
    if k == "bigint":
        return ir.TPath(BIGINT)
    if k == "float":
        return ir.F64
    if k == "bool":
        return ir.BOOL
    if k == "str":
        return ir.STRING
    if k == "none":
        return ir.UNIT
    if k == "bytes":
        return ir.TPath("Vec", (ir.TPath("u8"),))
    if k == "list":
        return ir.TPath("Vec", (owned_type(t.args[0]),))
    if k == "set":
        return ir.TPath(HASHSET, (owned_type(t.args[0]),))
    if k == "dict":
        return ir.TPath(PYDICT, (owned_type(t.args[0]), owned_type(t.args[1])))
    if k == "tuple":
        return ir.TTuple(tuple(owned_type(a) for a in t.args))
    if k == "optional":
        return ir.TPath("Option", (owned_type(t.args[0]),))
    if k == "num":
        return ir.TPath("crate::pyrt::PyNum")
    if k == "dyn":
        return ir.TPath("crate::pyrt::PyObj")  # a value of mixed type (portalis/runtime/pyrt.rs)
    if k == "union":
        # One enum per distinct union in the crate, in its pyrt module (portalis/types/unions.py).
        from portalis.types.unions import enum_name, has_class, is_hashable, tag

        # a class member is held boxed: the class may hold the union in a field (a tree's
        # `Node | int`), which by value would be a type of infinite size (unions.py)
        return ir.TUnion(f"crate::pyrt::{enum_name(t)}", tuple((tag(m), member_type(m)) for m in t.args), is_hashable(t),
                         not has_class(t))
    if k == "classobj":
        # a class object of a closed set of classes: a fieldless enum naming the class
        from portalis.types.unions import class_object_enum_name, tag
        from portalis.types.pytypes import object_classes

        return ir.TUnion(f"crate::pyrt::{class_object_enum_name(t)}", tuple((tag(m), owned_type(m)) for m in object_classes(t)),
                         True, False, class_objects=True)
    if k == "exc":
        return ir.TPath(f"{PYDICT.rsplit('::', 1)[0]}::PyErr")
    if k == "class" and t.module and t.name:
        return ir.TPath(f"{module_path(t.module)}::{rust_ident(t.name)}")
    if k == "re_pattern":
        # a pattern compiled at run time (portalis/regex_syntax.py DYNAMIC_PATTERN) is pyrt's
        if t.module == "dynamic":
            return ir.TPath("crate::pyrt::PyRegex")
        # a literal pattern with look-around or back-references is fancy-regex's (the type's
        # fifth field, regex_syntax.pattern_type)
        fancy = (t.module or "").split(":")[4:5] == ["1"]
        return ir.TPath("fancy_regex::Regex" if fancy else "regex::Regex")
    if k == "date":
        return ir.TPath("crate::pyrt::PyDate")
    if k == "timedelta":
        return ir.TPath("crate::pyrt::PyTimedelta")
    if k == "datetime":
        return ir.TPath("crate::pyrt::PyDateTime")
    if k == "time":
        return ir.TPath("crate::pyrt::PyTime")
    if k == "timezone":
        return ir.TPath("crate::pyrt::PyTimezone")
    if k == "fraction":
        return ir.TPath("crate::pyrt::PyFraction")
    if k == "decimal":
        return ir.TPath("crate::pyrt::PyDecimal")
    if k == "re_match":
        return ir.TPath("crate::pyrt::ReMatch")
    if k == "path":
        return ir.TPath("crate::pyrt::PyPath")  # a path class's value (portalis/path_types.py)
    if k == "callable" and t.args:
        # A borrowed closure or function: `&dyn Fn(A) -> B`, Copy, fits in an Option (`key=None`).
        return ir.TRef(ir.TDynFn(tuple(owned_type(a) for a in t.args[:-1]), owned_type(t.args[-1])))
    if k == "typevar" and t.name:
        return ir.TPath(t.name)  # a generic parameter of the function (FunctionFacts.generics)
    if k == "opaque":
        # A Python type with no Rust item in the crate (portalis/names.py): its placeholder.
        return ir.TPath("crate::pyrt::Opaque")
    raise TypeMappingError(f"no Rust type for Python type {t}")


def member_type(m: PyType) -> ir.Type:
    """A union member's payload in its enum variant: the value, a class's struct boxed."""
    return ir.TPath("Box", (owned_type(m),)) if m.kind == "class" else owned_type(m)


def param_type(t: PyType, mutated: bool = False, resized: bool = True, consumed: bool = False) -> ir.Type:
    """How a parameter is passed: Copy types by value, read-only containers borrowed
    (&str, &[T], &PyDict), containers mutated in place by &mut (the caller sees the change,
    as in Python): `&mut [T]` for a list whose length the function never changes (it only
    sorts, reverses or assigns items), `&mut Vec<T>` otherwise. A list the function consumes
    (`analysis/liveness.py: consumed_params`: iterated once, its items appended and moved) whose items are
    not Copy is passed by value (`Vec<T>`): its items are moved, not copied one by one; a
    caller that reads its list again passes a copy, a temporary is moved."""
    if is_copy(t) or t.kind in ("optional", "tuple", "bigint", "typevar"):
        return owned_type(t)
    if consumed and not mutated and t.kind == "list" and t.args and not is_copy(t.args[0]):
        return owned_type(t)
    if t.kind == "iter" and t.args and not mutated:
        # any iterable, drawn once (portalis/analysis/generators.py: iterated_once)
        return ir.TImplIter(owned_type(t.args[0]), into=True)
    if mutated and t.kind == "list" and not resized:
        return ir.TRef(ir.TSlice(owned_type(t.args[0])), mutable=True)
    if mutated:
        return ir.TRef(owned_type(t), mutable=True)
    if t.kind == "str":
        return ir.TRef(ir.STR)
    if t.kind == "list":
        return ir.TRef(ir.TSlice(owned_type(t.args[0])))
    if t.kind == "bytes":
        return ir.TRef(ir.TSlice(ir.TPath("u8")))
    return ir.TRef(owned_type(t))


def param_passing(t: PyType, mutated: bool = False, resized: bool = True, consumed: bool = False) -> Passing:
    """How `param_type` passes a parameter, as data."""
    pt = param_type(t, mutated, resized, consumed)
    if t.kind == "callable":
        return Passing.VALUE  # `&dyn Fn(..)` is itself the (Copy) value passed
    if not isinstance(pt, ir.TRef):
        return Passing.VALUE
    if not pt.mutable:
        return Passing.SHARED
    return Passing.MUT_ITEMS if isinstance(pt.inner, ir.TSlice) else Passing.MUT


def declared_param_type(p: "TypedParam") -> ir.Type:  # noqa: F821 - model import would cycle
    """The Rust type of a typed parameter, as its signature spells it."""
    return param_type(p.py_type, p.mutated, resized=p.passing is not Passing.MUT_ITEMS, consumed=p.consumed)


def is_borrowed_param(t: PyType, mutated: bool = False) -> bool:
    return isinstance(param_type(t, mutated), ir.TRef)
