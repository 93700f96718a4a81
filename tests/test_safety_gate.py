"""The safety gate against the Rust an attacker (or a careless model) would write.

Each EVASION is an item that got past the old text-pattern gate (issue 9, item 5: all 28 of
them passed it) and that rustc compiles: `test_every_evasion_is_real_rust` checks them all in one crate with rustc,
so none of them is a strawman. Each must now be rejected, with a reason that names what it
found. The negative tests run the gate over everything the translator emits for examples/ and
the real-world corpora (no false positives), and the lexer over tricky inputs.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portalis import runtime
from portalis.model import ModuleTranslation, RustItem
from portalis.parse import parse_source, source_module_from_text
from portalis.validate.rust_tokens import LexError, blank_non_code, tokenize
from portalis.validate.safety import (
    check_code,
    check_module_items,
    check_rust,
    function_grants,
    function_sources,
    gate_translations,
    path_verdict,
    python_grants,
    table,
)

needs_rustc = pytest.mark.skipif(shutil.which("rustc") is None, reason="rustc is needed")

# A file `#[path]` pulls in: foreign code the item itself does not show.
EVIL_RS = 'unsafe extern "C" {\n    pub fn getpid() -> i32;\n}\npub fn pid() -> i32 {\n    unsafe { getpid() }\n}\n'
EVIL_PATH = "@EVIL@"  # replaced by the absolute path of EVIL_RS's file

# name -> (the attacker's Rust, the kind the gate must report, a word its reason must contain)
EVASIONS: dict[str, tuple[str, str, str]] = {
    "raw identifiers": (
        'pub fn e() { let _ = std::r#process::r#Command::r#new("sh").arg("-c").arg("id").status(); }',
        "process", "std::process::Command"),
    "raw identifier in a use": (
        'pub fn e() { use std::r#process::{r#Command as C}; let _ = C::new("sh").status(); }',
        "process", "std::process::Command"),
    "macro_rules path pasting": (
        'pub fn e() {\n    macro_rules! m { ($a:ident, $b:ident) => { std::$a::$b::new("sh") }; }\n'
        '    let _ = m!(process, Command).status();\n}',
        "macro_rules!", "defines a macro"),
    "raw C string desyncs the lexer": (
        'pub fn e() {\n    let _a = cr#"\\"#; let _ = std::process::Command::new("sh").status(); let _b = "";\n}',
        "process", "std::process"),
    "raw C string without hashes": (
        'pub fn e() {\n    let _a = cr"\\"; let _ = std::process::Command::new("sh").status(); let _b = "";\n}',
        "process", "std::process"),
    "std::r#net name lookup": (
        'pub fn e() -> bool { use std::r#net::ToSocketAddrs; ("example.com", 80).to_socket_addrs().is_ok() }',
        "network", "std::net"),
    "Path::read_dir": (
        'pub fn e() -> usize { std::path::Path::new("/").read_dir().map(|d| d.count()).unwrap_or(0) }',
        "filesystem", "std::path"),
    "method read_dir on a Path": (
        'pub fn e(p: &std::path::Path) -> bool { p.read_dir().is_ok() }',
        "filesystem", "read_dir"),
    "env!": ('pub fn e() -> &\'static str { env!("PATH") }', "env!", "build environment"),
    "option_env!": ('pub fn e() -> Option<&\'static str> { option_env!("HOME") }', "option_env!", "build environment"),
    "use std::env as e": (
        'pub fn e() -> String { use std::env as e; e::var("HOME").unwrap_or_default() }',
        "environment", "std::env"),
    "use group std::{env as e, fs}": (
        'pub fn e() -> String { use ::std::{env as e, fs as f}; let _ = f::metadata("/"); e::var("HOME").unwrap_or_default() }',
        "environment", "std::env"),
    "use std::env::{self as e}": (
        'pub fn e() -> Vec<String> { use std::env::{self as e}; e::args().collect() }',
        "environment", "std::env"),
    "glob use std::*": (
        'pub fn e() -> std::path::PathBuf { use std::*; env::temp_dir() }',
        "use std::*", "glob"),
    "env functions the old list missed": (
        'pub fn e() -> usize { std::env::vars_os().count() }', "environment", "std::env::vars_os"),
    "#[path] mod with unsafe extern": (
        f'pub fn e() -> i32 {{\n    #[path = "{EVIL_PATH}"]\n    mod evil;\n    evil::pid()\n}}',
        "#[path]", "loads a module"),
    "#[cfg_attr(all(), no_mangle)]": ('#[cfg_attr(all(), no_mangle)]\npub fn e() {}', "#[no_mangle]", "link-time symbol"),
    "#[cfg_attr(all(), export_name)]": ('#[cfg_attr(all(), export_name = "gate_e")]\npub fn e() {}', "#[export_name]", "link-time symbol"),
    "#[link_section]": ('#[cfg_attr(all(), link_section = ".text.gate")]\npub fn e() {}', "#[link_section]", "linker section"),
    "#[used]": ('#[used]\npub static E: u8 = 0;', "#[used]", "linker"),
    "std::os::unix::net": (
        'pub fn e() { let _ = std::os::unix::net::UnixStream::connect("/run/x.sock"); }', "std::os", "OS extensions"),
    "include_str! through an alias": (
        'pub fn e() -> &\'static str { use std::include_str as inc; inc!("/etc/hostname") }', "include_str!", "compile time"),
    "include_bytes! through a use group": (
        'pub fn e() -> usize { use core::{include_bytes as ib}; ib!("/etc/hostname").len() }', "include_bytes!", "compile time"),
    "std::fs through ::std and an alias": (
        'pub fn e() -> String { use ::std::{fs as f}; f::read_to_string("/etc/hostname").unwrap_or_default() }',
        "filesystem", "std::fs"),
    "a type alias to Command": (
        'pub fn e() { type C = std::r#process::r#Command; let _ = C::new("sh").status(); }', "process", "std::process"),
    "std::process::exit through {self as p}": (
        'pub fn e() { use std::{process::{self as p}}; p::exit(0) }', "process", "std::process"),
    "std::thread": ('pub fn e() { let _ = std::thread::spawn(|| 1).join(); }', "std::thread", "threads"),
    "std::ptr (safe to call, still denied)": ('pub fn e() -> bool { std::ptr::null::<u8>().is_null() }', "std::ptr", "raw pointers"),
}

# Not compiled (rustc refuses them on stable or inside a module), but rejected all the same.
REJECTED_ONLY: dict[str, tuple[str, str, str]] = {
    "unsafe": ("pub fn e(p: &[i64]) -> i64 { unsafe { *p.as_ptr() } }", "unsafe", "unsafe code"),
    "extern crate": ("extern crate std as s;\npub fn e() { s::process::exit(0) }", "extern", "foreign code"),
    "extern block": ('extern "C" { fn abs(x: i32) -> i32; }', "extern", "foreign code"),
    "inline #![no_std]": ("pub fn e() { #![no_std] }", "#![no_std]", "inner attributes"),
    "concat_idents!": ("pub fn e() { let _ = concat_idents!(std, process); }", "concat_idents!", "identifiers"),
    "asm!": ('pub fn e() { core::arch::asm!("nop"); }', "asm!", "assembly"),
    "transmute": ("pub fn e(x: f64) -> u64 { std::mem::transmute(x) }", "std::mem::transmute", "reinterprets"),
    "macro 2.0": ("macro m() { std::process::exit(0) }", "macro", "macro definition"),
    "inline module": ('pub fn e() { mod inner { pub fn f() {} } inner::f() }', "mod", "module declaration"),
    "#[link]": ('#[link(name = "m")]\npub fn e() {}', "#[link]", "native library"),
    "unknown attribute": ("#[global_allocator]\npub static A: u8 = 0;", "#[global_allocator]", "allocator"),
    "derive of a proc macro": ("#[derive(Serialize)]\npub struct S {}", "#[derive(Serialize)]", "derives"),
    "raw pointer type": ("pub fn e(x: &i64) -> *const i64 { x as *const i64 }", "raw pointer", "raw pointer"),
    "&raw const": ("pub fn e(x: &i64) -> bool { let _p = &raw const *x; true }", "raw pointer", "raw pointer"),
    "unterminated raw string": ('pub fn e() { let _ = r#"abc"; std::process::exit(0) }', "unreadable Rust", "unterminated raw string"),
    "reserved prefix": ('pub fn e() { let _ = k#"x"; }', "unreadable Rust", "reserved prefix"),
    "std::time (not in the allow-list)": ("pub fn e() { let _ = std::time::Instant::now(); }", "std::time", "allow-list"),
    "unknown crate": ("pub fn e() { ::libc::getpid(); }", "libc", "not a crate"),
    "a user macro": ("pub fn e() { my_macro!(); }", "my_macro!", "allow-list"),
    "pyo3 running Python": (
        'pub fn e(py: pyo3::Python) { let _ = py.run(c"import os", None, None); }', "pyo3 .run()", "runs code"),
    "module-level import of a capability": ("use std::fs;\npub fn e() {}", "filesystem", "std::fs"),
}


def _evil_code(code: str, evil: Path) -> str:
    return code.replace(EVIL_PATH, str(evil))


@pytest.mark.parametrize("name", sorted(EVASIONS) + sorted(REJECTED_ONLY))
def test_each_evasion_is_rejected_with_a_reason_naming_it(name: str, tmp_path: Path) -> None:
    code, kind, word = EVASIONS.get(name) or REJECTED_ONLY[name]
    found = check_rust(_evil_code(code, tmp_path / "evil.rs"))
    assert found, f"{name}: accepted"
    assert kind in [v.kind for v in found], [(v.kind, v.detail) for v in found]
    assert any(word in v.detail or word in v.kind for v in found if v.kind == kind), [v.detail for v in found]


def test_evasions_are_rejected_even_where_the_python_had_the_capability(tmp_path: Path) -> None:
    """A grant lifts a capability, never the things always denied."""
    everything = set(table().grants)
    always = [n for n, (_, kind, _) in {**EVASIONS, **REJECTED_ONLY}.items()
              if kind not in ("filesystem", "process", "network", "environment")]
    for name in always:
        code, kind, _ = EVASIONS.get(name) or REJECTED_ONLY[name]
        kinds = [v.kind for v in check_rust(_evil_code(code, tmp_path / "evil.rs"), everything)]
        assert kind in kinds, (name, kinds)


@needs_rustc
def test_every_evasion_is_real_rust(tmp_path: Path) -> None:
    """All the EVASIONS compile (rustc, edition 2021): they are what an attacker would ship."""
    evil = tmp_path / "evil.rs"
    evil.write_text(EVIL_RS, encoding="utf-8")
    parts = ["#![allow(dead_code, unused_imports, unused_variables, deprecated)]"]
    for k, (name, (code, _, _)) in enumerate(sorted(EVASIONS.items())):
        parts.append(f"// {name}\npub mod m{k} {{\n{_evil_code(code, evil)}\n}}")
    src = tmp_path / "evasions.rs"
    src.write_text("\n".join(parts) + "\n", encoding="utf-8")
    proc = subprocess.run(
        ["rustc", "--edition", "2021", "--crate-type", "lib", "--emit", "metadata", "--out-dir", str(tmp_path), str(src)],
        capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-6000:]
    assert len(EVASIONS) >= 18


@needs_rustc
def test_forbid_unsafe_code_at_the_root_holds_for_the_whole_runtime(tmp_path: Path, crate_externs: list[str]) -> None:
    """pyrt has no unsafe (by its tokens), and every helper compiles under the crate root's
    `#![forbid(unsafe_code)]`; an `#[allow(unsafe_code)]` below cannot lift it."""
    text = runtime.helpers()
    for name, (body, _) in text.items():
        assert not [t for t in tokenize(body) if t.keyword and t.text == "unsafe"], name
    body = runtime.render(set(text)).replace("//!", "//")
    src = tmp_path / "lib.rs"
    src.write_text(f"#![forbid(unsafe_code)]\n#![allow(dead_code)]\npub mod pyrt {{\n{body}\n}}\n", encoding="utf-8")
    cmd = ["rustc", "--edition", "2021", "--crate-type", "lib", "--emit", "metadata", "--out-dir", str(tmp_path)]
    proc = subprocess.run([*cmd, *crate_externs, str(src)], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-4000:]
    sneaky = tmp_path / "sneaky.rs"
    sneaky.write_text("#![forbid(unsafe_code)]\n#[allow(unsafe_code)]\npub fn f(p: &i64) -> i64 { unsafe { *(p as *const i64) } }\n")
    proc = subprocess.run([*cmd, str(sneaky)], capture_output=True, text=True, timeout=180)
    assert proc.returncode != 0 and "unsafe_code" in proc.stderr


def test_write_crate_puts_forbid_unsafe_code_at_the_root(tmp_path: Path) -> None:
    from portalis.crate import write_crate

    write_crate(tmp_path, "c", {"m": [RustItem(name="f", kind="fn", code="pub fn f() {}\n", python_line=1)]})
    lib = (tmp_path / "src" / "lib.rs").read_text()
    assert "#![forbid(unsafe_code)]" in lib and lib.index("#![forbid") < lib.index("pub mod m;")


# ---------------------------------------------------------------- what is allowed


ALLOWED = [
    "pub fn f(xs: &[i64]) -> std::collections::HashMap<i64, usize> {\n"
    "    let mut m = std::collections::HashMap::new();\n"
    "    for x in xs { *m.entry(*x).or_insert(0) += 1; }\n    m\n}",
    "pub fn f(a: &mut Vec<i64>, b: &mut Vec<i64>) { std::mem::swap(a, b); let _ = std::mem::take(a); }",
    "pub fn f(x: i64) -> std::cmp::Ordering { x.cmp(&0) }",
    "pub fn f() -> String { use std::fmt::Write; let mut s = String::new(); write!(s, \"{}\", 1).unwrap(); s }",
    "pub static T: std::sync::LazyLock<Vec<i64>> = std::sync::LazyLock::new(|| vec![1, 2]);",
    "pub fn f(xs: &[i64]) -> Vec<i64> { xs.iter().copied().collect::<Vec<_>>() }",
    "pub fn f<'a>(s: &'a str) -> &'a str { let _c = '\\''; let _l: &'static str = r#\"unsafe \"std::fs\"\"#; s }",
    "#[derive(Debug, Clone, PartialEq, Default)]\npub struct P { pub x: i64 }",
    "#[allow(clippy::needless_return)]\n#[inline]\npub fn f() -> i64 { return core::i64::MAX; }",
    "pub fn f(n: i64) -> i64 { todo!(\"portalis PTL121: unsafe std::process extern mod\") }",
    "pub fn f() -> f64 { std::f64::consts::PI }",
    "pub fn f(x: i64) -> crate::pyrt::PyErr { crate::pyrt::PyErr::new(\"ValueError\", &x.to_string()) }",
    "pub fn f() -> bool { use std::collections::*; let s: HashSet<i64> = HashSet::new(); s.is_empty() }",
    "pub fn f() -> i64 { let r#match = 1; let r#unsafe = 2; r#match + r#unsafe }",
    "/// doc: unsafe { std::fs }\npub fn f() {} // extern crate x;",
    "pub fn f(a: i64, b: i64) -> bool { a != b && !(a > b) }",
    "pub fn f() { println!(\"{}\", std::iter::repeat_n(1, 3).sum::<i64>()); }",
]


@pytest.mark.parametrize("code", ALLOWED)
def test_ordinary_translations_pass(code: str) -> None:
    assert check_code(code) == []


def test_capabilities_are_lifted_by_a_grant_only() -> None:
    fs = 'pub fn f() -> String { std::fs::read_to_string("x").unwrap() }'
    assert [k for k, _ in check_code(fs)] == ["filesystem"]
    assert check_code(fs, {"filesystem"}) == []
    assert [k for k, _ in check_code(fs, {"network"})] == ["filesystem"]
    sh = 'pub fn f() { use std::process::Command; let _ = Command::new("sh").status(); }'
    assert check_code(sh, {"process"}) == [] and {k for k, _ in check_code(sh)} == {"process"}
    # std::os stays denied for a function that does spawn processes
    assert "std::os" in [k for k, _ in check_code("pub fn f() { use std::os::unix::process::CommandExt; }", {"process"})]


def test_a_capability_import_at_module_level_does_not_leak_to_other_items() -> None:
    """Function a may read files; a module-level `use std::fs::read_to_string` in its item would
    give every item of the module the name: refused, and b's use of the name is refused too."""
    a = RustItem(name="a", kind="fn", python_line=1, code='use std::fs::read_to_string;\npub fn a() -> String { read_to_string("x").unwrap() }')
    b = RustItem(name="b", kind="fn", python_line=5, code='pub fn b() -> String { read_to_string("/etc/shadow").unwrap() }')
    found = check_module_items([a, b], {"a": {"filesystem"}})
    assert {(v.item, v.kind) for v in found} == {("a", "filesystem"), ("b", "filesystem")}
    # inside its own body the same import is fine for a, and invisible to b
    a2 = a.model_copy(update={"code": 'pub fn a() -> String {\n    use std::fs::read_to_string;\n    read_to_string("x").unwrap()\n}'})
    b2 = b.model_copy(update={"code": "pub fn b() -> i64 { 1 }"})
    assert check_module_items([a2, b2], {"a": {"filesystem"}}) == []


