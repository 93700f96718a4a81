"""The standard-library mappings (issue 12, item 3): one differential function per mapping in
tests/data/stdlib_lib.py, each run on cases in Python and in Rust (one crate build for the
module), plus the `re` pattern translation and its diagnostics (no build)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DiffRun, needs_cargo, run_differential
from portalis.lower.context import Unsupported
from portalis.lower.stdlib_re import translate, translate_repl

SRC = (Path(__file__).parent / "data" / "stdlib_lib.py").read_text(encoding="utf-8")

CASES = {
    # re
    "re_search": ["'abc 123 x45'", "'none'", "''", "'\u0663\u0664'"],
    "re_span": ["'aabbbc'", "'xyz'", "'\u00e9\u00e9bb'"],
    "re_match_groups": ["'key = value'", "'k=  '", "' no'"],
    "re_match_end": ["'ab'", "'ab\\n'", "'ab\\n\\n'", "'abc'", "'xab'"],
    "re_fullmatch": ["'_ok1'", "'1no'", "''", "'\u00e9t\u00e9'"],
    "re_findall": ["'Hello, World 42'", "''", "'a1b2C3'"],
    "re_findall_pairs": ["'a=1 b=2 c=d'", "'none'"],
    "re_sub": ["'a  b\\t\\nc'", "'\\x1cx\\x1fy'", "''"],
    "re_sub_groups": ["'joe@home and ann@work'", "'nothing'"],
    "re_sub_count": ["'ababab'", "'xyz'"],
    "re_split": ["'a, b;c,,d'", "''", "'abc'"],
    "re_split_keep": ["'a-b-c-d'", "'abc'", "'-'"],
    "re_quantifier": ["'xy] yz xxxy]'", "'y]'"],
    "re_module_pattern": ["'ab12 cd x9'", "' ab'", "''"],
    "re_ascii": ["'caf\u00e9 x1 \u0663 \u00b2'", "'a\u2003 5'"],
    "re_space": ["'a b\\x1cc'", "'a\\u2003b'"],
    # math
    "math_floor": ["2.5", "-2.5", "float('nan')", "float('inf')"],
    "math_ceil": ["2.1", "-2.1", "-0.0"],
    "math_sqrt": ["2.0", "0.0", "-1.0"],
    "math_gcd": ["48, 18", "-4, 6", "0, 0", "0, -5"],
    "math_isqrt": ["0", "15", "16", "9223372036854775807", "-1"],
    "math_log": ["1.0", "2.718281828459045", "0.0", "-1.0"],
    "math_log_base": ["8.0, 2.0", "100.0, 10.0", "1.0, 1.0"],
    "math_exp": ["0.0", "1.0", "710.0"],
    "math_trig": ["0.0", "1.0", "-3.5"],
    "math_isclose": ["1.0, 1.0 + 1e-10", "1.0, 1.1", "0.0, 1e-12"],
    "math_inf": ["1e308", "float('inf')"],
    "math_pow": ["2.0, 10.0", "-8.0, 1.0 / 3", "0.0, -1.0", "10.0, 400.0", "1.0, float('nan')", "-2.0, 3.0"],
    "math_hyper": ["0.5", "1000.0", "-1000.0"],
    # collections
    "counter_most": ["'abracadabra'", "''"],
    "default_groups": ["['a', 'bb', 'cc', 'd']", "[]"],
    "deque_rotate": ["[5, 6]", "[]"],
    # itertools, functools
    "chain_all": ["[1, 2], [3]", "[], []"],
    "product_pairs": ["[1, 2, 3], [4, 5]"],
    "perms": ["[1, 2, 3, 4]", "[1]"],
    "combos": ["[1, 2, 3, 4]", "[]"],
    "running": ["[1, 2, 3, 4]", "[]"],
    "total": ["[1, 2, 3, 4]", "[]"],
    # string, bisect, heapq
    "letters": [""],
    "capwords": ["'  hello   wORLD\\x1cx ', '-'", "'a-b--c', '-'", "'', 'x'", "'x', ''"],
    "insert_at": ["[1, 3, 3, 5], 3", "[], 1"],
    "smallest": ["[5, 3, 9]", "[]"],
    "top_two": ["[5, 3, 9, 9]", "[1]"],
    "insort_all": ["[3, 1, 2, 1]"],
    "runs": ["'aaabccd'", "''"],
    "counter_update": ["'xax', 'yx'", "'', ''"],
    # formatting (item 2)
    "fmt_float": ["0.0", "-0.0", "1.0", "1e16", "1e-05", "1234567.891", "-0.004", "float('inf')", "float('-nan')",
                  "0.1", "2.5", "1e300", "-1234.5", "5e-324"],
    "fmt_int": ["0", "-1", "5", "255", "-1234567", "9223372036854775807", "-9223372036854775808"],
    "fmt_char": ["65", "233", "128512", "-1"],
    "fmt_str": ["''", "'ab'", "'h\u00e9llo w'", "\"it's\""],
    "fmt_bool": ["True", "False"],
    "fmt_dynamic": ["3.14159, 8, 2", "-2.5, 1, 0", "1e20, 3, 3"],
    "fmt_percent": ["3.14159, 42, 'ab'", "-0.5, -7, ''", "1e15, 0, 'x\\n'"],
    "fmt_named": ["2.5, 'ab'", "-0.04, ''"],
    "fmt_escapes": ["'z'", "''"],
    "fmt_mapping": ["{'a': 255, 'b': -1}, 'x'", "{'a': 1}, ''"],
    "re_finditer": ["'ab  c\\u00e9d e'", "''", "'   '"],
    "re_subn": ["'aab xa ab'", "'xyz'", "''"],
    "re_groupdict": ["'key = value'", "'k='", "' no'"],
    "re_named_span": ["'  ab12 x'", "'12'"],
    "repr_text": ["'a\\xa0b\\xad\\u200b\\u2028\\U000e0001\\x85'", "'\\u00e9\\U0001f600\\u0663 \\x7f\\x00'", "\"it's\""],
    # json
    "json_plain": ["{}", "{'b\\u00e9\\n\"q\"': [1.0, float('nan'), 1e16], 'a': [], '\\U0001f600': [-0.0]}"],
    "json_indent": ["{}", "{10: (True, 'x\\ty'), 9: (False, '\\u00e9\\x7f\\x01')}"],
    "json_load_dict": ["'{\"b\": [1, -2], \"a\": [], \"b\": [3]}'", "' {}\\n'", "'{\"a\": [9223372036854775807]}'"],
    "json_load_scores": ["'{\"x\": 1.5, \"y\": null, \"z\": 1e400, \"w\": 0.1}'", "'{\"x\": '", "''",
                         "'{\"a\": 1} x'"],
    "json_load_round_trip": ["'[\"caf\\\\u00e9\", \"\\\\ud83d\\\\ude00\", \"a\\\\n\"]'", "'[]'", "'[\"x\",]'"],
    # hashlib
    "hashes": ["''", "'Hello world'", "'h\\u00e9 \\U0001f600'"],
    "md5_ascii": ["'abc'", "'caf\\u00e9'"],
    # functools caches
    "fib_cached": ["0", "80", "90", "93", "150"],
    "grid_paths": ["16, 16", "0, 3", "40, 40"],
    "edit_distance": ["'kitten' * 4, 'sitting' * 4", "'', 'ab'"],
    "halves": ["96", "-6", "0", "96"],
    "offset": ["1, 2, 1", "1, 2, 5"],
    "partial_calls": ["[5, 1, 9, 4], 4", "[], 0"],
    "date_parts": ["1, 1, 1", "2024, 2, 29", "9999, 12, 31", "2023, 2, 29", "0, 1, 1", "2000, 13, 1", "1970, 1, 1"],
    "date_order": ["2024, 1", "2024, 3", "1, 12"],
    "cal_weekday": ["2026, 12, 7", "-3, 5, 17", "12000, 1, 1", "1900, 2, 29"],
    "iso_date": ["'2024-02-29'", "'20240229'", "'2024-W01-1'", "'2024W011'", "'2024-W01'", "'2020-W53-7'", "'2021-W53-1'",
                 "'2024-02-30'", "'2024-2-3'", "''", "'2024-02-29T00'", "'0000-01-01'", "'\\uff12\\uff10\\uff12\\uff14-01-01'",
                 "'2024-W01-8'", "'9999-W52-7'", "'2024W011xx'", "'0000-W01-1'", "'2024-W00-1'", "'2024\\u00e9001'", "'0001-W01-1'"],
    "td_parts": ["1, 3661, 5", "-1, 0, 0", "0, 0, 0", "999999999, 86399, 999999", "-999999999, 0, 0", "3, -7, -1000001",
                 "0, 0, 1", "1000000000, 0, 0"],
    "td_ratio": ["7, 2000", "-7, 2000", "5, -3", "5, 0"],
    "date_shift": ["2024, 2, 28, 1", "1, 1, 1, 0", "9999, 12, 31, 1", "2000, 3, 1, -366", "1, 1, 1, -1"],
    "frac_ops": ["1, 2, 3, 4", "-6, 4, 0, 5", "5, 0, 1, 1", "7, -3, -2, 9", "0, 3, 0, 1", "9223372036854775807, 2, 9223372036854775807, 3"],
    "frac_float": ["0.1", "-2.5", "float('nan')", "float('inf')", "5e-324"],
    "dt_parts": ["2024, 2, 29, 23, 59, 59, 1", "1, 1, 1, 0, 0, 0, 0", "999, 12, 31, 12, 5, 9, 500000", "2023, 2, 29, 0, 0, 0, 0",
                 "2024, 1, 1, 24, 0, 0, 0", "2024, 1, 1, 0, 60, 0, 0", "2024, 1, 1, 0, 0, 0, 1000000", "2026, 12, 7, 13, 0, 0, 0"],
    "dt_span": ["1, 1", "9999, 365", "2000, 366"],
    "lib_reprs": ["2024, 0", "1, 7", "9999, 999999"],
    # collections.namedtuple
    "nt_point": ["1, 2", "-3, 0"],
    "nt_access": ["1, 2", "0, -5"],
    "nt_longest": ["[1, 2, 2, 2, 3, 3]", "[]", "[7]"],
    "nt_tags": ["'a'", "\"it's\""],
    "nt_base": ["3", "-1"],
    "nt_make": ["'a', 0.1", "'', -2.0"],
    "nt_dict": ["1, 2", "0, -7"],
    "nt_typename": ["1, 'a'", "-2, \"it's\""],
    "lex_words": ["'if x1 else: y'", "''", "'aa123'", "'\u00e9\u00e9 a\u00e9-b'", "'ab12'", "'a'"],
    "clock": ["1, 2, 3, 4", "0, 0, 0, 0", "23, 59, 59, 999999", "12, 0, 5, 0", "24, 0, 0, 0", "1, 60, 0, 0", "1, 2, 3, 1000000",
              "-1, 0, 0, 0"],
    "later_of": ["datetime.time(1, 2), datetime.time(0, 59, 59, 999999)", "datetime.time(), datetime.time()"],
    "td_float": ["1.5, 0.5", "-0.1, 1.5", "1.0 / 3, 2.5", "1e-07, -0.5", "-1e-07, -1.5", "0.0, 0.0", "float('nan'), 1.0",
                 "float('inf'), 0.0", "1e20, 0.0", "23.999999999, 999999.5", "-2.5e-10, 3.4999999999", "24e6, 0.0"],
    "nt_from": ["(1, 2), [3, 4]", "(0, 0), [5]", "(-1, 9), [1, 2, 3]"],
    "re_escape": ["'a.b*c (x)[y] {1,2} ^$|?+-#&~ \\t\\n\\\\ _\\u00e9!@%=<>:/\"'", "''"],
    # re.Match parameters, library values as arguments, results and container items
    "match_parts": ["re.match(r'(\\w+)=(\\d+)?', 'ab= x')", "re.search(r'(\\d)(x)', '\\u00e9\\u00e9 1x')",
                    "re.fullmatch(r'(a)(b)', 'ab')"],
    "match_named": ["re.match(r'(?P<key>\\w+)\\s*=\\s*(?P<value>\\w+)', 'k = v')", "re.match(r'(?P<k>a)', 'a')"],
    "lexer_callback": ["7, re.compile(r'(\\w+)').match('if x', 0)", "1, re.compile(r'\\s*(\\w+)').match('ab  else', 2)"],
    "days_apart": ["datetime.date(2024, 1, 1), datetime.date(2024, 3, 1)", "datetime.date(9999, 12, 31), datetime.date(1, 1, 1)"],
    "shifted": ["[datetime.date(2024, 2, 28), datetime.date(1, 1, 1)], timedelta(days=1)", "[], timedelta(0)",
                "[datetime.date(9999, 12, 31)], timedelta(days=1)"],
    "lib_containers": ["datetime.date(2024, 1, 2), 5", "datetime.date(1, 1, 1), 0"],
    "halved": ["Fraction(3, 4)", "Fraction(-7, 9223372036854775807)", "Fraction(0)"],
    "re_strong_password": ["'Passw0rdX'", "'password1'", "'Sh0rt'", "'\u00c9t\u00e90000aa'"],
    "re_doubled": ["'bookkeeper'", "''", "'\u00e9\u00e9 aa1 11'"],
    "re_prices": ["'tea $3.50, cake $12 and $4.5.1 or 7'", "'$ none'"],
    "re_sub_backref": ["'it is is \\'said\\' the the end'", "'a,b, c'", "''"],
    "re_dynamic_fancy": ["'(\\w)\\1', 'abccd'", "'(?<=a)b+', 'cbabb'", "'x(?!y)', 'xyxz'", "'a(?=b)', 'ac'"],
    "re_fancy_more": ["'1a22b334cc'", "''", "'aa11bb'"],
    "re_atomic": ["'42 314 001 12 00984'", "'fig::mango::pineapple::guava::apples'", "'aaaa'", "''", "'aaab 0000123'"],
    "next_hour": ["datetime.datetime(2024, 12, 31, 23, 30)", "datetime.datetime(9999, 12, 31, 23, 0)"],
}
CALLS = [f"{f}({a})" for f, args in CASES.items() for a in args]


@pytest.fixture(scope="module")
def lib(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(SRC, CALLS, tmp_path_factory.mktemp("stdlib"), toolchain)


@needs_cargo
def test_every_mapping_translates(lib: DiffRun) -> None:
    functions = lib.module_report()["functions"]
    assert {f["name"] for f in functions} == set(CASES) | {"Pair.total"}  # the namedtuple base's method
    assert all(f["status"] == "translated" for f in functions), [f for f in functions if f["status"] != "translated"]
    manifest = (lib.crate_dir / "Cargo.toml").read_text(encoding="utf-8")
    assert 'regex = "=1.13.2"' in manifest and 'fancy-regex = "=0.20.2"' in manifest
    assert 'md-5 = "=0.10.6"' in manifest and 'sha1 = "=0.10.7"' in manifest and 'sha2 = "=0.10.9"' in manifest
    assert 'serde_json = { version = "=1.0.154", features = ["preserve_order", "arbitrary_precision"] }' in manifest
    assert 'num-rational = "=0.4.2"' in manifest
    rust = (lib.crate_dir / "src" / "sample.rs").read_text(encoding="utf-8")
    assert "static RE: std::sync::LazyLock<regex::Regex>" in rust
    # the module's compiled pattern is one static, used by the calls that need no anchoring
    assert "pub static WORD: std::sync::LazyLock<regex::Regex>" in rust and "re_findall(&WORD, s)" in rust
    # look-around and back-references: fancy-regex statics and helpers
    assert "pub static STRONG: std::sync::LazyLock<fancy_regex::Regex>" in rust
    assert "re_finditer_fancy(" in rust and "re_findall_fancy(" in rust and "re_sub_fancy(" in rust


@needs_cargo
@pytest.mark.parametrize("call", CALLS)
def test_mapping_matches_python(lib: DiffRun, call: str) -> None:
    lib.check(call)


@pytest.mark.parametrize("pattern, code", [
    (r"(a)?(?(1)b|c)", "PTL243"), (r"a$\n", "PTL245"),
    (r"(", "PTL243"), (r"(?a)\w", "PTL246"),
])
def test_patterns_rust_cannot_express_are_diagnostics(pattern: str, code: str) -> None:
    with pytest.raises(Unsupported) as e:
        translate(pattern)
    assert e.value.code == code


@pytest.mark.parametrize("python, rust", [
    (r"\d+\Z", r"\d+\z"), (r"[]a]", r"[\]a]"), (r"[a[]", r"[a\[]"), (r"x{,3}", "x{0,3}"), (r"a{x}", r"a\{x\}"),
    (r"\<b\>", "<b>"), (r"[\b]", r"[\x08]"), (r"\0", r"\x{0}"), (r"(?#note)a", "a"), ("a$", r"a\z"),
])
def test_python_syntax_translated(python: str, rust: str) -> None:
    assert translate(python).rust == rust


@pytest.mark.parametrize("python, rust", [
    (r"(a)\1", r"(a)(?:\1)"), (r"a(?=b)", "a(?=b)"), (r"(?<!x)y", "(?<!x)y"), (r"(?<=\$)\d", r"(?<=\$)\d"),
    (r"(?>ab|a)c", r"(?>ab|a)c"), (r"a*+b", "a*+b"), (r"x?+y++", "x?+y++"), (r"\d{2}+", r"\d{2}+"),
    (r"(?P<n>a)(?P=n)", r"(?P<n>a)\k<n>"), (r"(a)\1\1", r"(a)(?:\1)(?:\1)"), (r"(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\10",
                                                                      r"(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(?:\10)"),
])
def test_look_around_and_back_references_are_fancy(python: str, rust: str) -> None:
    """Look-around and back-references translate to fancy-regex's syntax (its own crate); a
    numbered reference keeps a following digit a literal; the pattern type says fancy."""
    p = translate(python)
    assert p.rust == rust and p.fancy
    assert not translate(r"(a)\123").fancy and translate(r"a\123").rust == r"a\x{53}"  # octal, not a reference
    assert not translate(r"a(?:b)").fancy
    from portalis.regex_syntax import pattern_of, pattern_type
    from portalis.types.rust_types import owned_type
    assert pattern_of(pattern_type(p)).fancy
    assert owned_type(pattern_type(p)).name == "fancy_regex::Regex"
    assert owned_type(pattern_type(translate("a"))).name == "regex::Regex"
    with pytest.raises(Unsupported) as e:  # fancy-regex has no inline `(?-u:...)`
        translate(r"\b(a)\1", 256)
    assert e.value.code == "PTL246"


def test_flags_and_multiline_dollar() -> None:
    assert translate("a$", 8).rust == "(?m)a$" and not translate("a$", 8).dollar
    assert translate("a", 2 | 16).rust == "(?is)a"
    assert translate(r"(a)(?:b)(?P<c>d)").groups == 2


def test_ascii_flag() -> None:
    assert translate(r"\w\b[\d\b]", 256).rust == r"[0-9A-Za-z_](?-u:\b)[0-9\x08]"
    for bad, flags in ((r"[\W]", 256), ("a", 256 | 2), ("a", 4)):
        with pytest.raises(Unsupported) as e:
            translate(bad, flags)
        assert e.value.code == "PTL246"


def test_replacement_templates() -> None:
    assert translate_repl(r"\1-\g<name>$\n") == "${1}-${name}$$\n"
    with pytest.raises(Unsupported):
        translate_repl(r"\q")


# ---------------------------------------------------------------- formatting (item 2), no build


@pytest.mark.parametrize("spec, kind", [
    (".2d", "int"), ("z", "int"), (",x", "int"), ("+c", "int"), ("s", "int"), ("d", "float"), (",n", "float"),
    ("+", "str"), ("=5", "str"), (",", "str"), ("#", "str"), ("d", "str"), (".", "float"), ("5.2.1f", "float"),
])
def test_specs_python_rejects_are_diagnostics(spec: str, kind: str) -> None:
    from portalis.lower.stdlib_format import check, parse_spec

    with pytest.raises(Unsupported) as e:
        check(parse_spec(spec), spec, kind)
    assert e.value.code == "PTL113"


@pytest.mark.parametrize("spec, kind, piece", [
    (">8", "int", "{:>8}"), ("05", "int", "{:05}"), ("+d", "int", "{:+}"), ("*^7", "int", "{:*^7}"),
    (",", "int", None), (" d", "int", None), ("<05", "int", None), ("x", "int", None), ("=8", "int", None),
    (".2f", "float", None), ("", "float", None), (">10.3", "str", "{:>10.3}"), ("05", "str", None), ("{<5", "str", None),
])
def test_exact_rust_pieces(spec: str, kind: str, piece: str | None) -> None:
    """Only what Rust's format! writes exactly as Python stays a format! piece (floats never:
    Rust writes NaN and 1 where Python writes nan and 1.0)."""
    from portalis.lower.stdlib_format import _rust_piece, parse_spec

    assert _rust_piece(parse_spec(spec), kind) == piece


def _lowered(source: str) -> str:
    from conftest import type_map_of
    from portalis.lower.module import lower_module
    from portalis.parse import parse_source, source_module_from_text

    parsed = parse_source(source_module_from_text("sample", source), source)
    tm = type_map_of(source)
    return "\n".join(i.code for i in lower_module(parsed, tm, {"sample": tm}, None).items)


def test_formatting_lowering() -> None:
    rust = _lowered(
        'def f(x: float, n: int, s: str) -> str:\n'
        '    return f"a\\n{x:.2f}|{n:>5}|{s:^7}|{x}" + "{0!r}".format(s) + "%5.1f %-3d" % (x, n) + format(n, "x")\n'
    )
    # one format!: the escape is a newline (not `\\n`), ints and strs keep Rust's pieces, floats
    # and hex go through the runtime
    assert ('format!("a\\n{}|{:>5}|{:^7}|{}{}{} {:<3}{}", crate::pyrt::format_float(x, ".2f"), n, s, '
            'crate::pyrt::float_repr(x), crate::pyrt::str_repr(s), crate::pyrt::format_float(x, "5.1f"), n, '
            'crate::pyrt::format_int(n, "x"))') in rust


@pytest.mark.parametrize("body, code", [
    ('f"{x:.2d}"', "PTL113"), ('"{:{}}".format(x, 3)', "PTL134"), ('"{a.b}".format(a=x)', "PTL134"),
    ('"{} }".format(x)', "PTL134"), ('"%(k)s" % x', "PTL130"), ('"%(k)s %s" % {"k": x}', "PTL130"), ('"%*d" % x', "PTL130"), ('"%y" % x', "PTL113"),
    ('"%x" % 1.5', "PTL113"), ('f"{[1]:>3}"', "PTL113"),
])
def test_formatting_python_rejects_or_unsupported(body: str, code: str) -> None:
    rust = _lowered(f"def f(x: int) -> str:\n    return {body}\n")
    assert f"todo!(\"portalis {code}" in rust, rust


# ---------------------------------------------------------------- decorators, no build


def _module(source: str):
    from conftest import type_map_of
    from portalis.lower.module import lower_module
    from portalis.parse import parse_source, source_module_from_text

    parsed = parse_source(source_module_from_text("sample", source), source)
    tm = type_map_of(source)
    return lower_module(parsed, tm, {"sample": tm}, None)


@pytest.mark.parametrize("head, code", [
    ("def deco(f):\n    return f\n\n\n@deco\n", "PTL247"),
    ("import functools\n\n\n@functools.wraps(print)\n", "PTL247"),
    ("from functools import cache\n\n\n@cache\n@cache\n", "PTL247"),
    ("from functools import lru_cache\n\n\n@lru_cache(maxsize=n)\n", "PTL247"),
])
def test_unknown_decorators_are_diagnostics(head: str, code: str) -> None:
    out = _module(f"n = 3\n{head}def f(x: int) -> int:\n    return x + 1\n")
    rust = "\n".join(i.code for i in out.items)
    assert f'todo!("portalis {code}' in rust and [d.code for d in out.diagnostics if d.function == "f"] == [code]


def test_cache_needs_a_hashable_key() -> None:
    out = _module("import functools\n\n\n@functools.cache\ndef f(xs: list[int]) -> int:\n    return len(xs)\n")
    assert [d.code for d in out.diagnostics] == ["PTL247"] and "not a memo key" in out.diagnostics[0].message


def test_decorators_that_change_nothing() -> None:
    out = _module(
        "import typing\nfrom functools import lru_cache\n\n\n@typing.final\ndef f(x: int) -> int:\n    return x\n\n\n"
        "@lru_cache(maxsize=0)\ndef g(x: int) -> int:\n    return x\n\n\n@lru_cache(100)\ndef h(x: int, s: str) -> str:\n    return s * x\n"
    )
    rust = {i.name: i.code for i in out.items}
    assert "MEMO" not in rust["f"] and "MEMO" not in rust["g"] and "todo!" not in rust["f"] + rust["g"]
    # bounded: an unbounded memo, said in the report; the key owns the str
    assert "static MEMO: crate::pyrt::Memo<(i64, String), String>" in rust["h"] and "let key = (x, s.to_string());" in rust["h"]
    assert [d.code for d in out.diagnostics] == ["PTL248"]


def test_method_decorators() -> None:
    out = _module(
        "import abc\nimport functools\n\n\nclass C:\n    def __init__(self, x: int) -> None:\n        self._x = x\n\n"
        "    @property\n    def x(self) -> int:\n        return self._x\n\n    @x.setter\n    def x(self, v: int) -> None:\n        self._x = v\n\n"
        "    @staticmethod\n    @abc.abstractmethod\n    def s(a: int) -> int:\n        return a\n\n"
        "    @functools.cache\n    def c(self, a: int) -> int:\n        return a + self._x\n"
    )
    assert [(d.code, d.function) for d in out.diagnostics] == [("PTL247", "C.c")]


def test_partial_bound_arguments_read_once() -> None:
    out = _module(
        "from functools import partial\n\n\ndef add(a: int, b: int) -> int:\n    return a + b\n\n\n"
        "def f(xs: list[int]) -> list[int]:\n    n = 1\n    g = partial(add, n)\n    n = 5\n    return [g(x) + n for x in xs]\n"
    )
    assert [d.code for d in out.diagnostics if d.function == "f"] == ["PTL249"]


# ---------------------------------------------------------------- collections.namedtuple, no build


def test_namedtuple_rewritten_on_its_own_lines() -> None:
    from portalis.namedtuples import UNTYPED_FIELD, desugar_namedtuples

    source = (
        "from collections import namedtuple as _nt\n"
        "M = _nt('M', 'a b size')\n"
        "Q = _nt('Q',\n    ['u', 'v'], defaults=(0.5,))\n"
        "R = _nt('Other', 'x', defaults=[1])\n"  # typename differs from the name: kept for the repr
        "S = _nt('S', 'x', rename=True)\n"  # rename=: left alone
        "def f(xs):\n    '''>>> f([])\n    M(a=0, b=0, size=0)'''\n    n = len(xs)\n    return Q(n)\n"
    )
    out = desugar_namedtuples(source).splitlines()
    assert len(out) == len(source.splitlines())
    assert out[1] == "class M(NamedTuple): a: int; b: int; size: int"  # from the docstring's example
    assert out[2:4] == ["class Q(NamedTuple): u: int; v: float = 0.5", ""]
    assert out[4] == "class R(NamedTuple): __portalis_typename__ = 'Other'; x: int = 1"
    assert out[5] == source.splitlines()[5]
    based = desugar_namedtuples("from collections import namedtuple\nclass B(namedtuple('B', 'x')):\n    \"doc\"\n"
                                "    def f(self) -> int:\n        return self.x\nb = B(x=1)\n")
    assert based.splitlines()[1:3] == ["class B(NamedTuple):", '    x: int; "doc"']
    untyped = desugar_namedtuples("import collections\nP = collections.namedtuple('P', 'x y')\ndef f(a):\n    return P(a, 'b')\n")
    assert f"class P(NamedTuple): x: {UNTYPED_FIELD}; y: str" in untyped


def test_untyped_namedtuple_field_is_named() -> None:
    out = _module("from collections import namedtuple\nP = namedtuple('P', 'x y')\n\n\ndef f(p: P) -> int:\n    return p.y\n")
    messages = [(d.code, d.message) for d in out.diagnostics]
    assert ("PTL111", "field `P.x` of collections.namedtuple `P`: no type evidence (no construction site, default or "
            "docstring example shows its type)") in messages
    assert any(d.code == "PTL141" and d.function == "f" for d in out.diagnostics)


def test_namedtuple_lowering() -> None:
    rust = "\n".join(i.code for i in _module(
        "from collections import namedtuple\nP = namedtuple('P', 'x y')\n\n\n"
        "def f(x: int) -> P:\n    return P(x, 2)._replace(y=x)\n\n\n"
        "def g(p: P) -> int:\n    return len(p) + sum([v for v in p])\n\n\n"
        "def h(p: P) -> P:\n    return p._replace(z=1)\n"
    ).items)
    assert "pub struct P {\npub x: i64,\npub y: i64,\n}" in rust
    # `_replace`: the receiver once, then struct update from it
    assert "let __base1 = &P { x, y: 2 };\nP { y: x, x: __base1.x }" in rust
    # `len(p)` is the field count; iteration goes over the fields (one type)
    assert "2 + {" in rust and "vec![__t2.x, __t2.y]" in rust
    # Python raises ValueError for a name that is no field: no translation pretends otherwise
    assert "todo!(\"portalis PTL113: `_replace` takes field names only (ValueError: unexpected field 'z')" in rust


# ---------------------------------------------------------------- library types as types and values, no build


def test_library_annotations_resolve() -> None:
    from portalis.model import ImportInfo, PyType
    from portalis.types.annotations import TypeScope, resolve_annotation

    scope = TypeScope.build("m", [], [ImportInfo(module="re", line=1), ImportInfo(module="datetime", line=1),
                                      ImportInfo(module="datetime", name="time", line=2),
                                      ImportInfo(module="fractions", name="Fraction", line=3),
                                      ImportInfo(module="typing", name="Match", line=4)])
    assert resolve_annotation("re.Match", scope) == PyType(kind="re_match")  # groups known at run time
    assert resolve_annotation("re.Match[str]", scope) == PyType(kind="re_match")
    assert resolve_annotation("Match[str]", scope) == PyType(kind="re_match")
    assert resolve_annotation("list[datetime.date]", scope) == PyType(kind="list", args=(PyType(kind="date"),))
    assert resolve_annotation("dict[str, datetime.timedelta]", scope).args[1] == PyType(kind="timedelta")
    assert resolve_annotation("Optional[time]", scope) == PyType(kind="optional", args=(PyType(kind="time"),))
    assert resolve_annotation("Fraction", scope) == PyType(kind="fraction")


def test_traced_library_values() -> None:
    import datetime
    import re
    from fractions import Fraction

    from portalis.analysis.observed import described_type
    from portalis.model import PyType
    from portalis.regex_syntax import match_type
    from portalis.types import pytypes as T
    from portalis.validate.trace_worker import describe

    m = re.match(r"(?P<k>\w+)=(\d)?", "a=")
    assert describe(m, {}) == ["re_match", r"(?P<k>\w+)=(\d)?", 32]
    assert described_type(describe(m, {})) == match_type(2, (("k", 1),), (2,))  # `(\d)?` may take no part
    assert described_type(describe([datetime.date(2024, 1, 1)], {})) == T.list_of(PyType(kind="date"))
    assert described_type(describe((datetime.time(1), Fraction(1, 3), datetime.timedelta(1)), {})) == T.tuple_of(
        PyType(kind="time"), PyType(kind="fraction"), PyType(kind="timedelta"))
    aware = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    assert described_type(describe(aware, {})) == PyType(kind="datetime")  # typed; its cases cross too (test_aware_datetime.py)
    # two patterns' matches for one parameter: a match whose groups are read at run time
    assert T.unify(match_type(1), match_type(2, (("k", 1),))) == PyType(kind="re_match")


def test_library_values_cross_processes() -> None:
    import datetime
    import re
    from fractions import Fraction

    from portalis.model import PyType
    from portalis.validate import worker
    from portalis.validate.literals import canonical, decode_value, encode_value

    values = [datetime.date(1, 2, 3), datetime.datetime(9999, 12, 31, 23, 59, 59, 999999), datetime.time(0, 0, 0, 1),
              datetime.timedelta(days=-1, microseconds=5), Fraction(-7, 2**70)]
    for v in values:
        assert decode_value(encode_value(v)) == v and worker.decode(worker.encode(v)) == v
        assert canonical(v) == worker.canonical(v) == {"__class__": type(v).__name__, "repr": repr(v)}
    m = re.compile(r"\s*(\w+)").match("ab  else x", 2)
    again = decode_value(encode_value(m))
    assert (again.span(), again.span(1), again.string, again.pos) == (m.span(), m.span(1), m.string, 2)
    assert worker.decode(worker.encode(m)).group(1) == "else"
    searched = re.search(r"(\d)(x)?", "ab 1")
    assert decode_value(encode_value(searched)).span(2) == (-1, -1)
    from portalis.validate.literals import RustLiterals

    rust = RustLiterals("c", {})
    assert rust.owned(m, PyType(kind="re_match")) == (
        'c::pyrt::ReMatch::from_parts("ab  else x", &[(2i64, 8i64), (4i64, 8i64)], &[])')
    assert rust.owned(datetime.time(1, 2), PyType(kind="time")) == (
        "c::pyrt::PyTime { hour: 1i64, minute: 2i64, second: 0i64, microsecond: 0i64 }")
    assert rust.owned(Fraction(1, 3), PyType(kind="fraction")) == (
        "c::pyrt::PyFraction::new(num_bigint::BigInt::from(1i64), num_bigint::BigInt::from(3i64))")


def test_match_cases_are_generated() -> None:
    from portalis.model import FunctionSignature, PyType, TypedParam
    from portalis.regex_syntax import match_type
    from portalis.validate.cases import strategy_for
    from portalis.validate.literals import decode_value, encode_value

    pytest.importorskip("hypothesis")
    from hypothesis import HealthCheck, given, settings

    # no deadline or speed checks: the shared machine's load is not what is tested
    @settings(max_examples=30, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategy_for(match_type(2, (("key", 1),)), {}))
    def check(m) -> None:
        assert m.re.groups == 2 and m.groupdict().keys() == {"key"}
        assert all(m.span(g) != (-1, -1) for g in (1, 2))  # every group takes part
        again = decode_value(encode_value(m))
        assert [again.span(g) for g in range(3)] == [m.span(g) for g in range(3)]

    check()
    assert not isinstance(strategy_for(PyType(kind="re_match"), {}), str)


def test_datetime_is_nondeterministic_only_by_its_clock() -> None:
    from portalis.parse import parse_source, source_module_from_text
    from portalis.validate.behaviour import nondeterministic_uses

    source = ("import datetime\nfrom datetime import date\n\n"
              "def days(y: int) -> int:\n    return (datetime.date(y, 3, 1) - date(y, 1, 1)).days\n\n"
              "def age(y: int) -> int:\n    return date.today().year - y\n")
    parsed = parse_source(source_module_from_text("m", source), source)
    assert nondeterministic_uses(parsed, "days") == []
    assert nondeterministic_uses(parsed, "age") == ["date.today"]


def test_a_parameter_read_as_a_match_is_one() -> None:
    # pygments' `def callback(lexer, match)`: `.group()`/`.groupdict()` only a match has
    rust = _lowered("def cb(lexer: int, match):\n    word = match.group(1)\n    return [(match.start(1), word)]\n\n\n"
                    "def named(m):\n    return m.groupdict()\n")
    assert "pub fn cb(_lexer: i64, r#match: &crate::pyrt::ReMatch) -> Vec<(i64, String)>" in rust
    assert "pub fn named(m: &crate::pyrt::ReMatch) -> crate::pyrt::PyDict<String, String>" in rust


def test_str_methods_with_start_and_end_and_expandtabs() -> None:
    """textwrap's `chunk.rfind(' ', 0, space_left)`, getopt's `shortopts.startswith(':', i+1)`,
    `text.expandtabs(self.tabsize)` (textwrap, difflib): were PTL134. Helpers adjust the indices
    as Python does (checked against Python on 1,225 index/substring combinations when written)."""
    rust = _lowered(
        'def f(s: str, i: int, j: int) -> str:\n    return s.expandtabs() + s.expandtabs(4)\n\n'
        'def g(s: str, i: int, j: int) -> int:\n    return s.find("a", i, j) + s.rfind("b", 0, j) + s.rindex("c", i, -1)\n\n'
        'def h(s: str, i: int, j: int) -> bool:\n    return s.startswith(":", i) or s.endswith("x", 1, j)\n'
    )
    assert "crate::pyrt::str_expandtabs(s, 8), crate::pyrt::str_expandtabs(s, 4)" in rust
    assert ('crate::pyrt::str_find_in(s, "a", i, j, false) + crate::pyrt::str_find_in(s, "b", 0, j, true) + '
            'crate::pyrt::str_index_in(s, "c", i, -1, true)') in rust
    assert 'crate::pyrt::str_affix_in(s, ":", i, i64::MAX, false) || crate::pyrt::str_affix_in(s, "x", 1, j, true)' in rust
    assert "todo!" not in rust


def test_builtins_module_names_the_builtins() -> None:
    """reprlib's `s = builtins.repr(x)` (its class has a method named `repr`): the builtin, typed
    by the analysis (the return of `r` below is inferred a str from it) and lowered as `repr(x)`;
    was PTL135 ("`builtins.repr` has no Rust translation")."""
    rust = _lowered('import builtins\n\n'
                    'def r(x: int, s: str):\n    out = builtins.repr(x) + builtins.repr(s)\n    return out[:builtins.len(s)]\n')
    assert "pub fn r(x: i64, s: &str) -> String {" in rust, rust
    assert "todo!" not in rust and "crate::pyrt::str_repr(s)" in rust


def test_split_with_a_separator_that_may_be_none() -> None:
    """string.capwords(s, sep=None) passes its `sep` on to `s.split(sep)`: decided at run time
    by a helper (was PTL113 ".split() with a Optional[str] argument")."""
    rust = _lowered('def capwords(s, sep=None):\n    return (sep or " ").join(map(str.capitalize, s.split(sep)))\n\n'
                    'def use():\n    return capwords("a b", None) + capwords("a-b", "-")\n')
    assert "pub fn capwords(s: &str, sep: Option<String>) -> String {\ncrate::pyrt::str_split_opt(s, sep.as_deref())" in rust
    assert "todo!" not in rust


def _crates_of(source: str) -> set[str]:
    """The crates a module's Cargo.toml would list: as portalis/crate.py gathers them (the
    lowering's, those the code names, and the runtime helpers')."""
    from conftest import type_map_of
    from portalis import deps, runtime
    from portalis.lower.module import lower_module
    from portalis.parse import parse_source, source_module_from_text

    parsed = parse_source(source_module_from_text("sample", source), source)
    tm = type_map_of(source)
    items = [i for i in lower_module(parsed, tm, {"sample": tm}, None).items if i.code]
    used = set().union(*(set(i.crates) | deps.crates_named(i.code) for i in items))
    return used | runtime.crates([n for i in items for n in i.runtime])


def test_only_fancy_patterns_depend_on_fancy_regex() -> None:
    """A module whose patterns the regex crate expresses gets no fancy-regex dependency; one with
    look-around gets it, for the fancy static and its helper only."""
    plain = "import re\n\ndef f(s: str) -> list[str]:\n    return re.findall(r'[a-z]+(\\d*)', s)\n"
    assert "regex" in _crates_of(plain) and "fancy-regex" not in _crates_of(plain)
    fancy = "import re\n\ndef f(s: str) -> list[str]:\n    return re.findall(r'\\w+(?=!)', s)\n"
    assert "fancy-regex" in _crates_of(fancy)
    rust = _lowered(fancy)
    assert "LazyLock<fancy_regex::Regex>" in rust and "crate::pyrt::re_findall_fancy(" in rust
    from portalis import runtime
    assert "fancy-regex" not in runtime.crates(["re_find", "re_sub", "re_split", "re_finditer", "ReMatch"])
