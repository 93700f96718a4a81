"""Constructors and predicates for the Python type IR (portalis.model.PyType)."""

from __future__ import annotations

from portalis.model import PyType

INT = PyType(kind="int")
# An int of a function whose ints may grow past i64 (portalis/analysis/int_growth.py):
# num_bigint::BigInt in the Rust, `int` for Python.
BIGINT = PyType(kind="bigint")
FLOAT = PyType(kind="float")
BOOL = PyType(kind="bool")
STR = PyType(kind="str")
NONE = PyType(kind="none")
UNKNOWN = PyType(kind="unknown")
# bytes and bytearray: both Vec<u8> in the Rust (a bytearray is the mutable flavour, kept in
# `name` as a dict's Counter is, so repr() can say `bytearray(b'...')`).
BYTES = PyType(kind="bytes")
BYTEARRAY = PyType(kind="bytes", name="bytearray")
EXC = PyType(kind="exc")  # an exception object (caught, or passed around)
# An int on some paths, a float on others (`return 0` ... `return total / n`): crate::pyrt::PyNum.
NUM = PyType(kind="num")
# A value whose type the code leaves open (`object`): a mixed `**options` dict's values, read
# through isinstance tests. crate::pyrt::PyObj, an enum of the builtin types it may hold
# (DYN_MEMBERS); Python spells it `object`.
DYN = PyType(kind="dyn")
# The member types a dynamic value may hold, one PyObj variant each (dyn_variant).
DYN_MEMBERS: tuple[PyType, ...] = (
    NONE, BOOL, INT, FLOAT, STR, PyType(kind="list", args=(DYN,)), PyType(kind="tuple", args=(DYN,)),
    PyType(kind="dict", args=(STR, DYN)),
)


def dyn_variant(t: PyType) -> str:
    """The PyObj variant holding a member of DYN_MEMBERS (`Int`, `List`, `None`)."""
    return t.kind.capitalize()


def fits_dyn(t: PyType) -> bool:
    """Whether a value of type t converts into a PyObj (`From`): None, bool, int, float, str,
    lists, Optionals and str-keyed dicts of those, a PyObj itself."""
    if t.kind in ("dyn", "none", "bool", "int", "float", "str"):
        return True
    if t.kind in ("list", "optional"):
        return len(t.args) == 1 and fits_dyn(t.args[0])
    if t.kind in ("tuple", "union"):
        return all(fits_dyn(a) for a in t.args)
    if t.kind == "dict":
        return len(t.args) == 2 and t.args[0].kind == "str" and fits_dyn(t.args[1])
    return False


def typevar(name: str = "T") -> PyType:
    """A type parameter of a generic function (a TypeVar, or an unannotated value the body only
    compares, hashes, copies or prints): a Rust generic `T` with the bounds the analysis found
    (FunctionFacts.generics)."""
    return PyType(kind="typevar", name=name)


def typevars_in(t: PyType) -> set[str]:
    """The names of the type parameters a type mentions."""
    found = {t.name} if t.kind == "typevar" and t.name else set()
    for a in t.args:
        found |= typevars_in(a)
    return found


def substitute(t: PyType, binding: dict[str, PyType]) -> PyType:
    """t with its type parameters replaced (a generic signature instantiated at concrete types)."""
    if t.kind == "typevar":
        return binding.get(t.name or "", t)
    if not t.args:
        return t
    return t.model_copy(update={"args": tuple(substitute(a, binding) for a in t.args)})


def callable_of(params: tuple[PyType, ...], result: PyType) -> PyType:
    """`Callable[[A], B]`: a function passed as a value (`key=`); `args` are the parameter types
    and, last, the result. Rust: `&dyn Fn(A) -> B` (a borrowed closure or function, Copy)."""
    return PyType(kind="callable", args=(*params, result))


def list_of(t: PyType) -> PyType:
    return PyType(kind="list", args=(t,))


def set_of(t: PyType) -> PyType:
    return PyType(kind="set", args=(t,))


def dict_of(k: PyType, v: PyType) -> PyType:
    return PyType(kind="dict", args=(k, v))


def tuple_of(*items: PyType) -> PyType:
    return PyType(kind="tuple", args=tuple(items))


def optional(t: PyType) -> PyType:
    if t.kind in ("optional", "none"):
        return t
    return PyType(kind="optional", args=(t,))


def path_type(module: str, cls: str) -> PyType:
    """A value of a path class (portalis/path_types.py: pygments' `_TokenType`): interned tuples
    of names, `in` a prefix test. Rust: crate::pyrt::PyPath; `module`/`name` say which class."""
    return PyType(kind="path", module=module, name=cls)


def class_type(module: str, name: str) -> PyType:
    return PyType(kind="class", module=module, name=name)


