"""Containment: no input takes a run down (issue 9, item 1, for the translator core and the CLI).

Every crash signature of the issue's "Tried" list, reproduced on real inputs through the real
stages (libcst, rustfmt, cargo): a crash of the parser is run in a subprocess, so a regression is
a failed test, not a dead pytest.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, needs_cargo, run_differential, run_portalis
from portalis.contain import contained, internal_error, run_deep
from portalis.lower.module import format_translations
from portalis.model import FunctionStatus, ModuleTranslation, RustItem
from portalis.nesting import MAX_DEPTH, measure, probe
from portalis.parse import parse_source, source_module_from_text
from portalis.rust import fmt, ir
from portalis.rust.printer import print_expr
from portalis.types.rust_types import rust_ident, unused_ident

PYTHON = sys.executable


def run_python(code: str, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """A fresh interpreter running `code` with this checkout first on the path."""
    full = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, timeout=timeout, env=full, cwd=REPO)


# ============================================================ 1. parsing never takes the process down

# Each of these killed the whole process (exit 139, libcst's native parser) or raised before:
# `and` chains and dotted imports are flat in CPython's tree but nested pairwise in libcst's,
# which needs ~1.2 KiB of C stack per operand; 20,000 of them overflow an 8 MiB main thread.
KILLERS = {
    "parens": ("x = " + "(" * 2000 + "1" + ")" * 2000 + "\n", ["PTL001"]),  # CPython: too many nested parentheses
    "and_chain": ("def f(a: bool) -> bool:\n    return " + " and ".join(["a"] * 20000) + "\n", []),
    "dotted": ("import " + ".".join(["a"] * 20000) + "\n", []),
    "unary": ("x = " + "-" * 1600 + "1\n", ["PTL004"]),  # CPython accepts it; deeper than MAX_DEPTH
    "fine": ("def f(x: int) -> int:\n    return x + 1\n", []),
}

PARSE_ALL = """
import json, sys
from portalis.parse import parse_source, source_module_from_text
out = {}
for name, text in json.loads(sys.stdin.read()).items():
    p = parse_source(source_module_from_text(name, text), text)
    out[name] = [p.ok, [d.code for d in p.diagnostics], [d.message for d in p.diagnostics]]
