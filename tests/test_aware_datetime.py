"""Timezone-aware datetimes (issue 12): `datetime.timezone` (fixed offsets) held by the runtime's
PyDateTime, each operation run in Python and in Rust in one small crate build
(tests/data/aware_lib.py), error cases included; the case transport of aware values (no build).
The same build runs `re` groups that may take no part (None in Python, typed Optional[str])."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from conftest import DiffRun, needs_cargo, run_differential

SRC = (Path(__file__).parent / "data" / "aware_lib.py").read_text(encoding="utf-8")

ISO = ["2024-01-02T03:04:05+01:00", "2024-01-02T03:04:05Z", "2024-01-02 03:04:05.123-0530", "2024-01-02T03:04:05+00:00:00.5",
       "2024-01-02T03:04:05-05:30:15.000123", "2024-01-02T03:04:05+24:00", "2024-01-02T03:04:05+", "2024-01-02T03Z",
       "2024-W01-1T10:00+14:00", "20240102T030405.1234567-0530", "2024-13-02T03:04+01:00", "2024-01-02T25:00Z",
       "2024-01-02T03:04:05Zx", "2024-01-02", "2024-01-02\u00e903:04", "not a date"]
CASES = {
    "zone_text": ["60, 0, 0, None", "0, 0, 0, None", "0, 0, 0, 'UTC'", "-330, 0, 0, 'IST?'", "61, 1, 5, None", "0, -1, 0, None",
                  "1440, 0, 0, None", "-1440, 0, 0, 'x'", "1439, 59, 999999, None"],
    "aware_text": ["2024, 1, 2, 3, 60, 0", "2024, 1, 2, 3, 0, 6", "1, 1, 1, 0, -90, 5", "9999, 12, 31, 23, 1439, 999999"],
    "naive_offset": ["2024"],
    "converted": ["2024, 1, 60, 0", "2024, 0, 60, -300", "1, 0, 60, 0", "9999, 23, -120, 600", "2024, 12, 0, 0"],
    "compared": ["12, 60, 11, 0, False", "12, 60, 12, 0, False", "12, 0, 12, 0, True", "5, 0, 6, 0, True"],
    "subtracted": ["12, 60, 11, 0, False", "12, 0, 12, -720, False", "12, 0, 12, 0, True"],
    "stamp": ["2024, 1, 0, 0", "1970, 1, 1, 0", "1, 1, 0, 0", "9999, 12, 999999, -60", "2038, 1, 123456, 330"],
    "rezoned": ["60", "0", "-1"],
    "parsed": [repr(s) for s in ISO],
    "later": ["datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc), datetime.datetime(2024, 1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))",
              "datetime.datetime(2024, 1, 1), datetime.datetime(2024, 1, 2)",
              "datetime.datetime(2024, 1, 1), datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc)"],
    "in_zone": ["datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc), datetime.timezone(datetime.timedelta(hours=-5), 'EST')",
                "datetime.datetime(2024, 1, 1, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=5))), datetime.timezone.utc"],
    "zone_of": ["datetime.datetime(2024, 1, 1)", "datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(0), 'UTC'))",
                "datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(minutes=-1)))"],
    "now_zone": [""],
    "opt_groups": ["'ab=12,'", "'ab'", "'ab,'", "'=1'", "'é=3'"],
    "opt_named": ["'key:5 x'", "'key x'", "'12'"],
    "alt_group": ["'aa'", "'bb'", "'ab'"],
    "to_zones": ["datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))",
                 "datetime.datetime(9999, 12, 31, 23, tzinfo=datetime.timezone(datetime.timedelta(hours=-9)))"],
}
CALLS = [f"{f}({a})" for f, args in CASES.items() for a in args]


@pytest.fixture(scope="module")
def lib(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(SRC, CALLS, tmp_path_factory.mktemp("aware"), toolchain)


@needs_cargo
def test_every_function_translates(lib: DiffRun) -> None:
    functions = lib.module_report()["functions"]
    assert {f["name"] for f in functions} == set(CASES)
    assert all(f["status"] == "translated" for f in functions), [f for f in functions if f["status"] != "translated"]
    rust = (lib.crate_dir / "src" / "sample.rs").read_text(encoding="utf-8")
    assert "PyDateTime::cmp_py" in rust and "PyTimezone::new" in rust and "with_tz" in rust


@needs_cargo
@pytest.mark.parametrize("call", CALLS)
def test_matches_python(lib: DiffRun, call: str) -> None:
    lib.check(call)


def test_aware_values_cross_the_boundary() -> None:
    """An aware datetime and a timezone go through the worker's codec and back equal (the name
    kept only where the zone was made with one: its repr is what results compare), print as
    Rust struct literals, and have Python's repr as their canonical form; another tzinfo class
    has no Rust form."""
    from portalis.model import PyType
    from portalis.rust.values import NoRustValue, value_expr
    from portalis.rust.printer import print_expr
    from portalis.validate.literals import library_canonical
    from portalis.validate.worker import decode_library, encode_library

    zones = [datetime.timezone.utc, datetime.timezone(datetime.timedelta(0), "UTC"),
             datetime.timezone(datetime.timedelta(hours=-5, seconds=-1, microseconds=-3), "EST"),
             datetime.timezone(datetime.timedelta(minutes=90))]
    for tz in zones:
        dt = datetime.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=tz)
        for value in (dt, tz):
            back = decode_library(encode_library(value))
            assert repr(back) == repr(value)
        assert library_canonical(dt) == {"__class__": "datetime", "repr": repr(dt)}
    assert decode_library(encode_library(datetime.timezone.utc)) is datetime.timezone.utc
    rust = print_expr(value_expr(datetime.datetime(2024, 1, 2, tzinfo=zones[2]), PyType(kind="datetime")))
    assert "tz: Some(crate::pyrt::PyTimezone { offset: -18001000003, name: Some(\"EST\") })" in rust
    assert "tz: None" in print_expr(value_expr(datetime.datetime(2024, 1, 2), PyType(kind="datetime")))
    assert print_expr(value_expr(datetime.timezone.utc, PyType(kind="timezone"))) == \
        "crate::pyrt::PyTimezone { offset: 0, name: None }"

    class Other(datetime.tzinfo):
        def utcoffset(self, dt):
            return datetime.timedelta(0)

    odd = datetime.datetime(2024, 1, 2, tzinfo=Other())
    assert encode_library(odd) is None and library_canonical(odd) is None
    with pytest.raises(NoRustValue):
        value_expr(odd, PyType(kind="datetime"))


def _lowered(source: str) -> str:
    from conftest import type_map_of
    from portalis.lower.module import lower_module
    from portalis.parse import parse_source, source_module_from_text

    parsed = parse_source(source_module_from_text("sample", source), source)
    tm = type_map_of(source)
    return "\n".join(i.code for i in lower_module(parsed, tm, {"sample": tm}, None).items)


@pytest.mark.parametrize("body, needle", [
    ("datetime.now()", 'todo!("portalis PTL133'),  # the local time zone
    ("datetime.today()", 'todo!("portalis PTL133'),
    ("dt.astimezone()", 'todo!("portalis PTL133'),
    ("datetime(2024, 1, 1, fold=1)", 'todo!("portalis PTL133'),
    ("timezone(5)", 'todo!("portalis PTL113'),  # TypeError in Python
    ("timezone(timedelta(0), 5)", 'todo!("portalis PTL113'),
    ("datetime.now(timezone.utc)", "crate::pyrt::PyDateTime::now(crate::pyrt::PyTimezone::UTC)"),
    ("datetime.fromisoformat(s)", "crate::pyrt::PyDateTime::fromisoformat(s)"),
    ("dt.replace(tzinfo=None)", ".with_tz(None)"),
    ("dt.replace(minute=1)", ".with_tz(__base1.tz)"),
    ("dt < dt", "crate::pyrt::PyDateTime::cmp_py(dt, dt).unwrap_or_else(|__e1| panic!(\"{}\", __e1)) < std::cmp::Ordering::Equal"),
])
def test_aware_lowering(body: str, needle: str) -> None:
    """What stays untranslated says why (local time, fold, Python's TypeErrors), and what is
    translated calls the runtime's aware operations (no build)."""
    rust = _lowered("from datetime import datetime, timedelta, timezone\n\n\n"
                    f"def f(dt: datetime, s: str) -> None:\n    x = {body}\n    print(x)\n")
    assert needle in rust, rust


@pytest.mark.parametrize("pattern, optional", [
    (r"(a)(b)?(c|(d))*(?P<x>e)+", (2, 3, 4)), (r"(a)|(b)", (1, 2)), (r"((a)b)?c", (1, 2)), (r"(a){0,3}(b){1,2}", (1,)),
    (r"(?:(a)|b)(c)", (1,)), (r"(?=(a))a", (1,)), (r"x", ()), (r"(", ()),
])
def test_optional_groups(pattern: str, optional: tuple[int, ...]) -> None:
    """Which groups may take no part: under a `|`, a repeat that may run zero times, a look-around."""
    from portalis.regex_syntax import group_type, match_type, optional_groups

    assert optional_groups(pattern) == optional
    t = match_type(5, (("x", 5),), optional)
    assert group_type(t, 1).kind == ("optional" if 1 in optional else "str")
    assert group_type(t, "x").kind == "str" and group_type(t, None).kind == "str"


def test_generated_datetimes_are_aware_too() -> None:
    """Generated cases draw aware datetimes (fixed offsets, named or not) besides naive ones,
    and timezones; each has a Rust literal."""
    from hypothesis import find

    from portalis.model import PyType
    from portalis.rust.printer import print_expr
    from portalis.rust.values import value_expr
    from portalis.validate.cases import strategy_for

    dts = strategy_for(PyType(kind="datetime"), {})
    named = find(dts, lambda d: d.tzinfo is not None and d.tzinfo.tzname(None) == "CET")
    assert "Some(\"CET\")" in print_expr(value_expr(named, PyType(kind="datetime")))
    assert find(dts, lambda d: d.tzinfo is None).tzinfo is None
    zone = find(strategy_for(PyType(kind="timezone"), {}), lambda z: z.utcoffset(None).seconds % 60 != 0)
    assert -86_400 < zone.utcoffset(None).total_seconds() < 86_400
