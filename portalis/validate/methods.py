"""Methods as functions for the differential validation.

A method `C.m(self, x)` is checked as the function `C.m(obj, x)`: the instance is the first
argument (built from field values, like a dataclass argument), the call is `C.m(obj, x)` in
Python and `m::C::m(&obj, x)` in Rust, and when the method takes `&mut self` the object's fields
after the call are compared too (the instance is a mutated argument). `__init__` is such a
method (on an instance built from field values; it changes it), a property is its getter, static
and class methods are plain functions under the class's name, and `C.new` (the Rust constructor)
is checked against Python's `C(args)` by the object it returns.

`case_signature(tm, name)` is the one lookup the case builders and the harness use: a module
function's signature, or for `C.m` the method's signature with the receiver as parameter 0.
`instance_class(tm, name)` says whether a class's instances can be built from field values.
"""

from __future__ import annotations

from portalis.model import ClassSignature, FunctionSignature, ModuleTypeMap, Passing, PyType, TypedParam
from portalis.types import pytypes as T

CHECKED_KINDS = ("method", "init", "property", "staticmethod", "classmethod")
NO_RECEIVER = ("staticmethod", "classmethod")
SELF = "self"


def instance_class(cls: ClassSignature | None) -> bool:
    """A translated class whose instances are exactly their typed fields (a dataclass, or a plain
    class whose `__init__` attributes are all typed): values of it can be generated and written
    as a Rust struct literal."""
    if cls is None or cls.diagnostics or cls.flavour is not None:
        return False
    return all(T.is_known(f.py_type) and f.rust_type for f in cls.fields)


def compared_fields(cls: ClassSignature) -> list[str]:
    """The fields an instance is compared by: all but those holding the placeholder `Opaque`
    (an attribute nothing types; Python leaves it unset on a generated instance) and those of a
    base of another module the class's own `__init__` never sets (`unset_fields`: a Python
    instance lacks the attribute, the struct's field holds its default)."""
    unset = set(cls.unset_fields)
    return [f.name for f in cls.fields if f.py_type.kind != "opaque" and f.name not in unset]


def case_signature(tm: ModuleTypeMap | None, name: str) -> FunctionSignature | None:
    """The signature cases of `name` are built for: a module function's, or a method's (`C.m`)
    with the receiver as its first parameter; None when there is no such function."""
    if tm is None:
        return None
    if "." not in name:
        return tm.function(name)
    cls_name, _, method = name.partition(".")
    cls = tm.cls(cls_name)
    m = cls.method(method) if cls is not None else None
    if cls is not None and m is None and method == "new":
        # `C.new(args)` is Python's `C(args)`: the constructor, checked by the object it builds
        init = cls.method("__init__")
        if init is None or not instance_class(cls):
            return None
        returns = T.class_type(tm.module, cls_name)
        return init.model_copy(update={"name": name, "kind": "function", "returns": returns})
    if cls is None or m is None or m.kind not in CHECKED_KINDS:
        return None
    if m.kind in NO_RECEIVER:
        return m.model_copy(update={"name": name})
    if not instance_class(cls):
        diags = list(m.diagnostics) or list(cls.diagnostics)
        if not diags:
            from portalis.model import Diagnostic

            diags = [Diagnostic(code="PTL112", message=f"instances of `{cls_name}` cannot be built from typed fields",
                                module=tm.module, function=name, line=cls.line)]
        return m.model_copy(update={"name": name, "diagnostics": diags})
    receiver = TypedParam(
        name=SELF, py_type=T.class_type(tm.module, cls_name), rust_type=cls_name,
        passing=Passing.MUT if m.mut_self else Passing.SHARED, mutated=m.mut_self,
    )
    return m.model_copy(update={"name": name, "params": [receiver, *m.params]})


def rust_callee(module_path: str, name: str, ident) -> str:
    """The Rust path a case calls: `m::f`, or `m::C::meth` for a method (the receiver is the
    first argument, as `&obj` or `&mut obj`)."""
    if "." in name:
        cls, _, method = name.partition(".")
        return f"{module_path}::{ident(cls)}::{ident(method)}"
    return f"{module_path}::{ident(name)}"


def plain_class_fields(type_maps: dict[str, ModuleTypeMap]) -> dict[str, list[str]]:
    """"module:Class" -> field names, for every translated plain class with typed fields: the
    Python side reads and compares their instances by these names (through properties)."""
    out: dict[str, list[str]] = {}
    for module, tm in type_maps.items():
        for cls in tm.classes:
            if not cls.is_dataclass and instance_class(cls):
                out[f"{module}:{cls.name}"] = compared_fields(cls)
    return out


def instantiated(sig: FunctionSignature, args: list) -> FunctionSignature:
    """A generic function's signature at the types one case's argument values have (its type
    parameters bound from the first argument that shows one: `[3, 1]` for a `list[T]` makes T
    int); a type parameter nothing shows (an empty list) is int. Non-generic: sig itself."""
    variables = set().union(*(T.typevars_in(p.py_type) for p in sig.params)) if sig.params else set()
    if not variables:
        return sig
    from portalis.analysis.docstrings import value_type

    binding: dict[str, PyType] = {}
    for p, value in zip(sig.params, args):
        try:
            seen = value_type(value)
        except Exception:  # noqa: BLE001 - an encoded value (a class instance) shows no type
            seen = None
        if seen is not None:
            _bind(p.py_type, seen, binding)
    for v in variables:
        binding.setdefault(v, T.INT)
    params = [p.model_copy(update={"py_type": T.substitute(p.py_type, binding)}) for p in sig.params]
    return sig.model_copy(update={"params": params, "returns": T.substitute(sig.returns, binding)})


def _bind(param: PyType, value: PyType, binding: dict[str, PyType]) -> None:
    if param.kind == "typevar" and param.name:
        if param.name not in binding and T.is_known(value):
            binding[param.name] = value
        return
    if param.kind == value.kind and len(param.args) == len(value.args):
        for a, b in zip(param.args, value.args):
            _bind(a, b, binding)