def test_an_alias_chain_cannot_exhaust_the_gate() -> None:
    uses = "\n".join(f"use a{i} as a{i + 1};" for i in range(40))
    code = "pub fn f() {\n" + uses + "\nuse a40 as a0;\nuse std as a0;\nlet _ = a0::process::exit(0);\n}"
    kinds = [v.kind for v in check_rust(code)]
    assert "process" in kinds or "std::<too many meanings>" in kinds


def test_the_table_is_an_allow_list() -> None:
    assert path_verdict(("std", "collections", "HashMap"))[0] == "allow"
    assert path_verdict(("core", "cmp", "Ordering"))[0] == "allow"
    assert path_verdict(("alloc", "vec", "Vec"))[0] == "allow"
    assert path_verdict(("std", "mem", "swap"))[0] == "allow"
    assert path_verdict(("std", "mem", "forget"))[0] == "deny"
    assert path_verdict(("std", "time", "Instant"))[0] == "deny"
    assert path_verdict(("std", "fs", "File"))[0] == "filesystem"
    assert path_verdict(("std", "io", "Error"))[0] == "allow"
    assert path_verdict(("num_bigint", "BigInt"))[0] == "allow"
    assert path_verdict(("pyo3", "ffi", "Py_None"))[0] == "deny"
    assert path_verdict(("libc", "getpid"))[0] == "deny"


