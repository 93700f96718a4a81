"""Python's numbers exactly in the standard library (issue 12): timedelta arithmetic with floats
(one small crate build for the module: tests/data/numbers_lib.py, each call run in Python and in
Rust), and the case transport of a translated list subclass (no build)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from conftest import DiffRun, needs_cargo, run_differential

SRC = (Path(__file__).parent / "data" / "numbers_lib.py").read_text(encoding="utf-8")

CASES = {
    "td_scaled": [
        "0, 1, 0.5", "0, 3, 0.5", "0, -3, 0.5", "0, 5, 0.5", "0, 3, -1.5", "1, 0, 1.0 / 3", "1, 7, 0.1",
        "0, 1, 5e-324", "999999999, 0, 1.0000000000000002", "1, 0, 1e9", "1, 0, 1e10", "-1, 0, 1e9",
        "1, 0, 1e-12", "0, 0, 1e300", "0, 0, 0.0", "1, 0, -0.0", "1, 0, float('nan')", "1, 0, float('inf')",
        "-3, 123457, 2.5", "12345, 987654, 0.7",
    ],
    "td_divided": [
        "1, 0, 0, 7", "-1, 0, 0, 7", "7, 0, 0, -18000000000", "999999999, 999999, 0, 100000", "999999999, 123, 3, 5",
        "5, 0, 0, 0", "0, 0, 1, 0", "-999999999, 0, 1, 1",
    ],
    "td_average": [
        "[timedelta(days=1), timedelta(microseconds=3)], 0.5", "[], 2.0", "[timedelta(days=-5, microseconds=1)], 1.5",
        "[timedelta(days=999999999)], 4.0",
    ],
    "match_pair": ["re.match(r'(\\w+)=(\\w*)', 'ab=cd x')", "re.search(r'(\\d)(x)', '\\u00e9\\u00e9 1x')",
                   "re.match(r'(a)', 'a')", "re.match(r'(a)(b)(c)', 'abc')"],
    "match_named_item": ["re.match(r'(?P<key>\\w+)', 'k v')", "re.match(r'(?P<k>a)', 'a')"],
    "iso_week": ["2024, 1, 1", "2020, 12, 31", "2021, 1, 3", "1, 1, 1", "9999, 12, 31", "2026, 12, 7", "2008, 12, 29",
                 "2010, 1, 3", "2004, 12, 31", "2005, 1, 1", "1, 1, 3"],
    "replaced": ["datetime.date(2024, 1, 31), 29, 23", "datetime.date(2023, 3, 1), 29, 0", "datetime.date(2024, 2, 29), 31, 5",
                 "datetime.date(1, 1, 1), 0, 1", "datetime.date(2024, 5, 5), 1, 24", "datetime.date(2024, 5, 5), 2, 59"],
}
CALLS = [f"{f}({a})" for f, args in CASES.items() for a in args]


@pytest.fixture(scope="module")
def lib(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(SRC, CALLS, tmp_path_factory.mktemp("numbers"), toolchain)


@needs_cargo
def test_every_function_translates(lib: DiffRun) -> None:
    functions = lib.module_report()["functions"]
    assert {f["name"] for f in functions} == set(CASES)
    assert all(f["status"] == "translated" for f in functions), [f for f in functions if f["status"] != "translated"]
    rust = (lib.crate_dir / "src" / "sample.rs").read_text(encoding="utf-8")
    assert "times_float" in rust and "div_float" in rust and "PyTimedelta::divmod" in rust
    assert "group_count() != 2" in rust and 'index_of("key")' in rust


@needs_cargo
@pytest.mark.parametrize("call", CALLS)
def test_matches_python(lib: DiffRun, call: str) -> None:
    lib.check(call)


def test_timedelta_arithmetic_types() -> None:
    """The evaluator types what datetime's operators give (unannotated locals of such code)."""
    from portalis.analysis.values import arithmetic
    from portalis.model import PyType
    from portalis.types import pytypes as T

    td, date, dt = PyType(kind="timedelta"), PyType(kind="date"), PyType(kind="datetime")
    assert arithmetic("*", td, T.FLOAT) == td and arithmetic("*", T.INT, td) == td
    assert arithmetic("/", td, td) == T.FLOAT and arithmetic("//", td, td) == T.INT and arithmetic("%", td, td) == td
    assert arithmetic("/", td, T.FLOAT) == td and arithmetic("//", td, T.FLOAT) is None  # TypeError in Python
    assert arithmetic("-", date, date) == td and arithmetic("+", td, dt) == dt and arithmetic("-", dt, td) == dt
    assert arithmetic("+", date, date) is None and arithmetic("*", td, td) is None


class _Tokens(list):
    """A list subclass with attributes, as email._header_value_parser's TokenList."""

    def __init__(self, *args):
        super().__init__(*args)
        self.defects = []


def test_translated_list_subclass_crosses_as_its_class(monkeypatch) -> None:
    """An instance of a repository class deriving from list, which the translation made a struct
    of its attributes, is encoded as that class (it was `[]`, which no struct literal takes:
    PTL721 "argument cannot be written in Rust" for 97 methods of the stdlib corpus); one holding
    items has no Rust form (the struct has no place for them)."""
    from portalis.validate import worker

    key = f"{_Tokens.__module__}:{_Tokens.__name__}"
    monkeypatch.setattr(worker, "_ROOTS", [str(Path(__file__).resolve().parent)])
    monkeypatch.setitem(worker._FIELDS, key, ["defects"])
    empty = _Tokens()
    assert worker.encode(empty) == {"class": key, "fields": [["defects", []]]}
    assert worker.canonical(empty) == {"__class__": "_Tokens", "defects": []}
    with pytest.raises(TypeError, match="holding 2 list items"):
        worker.encode(_Tokens([1, 2]))
    # a class the translation does not know stays the list it is
    monkeypatch.delitem(worker._FIELDS, key)
    assert worker.encode(_Tokens([1])) == [1] and worker.encode([]) == []


def test_timedelta_transport_unchanged() -> None:
    from portalis.validate import worker

    td = datetime.timedelta(days=-1, microseconds=5)
    assert worker.decode(worker.encode(td)) == td
