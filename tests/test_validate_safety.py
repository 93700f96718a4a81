"""The safety gate rejects each forbidden construct, and only real code (not strings or comments)."""

from __future__ import annotations

from pathlib import Path

import pytest

from portalis.model import FunctionStatus, ModuleTranslation, RustItem
from portalis.parse import parse_source, source_module_from_text
from portalis.validate.safety import check_code, check_crate_dir, function_sources, gate_translations, python_capabilities, strip_rust

from conftest import needs_cargo

FORBIDDEN = {
    "unsafe": "pub fn f(p: &[i64]) -> i64 { unsafe { *p.as_ptr() } }",
    "extern": "extern crate libc;\npub fn f() -> i64 { 1 }",
    "#[link]": '#[link(name = "m")]\npub fn f() {}',
    "#[no_mangle]": "#[no_mangle]\npub fn f() {}",
    "asm!": 'pub fn f() { std::arch::asm!("nop"); }',
    "include_str!": 'pub fn f() -> &\'static str { include_str!("/etc/passwd") }',
    "std::mem::transmute": "pub fn f(x: f64) -> u64 { std::mem::transmute(x) }",
    "raw pointer": "pub fn f(x: &i64) -> *const i64 { x as *const i64 }",
    "process": 'pub fn f() { std::process::Command::new("sh").spawn().unwrap(); }',
    "network": 'pub fn f() { let _ = std::net::TcpStream::connect("example.com:80"); }',
    "filesystem": 'pub fn f() -> String { std::fs::read_to_string("x").unwrap() }',
    "environment": 'pub fn f() -> String { std::env::var("HOME").unwrap() }',
}


@pytest.mark.parametrize("kind", sorted(FORBIDDEN))
def test_each_forbidden_construct_is_rejected(kind: str) -> None:
    found = check_code(FORBIDDEN[kind])
    assert kind in [k for k, _ in found], found


def test_strings_comments_and_stubs_do_not_trip_the_gate() -> None:
    code = (
        "/// unsafe in a doc comment, std::fs too\n"
        "pub fn f(s: &str) -> String {\n"
        "    // extern crate x; unsafe { }\n"
        "    /* nested /* unsafe */ std::process::exit(1) */\n"
        '    let a = "unsafe { std::net::TcpStream }";\n'
        '    let b = r#"include_str!("x") "quoted" "#;\n'
        "    let c = '\"'; let d: &'static str = \"std::env::var\";\n"
        '    todo!("portalis PTL121 unsafe std::fs")\n'
        "}\n"
    )
    assert check_code(code) == []
    assert "unsafe" not in strip_rust(code) and strip_rust(code).count("\n") == code.count("\n")
    # a Python function merely named like a forbidden thing is fine
    assert check_code("pub fn transmute(x: i64) -> i64 { x }") == []


def test_capabilities_the_python_used_are_allowed() -> None:
    fs = 'pub fn f() -> String { std::fs::read_to_string("x").unwrap() }'
    assert python_capabilities("def f():\n    return open('x').read()\n") == {"filesystem"}
    assert check_code(fs, {"filesystem"}) == []
    assert [k for k, _ in check_code(fs, {"network"})] == ["filesystem"]
    assert python_capabilities("import subprocess\n") == set()  # an import alone does nothing
    assert python_capabilities("import subprocess\nsubprocess.run(['ls'])\n") == {"process"}
    assert python_capabilities("from urllib.request import urlopen\nurlopen('http://x')\n") == {"network"}
    assert python_capabilities("import os\nx = os.environ['A']\n") == {"environment"}
    assert python_capabilities("def f(a: int) -> int:\n    return a\n") == set()
    # unsafe is never allowed, whatever the Python did
    assert check_code("pub fn f() { unsafe {} }", {"filesystem", "process", "network", "environment"})


def _functions(source: str):  # type: ignore[no-untyped-def]
    return function_sources(parse_source(source_module_from_text("m", source), source))


