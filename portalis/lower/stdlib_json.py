"""`json.dumps` with Python's exact text, on the runtime's `PyJson` trait (helper `json_dumps`).

The value's type is known when translating, so no JSON library is needed to write it: each Rust
type of a translated value writes itself as Python's encoder does (`", "`/`": "` separators,
`indent`, `sort_keys`, `ensure_ascii` with `\\uXXXX` and surrogate pairs, NaN/Infinity, int and
bool dict keys as strings). The keywords must be constants (they shape the text); a set, a class
instance or another type json cannot write is PTL113 (TypeError in Python).

`json.loads(s)` parses with serde_json (pyrt `json_loads`, `try_json_loads` inside `try`:
`json.JSONDecodeError`, a ValueError) into a `serde_json::Value` of the internal type `json`,
which only goes where the code declares a type (`x: dict[str, list[int]] = json.loads(s)`, a
return, an argument): `values.coerce` converts it with pyrt's `FromJson` (int, float, str,
bool, None, Optional, list, dict with str keys). Anywhere else (an unannotated local read with
`data["k"]`) it is untranslated: the value's type is only known at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portalis.lower.context import Unsupported, Val
from portalis.lower.values import borrow, str_view
from portalis.model import PyType
from portalis.rust import ir
from portalis.types import pytypes as T

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

JSON_NAMES = ("dumps", "loads")
JSON = PyType(kind="json")  # a json.loads value, before it is given its declared type
_KEYWORDS = ("indent", "separators", "sort_keys", "ensure_ascii", "allow_nan")


def _writable(t: PyType, key: bool = False) -> bool:
    """Whether json writes a value of this type (as a dict key: str, int, bool, None, float)."""
    k = t.kind
    if k in ("int", "float", "bool", "str", "none"):
        return True
    if key:
        return False
    if k == "optional":
        return all(_writable(a) for a in t.args)
    if k == "list":
        return bool(t.args) and _writable(t.args[0])
    if k == "tuple":
        return 1 <= len(t.args) <= 6 and all(_writable(a) for a in t.args)
    if k == "dict":
        # float keys are not hashable in the translation's dicts; Ord is needed for sort_keys
        return len(t.args) == 2 and t.args[0].kind in ("int", "str", "bool") and _writable(t.args[1])
    return False


def _bare(e: ir.Expr) -> ir.Expr:
    while isinstance(e, ir.MethodCall) and e.method in ("to_string", "as_str", "to_owned") and not e.args:
        e = e.receiver
    return e


def _const(v: Val, what: str) -> object:
    e = _bare(v.expr)
    if isinstance(e, (ir.StrLit, ir.IntLit, ir.BoolLit)):
        return e.value
    if isinstance(e, ir.Path) and e.name == "None" or v.ty.kind == "none":
        return None
    if isinstance(e, ir.TupleExpr) and all(isinstance(_bare(x), ir.StrLit) for x in e.items):
        return tuple(_bare(x).value for x in e.items)  # type: ignore[attr-defined]
    raise Unsupported("PTL133", f"json.dumps: `{what}` must be a constant (it shapes the text)")


def lower_json(lw: FunctionLowerer, name: str, call: tuple[list[Val], dict[str, Val]] | None) -> Val:
    """`json.dumps(obj, indent=..., separators=..., sort_keys=..., ensure_ascii=..., allow_nan=...)`,
    `json.loads(s)`."""
    if call is None or name not in JSON_NAMES:
        raise Unsupported("PTL133", f"`json.{name}` is not supported yet (json.dumps and json.loads are)")
    args, kwargs = call
    if name == "loads":
        if len(args) != 1 or kwargs or args[0].ty.kind != "str":
            raise Unsupported("PTL133", "json.loads(s) of one str, without keywords, is supported")
        lw.use_runtime("FromJson")  # the value is converted where its type is declared
        return Val(lw.checked("json_loads", (str_view(args[0]),)), JSON)
    if len(args) != 1 or set(kwargs) - set(_KEYWORDS):
        bad = sorted(set(kwargs) - set(_KEYWORDS))
        raise Unsupported("PTL133", f"json.dumps with {'keyword `' + bad[0] + '`' if bad else 'these arguments'} is not supported yet")
    v = args[0]
    if not _writable(v.ty):
        raise Unsupported("PTL113", f"json.dumps of {v.ty}: Object of this type is not JSON serializable (TypeError in Python)")
    opts = {k: _const(val, k) for k, val in kwargs.items()}
    indent = opts.get("indent")
    if indent is not None and not isinstance(indent, (int, str)) or isinstance(indent, bool):
        raise Unsupported("PTL133", "json.dumps: indent must be an int or a str constant")
    indent_text = None if indent is None else indent if isinstance(indent, str) else " " * max(int(indent), 0)
    seps = opts.get("separators")
    if seps is None:
        seps = ("," if indent is not None else ", ", ": ")
    if not (isinstance(seps, tuple) and len(seps) == 2):
        raise Unsupported("PTL133", "json.dumps: separators must be a pair of str constants")
    flags = {}
    for k, default in (("sort_keys", False), ("ensure_ascii", True), ("allow_nan", True)):
        val = opts.get(k, default)
        if not isinstance(val, bool):
            raise Unsupported("PTL133", f"json.dumps: {k} must be True or False")
        flags[k] = val
    lw.use_runtime("json_dumps")
    fields = (
        ("indent", ir.Path("None") if indent_text is None else ir.Call(ir.Path("Some"), (ir.MethodCall(ir.StrLit(indent_text), "to_string"),))),
        ("item_sep", ir.MethodCall(ir.StrLit(seps[0]), "to_string")),
        ("key_sep", ir.MethodCall(ir.StrLit(seps[1]), "to_string")),
        ("sort_keys", ir.BoolLit(flags["sort_keys"])),
        ("ensure_ascii", ir.BoolLit(flags["ensure_ascii"])),
        ("allow_nan", ir.BoolLit(flags["allow_nan"])),
    )
    opts_expr = ir.Ref(ir.StructLit("crate::pyrt::JsonOpts", fields))
    return Val(ir.Call(ir.Path("crate::pyrt::json_dumps"), (borrow(v), opts_expr)), T.STR)


def from_json(v: Val, target: PyType) -> Val | None:
    """A json.loads value put where `target` is declared: `FromJson::from_json(v)`, its Rust
    type taken from the slot (None: a type json values do not convert to)."""
    if v.ty.kind != "json" or not _readable(target):
        return None
    return Val(ir.Call(ir.Path("crate::pyrt::FromJson::from_json"), (v.expr,)), target)


def _readable(t: PyType) -> bool:
    if t.kind in ("int", "float", "bool", "str", "none"):
        return True
    if t.kind in ("optional", "list"):
        return len(t.args) == 1 and _readable(t.args[0])
    return t.kind == "dict" and len(t.args) == 2 and t.args[0].kind == "str" and _readable(t.args[1])
