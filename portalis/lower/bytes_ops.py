"""Lowering bytes and bytearray: `Vec<u8>` owned, `&[u8]` borrowed.

Python's bytes is a sequence of ints 0..=255; a bytearray is the same sequence, mutable. Both
are `Vec<u8>` in the Rust (`PyType(kind="bytes")`, a bytearray carries `name="bytearray"` so
repr and isinstance can tell them apart). Indexing and iteration give ints (`i64`), slicing
and the methods give new bytes, and every place where Python raises (a byte value outside
0..=255, an undecodable sequence, base64 padding) calls a pyrt helper that raises the same
exception with Python's message. Rust text is built as IR only (portalis/rust/printer.py prints
it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from portalis.lower.context import Mode, Unsupported, Val
from portalis.lower.values import coerce, helper_call as _helper, owned, read, str_view
from portalis.model import PyType
from portalis.rust import ir
from portalis.types import pytypes as T

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

Rule = Callable[["FunctionLowerer", Val, list[Val], dict[str, Val]], Val]


# Helpers that raise a Python exception: inside `try` (or a function returning Result) their
# `try_` form, so `except ValueError:` / `except binascii.Error:` catches (lw.checked).
RAISING = frozenset({"bytes_zeros", "bytes_from_ints", "bytes_contains_int", "bytes_index_of", "bytes_fromhex",
                     "bytes_maketrans", "b64decode", "b16decode", "unhexlify", "b32decode", "str_encode_ascii",
                     "byte_value"})


def _raising(lw: "FunctionLowerer", name: str, args: tuple[ir.Expr, ...], ty: PyType, mode: Mode = Mode.OWNED) -> Val:
    """A call of a raising runtime helper (RAISING), its `try_` form where the error is caught."""
    assert name in RAISING, name
    return Val(lw.checked(name, args), ty, mode)


def bytes_literal(value: bytes) -> Val:
    """`b"..."`: a borrowed `&[u8]` (`b"..".as_slice()`), owned with `.to_vec()` where needed."""
    return Val(ir.MethodCall(ir.BytesLit(value), "as_slice"), T.BYTES, Mode.REF)


def bytes_view(v: Val) -> ir.Expr:
    """A bytes value as `&[u8]` (or an expression that derefs to it: `x.as_slice()`)."""
    if v.mode is Mode.REF:
        return v.expr
    return ir.MethodCall(v.expr, "as_slice")


def _want_bytes(name: str, v: Val) -> ir.Expr:
    if v.ty.kind != "bytes":
        raise Unsupported("PTL250", f"{name} with a {v.ty} argument (a bytes-like object is required)")
    return bytes_view(v)


def _arity(name: str, args: list[Val], *counts: int) -> None:
    if len(args) not in counts:
        raise Unsupported("PTL251", f"bytes .{name}() with {len(args)} argument(s) is not supported yet")


def _literal_str(v: Val | None, default: str, what: str) -> str:
    """An encoding or errors argument: a literal str (the helper needs to know it)."""
    if v is None:
        return default
    if isinstance(v.expr, ir.StrLit):
        return v.expr.value
    raise Unsupported("PTL252", f"{what} must be a literal string")


_ENCODINGS = {"utf-8", "utf8", "u8", "ascii", "us-ascii", "latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1"}


def _encoding(args: list[Val], kwargs: dict[str, Val]) -> str:
    enc = _literal_str(args[0] if args else kwargs.get("encoding"), "utf-8", "the encoding")
    errors = _literal_str(args[1] if len(args) > 1 else kwargs.get("errors"), "strict", "errors")
    if enc.lower().replace("_", "-") not in _ENCODINGS:
        raise Unsupported("PTL252", f"encoding {enc!r} is not supported (utf-8, ascii and latin-1 are)")
    if errors != "strict":
        raise Unsupported("PTL252", f"errors={errors!r} is not supported (only 'strict')")
    return enc


# ---------------------------------------------------------------- operators


def bytes_index(lw: "FunctionLowerer", recv: Val, key: Val) -> Val:
    """`b[i]`: the byte as an int (IndexError out of range, negative i from the end)."""
    view = bytes_view(recv)
    if recv.mode is Mode.OWNED:
        return _helper(lw, "bytes_item", (ir.Ref(recv.expr), lw.list_key(key)), T.INT)
    pos = lw.checked("index", (lw.list_key(key), ir.MethodCall(view, "len")))
    return Val(ir.Call(ir.Path("i64::from"), (ir.Index(recv.expr, pos),)), T.INT)


def bytes_slice(lw: "FunctionLowerer", recv: Val, bounds: tuple[ir.Expr, ir.Expr, ir.Expr]) -> Val:
    """`b[i:j:k]`: new bytes (a bytearray's slice is a bytearray)."""
    return _helper(lw, "list_slice", (bytes_view(recv), *bounds), recv.ty)


def bytes_iteration(lw: "FunctionLowerer", v: Val) -> ir.Expr:
    """`for x in b`: the bytes as ints."""
    x = lw.temp("b")
    return ir.MethodCall(ir.MethodCall(bytes_view(v), "iter"), "map", (
        ir.Closure((ir.PRef(ir.PBind(x)),), ir.Call(ir.Path("i64::from"), (ir.Path(x),))),))


def bytes_concat(a: Val, b: Val) -> Val:
    """`a + b`: a new bytes (bytearray when the left operand is one, as Python)."""
    return Val(ir.MethodCall(ir.ArrayLit((bytes_view(a), bytes_view(b))), "concat"), a.ty)


def bytes_repeat(lw: "FunctionLowerer", seq: Val, n: Val) -> Val:
    n = coerce(n, T.INT)
    count: ir.Expr = ir.IntLit(max(n.expr.value, 0)) if isinstance(n.expr, ir.IntLit) else ir.Cast(
        ir.MethodCall(lw.receiver(n), "max", (ir.IntLit(0),)), ir.USIZE)
    return Val(ir.MethodCall(bytes_view(seq), "repeat", (count,)), seq.ty)


def bytes_contains(lw: "FunctionLowerer", container: Val, item: Val) -> ir.Expr:
    """`x in b`: an int is one byte (ValueError outside 0..=255), bytes a subsequence."""
    if item.ty.kind in ("int", "bool"):
        return _raising(lw, "bytes_contains_int", (bytes_view(container), read(coerce(item, T.INT))), T.BOOL).expr
    if item.ty.kind == "bytes":
        return _helper(lw, "bytes_contains", (bytes_view(container), bytes_view(item)), T.BOOL).expr
    raise Unsupported("PTL250", f"`in` on bytes with a {item.ty} operand (a bytes-like object is required)")


def bytes_repr(lw: "FunctionLowerer", v: Val) -> ir.Expr:
    """`repr(b)` and `str(b)`: `b'...'` (`bytearray(b'...')`), as Python prints them."""
    helper = "bytearray_repr" if v.ty.name == "bytearray" else "bytes_repr"
    return _helper(lw, helper, (bytes_view(v),), T.STR).expr


# ---------------------------------------------------------------- constructors


def bytes_constructor(lw: "FunctionLowerer", name: str, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`bytes()`, `bytes(n)`, `bytes([ints])`, `bytes(b)`, `bytes(s, encoding)`, and the same
    for bytearray."""
    ty = T.BYTEARRAY if name == "bytearray" else T.BYTES
    if not args and not kwargs:
        return Val(ir.Call(ir.Path("Vec::new")), ty)
    if not args:
        raise Unsupported("PTL251", f"{name}() with only keyword arguments is not supported")
    v = args[0]
    if v.ty.kind == "str":
        enc = _encoding(args[1:], kwargs)
        return Val(lw.checked("str_encode", (str_view(v), ir.StrLit(enc))), ty)
    if len(args) > 1 or kwargs:
        raise Unsupported("PTL251", f"{name}() with an encoding needs a str argument")
    if v.ty.kind in ("int", "bool"):
        return _raising(lw, "bytes_zeros", (read(coerce(v, T.INT)),), ty)
    if v.ty.kind == "bytes":
        return Val(owned(Val(bytes_view(v), ty, Mode.REF)), ty)
    if v.ty.kind == "list" and v.ty.args and v.ty.args[0].kind in ("int", "bool", "unknown"):
        items = coerce(v, T.list_of(T.INT))
        view = items.expr if items.mode is Mode.REF else ir.Ref(items.expr)
        return _raising(lw, "bytes_from_ints", (view,), ty)
    if v.ty.kind in ("iter", "tuple", "set") or v.ty.kind == "list":
        it = lw.owned_items(lw.iterate_val(v))
        if it.elem.ty.kind not in ("int", "bool"):
            raise Unsupported("PTL250", f"{name}() of an iterable of {it.elem.ty} (ints are required)")
        lw.use_runtime("byte_value")  # inside a closure: a panic (no `?` to the try there)
        x = lw.temp("x")
        conv = ir.Closure((ir.PBind(x),), ir.Call(ir.Path("crate::pyrt::byte_value"), (read(coerce(Val(ir.Path(x), it.elem.ty), T.INT)),)))
        mapped = ir.MethodCall(it.expr, "map", (conv,))
        return Val(ir.MethodCall(mapped, "collect", turbofish=(ir.TPath("Vec", (ir.TPath("u8"),)),)), ty)
    raise Unsupported("PTL250", f"{name}() of {v.ty}")


# ---------------------------------------------------------------- methods


def _decode(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("decode", args, 0, 1, 2)
    enc = _encoding(args, kwargs)
    # inside try/except (or a function returning Result) its `try_` form: UnicodeDecodeError
    # can be caught
    return Val(lw.checked("bytes_decode", (bytes_view(recv), ir.StrLit(enc))), T.STR)


def _hex(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("hex", args, 0)
    return _helper(lw, "bytes_hex", (bytes_view(recv),), T.STR)


def _join(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("join", args, 1)
    parts = args[0]
    if parts.ty.kind == "list" and parts.ty.args and parts.ty.args[0].kind == "bytes":
        view = parts.expr if parts.mode is Mode.REF else ir.Ref(parts.expr)
        return _helper(lw, "bytes_join", (bytes_view(recv), view), recv.ty)
    it = lw.owned_items(lw.iterate_val(parts))
    if it.elem.ty.kind != "bytes":
        raise Unsupported("PTL250", f"bytes.join() of {it.elem.ty} items (bytes are required)")
    items = ir.MethodCall(it.expr, "collect", turbofish=(ir.TPath("Vec", (ir.TPath("Vec", (ir.TPath("u8"),)),)),))
    return _helper(lw, "bytes_join", (bytes_view(recv), ir.Ref(items)), recv.ty)


def _opt_bytes(name: str, args: list[Val]) -> ir.Expr:
    if not args or args[0].ty.kind == "none":
        return ir.Path("None")
    return ir.Call(ir.Path("Some"), (_want_bytes(name, args[0]),))


def _split(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("split", args, 0, 1)
    if kwargs:
        raise Unsupported("PTL251", "bytes.split() with keyword arguments is not supported yet")
    return _helper(lw, "bytes_split", (bytes_view(recv), _opt_bytes("split", args)), T.list_of(recv.ty))


def _strip(left: bool, right: bool) -> Rule:
    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity("strip", args, 0, 1)
        return _helper(lw, "bytes_strip", (bytes_view(recv), _opt_bytes("strip", args), ir.BoolLit(left), ir.BoolLit(right)), recv.ty)

    return rule


def _affix(rust: str) -> Rule:
    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(rust, args, 1)
        (arg,) = args
        if arg.ty.kind == "tuple" and all(a.kind == "bytes" for a in arg.ty.args):
            tests = [ir.MethodCall(bytes_view(recv), rust, (bytes_view(Val(ir.Field(arg.expr, str(i)), a, Mode.PLACE)),))
                     for i, a in enumerate(arg.ty.args)]
            if not tests:
                return Val(ir.BoolLit(False), T.BOOL)
            out = tests[0]
            for t in tests[1:]:
                out = ir.Binary("||", out, t)
            return Val(out, T.BOOL)
        return Val(ir.MethodCall(bytes_view(recv), rust, (_want_bytes(rust, arg),)), T.BOOL)

    return rule


def _two_bytes(helper: str, ty: PyType | None = None) -> Rule:
    """A pyrt helper over the receiver and bytes arguments."""

    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
        want = 2 if helper == "bytes_replace" else 1
        _arity(helper, args, want)
        return _helper(lw, helper, (bytes_view(recv), *(_want_bytes(helper, a) for a in args)), ty or recv.ty)

    return rule


def _call(lw: "FunctionLowerer", helper: str, args: tuple[ir.Expr, ...], ty: PyType) -> Val:
    return _raising(lw, helper, args, ty) if helper in RAISING else _helper(lw, helper, args, ty)


def _find_int_aware(helper: str) -> Rule:
    """find/index/count take bytes (or one int byte value)."""

    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(helper, args, 1)
        (arg,) = args
        if arg.ty.kind in ("int", "bool"):
            one = ir.ArrayLit((lw.checked("byte_value", (read(coerce(arg, T.INT)),)),))
            return _call(lw, helper, (bytes_view(recv), ir.Ref(one)), T.INT)
        return _call(lw, helper, (bytes_view(recv), _want_bytes(helper, arg)), T.INT)

    return rule


def _case(rust: str) -> Rule:
    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(rust, args, 0)
        return Val(ir.MethodCall(bytes_view(recv), rust), recv.ty)

    return rule


def _predicate(rust: str) -> Rule:
    """isdigit & co.: not empty and every byte passes (ASCII only, as Python's bytes methods)."""

    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity(rust, args, 0)
        return _helper(lw, "bytes_is", (bytes_view(recv), ir.Path(f"u8::{rust}")), T.BOOL)

    return rule


def _case_predicate(upper: bool) -> Rule:
    """isupper/islower: at least one cased byte and none of the other case."""

    def rule(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
        _arity("isupper", args, 0)
        c = lw.temp("c")
        view = bytes_view(recv)
        yes, no = ("is_ascii_uppercase", "is_ascii_lowercase") if upper else ("is_ascii_lowercase", "is_ascii_uppercase")
        some = ir.MethodCall(ir.MethodCall(view, "iter"), "any", (ir.Closure((ir.PBind(c),), ir.MethodCall(ir.Path(c), yes)),))
        none = ir.MethodCall(ir.MethodCall(view, "iter"), "any", (ir.Closure((ir.PBind(c),), ir.MethodCall(ir.Path(c), no)),))
        return Val(ir.Binary("&&", some, ir.Unary("!", none)), T.BOOL)

    return rule


def _mutable(lw: "FunctionLowerer", recv: Val, name: str) -> ir.Expr:
    if recv.ty.name != "bytearray":
        raise Unsupported("PTL250", f"`.{name}()` changes a bytearray; bytes are immutable")
    return lw.mutable(recv)


def _append(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("append", args, 1)
    target = _mutable(lw, recv, "append")
    return Val(ir.MethodCall(target, "push", (lw.checked("byte_value", (read(coerce(args[0], T.INT)),)),)), T.NONE)


def _extend(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("extend", args, 1)
    target = _mutable(lw, recv, "extend")
    (arg,) = args
    if arg.ty.kind == "bytes":
        return Val(ir.MethodCall(target, "extend_from_slice", (bytes_view(arg),)), T.NONE)
    made = bytes_constructor(lw, "bytes", [arg], {})
    return Val(ir.MethodCall(target, "extend", (made.expr,)), T.NONE)


def _copy(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("copy", args, 0)
    return Val(owned(Val(bytes_view(recv), recv.ty, Mode.REF)), recv.ty)


def _clear(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("clear", args, 0)
    return Val(ir.MethodCall(_mutable(lw, recv, "clear"), "clear"), T.NONE)


BYTES_METHODS: dict[str, Rule] = {
    "decode": _decode,
    "hex": _hex,
    "join": _join,
    "split": _split,
    "strip": _strip(True, True),
    "lstrip": _strip(True, False),
    "rstrip": _strip(False, True),
    "startswith": _affix("starts_with"),
    "endswith": _affix("ends_with"),
    "find": _find_int_aware("bytes_find"),
    "rfind": _find_int_aware("bytes_rfind"),
    "index": _find_int_aware("bytes_index_of"),
    "count": _find_int_aware("bytes_count"),
    "replace": _two_bytes("bytes_replace"),
    "upper": _case("to_ascii_uppercase"),
    "lower": _case("to_ascii_lowercase"),
    "isdigit": _predicate("is_ascii_digit"),
    "isalpha": _predicate("is_ascii_alphabetic"),
    "isalnum": _predicate("is_ascii_alphanumeric"),
    "isspace": _predicate("is_ascii_whitespace"),
    "isupper": _case_predicate(True),
    "islower": _case_predicate(False),
    "append": _append,
    "extend": _extend,
    "copy": _copy,
    "clear": _clear,
}


def str_encode(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`s.encode(encoding="utf-8")`: bytes (utf-8, ascii, latin-1; errors="strict")."""
    _arity("encode", args, 0, 1, 2)
    enc = _encoding(args, kwargs)
    if enc.lower().replace("_", "-") in ("utf-8", "utf8", "u8"):
        return Val(ir.MethodCall(ir.MethodCall(str_view(recv), "as_bytes"), "to_vec"), T.BYTES)
    return Val(lw.checked("str_encode", (str_view(recv), ir.StrLit(enc))), T.BYTES)


def bytes_maketrans(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`bytes.maketrans(from, to)`: a 256-byte translation table."""
    if len(args) != 2 or kwargs:
        raise Unsupported("PTL251", "bytes.maketrans() takes two bytes")
    return _raising(lw, "bytes_maketrans", tuple(_want_bytes("maketrans", a) for a in args), T.BYTES)


def _translate(lw: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val]) -> Val:
    _arity("translate", args, 1)
    if args[0].ty.kind == "none":
        return Val(owned(Val(bytes_view(recv), recv.ty, Mode.REF)), recv.ty)
    return _helper(lw, "bytes_translate", (bytes_view(recv), _want_bytes("translate", args[0])), recv.ty)


BYTES_METHODS["translate"] = _translate


def bytes_ord(lw: "FunctionLowerer", v: Val) -> Val:
    """`ord(b)` of a one-byte bytes."""
    return _helper(lw, "bytes_ord", (bytes_view(v),), T.INT)


def bytes_fromhex(lw: "FunctionLowerer", name: str, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`bytes.fromhex(s)` / `bytearray.fromhex(s)`."""
    if len(args) != 1 or kwargs or args[0].ty.kind != "str":
        raise Unsupported("PTL251", f"{name}.fromhex() takes one str")
    return _raising(lw, "bytes_fromhex", (str_view(args[0]),), T.BYTEARRAY if name == "bytearray" else T.BYTES)


# ---------------------------------------------------------------- base64 and binascii

BASE64_MEMBERS = frozenset(
    "b64encode b64decode standard_b64encode standard_b64decode urlsafe_b64encode urlsafe_b64decode "
    "b16encode b16decode b32encode b32decode b32hexencode b32hexdecode encodebytes".split()
)
BINASCII_MEMBERS = frozenset("hexlify unhexlify b2a_hex a2b_hex b2a_base64 a2b_base64".split())


def _flag(v: Val | None, what: str) -> ir.Expr:
    if v is None:
        return ir.BoolLit(False)
    if v.ty.kind != "bool":
        raise Unsupported("PTL253", f"{what} must be a bool")
    return read(v)


def _altchars(v: Val | None, default: bytes) -> ir.Expr:
    if v is None or v.ty.kind == "none":
        return ir.BytesLit(default)  # `b"+/"`: a &[u8; 2], a &[u8] where passed
    return _want_bytes("altchars", v)


def lower_base64(lw: "FunctionLowerer", module: str, name: str, call: tuple[list[Val], dict[str, Val]] | None) -> Val:
    """`base64.*` and `binascii.*` on pyrt helpers written over std (no crate): each gives
    Python's bytes and raises `binascii.Error` with Python's message (a subclass of
    ValueError in Python: the Rust panic names it)."""
    if call is None:
        raise Unsupported("PTL135", f"`{module}.{name}` as a value is not supported")
    args, kwargs = call
    params = {
        "b64encode": ("s", "altchars"), "b64decode": ("s", "altchars", "validate"),
        "b16decode": ("s", "casefold"), "b32decode": ("s", "casefold", "map01"), "b32hexdecode": ("s", "casefold"),
        "b2a_base64": ("s", "newline"), "a2b_base64": ("s", "strict_mode"),
    }.get(name, ("s",))
    bound: dict[str, Val] = {}
    if len(args) > len(params):
        raise Unsupported("PTL253", f"`{module}.{name}()` with {len(args)} arguments")
    for p, a in zip(params, args):
        bound[p] = a
    for k, a in kwargs.items():
        if k not in params or k in bound:
            raise Unsupported("PTL253", f"`{module}.{name}()` with keyword `{k}`")
        bound[k] = a
    if "s" not in bound:
        raise Unsupported("PTL253", f"`{module}.{name}()` without its data argument")
    if "map01" in bound and bound["map01"].ty.kind != "none":
        raise Unsupported("PTL253", "b32decode(map01=...) is not supported yet")
    data = bound["s"]
    if data.ty.kind == "str" and name.endswith("decode") or name in ("unhexlify", "a2b_hex", "a2b_base64"):
        if data.ty.kind == "str":
            # Python accepts an ASCII str where it decodes (ValueError for any other char)
            data = _raising(lw, "str_encode_ascii", (str_view(data),), T.BYTES, Mode.REF)
    view = _want_bytes(f"{module}.{name}()", data)
    if name in ("b64encode", "standard_b64encode", "urlsafe_b64encode"):
        alt = _altchars(bound.get("altchars"), b"-_" if name.startswith("urlsafe") else b"+/")
        return _helper(lw, "b64encode", (view, alt), T.BYTES)
    if name in ("b64decode", "standard_b64decode", "urlsafe_b64decode"):
        alt = _altchars(bound.get("altchars"), b"-_" if name.startswith("urlsafe") else b"+/")
        return _raising(lw, "b64decode", (view, alt, _flag(bound.get("validate"), "validate")), T.BYTES)
    if name == "b2a_base64":
        # `newline=True` (the default) ends the text with b"\n"
        encoded = _helper(lw, "b64encode", (view, ir.BytesLit(b"+/")), T.BYTES)
        newline = bound.get("newline")
        if newline is not None and isinstance(newline.expr, ir.BoolLit) and not newline.expr.value:
            return encoded
        if newline is not None and not isinstance(newline.expr, ir.BoolLit):
            raise Unsupported("PTL253", "binascii.b2a_base64(newline=...) must be a literal")
        return Val(ir.MethodCall(ir.ArrayLit((ir.MethodCall(encoded.expr, "as_slice"), ir.MethodCall(ir.BytesLit(b"\n"), "as_slice"))), "concat"), T.BYTES)
    if name == "a2b_base64":
        return _raising(lw, "b64decode", (view, ir.BytesLit(b"+/"), _flag(bound.get("strict_mode"), "strict_mode")), T.BYTES)
    if name == "encodebytes":
        raise Unsupported("PTL253", "base64.encodebytes is not supported yet")
    if name == "b16encode":
        upper = ir.MethodCall(_helper(lw, "bytes_hex", (view,), T.STR).expr, "to_ascii_uppercase")
        return Val(ir.MethodCall(upper, "into_bytes"), T.BYTES)
    if name in ("hexlify", "b2a_hex"):
        return Val(ir.MethodCall(_helper(lw, "bytes_hex", (view,), T.STR).expr, "into_bytes"), T.BYTES)
    if name == "b16decode":
        return _raising(lw, "b16decode", (view, _flag(bound.get("casefold"), "casefold")), T.BYTES)
    if name in ("unhexlify", "a2b_hex"):
        return _raising(lw, "unhexlify", (view,), T.BYTES)
    if name in ("b32encode", "b32hexencode"):
        return _helper(lw, "b32encode", (view, ir.BoolLit(name == "b32hexencode")), T.BYTES)
    if name in ("b32decode", "b32hexdecode"):
        return _raising(lw, "b32decode", (view, _flag(bound.get("casefold"), "casefold"), ir.BoolLit(name == "b32hexdecode")), T.BYTES)
    raise Unsupported("PTL133", f"`{module}.{name}` is not supported yet")
