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
    assert "pub mod prices;" in lib
    # the runtime module is there exactly when the code uses it
    assert ("pub mod pyrt;" in lib) == (out / "src" / "pyrt.rs").is_file()
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


# ---------------------------------------------------------------- what a user sees: reasons, -q/-v, progress


@needs_cargo
def test_default_output_names_each_function_that_is_not_translated(single) -> None:
    proc, _ = single
    line = SINGLE.splitlines().index("    try:") + 1
    lines = proc.stdout.splitlines()
    assert f"prices.py:{line}: PTL121 untranslated: try/except* is not supported (risky)" in lines
    # before the summary, and only for what is not translated (no verdicts without --verify)
    assert lines.index(f"prices.py:{line}: PTL121 untranslated: try/except* is not supported (risky)") < lines.index(
        next(x for x in lines if x.startswith("module ")))
    assert not any("(total)" in x or "(label)" in x for x in lines)
    assert "1 module, 3 functions: 2 translated, 1 untranslated; crate compiles" in lines  # plurals
    assert proc.stderr == ""  # stderr is a pipe here: no progress


VERIFY = '''def area(w: int, h: int) -> int:
    """
    >>> area(2, 3)
    6
    """
    return w * h


def risky(a: int) -> int:
    r = 0
    try:
        r = 10 // a
    except* ZeroDivisionError:
        r = -1
    return r


def down(n: int) -> int:
    return down(n + 1) + 1
'''


@pytest.fixture(scope="module")
def verify_repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli_verify")
    (root / "repo").mkdir()
    (root / "repo" / "geo.py").write_text(VERIFY, encoding="utf-8")
    return root


def _translate(root: Path, *flags: str, env: dict | None = None) -> tuple[subprocess.CompletedProcess, dict]:
    out = root / ("crate" + "".join(flags).replace("-", "_"))
    proc = run_portalis("translate", str(root / "repo"), "--out", str(out), "--verify", "--no-build", *flags, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc, json.loads((out / "portalis-report.json").read_text(encoding="utf-8"))


@needs_cargo
def test_verify_prints_a_reason_per_function_that_is_not_verified(verify_repo) -> None:
    proc, report = _translate(verify_repo)
    lines = proc.stdout.splitlines()
    risky = VERIFY.splitlines().index("    try:") + 1  # the diagnostic's line: the try statement
    down = VERIFY.splitlines().index("def down(n: int) -> int:") + 1
    assert lines[0] == f"geo.py:{risky}: PTL121 untranslated: try/except* is not supported (risky)"
    assert lines[1].startswith(f"geo.py:{down}: PTL721 untested: ") and lines[1].endswith("(down)")
    assert "recursion" in lines[1]
    assert not any(x.endswith("(area)") for x in lines)  # verified: no line
    assert lines[2] == "" and lines[3].startswith("module ")
    # the same reason in the report...
    fns = {f["name"]: f for f in report["modules"][0]["functions"]}
    assert fns["area"]["reason"] is None and fns["area"]["line"] == 1
    assert fns["risky"]["reason"] == {"code": "PTL121", "message": "untranslated: try/except* is not supported", "line": risky}
    assert fns["down"]["reason"]["code"] == "PTL721" and fns["down"]["reason"]["line"] == down
    # ...and in the --verify table: no empty detail for the untranslated function
    row = next(x for x in lines if x.startswith("geo.risky "))
    assert row.split()[1] == "untranslated" and "PTL121 try/except* is not supported" in row
    assert proc.stderr == ""  # stderr is a pipe: no progress unless asked


@needs_cargo
def test_quiet_prints_the_summary_only_and_progress_when_asked(verify_repo) -> None:
    proc, _ = _translate(verify_repo, "-q", "--progress")
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("module ")  # no function lines
    assert not any(x.startswith("geo.") for x in lines)  # no per-function table
    assert any(x.startswith("1 module, 3 functions: 2 translated, 1 untranslated") for x in lines)
    assert any(x.startswith("verification: 1 verified, 0 failed, 1 untested, 1 untranslated") for x in lines)
    # --progress on a pipe: plain lines on stderr, one per stage start and end, with modules and time
    progress = proc.stderr.splitlines()
    assert progress and all(x.startswith("portalis: [") for x in progress), proc.stderr
    assert any(x.endswith("] parse 0/1 module") for x in progress)
    assert any("] parse 1/1 module: done in " in x for x in progress)
    assert any("] cargo clippy" in x for x in progress) and any("] verify: running the Python" in x for x in progress)
    assert "\r" not in proc.stderr


@needs_cargo
def test_verbose_prints_every_function(verify_repo) -> None:
    proc, _ = _translate(verify_repo, "-v", "--no-progress")
    lines = proc.stdout.splitlines()
    area = next(x for x in lines if x.endswith("(area)"))
    assert area.startswith("geo.py:1: verified, ") and " cases (area)" in area
    assert any(x.endswith("(risky)") and "PTL121" in x for x in lines)
    assert any(x.endswith("(down)") and "PTL721" in x for x in lines)
    assert proc.stderr == ""


@needs_cargo
def test_verify_without_hypothesis_is_a_reason_not_a_traceback(verify_repo, tmp_path: Path) -> None:
    """An install without hypothesis (it is a core dependency; pip can still remove it): the
    doctest still verifies, the generated cases are one reason saying what to install."""
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "hypothesis.py").write_text("raise ModuleNotFoundError(\"No module named 'hypothesis'\", name='hypothesis')\n")
    import os

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(shim), str(REPO)])}
    proc, report = _translate(verify_repo, "--no-progress", env=env)
    fns = {f["name"]: f for f in report["modules"][0]["functions"]}
    assert fns["area"]["status"] == "verified" and fns["area"]["cases_total"] == 1  # the doctest alone
    assert "hypothesis" not in (fns["area"]["detail"] or "")


def test_version() -> None:
    proc = run_portalis("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == "portalis 0.1.0"


def test_demo_ends_with_the_ui_address_of_a_partition_to_look_at(monkeypatch: pytest.MonkeyPatch) -> None:
    from portalis.cli import ui_address

    report = {"modules": [{"module": "pkg", "functions": [{"reason": None}]},
                          {"module": "pkg.sub mod", "functions": [{"reason": {"code": "PTL721"}}]}]}
    monkeypatch.delenv("PORTALIS_UI_URL", raising=False)
    assert ui_address(report) == "http://127.0.0.1:3000/assets/validation_report?view=partitions&partition=pkg.sub%20mod"
    monkeypatch.setenv("PORTALIS_UI_URL", "http://0.0.0.0:3005/")
    assert ui_address({"modules": report["modules"][:1]}).startswith("http://0.0.0.0:3005/assets/validation_report?")
    assert ui_address({"modules": report["modules"][:1]}).endswith("&partition=pkg")


def test_make_ui_takes_a_port_and_the_demo_prints_addresses_on_it() -> None:
    import shutil

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    ui = subprocess.run(["make", "-n", "ui", "PORT=3005"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert ui.returncode == 0 and "dg dev -w workspace.yaml --host 127.0.0.1 --port 3005" in ui.stdout
    demo = subprocess.run(["make", "-n", "demo", "PORT=3005"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert "PORTALIS_UI_URL=http://127.0.0.1:3005 .venv/bin/portalis demo" in demo.stdout
