"""Exceptions, differential: raise, try/except/else/finally and error propagation.

A function an exception can leave returns `Result<T, PyErr>`; the harness compares an `Err`
(or a panic) with the Python exception by class name. Implicit exceptions (int("x"), d[k],
xs[i], 1 // 0, unpacking) are caught by the handlers around them; uncaught ones end the call
as in Python.
"""

from __future__ import annotations

import pytest

from conftest import DiffRun, needs_cargo, run_differential

pytestmark = needs_cargo

EXCEPTIONS_SRC = '''
from typing import Dict, List


class AppError(ValueError):
    """A module's own exception class (a ValueError)."""


class Missing(LookupError):
    pass


def parse_all(items: List[str]) -> List[int]:
    out = []
    for s in items:
        try:
            out.append(int(s))
        except ValueError:
            out.append(-1)
    return out


def checked_div(a: int, b: int) -> int:
    if b == 0:
        raise ZeroDivisionError("no zero")
    return a // b


def safe_div(a: int, b: int) -> int:
    try:
        return checked_div(a, b)
    except ZeroDivisionError:
        return 0


def implicit_div(a: int, b: int) -> float:
    try:
        return a / b
    except ArithmeticError:
        return -1.0


def lookup(d: Dict[str, int], k: str) -> int:
    try:
        v = d[k]
    except KeyError:
        return -1
    else:
        return v * 2


def validate(n: int) -> int:
    if n < 0:
        raise AppError(f"negative: {n}")
    return n


def catch_custom(n: int) -> str:
    try:
        validate(n)
        return "ok"
    except ValueError as e:
        return "bad " + str(e)


def propagates(n: int) -> int:
    return validate(n) + 1


def not_caught(n: int) -> int:
    try:
        return validate(n)
    except KeyError:
        return 0


def reraise(xs: List[int], i: int) -> int:
    try:
        return xs[i]
    except IndexError:
        if i > 100:
            raise
        return -1


def several(s: str, d: Dict[str, int]) -> str:
    try:
        return str(d[s] + int(s))
    except (KeyError, ValueError) as e:
        return type_name(e)


def type_name(e: Exception) -> str:
    return "error"


def with_finally(xs: List[int]) -> List[int]:
    log = []
    try:
        log.append(xs[0])
    except IndexError:
        log.append(-1)
    finally:
        log.append(99)
    return log


def valid_date(date: str) -> bool:
    try:
        month, day, year = date.split("-")
        month, day, year = int(month), int(day), int(year)
        if month < 1 or month > 12:
            return False
        if day < 1 or day > 31:
            return False
    except:
        return False
    return year > 0


def find(items: List[str], target: str) -> int:
    for i, item in enumerate(items):
        if item == target:
            return i
    raise Missing(target)


def find_or(items: List[str], target: str) -> int:
    try:
        return find(items, target)
    except LookupError:
        return -1


def assert_positive(n: int) -> int:
    assert n > 0, "must be positive"
    return n
'''

CALLS = [
    "parse_all(['1', 'x', '-3'])", "safe_div(7, 2)", "safe_div(7, 0)", "checked_div(1, 0)", "implicit_div(1, 0)",
    "implicit_div(1, 4)", "lookup({'a': 2}, 'a')", "lookup({'a': 2}, 'b')", "catch_custom(3)", "catch_custom(-3)",
    "propagates(4)", "propagates(-4)", "not_caught(-1)", "reraise([1, 2], 1)", "reraise([1, 2], 5)",
    "reraise([1, 2], 500)", "several('x', {'x': 1})", "several('7', {'7': 1})", "several('q', {})",
    "with_finally([])", "with_finally([5])", "valid_date('03-11-2000')", "valid_date('15-01-2012')",
    "valid_date('03/11/2000')", "valid_date('aa-11-2000')", "find(['a', 'b'], 'b')", "find(['a'], 'z')",
    "find_or(['a'], 'z')", "assert_positive(3)", "assert_positive(-3)",
]


@pytest.fixture(scope="module")
def exceptions(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(EXCEPTIONS_SRC, CALLS, tmp_path_factory.mktemp("exceptions"), toolchain)


def test_exceptions_module_translates_completely(exceptions: DiffRun) -> None:
    module = exceptions.module_report()
    bad = {f["name"]: f["status"] for f in module["functions"] if f["status"] != "translated"}
    assert not bad, (bad, module["diagnostics"])


@pytest.mark.parametrize("call", CALLS)
def test_exceptions(exceptions: DiffRun, call: str) -> None:
    exceptions.check(call)


def test_raising_functions_return_result(exceptions: DiffRun) -> None:
    sigs = {f.name: f for f in exceptions.type_maps["sample"].functions}
    assert sigs["checked_div"].raises and sigs["checked_div"].rust_returns == "Result<i64, crate::pyrt::PyErr>"
    assert sigs["propagates"].raises  # calls a raising function outside a handler
    assert sigs["find"].raises and sigs["validate"].raises
    assert not sigs["parse_all"].raises and not sigs["lookup"].raises  # they catch what they raise
    rust = (exceptions.crate_dir / "src" / "sample.rs").read_text(encoding="utf-8")
    assert "validate(n)? + 1" in rust  # `?` propagates
