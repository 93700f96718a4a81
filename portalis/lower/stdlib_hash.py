"""`hashlib` on RustCrypto's crates: `hashlib.md5(s.encode()).hexdigest()` and sha1, sha256.

There is no bytes type in the translation, so the supported form is the whole expression: a
digest of a str's encoding (`s.encode()`, `"utf-8"` or `"ascii"`; ascii raises Python's
UnicodeEncodeError on other characters), read at once with `.hexdigest()`. The crates are rows of
the crate table (md-5, sha1, sha2, gate_table.toml), pulled in by the helpers (`pyrt::md5_hex`...).
Anything else (`.digest()`, `.update()`, a hash object kept in a variable) stays PTL133.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from portalis.lower.context import Unsupported, Val
from portalis.lower.values import coerce, str_view
from portalis.rust import ir
from portalis.types import pytypes as T

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

# hashlib name -> the pyrt helper (its crate is named in the helper's header)
HASHES: dict[str, str] = {"md5": "md5_hex", "sha1": "sha1_hex", "sha256": "sha256_hex"}
_ENCODINGS = {"utf-8": None, "utf8": None, "ascii": "str_encode_ascii"}


def hexdigest_call(lw: FunctionLowerer, node: cst.Call) -> Val | None:
    """`hashlib.NAME(s.encode(...)).hexdigest()` as `pyrt::NAME_hex(bytes)`, or None when the
    call is not of this form (an unsupported form of it is Unsupported)."""
    func = node.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "hexdigest" and isinstance(func.value, cst.Call)):
        return None
    inner = func.value
    if not (isinstance(inner.func, cst.Attribute) and isinstance(inner.func.value, cst.Name)):
        return None
    if inner.func.value.value in lw.locals or lw.env.lookup(inner.func.value.value) != "hashlib":
        return None
    name = inner.func.attr.value
    if name not in HASHES:
        raise Unsupported("PTL133", f"`hashlib.{name}` is not supported yet (md5, sha1, sha256 are)", node)
    if node.args or len(inner.args) != 1 or inner.args[0].keyword is not None or inner.args[0].star:
        raise Unsupported("PTL133", f"`hashlib.{name}()` with these arguments is not supported yet", node)
    data = inner.args[0].value
    if not (isinstance(data, cst.Call) and isinstance(data.func, cst.Attribute) and data.func.attr.value == "encode"):
        raise Unsupported("PTL133", f"`hashlib.{name}()` of a value other than `s.encode()` is not supported yet (no bytes type)", node)
    if len(data.args) > 1 or any(a.keyword is not None for a in data.args):
        raise Unsupported("PTL134", "`str.encode()` with these arguments is not supported yet", node)
    encoding = "utf-8"
    if data.args:
        arg = data.args[0].value
        if not isinstance(arg, cst.SimpleString):
            raise Unsupported("PTL134", "`str.encode()` with a computed encoding is not supported", node)
        encoding = arg.evaluated_value.lower().replace("_", "-") if isinstance(arg.evaluated_value, str) else ""
    if encoding not in _ENCODINGS:
        raise Unsupported("PTL134", f"`str.encode({encoding!r})` is not supported yet (utf-8 and ascii are)", node)
    s = lw.expr(data.func.value)
    if s.ty.kind != "str":
        s = coerce(s, T.STR)
    text = str_view(s)
    check = _ENCODINGS[encoding]
    if check is None:
        raw: ir.Expr = ir.MethodCall(text, "as_bytes")
    else:
        lw.use_runtime(check)
        raw = ir.Call(ir.Path(f"crate::pyrt::{check}"), (text,))
    helper = HASHES[name]
    lw.use_runtime(helper)
    return Val(ir.Call(ir.Path(f"crate::pyrt::{helper}"), (raw,)), T.STR)