def test_gate_quarantines_rejected_functions_into_their_stubs() -> None:
    good = RustItem(name="ok", kind="fn", code="pub fn ok(a: i64) -> i64 {\n    a\n}", stub="pub fn ok(a: i64) -> i64 {\n    todo!()\n}", python_line=1)
    bad = RustItem(
        name="peek", kind="fn", python_line=5,
        code='pub fn peek() -> String {\n    std::fs::read_to_string("/etc/hosts").unwrap()\n}',
        stub='pub fn peek() -> String {\n    todo!("portalis PTL401")\n}',
    )
    t = ModuleTranslation(module="m", items=[good, bad])
    gated, diags = gate_translations({"m": t}, {"m": _functions("def ok(a: int) -> int:\n    return a\n\n\ndef peek() -> str:\n    return ''\n")})
    items = {it.name: it for it in gated["m"].items}
    assert items["ok"].code == good.code and items["ok"].status is FunctionStatus.TRANSLATED
    assert items["peek"].code == bad.stub and items["peek"].status is FunctionStatus.UNTRANSLATED
    (d,) = diags["m"]
    assert (d.code, d.function, d.line) == ("PTL401", "peek", 5) and "filesystem" in d.message
    # the same Rust is accepted when the Python read the file itself
    gated, diags = gate_translations({"m": t}, {"m": _functions("def ok(a: int) -> int:\n    return a\n\n\ndef peek() -> str:\n    return open('/etc/hosts').read()\n")})
    assert [d.code for d in diags["m"]] == ["PTL403"] and gated["m"].items[1].code == bad.code
    assert "open" in diags["m"][0].message and diags["m"][0].function == "peek"


def test_crate_level_build_scripts_and_dependencies(tmp_path: Path) -> None:
    (tmp_path / "Cargo.toml").write_text(
        '[package]\nname = "x"\nversion = "0.1.0"\nbuild = "gen.rs"\n\n[dependencies]\nlibc = "0.2"\n\n[build-dependencies]\ncc = "1"\n'
    )
    (tmp_path / "build.rs").write_text("fn main() {}\n")
    kinds = sorted(v.kind for v in check_crate_dir(tmp_path))
    assert kinds == ["[build-dependencies] in Cargo.toml", "build script", "build script", "dependency"]
    (tmp_path / "build.rs").unlink()
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "x"\nversion = "0.1.0"\n\n[dependencies]\n\n[workspace]\n')
    assert check_crate_dir(tmp_path) == []


@needs_cargo
def test_gate_and_rustc_errors_in_check_modules(tmp_path: Path, toolchain) -> None:
    """The gate runs before cargo; a function rustc rejects is mapped to its Python name and line."""
    from portalis.validate.compile import check_modules

    items = [
        RustItem(name="fine", kind="fn", code="pub fn fine(a: i64) -> i64 {\n    a + 1\n}", stub="pub fn fine(a: i64) -> i64 {\n    todo!()\n}", python_line=1),
        RustItem(name="typo", kind="fn", python_line=4, code="pub fn typo(a: i64) -> i64 {\n    a + \"x\"\n}",
                 stub="pub fn typo(a: i64) -> i64 {\n    todo!()\n}"),
        RustItem(name="sneaky", kind="fn", python_line=7, code="pub fn sneaky() -> i64 {\n    unsafe { 1 }\n}",
                 stub="pub fn sneaky() -> i64 {\n    todo!()\n}"),
    ]
    results, run, _ = check_modules(
        {"m": ModuleTranslation(module="m", items=items)}, tmp_path / "crate", toolchain, "gate_check",
        {"m": "m.py"}, python_functions={"m": {}}, lint=True,
    )
    assert run.ok
    v = results["m"]
    statuses = {f.name: f.status for f in v.functions}
    assert statuses == {"fine": FunctionStatus.TRANSLATED, "typo": FunctionStatus.COMPILE_ERROR, "sneaky": FunctionStatus.UNTRANSLATED}
    codes = {(d.code, d.function, d.line) for d in v.diagnostics}
    assert ("PTL301", "typo", 4) in codes and ("PTL401", "sneaky", 7) in codes
    assert "unsafe" not in (tmp_path / "crate" / "src" / "m.rs").read_text()
