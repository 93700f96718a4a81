"""`datetime.date` (issue 12, item 3): construction with Python's ValueErrors, `weekday`,
`isoweekday`, `toordinal`, `isoformat`, `year`/`month`/`day` and comparisons, on a small pyrt
type (`pyrt::PyDate`, proleptic Gregorian, years 1..=9999 as Python's) rather than a crate:
Python's date is a plain (year, month, day) triple with no time zone, and the ordinal arithmetic
Python defines is a few lines. `MINYEAR`/`MAXYEAR` are the constants.

`date.fromisoformat(s)` is CPython 3.11's parser, byte for byte.

`timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks)` of ints is
`pyrt::PyTimedelta` (normalised days/seconds/microseconds as Python's, OverflowError past
999999999 days): `+ -` of two, unary `-`, `abs()`, `* int`, `// int`, `/ int` (microseconds
rounded half to even), `/ // %` of two, comparisons, `.days .seconds .microseconds`,
`total_seconds()`, `str()`; `date ± timedelta` (OverflowError outside years 1..9999) and
`date - date`. Float arguments (`timedelta(hours=1.5)`): CPython's `delta_new`. `td * float`,
`float * td`, `td / float`: the float's exact `as_integer_ratio()` times the microseconds,
rounded half to even (CPython's `multiply_truedivide_timedelta_float`); `divmod(td, td)`.

A naive `datetime.datetime(y, m, d, hour, minute, second, microsecond)` is `pyrt::PyDateTime`:
Python's ValueErrors, fields, comparisons, `± timedelta`, `datetime - datetime`, `date()`,
`weekday()`, `isoformat(sep)`, `str()`, `strftime` (glibc's C-locale directives).

Aware datetimes (issue 12): `datetime.timezone(offset[, name])`, `timezone.utc` are
`pyrt::PyTimezone` (a fixed offset), held by PyDateTime's `tz`; `tzinfo=` (constructor,
`replace`), `astimezone(tz)`, `utcoffset()`, `tzname()`, `timestamp()`, `.tzinfo`, offsets in
`isoformat`/`strftime`/`str`/`repr`, `datetime.fromisoformat` (CPython 3.11's parser),
`datetime.now(tz)`/`utcnow()`; aware values compare and subtract by their UTC instant, a naive
against an aware one raises Python's TypeError. Other tzinfo classes, `now()`/`today()` in
local time, `astimezone()` without a zone: PTL133."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from portalis.lower.context import Mode, Unsupported, Val
from portalis.lower.values import coerce, read, str_view
from portalis.model import PyType
from portalis.rust import ir
from portalis.types import pytypes as T

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

DATE = PyType(kind="date")
TIMEDELTA = PyType(kind="timedelta")
DATETIME = PyType(kind="datetime")
TIME = PyType(kind="time")
TIMEZONE = PyType(kind="timezone")
CONSTANTS = {"MINYEAR": 1, "MAXYEAR": 9999}
NAMES = frozenset({"date", "timedelta", "datetime", "time", "timezone", *CONSTANTS})
TIME_FIELDS = ("hour", "minute", "second", "microsecond")
DATETIME_FIELDS = ("year", "month", "day", "hour", "minute", "second", "microsecond")
TIMEDELTA_ARGS = ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks")
TIMEDELTA_FIELDS = ("days", "seconds", "microseconds")
# method -> result type; each is PyDate's method of the same name
DATE_METHODS: dict[str, PyType] = {"weekday": T.INT, "isoweekday": T.INT, "toordinal": T.INT, "isoformat": T.STR,
                                    # an IsoCalendarDate: a named tuple, read as a tuple of ints
                                    "isocalendar": T.tuple_of(T.INT, T.INT, T.INT)}
DATE_FIELDS = ("year", "month", "day")


def lower_datetime(lw: "FunctionLowerer", name: str, call: tuple[list[Val], dict[str, Val]] | None) -> Val:
    """`datetime.MINYEAR`, `datetime.date(y, m, d)`."""
    if call is None:
        if name in CONSTANTS:
            return Val(ir.IntLit(CONSTANTS[name]), T.INT)
        raise Unsupported("PTL135", f"`datetime.{name}` as a value is not supported yet")
    args, kwargs = call
    if name == "timezone":
        return _timezone(lw, args, kwargs)
    if name in ("datetime.fromisoformat", "datetime.now", "datetime.utcnow", "datetime.today"):
        return _datetime_static(lw, name.split(".")[1], args, kwargs)
    if name == "date.fromisoformat":
        if len(args) != 1 or kwargs or args[0].ty.kind != "str":
            raise Unsupported("PTL133", "date.fromisoformat(s) of one str")
        lw.use_runtime("PyDate")
        return Val(lw.propagate(ir.Call(ir.Path("crate::pyrt::PyDate::fromisoformat"), (str_view(args[0]),))), DATE)
    if name == "timedelta":
        return _timedelta(lw, args, kwargs)
    if name == "datetime":
        return _datetime(lw, args, kwargs)
    if name == "time":
        return _time(lw, args, kwargs)
    if name == "datetime.combine":
        if len(args) != 2 or kwargs or (args[0].ty.kind, args[1].ty.kind) != ("date", "time"):
            raise Unsupported("PTL133", "datetime.combine(date, time) (no tzinfo)")
        lw.use_runtime("datetime_time")
        return Val(ir.Call(ir.Path("crate::pyrt::datetime_combine"), (read(args[0]), read(args[1]))), DATETIME)
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


def timezone_utc(lw: "FunctionLowerer") -> Val:
    """`timezone.utc`: the zero offset without a name."""
    lw.use_runtime("PyTimezone")
    return Val(ir.Path("crate::pyrt::PyTimezone::UTC"), TIMEZONE, Mode.OWNED)


def _timezone(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`timezone(offset[, name])`: Python's ValueError for an offset of 24 hours or more."""
    given = dict(zip(("offset", "name"), args)) | kwargs
    if len(args) > 2 or set(kwargs) - {"offset", "name"} or "offset" not in given:
        raise Unsupported("PTL133", "datetime.timezone(offset, name)")
    offset, name = given["offset"], given.get("name")
    if offset.ty.kind != "timedelta":
        raise Unsupported("PTL113", f"timezone() of a {offset.ty} (TypeError in Python: it takes a timedelta)")
    if name is None:
        name_expr: ir.Expr = ir.Path("None")
    elif name.ty.kind == "str":
        name_expr = ir.Call(ir.Path("Some"), (str_view(name),))
    else:
        raise Unsupported("PTL113", f"timezone() name of a {name.ty} (TypeError in Python: it must be a str)")
    lw.use_runtime("PyTimezone")
    return Val(lw.propagate(ir.Call(ir.Path("crate::pyrt::PyTimezone::new"), (read(offset), name_expr))), TIMEZONE)


