"""decimal.Decimal, statistics basics and seeded random (issue 12, item 3): tests/data/decimal_lib.py run in
Python and in its Rust translation (pyrt::PyDecimal under Python's default context; the
statistics helpers), one crate build for the module; plus golden tests of the diagnostics (no
build)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from conftest import DiffRun, needs_cargo, run_differential
from portalis.validate.literals import Raised

SRC = (Path(__file__).parent / "data" / "decimal_lib.py").read_text(encoding="utf-8")


def _operands(seed: int, n: int) -> list[str]:
    """Finite Decimals of 1-40 digits, exponents -40..40 and a few near the context's limits."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.choice((1, 2, 3, 5, 12, 27, 28, 29, 40))))
        exp = rng.choice((0, -1, -2, rng.randint(-40, 40), rng.choice((-999990, 999960))))
        out.append(f"{rng.choice(('', '-'))}{digits}E{exp}")
    return out


EDGE = ["0", "-0", "1.10", "2.2", "1E+2", "100", "0.000001", "0.0000001", "123E-12", "-0E+3", "Infinity", "-inf",
        "NaN", "-NaN7", "1E+999999", "9.999999999999999999999999999E+999999", "1E-1000026", "1." + "9" * 30,
        "0.5", "2.5", "-2.5", "1234567890123456789012345678.5"]
