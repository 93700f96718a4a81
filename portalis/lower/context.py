"""What lowering knows while it works: typed values, local variables, and the names a module sees."""

from __future__ import annotations

import sys

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from portalis.model import ClassSignature, FunctionSignature, ModuleTypeMap, PyType, TypedConstant
from portalis.rust import ir
from portalis.types import pytypes as T
from portalis.types.rust_types import module_path, rust_ident
from portalis.unsupported import Unsupported  # noqa: F401 - re-exported: lowering raises it everywhere

if TYPE_CHECKING:
    import libcst as cst

    from portalis.names import Names


@dataclass
class Facts:
    """What lowering reads about one function's types besides its signature.

    `locals`: the analysis' type of each local (FunctionFacts.locals, and the widened copies
    of parameters), plus the annotated declarations lowering meets. `returns`: the return of a
    function whose signature does not say it (a nested function: the analysis' when it types
    it, FunctionFacts.nested; else set by its first return). Lowering never widens either and
    lowers again: a use needing another type is refused (FunctionLowerer.refuse_wider)."""

    locals: dict[str, PyType] = field(default_factory=dict)
    returns: PyType | None = None


def joined_return(old: PyType | None, ty: PyType) -> PyType:
    """The return type once a function also returns `ty` (None: nothing returned yet)."""
    if old is not None and {old.kind, ty.kind} in ({"int", "float"}, {"num", "int"}, {"num", "float"}):
        # Returns an int on some paths and a float on others: Python keeps which.
        return T.NUM
    return ty if old is None else (T.unify(old, ty) or old)


class Mode(Enum):
    OWNED = "owned"  # a fresh value (call result, literal, format!): can be moved freely
    PLACE = "place"  # an owned variable, field or element: moving it needs a clone
    REF = "ref"  # a shared reference (&str, &[T], &T): owning it needs a conversion


@dataclass(frozen=True)
class Val:
    """A lowered expression with its Python type and how it holds its value."""

    expr: ir.Expr
    ty: PyType
    mode: Mode = Mode.OWNED
    func: FuncValue | None = None  # set for function values (ty.kind == "func")
    # `view`: the value's characters as a `Vec<char>` expression: a str local's char view (see
    # Local.view), or the same items as a list of one-character strs (`sorted(s)`). `char`:
    # a one-character str as a Rust char (`s[i]` read from a view), compared as such.
    view: ir.Expr | None = None
    char: ir.Expr | None = None


@dataclass
class Local:
    name: str  # Rust name
    ty: PyType
    mode: Mode
    mutable_ref: bool = False  # a &mut parameter
    # Optional narrowed to its value (after `is not None`): reads unwrap, writes wrap in Some.
    narrowed: bool = False
    param: bool = False  # a parameter (inference may refine its type)
    func: "FuncValue | None" = None  # a local bound to a function (lambda, nested def)
    block: int = 0  # id of the block that declared it (it goes out of scope with it)
    slice: bool = False  # a `&mut [T]` parameter
    # A str parameter indexed in a loop and never rebound: the Rust name of its characters,
    # collected once into a `Vec<char>` (O(1) `s[i]` and `len(s)` instead of a UTF-8 walk).
    view: str | None = None
    # A captured variable a nested function rebinds (`nonlocal n`): its parameter is a `&mut`
    # to the enclosing function's variable, read and written through it (`*n`).
    deref: bool = False

    def path(self) -> ir.Path:
        """The local as an expression: its name, or `*name` (ir.DerefPath) through a `&mut`."""
        return ir.DerefPath(self.name) if self.deref else ir.Path(self.name)


@dataclass(frozen=True)
class Elem:
    """What an iteration yields: its Python type and how it is held. Tuples whose items are
    held differently (an index and a borrowed element) give one Elem per item."""

    ty: PyType
    mode: Mode = Mode.OWNED
    items: tuple["Elem", ...] | None = None  # per-item modes of a tuple element


@dataclass(frozen=True)
class Iteration:
    """A Rust iterator expression for a Python iterable."""

    expr: ir.Expr
    elem: Elem


class FuncValue:
    """Something callable used as a value (a lambda, a function name, a builtin): lowering
    applies it to already-lowered arguments wherever it is called (key=, map, filter...)."""

    def apply(self, lw: object, args: list["Val"]) -> "Val":
        raise NotImplementedError

    def describe(self) -> str:
        return "function"


@dataclass
class Callable:
    """A function another piece of code can call, with the path to call it by."""

    path: str
    sig: FunctionSignature
    key: str = ""  # "module:name": the item a call of it reaches (RustItem.calls)


def item_key(module: str, name: str) -> str:
    """`module:name` (`name` a function, `Class.method` or `Class.new`): how RustItem.calls
    names an item of the crate (portalis/stub_callers.py reads them)."""
    return f"{module}:{name}"


@dataclass
class ClassRef:
    path: str
    module: str
    sig: ClassSignature


@dataclass
class ConstRef:
    path: str
    const: TypedConstant


def class_static_path(class_path: str, name: str) -> str:
    """Where a class attribute holding a container lives: a `static` next to the struct (Rust
    has no associated statics), `PyLexer__aliases` for `PyLexer.aliases`."""
    prefix, _, cls = class_path.rpartition("::")
    item = rust_ident(f"{cls.removeprefix('r#')}__{name}")
    return f"{prefix}::{item}" if prefix else item