print(json.dumps(out))
"""


def _parse_in_subprocess(sources: dict[str, str], env: dict[str, str] | None = None) -> dict:
    full = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    proc = subprocess.run([PYTHON, "-c", PARSE_ALL], input=json.dumps(sources), capture_output=True, text=True,
                          timeout=600, env=full, cwd=REPO)
    assert proc.returncode == 0, f"the parse process died (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(proc.stdout)


def test_inputs_that_crashed_the_parser_become_diagnostics() -> None:
    assert MAX_DEPTH < 1600
    got = _parse_in_subprocess({k: v[0] for k, v in KILLERS.items()})
    for name, (_, codes) in KILLERS.items():
        ok, found, messages = got[name]
        assert found == codes, (name, messages)
        assert ok is (not codes), name
    assert "too many nested parentheses" in got["parens"][2][0]
    assert f"at most {MAX_DEPTH}" in got["unary"][2][0]


# One construct per kind of libcst recursion, each deep enough to need real stack.
CONSTRUCTS = {
    "brackets": "x = " + "(" * 190 + "[" * 5 + "1" + "]" * 5 + ")" * 190 + "\n",
    "unary": "x = " + "-" * 1200 + "1\n",
    "lambda": "x = " + "lambda: " * 600 + "1\n",
    "ternary": "x = " + " if c else ".join(["a"] * 800) + "\n",
    "sum": "x = " + " + ".join(["1"] * 1200) + "\n",
    "attributes": "x = a" + ".b" * 1200 + "\n",
    "calls": "x = f" + "()" * 1200 + "\n",
    "blocks": "".join(" " * i + "if a:\n" for i in range(95)) + " " * 95 + "pass\n",
    "elif": "if a:\n    pass\n" + "elif a:\n    pass\n" * 1200,
    "and_chain": "x = " + " or ".join(["a"] * 6000) + "\n",
    "dotted": "import " + ".".join(["a"] * 6000) + "\n",
    "strings": "x = (" + " ".join(["'a'"] * 900) + ")\n",
}


def test_the_stack_bound_is_enough_for_libcst() -> None:
    """measure()'s bound, given to libcst as its whole stack in a worker, always suffices; and
    it is not vacuous: an eighth of it crashes the worker (the parent lives and is told)."""
    import libcst as cst

    crashed = 0
    for name, src in CONSTRUCTS.items():
        run_deep(cst.parse_module, src)  # valid for libcst: a syntax error would make the probe pass vacuously
        bound = measure(ast.parse(src), src).stack_bytes
        assert probe(src, bound) is None, f"{name}: libcst needed more than the bound ({bound >> 10} KiB)"
        if name in ("brackets", "and_chain", "dotted", "blocks"):
            why = probe(src, 256 << 10)
            crashed += why is not None and "crashed" in why
    assert crashed >= 3  # the constructs really need the stack they are measured for


@needs_cargo
def test_a_parser_crash_costs_one_module(tmp_path: Path) -> None:
    """With a 2 MiB deep stack a 20,000-operand chain cannot be parsed in process: it is
    parsed in a worker first, which crashes; the module gets PTL005, the run goes on, the CLI
    names it on stderr and exits 1 with the crate written."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "killer.py").write_text(KILLERS["and_chain"][0], encoding="utf-8")
    (repo / "fine.py").write_text(KILLERS["fine"][0], encoding="utf-8")
    env = {**os.environ, "PORTALIS_DEEP_STACK_MB": "2", "PYTHONPATH": str(REPO)}
    proc = run_portalis("translate", str(repo), "--out", str(tmp_path / "crate"), "--no-build", env=env)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    report = json.loads((tmp_path / "crate" / "portalis-report.json").read_text(encoding="utf-8"))
    status = {m["module"]: m for m in report["modules"]}
    assert status["fine"]["status"] == "ok" and status["killer"]["status"] == "error"
    assert [d["code"] for d in status["killer"]["diagnostics"]] == ["PTL005"]
    assert "crashed (SIGSEGV)" in status["killer"]["diagnostics"][0]["message"]
    lines = [line for line in proc.stderr.splitlines() if line.startswith("killer.py")]
    assert lines and lines[0].startswith("killer.py: PTL005 libcst's parser crashed"), proc.stderr
    assert report["crate"]["compiles"] is True


# ============================================================ 2. deep recursion in our passes

N = 988  # the figure: each of these raised RecursionError and cost the whole run

DEEP = f"""
def total(x: int) -> int:
    return {" + ".join(["x"] * N)}


def every(x: int) -> bool:
    return {" and ".join(f"x > {-i}" for i in range(N))}


def any_of(x: int) -> bool:
    return {" or ".join(f"x == {i}" for i in range(N))}


def classify(x: int) -> int:
    if x == 0:
        return 0
""" + "".join(f"    elif x == {i}:\n        return {i * 2}\n" for i in range(1, N)) + """    return -1


def nested(x: int) -> int:
""" + "".join("    " * (i + 1) + f"if x > {i}:\n" for i in range(19)) + "    " * 20 + "return 1\n    return 0\n"


@needs_cargo
def test_realistic_depths_translate_and_behave(tmp_path: Path, toolchain) -> None:
    calls = ["total(3)", "total(-2)", "every(5)", "every(-1)", "any_of(500)", "any_of(-4)",
             "classify(0)", "classify(987)", "classify(400)", "classify(5000)", "nested(18)", "nested(19)", "nested(3)"]
    run = run_differential(DEEP, calls, tmp_path, toolchain)
    module = run.module_report()
    assert module["status"] == "ok", module["diagnostics"]
    for call in calls:
        run.check(call)
    rust = (run.crate_dir / "src" / "sample.rs").read_text(encoding="utf-8")
    # 19 nested ifs fold into one flat `&&` chain (nested parentheses made rustfmt exponential)
    assert "x > 17\n        && x > 18" in rust and "&& (" not in rust


