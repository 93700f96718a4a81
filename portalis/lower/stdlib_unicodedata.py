"""`unicodedata.ucd_3_2_0` (the Unicode 3.2 database that stringprep and idna use, imported as a
namespace: parse.py's NAMESPACE_OBJECTS): `category(c)` and `bidirectional(c)` of one
character, from run tables of Python's own `unicodedata.ucd_3_2_0` (pyrt's `ucd32_category`,
`ucd32_bidirectional`; portalis/runtime/ucd32.py regenerates them). A str of another length is
Python's TypeError (a panic with that name). Other functions (`normalize`, `decomposition`,
`numeric`, ...) are PTL133.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portalis.analysis.rules import UCD_STR_FUNCTIONS
from portalis.lower.context import Mode, Unsupported, Val
from portalis.lower.values import str_view
from portalis.rust import ir
from portalis.types import pytypes as T

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer


def lower_ucd32(lw: "FunctionLowerer", name: str, call: tuple[list[Val], dict[str, Val]] | None) -> Val:
    """`ucd.category(c)` / `ucd.bidirectional(c)`: a `&'static str` from the runtime's tables."""
    if call is None or name not in UCD_STR_FUNCTIONS:
        shown = f"{name}()" if call is not None else name
        raise Unsupported("PTL133", f"`unicodedata.ucd_3_2_0.{shown}` is not supported yet")
    args, kwargs = call
    if len(args) != 1 or kwargs:
        raise Unsupported("PTL133", f"unicodedata.ucd_3_2_0.{name}(chr): one positional argument")
    if args[0].ty.kind != "str":
        raise Unsupported("PTL113", f"unicodedata.ucd_3_2_0.{name}() of {args[0].ty} (TypeError in Python)")
    helper = f"ucd32_{name}"
    lw.use_runtime(helper)
    return Val(ir.Call(ir.Path(f"crate::pyrt::{helper}"), (str_view(args[0]),)), T.STR, Mode.REF)
