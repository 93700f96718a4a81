"""Classes as values (issue 11; pygments' `super().__init__(HtmlLexer, PhpLexer, **options)`):
a class of the repository named, not called, is a value of type `type[C]`; a parameter that
callers hand several classes is `type[A | B]` (the analysis joins the call sites' classes,
evidence.py `class_object_value`). Rust: a fieldless Copy enum with a variant per class
(`crate::pyrt::ClassOfAOrBInShapes`, unions.py), and calling the value is a `match` that runs
the chosen class's constructor, its instance put in the variant of the instances' union
(`AOrBInShapes::A(Box::new(A::new(x)))`), or the class itself when there is one.

The set of classes is closed: what the module's call sites pass. A caller passing another class
is refused where its value meets the slot (PTL113, values.coerce).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from portalis.lower.context import ClassRef, Mode, Unsupported, Val
from portalis.lower.values import borrow, coerce
from portalis.model import PyType
from portalis.rust import ir
from portalis.types import pytypes as T
from portalis.types.unions import class_object_enum_name, enum_name, tag

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer


def variant_path(t: PyType, cls: PyType) -> ir.Path:
    """`crate::pyrt::ClassOfAOrBInShapes::A`: the variant of class `cls` in class-object type `t`."""
    return ir.Path(f"crate::pyrt::{class_object_enum_name(t)}::{tag(cls)}")


def class_value(lw: "FunctionLowerer", found: ClassRef, node: cst.CSTNode) -> Val:
    """The class `found` named as a value: `type[C]`'s one variant. Refused (PTL131) for a class
    no constructor call can make here (an enum's object is its members, lowered before)."""
    if (found.sig.flavour is not None and found.sig.flavour != "namedtuple") or found.sig.name in lw.exceptions:
        # an exception class is raised and caught by name (crate::pyrt::PyErr): no constructor
        # makes a value of it
        from portalis.lower.expr import class_value_reason

        raise Unsupported("PTL131", class_value_reason(found), node)
    cls = T.class_type(found.module, found.sig.name)
    t = T.class_object(cls)
    return Val(variant_path(t, cls), t, Mode.OWNED)


def coerce_class_object(v: Val, target: PyType) -> Val:
    """A class object of fewer classes where one of more goes (`type[A]` into `type[A | B]`):
    the same class's variant in the wider enum (a `match` unless the value is a variant path)."""
    have = T.object_classes(v.ty)
    want = {(c.module, c.name) for c in T.object_classes(target)}
    missing = [c for c in have if (c.module, c.name) not in want]
    if missing:
        raise Unsupported("PTL113", f"class `{missing[0]}` passed where {target} is expected (the classes its callers pass)")
    if len(have) == 1:
        return Val(variant_path(target, have[0]), target, Mode.OWNED)
    arms = tuple(ir.MatchArm(ir.PVariant(variant_path(v.ty, c).name), variant_path(target, c)) for c in have)
    return Val(ir.Match(v.expr, arms), target, Mode.OWNED)


def call_class_object(lw: "FunctionLowerer", callee: Val, node: cst.Call) -> Val:
    """`cls(x)` with `cls: type[A | B]`: a `match` on which class, each arm its constructor's
    call (the arguments lowered for that class's `__init__`), its instance in the variant of
    the instances' union; `type[A]` alone is A's constructor call."""
    classes = T.object_classes(callee.ty)
    made = callee.ty.args[0]
    arms: list[ir.MatchArm] = []
    for c in classes:
        sig = lw.env.class_sig(c)
        if sig is None:
            raise Unsupported("PTL135", f"class `{c.module}.{c.name}` has no Rust item", node)
        built = lw.construct(ClassRef(path=lw.env.class_path(c), module=c.module or "", sig=sig), node)
        if len(classes) == 1:
            return built
        arms.append(ir.MatchArm(ir.PVariant(variant_path(callee.ty, c).name), coerce(built, made).expr))
    return Val(ir.Match(callee.expr, tuple(arms)), made, Mode.OWNED)


def union_method_call(lw: "FunctionLowerer", recv: Val, name: str, args: list[Val], kwargs: dict[str, Val],
                      node: cst.CSTNode) -> Val | None:
    """`obj.m(x)` where obj is one of several classes (`self.root_lexer.size()`, made by a
    class object): a `match` calling each class's own m. Every class must have m, returning
    one type (None: a union with a builtin member, not this dispatch)."""
    classes = recv.ty.args
    if not classes or any(c.kind != "class" for c in classes):
        return None
    sigs = [lw.env.class_sig(c) for c in classes]
    methods = [s.method(name) if s is not None else None for s in sigs]
    missing = [c.name for c, m in zip(classes, methods) if m is None]
    if missing:
        raise Unsupported("PTL134", f"`{missing[0]}` has no translated method `{name}` (a member of {recv.ty})", node)
    returns = {m.returns for m in methods if m is not None}
    if len(returns) != 1:
        raise Unsupported("PTL134", f"`.{name}()` of {recv.ty}: its classes' methods return different types "
                          f"({', '.join(sorted(str(r) for r in returns))})", node)
    changes = any(m is not None and m.mut_self for m in methods)
    scrutinee = lw.mutable(recv) if changes else borrow(recv)
    if changes and recv.mode is not Mode.REF and not isinstance(scrutinee, ir.Ref):
        scrutinee = ir.Ref(scrutinee, mutable=True)
    arms: list[ir.MatchArm] = []
    ret: PyType | None = None
    for c in classes:
        bound = lw.temp("obj")
        got = lw.class_method(Val(ir.Path(bound), c, Mode.REF if not changes else Mode.OWNED), name, args, kwargs, node)
        assert got is not None
        ret = got.ty
        arms.append(ir.MatchArm(ir.PVariant(f"crate::pyrt::{enum_name(recv.ty)}::{tag(c)}", (ir.PBind(bound),)), got.expr))
    assert ret is not None
    return Val(ir.Match(scrutinee, tuple(arms)), ret, Mode.OWNED)
