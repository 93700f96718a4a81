"""Union types (`int | str`, `Union[str, bytes]`): the Python side (one canonical PyType per set
of members) and their Rust enum (one variant per member).

A union is `PyType(kind="union", args=members)`: members flattened, deduplicated and sorted by
their variant name, so `int | str` and `str | int` are one type and one enum in the crate. None is
not a member (`int | str | None` is `Optional[IntOrStr]`) and an int-or-float stays the runtime's
PyNum. The enum is named after its variants (`IntOrStr`, `ListIntOrStr`) and lives in the crate's
`pyrt` module, so every module that names the union names the same item.
"""

from __future__ import annotations

import hashlib

from portalis.model import PyType
from portalis.rust import ir
from portalis.types import pytypes as T

# Member kinds a union may hold: each has a Rust form with Debug, Clone, PartialEq and the
# runtime's PyRepr (how a union value prints).
_MEMBER_KINDS = frozenset({"int", "float", "bool", "str", "bytes", "list", "tuple", "dict", "set", "class"})
# Python's type names that `isinstance(x, name)` accepts for a member of each kind.
_ISINSTANCE_NAMES = {"int": {"int"}, "bool": {"bool", "int"}, "float": {"float"}, "str": {"str"},
                     "list": {"list"}, "tuple": {"tuple"}, "dict": {"dict"}, "set": {"set"}}


class UnionError(ValueError):
    """Members that cannot make a union enum (yet)."""


def tag(t: PyType) -> str:
    """The variant name of a member: `Int`, `Str`, `ListInt`, `DictStrInt`, `Bytearray`."""
    if t.kind == "bytes":
        return "Bytearray" if t.name == "bytearray" else "Bytes"
    if t.kind == "optional":
        return "Opt" + tag(t.args[0])
    if t.kind == "none":
        return "None_"
    if t.kind == "class":
        return _camel(t.name or "")
    return t.kind.capitalize() + "".join(tag(a) for a in t.args)


def _camel(name: str) -> str:
    """`Circle` for `Circle`, `LeafNode` for `_leaf_node`: a class's (or module's) name as part of
    an enum's CamelCase name."""
    return "".join(part[:1].upper() + part[1:] for part in name.replace(".", "_").split("_"))


def has_class(t: PyType) -> bool:
    """Whether a class is a member of `t` (or of a member): its enum has no Display or PyRepr
    (a class has neither unless it defines them) and no Eq or Hash. A class with no Rust item
    (names.py made it the placeholder `Opaque`) counts as one."""
    return t.kind in ("class", "opaque") or any(has_class(a) for a in t.args)


def union_of(members: list[PyType]) -> PyType:
    """The canonical type of a value that is one of `members`: a union of two or more, a
    single member as itself, None making it Optional, int-or-float the runtime's PyNum.
    UnionError when a member has no place in an enum (a class, a callable, an unknown)."""
    flat: list[PyType] = []
    for m in members:
        if m.kind == "union":
            flat.extend(m.args)
        elif m.kind == "optional" and m.args[0].kind == "union":
            flat.extend([T.NONE, *m.args[0].args])
        elif m.kind == "optional":
            flat.extend([T.NONE, m.args[0]])
        else:
            flat.append(m)
    has_none = any(m.kind == "none" for m in flat)
    unique: dict[str, PyType] = {}
    for m in flat:
        if m.kind != "none":
            unique.setdefault(tag(m), m)
    kept = [unique[k] for k in sorted(unique)]
    if not kept:
        return T.NONE
    if len(kept) == 1:
        one = kept[0]
    elif {m.kind for m in kept} == {"int", "float"}:
        one = T.NUM
    else:
        for m in kept:
            if not _member_ok(m):
                raise UnionError(f"a union of {' | '.join(str(k) for k in kept)}: {m} cannot be a variant yet")
        named = [m for m in flat if m.kind == "class"]
        if len({(m.module, m.name) for m in named}) != len({tag(m) for m in named}):
            raise UnionError(f"a union of {' | '.join(str(k) for k in kept)}: two classes of one name")
        one = PyType(kind="union", args=tuple(kept))
    return T.optional(one) if has_none else one


def union_or_none(members: list[PyType]) -> PyType | None:
    """union_of, or None when a member cannot be a variant (a class, a callable, an unknown)."""
    try:
        return union_of(members)
    except UnionError:
        return None


# The runtime's PyRepr and the harness's Canon cover tuples of up to 6 items: a union's enum is
# shared by the whole crate, so a member without them would break every module, not one function.
_MAX_TUPLE = 6