# ---------------------------------------------------------------- grants per function

MODULE = '''import os
import subprocess as sp
from os import environ


def reads(path: str) -> str:
    with open(path) as f:
        return f.read()


def runs(cmd: str) -> int:
    return sp.run(["sh", "-c", cmd]).returncode


def home() -> str:
    return environ.get("HOME", "")


def pure(x: int) -> int:
    exit_code = x + 1
    return exit_code


def shadowed(open: int) -> int:
    return open + 1


class Box:
    def __init__(self, path: str) -> None:
        self.text = open(path).read()

    def size(self) -> int:
        return len(self.text)
'''


def _parsed(source: str, module: str = "m"):  # type: ignore[no-untyped-def]
    return parse_source(source_module_from_text(module, source), source)


def test_grants_come_from_each_functions_own_body() -> None:
    fns = function_sources(_parsed(MODULE))
    assert set(function_grants(fns["reads"])) == {"filesystem"}
    assert set(function_grants(fns["runs"])) == {"process"}
    assert set(function_grants(fns["home"])) == {"environment"}
    assert function_grants(fns["pure"]) == {}  # `exit_code`, `os` imported in the module: nothing
    assert function_grants(fns["shadowed"]) == {}  # a parameter named open is not the builtin
    assert set(function_grants(fns["Box.new"])) == {"filesystem"}  # the constructor is __init__
    assert function_grants(fns["Box.size"]) == {}
    assert "line 7" in function_grants(fns["reads"])["filesystem"]  # where it was granted
    # an import alone grants nothing; what the code uses does
    assert python_grants("import subprocess\n") == {}
    assert set(python_grants("import subprocess\nsubprocess.call(['ls'])\n")) == {"process"}
    assert set(python_grants("from urllib.request import urlopen\nurlopen('http://x')\n")) == {"network"}


