"""Resolve annotation source text into the Python type IR."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import libcst as cst

from portalis.model import ImportInfo, PyType
from portalis.types import pytypes as T

_BUILTIN = {"int": T.INT, "float": T.FLOAT, "bool": T.BOOL, "str": T.STR, "None": T.NONE, "bytes": T.BYTES,
            "bytearray": T.BYTEARRAY}
_GENERIC = {
    "list": "list", "List": "list", "Sequence": "list", "MutableSequence": "list",
    # Read-only iterables: a list argument is what callers pass most (a Rust slice).
    "Iterable": "list", "Collection": "list", "Iterator": "list",
    "Generator": "list",  # Generator[Y, S, R]: what a generator function yields, collected
    "dict": "dict", "Dict": "dict", "Mapping": "dict", "MutableMapping": "dict", "DefaultDict": "dict", "OrderedDict": "dict",
    "set": "set", "Set": "set", "FrozenSet": "set", "frozenset": "set", "AbstractSet": "set",
    "tuple": "tuple", "Tuple": "tuple",
}
_TYPING_MODULES = {"typing", "collections.abc", "typing_extensions"}


# Builtin exception classes (the full hierarchy is in portalis/lower/exceptions.py).
_EXCEPTION_NAMES = frozenset(
    "BaseException Exception ArithmeticError ZeroDivisionError OverflowError AssertionError AttributeError "
    "LookupError IndexError KeyError NameError RuntimeError NotImplementedError RecursionError StopIteration "
    "TypeError ValueError UnicodeError OSError FileNotFoundError PermissionError TimeoutError EOFError "
    "ImportError ModuleNotFoundError".split()
)


# Names an annotation means without an import (builtins, typing's names as typing spells them):
# never taken for a star-imported name.
_NOT_STARRED = frozenset(_BUILTIN) | frozenset(_GENERIC) | _EXCEPTION_NAMES | frozenset(
    "Optional Union Any Callable Type TypeVar Generic Protocol Literal ClassVar Final object complex".split()
)


class AnnotationError(ValueError):
    """An annotation names a type the translator cannot map (yet)."""


@dataclass
class TypeScope:
    """What names mean in one module's annotations."""

    module: str
    local_classes: set[str] = field(default_factory=set)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # alias -> (module, name)
    exceptions: set[str] = field(default_factory=set)  # the module's own exception classes
    aliases: dict[str, PyType] = field(default_factory=dict)  # `Vector = List[float]`
    # Modules star-imported (`from .x import *`, typing's left out): a name found nowhere else
    # may come from one, so it is the module's own name, resolved across modules later
    # (portalis/names.py).
    stars: list[str] = field(default_factory=list)

    def add_aliases(self, assignments: list[tuple[str, str]]) -> None:
        """Module-level `Name = <type expression>` assignments become type aliases (in order:
        an alias may use earlier ones). Values that are not types are left alone."""
        for name, value in assignments:
            if not _may_be_type(value):
                continue
            try:
                node = cst.parse_expression(value)
            except cst.ParserSyntaxError:
                continue
            newtype = _newtype_base(node, name)
            if newtype is not None:
                # `NormalizedName = NewType("NormalizedName", str)`: at run time the value is the
                # base type's (NormalizedName(x) returns x), so the annotation means the base.
                try:
                    self.aliases[name] = _resolve(newtype, self)
                except AnnotationError:
                    pass
                continue
            if _is_typevar_call(node, name):
                # `T = TypeVar("T")` (no bound, no constraints): a type parameter of the generic
                # functions that use it; their bounds come from their bodies
                # (portalis/analysis/generics.py).
                self.aliases[name] = T.typevar(name)
                continue
            if not isinstance(node, (cst.Subscript, cst.Name, cst.Attribute, cst.BinaryOperation)):
                continue
            if isinstance(node, cst.Name) and node.value not in _BUILTIN and node.value not in self.aliases:
                continue
            try:
                self.aliases[name] = _resolve(node, self)
            except AnnotationError:
                continue

    @classmethod
    def build(cls, module: str, classes: list[str], imports: list[ImportInfo]) -> "TypeScope":
        scope = cls(module=module, local_classes=set(classes))
        for imp in imports:
            if imp.name == "*":
                if imp.module not in _TYPING_MODULES:
                    scope.stars.append(imp.module)
                continue
            if imp.name is None:
                scope.imports[imp.alias or imp.module.split(".")[0]] = (imp.module, None)
            else:
                scope.imports[imp.alias or imp.name] = (imp.module, imp.name)
        return scope


