"""Names across modules, module constants and "no function left behind", on small multi-module
repositories (portalis/names.py, portalis/lower/constants.py, the safety net of
portalis/validate/compile.py).

The package tests translate a real package with the real pipeline, build it with cargo and run
calls in Python and in Rust (tests/conftest.py's differential harness): star imports with and
without `__all__`, re-exports through `__init__.py`, relative imports, an exception class of a
sibling module raised and caught by its base, a type alias and a dataclass of a sibling, a
signature naming a standard-library class (the crate still compiles and the diagnostic names it),
and module constants of each kind read by functions. The unit tests below need no cargo except
where marked.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import DiffRun, HAVE_CARGO, run_differential_package
from portalis.model import ImportInfo, ModuleNames, ModuleTypeMap, RustItem
from portalis.names import Names, export_closure
from portalis.parse import parse_source, source_module_from_text
from portalis.pipeline import translate_path
from portalis.typemap import build_type_map
from portalis.types import pytypes as T

needs_cargo = pytest.mark.skipif(not HAVE_CARGO, reason="cargo and rustfmt are needed")

PACKAGE = "xmods"
FILES = {
    "__init__.py": '''
"""Re-exports: the package's names are its modules' names."""
from .errors import CodecError, InvalidLength
from .core import encode
''',
    "errors.py": '''
class CodecError(ValueError):
    pass


class InvalidLength(CodecError):
    pass


class _Hidden(Exception):
    pass
''',
    "limits.py": '''
__all__ = ["MAX_LEN", "clamp"]

MAX_LEN = 8
SECRET = 3


def clamp(n: int) -> int:
    return min(n, MAX_LEN)


def helper(n: int) -> int:
    return n + SECRET
''',
    "shapes.py": '''
from dataclasses import dataclass

Pos = int


@dataclass
class Point:
    x: int
    y: int
''',
    "core.py": '''
import uuid

from .errors import *
from .limits import *
from .shapes import Point, Pos


def check(s: str) -> int:
    if len(s) > MAX_LEN:
        raise InvalidLength("too long")
    return len(s)


def encode(s: str) -> str:
    try:
        check(s)
    except CodecError:
        return "error"
    return s.upper()


def advance(pos: Pos, n: int) -> Pos:
    return clamp(pos + n)


def manhattan(p: Point) -> int:
    return abs(p.x) + abs(p.y)


def halve(d: uuid.UUID) -> uuid.UUID:
    return d
''',
    "user.py": '''
from os.path import *

from . import InvalidLength, encode
from .limits import *


def guarded(s: str) -> str:
    if not s:
        raise InvalidLength("empty")
    return encode(s)


def private_is_hidden(n: int) -> int:
    return helper(n)
''',
    "consts.py": '''
import string

TABLE = {"a": 1, "b": 2, "c": 3}
PRIMES = [2, 3, 5, 7, 11]
VOWELS = {"a", "e", "i", "o", "u"}
ORIGIN = (0, "origin")
NESTED = {"even": [0, 2, 4], "odd": [1, 3]}
PAIRS = [(1, 2), (3, 4)]
WS = frozenset(" \\t")
WS_NL = WS | frozenset("\\n")
HEX = frozenset(string.hexdigits)
SQUARES = [i * i for i in range(6)]
FIRST_THREE = PRIMES[:3]
GREETING = "hello, " + "world"


def lookup(k: str) -> int:
    return TABLE.get(k, -1)


def nth_prime(i: int) -> int:
    return PRIMES[i]


def is_vowel(c: str) -> bool:
    return c in VOWELS


def origin_name() -> str:
    return ORIGIN[1]


def count_of(kind: str) -> int:
    return len(NESTED[kind])


def pair_products() -> int:
    total = 0
    for a, b in PAIRS:
        total += a * b
    return total


def is_space(c: str) -> bool:
    return c in WS_NL


def hex_digits(s: str) -> int:
    return sum(1 for c in s if c in HEX)


def square_sum(n: int) -> int:
    return sum(SQUARES[:n])


def first_three_total() -> int:
    return sum(FIRST_THREE)


def greet(name: str) -> str:
    return GREETING + ", " + name
''',
}

CALLS = [
    "xmods.core:check('abc')", "xmods.core:check('far too long')",
    "xmods.core:encode('abc')", "xmods.core:encode('far too long')",
    "xmods.core:advance(3, 4)", "xmods.core:advance(3, 40)",
    "xmods.core:manhattan(Point(-2, 5))",
    "xmods.user:guarded('')", "xmods.user:guarded('ab')", "xmods.user:guarded('much too long')",
    "xmods.limits:clamp(20)",
    "xmods.consts:lookup('b')", "xmods.consts:lookup('z')", "xmods.consts:nth_prime(3)", "xmods.consts:nth_prime(9)",
    "xmods.consts:is_vowel('e')", "xmods.consts:is_vowel('x')", "xmods.consts:origin_name()",
    "xmods.consts:count_of('even')", "xmods.consts:count_of('none')", "xmods.consts:pair_products()",
    "xmods.consts:is_space('\\n')", "xmods.consts:is_space('x')", "xmods.consts:hex_digits('0xBEEFg')",
    "xmods.consts:square_sum(4)", "xmods.consts:first_three_total()", "xmods.consts:greet('you')",
]


def write_package(root: Path, files: dict[str, str], name: str = PACKAGE) -> Path:
    pkg = root / name
    pkg.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        (pkg / rel).write_text(text.lstrip("\n"), encoding="utf-8")
    return pkg


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory, toolchain) -> DiffRun:
    if not HAVE_CARGO:
        pytest.skip("cargo and rustfmt are needed")
    root = tmp_path_factory.mktemp("modules")
    pkg = write_package(root, FILES)
    try:
        return run_differential_package(pkg, CALLS, root, toolchain)
    finally:
        for k in [k for k in sys.modules if k == PACKAGE or k.startswith(PACKAGE + ".")]:
            del sys.modules[k]


def _statuses(run: DiffRun) -> dict[tuple[str, str], str]:
    return {(m["module"], f["name"]): f["status"] for m in run.translation.report["modules"] for f in m["functions"]}


def _diagnostics(run: DiffRun, module: str) -> list[dict]:
    return run.module_report(module)["diagnostics"]


@needs_cargo
def test_the_package_translates_and_compiles(package: DiffRun) -> None:
    statuses = _statuses(package)
    untranslated = {k for k, s in statuses.items() if s != "translated"}
    # what cannot be: a uuid.UUID parameter, and a name `__all__` keeps out of the star import
    assert untranslated == {("xmods.core", "halve"), ("xmods.user", "private_is_hidden")}, untranslated
    assert package.translation.crate.compiles


@needs_cargo
@pytest.mark.parametrize("call", CALLS)
def test_behaviour_matches_python(package: DiffRun, call: str) -> None:
    package.check(call)


@needs_cargo
def test_a_missing_stdlib_class_is_a_diagnostic_that_names_it(package: DiffRun) -> None:
    (diag,) = [d for d in _diagnostics(package, "xmods.core") if d["code"] == "PTL141"]
    assert diag["function"] == "halve" and "`uuid.UUID`" in diag["message"]
    rust = (package.crate_dir / "src" / "xmods" / "core.rs").read_text()
    # a stub over the placeholder: every path the crate names exists
    assert "crate::pyrt::Opaque" in rust and "uuid" not in rust.replace("uuid.UUID", "")


@needs_cargo
def test_names_come_from_where_they_are_defined(package: DiffRun) -> None:
    rust = (package.crate_dir / "src" / "xmods" / "core.rs").read_text()
    assert "crate::xmods::limits::clamp(" in rust and "crate::xmods::limits::MAX_LEN" in rust
    assert "p: &crate::xmods::shapes::Point" in rust
    assert "pub fn advance(pos: i64, n: i64) -> i64" in rust  # `Pos = int` in a sibling
    # `except CodecError` catches the subclass defined next to it (encode('far too long') shows it runs)
    assert '== "InvalidLength"' in rust
    codes = {d["code"] for d in _diagnostics(package, "xmods.core")}
    assert "PTL121" not in codes and "PTL135" not in codes


@needs_cargo
def test_a_star_import_from_outside_the_repo_is_a_warning(package: DiffRun) -> None:
    (diag,) = [d for d in _diagnostics(package, "xmods.user") if d["code"] == "PTL143"]
    assert diag["severity"] == "warning" and "os.path" in diag["message"] and diag["line"] == 1


@needs_cargo
def test_constants_of_each_kind_are_statics(package: DiffRun) -> None:
    rust = (package.crate_dir / "src" / "xmods" / "consts.rs").read_text()
    for name in ("TABLE", "PRIMES", "VOWELS", "ORIGIN", "NESTED", "PAIRS", "WS", "WS_NL", "HEX", "SQUARES", "FIRST_THREE", "GREETING"):
        assert f"pub static {name}: std::sync::LazyLock<" in rust, name
    assert not [d for d in _diagnostics(package, "xmods.consts") if d["severity"] == "error"]


# ---------------------------------------------------------------- names, without cargo


def _map(module: str, source: str, is_package: bool = False) -> ModuleTypeMap:
    src = source_module_from_text(module, source).model_copy(update={"is_package": is_package})
    return build_type_map(parse_source(src, source))


def test_star_imports_honour_all_and_hide_private_names() -> None:
    maps = {
        "p.a": _map("p.a", "__all__ = ['f']\n\ndef f() -> int:\n    return 1\n\ndef g() -> int:\n    return 2\n"),
        "p.b": _map("p.b", "def h() -> int:\n    return 3\n\ndef _k() -> int:\n    return 4\n"),
        "p.c": _map("p.c", "from .a import *\nfrom .b import *\n"),
    }
    names = Names(maps)
    assert names.resolve("p.c", "f").module == "p.a"
    assert names.resolve("p.c", "g") is None  # not in __all__
    assert names.resolve("p.c", "h").module == "p.b"
    assert names.resolve("p.c", "_k") is None  # private, no __all__


def test_reexports_through_packages_and_cycles() -> None:
    maps = {
        "p": _map("p", "from .sub import Thing\n", is_package=True),
        "p.sub": _map("p.sub", "from .deep import *\n", is_package=True),
        "p.sub.deep": _map("p.sub.deep", "class Thing:\n    x: int\n\n    def __init__(self) -> None:\n        self.x = 1\n"),
        "q.a": _map("q.a", "from q.b import *\n"),
        "q.b": _map("q.b", "from q.a import *\n"),
    }
    names = Names(maps)
    found = names.resolve("p", "Thing")
    assert (found.module, found.name, found.kind) == ("p.sub.deep", "Thing", "class")
    assert names.resolve("q.a", "anything") is None  # a star-import cycle ends, resolving nothing
    # the class type as `p` spells it is the class where it is defined
    assert names.resolve_type(T.class_type("p", "Thing"), []) == T.class_type("p.sub.deep", "Thing")


def test_exception_hierarchy_across_modules() -> None:
    maps = {
        "e.base": _map("e.base", "class Error(ValueError):\n    pass\n"),
        "e.more": _map("e.more", "from .base import Error\n\nclass Bad(Error):\n    pass\n"),
        "e.use": _map("e.use", "from .more import *\n"),
    }
    known = Names(maps).exceptions("e.use")
    assert known["Bad"] == "Error" and known["Error"] == "ValueError"


def test_missing_types_become_the_placeholder_and_are_named() -> None:
    source = (
        "import argparse\nimport uuid\nimport re\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from .other import Hidden\n\n"
        "def main(ns: argparse.Namespace) -> int:\n    return 0\n\n"
        "def first(m: uuid.UUID) -> str:\n    return ''\n\n"
        "def matched(m: re.Match) -> str:\n    return m.group(1)\n\n"
        "def hidden(h: 'Hidden') -> int:\n    return 0\n"
    )
    tm = Names({"m": _map("m", source)}).resolved("m")
    sigs = {f.name: f for f in tm.functions}
    assert sigs["main"].params[0].rust_type == "&crate::pyrt::Opaque"
    assert any(d.code == "PTL141" and "`argparse.Namespace`" in d.message for d in sigs["main"].diagnostics)
    assert any(d.code == "PTL141" and "`uuid.UUID`" in d.message for d in sigs["first"].diagnostics)
    # a standard-library class with a runtime type is that type (issue 12), not the placeholder
    assert sigs["matched"].params[0].rust_type == "&crate::pyrt::ReMatch" and not sigs["matched"].diagnostics
    # a name under TYPE_CHECKING is not an import the crate knows: no type (a stub), never a path
    assert [d.code for d in sigs["hidden"].diagnostics] == ["PTL111"] and "Hidden" in sigs["hidden"].diagnostics[0].message
    assert not any("crate::" in p.rust_type and "crate::pyrt::" not in p.rust_type for f in tm.functions for p in f.params)


def test_export_closure_follows_reexports_not_every_import() -> None:
    maps = {
        "a": _map("a", "def base(x: int) -> int:\n    return x\n"),
        "b": _map("b", "from a import base\n\ndef mid(x: int) -> int:\n    return base(x)\n"),
        "pkg": _map("pkg", "from pkg.impl import f\n", is_package=True),
        "pkg.impl": _map("pkg.impl", "def f() -> int:\n    return 1\n"),
    }
    # `import b` reads b's own names: a change in `a` does not concern it
    assert export_closure([ImportInfo(module="b", line=1)], maps) == ["b"]
    # `from b import base` is a's `base`
    assert export_closure([ImportInfo(module="b", name="base", line=1)], maps) == ["a", "b"]
    # a package re-exports: `import pkg` may read pkg.impl's names
    assert export_closure([ImportInfo(module="pkg", line=1)], maps) == ["pkg", "pkg.impl"]


def test_unused_names_do_not_change_a_resolved_map() -> None:
    tm = _map("solo", "def f(x: int) -> int:\n    return x\n")
    assert Names({"solo": tm}).resolved("solo") is tm  # nothing to settle: the same map
    assert tm.names == ModuleNames(imports=[], aliases={}, bases={}, exported=None)


# ---------------------------------------------------------------- no function left behind


REPORT_SRC = '''
try:
    from gettext import gettext as _
    TRANSLATED = True
except ImportError:
    def _(s):
        return s


class Unknowable:
    def __init__(self, x):
        self.data = x.whatever()

    def value(self) -> int:
        return 1


class Oops(Exception):
    def __init__(self, msg: str) -> None:
        super().__init__(msg)

    def __str__(self) -> str:
        return "oops"


def plain(n: int) -> int:
    return n + 1


if __name__ == "__main__":
    def regenerate(path: str) -> None:
        print(path)

    regenerate(__file__)
'''


@needs_cargo
def test_every_def_and_method_is_in_the_report(tmp_path: Path, toolchain) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "rep.py").write_text(REPORT_SRC.lstrip("\n"))
    run = translate_path(tmp_path / "src" / "rep.py", tmp_path / "crate", toolchain, build=False)
    module = run.report["modules"][0]
    statuses = {f["name"]: f["status"] for f in module["functions"]}
    assert statuses == {
        # `Unknowable.data` cannot be typed: the field holds the placeholder, `value` (which
        # never reads it) is translated; `__init__` (untyped `x`) is not, nor the `new` that
        # would run it (reported with its reason, its stub kept for callers)
        "_": "untranslated", "Unknowable.__init__": "untranslated", "Unknowable.new": "untranslated",
        "Unknowable.value": "translated",
        "Oops.__init__": "untranslated", "Oops.__str__": "untranslated", "plain": "translated",
        # script code: an import never binds it, so it is no function of the library (counted apart)
        "regenerate": "excluded",
    }
    script = next(f for f in module["functions"] if f["name"] == "regenerate")
    assert script["reason"]["code"] == "PTL146" and "__main__" in script["reason"]["message"]
    from portalis.report_text import totals_line
    assert "(1 more excluded: script code" in totals_line(run.report)
    # (`_` is Python's choice at import time: the try body does more than import, so the handler
    # is no plain fallback of it, portalis/import_fallbacks.py)
    codes = {d["code"] for d in module["diagnostics"]}
    assert {"PTL144", "PTL142", "PTL146"} <= codes
    assert run.crate.compiles


@needs_cargo
def test_the_safety_net_leaves_out_what_rustc_rejects_outside_a_body(tmp_path: Path, toolchain) -> None:
    """A struct naming a type that does not exist (no stub can replace it) and a function over
    it: the struct leaves the crate (PTL180), the function falls back to its stub, then leaves
    too when its stub names the struct; the rest of the crate builds."""
    from portalis.model import ModuleTranslation
    from portalis.validate.compile import check_modules

    items = [
        RustItem(name="Broken", kind="struct", code="pub struct Broken {\n    pub x: crate::nowhere::Missing,\n}\n", python_line=1),
        RustItem(name="use_it", kind="fn", code="pub fn use_it(b: &Broken) -> i64 {\n    let _ = b;\n    1\n}\n",
                 stub="#[allow(unused_variables)]\npub fn use_it(b: &Broken) -> i64 {\n    todo!()\n}\n", python_line=5),
        RustItem(name="fine", kind="fn", code="pub fn fine() -> i64 {\n    2\n}\n", python_line=9),
    ]
    results, run, _ = check_modules({"m": ModuleTranslation(module="m", items=items)}, tmp_path / "crate", toolchain)
    assert run.ok, run.errors
    v = results["m"]
    left_out = {d.function for d in v.diagnostics if d.code == "PTL180"}
    assert "Broken" in left_out and "use_it" in left_out
    assert {f.name: f.status.value for f in v.functions} == {"use_it": "compile_error", "fine": "translated"}
    assert v.compiles


@needs_cargo
def test_errors_only_the_build_finds_are_quarantined_too(tmp_path: Path, toolchain) -> None:
    """`cargo check` accepts `x >= 1 << 64`; the build's deny-by-default `arithmetic_overflow`
    lint rejects it. With `final_build` the function falls back to its stub and the crate builds."""
    from portalis.model import ModuleTranslation
    from portalis.validate.compile import check_modules

    def crate() -> dict[str, ModuleTranslation]:
        items = [RustItem(name="big", kind="fn", code="pub fn big(x: i64) -> bool {\n    x >= 1 << 64\n}\n",
                          stub="#[allow(unused_variables)]\npub fn big(x: i64) -> bool {\n    todo!()\n}\n", python_line=1)]
        return {"m": ModuleTranslation(module="m", items=items)}

    _, checked, _ = check_modules(crate(), tmp_path / "a", toolchain)
    assert checked.ok  # what check alone says
    results, run, _ = check_modules(crate(), tmp_path / "b", toolchain, final_build=True)
    assert run.ok and results["m"].functions[0].status.value == "compile_error"
    assert any(d.code == "PTL301" and "overflow" in d.message for d in results["m"].diagnostics)


def test_a_shift_past_i64_is_a_diagnostic() -> None:
    from portalis.lower.module import lower_module

    source = "def big(x: int) -> bool:\n    return x >= 1 << 64\n\ndef ok(x: int) -> int:\n    return x << 3\n"
    parsed = parse_source(source_module_from_text("sh", source), source)
    out = lower_module(parsed, build_type_map(parsed), {}, None)
    assert [(d.code, d.function) for d in out.diagnostics] == [("PTL113", "big")]
