"""Observed calls as evidence: the types the tracer (portalis/validate/trace.py) recorded while
the repository's tests and doctests ran, in the evidence pass's terms.

The tracer describes each value's type in JSON (`"int"`, `["list", [elements]]`, `["dict",
[keys], [values]]`, `["tuple", item, ...]`, `["set", [elements]]`, `["class", module,
qualname]`); `described_type` turns one description into a PyType, joining a container's
element types as Python would type the container (`[1, 2.5]`: list[float]) and giving up
(None) on ones no single type holds. Nothing here runs code or imports lowering.
"""

from __future__ import annotations

import re
from typing import Callable

from portalis.model import ObservedFunction, ObservedType, PyType, TypeOrigin
from portalis.regex_syntax import match_type, optional_groups
from portalis.types import pytypes as T

SCALARS = {"int": T.INT, "float": T.FLOAT, "bool": T.BOOL, "str": T.STR, "none": T.NONE}
# distinct observed types per parameter used as evidence (the most frequent first)
MAX_TYPES = 4

Merge = Callable[[PyType, PyType], "PyType | None"]


def described_type(desc: object, merge: Merge | None = None) -> PyType | None:
    """The PyType of a tracer description; None for one the translator has no type for."""
    join = merge or T.unify
    if isinstance(desc, str):
        return SCALARS.get(desc)
    if not isinstance(desc, list) or not desc:
        return None
    kind = desc[0]
    if kind in ("list", "set") and len(desc) == 2:
        e = _joined(desc[1], join)
        return None if e is None else PyType(kind=kind, args=(e,))
    if kind == "dict" and len(desc) == 3:
        k, v = _joined(desc[1], join), _joined(desc[2], join)
        if v is None and k is not None and k.kind == "str":
            v = _dynamic(desc[2], join)  # `{'stripnl': False, 'style': 'x'}`: options of any type
        return None if k is None or v is None else T.dict_of(k, v)
    if kind == "tuple":
        items = [described_type(d, join) for d in desc[1:]]
        return None if any(i is None for i in items) or not items else T.tuple_of(*items)  # type: ignore[arg-type]
    if kind == "class" and len(desc) == 3 and all(isinstance(x, str) for x in desc[1:]):
        library = T.library_type(desc[1], desc[2])
        return library if library is not None else T.class_type(desc[1], desc[2])
    if kind == "path" and len(desc) == 3 and all(isinstance(x, str) for x in desc[1:]):
        return T.path_type(desc[1], desc[2])  # a path class's value (portalis/path_types.py)
    if kind == "re_match" and len(desc) == 3 and isinstance(desc[1], str) and isinstance(desc[2], int):
        return _match_of(desc[1], desc[2])
    return None


def _match_of(pattern: str, flags: int) -> PyType:
    """A traced `re.Match`: its pattern's groups and names (Python's own count, whatever Rust can
    express of the pattern: the match itself is a value)."""
    try:
        compiled = re.compile(pattern, flags & ~re.DEBUG)
    except (re.error, ValueError, TypeError):
        return PyType(kind="re_match")
    names = tuple(sorted(compiled.groupindex.items(), key=lambda kv: kv[1]))
    return match_type(compiled.groups, names, optional_groups(pattern, flags & ~re.DEBUG))


def _joined(items: object, join: Merge) -> PyType | None:
    """One element type for a container's sampled elements (unknown for an empty one)."""
    if not isinstance(items, list):
        return None
    out: PyType = T.UNKNOWN
    for d in items:
        t = described_type(d, join)
        if t is None:
            return None
        if t.kind == "none":
            out = T.optional(out) if out.kind not in ("unknown", "optional") else out
            continue
        if out.kind == "unknown":
            out = t
            continue
        j = join(out, t)
        if j is None:
            return None
        out = j
    return out


def _dynamic(items: object, join: Merge) -> PyType | None:
    """A str-keyed dict's values of several types, each one a PyObj holds (pygments' options:
    bools, strs, ints, lists, None): the dynamic value `object` (analysis/keyword_dicts.py), so
    the dict is the `dict[str, object]` its readers take; None when one has no such type."""
    if not isinstance(items, list):
        return None
    types = [described_type(d, join) for d in items]
    return T.DYN if types and all(t is not None and T.fits_dyn(t) for t in types) else None


def origin(seen: ObservedType, total: int, what: str = "traced calls") -> TypeOrigin:
    """How an observed type is shown: `observed: 3 of 5 calls, first in tests/test_m.py::test_x`."""
    first = f", first in {seen.first}" if seen.first else ""
    return TypeOrigin(source="observed", detail=f"{seen.calls} of {total} {what}{first}")


def ranked(seen: list[ObservedType]) -> list[ObservedType]:
    """The types to use as evidence: the most frequent first, at most MAX_TYPES."""
    return sorted(seen, key=lambda s: -s.calls)[:MAX_TYPES]


def observed_return(fn: ObservedFunction | None, merge: Merge) -> tuple[PyType | None, list[TypeOrigin]]:
    """The return type the traced calls show (their types joined; None makes it Optional);
    None when they disagree or none was recorded."""
    if fn is None or not fn.returns:
        return None, []
    return _one_of(fn.returns, merge, "traced calls")


def observed_yields(fn: ObservedFunction | None, merge: Merge) -> tuple[PyType | None, list[TypeOrigin]]:
    """A generator's type from what its traced runs yielded: the list of their types joined
    (the eager translation collects the items, as `_yielded` types a generator from its
    `yield` expressions); None when they disagree or nothing was recorded."""
    if fn is None or not fn.yields:
        return None, []
    t, origins = _one_of(fn.yields, merge, "traced yields")
    return (None, []) if t is None else (T.list_of(t), origins)


def _one_of(seen: list[ObservedType], merge: Merge, what: str) -> tuple[PyType | None, list[TypeOrigin]]:
    total = sum(s.calls for s in seen)
    t: PyType = T.UNKNOWN
    origins: list[TypeOrigin] = []
    for s in ranked(seen):
        if s.type.kind == "none":
            t = T.optional(t) if t.kind not in ("optional",) else t
        elif t.kind == "unknown":
            t = s.type
        elif t.kind == "optional" and t.args[0].kind == "unknown":
            t = T.optional(s.type)
        else:
            j = merge(t, s.type)
            if j is None:
                return None, []
            t = j
        origins.append(origin(s, total, what))
    if t.kind == "unknown" or (t.kind == "optional" and t.args[0].kind == "unknown"):
        return None, []
    return t, origins
