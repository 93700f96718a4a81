"""The per-module net (portalis/stages.py) and the CLI's exit status for failed modules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from portalis.model import ModuleTypeMap, SourceModule
from portalis.parse import parse_source
from portalis.source import hash_bytes
from portalis.stages import INTERNAL_ERROR, is_failed, lower_contained, parse_contained, type_map_contained

GOOD = "def add(a: int, b: int) -> int:\n    return a + b\n"


def _parsed(name: str, text: str):
    return parse_source(SourceModule(module=name, path=f"{name}.py", sha256=hash_bytes(text.encode())), text)


def test_an_exception_escaping_lowering_fails_that_module_only() -> None:
    calls: list[str] = []

    def lower(parsed, type_map, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        calls.append(parsed.module)
        if parsed.module == "bad":
            return [][1]  # an IndexError, as a translator bug would raise
        from portalis.lower.module import lower_module

        return lower_module(parsed, type_map, *args, **kwargs)

    safe = lower_contained(lower)
    good, bad = _parsed("good", GOOD), _parsed("bad", GOOD)
    _, tm_good = type_map_contained(good)
    _, tm_bad = type_map_contained(bad)
    out_bad = safe(bad, tm_bad, {}, None)
    out_good = safe(good, tm_good, {}, None)
    assert calls == ["bad", "good"]
    assert is_failed(out_bad.diagnostics) and not out_bad.items
    diag = next(d for d in out_bad.diagnostics if d.code == INTERNAL_ERROR)
    # readable: the exception type and the innermost Portalis-side frame are named
    assert "IndexError" in diag.message and "lowering" in diag.message
    assert not is_failed(out_good.diagnostics) and [i.name for i in out_good.functions] == ["add"]


def test_recursion_in_a_pass_is_a_module_diagnostic(tmp_path: Path) -> None:
    # Deeper than any of our recursive passes can go with Python's default limit, shallow
    # enough for CPython's own parser: whatever pass gives up, it costs this module alone.
    deep = "def f(x: int) -> int:\n    return " + " + ".join(["x"] * 2500) + "\n"
    (tmp_path / "deep.py").write_text(deep)
    src = SourceModule(module="deep", path="deep.py", sha256=hash_bytes(deep.encode()))
    parsed = parse_contained(tmp_path, src)
    parsed, tm = type_map_contained(parsed)
    out = lower_contained(__import__("portalis.lower.module", fromlist=["lower_module"]).lower_module)(parsed, tm, {}, None)
    # Either it translated, or it failed with a diagnostic: never an exception out of here.
    assert out.module == "deep"
    if is_failed(out.diagnostics) or not parsed.ok:
        assert any(d.code in (INTERNAL_ERROR, "PTL001") or d.code.startswith("PTL0") for d in out.diagnostics + parsed.diagnostics)


def test_type_map_failure_marks_the_parsed_module_failed() -> None:
    parsed = _parsed("m", GOOD)
    broken = parsed.model_copy(update={"source": "def (:\n"})  # a stored row that no longer parses
    after, tm = type_map_contained(broken)
    assert not after.ok and tm == ModuleTypeMap(module="m")
    assert any(d.code == INTERNAL_ERROR and "type map" in d.message for d in after.diagnostics)


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
