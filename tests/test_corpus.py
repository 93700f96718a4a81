"""Real code: `portalis translate` on a fixed list of the standard library's pure-Python modules.

tests/realcorpus.py's STDLIB_TEST (colorsys, heapq, textwrap, statistics, calendar, difflib,
fractions, json/*, email/*, tomllib/*, urllib.parse, ...) is copied from the running Python's
library directory into one repository (no download) and translated by one CLI subprocess. The
run must not crash, must account for every module in the report, and must leave a crate that
`cargo check` accepts. The PyPI packages and the figures are benchmarks/corpus.py's.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO, cargo_env, needs_cargo
from realcorpus import STDLIB_TEST, copy_stdlib, crashed, module_of, orphan_rust_files, read_report

pytestmark = needs_cargo

RUN_TIMEOUT_S = 300


@dataclass
class CorpusRun:
    files: list[str]
    missing: list[str]
    out: Path
    proc: subprocess.CompletedProcess

    def report(self) -> dict:
        report = read_report(self.out)
        assert report is not None, f"no report written (exit {self.proc.returncode}); stderr tail:\n{self.proc.stderr[-3000:]}"
        return report


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> CorpusRun:
    root = tmp_path_factory.mktemp("corpus")
    files, missing = copy_stdlib(root / "repo", STDLIB_TEST)
    cmd = [sys.executable, "-X", "faulthandler", "-m", "portalis.cli", "translate", str(root / "repo"),
           "--out", str(root / "out"), "--no-build", "--json"]
    try:
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, errors="replace", timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc = subprocess.CompletedProcess(cmd, -9, "", f"timeout after {RUN_TIMEOUT_S} s")
    return CorpusRun(files, missing, root / "out", proc)


def test_the_corpus_is_there(corpus_run: CorpusRun) -> None:
    # a newer Python may move a module; most of the list must still be there to mean anything
    assert len(corpus_run.files) >= len(STDLIB_TEST) - 5, corpus_run.missing


def test_no_crash(corpus_run: CorpusRun) -> None:
    why = crashed(corpus_run.proc)
    assert why is None, f"{why}\n{corpus_run.proc.stderr[-3000:]}"


def test_every_module_is_accounted_for(corpus_run: CorpusRun) -> None:
    report = corpus_run.report()
    reported = Counter(m["module"] for m in report["modules"])
    expected = {module_of(f) for f in corpus_run.files}
    assert expected <= set(reported), f"missing from the report: {sorted(expected - set(reported))}"
    assert all(n == 1 for n in reported.values())
    silent = [m["module"] for m in report["modules"]
              if m["status"] == "error" and not any(d.get("severity") == "error" for d in m["diagnostics"])]
    assert not silent, f"status error without an error diagnostic: {silent}"


def test_the_crate_builds(corpus_run: CorpusRun) -> None:
    report = corpus_run.report()
    assert report["crate"]["compiles"], [d["message"][:300] for m in report["modules"] for d in m["diagnostics"] if d["code"] == "PTL302"][:5]
    check = subprocess.run(["cargo", "check", "--offline", "--quiet"], cwd=corpus_run.out,
                           env=cargo_env(corpus_run.out / "target"), capture_output=True, text=True, timeout=600)
    assert check.returncode == 0, check.stderr[-3000:]
    orphans = orphan_rust_files(corpus_run.out)
    assert not orphans, f"Rust files the crate does not compile (translated code lost): {orphans}"
    functions = [f for m in report["modules"] for f in m["functions"]]
    # real code has hundreds of functions and the rules translate some of them
    assert len(functions) > 300 and any(f["status"] == "translated" for f in functions), Counter(f["status"] for f in functions)


def test_sdist_tests_are_extracted_beside_the_package(tmp_path: Path) -> None:
    """pygments' wheel has no tests; the corpus adds its sdist's top-level `tests/` (all files,
    golden outputs too) and nothing else of the sdist, and no member outside `dest`."""
    import io
    import tarfile

    from realcorpus import extract_sdist_tests

    sdist = tmp_path / "pkg-1.0.tar.gz"
    with tarfile.open(sdist, "w:gz") as tf:
        for name, data in [("pkg-1.0/tests/test_a.py", b"def test_a():\n    pass\n"),
                           ("pkg-1.0/tests/snippets/x.txt", b"golden"), ("pkg-1.0/pkg/__init__.py", b""),
                           ("pkg-1.0/tests/../../evil.py", b"no"), ("pkg-1.0/doc/tests/y.py", b"")]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    dest = tmp_path / "repo"
    assert extract_sdist_tests(sdist, dest) == 2
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()) == [
        "tests/snippets/x.txt", "tests/test_a.py"]
    assert not (tmp_path / "evil.py").exists()
