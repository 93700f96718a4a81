"""Files -> modules -> crate paths (issue 9, the layout part): every `.py` file is a module or a
skipped file with its reason, files outside the repository are never read, crate files and
module paths never collide and always compile, the last definition of a name wins, and the type
map stays linear in a module's size."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, needs_cargo, run_portalis
from portalis import naming
from portalis.crate import _module_files
from portalis.parse import parse_source, source_module_from_text
from portalis.repo_scan import scan_repo
from portalis.source import SourceRoot, read_source, resolve_root, scan_sources
from portalis.validate.harness import rust_module_path

FN = "def f(x: int) -> int:\n    return x + 1\n"
SECRET = "portalis-secret-7f3a"


def _tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _outside(tmp_path: Path) -> Path:
    """A directory next to the repository with a module holding a secret."""
    out = tmp_path / "outside"
    _tree(out, {"secret.py": f'def s() -> str:\n    return "{SECRET}"\n', "pkg/__init__.py": "", "pkg/x.py": FN})
    return out


def _accounting(found) -> dict[str, str]:
    """path -> "module" or the skipped file's code."""
    out = {m.path: "module" for m in found.modules}
    for s in found.skipped:
        assert s.path not in out, f"{s.path} counted twice"
        out[s.path] = s.code
    return out


# ---------------------------------------------------------------- discovery


def test_every_py_file_is_a_module_or_skipped_with_a_reason(tmp_path):
    root = tmp_path / "repo"
    _tree(root, {
        "ok.py": FN, "my module.py": FN, "a-b.py": FN, "2x.py": FN, "a.b.py": FN, "my-pkg/__init__.py": "",
        "my-pkg/inner.py": FN, "pkg/__init__.py": "", "pkg.py": FN, "pkg/sub.py": FN,
        "tests/test_ok.py": FN, "setup.py": FN, "pkg/test_sub.py": FN, "notes.txt": "x",
    })
    found = scan_sources(root)
    seen = _accounting(found)
    assert seen == {
        "ok.py": "module", "pkg/__init__.py": "module", "pkg/sub.py": "module",
        "my module.py": "PTL010", "a-b.py": "PTL010", "2x.py": "PTL010", "a.b.py": "PTL010",
        "my-pkg/__init__.py": "PTL010", "my-pkg/inner.py": "PTL010",
        "pkg.py": "PTL015",  # Python imports the package
    }
    assert found.excluded == 3  # tests/test_ok.py, setup.py, pkg/test_sub.py: counted, not errors
    reasons = {s.path: s.reason for s in found.skipped}
    assert "`a-b` is not a Python identifier" in reasons["a-b.py"]
    assert "`a.b` is not a Python identifier" in reasons["a.b.py"]  # not module `a.b`
    assert [m.module for m in found.modules] == ["ok", "pkg", "pkg.sub"]


def test_symlinks_never_lead_out_of_the_repository(tmp_path):
    outside = _outside(tmp_path)
    root = tmp_path / "repo"
    _tree(root, {"real.py": FN, "inner/__init__.py": "", "inner/mod.py": FN})
    (root / "leak.py").symlink_to(outside / "secret.py")
    (root / "vendor").symlink_to(outside / "pkg", target_is_directory=True)
    (root / "broken.py").symlink_to(root / "missing.py")
    (root / "loop1.py").symlink_to(root / "loop2.py")
    (root / "loop2.py").symlink_to(root / "loop1.py")
    (root / "alias.py").symlink_to("real.py")  # inside: the same file once
    (root / "inner_alias").symlink_to(root / "inner", target_is_directory=True)
    os.mkfifo(root / "fifo.py")  # reading it would block forever
    (root / "dir.py").symlink_to(root / "inner", target_is_directory=True)
    found = scan_sources(root)
    assert _accounting(found) == {
        "real.py": "module", "inner/__init__.py": "module", "inner/mod.py": "module",
        "leak.py": "PTL011", "vendor": "PTL011", "broken.py": "PTL012", "loop1.py": "PTL012", "loop2.py": "PTL012",
        "alias.py": "PTL014", "fifo.py": "PTL013", "dir.py": "PTL013",
    }
    reasons = {s.path: s.reason for s in found.skipped}
    assert "outside the repository" in reasons["leak.py"] and "never read" in reasons["leak.py"]
    assert "dangling" in reasons["broken.py"] and "loop" in reasons["loop1.py"]
    assert "module `real`" in reasons["alias.py"]