GRANTS_MODULE = '''import functools
import os
import subprocess as sp
from os import environ as env_map


def logged(fn):
    return fn


@functools.lru_cache(maxsize=open("n").read())
def decorated(x):
    import shutil
    def inner(open):
        return open
    return shutil.which(x) or os.environ["X"]


def aliased(cmd):
    return sp.run(cmd), env_map["Y"]


def local_alias(p):
    from pathlib import Path as P
    import sys as s
    return P(p), s.argv


def pure(xs):
    return [x * 2 for x in xs]


class Base:
    async def fetch(self, cmd):
        """Runs it.
A docstring line further left than the method: its text alone does not parse."""
        return sp.run(cmd)

    @logged
    def nested(self, p):
        class Local:
            pass
        return Local, os.listdir(p)


class Child(Base):
    def __init__(self):
        self.env = os.getenv("HOME")
'''


def test_grants_without_a_parse_where_no_name_can_grant(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # python_grants parses a function's text only when it mentions a name a grant can start
    # from (`_may_grant`); the grants are the same as with every text parsed.
    import ast

    import portalis.validate.safety as safety

    fns = function_sources(_parsed(GRANTS_MODULE))
    found = {n: function_grants(f) for n, f in fns.items()}
    monkeypatch.setattr(safety, "_may_grant", lambda source, imports: True)
    assert found == {n: function_grants(f) for n, f in fns.items()}
    assert set(found["aliased"]) == {"process", "environment"}  # through the module's aliases
    assert set(found["local_alias"]) == {"filesystem", "environment"}  # through its own
    assert found["decorated"] == {"filesystem": "`shutil.which` on line 16", "environment": "`os.environ` on line 16"}
    monkeypatch.undo()
    parses: list[str] = []
    real_parse = ast.parse
    monkeypatch.setattr(safety.ast, "parse", lambda text, *a, **k: parses.append(text) or real_parse(text, *a, **k))
    assert function_grants(fns["pure"]) == {} and function_grants(fns["logged"]) == {}
    assert parses == []
    assert set(function_grants(fns["Child.new"])) == {"environment"} and len(parses) == 1
    assert set(python_grants("def f(p):\n    return \uff4f\uff50\uff45\uff4e(p)\n")) == {"filesystem"}  # NFKC: open


def test_gate_translations_grants_per_function_and_quarantines_the_rest() -> None:
    parsed = _parsed(MODULE)
    read = 'pub fn {n}(path: &str) -> String {{\n    std::fs::read_to_string(path).unwrap()\n}}\n'
    items = [
        RustItem(name="reads", kind="fn", python_line=6, code=read.format(n="reads"), stub="pub fn reads(path: &str) -> String {\n    todo!()\n}\n"),
        RustItem(name="pure", kind="fn", python_line=18, code="pub fn pure(x: i64) -> i64 {\n    std::process::exit(1)\n}\n",
                 stub="pub fn pure(x: i64) -> i64 {\n    todo!()\n}\n"),
    ]
    gated, diags = gate_translations({"m": ModuleTranslation(module="m", items=items)}, {"m": function_sources(parsed)})
    out = {it.name: it for it in gated["m"].items}
    assert out["reads"].code == items[0].code  # its Python opens the file: granted
    assert out["pure"].code == items[1].stub  # its Python does not exit: quarantined
    codes = {(d.code, d.function) for d in diags["m"]}
    assert codes == {("PTL401", "pure"), ("PTL403", "reads")}
    (rej,) = [d for d in diags["m"] if d.code == "PTL401"]
    assert "process" in rej.message and "std::process::exit" in rej.message and rej.line == 18


# ---------------------------------------------------------------- no false positives


def _corpora() -> dict[str, str]:
    import test_translate_realworld as rw

    out = {name.lower(): text for name, text in vars(rw).items() if name.isupper() and isinstance(text, str) and "def " in text}
    examples = Path(__file__).resolve().parent.parent / "examples" / "inventory"
    for p in sorted(examples.glob("*.py")):
        out[f"inventory_{p.stem}"] = p.read_text(encoding="utf-8")
    return out


def test_the_translators_output_for_examples_and_corpora_passes_the_gate() -> None:
    from portalis.lower.module import lower_module
    from portalis.typemap import build_type_map

    corpora = _corpora()
    assert len(corpora) >= 8
    parsed = {m: _parsed(text, m) for m, text in corpora.items()}
    type_maps = {m: build_type_map(p) for m, p in parsed.items()}
    items = 0
    for m, p in parsed.items():
        t = lower_module(p, type_maps[m], type_maps, None)
        items += sum(1 for it in t.items if it.code)
        gated, diags = gate_translations({m: t}, {m: function_sources(p)})
        assert [d for d in diags.get(m, []) if d.code == "PTL401"] == [], m
        assert gated[m].items == t.items
    assert items > 100


# ---------------------------------------------------------------- the lexer

def _kinds(src: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokenize(src)]


def test_lexer_raw_identifiers_strings_and_lifetimes() -> None:
    toks = tokenize('r#match r#"a"# br##"b"#"## cr#"c"# c"d" b"e" b\'f\' \'g\' \'h \'static \'\\u{1F600}\' \'\\\'\' r#a::b')
    assert [(t.kind, t.literal or t.text, t.raw) for t in toks] == [
        ("ident", "match", True), ("literal", "raw_str", False), ("literal", "raw_byte_str", False),
        ("literal", "raw_c_str", False), ("literal", "c_str", False), ("literal", "byte_str", False),
        ("literal", "byte", False), ("literal", "char", False), ("lifetime", "'h", False),
        ("lifetime", "'static", False), ("literal", "char", False), ("literal", "char", False),
        ("ident", "a", True), ("punct", "::", False), ("ident", "b", False),
    ]
    assert toks[2].text == 'br##"b"#"##'


def test_lexer_comments_numbers_and_punctuation() -> None:
    src = "/* a /* nested */ still */ x /** doc */ /**/ /*! inner */ // c\n/// outer\n//// not doc\n1..2 1.5e3f64 0xffu8 x.0.1 a::<b> => c..=d"
    kinds = _kinds(src)
    assert kinds[:4] == [("ident", "x"), ("doc", "/** doc */"), ("doc", "/*! inner */"), ("doc", "/// outer")]
    rest = [text for _, text in kinds[4:]]
    assert rest == ["1", "..", "2", "1.5e3f64", "0xffu8", "x", ".", "0.1", "a", "::", "<", "b", ">", "=>", "c", "..=", "d"]


@pytest.mark.parametrize("bad", ['"open', 'r#"open"', "/* open", "'ab'", "foo\"x\"", "k#x", 'xr#"a"#', "abc'd'", "x ` y", "fn f() { (", "fn f() ]"])
def test_lexer_refuses_what_rustc_refuses(bad: str) -> None:
    with pytest.raises(LexError):
        tokenize(bad)


PIECES = ['r#', '"', "'", "#", "/*", "*/", "//", "\n", "\\", "a", "r", "b", "c", "1", ".", "::", "{", "}", " ", "é", "x_1"]


@given(st.lists(st.sampled_from(PIECES), max_size=30))
@settings(max_examples=400, deadline=None)
def test_lexer_tokens_are_where_they_say_or_it_refuses(pieces: list[str]) -> None:
    """On any mix of tricky pieces the lexer either refuses or gives tokens that cover the text
    they claim, in order, without overlapping."""
    src = "".join(pieces)
    try:
        toks = tokenize(src)
    except LexError:
        return
    end = 0
    for t in toks:
        width = len(t.text) + (2 if t.raw else 0)
        assert t.pos >= end
        shown = src[t.pos:t.pos + width]
        assert shown == t.text or shown == "r#" + t.text or shown == "'r#" + t.text[1:], (src, t)
        end = t.pos + width
    assert len(blank_non_code(src)) == len(src)


def test_blanking_keeps_positions_and_hides_only_non_code() -> None:
    src = 'let a = "unsafe"; /* std::fs */ let b = cr#"x"#; let c = \'"\'; std::process::exit(0)\n// extern\n'
    out = blank_non_code(src)
    assert len(out) == len(src) and out.count("\n") == src.count("\n")
    assert "unsafe" not in out and "std::fs" not in out and "extern" not in out
    assert "std::process::exit(0)" in out and 'cr#" "#' in out


# ---------------------------------------------------------------- through the LLM path

LLM_SOURCE = '''"""Functions a model is asked to translate."""


def double(n: int) -> int:
    """Twice n.

    >>> double(4)
    8
    """
    return n * 2


def triple(n: int) -> int:
    """Three times n.

    >>> triple(2)
    6
    """
    return n * 3
'''


@pytest.mark.skipif(shutil.which("cargo") is None or shutil.which("rustfmt") is None, reason="cargo and rustfmt are needed")
def test_llm_answers_that_spawn_sh_or_pull_code_through_path_are_never_verified_nor_shipped(tmp_path: Path, toolchain) -> None:  # type: ignore[no-untyped-def]
    """A real loopback OpenAI-style server answers `double` with a function that computes the right
    value and also spawns `sh` (through raw identifiers), and `triple` with one that pulls
    `unsafe extern` code in through `#[path]`. Both answers are right on every case, so only the
    gate stands between them and "verified": each is rejected (PTL401), the sh command never
    runs, and the crate holds neither."""
    import re

    from portalis.llm.settings import LLMSettings
    from portalis.pipeline import translate_path
    from test_llm_http import Reply, ScriptedServer

    marker = tmp_path / "sh-ran"
    evil = tmp_path / "evil.rs"
    evil.write_text(EVIL_RS.replace("pub fn pid() -> i32", "pub fn three() -> i64").replace("unsafe { getpid() }", "unsafe { getpid() as i64 * 0 + 3 }"))
    signature = re.compile(r"keep it exactly:\n```rust\n(.*?)\n```", re.DOTALL)
    bodies = {
        "double": f'    let _ = std::r#process::r#Command::r#new("sh").arg("-c").arg("touch {marker}").status();\n    n * 2',
        "triple": f'    #[path = "{evil}"]\n    mod evil;\n    n * evil::three()',
    }

    def answer(body: dict, index: int) -> Reply:
        first = body["messages"][1]["content"]
        name = re.search(r"Translate the Python function `[\w.]+\.(\w+)`", first).group(1)  # type: ignore[union-attr]
        sig = signature.search(first).group(1)  # type: ignore[union-attr]
        return Reply(content=f"```rust\n{sig} {{\n{bodies[name]}\n}}\n```\n")

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "calc.py").write_text(LLM_SOURCE, encoding="utf-8")
    with ScriptedServer(answer) as server:
        settings = LLMSettings(endpoint=server.url, model="test-model", llm_only=True, max_repair_rounds=1,
                               verify_cases=3, backoff_s=0.05)
        run = translate_path(tmp_path / "src" / "calc.py", tmp_path / "out", toolchain, llm=settings, build=False)
    assert len(server.requests) == 4  # two functions, an answer and one repair round each
    (module,) = run.report["modules"]
    fns = {f["name"]: f for f in module["functions"]}
    for name, what in (("double", "std::process::Command"), ("triple", "#[path]")):
        assert fns[name]["backend"] == "rules", fns[name]
        codes = [d["code"] for d in module["diagnostics"] if d["function"] == name]
        assert "PTL401" in codes and "PTL502" in codes and "PTL501" not in codes, codes
        (gate,) = [d for d in module["diagnostics"] if d["function"] == name and d["code"] == "PTL401"]
        assert what in gate["message"] and "2 answer(s)" in gate["message"]
    assert run.llm["rejected_safety"] == 4 and run.llm["accepted"] == 0 and run.llm["verified"] == 0
    assert run.llm["compiled"] == 0  # never reached rustc
    crate_src = "\n".join(p.read_text() for p in (Path(run.crate.path) / "src").rglob("*.rs"))
    assert "Command" not in crate_src and "#[path" not in crate_src and "evil" not in crate_src
    assert run.crate.compiles and not marker.exists()