@dataclass
class ModuleEnv:
    """Names visible at module level: own functions, classes, constants, and imports."""

    module: str
    own: ModuleTypeMap
    interfaces: dict[str, ModuleTypeMap]
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # alias -> (module, name)
    runtime: set[str] = field(default_factory=set)
    # Exception classes known here (builtins, the module's own and imported ones): name -> base class.
    exceptions: dict[str, str | None] = field(default_factory=dict)
    # Names across modules (imports, star imports, re-exports): portalis/names.py. None in the
    # type-map stage, which reads the module alone.
    names: "Names | None" = None
    # The namespace of another module seen from this one: a method a class inherits from a base
    # of that module is lowered in it (its names are the base module's), with every item of
    # that module named by its full path (portalis/inheritance.py).
    absolute: bool = False
    # Methods a class inherits from a base of another module that could not be lowered for it
    # ("module:Class.m" -> why): a call of one is refused (PTL190) rather than reaching its stub.
    unavailable: dict[str, str] = field(default_factory=dict)

    def check_available(self, t: PyType, name: str, node: "cst.CSTNode | None" = None) -> None:
        """Raise PTL190 when `name` of class type `t` is an inherited method left a stub."""
        why = self.unavailable.get(f"{t.module}:{t.name}.{name}") if self.unavailable else None
        if why is not None:
            raise Unsupported("PTL190", f"`{t.name}.{name}` is inherited and not translated for `{t.name}` ({why})", node)

    def why_unresolved(self, name: str, attr: str | None = None) -> str | None:
        """Why `name` (or `name.attr`, name an imported module) has no Rust item, where that is
        known: a module constant left out (PTL145's reason), a name of a module outside the
        repository (the standard library's `argparse.ArgumentParser`), a name another module
        of the repository does not translate. None: nothing more than "cannot be resolved"."""
        if attr is None and name not in self.imports:
            why = _left_out(self.own, name)
            return f"module constant `{name}` is not translated: {why}" if why else None
        if name not in self.imports:
            return None
        module, member = self.imports[name]
        shown = ".".join(p for p in (module, member, attr) if p)
        if member is not None and attr is not None:
            return None  # an attribute of an imported value: its type decides
        if self.interface(module) is None:
            top = module.split(".")[0]
            where = "a standard-library name" if top in sys.stdlib_module_names else f"`{module}` is outside the repository"
            return f"`{shown}` has no Rust translation ({where})"
        why = _left_out(self.interface(module), member or attr or "")
        return f"`{shown}` is not translated in its module" + (f": {why}" if why else "")

    def interface(self, module: str) -> ModuleTypeMap | None:
        if module == self.module:
            return self.own
        return self.interfaces.get(module)

    def lookup(self, name: str) -> Callable | ClassRef | ConstRef | str | None:
        """A bare name: a function, a class, a constant, or (str) an imported module."""
        found = self._member(self.module, name, local=True)
        if found is not None:
            return found
        resolved = self._resolved(self.module, name)
        if resolved is not None:
            return resolved
        if name in self.imports:
            module, member = self.imports[name]
            if member is None:
                return module
            if f"{module}.{member}" in self.interfaces:
                return f"{module}.{member}"  # `from pkg import submodule`
            return self._member(module, member)
        return None

    def lookup_attr(self, module: str, name: str) -> Callable | ClassRef | ConstRef | str | None:
        """`mod.name` where mod is an imported module."""
        if f"{module}.{name}" in self.interfaces:
            return f"{module}.{name}"
        return self._resolved(module, name) or self._member(module, name)

    def _resolved(self, module: str, name: str) -> Callable | ClassRef | ConstRef | str | None:
        """`name` in `module`'s namespace through imports, star imports and re-exports, where
        it is defined in the repository (None: not found, or outside the repository)."""
        if self.names is None:
            return None
        target = self.names.resolve(module, name)
        if target is None:
            return None
        if target.kind == "module":
            return target.module
        if target.kind in ("function", "class", "constant"):
            return self._member(target.module, target.name, local=target.module == self.module)
        return None

    def _member(self, module: str, name: str, local: bool = False) -> Callable | ClassRef | ConstRef | None:
        tm = self.interface(module)
        if tm is None:
            return None
        prefix = "" if local and not self.absolute else f"{module_path(module)}::"
        fn = tm.function(name)
        if fn is not None:
            return Callable(path=prefix + rust_ident(name), sig=fn, key=item_key(module, name))
        cls = tm.cls(name)
        if cls is not None:
            return ClassRef(path=prefix + name, module=module, sig=cls)
        const = next((c for c in tm.constants if c.name == name), None)
        if const is not None:
            return ConstRef(path=prefix + rust_ident(name), const=const)
        return None

    def class_sig(self, t: PyType) -> ClassSignature | None:
        if t.kind != "class" or t.module is None or t.name is None:
            return None
        tm = self.interface(t.module)
        return tm.cls(t.name) if tm else None

    def class_path(self, t: PyType) -> str:
        assert t.module and t.name
        return rust_ident(t.name) if t.module == self.module and not self.absolute else f"{module_path(t.module)}::{rust_ident(t.name)}"


def _left_out(tm: ModuleTypeMap | None, name: str) -> str | None:
    """Why the type map left module constant `name` out (its PTL145 or PTL163), or None."""
    for d in (tm.diagnostics if tm is not None else []):
        if d.function == name and d.code in ("PTL145", "PTL163"):
            return d.message.split(": ", 1)[-1] if d.message.startswith("constant `") else d.message
    return None


def elem_type(t: PyType) -> PyType:
    """What iterating over a value of type t yields."""
    if t.kind in ("list", "set"):
        return t.args[0]
    if t.kind == "dict":
        return t.args[0]
    if t.kind == "str":
        return T.STR
    raise Unsupported("PTL113", f"cannot iterate over a value of type {t}")
