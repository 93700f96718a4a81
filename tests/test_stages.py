"""The CLI's exit status for failed modules, and a stored row that no longer parses
(containment itself: tests/test_containment.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from portalis.contain import INTERNAL_ERROR, has_internal_error
from portalis.lower.module import lower_module
from portalis.model import SourceModule
from portalis.parse import parse_source
from portalis.source import hash_bytes
from portalis.typemap import build_type_map

GOOD = "def add(a: int, b: int) -> int:\n    return a + b\n"


def _parsed(name: str, text: str):
    return parse_source(SourceModule(module=name, path=f"{name}.py", sha256=hash_bytes(text.encode())), text)


def test_a_stored_row_that_no_longer_parses_fails_its_module_only() -> None:
    # The type map and lowering re-read the parsed row's source: a row whose source does not
    # parse (a corrupted or hand-edited store) is that module's internal error, not a crash.
    broken = _parsed("m", GOOD).model_copy(update={"source": "def (:\n"})
    tm = build_type_map(broken)
    assert has_internal_error(tm.diagnostics)
    out = lower_module(broken, tm, {}, None)
    assert has_internal_error(out.diagnostics) and not out.functions
    good = _parsed("good", GOOD)
    assert [f.name for f in lower_module(good, build_type_map(good), {}, None).functions] == ["add"]
    assert INTERNAL_ERROR == "PTL009"


def test_cli_exits_1_and_names_each_failed_module(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "good.py").write_text(GOOD)
    (repo / "broken.py").write_text("def f(:\n    pass\n")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "portalis.cli", "translate", str(repo), "--out", str(out), "--no-build"],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("broken.py:")]
    assert len(lines) == 1 and "PTL001" in lines[0], proc.stderr
    report = json.loads((out / "portalis-report.json").read_text())
    status = {m["module"]: m["status"] for m in report["modules"]}
    assert status == {"broken": "error", "good": "ok"}
    assert report["crate"]["compiles"]


def test_cli_exits_0_when_no_module_failed(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "good.py").write_text(GOOD + "\ndef untyped(x):\n    return x.frob()\n")
    proc = subprocess.run(
        [sys.executable, "-m", "portalis.cli", "translate", str(repo), "--out", str(tmp_path / "out"), "--no-build"],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr  # an untranslated function is a diagnostic, not a failure