def test_a_package_given_on_the_cli_reads_only_its_own_files(tmp_path):
    _tree(tmp_path / "repo", {"shop/__init__.py": "", "shop/cart.py": FN, "sibling.py": FN})
    (tmp_path / "repo" / "shop" / "other.py").symlink_to(tmp_path / "repo" / "sibling.py")
    found = scan_sources(resolve_root(tmp_path / "repo" / "shop"))
    assert _accounting(found) == {"shop/__init__.py": "module", "shop/cart.py": "module", "shop/other.py": "PTL011"}


def test_git_listing_follows_the_same_rules(tmp_path):
    outside = _outside(tmp_path)
    root = tmp_path / "repo"
    _tree(root, {"ok.py": FN, "a-b.py": FN})
    (root / "leak.py").symlink_to(outside / "secret.py")
    (root / "broken.py").symlink_to("missing.py")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    scan = scan_repo(root)
    assert scan.git
    assert [m.module for m in scan.modules] == ["ok"]
    assert {s.path: s.code for s in scan.skipped} == {"a-b.py": "PTL010", "leak.py": "PTL011", "broken.py": "PTL012"}


def test_a_symlink_swapped_after_discovery_is_not_read(tmp_path):
    outside = _outside(tmp_path)
    root = tmp_path / "repo"
    _tree(root, {"m.py": FN})
    found = scan_sources(root)
    (root / "m.py").unlink()
    (root / "m.py").symlink_to(outside / "secret.py")
    text, error = read_source(root, found.modules[0].path)
    assert text is None and "outside the repository" in (error or "")
    (root / "m.py").unlink()
    os.mkfifo(root / "m.py")  # a FIFO in its place: reading must not block
    text, error = read_source(root, "m.py")
    assert text is None and "not a regular file (a FIFO)" in (error or "")


