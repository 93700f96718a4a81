"""Python's ints in the translation (issue 12, item 1): no wrapped and no saturated value in any
profile. Where Python's result fits i64 the Rust matches it exactly (differential), as it does
for the functions on BigInt or checked i128; where a function kept on i64 meets an int past
i64 the Rust raises OverflowError instead of a wrong number.
One differential build for the module."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DiffRun, needs_cargo, run_differential
from portalis.validate.literals import Raised

SRC = (Path(__file__).parent / "data" / "ints.py").read_text(encoding="utf-8")
I64_MAX, I64_MIN = 2**63 - 1, -(2**63)

# Python and Rust agree exactly on these.
SAME = [
    # int() with Python's rules: Unicode decimal digits, Unicode whitespace, underscores
    "parse('\u0663')", "parse(' \u2003-42\\n')", "parse('1_000')", "parse('_1')", "parse('1__0')", "parse('1_')",
    "parse('\u0661\u0662')", "parse('+7')", "parse('- 7')", "parse('')", "parse('9223372036854775807')",
    "parse('-9223372036854775808')", "parse('\\x1c5\\x1f')", "parse('\u00b2')",
    # int(s, base): the Kelvin sign is not a K; prefixes; base 0's leading-zero rule
    "parse_base('\u212a', 36)", "parse_base('k', 36)", "parse_base('0x1f', 16)", "parse_base('0x1f', 0)",
    "parse_base('0X_1F', 0)", "parse_base('010', 0)", "parse_base('0_0', 0)", "parse_base('00', 0)",
    "parse_base('0b101', 0)", "parse_base('-0o17 ', 0)", "parse_base('0b1', 16)", "parse_base('z', 36)",
    "parse_base('1', 1)", "parse_base('12', 37)", "parse_base('19', 8)", "parse_base('0x', 16)",
    "parse_base('\u0665\u0660', 7)",
    # int ** negative int is a float
    "sum_of_geometric_progression(1, 2, -10)", "sum_of_geometric_progression(3, 2, 10)", "sum_of_geometric_progression(1, -3, 5)",
    "power(2, -2)", "power(10, 3)", "power(-2, -3)", "power(0, -1)", "power(10, 19)", "power(10, 30)",
    # pow(a, b, m): modular inverse for negative b, the sign of m
    "modpow(3, -1, 7)", "modpow(2, -1, 4)", "modpow(2, 10, -7)", "modpow(5, 0, 1)", "modpow(-3, 3, 5)",
    "modpow(38, -5, 97)", "modpow(2, 5, 0)", f"modpow({I64_MAX}, {I64_MAX}, {I64_MAX - 24})",
    # divmod floors; MIN % -1 is 0
    "div_mod(-7, 2)", "div_mod(7, -2)", "div_mod(-7, -2)", "div_mod(1, 0)", f"div_mod({I64_MIN}, 1)",
    # int(float) truncates exactly; nan and inf raise Python's errors
    "truncate(2.9)", "truncate(-2.9)", "truncate(1e18)", "truncate(-9.223372036854775e18)",
    "truncate(float('nan'))", "truncate(float('inf'))", "truncate(float('-inf'))",
    "hsv_to_rgb(1e19, .5, .5)", "hsv_to_rgb(-1e19, .5, .5)", "hsv_to_rgb(0.3, .5, .5)", "hsv_to_rgb(1e300, .2, .9)",
    "hsv_to_rgb(-0.4, 1.0, 1.0)", "hsv_to_rgb(float('nan'), .5, .5)", "hsv_to_rgb(float('inf'), .5, .5)",
    "hsv_to_rgb(0.5, 0.0, 0.25)", f"hsv_to_rgb({2.0**63 / 6}, .5, .5)",
    "hue_sector(0.75)", "hue_sector(1e19)", "hue_sector(-1e19)", "float_mod(1e19, 7)", "float_mod(-1e19, 7)",
    "float_mod(1e19, -7)", "float_mod(-9.3e18, -1000)", "float_mod(1.7976931348623157e308, 97)",
    f"float_mod({float(I64_MIN)}, -1)", "float_mod(1e19, 0)", "float_mod(2.5, 0)", "float_mod(float('nan'), 3)",
    "float_mod(float('-inf'), 3)", "float_mod(-7.9, 3)", f"float_mod(1e19, {I64_MIN})",
    f"leapdays_seen({I64_MIN}, 0)", f"leapdays_seen({I64_MIN}, {I64_MAX})", "leapdays_seen(1, 2025)",
    "is_automorphic_number(0)", "is_automorphic_number(76)", "is_automorphic_number(77)", "is_automorphic_number(-5)",
    "is_automorphic_number(1787109376)", "maclaurin_sin(1.0, 10)", "maclaurin_sin(-7.5, 8)", "maclaurin_sin(10.0, 1)",
    "partitions(100)", "partitions(500)", "partitions(0)", "partitions(-1)", "fib_list(150)", "fib_list(90)",
    "fib_list(-1)", "fib_list(-3)", "sylvester_list(8)", "sylvester_list(0)", "catalan(10)", "catalan(60)", "catalan(-2)",
    "fib_past(100)", f"fib_past({10**30})", "fib_past(0)", "squares(3)", "squares(9)", "squares(21)", "squares(0)", "squares(-1)",
    "leapdays(1, 2025)", "leapdays(-400, 400)", "factorial_series(20)",
    "shift_left(1, 62)", "shift_left(-1, 63)", "shift_left(0, 100)", "shift_left(3, -1)",
    "shift_right(-1, 70)", "shift_right(5, 64)", "shift_right(-9, 2)", "shift_right(5, -1)",
    "round_to(15, -1)", "round_to(25, -1)", "round_to(-25, -1)", f"round_to({I64_MAX}, -40)", "round_to(7, 2)",
    "choose(60, 30)", "choose(5, 7)",
    # int(str) % m: the string's int is a num_bigint::BigInt (an IBAN has 28 digits)
    "iban_mod97('3214282912345698765432161182')", "iban_mod97('-3214282912345698765432161182')",
    "iban_mod97('12x')", "iban_mod97(' 1_000 ')", "hex_mod('ffffffffffffffffffffffffffffffff', -1000)",
    "hex_mod('0x_10', 7)", "hex_mod('10', 0)",
    # whole functions on num_bigint::BigInt: Python's values past i64
    "factorial_series(21)", "factorial_series(30)", "factorial_rec(30)", "factorial_rec(-3)", "falling(40, 20)",
    "falling(5, 0)", "sylvester(7)", "big_ops(-7, 3)", "big_ops(12345, -97)", "big_ops(3, 0)", f"big_ops({10**30}, 7)",
    f"big_ops({I64_MIN}, -1)", "power_sum(7, 30)", "power_sum(-2, 0)", "power_sum(0, 5)", "power_sum(0, 0)", "factorial_mod(10, 1000)",
    # the i64 fast path of a function on BigInt: stays in i64, leaves it midway, i64 callers
    "fib_matrix(0)", "fib_matrix(1)", "fib_matrix(10)", "fib_matrix(60)",
    # Fibonacci by matrix power: `base = matrix_mul(base, base)` in a loop puts fib_matrix on
    # BigInt, its lists of lists on Vec<Vec<BigInt>>, matrix_mul called through its BigInt twin
    "fib_matrix(90)", "fib_matrix(92)", "fib_matrix(100)", "fib_matrix(150)", "fib_matrix(-3)",
    "matrix_mul([[1, 1], [1, 0]], [[1, 1], [1, 0]])",
    "collatz_steps(27)", f"collatz_steps({2**62 + 1})", f"collatz_steps({2**64 + 1})", "longest_collatz(30)",
    # values that pass i64 midway for i64 arguments, all inside i128: computed in checked i128
    # (`y1 -= 1` of -2**63; `number * number` below 2**126), the signature on i64
    f"leapdays({I64_MIN}, 0)", f"leapdays({I64_MIN}, {I64_MAX})", f"leapdays({I64_MAX}, {I64_MIN})",
    "is_automorphic_number(8212890625)", f"is_automorphic_number({10**10})", f"is_automorphic_number({I64_MAX})",
    "is_automorphic_number(9376)", "is_automorphic_number(3037000500)",
    # a float divided by `math.factorial(n)`: the exact factorial rounded once (59! past i64;
    # 171! past f64: Python's OverflowError too)
    "maclaurin_sin(1.0, 30)", "maclaurin_sin(-7.5, 40)", "maclaurin_sin(0.5, 85)", "maclaurin_sin(0.5, 86)",
]
# Python's int grows past i64 here: the Rust raises OverflowError (it used to wrap, saturate or
# crash with a Rust panic message).
GROWS = [
    "parse('9223372036854775808')",
    "parse_base('1' * 64, 2)", f"div_mod({I64_MIN}, -1)", "truncate(1e19)",
    "truncate(-9.3e18)",
 "factorial_digits(25)", "factorial_mod(25, 1000)",
    # matrix_mul called directly keeps i64 (its BigInt twin serves callers on BigInt)
    f"matrix_mul([[{I64_MAX}, 0], [0, 1]], [[2, 0], [0, 1]])",
    "shift_left(1, 63)", "shift_left(1, 64)", f"round_to({I64_MAX}, -19)", "choose(70, 35)", f"negate({I64_MIN})",
]


@pytest.fixture(scope="module")
def ints(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(SRC, SAME + GROWS, tmp_path_factory.mktemp("ints"), toolchain)


@needs_cargo
def test_int_functions_translate(ints: DiffRun) -> None:
    assert all(f["status"] == "translated" for f in ints.module_report()["functions"]), ints.module_report()
    manifest = (ints.crate_dir / "Cargo.toml").read_text(encoding="utf-8")
    assert "[profile.release]\noverflow-checks = true" in manifest
    # num-bigint only because of `int(str) % m`; the report says where
    assert 'num-bigint = "=' in manifest and "indexmap" not in manifest
    notes = [(d["code"], d["function"]) for d in ints.module_report()["diagnostics"] if d["code"] == "PTL242"]
    assert notes == [("PTL242", "iban_mod97"), ("PTL242", "hex_mod")]


@needs_cargo
def test_int_representation_per_function(ints: DiffRun) -> None:
    """The analysis' fact in the report: which functions are on BigInt, why, and what kept one
    whose ints grow on i64."""
    functions = {f["name"]: f for f in ints.module_report()["functions"]}
    reprs = {name: f["signature"]["ints"]["repr"] for name, f in functions.items()}
    big = {"factorial_series", "factorial_rec", "falling", "sylvester", "big_ops", "power_sum", "collatz_steps",
           "leapdays_seen", "partitions", "fib_list", "sylvester_list",
           "catalan", "fib_past", "squares", "fib_matrix"}
    assert {n for n, r in reprs.items() if r == "bigint"} == big
    assert "accumulated in a loop" in functions["factorial_series"]["signature"]["ints"]["grows"]
    assert "recursive call" in functions["factorial_rec"]["signature"]["ints"]["grows"]
    assert "items of `p` accumulated from its own items" in functions["partitions"]["signature"]["ints"]["grows"]
    assert "docstring shows -9223372036854775808" in functions["leapdays_seen"]["signature"]["ints"]["grows"]
    kept = functions["factorial_digits"]["signature"]["ints"]
    assert kept["repr"] == "i64" and "str(f)" in kept["kept_i64"]
    codes = {(d["code"], d["function"]) for d in ints.module_report()["diagnostics"] if d["code"] in ("PTL232", "PTL233")}
    # `a ** b` as a float where b < 0 (`power`, `sum_of_geometric_progression`): grows, not a function of ints
    kept_i64 = {"factorial_digits", "power", "sum_of_geometric_progression", "maclaurin_sin"}
    assert codes == {("PTL232", n) for n in big} | {("PTL233", n) for n in kept_i64}
    # values passing i64 midway, all inside i128 (the ranges from i64 arguments): checked i128
    # inside, the signature on i64, PTL234
    wide = {n for n, r in reprs.items() if r == "i128"}
    assert wide == {"leapdays", "is_automorphic_number"}  # `-a * 1`: only grows further
    assert "`y1 -= 1` can pass i64" in functions["leapdays"]["signature"]["ints"]["wide"]
    assert "`number * number` can pass i64" in functions["is_automorphic_number"]["signature"]["ints"]["wide"]
    notes = {d["function"] for d in ints.module_report()["diagnostics"] if d["code"] == "PTL234"}
    assert notes == wide
    rust = (ints.crate_dir / "src" / "sample.rs").read_text(encoding="utf-8")
    assert "pub fn leapdays(y1: i64, y2: i64) -> i64 {\n    let mut y1: i128 = i128::from(y1);" in rust
    assert "pub fn is_automorphic_number(number: i64) -> bool {" in rust and "number_square = number * number;" in rust
    # a float divided by math.factorial(n): the exact factorial rounded once
    assert "crate::pyrt::factorial_f64(2 * r + 1)" in rust
    # lists of lists of big ints: Vec<Vec<BigInt>>, matrix_mul through its twins
    assert "let mut base: Vec<Vec<num_bigint::BigInt>>;" in rust and "base = __matrix_mul_big(&base, &base);" in rust
    assert "pub fn __matrix_mul_small(a: &[Vec<i64>], b: &[Vec<i64>]) -> Option<Vec<Vec<i64>>>" in rust
    assert "pub fn matrix_mul(a: &[Vec<i64>], b: &[Vec<i64>]) -> Vec<Vec<i64>>" in rust
    assert "`matrix_mul`'s products applied to its own result" in functions["fib_matrix"]["signature"]["ints"]["grows"]
    assert functions["matrix_mul"]["signature"]["ints"] == {"repr": "i64", "grows": None, "kept_i64": None,
                                                            "bigint_twin_for": ["fib_matrix"]}
    assert "pub fn factorial_series(n: num_bigint::BigInt) -> num_bigint::BigInt" in rust
    assert "pub fn factorial_digits(n: i64) -> i64" in rust
    # a list whose items grow: Vec<BigInt>, and Vec<i64> on the fast path
    assert "let mut p: Vec<num_bigint::BigInt>;" in rust and "let mut p: Vec<i64>;" in rust
    # each function on BigInt has an i64 fast path (checked: None past i64), tried first
    assert "pub fn __collatz_steps_i64(mut n: i64) -> Option<i64>" in rust
    assert "n = 3i64.checked_mul(n)?.checked_add(1i64)?;" in rust
    assert "if let Some(__r) = __collatz_steps_i64(__n) {" in rust
    # an i64 caller calls the fast path, the BigInt function only when it gives up
    assert "__collatz_steps_i64(start).unwrap_or_else(||" in rust


@needs_cargo
@pytest.mark.parametrize("call", SAME)
def test_ints_match_python(ints: DiffRun, call: str) -> None:
    ints.check(call)


@needs_cargo
@pytest.mark.parametrize("call", GROWS)
def test_ints_beyond_i64_raise_overflow_error(ints: DiffRun, call: str) -> None:
    result = ints.results[call]
    assert not isinstance(result.expected, Raised)  # Python has a value: an int past i64
    assert result.actual == Raised("OverflowError"), result.explain()


def test_an_int_of_a_float_used_as_that_float_is_read_as_the_float() -> None:
    """colorsys' shape is read as the float on the same lines (portalis/whole_floats.py); shapes
    where the int itself is observable are left as written (no cargo)."""
    from portalis.whole_floats import desugar_whole_floats

    src = "def f(h):\n    i = int(h * 6.0)\n    f = (h * 6.0) - i\n    i = i % 6\n    return i, f\n"
    assert desugar_whole_floats(src) == (
        "def f(h):\n    i_whole = float(int(h * 6.0))\n    f = (h * 6.0) - i_whole\n    i = int(i_whole) % 6\n    return i, f\n")
    left_alone = [
        "def f(h):\n    i = int(h * 6.0)\n    g = i + 1\n    i = i % 6\n    return g\n",  # int arithmetic
        "def f(h):\n    i = int(h * 6)\n    f = h - i\n    i = i % 6\n    return f\n",  # no float literal: h may be an int
        "def f(h):\n    i = int(h * 6.0)\n    f = (h * 6.0) - i\n    return i\n",  # the int itself is returned
        "def f(h):\n    i = int(h * 6.0)\n    g = lambda: i * 2.0\n    i = i % 6\n    return g\n",  # a nested scope reads it
        "def f(h):\n    i = int(h * 6.0)\n    i += 1\n    i = i % 6\n    return i\n",  # another binding
    ]
    for text in left_alone:
        assert desugar_whole_floats(text) == text, text