# A class object passed as a value (`make(HtmlLexer, x)`, `cls(x)`): Python's `type[C]`, or
# `type[A | B]` for one of a closed set of the repository's classes. `args[0]` is the type of
# what calling it makes (a class, or a union of classes). Rust: a fieldless Copy enum with a
# variant per class (portalis/types/unions.py `class_object_enum_name`).
CLASS_OBJECT = "classobj"


def class_object(instance: PyType) -> PyType:
    """`type[C]` for a class type, `type[A | B]` for a union of classes."""
    return PyType(kind=CLASS_OBJECT, args=(instance,))


def object_classes(t: PyType) -> tuple[PyType, ...]:
    """The classes a class-object type holds (each a `class` type)."""
    inst = t.args[0]
    return inst.args if inst.kind == "union" else (inst,)


# Standard-library classes with a Rust type of the runtime: what an annotation naming one
# (`d: datetime.date`, `m: re.Match`) or a value the tracer saw means. A match's group count and
# names are unknown from an annotation (`name` None); a traced match carries its pattern's.
LIBRARY_TYPES: dict[tuple[str, str], PyType] = {
    ("datetime", "date"): PyType(kind="date"),
    ("datetime", "timedelta"): PyType(kind="timedelta"),
    ("datetime", "datetime"): PyType(kind="datetime"),
    ("datetime", "time"): PyType(kind="time"),
    ("datetime", "timezone"): PyType(kind="timezone"),
    ("fractions", "Fraction"): PyType(kind="fraction"),
    ("decimal", "Decimal"): PyType(kind="decimal"),
    ("re", "Match"): PyType(kind="re_match"),
}


def library_type(module: str | None, name: str | None) -> PyType | None:
    """The runtime type of a standard-library class (LIBRARY_TYPES), None for any other class."""
    return LIBRARY_TYPES.get((module or "", name or ""))


def is_numeric(t: PyType) -> bool:
    return t.kind in ("int", "float", "bool", "num")


def is_copy(t: PyType) -> bool:
    """Types whose Rust form is Copy: passing them never needs a borrow or a clone."""
    if t.kind in ("int", "float", "bool", "none", "num", "callable", "date", "timedelta", "datetime", "time",
                  "timezone", CLASS_OBJECT):
        return True
    if t.kind == "tuple":
        return all(is_copy(a) for a in t.args)
    if t.kind == "optional":
        return is_copy(t.args[0])
    return False


def is_known(t: PyType) -> bool:
    if t.kind == "unknown":
        return False
    return all(is_known(a) for a in t.args)


def unify(a: PyType, b: PyType) -> PyType | None:
    """The type both values fit in (int and float join to float; None joins to Optional)."""
    if a == b:
        return a
    if a.kind == "unknown":
        return b
    if b.kind == "unknown":
        return a
    if "dyn" in (a.kind, b.kind):
        # a dynamic value takes any value it can hold (a str assigned where a PyObj was)
        other = b if a.kind == "dyn" else a
        return DYN if fits_dyn(other) else None
    if {a.kind, b.kind} == {"int", "float"}:
        return FLOAT
    if "num" in (a.kind, b.kind) and {a.kind, b.kind} <= {"num", "int", "float", "bool"}:
        return NUM
    if a.kind == "none":
        return optional(b)
    if b.kind == "none":
        return optional(a)
    if a.kind == "optional" and unify(a.args[0], b) == a.args[0]:
        return a
    if b.kind == "optional" and unify(b.args[0], a) == b.args[0]:
        return b
    if a.kind == b.kind == CLASS_OBJECT:
        # `make(A, x)` and `make(B, x)`: one of the two classes (a union of their instances)
        from portalis.types.unions import union_or_none

        inst = union_or_none([a.args[0], b.args[0]])
        return class_object(inst) if inst is not None and inst.kind in ("class", "union") else None
    if a.kind == b.kind == "re_match":
        return PyType(kind="re_match")  # matches of different patterns: groups known at run time only
    if a.kind == b.kind and len(a.args) == len(b.args) and a.kind != "class":
        args = [unify(x, y) for x, y in zip(a.args, b.args)]
        if all(x is not None for x in args):
            # A dict's flavour (Counter, defaultdict) survives when both sides share it.
            name = a.name if a.name == b.name else None
            return PyType(kind=a.kind, args=tuple(x for x in args if x is not None), name=name)
    return None


def same_shape(a: PyType, b: PyType) -> bool:
    """Equal types, ignoring a dict's flavour (a Counter is a dict[K, int] in Rust)."""
    if a.kind != b.kind or len(a.args) != len(b.args) or a.module != b.module:
        return False
    if a.kind == "class" and a.name != b.name:
        return False
    return all(same_shape(x, y) for x, y in zip(a.args, b.args))
