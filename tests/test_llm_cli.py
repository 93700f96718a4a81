"""`portalis translate --llm-endpoint URL --llm-model NAME [--llm-only]` as a user runs it: a
subprocess against the loopback OpenAI-style server."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, needs_cargo
from portalis.cli import main
from test_llm_http import Reply, ScriptedServer

SOURCE = "def clamp(n: int, lo: int, hi: int) -> int:\n    return max(lo, min(n, hi))\n"


def scripted(body: dict, index: int) -> Reply:
    signature = re.search(r"keep it exactly:\n```rust\n(.*?)\n```", body["messages"][1]["content"], re.DOTALL).group(1)  # type: ignore[union-attr]
    return Reply(content=f"```rust\n{signature} {{\n    n.min(hi).max(lo)\n}}\n```")


def portalis(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "portalis.cli", *args], capture_output=True, text=True, cwd=REPO, timeout=300)


@needs_cargo
def test_translate_with_an_llm_endpoint_reports_the_backend_per_function(tmp_path: Path) -> None:
    (tmp_path / "clampmod.py").write_text(SOURCE)
    with ScriptedServer(scripted) as server:
        proc = portalis("translate", str(tmp_path / "clampmod.py"), "--out", str(tmp_path / "out"), "--no-build",
                        "--llm-endpoint", server.url + "/v1", "--llm-model", "test-model", "--llm-only")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"llm openai:test-model: 1 function sent, 1 accepted \(1 verified\), 1 candidate, compile rate 100%", proc.stdout)
    report = json.loads((tmp_path / "out" / "portalis-report.json").read_text())
    (module,) = report["modules"]
    assert [(f["name"], f["backend"], f["status"]) for f in module["functions"]] == [("clamp", "llm", "translated")]
    assert report["llm"]["accepted"] == 1 and len(server.requests) == 1
    assert "n.min(hi).max(lo)" in (tmp_path / "out" / "src" / "clampmod.rs").read_text()


def test_an_unreachable_endpoint_is_a_clear_error_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "clampmod.py").write_text(SOURCE)
    with ScriptedServer(scripted) as server:
        url = server.url  # closed when the block ends: nothing listens there afterwards
    proc = portalis("translate", str(tmp_path / "clampmod.py"), "--out", str(tmp_path / "out"),
                    "--llm-endpoint", url, "--llm-model", "test-model", "--llm-timeout", "2")
    assert proc.returncode == 2 and "LLM backend unavailable" in proc.stderr and "not reachable" in proc.stderr
    assert not (tmp_path / "out" / "portalis-report.json").exists()


def test_llm_flags_without_an_endpoint_are_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "clampmod.py").write_text(SOURCE)
    assert main(["translate", str(tmp_path / "clampmod.py"), "--out", str(tmp_path / "o"), "--llm-only"]) == 2
    assert "need --llm-endpoint" in capsys.readouterr().err
    assert main(["translate", str(tmp_path / "clampmod.py"), "--out", str(tmp_path / "o"), "--llm-endpoint", "http://127.0.0.1:9"]) == 2
    assert "needs a model name" in capsys.readouterr().err
