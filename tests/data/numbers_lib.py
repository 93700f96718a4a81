"""Differential functions of tests/test_numbers_stdlib.py (issue 12): timedelta times and over
floats with CPython's exact rounding, divmod of timedeltas, correctly rounded ratios."""

import datetime
import re
from datetime import timedelta


# td * float, float * td, td / float: the float's as_integer_ratio() times the microseconds,
# rounded half to even (0.5 us rounds to 0, 1.5 us to 2)
def td_scaled(days: int, us: int, f: float) -> list[str]:
    td = timedelta(days=days, microseconds=us)
    return [repr(td * f), repr(f * td), repr(td / f)]


# td / td (a float), td // td (an int), td % td and divmod(td, td); total_seconds
def td_divided(a_days: int, a_us: int, b_days: int, b_us: int) -> list[str]:
    a = timedelta(days=a_days, microseconds=a_us)
    b = timedelta(days=b_days, microseconds=b_us)
    q, r = divmod(a, b)
    return [repr(a / b), str(a // b), repr(a % b), str(q), repr(r), repr(a.total_seconds())]


# the types flow through locals the evaluator types (no annotations on them)
def td_average(xs: list[datetime.timedelta], weight: float) -> datetime.timedelta:
    total = timedelta(0)
    for x in xs:
        total = total + x * weight
    half = total / 2.0
    return half


# a match whose pattern the translation does not know (a re.Match parameter): m[n], m["name"],
# and its groups unpacked (the count checked at run time)
def match_pair(m: re.Match) -> str:
    key, value = m.groups()
    return f"{key}={value} {m[0]!r} {m[1]}"


def match_named_item(m: re.Match[str]) -> str:
    return m["key"] + m[0]


# date.isocalendar() (an IsoCalendarDate, read as a tuple of ints); dateutil's isoparser
# computes the Monday of an ISO week so
def iso_week(y: int, m: int, d: int) -> tuple[int, int, int, int]:
    day = datetime.date(y, m, d)
    year, week, weekday = day.isocalendar()
    jan_4 = datetime.date(y, 1, 4)
    week_1 = jan_4 - timedelta(days=jan_4.isocalendar()[2] - 1)
    return year, week, weekday, (day - week_1).days


# replace() of a date, a naive datetime and a time: the fields given, checked as the constructor
def replaced(d: datetime.date, day: int, hour: int) -> list[str]:
    moment = datetime.datetime(d.year, d.month, d.day, 12, 30)
    return [repr(d.replace(day=day)), repr(d.replace(d.year, 2)), repr(moment.replace(hour=hour, microsecond=5)),
            str(moment.replace(tzinfo=None, day=day)), repr(datetime.time(1, 2).replace(minute=hour))]
