"""The `portalis translate` command line, run in a subprocess as a user would."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, needs_cargo, run_portalis

SINGLE = '''"""Prices."""

from dataclasses import dataclass


@dataclass
class Line:
    sku: str
    cents: int


def total(lines: list[Line]) -> int:
    t: int = 0
    for line in lines:
        t += line.cents
    return t


def label(cents: int) -> str:
    return f"${cents // 100}.{cents % 100}"


def risky(a: int) -> int:
    r = 0
    try:
        r = 10 // a
    except* ZeroDivisionError:
        r = -1
    return r
'''

MODULE_KEYS = {"module", "path", "status", "diagnostics", "functions"}
DIAGNOSTIC_KEYS = {"code", "message", "line", "function"}
FUNCTION_KEYS = {"name", "qualname", "backend", "status", "cases_passed", "cases_total"}


def assert_clean_usage_error(proc: subprocess.CompletedProcess, *fragments: str) -> None:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("portalis: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """`portalis translate prices.py --out crate` (one cargo check + build, shared by the tests)."""
    root = tmp_path_factory.mktemp("cli_single")
    src = root / "prices.py"
    src.write_text(SINGLE, encoding="utf-8")
    out = root / "crate"
    proc = run_portalis("translate", str(src), "--out", str(out))
    return proc, out


@needs_cargo
def test_translate_single_file_writes_the_crate(single) -> None:
    proc, out = single
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    for rel in ["Cargo.toml", "src/lib.rs", "src/prices.rs", "portalis-report.json"]:
        assert (out / rel).is_file(), rel
    assert 'name = "prices"' in (out / "Cargo.toml").read_text()
    lib = (out / "src" / "lib.rs").read_text()
    assert "pub mod prices;" in lib and "pub mod pyrt;" in lib  # `//` and `%` need the runtime
    rust = (out / "src" / "prices.rs").read_text()
    assert "pub struct Line {" in rust
    assert "pub fn total(lines: &[crate::prices::Line]) -> i64 {" in rust
    assert "pub fn label(cents: i64) -> String {" in rust
    assert "pub fn risky(a: i64) -> i64 {" in rust and "todo!(" in rust
    # the summary names the module and where the report is
    assert "prices" in proc.stdout and "portalis-report.json" in proc.stdout
    assert "crate compiles" in proc.stdout


@needs_cargo
def test_report_has_the_documented_keys(single) -> None:
    proc, out = single
    report = json.loads((out / "portalis-report.json").read_text(encoding="utf-8"))
    assert set(report) == {"modules", "skipped", "excluded", "crate"}
    assert report["skipped"] == [] and report["excluded"] == 0
    assert {"path", "compiles"} <= set(report["crate"])
    assert report["crate"]["compiles"] is True
    assert Path(report["crate"]["path"]) == out.resolve()
    (module,) = report["modules"]
    assert MODULE_KEYS <= set(module)
    assert module["module"] == "prices" and module["path"] == "prices.py"
    assert module["status"] == "partial"
    (diag,) = module["diagnostics"]
    assert DIAGNOSTIC_KEYS <= set(diag)
    assert diag["code"] == "PTL121" and diag["function"] == "risky" and diag["line"] == SINGLE.splitlines().index("    try:") + 1
    assert isinstance(diag["message"], str) and diag["message"]
    functions = {f["name"]: f for f in module["functions"]}
    assert set(functions) == {"total", "label", "risky"}
    for f in functions.values():
        assert FUNCTION_KEYS <= set(f)
        assert f["backend"] == "rules"
        assert isinstance(f["cases_passed"], int) and isinstance(f["cases_total"], int)
    assert functions["total"]["status"] == "translated"
    assert functions["label"]["qualname"] == "label"
    assert functions["risky"]["status"] == "untranslated"


@needs_cargo
def test_the_written_crate_builds_offline(single) -> None:
    _, out = single
    proc = subprocess.run(["cargo", "build", "--offline", "--quiet"], cwd=out, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr


@needs_cargo
def test_translate_package_json_no_build(tmp_path: Path) -> None:
    out = tmp_path / "crate"
    proc = run_portalis("translate", str(REPO / "examples" / "inventory"), "--out", str(out), "--json", "--no-build")
    assert proc.returncode == 0, proc.stderr
    printed = json.loads(proc.stdout)
    on_disk = json.loads((out / "portalis-report.json").read_text(encoding="utf-8"))
    assert printed["modules"] == on_disk["modules"]
    names = [m["module"] for m in printed["modules"]]
    assert names == sorted(names) and "inventory" in names and "inventory.pricing" in names
    assert printed["crate"]["compiles"] is True
    assert (out / "src" / "inventory" / "mod.rs").is_file()
    assert (out / "src" / "inventory" / "pricing.rs").is_file()
    translated = sum(f["status"] == "translated" for m in printed["modules"] for f in m["functions"])
    assert translated >= 30


def test_missing_path_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "nope.py"
    proc = run_portalis("translate", str(missing), "--out", str(tmp_path / "out"))
    assert_clean_usage_error(proc, "nope.py")
    assert not (tmp_path / "out").exists()


def test_directory_without_python_exits_2(tmp_path: Path) -> None:
    src = tmp_path / "docs"
    src.mkdir()
    (src / "README.md").write_text("# nothing to translate\n", encoding="utf-8")
    proc = run_portalis("translate", str(src), "--out", str(tmp_path / "out"))
    assert_clean_usage_error(proc, "no Python module")
    assert not (tmp_path / "out").exists()


def test_out_path_that_is_a_file_exits_2(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text("def f(a: int) -> int:\n    return a\n", encoding="utf-8")
    out = tmp_path / "taken"
    out.write_text("not a directory\n", encoding="utf-8")
    proc = run_portalis("translate", str(src), "--out", str(out))
    assert_clean_usage_error(proc, "not a directory")
    assert out.read_text(encoding="utf-8") == "not a directory\n"


def test_non_python_file_exits_2(tmp_path: Path) -> None:
    src = tmp_path / "notes.txt"
    src.write_text("hello\n", encoding="utf-8")
    proc = run_portalis("translate", str(src), "--out", str(tmp_path / "out"))
    assert_clean_usage_error(proc, "not a Python file")


def test_missing_arguments_is_a_usage_error(tmp_path: Path) -> None:
    proc = run_portalis("translate", str(tmp_path))
    assert proc.returncode == 2
    assert "--out" in proc.stderr and "Traceback" not in proc.stderr