def test_sources_are_decoded_as_cpython_reads_them(tmp_path):
    """A UTF-8 byte order mark (the fuzz corpus has them; CPython runs such files) and a PEP 263
    coding line are honoured; bytes that are not in the declared encoding are a reason."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "bom.py").write_bytes(b"\xef\xbb\xbf" + FN.encode())
    (root / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\ndef f() -> str:\n    return '\xe9'\n")
    (root / "bad.py").write_bytes(b"def f() -> str:\n    return '\xe9'\n")
    (root / "nocodec.py").write_bytes(b"# coding: no-such-codec\n" + FN.encode())
    assert read_source(root, "bom.py") == (FN, None)
    assert read_source(root, "latin.py")[0].endswith("return '\u00e9'\n")
    text, error = read_source(root, "bad.py")
    assert text is None and "not valid UTF-8" in error
    text, error = read_source(root, "nocodec.py")
    assert text is None and "no-such-codec" in error


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_skipped_with_a_reason(tmp_path):
    root = tmp_path / "repo"
    _tree(root, {"ok.py": FN, "locked.py": FN})
    (root / "locked.py").chmod(0)
    try:
        found = scan_sources(root)
    finally:
        (root / "locked.py").chmod(0o644)
    assert _accounting(found) == {"ok.py": "module", "locked.py": "PTL013"}


# ---------------------------------------------------------------- naming


ODD_NAMES = [
    "lib", "lib_", "lib__", "pyrt", "pyrt_", "main", "bin", "self", "self_", "Self", "crate", "super", "mod", "mod_",
    "_", "__", "___", "std", "std_", "Vec", "String", "Option", "type", "match", "move", "async", "r", "xn_", "xn_a",
    "xn_mdule_jua", "mödule", "mödule_", "ö", "ö1", "é_x", "日本", "plain", "plain_", "a1", "gen", "try", "dyn",
]
RUST_IDENT = re.compile(r"^(r#)?[A-Za-z_][A-Za-z0-9_]*$")


@pytest.mark.parametrize("top", [True, False])
def test_module_names_map_to_distinct_valid_rust_names(top):
    segments = [naming.segment(n, top) for n in ODD_NAMES]
    assert len(set(segments)) == len(segments), "two Python names share a Rust name"
    for name, seg in zip(ODD_NAMES, segments):
        ident = naming.ident(seg)
        assert RUST_IDENT.match(ident) and ident not in ("_", "self", "Self", "crate", "super"), (name, ident)
        assert seg.isascii() and seg != "mod", (name, seg)
    if top:
        assert {naming.segment(n, True) for n in ("lib", "main", "bin", "pyrt")}.isdisjoint({"lib", "main", "bin", "pyrt"})
    else:
        assert naming.segment("main", False) == "main"  # `app/main.py` keeps its name


def test_crate_files_never_collide_and_every_path_agrees():
    modules = ["lib", "lib_", "pyrt", "main", "bin", "bin.tool", "pkg", "pkg.mod", "pkg.type", "mödule", "crate.super"]
    files = _module_files(modules)
    assert len(set(files.values())) == len(files)
    assert not {"src/lib.rs", "src/pyrt.rs", "src/main.rs"} & set(files.values())
    assert not any(f.startswith("src/bin/") for f in files.values())
    assert files["pkg.type"] == "src/pkg/type.rs" and files["pkg.mod"] == "src/pkg/mod_.rs"
    assert naming.rust_path("pkg.type") == "crate::pkg::r#type"
    assert rust_module_path("inv", "bin.tool") == "inv::bin_::tool"  # the test harness agrees
    from portalis.types.rust_types import module_path

    assert module_path("crate.super") == naming.rust_path("crate.super") == "crate::crate_::super_"


# ---------------------------------------------------------------- the whole run, one cargo check


CROSS = '''from lib import inc
from pkg.type import Item, make
from mödule import twice
from crate.super import sup
from bin.tool import tool
import dup


def everything(x: int) -> int:
    item: Item = make(x)
    return inc(x) + item.n + twice(x) + sup(x) + tool(x) + dup.f(x) + dup.LIMIT
'''
DUP = '''LIMIT = 1
LIMIT = 2


def f(x: int) -> int:
    return x + 1


def f(x: int) -> int:
    return x + 2


def g(x: int) -> int:
    return x


class g:
    pass


class Counter:
    STEP = 1
    STEP = 2

    def bump(self, x: int) -> int:
        return x + 1

    def bump(self, x: int) -> int:
        return x + self.STEP


def use() -> int:
    return f(1) + Counter().bump(1) + LIMIT
'''


@pytest.fixture(scope="module")
def odd_repo(tmp_path_factory):
    """One repository with every awkward name and file, translated by the CLI (one cargo run)."""
    tmp = tmp_path_factory.mktemp("layout")
    outside = _outside(tmp)
    root = tmp / "repo"
    _tree(root, {
        "lib.py": "def inc(x: int) -> int:\n    return x + 1\n",
        "lib_.py": FN, "pyrt.py": "def size(d: dict[str, int]) -> int:\n    return len(d)\n",
        "main.py": CROSS, "bin/__init__.py": "", "bin/tool.py": "def tool(x: int) -> int:\n    return x\n",
        "self.py": FN, "Self.py": FN, "crate/__init__.py": "", "crate/super.py": "def sup(x: int) -> int:\n    return x\n",
        "type.py": FN, "match.py": FN, "move.py": FN, "async.py": FN, "gen.py": FN, "dyn.py": FN, "std.py": FN,
        "pkg/__init__.py": "def top(x: int) -> int:\n    return x\n", "pkg/mod.py": FN, "pkg/std.py": FN, "pkg/Vec.py": FN,
        "pkg/type.py": (
            "from dataclasses import dataclass\n\n\n@dataclass\nclass Item:\n    n: int\n\n\n"
            "def make(n: int) -> Item:\n    return Item(n)\n"
        ),
        "mödule.py": "def twice(x: int) -> int:\n    return 2 * x\n", "xn_mdule_jua.py": FN,
        "dup.py": DUP, "my module.py": FN, "a-b.py": FN, "tests/test_it.py": FN,
    })
    (root / "leak.py").symlink_to(outside / "secret.py")
    (root / "broken.py").symlink_to("missing.py")
    (root / "alias.py").symlink_to("lib_.py")
    out = tmp / "crate"
    proc = run_portalis("translate", str(root), "--out", str(out), "--no-build", timeout=600)
    report = json.loads((out / "portalis-report.json").read_text(encoding="utf-8"))
    return root, out, proc, report


@needs_cargo
def test_awkward_names_give_a_crate_that_compiles_and_a_report_of_every_module(odd_repo):
    root, out, proc, report = odd_repo
    assert proc.returncode == 0, proc.stderr
    assert report["crate"]["compiles"], proc.stdout
    assert report["crate"]["rustfmt_clean"]
    modules = {m["module"]: m for m in report["modules"]}
    expected = {
        "lib", "lib_", "pyrt", "main", "bin", "bin.tool", "self", "Self", "crate", "crate.super", "type", "match",
        "move", "async", "gen", "dyn", "std", "pkg", "pkg.mod", "pkg.std", "pkg.Vec", "pkg.type", "mödule", "xn_mdule_jua", "dup",
    }
    assert set(modules) == expected
    for name, m in modules.items():
        assert m["status"] in ("ok", "empty"), (name, m["diagnostics"])
    paths = {name: m["rust_path"] for name, m in modules.items()}
    assert paths["lib"] == "crate::lib_" and paths["lib_"] == "crate::lib__" and paths["pyrt"] == "crate::pyrt_"
    assert paths["main"] == "crate::main_" and paths["bin.tool"] == "crate::bin_::tool"
    assert paths["crate.super"] == "crate::crate_::super_" and paths["type"] == "crate::r#type"
    assert paths["mödule"] == "crate::xn_mdule_jua" and paths["xn_mdule_jua"] == "crate::xn_mdule_jua_"
    renamed = {name for name, m in modules.items() if any(d["code"] == "PTL016" for d in m["diagnostics"])}
    assert renamed == {n for n in expected if naming.renamed(n)} and "type" not in renamed and "lib" in renamed
    info = next(d for d in modules["lib"]["diagnostics"] if d["code"] == "PTL016")
    assert "crate::lib_" in info["message"] and info["severity"] == "info"
    # The crate's own files are its own: the library root lists every module, the runtime is the runtime.
    lib_rs = (out / "src" / "lib.rs").read_text(encoding="utf-8")
    for line in ("pub mod lib_;", "pub mod pyrt;", "pub mod pyrt_;", "pub mod main_;", "pub mod r#type;", "pub mod xn_mdule_jua;"):
        assert line in lib_rs
    assert "PyDict" in (out / "src" / "pyrt.rs").read_text(encoding="utf-8")
    assert not (out / "src" / "main.rs").exists() and not (out / "src" / "bin").exists()
    # The cross-module calls of main.py are translated, through the renamed paths.
    everything = next(f for f in modules["main"]["functions"] if f["name"] == "everything")
    assert everything["status"] == "translated"
    main_rs = (out / "src" / "main_.rs").read_text(encoding="utf-8")
    for path in ("crate::lib_::inc", "crate::pkg::r#type::make", "crate::xn_mdule_jua::twice", "crate::crate_::super_::sup",
                 "crate::bin_::tool::tool"):
        assert path in main_rs


@needs_cargo
def test_skipped_files_are_in_the_report_and_the_cli_output(odd_repo):
    root, out, proc, report = odd_repo
    skipped = {s["path"]: s for s in report["skipped"]}
    assert {p: s["code"] for p, s in skipped.items()} == {
        "my module.py": "PTL010", "a-b.py": "PTL010", "leak.py": "PTL011", "broken.py": "PTL012", "alias.py": "PTL014",
    }
    assert report["excluded"] == 1
    for path, s in skipped.items():
        assert path in proc.stdout and s["code"] in proc.stdout
    assert "5 .py files not translated" in proc.stdout and "1 .py file left out" in proc.stdout  # plurals
    # Nothing from outside the repository reached the crate.
    for rs in out.rglob("*.rs"):
        assert SECRET not in rs.read_text(encoding="utf-8"), rs


@needs_cargo
def test_redefinitions_keep_the_last_one(odd_repo):
    root, out, proc, report = odd_repo
    dup = next(m for m in report["modules"] if m["module"] == "dup")
    redefined = [d for d in dup["diagnostics"] if d["code"] == "PTL017"]
    assert {(d["line"], d["severity"]) for d in redefined} == {(1, "warning"), (5, "warning"), (13, "warning"), (22, "warning"), (25, "warning")}
    assert any("redefined at line 9" in d["message"] for d in redefined)
    assert any("`g` (function) is redefined at line 17 (as a class)" in d["message"] for d in redefined)
    names = [f["qualname"] for f in dup["functions"]]
    assert sorted(names) == ["Counter.bump", "f", "use"]
    rs = (out / "src" / "dup.rs").read_text(encoding="utf-8")
    assert rs.count("pub fn f(") == 1 and "x + 2" in rs and "x + 1\n" not in rs.split("pub fn f(")[1].split("}")[0]
    assert rs.count("pub const LIMIT") == 1 and "LIMIT: i64 = 2" in rs
    assert rs.count("pub const STEP") == 1 and "STEP: i64 = 2" in rs
    assert rs.count("pub fn bump(") == 1


def test_redefined_names_in_the_outline():
    src = (
        "from typing import overload\n\n"
        "@overload\ndef f(x: int) -> int: ...\n"
        "@overload\ndef f(x: str) -> str: ...\n"
        "def f(x):\n    return x\n\n"
        "class P:\n    @property\n    def v(self) -> int:\n        return 1\n"
        "    @v.setter\n    def v(self, x: int) -> None:\n        pass\n\n"
        "from dataclasses import dataclass\n@dataclass\nclass D:\n    a: int\n    b: str\n    a: int = 3\n"
    )
    parsed = parse_source(source_module_from_text("m", src), src)
    assert [f.line for f in parsed.functions] == [7]
    codes = [(d.code, d.severity.value, d.line) for d in parsed.diagnostics]
    assert codes == [("PTL017", "info", 4), ("PTL017", "info", 6), ("PTL017", "info", 21)]
    assert "@overload" in parsed.diagnostics[0].message
    p = next(c for c in parsed.classes if c.name == "P")
    assert len(p.methods) == 2  # a property's getter and setter are not a redefinition
    d = next(c for c in parsed.classes if c.name == "D")
    assert [(f.name, f.default) for f in d.fields] == [("a", "3"), ("b", None)]  # first place, last declaration


# ---------------------------------------------------------------- size


def _lines_run(functions: int) -> int:
    """Python lines executed in portalis/ by the type map and lowering of one generated module
    (a count of operations, not a time)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from module_size import generate_module
    finally:
        sys.path.pop(0)
    from portalis.lower.module import lower_module
    from portalis.typemap import build_type_map

    text = generate_module(functions)
    parsed = parse_source(source_module_from_text("big", text, "big.py"), text)
    root = str(REPO / "portalis")
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(root) else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        tm = build_type_map(parsed)
        lower_module(parsed, tm, {"big": tm}, None)
    finally:
        sys.settrace(previous)
    return count


def test_type_map_and_lowering_work_grows_linearly_with_module_size():
    """Twice the functions, twice the work (a scan per lookup made it 2.56x at this size,
    quadratic: 79.6 s for 10,000 functions; benchmarks/module_size.py prints the times)."""
    small, large = _lines_run(200), _lines_run(400)
    assert large / small < 2.15, (small, large)


def test_discovery_reports_a_missing_root(tmp_path):
    from portalis.source import SourceError

    with pytest.raises(SourceError):
        scan_sources(SourceRoot(tmp_path / "nope"))