def _member_ok(t: PyType) -> bool:
    if t.kind == "class":
        return bool(t.module and t.name)
    if t.kind not in _MEMBER_KINDS or (t.kind == "tuple" and len(t.args) > _MAX_TUPLE):
        return False
    if t.kind in ("dict", "set") and not is_hashable(t.args[0]):
        return False  # a float key: no Rust map or set of it
    return all(a.kind in _MEMBER_KINDS and _member_ok(a) for a in t.args)


# Classes of a union named one by one in its enum's name (`AOrBOrCInM`); past it, abbreviated.
_NAMED_CLASSES = 4


def enum_name(t: PyType) -> str:
    """`IntOrStr` for `int | str`. A union holding a class names the class's module after `In`
    (`CircleOrSquareInShapes`): the enums live in the crate's one `pyrt` module, and two
    modules may each have a class `Node`."""
    module = _class_module(t)
    if len(t.args) > _NAMED_CLASSES and all(m.kind == "class" for m in t.args):
        # a set of classes gathered across modules (pygments: ~50 lexers handed to
        # DelegatingLexer): the first class, how many more, and a digest of the whole set
        # (two sets with the same first class and size are two enums)
        digest = hashlib.sha1("|".join(f"{m.module}.{m.name}" for m in t.args).encode()).hexdigest()[:8]
        return f"{tag(t.args[0])}And{len(t.args) - 1}More{digest}In{_camel(module or '')}"
    name = "Or".join(tag(m) for m in t.args)
    return name if module is None else f"{name}In{_camel(module)}"


def class_object_enum_name(t: PyType) -> str:
    """`ClassOfAOrBInShapes` for `type[A | B]` (classes of shapes.py): the enum of the class
    objects, beside the instances' union `AOrBInShapes`."""
    inst = t.args[0]
    return "ClassOf" + enum_name(inst if inst.kind == "union" else PyType(kind="union", args=(inst,)))


def _class_module(t: PyType) -> str | None:
    if t.kind == "class":
        return t.module
    return next((m for a in t.args if (m := _class_module(a)) is not None), None)


def is_hashable(t: PyType) -> bool:
    """Eq + Hash in Rust: no float, dict or set inside."""
    if t.kind in ("float", "dict", "set", "num", "class", "opaque"):
        return False
    return all(is_hashable(a) for a in t.args)


def member_for_type(union: PyType, have: PyType) -> PyType | None:
    """The member a value of type `have` goes in: the same type, else the one it converts to
    (a bool into an int member, an int into a float member)."""
    for m in union.args:
        if m == have:
            return m
    for m in union.args:
        if T.unify(m, have) == m and (m.kind == have.kind or (m.kind, have.kind) in (("int", "bool"), ("float", "int"))):
            return m
    return None


def member_for_value(union: PyType, value: object) -> PyType | None:
    """The member a Python value belongs to (for the harness's arguments)."""
    kinds = {bool: "bool", int: "int", float: "float", str: "str", bytes: "bytes", bytearray: "bytes",
             list: "list", tuple: "tuple", dict: "dict", set: "set", frozenset: "set"}
    kind = kinds.get(type(value))
    # an instance of a class member, or the harness's stand-in for one (ClassValue: `name`,
    # `fields`): the member of its class, exactly (a variant holds its class, not a subclass)
    cls = getattr(value, "name", None) if type(value).__name__ == "ClassValue" else type(value).__name__
    for m in union.args:
        if m.kind == "class" and kind is None and m.name == cls:
            return m
    for m in union.args:
        if m.kind == kind:
            return m
    if kind == "bool":
        return next((m for m in union.args if m.kind == "int"), None)
    if kind == "int":
        return next((m for m in union.args if m.kind == "float"), None)
    return None


def members_matching(union: PyType, names: set[str], exact: bool = False) -> list[PyType]:
    """The members `isinstance(x, names)` is true for (`names`: builtin type names and the names
    of class members), or `type(x) is T` when `exact` (a bool is no int then). A class member
    is selected by its own name only: its variant holds instances of that class, not of a
    subclass (the evidence pass makes no union of a class that has subclasses)."""
    out = []
    for m in union.args:
        if m.kind == "class":
            if m.name in names:
                out.append(m)
            continue
        if exact and m.kind == "bool":
            if "bool" in names:
                out.append(m)
            continue
        accepted = {"bytearray"} if m.kind == "bytes" and m.name == "bytearray" else {"bytes"} if m.kind == "bytes" else _ISINSTANCE_NAMES.get(m.kind, set())
        if accepted & names:
            out.append(m)
    return out


