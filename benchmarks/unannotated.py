"""The translator on code without annotations: standard-library modules nobody here wrote.

    .venv/bin/python benchmarks/unannotated.py [--modules colorsys.py bisect.py ...] [--no-verify]
        [--json FILE] [--timeout S] [--report FILE] [--no-trace] [--cpython-tests]

The modules (UNANNOTATED below) are the single-file modules of tests/realcorpus.py's STDLIB_TEST
in which no function has an annotation (checked again here: a module of this Python that has one
is dropped and named). They are copied from this Python's library directory into one
repository and translated by one `portalis translate --verify` subprocess (the CLI as a user
runs it, cargo check only), as benchmarks/corpus.py does. The modules' doctests run under the
tracer (observed calls, on with --verify) unless --no-trace; --cpython-tests also copies this
Python's own test files of those modules (Lib/test/test_<name>.py) into the repository's tests/,
so the tracer runs them too. Prints one row per module: functions
(and methods), translated, verified, and the totals with their shares; asserts nothing.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

from corpus import translate  # noqa: E402
from realcorpus import TRANSLATED, copy_stdlib, crashed, module_of, read_report, stdlib_dir  # noqa: E402

# STDLIB_TEST's single-file modules with no annotation anywhere (statistics has a few, numbers is
# abstract classes only, keyword defines no function).
UNANNOTATED: tuple[str, ...] = (
    "colorsys.py", "bisect.py", "heapq.py", "textwrap.py", "calendar.py", "difflib.py", "fractions.py",
    "string.py", "shlex.py", "graphlib.py", "fnmatch.py", "reprlib.py", "stringprep.py", "quopri.py",
    "base64.py", "copy.py", "getopt.py", "token.py", "html/__init__.py",
)


def annotated_functions(path: Path) -> int:
    """How many functions of a module carry an annotation (parameter or return)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            params = a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x]
            if node.returns is not None or any(p.annotation is not None for p in params):
                count += 1
    return count


def copy_cpython_tests(lib: Path, repo: Path, copied: list[str]) -> list[str]:
    """This Python's test files of the copied modules (Lib/test/test_<name>.py), into tests/."""
    found = []
    for rel in copied:
        name = module_of(rel).split(".")[0]
        src = lib / "test" / f"test_{name}.py"
        if src.is_file():
            (repo / "tests").mkdir(exist_ok=True)
            (repo / "tests" / src.name).write_bytes(src.read_bytes())
            found.append(src.name)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--modules", nargs="*", default=list(UNANNOTATED))
    parser.add_argument("--no-verify", action="store_true")
    parser.add_argument("--json", type=Path, help="write the per-module figures here")
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--report", type=Path, help="copy the run's portalis-report.json here (per-function diagnostics)")
    parser.add_argument("--no-trace", action="store_true", help="translate without observed calls (the tracer off)")
    parser.add_argument("--cpython-tests", action="store_true", help="add CPython's test files of the modules (tests/test_<name>.py)")
    args = parser.parse_args()

    lib = stdlib_dir()
    names = []
    for rel in args.modules:
        if (lib / rel).is_file() and annotated_functions(lib / rel):
            print(f"{rel}: has annotations in this Python, left out", file=sys.stderr)
            continue
        names.append(rel)
    with tempfile.TemporaryDirectory(prefix="portalis-unannotated-") as tmp:
        repo = Path(tmp) / "repo"
        copied, missing = copy_stdlib(repo, tuple(names))
        if missing:
            print(f"not in this Python's library: {', '.join(missing)}", file=sys.stderr)
        tests = copy_cpython_tests(lib, repo, copied) if args.cpython_tests else []
        if args.cpython_tests:
            print(f"CPython test files: {len(tests)} ({', '.join(tests) or 'none found'})", file=sys.stderr)
        extra = ("--no-trace",) if args.no_trace else ("--trace",)
        proc, seconds = translate(repo, Path(tmp) / "out", not args.no_verify, False, args.timeout, extra)
        why = crashed(proc)
        report = read_report(Path(tmp) / "out")
        if args.report and report is not None:
            args.report.write_text(json.dumps(report, indent=1), encoding="utf-8")
        if why is not None or report is None:
            print(f"the run crashed: {why or 'no report written'}\n{proc.stderr[-3000:]}", file=sys.stderr)
            sys.exit(1)
    by_module = {m["module"]: m for m in report["modules"]}
    observed = report.get("observed")
    header = f"{'module':<16} {'functions':>9} {'translated':>10} {'verified':>8}  top diagnostics"
    print(header)
    print("-" * len(header))
    rows = []
    total = [0, 0, 0]
    for rel in copied:
        m = by_module.get(module_of(rel))
        fns = m["functions"] if m else []
        n = len(fns)
        t = sum(f["status"] in TRANSLATED for f in fns)
        v = sum(f["status"] == "verified" for f in fns)
        codes: dict[str, int] = {}
        for d in (m or {}).get("diagnostics", []):
            codes[d["code"]] = codes.get(d["code"], 0) + 1
        top = ", ".join(f"{c} x{k}" for c, k in sorted(codes.items(), key=lambda kv: -kv[1])[:3])
        print(f"{module_of(rel):<16} {n:>9} {t:>10} {v if not args.no_verify else '-':>8}  {top}")
        rows.append({"module": module_of(rel), "functions": n, "translated": t, "verified": v, "diagnostics": codes})
        total = [total[0] + n, total[1] + t, total[2] + v]
    print("-" * len(header))
    n, t, v = total
    share = (lambda k: f"{100 * k / n:.1f}%" if n else "-")
    print(f"{'total':<16} {n:>9} {t:>10} {v if not args.no_verify else '-':>8}")
    print(f"{'share':<16} {'':>9} {share(t):>10} {share(v) if not args.no_verify else '-':>8}")
    print(f"\n{len(copied)} modules, {seconds:.1f} s (translate{' + verify' if not args.no_verify else ''}); "
          f"crate compiles: {report['crate']['compiles']}")
    if observed:
        print(f"observed calls: {json.dumps(observed)}")
    if args.json:
        args.json.write_text(json.dumps({"modules": rows, "functions": n, "translated": t, "verified": v,
                                         "seconds": seconds, "observed": observed}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
