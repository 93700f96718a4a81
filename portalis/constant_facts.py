"""Module constants computed by an expression (`TOML_WS | frozenset("\\n")`, `re.compile(...)`):
which types a computed constant may have and its typed record. Neutral (imports neither the
analysis nor lowering): the type map types a computed constant from the analysis' evaluator
(or, in the older inference, from lowering its value in inference mode,
portalis/lower/constants.py), and lowering emits it as a `LazyLock` static.
"""

from __future__ import annotations

from portalis.model import ConstantInfo, PyType, TypedConstant
from portalis.types import pytypes as T
from portalis.types.annotations import AnnotationError, TypeScope, resolve_annotation
from portalis.types.rust_types import TypeMappingError, owned_type

LAZY = "std::sync::LazyLock"
_DATA = frozenset({"str", "list", "dict", "set", "tuple", "bytes"})
# a compiled pattern (its translation travels in its type) and a `datetime.timezone` (`UTC =
# timezone.utc`, `EST = timezone(timedelta(hours=-5), "EST")`)
_LIBRARY = frozenset({"re_pattern", "timezone"})
MAX_COMPUTED_SOURCE = 20_000  # characters of a value worth computing (bigger ones are data files in disguise)


def is_data(t: PyType) -> bool:
    """A type a computed static may hold: strings and containers of plain values."""
    if t.kind not in _DATA and t.kind not in ("int", "float", "bool", "optional", "path"):
        return False
    return T.is_known(t) and all(is_data(a) for a in t.args)


def typed_computed(c: ConstantInfo, ty: PyType | None, scope: TypeScope) -> TypedConstant | None:
    """The typed constant whose value's type is `ty` (a `LazyLock` static), or None when a
    static cannot hold it: not data (a str, a container of plain values) nor a compiled
    pattern (whose translation travels in its type) or a timezone, or it disagrees with the
    annotation."""
    from portalis.rust import ir
    from portalis.rust.printer import print_type

    if ty is None or not (ty.kind in _LIBRARY or (ty.kind in _DATA and is_data(ty))):
        return None
    if c.annotation:
        try:
            declared = resolve_annotation(c.annotation, scope)
        except AnnotationError:
            return None
        if T.unify(declared, ty) != declared:
            return None
        ty = declared
    try:
        owned = owned_type(ty)
    except TypeMappingError:
        return None
    return TypedConstant(name=c.name, py_type=ty, rust_type=print_type(ir.TPath(LAZY, (owned,))), value=c.value, line=c.line, lazy_static=True)


__all__ = ["LAZY", "MAX_COMPUTED_SOURCE", "is_data", "typed_computed"]
