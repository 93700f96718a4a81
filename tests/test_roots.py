"""Roots of stub callers (issue 11, PTL137): a function calling a `todo!()` stub is untranslated
with the stub's reason, so the biggest roots are made to translate. One small crate for the module
(tests/data/roots_lib.py, each call run in Python and in Rust) and golden checks without cargo."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from conftest import DiffRun, needs_cargo, run_differential

SRC = (Path(__file__).parent / "data" / "roots_lib.py").read_text(encoding="utf-8")

CASES = {
    "shebang_matches": [
        "'#!/usr/bin/env python', r'python(2\\.\\d)?'", "'#!/usr/bin/python2.4', r'python(2\\.\\d)?'",
        "'#!/usr/bin/python-ruby', r'python(2\\.\\d)?'", "'#!/usr/bin/python/ruby', r'python(2\\.\\d)?'",
        "'#!/usr/bin/startsomethingwith python', r'python(2\\.\\d)?'", "'#!C:\\\\Python2.4\\\\Python.exe', r'python(2\\.\\d)?'",
        "'no shebang', 'python'", "'#!', 'python'", "'#!/bin/sh\\nx', 'sh'", "'#!/usr/bin/perl -w', 'perl'",
        "'#!/bin/x', '(unclosed'", "'#!/bin/x', 'a{2,1}'",
    ],
    "is_python": ["'#!/usr/bin/env python3.8\\n'", "'#!/usr/bin/pythonw'", "'#!/usr/bin/python3'", "'#!/bin/ruby'", "''"],
    "doctype_matches": ["'html PUBLIC', r'html'", "' HTML ', r'html'", "'xhtml', r'html'", "'svg', 'html|svg'",
                        "'a\\n', 'a$'", "'a\\nb', 'a$'", "'x', '['"],
    "first_at": ["r'\\d+', 'ab12'", "r'\\d+', 'abc'", "'[]a]', 'xx]'", "r'(?i)B', 'aab'", "'x{2}', 'axxx'",
                 "'x{,2}y', 'zzxy'", "'{', 'a{b'", "r'\\s', 'a\\x1cb'", "r'a(?#note)b', 'xab'", "r'(?P<w>b)', 'ab'",
                 "'é+', 'aéé'", "r'\\Z', 'ab'", "'(?=a)', 'ba'", "r'(\\w)\\1', 'abbc'", "r'(?<!b)a', 'baa'",
                 "r'(?>0*)\\d{3,}', 'x 01 001'", "'a*+a', 'aaaa'", "r'\\d{2}+\\d', 'a123'", "r'(?>ab|a)c', 'abc ac'"],
    "matched": ["r'(a+)(b)?', 'aab'", "r'(?P<x>\\w)\\w', 'xyz'", "r'(a)', 'b'", "r'(\\d)$', '5\\n'"],
    "whole": ["'ab', 'AB', 2", "'a.b', 'a\\nb', 16", "'a.b', 'a\\nb', 0", "'^b$', 'a\\nb', 8", "'a b', 'ab', 64"],
    "padded": ["3, 2", "0, 0", "-2, 1"],
    "month_row": ["0, 31", "3, 28", "6, 30"],
    "dashes": ["0", "3", "-1"],
    "matcher_hits": ["'a', 'baa'", "'a', 'bcd'", "'(', 'x'"],
    "looks_like_xml": ["'<a>b</a>'", "'plain'", "'plain'", "'<?xml version=\"1.0\"?>'", "'<!DOCTYPE html>'",
                       "'<p class=\"x\">t</p>'", "'<a>'", "''"],
    "xml_score": ["'<b>x</b>'", "'text'", "'<b>x</b>'"],
}
CALLS = [f"{f}({a})" for f, args in CASES.items() for a in args]
# Python accepts it, neither Rust's regex nor fancy-regex (look-around, back-references) is
# given it: the compiled-at-run-time pattern raises NotImplementedError, never a different match
REFUSED = "first_at('(a)?(?(1)b|c)', 'xc')"


@pytest.fixture(scope="module")
def lib(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(SRC, CALLS + [REFUSED], tmp_path_factory.mktemp("roots"), toolchain)


@needs_cargo
def test_every_function_translates(lib: DiffRun) -> None:
    functions = lib.module_report()["functions"]
    wanted = set(CASES) | {"month_days", "Matcher.__init__", "Matcher.hits", "Matcher.new"}
    assert {f["name"] for f in functions} == wanted
    assert all(f["status"] == "translated" for f in functions), [f for f in functions if f["status"] != "translated"]
    rust = (lib.crate_dir / "src" / "sample.rs").read_text(encoding="utf-8")
    assert "re_compile_dyn" in rust and "std::iter::repeat" in rust
    assert "let regex: crate::pyrt::PyRegex" in rust  # the branch's own binding


@needs_cargo
@pytest.mark.parametrize("call", CALLS)
def test_matches_python(lib: DiffRun, call: str) -> None:
    lib.check(call)


@needs_cargo
def test_inexpressible_pattern_raises(lib: DiffRun) -> None:
    result = lib.results[REFUSED]
    assert result.expected == (1, []) and "NotImplementedError: regular expression: a conditional group" in result.rust_line


def _fn(src: str) -> cst.FunctionDef:
    fn = cst.parse_module(src).body[0]
    assert isinstance(fn, cst.FunctionDef)
    return fn


def _assign_to(fn: cst.FunctionDef, name: str) -> cst.Assign:
    found: list[cst.Assign] = []

    class V(cst.CSTVisitor):
        def visit_Assign(self, node: cst.Assign) -> None:
            if any(isinstance(t.target, cst.Name) and t.target.value == name for t in node.targets):
                found.append(node)

    fn.visit(V())
    return found[0]


@pytest.mark.parametrize("src, dead", [
    ("def f(r):\n    if c:\n        r = g(r)\n        use(r)\n    return 1\n", True),
    ("def f(r):\n    if c:\n        r = g(r)\n    return r\n", False),  # read after the branch
    ("def f(r):\n    if c:\n        pass\n    else:\n        r = g(r)\n    return 0\n", True),
    ("def f(r):\n    for x in xs:\n        if c:\n            r = g(r)\n        use(r)\n", False),  # read next iteration
    ("def f(r):\n    if c:\n        r = g(r)\n    r = 'x'\n    return r\n", True),  # rebound before any read
    ("def f(r):\n    def h():\n        return r\n    if c:\n        r = g(r)\n    return 0\n", False),  # captured
    ("def f(r):\n    if c:\n        while d:\n            r = g(r)\n    return 0\n", False),  # not an if branch
    ("def f(r):\n    try:\n        if c:\n            r = g(r)\n    except E:\n        return r\n    return 0\n", False),
])
def test_dead_after_branch(src: str, dead: bool) -> None:
    """A parameter rebound in an `if` branch may be the branch's own `let` only when no later
    code can read it (analysis/liveness.py)."""
    from portalis.analysis.liveness import dead_after_branch

    fn = _fn(src)
    assert dead_after_branch(fn, _assign_to(fn, "r"), "r") is dead


def test_dynamic_pattern_types() -> None:
    """`re.compile` of a str that is not a literal is a pattern compiled at run time: its own Rust
    type (pyrt::PyRegex), a literal one keeps its translation in its type."""
    from portalis.regex_syntax import DYNAMIC_PATTERN, is_dynamic, pattern_type, translate
    from portalis.types.rust_types import owned_type

    literal = pattern_type(translate(r"a(b)"))
    assert is_dynamic(DYNAMIC_PATTERN) and not is_dynamic(literal)
    assert "PyRegex" in str(owned_type(DYNAMIC_PATTERN)) and "regex::Regex" in str(owned_type(literal))


def test_runtime_port_follows_translate() -> None:
    """The Rust port (pyrt `re_translate`) keeps to regex_syntax.translate: every construct the
    Python rules treat specially is treated in the port (a construct missing there would compile
    a different pattern at run time)."""
    from portalis.runtime import helpers

    body = helpers()["PyRegex"][0]
    for construct in ('"\\\\z"', '"\\\\x08"', "\\\\s\\\\x1c-\\\\x1f", '"\\\\{"', '"\\\\}"', "possessive (Python 3.11)",
                      '"?<!"', '"(?>"', "a conditional group", '"\\\\k<{}>"', '"(?:\\\\{})"', '"?#"'):
        assert construct in body, construct
    assert "re_compile_dyn" in helpers() and "PYREGEX_CACHE" in helpers()["re_compile_dyn"][0]
    # a struct holding one derives PartialEq and Default (configparser's `_optcre` field)
    assert "impl PartialEq for PyRegex" in body and "impl Default for PyRegex" in body