def enum_items(u: ir.TUnion, repr_path: str = "crate::pyrt::PyRepr") -> list[ir.Item]:
    """The enum of a union and the impls a Python value needs: `str()` (Display: a str member
    as it is, the others as their repr) and `repr()` (PyRepr: the member's own). Derives Debug,
    Clone, PartialEq (Python's `==` between members of different types is False: different
    variants), and Eq + Hash when every member has them (a set member, a dict key)."""
    short = u.name.rsplit("::", 1)[-1]
    variants = tuple(v for v, _t in u.variants)
    if u.class_objects:
        # `type[A | B]`: which class, nothing else (Copy; calling it is a `match` in lowering)
        return [ir.Enum(short, variants, derives=("Debug", "Clone", "Copy", "PartialEq", "Eq", "Hash", "Default"),
                        doc=f"A Python class object: one variant per class ({', '.join(variants)}).")]
    derives = ("Debug", "Clone", "PartialEq") + (("Eq", "Hash") if u.hashable else ())
    enum = ir.Enum(short, variants, derives=derives, payloads=tuple(t for _v, t in u.variants),
                   doc=f"A Python union: one variant per member type ({', '.join(variants)}).")
    f = ir.Param("f", ir.TRef(ir.TPath("std::fmt::Formatter", (ir.TLifetime("_"),)), mutable=True))

    def arms(body) -> ir.Match:
        return ir.Match(ir.Path("self"), tuple(ir.MatchArm(ir.PVariant(f"Self::{v}", (ir.PBind("v"),)), body(v, t)) for v, t in u.variants))

    def shown(v: str, t: ir.Type) -> ir.Expr:
        text = ir.Path("v") if t == ir.STRING else ir.MethodCall(ir.Path("v"), "py_repr")
        return ir.Macro("write", (ir.Path("f"), ir.StrLit("{}"), text))

    display = ir.Fn(name="fmt", params=(f,), ret=ir.TPath("std::fmt::Result"), receiver=ir.SelfParam(), public=False,
                    body=ir.Block(tail=arms(shown)))
    repr_fn = ir.Fn(name="py_repr", params=(), ret=ir.STRING, receiver=ir.SelfParam(), public=False,
                    body=ir.Block(tail=arms(lambda v, t: ir.MethodCall(ir.Path("v"), "py_repr"))))
    if not u.printable:
        # A class member has no repr of its own (kinds.py keeps str() etc. off it). A class
        # holding the union in a field derives Default: the enum's is a builtin member's
        # (a class's own default could hold the union again, without end), else the first's.
        first = next((v for v, t in u.variants if not (isinstance(t, ir.TPath) and t.name == "Box")), variants[0])
        default = ir.Fn(name="default", params=(), ret=ir.TPath("Self"), public=False,
                        body=ir.Block(tail=ir.Call(ir.Path(f"Self::{first}"), (ir.Call(ir.Path("Default::default")),))))
        return [enum, ir.Impl(short, (default,), trait="Default")]
    return [enum, ir.Impl(short, (display,), trait="std::fmt::Display"), ir.Impl(short, (repr_fn,), trait=repr_path)]


def unions_in_type(t: ir.Type, found: dict[str, ir.TUnion]) -> None:
    """Collect the union enums a Rust type names (nested ones included)."""
    if isinstance(t, ir.TUnion):
        found.setdefault(t.name, t)
        if t.class_objects:
            return  # the classes' structs are their modules' items
        for _v, inner in t.variants:
            unions_in_type(inner, found)
    elif isinstance(t, ir.TPath):
        for a in t.args:
            unions_in_type(a, found)
    elif isinstance(t, (ir.TRef, ir.TSlice, ir.TArray)):
        unions_in_type(t.inner, found)
    elif isinstance(t, ir.TTuple):
        for i in t.items:
            unions_in_type(i, found)
    elif isinstance(t, ir.TImplIter):
        unions_in_type(t.item, found)
    elif isinstance(t, ir.TDynFn):
        for p in t.params:
            unions_in_type(p, found)
        unions_in_type(t.ret, found)


def unions_in_item(node: object, found: dict[str, ir.TUnion]) -> None:
    """Collect the union enums an IR item (or any IR node) names anywhere: signatures, lets,
    turbofishes, closures."""
    import dataclasses

    if isinstance(node, ir.Type):
        unions_in_type(node, found)
        return
    if isinstance(node, (tuple, list)):
        for n in node:
            unions_in_item(n, found)
        return
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        for fld in dataclasses.fields(node):
            unions_in_item(getattr(node, fld.name), found)