def _tz_option(v: Val, what: str) -> ir.Expr:
    """A `tzinfo=` argument as the runtime's `Option<PyTimezone>`: None, a timezone, or an
    optional one; any other tzinfo is not translated."""
    if v.ty.kind == "none":
        return ir.Path("None")
    if v.ty.kind == "timezone":
        return ir.Call(ir.Path("Some"), (read(v),))
    if v.ty.kind == "optional" and v.ty.args[0].kind == "timezone":
        return read(v)
    raise Unsupported("PTL133", f"{what} of a {v.ty}: only datetime.timezone values (fixed offsets) are translated")


def _datetime_static(lw: "FunctionLowerer", name: str, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`datetime.fromisoformat(s)`, `datetime.now(tz)`, `datetime.utcnow()`. `now()` without a
    time zone and `today()` give the machine's local time, which the translation does not read."""
    lw.use_runtime("PyDateTime")
    if name == "fromisoformat":
        if len(args) != 1 or kwargs or args[0].ty.kind != "str":
            raise Unsupported("PTL133", "datetime.fromisoformat(s) of one str")
        return Val(lw.propagate(ir.Call(ir.Path("crate::pyrt::PyDateTime::fromisoformat"), (str_view(args[0]),))), DATETIME)
    if name == "utcnow" and not args and not kwargs:
        return Val(lw.propagate(ir.Call(ir.Path("crate::pyrt::PyDateTime::utcnow"), ())), DATETIME)
    given = [*args, *kwargs.values()]
    if name == "now" and len(given) == 1 and set(kwargs) <= {"tz"} and given[0].ty.kind == "timezone":
        return Val(lw.propagate(ir.Call(ir.Path("crate::pyrt::PyDateTime::now"), (read(given[0]),))), DATETIME)
    raise Unsupported("PTL133", f"datetime.{name}() without a datetime.timezone reads the local time zone (not translated)")


def _int_parts(given: dict[str, Val], names: tuple[str, ...] | list[str], refuse) -> list[ir.Expr]:
    """The int arguments of a constructor whose parts default to 0, in `names` order; a part of
    another type raises `refuse(name, type)`."""
    values: list[ir.Expr] = []
    for name in names:
        v = given.get(name)
        if v is None:
            values.append(ir.IntLit(0, "i64"))
        elif v.ty.kind in ("int", "bool"):
            values.append(read(coerce(v, T.INT)))
        else:
            raise refuse(name, v.ty)
    return values


def _timedelta(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`timedelta(days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0, weeks=0)`."""
    if len(args) > len(TIMEDELTA_ARGS) or set(kwargs) - set(TIMEDELTA_ARGS[len(args):]):
        raise Unsupported("PTL133", "datetime.timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks)")
    given = dict(zip(TIMEDELTA_ARGS, args)) | kwargs
    if any(v.ty.kind == "float" for v in given.values()):
        # float parts (`hours=1.5`): CPython's accumulation and rounding (PyTimedelta::new_float)
        parts: list[ir.Expr] = []
        for name in TIMEDELTA_ARGS:
            v = given.get(name)
            if v is None:
                parts.append(ir.TupleExpr((ir.IntLit(0, "i64"), ir.Path("None"))))
            elif v.ty.kind in ("int", "bool"):
                parts.append(ir.TupleExpr((read(coerce(v, T.INT)), ir.Path("None"))))
            elif v.ty.kind == "float":
                parts.append(ir.TupleExpr((ir.IntLit(0, "i64"), ir.Call(ir.Path("Some"), (read(v),)))))
            else:
                raise Unsupported("PTL113", f"timedelta({name}=...) of a {v.ty} (TypeError in Python)")
        lw.use_runtime("PyTimedelta")
        return Val(lw.propagate(ir.Call(ir.Path("crate::pyrt::PyTimedelta::new_float"), (ir.ArrayLit(tuple(parts)),))), TIMEDELTA)
    values = _int_parts(given, TIMEDELTA_ARGS, lambda name, ty: Unsupported(
        "PTL113", f"timedelta({name}=...) of a {ty} (TypeError in Python)"))
    lw.use_runtime("PyTimedelta")
    return Val(lw.propagate(ir.Call(ir.Path("crate::pyrt::PyTimedelta::new"), tuple(values))), TIMEDELTA)


def _datetime(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`datetime(year, month, day, hour=0, minute=0, second=0, microsecond=0, tzinfo=None)`:
    naive, or aware with a `datetime.timezone`."""
    args, kwargs = list(args), dict(kwargs)
    tz = kwargs.pop("tzinfo", None)
    if len(args) == 8 and tz is None:
        tz = args.pop()
    if "fold" in kwargs or len(args) > 7:
        raise Unsupported("PTL133", "datetime.datetime with fold is not translated")
    if len(args) > len(DATETIME_FIELDS) or set(kwargs) - set(DATETIME_FIELDS[len(args):]):
        raise Unsupported("PTL133", "datetime.datetime(year, month, day, hour, minute, second, microsecond)")
    given = dict(zip(DATETIME_FIELDS, args)) | kwargs
    if not all(f in given for f in DATETIME_FIELDS[:3]):
        raise Unsupported("PTL113", "datetime.datetime() needs year, month and day (TypeError in Python)")
    values = _int_parts(given, DATETIME_FIELDS, lambda name, ty: Unsupported(
        "PTL113", f"datetime.datetime({name}=...) of a {ty} (TypeError in Python)"))
    lw.use_runtime("PyDateTime")
    made = lw.propagate(ir.Call(ir.Path("crate::pyrt::PyDateTime::new"), tuple(values)))
    if tz is not None and tz.ty.kind != "none":
        made = ir.MethodCall(made, "with_tz", (_tz_option(tz, "datetime(tzinfo=...)"),))
    return Val(made, DATETIME)


def _time(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`time(hour=0, minute=0, second=0, microsecond=0)`, naive."""
    if "tzinfo" in kwargs or "fold" in kwargs or len(args) > len(TIME_FIELDS) or set(kwargs) - set(TIME_FIELDS[len(args):]):
        raise Unsupported("PTL133", "datetime.time(hour, minute, second, microsecond) (tzinfo and fold are not translated)")
    given = dict(zip(TIME_FIELDS, args)) | kwargs
    values = _int_parts(given, TIME_FIELDS, lambda name, ty: Unsupported(
        "PTL113", f"datetime.time({name}=...) of a {ty} (TypeError in Python)"))
    lw.use_runtime("PyTime")
    return Val(lw.propagate(ir.Call(ir.Path("crate::pyrt::PyTime::new"), tuple(values))), TIME)


def _replace(lw: "FunctionLowerer", recv: Val, fields: tuple[str, ...], args: list[Val], kwargs: dict[str, Val],
             runtime: str, ty: PyType) -> Val:
    """`d.replace(day=1)`, `dt.replace(hour=0, microsecond=0)`, `t.replace(minute=5)`: a new value
    of the same type with the fields given replaced, checked as the constructor checks them
    (ValueError). `tzinfo=None` keeps a naive value naive; any other tzinfo, and fold, are not
    translated (aware values are not)."""
    kwargs = dict(kwargs)
    tz = kwargs.pop("tzinfo", None)
    if tz is not None and tz.ty.kind != "none" and ty.kind != "datetime":
        raise Unsupported("PTL133", f"{ty.kind}.replace(tzinfo=...) of a time zone (aware times are not translated yet)")
    if len(args) > len(fields) or set(kwargs) - set(fields[len(args):]):
        raise Unsupported("PTL133", f"{ty.kind}.replace({', '.join(fields)}) (fold is not translated)")
    given = dict(zip(fields, args)) | kwargs
    base = lw.temp("base")
    parts: list[ir.Expr] = []
    for name in fields:
        v = given.get(name)
        if v is None:
            parts.append(ir.Field(ir.Path(base), name))
        elif v.ty.kind in ("int", "bool"):
            parts.append(read(coerce(v, T.INT)))
        else:
            raise Unsupported("PTL113", f"{ty.kind}.replace({name}=...) of a {v.ty} (TypeError in Python)")
    lw.use_runtime(runtime)
    made = lw.propagate(ir.Call(ir.Path(f"crate::pyrt::{runtime}::new"), tuple(parts)))
    if ty.kind == "datetime":
        # the time zone is kept unless `tzinfo=` replaces it (None makes the value naive)
        zone = ir.Field(ir.Path(base), "tz") if tz is None else _tz_option(tz, "replace(tzinfo=...)")
        made = ir.MethodCall(made, "with_tz", (zone,))
    # the receiver is read once, before the new fields (Python evaluates it first)
    return Val(ir.BlockExpr(ir.Block((ir.Let(ir.PBind(base), None, read(recv)),), made)), ty)


def time_field(recv: Val, name: str) -> Val:
    """`t.hour`, `t.minute`, `t.second`, `t.microsecond`."""
    if name not in TIME_FIELDS:
        raise Unsupported("PTL134", f"time.{name} is not supported yet")
    return Val(ir.Field(recv.expr, name), T.INT, Mode.PLACE)


def lower_time_method(lw: "FunctionLowerer", recv: Val, name: str, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`t.isoformat()`."""
    lw.use_runtime("PyTime")
    if name == "isoformat" and not args and not kwargs:
        return Val(ir.MethodCall(read(recv), "isoformat"), T.STR)
    if name == "replace":
        return _replace(lw, recv, TIME_FIELDS, args, kwargs, "PyTime", TIME)
    raise Unsupported("PTL134", f"time.{name}() is not supported yet")


def lower_datetime_method(lw: "FunctionLowerer", recv: Val, name: str, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`dt.date()`, `dt.weekday()`, `dt.isoformat(sep)`, `dt.strftime(fmt)`..."""
    lw.use_runtime("PyDateTime")
    if name in ("weekday", "isoweekday", "toordinal") and not args and not kwargs:
        return Val(ir.MethodCall(read(recv), name), T.INT)
    if name == "date" and not args and not kwargs:
        return Val(ir.MethodCall(read(recv), "date"), DATE)
    if name == "isocalendar" and not args and not kwargs:
        return Val(ir.MethodCall(ir.MethodCall(read(recv), "date"), "isocalendar"), DATE_METHODS["isocalendar"])
    if name == "replace":
        return _replace(lw, recv, DATETIME_FIELDS, args, kwargs, "PyDateTime", DATETIME)
    if name == "time" and not args and not kwargs:
        lw.use_runtime("datetime_time")
        return Val(ir.Call(ir.Path("crate::pyrt::datetime_time"), (read(recv),)), TIME)
    if name == "isoformat" and not set(kwargs) - {"sep"} and len(args) + len(kwargs) <= 1:
        given = [*args, *kwargs.values()]
        sep = given[0] if given else None
        if sep is not None and sep.ty.kind != "str":
            raise Unsupported("PTL113", "isoformat(sep) of a str")
        return Val(ir.MethodCall(read(recv), "isoformat", (ir.StrLit("T") if sep is None else str_view(sep),)), T.STR)
    if name == "strftime" and len(args) == 1 and not kwargs and args[0].ty.kind == "str":
        return Val(ir.MethodCall(read(recv), "strftime", (str_view(args[0]),)), T.STR)
    if name == "utcoffset" and not args and not kwargs:
        return Val(ir.MethodCall(read(recv), "utcoffset"), T.optional(TIMEDELTA))
    if name == "tzname" and not args and not kwargs:
        return Val(ir.MethodCall(read(recv), "tzname"), T.optional(T.STR))
    if name == "dst" and not args and not kwargs:
        # a naive datetime and a datetime.timezone (a fixed offset) have no DST: None, always
        none = ir.Path("None", (ir.TPath("crate::pyrt::PyTimedelta"),))
        value = read(recv)
        if isinstance(value, ir.Path):
            return Val(none, T.optional(TIMEDELTA))
        return Val(ir.BlockExpr(ir.Block((ir.Let(ir.PBind("_"), None, value),), none)), T.optional(TIMEDELTA))
    if name == "timestamp" and not args and not kwargs:
        return Val(lw.propagate(ir.MethodCall(read(recv), "timestamp")), T.FLOAT)
    if name == "astimezone" and len(args) + len(kwargs) == 1 and set(kwargs) <= {"tz"}:
        tz = [*args, *kwargs.values()][0]
        if tz.ty.kind != "timezone":
            raise Unsupported("PTL133", f"astimezone() of a {tz.ty}: only a datetime.timezone is translated")
        return Val(lw.propagate(ir.MethodCall(read(recv), "astimezone", (read(tz),))), DATETIME)
    if name == "astimezone":
        raise Unsupported("PTL133", "astimezone() without a datetime.timezone converts to the local time zone (not translated)")
    raise Unsupported("PTL134", f"datetime.{name}() is not supported yet")


def datetime_field(lw: "FunctionLowerer", recv: Val, name: str) -> Val:
    """`dt.year` ... `dt.microsecond`, `dt.tzinfo` (None or a timezone)."""
    if name == "tzinfo":
        lw.use_runtime("PyDateTime")
        return Val(ir.MethodCall(read(recv), "tzinfo"), T.optional(TIMEZONE))
    if name not in DATETIME_FIELDS:
        raise Unsupported("PTL134", f"datetime.{name} is not supported yet")
    return Val(ir.Field(recv.expr, name), T.INT, Mode.PLACE)


def _td_call(lw: "FunctionLowerer", method: str, *args: ir.Expr, ty: PyType = TIMEDELTA) -> Val:
    """A raising PyTimedelta method or pyrt function (`Result`): its error goes where Python's would."""
    lw.use_runtime("PyDateTime" if method.startswith("PyDateTime") else "PyTimedelta")
    return Val(lw.propagate(ir.Call(ir.Path(f"crate::pyrt::{method}"), args)), ty)


def binary(lw: "FunctionLowerer", op: cst.BaseBinaryOp, a: Val, b: Val) -> Val | None:
    """Arithmetic on dates and timedeltas; None when neither operand is one."""
    ka, kb = a.ty.kind, b.ty.kind
    if "timedelta" not in (ka, kb) and not (ka == kb and ka in ("date", "datetime")):
        return None
    if ka == "str":
        return None  # `"%r" % td`: formatting, not arithmetic
    x, y = read(a), read(b)
    kinds = (ka, kb)
    if isinstance(op, cst.Add) and set(kinds) == {"datetime", "timedelta"}:
        return _td_call(lw, "PyDateTime::plus", *((x, y) if ka == "datetime" else (y, x)), ty=DATETIME)
    if isinstance(op, cst.Subtract) and kinds == ("datetime", "timedelta"):
        return _td_call(lw, "PyDateTime::minus", x, y, ty=DATETIME)
    if isinstance(op, cst.Subtract) and kinds == ("datetime", "datetime"):
        return _td_call(lw, "PyDateTime::diff", x, y, ty=TIMEDELTA)
    if isinstance(op, cst.Add) and kinds == ("timedelta", "timedelta"):
        return _td_call(lw, "PyTimedelta::plus", x, y)
    if isinstance(op, cst.Subtract) and kinds == ("timedelta", "timedelta"):
        return _td_call(lw, "PyTimedelta::minus", x, y)
    if isinstance(op, cst.Add) and set(kinds) == {"date", "timedelta"}:
        return _td_call(lw, "date_add", *((x, y) if ka == "date" else (y, x)), ty=DATE)
    if isinstance(op, cst.Subtract) and kinds == ("date", "timedelta"):
        return _td_call(lw, "date_sub", x, y, ty=DATE)
    if isinstance(op, cst.Subtract) and kinds == ("date", "date"):
        lw.use_runtime("PyTimedelta")
        return Val(ir.Call(ir.Path("crate::pyrt::date_diff"), (x, y)), TIMEDELTA)
    if isinstance(op, cst.Multiply) and set(kinds) == {"timedelta", "int"} or kinds in (("timedelta", "bool"), ("bool", "timedelta")):
        td, n = (a, b) if ka == "timedelta" else (b, a)
        return _td_call(lw, "PyTimedelta::times", read(td), read(coerce(n, T.INT)))
    if isinstance(op, cst.Multiply) and set(kinds) == {"timedelta", "float"}:
        # the float's exact ratio times the microseconds, rounded half to even (CPython's)
        td, f = (a, b) if ka == "timedelta" else (b, a)
        return _td_call(lw, "PyTimedelta::times_float", read(td), read(f))
    if kinds == ("timedelta", "float") and isinstance(op, cst.Divide):
        return _td_call(lw, "PyTimedelta::div_float", x, y)
    if kinds == ("timedelta", "int") and isinstance(op, (cst.FloorDivide, cst.Divide)):
        return _td_call(lw, "PyTimedelta::floordiv_int" if isinstance(op, cst.FloorDivide) else "PyTimedelta::div_int", x, y)
    if kinds == ("timedelta", "timedelta"):
        if isinstance(op, cst.Divide):
            return _td_call(lw, "PyTimedelta::ratio", x, y, ty=T.FLOAT)
        if isinstance(op, cst.FloorDivide):
            return _td_call(lw, "PyTimedelta::floordiv", x, y, ty=T.INT)
        if isinstance(op, cst.Modulo):
            return _td_call(lw, "PyTimedelta::modulo", x, y)
    raise Unsupported("PTL113", f"operator {type(op).__name__} on {a.ty} and {b.ty} (TypeError in Python, or not translated yet)")


def divmod_timedelta(lw: "FunctionLowerer", a: Val, b: Val) -> Val:
    """`divmod(td, td)`: `(td // td, td % td)`; any other timedelta operands are a TypeError."""
    if (a.ty.kind, b.ty.kind) != ("timedelta", "timedelta"):
        raise Unsupported("PTL113", f"divmod() of {a.ty} and {b.ty} (TypeError in Python)")
    return _td_call(lw, "PyTimedelta::divmod", read(a), read(b), ty=T.tuple_of(T.INT, TIMEDELTA))


def negate(lw: "FunctionLowerer", v: Val) -> Val:
    """`-td`."""
    return _td_call(lw, "PyTimedelta::negated", read(v))


def absolute(lw: "FunctionLowerer", v: Val) -> Val:
    """`abs(td)`."""
    return _td_call(lw, "PyTimedelta::abs", read(v))


def lower_timedelta_method(lw: "FunctionLowerer", recv: Val, name: str, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`td.total_seconds()`."""
    if name != "total_seconds" or args or kwargs:
        raise Unsupported("PTL134", f"timedelta.{name}() is not supported yet")
    lw.use_runtime("PyTimedelta")
    return Val(ir.MethodCall(recv.expr, "total_seconds"), T.FLOAT)


def timedelta_field(recv: Val, name: str) -> Val:
    """`td.days`, `td.seconds`, `td.microseconds`."""
    if name not in TIMEDELTA_FIELDS:
        raise Unsupported("PTL134", f"timedelta.{name} is not supported yet")
    return Val(ir.Field(recv.expr, name), T.INT, Mode.PLACE)


def lower_date_method(lw: "FunctionLowerer", recv: Val, name: str, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`d.weekday()`, `d.isoformat()`, `d.replace(...)`..."""
    if name == "replace":
        return _replace(lw, recv, DATE_FIELDS, args, kwargs, "PyDate", DATE)
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


_REPR_HELPERS = {"date": "repr_date", "timedelta": "repr_timedelta", "datetime": "repr_datetime", "time": "repr_time",
                 "timezone": "repr_timezone", "fraction": "repr_fraction",
                 "decimal": "repr_decimal"}


def lower_timezone_method(lw: "FunctionLowerer", recv: Val, name: str, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`tz.utcoffset(dt)`, `tz.tzname(dt)` (a fixed offset: the argument, None or a datetime,
    does not change the result)."""
    if name in ("utcoffset", "tzname") and len(args) == 1 and not kwargs and args[0].ty.kind in ("none", "datetime"):
        lw.use_runtime("PyTimezone")
        call = ir.MethodCall(read(recv), name)
        return Val(call, TIMEDELTA if name == "utcoffset" else T.STR)
    raise Unsupported("PTL134", f"timezone.{name}() is not supported yet")


def use_container_reprs(lw: "FunctionLowerer", t: PyType) -> None:
    """A container printed through `pyrt::PyRepr` holding dates, timedeltas, datetimes or
    Fractions needs their `PyRepr` impls (separate helpers: a crate without such values in
    containers carries none of them, nor their crates)."""
    helper = _REPR_HELPERS.get(t.kind)
    if helper is not None:
        lw.use_runtime(helper)
    for a in t.args:
        use_container_reprs(lw, a)


def library_repr(lw: "FunctionLowerer", v: Val) -> ir.Expr | None:
    """`repr(x)` (and `!r`, `%r`) of a date, timedelta, datetime or Fraction: Python's
    (`datetime.date(2024, 1, 2)`, `Fraction(3, 4)`), not their str(); None for other types."""
    helper = {"date": "PyDate", "timedelta": "PyTimedelta", "datetime": "PyDateTime", "time": "PyTime",
              "timezone": "PyTimezone"}.get(v.ty.kind)
    if helper is not None:
        lw.use_runtime(helper)
        return ir.MethodCall(read(v), "repr")
    if v.ty.kind == "fraction":
        from portalis.lower.stdlib_fractions import to_repr

        return to_repr(lw, v)
    if v.ty.kind == "decimal":
        from portalis.lower.stdlib_decimal import to_repr as decimal_repr

        return decimal_repr(lw, v)
    return None