DEEP_SUM = f"""
def total(x: int) -> int:
    return {" + ".join(["x"] * N)}


def fine(x: int) -> int:
    return x + 1
""" + DEEP[DEEP.index("def nested"):]

PASSES_TOO_DEEP = f"""
import json
from portalis.parse import parse_source, source_module_from_text
from portalis.typemap import build_type_map
from portalis.lower.module import lower_module
src = {DEEP_SUM!r}
p = parse_source(source_module_from_text("m", src), src)
tm = build_type_map(p)
t = lower_module(p, tm, {{"m": tm}})
print(json.dumps({{
    "parsed": p.ok,
    "items": {{i.name: [i.status.value, i.code] for i in t.items}},
    "diagnostics": [[d.code, d.function, d.message] for d in t.diagnostics],
}}))
"""


def test_too_deep_for_the_passes_is_a_function_diagnostic() -> None:
    """With a 16 MiB deep stack (recursion limit 1,638) a 988-term sum cannot be lowered: that
    function alone is a PTL160 todo!() stub; the module's other functions translate."""
    proc = run_python(PASSES_TOO_DEEP, env={"PORTALIS_DEEP_STACK_MB": "16"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    assert out["parsed"] is True
    deep = {f for code, f, _ in out["diagnostics"] if code == "PTL160"}
    assert "total" in deep and "fine" not in deep
    status, code = out["items"]["total"]
    assert status == "untranslated" and 'todo!("portalis PTL160' in code
    assert out["items"]["fine"][0] == "translated"
    assert out["items"]["nested"][0] == "translated"


def test_run_deep_gives_realistic_recursion_and_a_stage_error_is_a_diagnostic() -> None:
    def depth(n: int) -> int:
        return 0 if n == 0 else 1 + depth(n - 1)

    assert run_deep(depth, 30_000) == 30_000  # CPython's default limit stops at 1,000

    def fails(parsed_module: str) -> str:
        raise KeyError("no such thing")

    stage = contained("testing", lambda exc, module: internal_error(module, "testing", exc).message)(fails)
    message = stage("pkg.mod")
    assert message.startswith("internal error while testing: KeyError: 'no such thing'") and "the module was not translated" in message
    too_deep = contained("testing", lambda exc, n: internal_error("m", "testing", exc))(depth)(10**7)
    assert too_deep.code == "PTL004" and "RecursionError" in too_deep.message


# ============================================================ 3. rustfmt: one bad item costs itself

def _item(name: str, code: str, stub: str | None = None, kind: str = "fn") -> RustItem:
    return RustItem(name=name, kind=kind, code=code, stub=stub, python_line=3)


def test_rustfmt_quarantines_the_items_it_rejects() -> None:
    bad_fn = _item("f", "pub fn f(s: &str) -> String { let mut _: String = s.to_string(); s.to_string() }\n",
                   stub='pub fn f(s: &str) -> String { todo!("portalis: `f` was quarantined: rustc rejected its translation") }\n')
    good = _item("g", "pub fn g(x: i64) -> i64 {   x+1 }\n")
    bad_struct = _item("S", "pub struct S { x: }\n", kind="struct")
    other = _item("h", "pub fn h(_r#use: i64) -> i64 { 1 }\n")
    a = ModuleTranslation(module="a", items=[bad_fn, good])
    b = ModuleTranslation(module="b", items=[bad_struct, other, _item("k", "pub fn k() {}\n")])
    format_translations([a, b])
    assert good.code == "pub fn g(x: i64) -> i64 {\n    x + 1\n}\n"  # formatted as usual
    assert bad_fn.status is FunctionStatus.UNTRANSLATED and "rustfmt rejected its translation" in bad_fn.code
    assert bad_fn.code.startswith("pub fn f(s: &str) -> String {\n")  # the stub, formatted
    assert bad_struct.code == "" and other.code == "" and other.status is FunctionStatus.UNTRANSLATED
    [da] = a.diagnostics
    assert da.code == "PTL161" and da.module == "a" and da.function == "f" and da.line == 3
    assert "`mut` must be followed by a named binding" in da.message
    assert sorted((d.code, d.function) for d in b.diagnostics) == [("PTL161", "S"), ("PTL161", "h")]
    assert "prefix `_r` is unknown" in next(d.message for d in b.diagnostics if d.function == "h")


OLD_NESTED = "pub fn f(x: i64) -> i64 { if " + " && (".join(f"x > {i}" for i in range(24)) + ")" * 23 + " { return 1; } 0 }\n"


def test_rustfmt_timeout_quarantines_the_slow_item(monkeypatch: pytest.MonkeyPatch) -> None:
    """The safety net: rustfmt's time doubles per nested pair of parentheses (the printer no
    longer nests them); an item it does not finish is quarantined, the others formatted."""
    monkeypatch.setattr(fmt, "ITEM_TIMEOUT_S", 2.0)
    slow = _item("f", OLD_NESTED, stub='pub fn f(x: i64) -> i64 { todo!("portalis: `f` was quarantined: rustc rejected its translation") }\n')
    good = _item("g", "pub fn g() ->  i64 { 2 }\n")
    t = ModuleTranslation(module="m", items=[good, slow])
    format_translations([t])
    assert good.code == "pub fn g() -> i64 {\n    2\n}\n"
    [d] = t.diagnostics
    assert d.code == "PTL162" and d.function == "f" and "did not finish in 2 s" in d.message
    assert "rustfmt timed out on its translation" in slow.code


def test_items_nested_too_deep_for_rustfmt_are_not_run_through_it() -> None:
    """rustfmt's time grows steeply with bracket depth (a 198-deep tuple took over 30 s): such an
    item is quarantined before rustfmt runs (PTL166); brackets in literals do not count."""
    deep_t, deep_v = "i64", "0"
    for _ in range(fmt.MAX_NESTING + 1):
        deep_t, deep_v = f"({deep_t},)", f"({deep_v},)"
    deep = _item("T", f"pub const T: {deep_t} = {deep_v};\n", kind="const")
    literal = _item("s", 'pub fn s() -> &\'static str { "' + "(" * 200 + '" }\n')
    t = ModuleTranslation(module="m", items=[deep, literal])
    format_translations([t])
    [d] = t.diagnostics
    assert d.code == "PTL166" and d.function == "T" and f"nest {fmt.MAX_NESTING + 1} deep" in d.message
    assert deep.code == "" and literal.code.startswith("pub fn s() -> &'static str {\n")
    assert fmt.bracket_depth("f(a[0], {b})") == fmt.MAX_NESTING  # few brackets: not scanned
    assert fmt.bracket_depth("(" * 70 + "')'" + ")" * 70) == 70


COMPUTED_INDEX = """
def lists() -> list[int]:
    return [4, 5, 6]


def nested(x: int) -> int:
    return """ + "[" * 12 + "x" + "][0]" * 12 + """


def picked(i: int) -> int:
    return lists()[i] + [i, 2 * i][1]


def words(ws: list[str]) -> str:
    return [w.upper() for w in ws][-1]


def caught(xs: list[int]) -> int:
    try:
        return [x * 2 for x in xs][5]
    except IndexError:
        return -1
"""


@needs_cargo
def test_a_computed_list_is_built_once_when_indexed(tmp_path: Path, toolchain) -> None:
    """`[x][0]` used to print its receiver twice (`recv[index(0, recv.len())]`): evaluated twice,
    and the Rust doubled per level (80 levels of the fuzz corpus never finished rustfmt)."""
    calls = ["nested(7)", "picked(0)", "picked(-1)", "picked(3)", "words(['a', 'b'])", "words([])", "caught([1, 2])", "caught(list(range(9)))"]
    run = run_differential(COMPUTED_INDEX, calls, tmp_path, toolchain)
    for call in calls:
        run.check(call)
    rust = (run.crate_dir / "src" / "sample.rs").read_text(encoding="utf-8")
    body = rust[rust.index("pub fn nested"):rust.index("pub fn picked")]
    assert body.count("pyrt::item(") == 12 and len(body) < 1200, body
    assert "pyrt::item(&lists(), i)" in rust and "vec![" not in body  # borrowed as an array literal


def test_and_or_chains_print_flat() -> None:
    a, b, c, d = (ir.Path(x) for x in "abcd")
    right_nested = ir.Binary("&&", a, ir.Binary("&&", b, ir.Binary("&&", c, d)))
    assert print_expr(right_nested) == "a && b && c && d"
    assert print_expr(ir.Binary("&&", ir.Binary("||", a, b), ir.Binary("&&", c, d))) == "(a || b) && c && d"
    assert print_expr(ir.Binary("||", ir.Binary("&&", a, b), ir.Binary("||", c, d))) == "a && b || c || d"
    assert print_expr(ir.Unary("!", ir.Binary("&&", a, b))) == "!(a && b)"
    long = a
    for _ in range(5000):  # no recursion per operand
        long = ir.Binary("||", long, b)
    assert print_expr(long).count(" || ") == 5000


# ============================================================ 4. identifiers Rust cannot take

NAMES = '''
def loops(xs: list[int], n: int) -> int:
    t = 0
    for move in range(n):
        t += 1
    for i, move in enumerate(xs):
        t += i
    for ref in xs:
        t += ref
    return t


def unused_params(use: int, ref: int, impl: int, self: int, crate: int, _: int) -> int:
    return 1


def used_params(use: int, ref: int, impl: int, self: int, super: int) -> int:
    return use + ref + impl + self + super


def underscores(s: str) -> str:
    a, _, b = s.partition(":")
    c, _, d = b.partition(":")
    _ = a + "!"
    return _ + c + d


def größe(länge: int) -> int:
    straße = länge * 2
    return straße + 1


def keywords(fn: int, mut: int, type: int, loop: int, gen: int) -> int:
    let = fn + mut
    struct = let + type
    match = struct + loop + gen
    return match


def shadows(x: int) -> int:
    _x = 5
    y = x
    return _x


def variants(Ok: int = 1, Some: str = "x") -> str:
    Err = Some * Ok
    return Err


def call_variants() -> str:
    return variants(Ok=2, Some="y")
'''


@needs_cargo
def test_identifiers_rust_cannot_take(tmp_path: Path, toolchain) -> None:
    calls = ["loops([1, 2, 3], 4)", "unused_params(1, 2, 3, 4, 5, 6)", "used_params(1, 2, 3, 4, 5)",
             "underscores('a:b:c')", "underscores('x')", "größe(3)", "keywords(1, 2, 3, 4, 5)", "shadows(9)",
             "variants(1, 'x')", "variants(3, 'ab')", "call_variants()"]
    run = run_differential(NAMES, calls, tmp_path, toolchain)
    module = run.module_report()
    assert module["status"] == "ok" and all(f["status"] == "translated" for f in module["functions"]), module
    for call in calls:
        run.check(call)
    rust = (run.crate_dir / "src" / "sample.rs").read_text(encoding="utf-8")
    assert "_r#" not in rust and "mut _:" not in rust and "mut _ " not in rust
    assert rust.isascii()
    assert "pub fn unused_params(_use: i64, _ref: i64, _impl: i64, _self_: i64, _crate_: i64, _: i64)" in rust


def test_rust_ident_is_the_one_mapping() -> None:
    assert [rust_ident(n) for n in ["x", "move", "self", "Self", "crate", "super", "_", "gen", "union", "Ok", "Some"]] == [
        "x", "r#move", "self_", "Self_", "crate_", "super_", "__", "r#gen", "union", "Ok_", "Some_"]
    assert rust_ident("größe") == "gr_u00f6__u00df_e" and rust_ident("ﬁ") == "fi"  # NFKC, as Python
    assert [unused_ident(rust_ident(n)) for n in ["x", "move", "use", "_", "_y", "self"]] == ["_x", "_move", "_use", "_", "_y", "_self_"]


def test_names_that_would_collide_are_a_diagnostic() -> None:
    src = "def f(self: int) -> int:\n    self_ = 1\n    return self + self_\n\ndef g(x: int) -> int:\n    return x\n"
    from portalis.lower.module import lower_module
    from portalis.typemap import build_type_map

    p = parse_source(source_module_from_text("m", src), src)
    tm = build_type_map(p)
    t = lower_module(p, tm, {"m": tm})
    assert [(d.code, d.function) for d in t.diagnostics] == [("PTL165", "f")]
    assert "`self` and `self_` would both be `self_`" in t.diagnostics[0].message
    assert {i.name: i.status for i in t.items}["g"] is FunctionStatus.TRANSLATED


# ============================================================ 5. odd literals

LITERALS = '''
def huge() -> int:
    return 0x''' + "f" * 4000 + '''


BIG = 0x''' + "7" * 4000 + '''


def lone() -> str:
    return "\\ud800"


S = "\\udc00"


def doc(x: int) -> int:
    """A lone surrogate in a docstring: \\ud800."""
    return x + 1


def fine() -> int:
    return BIG_OK


BIG_OK = 12
'''


@needs_cargo
def test_odd_literals_are_diagnostics_on_their_holder(tmp_path: Path) -> None:
    src = tmp_path / "lits.py"
    src.write_text(LITERALS, encoding="utf-8")
    proc = run_portalis("translate", str(src), "--out", str(tmp_path / "crate"), "--no-build")
    assert proc.returncode == 0, proc.stderr  # partial, not error: the crate is fine
    report = json.loads((tmp_path / "crate" / "portalis-report.json").read_text(encoding="utf-8"))
    [module] = report["modules"]
    assert module["status"] == "partial"
    codes = {(d["code"], d["function"]) for d in module["diagnostics"]}
    assert {("PTL163", "huge"), ("PTL163", "BIG"), ("PTL163", "lone"), ("PTL163", "S")} <= codes
    fns = {f["name"]: f["status"] for f in module["functions"]}
    assert fns == {"huge": "untranslated", "lone": "untranslated", "doc": "translated", "fine": "translated"}
    assert report["crate"]["compiles"] is True
    parsed = parse_source(source_module_from_text("lits", LITERALS), LITERALS)
    doc = next(f for f in parsed.functions if f.name == "doc").docstring
    assert doc == "A lone surrogate in a docstring: \\ud800."  # its escape text: storable as JSON, printable
    parsed.model_dump_json()


# ============================================================ 6 + 7. the project's own source

@needs_cargo
def test_translating_the_project_itself_finishes(tmp_path: Path) -> None:
    """`portalis translate portalis/` died on the project's own source: every module must be in
    the report now, the report must be written, and every failed module named on stderr."""
    proc = run_portalis("translate", str(REPO / "portalis"), "--out", str(tmp_path / "crate"), "--no-build", timeout=1200)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    report = json.loads((tmp_path / "crate" / "portalis-report.json").read_text(encoding="utf-8"))
    expected = {
        ".".join(("portalis", *p.relative_to(REPO / "portalis").with_suffix("").parts)).removesuffix(".__init__")
        for p in (REPO / "portalis").rglob("*.py")
    }
    assert {m["module"] for m in report["modules"]} == expected
    failed = [m for m in report["modules"] if m["status"] == "error"]
    named = [line for line in proc.stderr.splitlines() if line.startswith("portalis/")]
    assert len(named) == len(failed) and (proc.returncode == 1) == bool(failed)
    assert all(f["status"] in ("translated", "untranslated", "compile_error") for m in report["modules"] for f in m["functions"])