CALLS = [
    *(f"made({s!r})" for s in EDGE + ["_1", " 1_0 ", "\u0663.5", "\u2003 1", "1 2", ".", ".5", "5.", "+.5e-3", "e5", "1e",
                                     "x", "", "sNaN", "NaN0012", "1E+1000000000000000000", "1e-1999999999999999998"]),
    *(f"shown({s!r})" for s in ("1.10", "1E+2", "-0", "NaN", "-Infinity", "0.00000012")),
    "from_int(0)", "from_int(-9223372036854775808)", "from_int(10)",
    *(f"from_float({x})" for x in ("0.1", "-0.0", "5e-324", "1e300", "float('nan')", "float('-inf')", "2.5", "1e16")),
    *(f"ops({a!r}, {b!r})" for a, b in [("1.10", "2.2"), ("1", "3"), ("-7", "2"), ("7", "-2"), ("10", "0.3"),
                                        ("1E+2", "7"), ("0", "0"), ("1", "0"), ("0", "5"), ("Infinity", "2"),
                                        ("Infinity", "-Infinity"), ("NaN", "1"), ("sNaN", "1"), ("1E+30", "1E-30"),
                                        ("9.999999999999999999999999999E+999999", "10"), ("1E+29", "0.1"),
                                        ("12345678901234567890.123456789", "0.000000000000000000001")]),
    f"many_ops({_operands(1, 150)!r}, {_operands(2, 150)!r})",
    *(f"with_ints(Decimal({s!r}), {n})" for s, n in [("1.10", 2), ("-3.5", -7), ("0.1", 0), ("1E+28", 9223372036854775807)]),
    *(f"price(Decimal({a!r}), Decimal({r!r}))" for a, r in [("19.99", "0.0825"), ("0.05", "0.1"), ("100", "0.075"),
                                                             ("2.675", "1"), ("-10.005", "1")]),
    *(f"quantized({s!r}, {q!r})" for s, q in [("2.675", "0.01"), ("-2.675", "0.01"), ("2.665", "0.01"), ("1.05", "0.1"),
                                              ("0.001", "1"), ("123.456", "1E+1"), ("9.995", "0.01"), ("1E+30", "0.01"),
                                              ("Infinity", "1"), ("NaN", "1"), ("5", "1E-1000030"), ("-0.0000", "0.1")]),
    *(f"compared({a!r}, {b!r})" for a, b in [("1.0", "1"), ("-0", "0"), ("2", "10"), ("-Infinity", "1E+999999"),
                                             ("1.10", "1.1"), ("0.3", "0.30000000000000000000000000001"), ("NaN", "1")]),
    "equal('NaN', 'NaN')", "equal('1E+2', '100.00')", "equal('sNaN', '1')",
    *(f"with_int_compare(Decimal({s!r}), {n})" for s, n in [("1.0", 1), ("-0.5", 0), ("9223372036854775807", 9223372036854775807)]),
    *(f"converted({s!r})" for s in ("-7.9", "1E+2", "0.0", "12345678901234567.5", "-9223372036854775808",
                                    "NaN", "Infinity", "1E-1000026")),
    *(f"rounded({s!r}, {n})" for s, n in [("2.5", 0), ("3.5", 2), ("-2.675", 2), ("123.456", -2), ("NaN", 1), ("1E+18", -40)]),
    "precision()",
    "total([Decimal('0.1'), Decimal('0.2'), Decimal('-0.30')])", "total([])",
    "average([Decimal('1'), Decimal('2')])", "average([Decimal('10'), Decimal('0.5'), Decimal('3')])", "average([])",
    "safe_div('1', '0')", "safe_div('0', '0')", "safe_div('1', '8')", "safe_div('x', '1')",
    "parsed_or_none('1.5e3')", "parsed_or_none('1,5')",
    # statistics and math.fsum
    *(f"stats({xs})" for xs in ("[1.0, 2.0, 3.0, 4.0]", "[2.5]", "[0.1] * 10", "[1e308, 1e308]", "[1.0, float('inf')]",
                                "[float('inf'), float('-inf')]", "[]", "[3.0, -0.0, 0.0, 1e-300]")),
    *(f"spread({xs})" for xs in ("[1.5, 2.5, 2.5, 2.75, 3.25, 4.75]", "[1e308, -1e308]", "[2.0]", "[1.0, 1.0]",
                                 "[0.1, 0.2, 0.3]", "[1.0, float('nan')]", "[float('inf'), 1.0]")),
    *(f"int_stats({xs})" for xs in ("[1, 2, 3, 4]", "[7]", "[]", "[9007199254740993, 1]", "[-5, 5, 0]")),
    *(f"summed({xs})" for xs in ("[0.1] * 10", "[1e308, 1e308, -1e308]", "[1e100, 1.0, -1e100]", "[float('inf'), 1.0]",
                                 "[float('inf'), float('-inf')]", "[float('nan'), float('inf')]", "[]", "[5e-324, -5e-324, 1e-320]")),
    f"summed({[random.Random(3).uniform(-1e6, 1e6) * 10.0 ** random.Random(4).randint(-20, 20) for _ in range(200)]})",
    *(f"spread({[random.Random(s).uniform(-1e3, 1e3) for _ in range(40)]})" for s in range(5, 9)),
    "safe_mean([])", "safe_mean([1.0, 2.0])",
    # random after random.seed(n): Python's Mersenne Twister
    *(f"dice({s}, 10)" for s in (0, 1, 42, -42, 2**32, 2**63 - 1)),
    *(f"draws({s})" for s in (0, 7, 123456789012, -(2**63) + 1)),
    *(f"ranges({s}, {a}, {b}, {st})" for s, a, b, st in [(1, 0, 10, 1), (2, 10, -10, -3), (3, -5, 2**40, 7), (4, 0, 0, 1),
                                                        (5, 3, 9, 0), (6, -9223372036854775807, 9223372036854775806, 1)]),
    # sum() of Decimals (an empty sum(ds) is Python's int 0: see docs, not compared here)
    *(f"sum_prices([Decimal(s) for s in {xs!r}])" for xs in (["0.1", "0.2", "-0.30"], ["-0"], ["1E+999999", "9E+999999"],
                                                              ["Infinity", "-Infinity"], ["NaN", "1"], ["1." + "1" * 30, "1"])),
    *(f"sum_from([Decimal(s) for s in {xs!r}], Decimal({st!r}))" for xs, st in [([], "1.50"), (["2.25"], "-0"), (["sNaN"], "1")]),
    "order_total([Decimal('19.99'), Decimal('0.05')], [3, 7])", "order_total([], [])",
    # random.sample / random.choices after a seed
    *(f"picked({s}, ['a', 'b', 'c', 'd', 'e', 'f', 'g'], {k})" for s, k in [(0, 3), (1, 7), (42, 0), (5, 8), (6, -1)]),
    *(f"sampled_ints({s}, {n}, {k})" for s, n, k in [(7, 1000, 10), (3, 50, 10), (5, 100, 100), (9, 85, 20), (11, 86, 20),
                                                    (2, 10**5, 6)]),
    *(f"chosen({s}, {xs!r}, {k})" for s, xs, k in [(0, ["a", "b", "c"], 5), (4, ["x"], 3), (8, [], 0), (8, [], 2),
                                                   (1, ["a", "b"], -3)]),
    *(f"weighted({s}, ['a', 'b', 'c'], {ws}, {k})" for s, ws, k in [(0, "[0.1, 0.7, 0.2]", 8), (3, "[1.0, 0.0, 0.0]", 4),
                                                                      (1, "[0.0, 0.0, 0.0]", 1), (1, "[1.0, float('inf'), 1.0]", 1),
                                                                      (1, "[1.0, 2.0]", 1), (2, "[float('nan'), 1.0, 1.0]", 2)]),
    *(f"sample_range({s}, {n}, {k})" for s, n, k in [(1, 10**9, 5), (2, 10, 10), (3, 10, 11), (4, 0, 0), (5, 2**62, 3)]),
    *(f"sample_stepped({s}, {a}, {b}, {st}, {k})" for s, a, b, st, k in [(4, 100, -100, -7, 6), (5, -50, 50, 3, 33),
                                                                        (6, 0, 10, 0, 1), (7, 5, 5, 1, 0), (8, 10**18, -10**18, -10**17, 4)]),
    "weighted(5, [], [], 1)", "weighted_int(0, ['a', 'b', 'c'], [5, 0, 1], 10)", "weighted_int(1, ['a', 'b'], [-1, 1], 1)",
    "deal(3, ['a', 'b', 'c', 'd', 'e'])", "deal(3, [])", "deal(99, ['x'])",
    *(f"shuffled({s}, {n})" for s, n in [(0, 0), (1, 1), (2, 20), (12345, 52)]),
    # Decimals hashed (numerically equal values alike) and ordered (a NaN raises)
    *(f"{f}([Decimal(s) for s in {xs!r}])" for f in ("distinct", "ordered", "biggest", "tally")
      for xs in (["1.0", "1", "1E+0", "-0", "0.00", "2.50", "2.5", "-Infinity"], ["NaN", "NaN", "1"], [], ["3", "-1E+2", "0.5"])),
]

