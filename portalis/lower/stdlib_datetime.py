"""`datetime.date` (issue 12, item 3): construction with Python's ValueErrors, `weekday`,
`isoweekday`, `toordinal`, `isoformat`, `year`/`month`/`day` and comparisons, on a small pyrt
type (`pyrt::PyDate`, proleptic Gregorian, years 1..=9999 as Python's) rather than a crate:
Python's date is a plain (year, month, day) triple with no time zone, and the ordinal arithmetic
Python defines is a few lines. `MINYEAR`/`MAXYEAR` are the constants.

`date.fromisoformat(s)` is CPython 3.11's parser, byte for byte. Not yet: `timedelta`, date
arithmetic, `strftime`, `datetime.datetime`
(PTL133/PTL134)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portalis.lower.context import Mode, Unsupported, Val
from portalis.lower.values import read, str_view
from portalis.model import PyType
from portalis.rust import ir
from portalis.types import pytypes as T

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

DATE = PyType(kind="date")
CONSTANTS = {"MINYEAR": 1, "MAXYEAR": 9999}
NAMES = frozenset({"date", *CONSTANTS})
# method -> result type; each is PyDate's method of the same name
DATE_METHODS: dict[str, PyType] = {"weekday": T.INT, "isoweekday": T.INT, "toordinal": T.INT, "isoformat": T.STR}
DATE_FIELDS = ("year", "month", "day")


def lower_datetime(lw: "FunctionLowerer", name: str, call: tuple[list[Val], dict[str, Val]] | None) -> Val:
    """`datetime.MINYEAR`, `datetime.date(y, m, d)`."""
    if call is None:
        if name in CONSTANTS:
            return Val(ir.IntLit(CONSTANTS[name]), T.INT)
        raise Unsupported("PTL135", f"`datetime.{name}` as a value is not supported yet")
    args, kwargs = call
    if name == "date.fromisoformat":
        if len(args) != 1 or kwargs or args[0].ty.kind != "str":
            raise Unsupported("PTL133", "date.fromisoformat(s) of one str")
        lw.use_runtime("PyDate")
        return Val(lw.propagate(ir.Call(ir.Path("crate::pyrt::PyDate::fromisoformat"), (str_view(args[0]),))), DATE)
    if name != "date":
        raise Unsupported("PTL133", f"`datetime.{name}()` is not supported yet")
    order = list(DATE_FIELDS)
    if len(args) > 3 or set(kwargs) - set(order[len(args):]) or len(args) + len(kwargs) != 3:
        raise Unsupported("PTL133", "datetime.date(year, month, day)")
    values = [*args, *(kwargs[k] for k in order[len(args):])]
    for v in values:
        if v.ty.kind not in ("int", "bool"):
            raise Unsupported("PTL113", f"datetime.date() of a {v.ty} (TypeError in Python)")
    lw.use_runtime("PyDate")
    made = ir.Call(ir.Path("crate::pyrt::PyDate::new"), tuple(read(v) for v in values))
    return Val(lw.propagate(made), DATE)


def lower_date_method(lw: "FunctionLowerer", recv: Val, name: str, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`d.weekday()`, `d.isoformat()`..."""
    result = DATE_METHODS.get(name)
    if result is None or args or kwargs:
        raise Unsupported("PTL134", f"date.{name}() is not supported yet")
    lw.use_runtime("PyDate")
    return Val(ir.MethodCall(recv.expr, name), result)


def date_field(recv: Val, name: str) -> Val:
    """`d.year`, `d.month`, `d.day`."""
    if name not in DATE_FIELDS:
        raise Unsupported("PTL134", f"date.{name} is not supported yet")
    return Val(ir.Field(recv.expr, name), T.INT, Mode.PLACE)
