"""A repository's own pytest suite run twice: on Python, then with translated functions swapped
for their Rust (the plugin portalis/pyext/plugin.py); the comparison, per test and per function.

A test that passes on Python and fails on Rust blames the swapped functions it called. When it
called one, that one fails the repository's tests; when it called several, the test is run
again with each of them swapped alone, and those it still fails with are the ones to blame (at
most `MAX_SUSPECTS` suspects are isolated; beyond that all stay suspects). A function that fails
the repository's tests is demoted from `verified` (to `failed`) in the translation report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field

MAX_SUSPECTS = 8


class SuiteRun(BaseModel):
    side: str  # "python" | "rust"
    wall_s: float = 0.0
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    exitstatus: int = 0
    error: str | None = None  # the run did not produce results (PTL815)


class TestOutcome(BaseModel):
    nodeid: str
    python: str  # passed | failed | skipped | error | missing
    rust: str
    touched: list[str] = Field(default_factory=list)  # swapped functions it called (Rust run)
    blamed: list[str] = Field(default_factory=list)  # for a test that only fails on Rust
    failure: str | None = None  # the Rust failure, for such a test


class SwappedFunction(BaseModel):
    name: str  # module.function
    status: str  # the report's status before this run
    tests_calling: int = 0
    tests_failing: int = 0  # tests passing on Python, failing on Rust, that it is blamed for
    python_s: float = 0.0  # time spent in it during the Python run
    rust_s: float = 0.0
    demoted: bool = False


class RepoTestReport(BaseModel):
    python: SuiteRun
    rust: SuiteRun
    tests: list[TestOutcome] = Field(default_factory=list)
    functions: list[SwappedFunction] = Field(default_factory=list)
    not_swapped: dict[str, str] = Field(default_factory=dict)
    kept_python: list[str] = Field(default_factory=list)

    @property
    def rust_passing(self) -> int:
        return sum(t.rust == "passed" for t in self.tests)

    def summary_line(self) -> str:
        """`tests on Rust: N/M pass, K functions swapped` (M: the tests passing on Python)."""
        on_python = [t for t in self.tests if t.python == "passed"]
        on_rust = sum(t.rust == "passed" for t in on_python)
        return f"tests on Rust: {on_rust}/{len(on_python)} pass, {len(self.functions)} functions swapped"


def run_suite(repo: Path, extension: str, lib_dir: str, functions: list[str], swap: bool, python: str | None = None,
              tests: list[str] | None = None, pytest_args: list[str] | None = None, timeout_s: float = 1800) -> dict:
    """One pytest run of the repository with the plugin; the plugin's results (or `error`)."""
    with tempfile.TemporaryDirectory(prefix="portalis-swap-") as tmp:
        config = Path(tmp) / "config.json"
        results = Path(tmp) / "results.json"
        config.write_text(json.dumps({"extension": extension, "swap": swap, "functions": functions, "results": str(results),
                                      "root": str(repo.resolve())}), encoding="utf-8")
        env = dict(os.environ)
        env["PORTALIS_SWAP_CONFIG"] = str(config)
        env["PYTHONPATH"] = os.pathsep.join([lib_dir, str(repo.resolve()), *filter(None, [env.get("PYTHONPATH")])])
        env.pop("PYTEST_ADDOPTS", None)
        cmd = [python or sys.executable, "-m", "pytest", "-q", "-p", "portalis.pyext.plugin", "-p", "no:cacheprovider",
               *(pytest_args or []), *(tests or [])]
        try:
            run = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return {"error": f"PTL815 the test suite ran past {timeout_s:.0f} s"}
        if not results.exists():
            tail = "\n".join((run.stdout + run.stderr).strip().splitlines()[-15:])
            return {"error": f"PTL815 pytest produced no results (exit {run.returncode}):\n{tail}"}
        return json.loads(results.read_text(encoding="utf-8"))


def _suite(side: str, res: dict) -> SuiteRun:
    if "error" in res:
        return SuiteRun(side=side, error=res["error"])
    outcomes = [t["outcome"] for t in res["tests"].values()]
    return SuiteRun(side=side, wall_s=res["wall_s"], passed=outcomes.count("passed"), failed=outcomes.count("failed") + outcomes.count("error"),
                    skipped=outcomes.count("skipped"), exitstatus=res["exitstatus"])


