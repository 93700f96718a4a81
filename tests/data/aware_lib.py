"""Differential functions of tests/test_aware_datetime.py (issue 12): timezone-aware datetimes
with datetime.timezone (fixed offsets), as Python computes them."""

import datetime
import re
from datetime import timedelta, timezone
from typing import Optional

UTC = timezone.utc
EST = timezone(timedelta(hours=-5), "EST")


# timezone(offset[, name]): str, repr, tzname, utcoffset; ValueError past 24 hours
def zone_text(minutes: int, seconds: int, us: int, name: Optional[str]) -> list[str]:
    offset = timedelta(minutes=minutes, seconds=seconds, microseconds=us)
    tz = timezone(offset) if name is None else timezone(offset, name)
    return [str(tz), repr(tz), tz.tzname(None), repr(tz.utcoffset(None)), str(tz == timezone.utc)]


# datetime(..., tzinfo=tz): isoformat, str, repr, strftime's %z and %Z, utcoffset, tzname, tzinfo
def aware_text(y: int, mo: int, d: int, h: int, minutes: int, us: int) -> list[str]:
    tz = timezone(timedelta(minutes=minutes))
    dt = datetime.datetime(y, mo, d, h, 30, 15, us, tzinfo=tz)
    return [dt.isoformat(), str(dt), repr(dt), dt.strftime("%Y-%m-%d %H:%M:%S %z %Z"), repr(dt.utcoffset()),
            str(dt.tzname()), repr(dt.tzinfo), dt.isoformat(" ")]


# a naive datetime has no offset
def naive_offset(y: int) -> list[str]:
    dt = datetime.datetime(y, 1, 2, 3)
    aware = dt.replace(tzinfo=timezone.utc)
    return [repr(dt.utcoffset()), repr(dt.tzname()), str(dt.tzinfo is None), dt.strftime("[%z][%Z]"), repr(dt.dst()),
            repr(aware.dst())]


# astimezone(tz): the same instant elsewhere; OverflowError past the years 1..9999
def converted(y: int, h: int, src_minutes: int, dst_minutes: int) -> datetime.datetime:
    dt = datetime.datetime(y, 1, 1, h, tzinfo=timezone(timedelta(minutes=src_minutes)))
    return dt.astimezone(timezone(timedelta(minutes=dst_minutes), "dst"))


# comparisons in UTC; == between naive and aware is False, ordering them is a TypeError
def compared(h1: int, m1: int, h2: int, m2: int, naive: bool) -> list[bool]:
    a = datetime.datetime(2024, 6, 1, h1, tzinfo=timezone(timedelta(minutes=m1)))
    if naive:
        b = datetime.datetime(2024, 6, 1, h2)
    else:
        b = datetime.datetime(2024, 6, 1, h2, tzinfo=timezone(timedelta(minutes=m2)))
    out = [a == b, a != b]
    out.append(a < b)
    out.append(a >= b)
    return out


# aware - aware is the difference of the instants; aware - naive a TypeError; aware + td keeps the zone
def subtracted(h1: int, m1: int, h2: int, m2: int, naive: bool) -> list[str]:
    a = datetime.datetime(2024, 6, 1, h1, tzinfo=timezone(timedelta(minutes=m1)))
    shifted = a + timedelta(hours=30)
    if naive:
        b = datetime.datetime(2024, 6, 1, h2)
    else:
        b = datetime.datetime(2024, 6, 1, h2, tzinfo=timezone(timedelta(minutes=m2)))
    return [repr(shifted), repr(a - b), repr(b - a)]


# timestamp() of an aware datetime: seconds since the epoch, correctly rounded
def stamp(y: int, mo: int, us: int, minutes: int) -> float:
    return datetime.datetime(y, mo, 1, 12, 0, 0, us, tzinfo=timezone(timedelta(minutes=minutes))).timestamp()


# replace(tzinfo=...): attach, change, or drop the zone (the wall time is kept)
def rezoned(minutes: int) -> list[str]:
    dt = datetime.datetime(2024, 2, 29, 23, 59)
    aware = dt.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    utc = aware.replace(tzinfo=timezone.utc)
    back = utc.replace(tzinfo=None)
    kept = aware.replace(hour=1)
    return [repr(aware), repr(utc), repr(back), repr(kept), str(aware == utc)]


# datetime.fromisoformat with offsets: CPython 3.11's parser and its errors
def parsed(s: str) -> str:
    return repr(datetime.datetime.fromisoformat(s))


# aware datetimes and timezones as arguments and results
def later(a: datetime.datetime, b: datetime.datetime) -> datetime.datetime:
    return a if a > b else b


def in_zone(dt: datetime.datetime, tz: timezone) -> datetime.datetime:
    return dt.astimezone(tz)


def zone_of(dt: datetime.datetime) -> Optional[timezone]:
    return dt.tzinfo


# datetime.now(timezone.utc): the clock (only its zone is compared)
def now_zone() -> str:
    now = datetime.datetime.now(timezone.utc)
    return repr(now.tzinfo) + str(now.year >= 2024)


# re: a group that took no part is None (typed Optional[str] where the pattern makes it optional:
# under `?`, `*`, `|`), a str where it always takes part
def opt_groups(s: str) -> list[str]:
    m = re.match(r"(\w+)(?:=(\d+))?(,)?", s)
    if m is None:
        return ["no match"]
    value = m.group(2)
    first, second, comma = m.groups()
    return [m.group(1), repr(value), str(value is None), first, repr(second), repr(comma), repr(m.group(1, 3))]


def opt_named(s: str) -> str:
    m = re.search(r"(?P<key>[a-z]+)(?::(?P<val>\d+))?", s)
    if m is None:
        return ""
    val = m.group("val")
    return f"{m.group('key')}={val if val is not None else '-'} {m.groupdict()!r}"


def alt_group(s: str) -> Optional[str]:
    m = re.fullmatch(r"(a+)|(b+)", s)
    return m.group(2) if m else None


# module constants holding timezones (statics), typed by the evaluator
def to_zones(dt: datetime.datetime) -> list[str]:
    return [str(dt.astimezone(UTC)), str(dt.astimezone(EST)), repr(EST), str(UTC == EST)]