def _may_be_type(value: str) -> bool:
    """Whether `add_aliases` could take the module-level value `value` for a type, told by
    CPython's parser (in C, many times libcst's speed): most values are numbers, strings, dicts
    or calls, which libcst would parse only to be left alone. True where a type is possible
    (a subscript, a name -- `None`, `True` and `False` are names to libcst --, an attribute, a
    `|` union, a `NewType`/`TypeVar` call) and where CPython's parser refuses the text (libcst
    decides, as before)."""
    try:
        node = ast.parse(value, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True
    if isinstance(node, ast.Call):
        return "NewType" in value or "TypeVar" in value
    if isinstance(node, ast.Constant):
        return node.value is None or isinstance(node.value, bool)
    return isinstance(node, (ast.Subscript, ast.Name, ast.Attribute, ast.BinOp))


def _is_typevar_call(node: cst.BaseExpression, name: str) -> bool:
    """`TypeVar("name")` or `typing.TypeVar("name")` with no other argument."""
    if not isinstance(node, cst.Call) or len(node.args) != 1 or node.args[0].keyword is not None:
        return False
    f = node.func
    callee = f.value if isinstance(f, cst.Name) else f.attr.value if isinstance(f, cst.Attribute) else None
    arg = node.args[0].value
    return callee == "TypeVar" and isinstance(arg, cst.SimpleString) and arg.evaluated_value == name and name.isidentifier()


def _newtype_base(node: cst.BaseExpression, name: str) -> cst.BaseExpression | None:
    """The base type of `NewType("name", base)` (or `typing.NewType`), else None."""
    if not isinstance(node, cst.Call) or len(node.args) != 2 or any(a.keyword is not None for a in node.args):
        return None
    f = node.func
    callee = f.value if isinstance(f, cst.Name) else f.attr.value if isinstance(f, cst.Attribute) else None
    first = node.args[0].value
    if callee != "NewType" or not isinstance(first, cst.SimpleString) or first.evaluated_value != name:
        return None
    return node.args[1].value


def _literal(node: cst.Subscript) -> PyType:
    """`Literal["metadata", "lock_file"]`: the type its values share (str, int, bool); the
    values themselves are not checked at run time, by Python either."""
    kinds: set[str] = set()
    for s in node.slice:
        value = _slice_expr(s)
        if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
            kinds.add("str")
        elif isinstance(value, cst.Name) and value.value in ("True", "False"):
            kinds.add("bool")
        elif isinstance(value, cst.Integer) or (
            isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus) and isinstance(value.expression, cst.Integer)
        ):
            kinds.add("int")
        else:
            raise AnnotationError(f"unsupported annotation `{cst.Module(body=[]).code_for_node(node)}`")
    if len(kinds) != 1:
        raise AnnotationError("a Literal of values of several types is not supported yet")
    return PyType(kind=kinds.pop())


def resolve_annotation(text: str, scope: TypeScope) -> PyType:
    """`"list[Optional[int]]"` -> PyType; raises AnnotationError for what has no mapping."""
    try:
        node = cst.parse_expression(text)
    except cst.ParserSyntaxError as exc:
        raise AnnotationError(f"unparseable annotation {text!r}") from exc
    return _resolve(node, scope)


def _name_of(node: cst.BaseExpression, scope: TypeScope) -> tuple[str, str | None]:
    """(name, defining module or None for builtins/typing)."""
    if isinstance(node, cst.Name):
        if node.value in scope.local_classes:
            return node.value, scope.module
        if node.value in scope.imports:
            module, name = scope.imports[node.value]
            if module in _TYPING_MODULES:
                return name or node.value, None
            if name is not None:
                return name, module
        if scope.stars and node.value not in _NOT_STARRED:
            return node.value, scope.module  # maybe star-imported: resolved across modules
        return node.value, None
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
        base = node.value.value
        if base in scope.imports:
            module, name = scope.imports[base]
            target = f"{module}.{name}" if name else module
            if target in _TYPING_MODULES or module in _TYPING_MODULES:
                return node.attr.value, None
            return node.attr.value, target
        if base in ("typing", "t"):
            return node.attr.value, None
    raise AnnotationError(f"unsupported annotation `{cst.Module(body=[]).code_for_node(node)}`")


