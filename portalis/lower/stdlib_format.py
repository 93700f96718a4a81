"""Python's format-spec mini-language (`format(x, spec)`, f-strings, `str.format`, `%`).

A literal spec is parsed and checked here, at translation time, with Python's rules for the
value's type: a spec Python rejects (ValueError) is a diagnostic (PTL113), never a different text.
What Rust's own `format!` writes exactly as Python does stays a `format!` piece (`{:>8}` of an
int, `{:<10.3}` of a str); everything else (every float spec: Rust writes `NaN` and `1` where
Python writes `nan` and `1.0`; grouping; `b o x` with `#`; `=` alignment; `%`, `e`, `g`)
is a call to the runtime's implementation of the mini-language (`pyrt::format_int`,
`format_float`, `format_str`, helper `py_format`), which takes the spec as Python wrote it.
A spec computed at run time (`f"{x:>{w}}"`) is built as a string and goes to the same helpers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from portalis.lower.context import Unsupported, Val
from portalis.lower.values import coerce, read, str_view
from portalis.rust import ir
from portalis.types import pytypes as T

if TYPE_CHECKING:
    import libcst as cst

    from portalis.lower.function import FunctionLowerer

_SPEC = re.compile(
    r"(?:(?P<fill>.)?(?P<align>[<>=^]))?(?P<sign>[-+ ])?(?P<z>z)?(?P<alt>\#)?(?P<zero>0)?(?P<width>\d+)?"
    r"(?P<group>[,_])?(?:\.(?P<prec>\d+))?(?P<kind>.)?",
    re.S,
)
INT_KINDS = "bcdoxXn"
FLOAT_KINDS = "eEfFgGn%"


@dataclass(frozen=True)
class Spec:
    """A parsed format spec (fields as Python's parser reads them)."""

    fill: str | None
    align: str | None
    sign: str | None
    z: bool
    alt: bool
    zero: bool
    width: int | None
    group: str | None
    prec: int | None
    kind: str | None


def _invalid(text: str, why: str, node: cst.CSTNode | None) -> Unsupported:
    return Unsupported("PTL113", f"format spec `{text}`: {why} (ValueError in Python)", node)


def parse_spec(text: str, node: cst.CSTNode | None = None) -> Spec:
    """Parse a literal spec; what Python's parser rejects is PTL113."""
    m = _SPEC.fullmatch(text)
    if m is None:
        raise _invalid(text, "invalid format specifier", node)
    g = m.groupdict()
    zero = bool(g["zero"])
    width = g["width"]
    if zero and g["fill"] is not None:
        width = "0" + (width or "")  # after an explicit fill the 0 is part of the width
        zero = False
    return Spec(g["fill"], g["align"], g["sign"], bool(g["z"]), bool(g["alt"]), zero,
                int(width) if width else None, g["group"], int(g["prec"]) if g["prec"] is not None else None, g["kind"])


def value_kind(v: Val, spec: Spec | None, text: str, node: cst.CSTNode | None) -> str:
    """`int`, `float` or `str`: the format Python applies to a value of v's type (a bool with a
    non-empty spec is formatted as an int, as Python's bool.__format__ does)."""
    k = v.ty.kind
    if k in ("int", "float", "str"):
        return k
    if k == "bool":
        return "int"
    if k in ("list", "tuple", "dict", "set", "none", "optional"):
        raise Unsupported("PTL113", f"format spec `{text}` on {v.ty}: unsupported format string passed to {k}.__format__ (TypeError in Python)", node)
    raise Unsupported("PTL130", f"format spec `{text}` on {v.ty} is not supported yet", node)


def check(spec: Spec, text: str, kind: str, node: cst.CSTNode | None = None) -> None:
    """Python's ValueErrors for a spec applied to an int, float or str, as PTL113."""
    t = spec.kind
    if kind == "str":
        if t not in (None, "s"):
            raise _invalid(text, f"unknown format code '{t}' for object of type 'str'", node)
        for bad, why in ((spec.sign, "sign not allowed in string format specifier"), (spec.alt, "alternate form (#) not allowed"),
                         (spec.z, "negative zero coercion (z) not allowed"), (spec.group, f"cannot specify '{spec.group}' with 's'"),
                         (spec.align == "=", "'=' alignment not allowed in string format specifier")):
            if bad:
                raise _invalid(text, why, node)
        return
    if kind == "int" and t is not None and t in INT_KINDS:
        if spec.prec is not None:
            raise _invalid(text, "precision not allowed in integer format specifier", node)
        if spec.z:
            raise _invalid(text, "negative zero coercion (z) not allowed in integer format specifier", node)
        if spec.group and (t in "nc" or (spec.group == "," and t != "d")):
            raise _invalid(text, f"cannot specify '{spec.group}' with '{t}'", node)
        if t == "c" and (spec.sign or spec.alt):
            raise _invalid(text, "sign or alternate form not allowed with integer format specifier 'c'", node)
        return
    if kind == "int" and t is None:
        if spec.prec is not None:
            raise _invalid(text, "precision not allowed in integer format specifier", node)
        if spec.z:
            raise _invalid(text, "negative zero coercion (z) not allowed in integer format specifier", node)
        return
    if t is not None and t not in FLOAT_KINDS:
        raise _invalid(text, f"unknown format code '{t}' for object of type '{kind}'", node)
    if t == "n" and spec.group:
        raise _invalid(text, f"cannot specify '{spec.group}' with 'n'", node)


def _rust_piece(spec: Spec, kind: str) -> str | None:
    """The `format!` piece that writes exactly Python's text, or None (the runtime does it)."""
    if spec.fill is not None and spec.fill in "{}":
        return None
    fill_align = (spec.fill or "") + (spec.align or "")
    width = str(spec.width) if spec.width is not None else ""
    if kind == "str":
        if spec.zero:
            return None
        prec = f".{spec.prec}" if spec.prec is not None else ""
        return "{:" + fill_align + width + prec + "}" if fill_align or width or prec else "{}"
    if kind == "int":
        if spec.kind not in (None, "d", "n") or spec.group or spec.sign == " " or spec.align == "=":
            return None
        if spec.zero and spec.align is not None:
            return None  # `<05`: Python fills with zeros on the right, Rust's 0 flag ignores the alignment
        sign = "+" if spec.sign == "+" else ""
        piece = fill_align + sign + ("0" if spec.zero else "") + width
        return "{:" + piece + "}" if piece else "{}"
    return None  # floats: Rust's `NaN`, `1`, `1e16` differ from Python's `nan`, `1.0`, `1e+16`


def lower_spec(lw: FunctionLowerer, text: str, v: Val, node: cst.CSTNode | None) -> tuple[str, ir.Expr]:
    """A literal spec applied to v: (the `format!` piece, its argument)."""
    spec = parse_spec(text, node)
    if not text:
        return "{}", read(v) if v.ty.kind in ("str", "int") else lw.to_str(v)
    kind = value_kind(v, spec, text, node)
    check(spec, text, kind, node)
    if v.ty.kind == "bool":
        v = coerce(v, T.INT)
    piece = _rust_piece(spec, kind)
    if piece is not None:
        return piece, read(v)
    return "{}", runtime_call(lw, kind, v, ir.StrLit(text))


def runtime_call(lw: FunctionLowerer, kind: str, v: Val, spec: ir.Expr) -> ir.Expr:
    """`pyrt::format_int(v, spec)` (or float, str)."""
    lw.use_runtime("py_format")
    arg = str_view(v) if kind == "str" else read(coerce(v, T.INT) if v.ty.kind == "bool" else v)
    return ir.Call(ir.Path(f"crate::pyrt::format_{kind}"), (arg, spec))


def lower_dynamic_spec(lw: FunctionLowerer, pieces: list[str | Val], v: Val, node: cst.CSTNode | None) -> tuple[str, ir.Expr]:
    """A spec with nested fields (`{x:>{width}.{prec}f}`): the spec text is built at run time
    from the fields' str() and given to the runtime, which raises Python's ValueError for a spec
    Python rejects."""
    if v.ty.kind == "bool":
        v = coerce(v, T.INT)
    kind = value_kind(v, None, "{...}", node)
    if len(pieces) == 1 and isinstance(pieces[0], Val) and pieces[0].ty.kind == "str":
        return "{}", runtime_call(lw, kind, v, str_view(pieces[0]))  # `format(x, spec)`
    fmt: list[str] = []
    args: list[ir.Expr] = []
    for p in pieces:
        if isinstance(p, str):
            fmt.append(p.replace("{", "{{").replace("}", "}}"))
        else:
            if p.ty.kind not in ("int", "str"):
                raise Unsupported("PTL130", f"a nested format field of type {p.ty} is not supported yet", node)
            fmt.append("{}")
            args.append(read(p))
    spec = ir.Ref(ir.Macro("format", tuple(args), fmt="".join(fmt)))
    return "{}", runtime_call(lw, kind, v, spec)