# Python's int() of these grows past i64: the Rust raises OverflowError (as every int does).
GROWS = ["converted('1E+19')", "rounded('1E+30', -29)"]
# Where a NaN lands in Python's sort depends on the input's order: the median raises
# NotImplementedError rather than guess.
REFUSED = ["stats([1.0, float('nan')])"]


@pytest.fixture(scope="module")
def lib(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(SRC, CALLS + GROWS + REFUSED, tmp_path_factory.mktemp("decimal"), toolchain)


@needs_cargo
def test_every_function_translates(lib: DiffRun) -> None:
    functions = lib.module_report()["functions"]
    assert all(f["status"] == "translated" for f in functions), [f for f in functions if f["status"] != "translated"]
    manifest = (lib.crate_dir / "Cargo.toml").read_text(encoding="utf-8")
    assert 'num-bigint = "=' in manifest and "rust_decimal" not in manifest  # indexmap: the dict of `tally`


@needs_cargo
@pytest.mark.parametrize("call", CALLS)
def test_matches_python(lib: DiffRun, call: str) -> None:
    lib.check(call)


@needs_cargo
@pytest.mark.parametrize("call", GROWS)
def test_ints_beyond_i64_raise_overflow_error(lib: DiffRun, call: str) -> None:
    result = lib.results[call]
    assert not isinstance(result.expected, Raised)
    assert result.actual == Raised("OverflowError"), result.explain()


@needs_cargo
def test_median_of_nan_is_refused(lib: DiffRun) -> None:
    result = lib.results[REFUSED[0]]
    assert not isinstance(result.expected, Raised) and result.actual == Raised("NotImplementedError"), result.explain()


def _module(source: str):
    from conftest import type_map_of
    from portalis.lower.module import lower_module
    from portalis.parse import parse_source, source_module_from_text

    parsed = parse_source(source_module_from_text("sample", source), source)
    tm = type_map_of(source)
    return lower_module(parsed, tm, {"sample": tm}, None)


@pytest.mark.parametrize("body, code, words", [
    ("    decimal.getcontext().prec = 50\n    return d", "PTL", "context"),
    ("    with decimal.localcontext() as ctx:\n        return d", "PTL120", "with"),
    ("    return d + 1.5", "PTL113", "TypeError"),
    ("    return d ** 2", "PTL133", "Power"),
    ("    return d.sqrt()", "PTL134", "sqrt"),
    ("    return d if d < 0.5 else d", "PTL133", "float"),
    ("    return Decimal(str(d), decimal.Context(prec=5))", "PTL133", "context"),
    ("    return Decimal(f'{d:.2f}')", "PTL", ""),
])
def test_what_is_not_translated_is_a_diagnostic(body: str, code: str, words: str) -> None:
    """A changed context, a float operand, `**`, format specs, other methods: never a
    silently different result."""
    out = _module(f"import decimal\nfrom decimal import Decimal\n\n\ndef f(d: Decimal) -> Decimal:\n{body}\n")
    found = [d for d in out.diagnostics if d.function == "f"]
    assert found and found[0].code.startswith(code) and words in found[0].message, found
    assert 'todo!("portalis' in "\n".join(i.code for i in out.items)


def test_decimal_types_and_transport() -> None:
    """The evaluator types Decimal arithmetic (unannotated locals); a Decimal crosses as its str
    (exact) and is written as a `decimal_lit` in the harness."""
    import decimal

    from portalis.analysis.values import arithmetic
    from portalis.model import PyType
    from portalis.types import pytypes as T
    from portalis.validate.literals import RustLiterals
    from portalis.validate.worker import decode_library, encode_library

    dec = PyType(kind="decimal")
    assert arithmetic("+", dec, T.INT) == dec and arithmetic("/", T.INT, dec) == dec and arithmetic("*", dec, T.FLOAT) is None
    for s in ("1.10", "-0", "NaN12", "-Infinity", "1E+999999", "sNaN"):
        value = decimal.Decimal(s)
        assert str(decode_library(encode_library(value))) == s
    assert RustLiterals("c", {}).owned(decimal.Decimal("1.10"), dec) == 'c::pyrt::decimal_lit("1.10")'


@pytest.mark.parametrize("source, words", [
    ("import statistics\n\n\ndef f(xs: list[int]) -> float:\n    return statistics.mean(xs)\n", "int or a float"),
    ("import statistics\n\n\ndef f(xs: list[float]) -> float:\n    return statistics.stdev(xs, 1.0)\n", "xbar"),
    ("import statistics\n\n\ndef f(xs: list[float]) -> float:\n    return statistics.geometric_mean(xs)\n", "geometric_mean"),
    ("import random\n\n\ndef f(xs: list[int]) -> list[int]:\n    return random.sample(set(xs), 2)\n", "sample"),
        ("import random\n\n\ndef f(xs: list[float]) -> list[float]:\n    return random.choices(xs, cum_weights=xs)\n", "cum_weights"),
    ("import random\n\n\ndef f(xs: list[float]) -> float:\n    random.seed('abc')\n    return xs[0]\n", "str/bytes seed"),
])
def test_statistics_and_random_not_translated_are_diagnostics(source: str, words: str) -> None:
    out = _module(source)
    found = [d for d in out.diagnostics if d.function == "f"]
    assert found and found[0].code == "PTL133" and words in found[0].message, found


def test_library_exceptions_are_qualified() -> None:
    """decimal's and statistics' exceptions are known by their qualified names (a module's own
    `class Overflow(Exception)` stays its own); `except InvalidOperation:` after a from-import
    catches decimal's, and `except ZeroDivisionError:` catches DivisionByZero (two bases)."""
    import libcst as cst

    from portalis.exception_facts import caught_names, exception_classes, is_subclass

    own = exception_classes([("Overflow", ["Exception"])])
    assert own["Overflow"] == "Exception" and not is_subclass("Overflow", "ArithmeticError", own)
    known = exception_classes([])
    assert "decimal.InvalidOperation" in caught_names(cst.parse_expression("InvalidOperation"), known)
    assert "decimal.DivisionByZero" in caught_names(cst.parse_expression("ZeroDivisionError"), known)
    assert "decimal.Overflow" in caught_names(cst.parse_expression("ArithmeticError"), known)
    assert caught_names(cst.parse_expression("Overflow"), own) == frozenset({"Overflow"})
    assert "statistics.StatisticsError" in caught_names(cst.parse_expression("ValueError"), known)