def _resolve(node: cst.BaseExpression, scope: TypeScope) -> PyType:
    if isinstance(node, cst.Name) and node.value in scope.aliases:
        return scope.aliases[node.value]
    if isinstance(node, cst.Name) and (node.value in scope.exceptions or (
        node.value in _EXCEPTION_NAMES and node.value not in scope.local_classes and node.value not in scope.imports
    )):
        return T.EXC  # a caught exception (`def describe(e: ValueError)`)
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        if isinstance(value, str):
            return resolve_annotation(value, scope)  # a forward reference
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return _union([_resolve(node.left, scope), _resolve(node.right, scope)])
    if isinstance(node, cst.Subscript):
        name, module = _name_of(node.value, scope)
        if module is None and name == "Callable":
            return _callable(node, scope)
        if module is None and name == "Literal":
            return _literal(node)
        args = [_resolve(_slice_expr(s), scope) for s in node.slice]
        if module is None and name in _GENERIC:
            kind = _GENERIC[name]
            if kind == "tuple":
                if len(args) == 2 and _is_ellipsis(node.slice[1]):
                    raise AnnotationError("variable-length tuple[T, ...] is not supported yet")
                return T.tuple_of(*args)
            expected = 2 if kind == "dict" else 1
            if name == "Generator":
                args = args[:1]
            if len(args) != expected:
                raise AnnotationError(f"{name} takes {expected} type argument(s)")
            return PyType(kind=kind, args=tuple(args))
        if module is None and name == "Optional":
            return T.optional(args[0])
        if module is None and name == "Union":
            return _union(args)
        if (module, name) in (("re", "Match"), (None, "Match")) and len(args) == 1 and args[0].kind == "str":
            return T.LIBRARY_TYPES[("re", "Match")]  # `re.Match[str]`, typing's `Match[str]`
        raise AnnotationError(f"unsupported generic type `{name}`")
    if isinstance(node, (cst.Name, cst.Attribute)):
        name, module = _name_of(node, scope)
        if module is None:
            if name in _BUILTIN:
                return _BUILTIN[name]
            if name == "Any":
                # A value of any type: the function's type parameter (one per function, as for an
                # unannotated value); its bounds come from the body, which is refused when it
                # uses the value in a way no trait expresses (portalis/analysis/generics.py).
                return T.typevar("T")
            if name in _GENERIC:
                raise AnnotationError(f"bare `{name}` needs type arguments (e.g. {name}[int])")
            if name == "Match":
                return T.LIBRARY_TYPES[("re", "Match")]  # typing's alias of re.Match
            raise AnnotationError(f"unsupported type `{name}`")
        library = T.library_type(module, name)
        return library if library is not None else T.class_type(module, name)
    raise AnnotationError(f"unsupported annotation `{cst.Module(body=[]).code_for_node(node)}`")


def _callable(node: cst.Subscript, scope: TypeScope) -> PyType:
    """`Callable[[A, B], R]` (a parameter list of types, not `...`)."""
    parts = [_slice_expr(s) for s in node.slice]
    if len(parts) != 2 or not isinstance(parts[0], cst.List):
        raise AnnotationError("Callable needs a list of parameter types and a result type")
    params = tuple(_resolve(e.value, scope) for e in parts[0].elements)
    return T.callable_of(params, _resolve(parts[1], scope))


def _slice_expr(s: cst.SubscriptElement) -> cst.BaseExpression:
    if isinstance(s.slice, cst.Index):
        return s.slice.value
    raise AnnotationError("slices are not type arguments")


def _is_ellipsis(s: cst.SubscriptElement) -> bool:
    return isinstance(s.slice, cst.Index) and isinstance(s.slice.value, cst.Ellipsis)


def _union(members: list[PyType]) -> PyType:
    """`A | B`, `Union[A, B]`: one member as itself, None making it Optional, int-or-float the
    runtime's PyNum, several members an enum with a variant each (portalis/types/unions.py)."""
    from portalis.types.unions import UnionError, union_of

    try:
        return union_of(members)
    except UnionError as exc:
        raise AnnotationError(str(exc)) from exc