def compare(repo: Path, extension: str, lib_dir: str, functions: dict[str, str], keep_python: list[str] | None = None,
            python: str | None = None, pytest_args: list[str] | None = None) -> RepoTestReport:
    """Run the suite on both sides and compare. `functions`: `module.function` -> its status in
    the translation report (the ones exposed by the extension); `keep_python`: those not to swap."""
    keep = sorted(set(keep_python or []) & set(functions))
    swapped = [f for f in functions if f not in keep]
    on_py = run_suite(repo, extension, lib_dir, swapped, swap=False, python=python, pytest_args=pytest_args)
    on_rs = run_suite(repo, extension, lib_dir, swapped, swap=True, python=python, pytest_args=pytest_args)
    report = RepoTestReport(python=_suite("python", on_py), rust=_suite("rust", on_rs), kept_python=keep,
                            not_swapped=on_rs.get("not_swapped", {}))
    if "error" in on_py or "error" in on_rs:
        return report
    py_tests, rs_tests = on_py["tests"], on_rs["tests"]
    for nodeid in sorted(set(py_tests) | set(rs_tests)):
        p, r = py_tests.get(nodeid, {}), rs_tests.get(nodeid, {})
        t = TestOutcome(nodeid=nodeid, python=p.get("outcome", "missing"), rust=r.get("outcome", "missing"), touched=r.get("touched", []))
        if t.python == "passed" and t.rust != "passed":
            t.failure = r.get("failure")
            t.blamed = list(t.touched)
        report.tests.append(t)
    _isolate(repo, extension, lib_dir, report, python, pytest_args)
    blamed: dict[str, int] = {}
    for t in report.tests:
        for f in t.blamed:
            blamed[f] = blamed.get(f, 0) + 1
    for name in on_rs["swapped"]:
        n_fail = blamed.get(name, 0)
        report.functions.append(SwappedFunction(
            name=name, status=functions[name], tests_calling=len(on_rs["calls"].get(name, [])), tests_failing=n_fail,
            python_s=on_py["seconds"].get(name, 0.0), rust_s=on_rs["seconds"].get(name, 0.0), demoted=n_fail > 0,
        ))
    return report


def _isolate(repo: Path, extension: str, lib_dir: str, report: RepoTestReport, python: str | None, pytest_args: list[str] | None) -> None:
    """Narrow the blame of tests that called several swapped functions: rerun them with each
    suspect swapped alone."""
    suspects = sorted({f for t in report.tests if len(t.blamed) > 1 for f in t.blamed})[:MAX_SUSPECTS]
    for f in suspects:
        nodeids = [t.nodeid for t in report.tests if len(t.blamed) > 1 and f in t.touched]
        res = run_suite(repo, extension, lib_dir, [f], swap=True, python=python, tests=nodeids, pytest_args=pytest_args)
        if "error" in res:
            continue
        for t in report.tests:
            if t.nodeid in res["tests"] and res["tests"][t.nodeid]["outcome"] == "passed" and f in t.blamed:
                t.blamed.remove(f)


def demote(report_path: Path, result: RepoTestReport) -> list[str]:
    """Write the run into the translation report (`repo_tests`) and demote each function that
    fails the repository's tests from verified to failed (a class swapped whole: each of its
    methods, since the tests do not say which one); returns the demoted ones."""
    payload = json.loads(report_path.read_text(encoding="utf-8"))
    demoted = {f.name: f for f in result.functions if f.demoted}
    first_failure = {name: next(t.nodeid for t in result.tests if name in t.blamed) for name in demoted}
    moved = {"verified": 0, "untested": 0}
    for m in payload.get("modules", []):
        for fn in m.get("functions", []):
            key = f"{m['module']}.{fn['qualname']}"
            owner = f"{m['module']}.{fn['qualname'].split('.')[0]}"
            if key not in demoted and "." in fn["qualname"] and owner in demoted:
                key = owner  # a method of a class swapped whole that fails the tests: the class's methods go with it
            if key in demoted and fn.get("status") in ("verified", "untested", "translated"):
                moved["verified" if fn["status"] == "verified" else "untested"] += 1  # the summary counts translated as untested
                fn["status"] = "failed"
                fn["detail"] = (f"fails the repository's tests on Rust: {demoted[key].tests_failing} test(s), "
                                f"first {first_failure[key]}")
                fn["reason"] = {"code": "PTL816", "message": fn["detail"], "line": fn.get("line")}
    ver = payload.get("verification")
    if ver:  # the summary counts follow the statuses
        ver["verified"] = max(0, ver.get("verified", 0) - moved["verified"])
        ver["untested"] = max(0, ver.get("untested", 0) - moved["untested"])
        ver["failed"] = ver.get("failed", 0) + sum(moved.values())
        translated = ver["verified"] + ver["failed"] + ver["untested"]
        if "verified_share" in ver and translated:
            ver["verified_share"] = round(ver["verified"] / translated, 4)
    payload["repo_tests"] = result.model_dump()
    report_path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return sorted(demoted)
