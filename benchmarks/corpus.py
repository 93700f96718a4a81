"""The translator on real code: standard-library modules and pure-Python PyPI packages.

    .venv/bin/python benchmarks/corpus.py [--corpus stdlib|pypi|all] [--verify] [--build]
        [--cache-dir DIR] [--no-per-module] [--reasons N] [--only NAME]

One `portalis translate` subprocess per corpus (the CLI as a user runs it; `--no-build`, so cargo
check only, unless --build). Prints one row per corpus: modules, functions, translated, verified
(with --verify), modules failed (status `error`), crashes, seconds, and whether the crate
compiles. When the whole run crashes (a traceback, a signal, no report), every module of that
corpus is then translated alone, to count how many modules crash by themselves and to give the
figures of the others ("per module" rows); --no-per-module skips that.

Corpora: `stdlib` is tests/realcorpus.py's STDLIB_BENCH copied from this Python's library
directory (no download); `pypi` is one corpus per package of PYPI (pinned wheels, fetched once
with `pip download --no-deps` into --cache-dir, default ~/.cache/portalis-corpus; for the packages of
SDIST_TESTS, whose wheel has no tests, the sdist's `tests/` is added beside the package, so the
tracer runs the project's suite; `--no-sdist-tests` leaves it out). The test
(tests/test_corpus.py) runs only the STDLIB_TEST list, so CI never downloads anything.

--verify runs the corpus's functions on generated arguments, in Python and in Rust, in this
machine's environment (see the sandbox section of the README for the isolation in force).
Prints figures; asserts nothing.

--reasons N prints, after each corpus's row, its N biggest groups of reasons a function is not
verified (the report's `reason`: code plus the message up to its first quote or colon, so
`PTL112 attribute `x`...` of many classes is one group), with a count and one example function.
--only NAME keeps the corpora whose name starts with NAME (`idna`, `python-dateutil`, `stdlib`).

--crate-stats prints, after each corpus's row, the size of the crate it wrote (lines of Rust under
`src/`, how many of them are `todo!()` stubs) and the seconds of one `cargo check` of the crate's
own code (`cargo clean -p` first, so its dependencies are already built and only the crate is
checked): what the crate costs a user to build, whatever the run's quarantine rounds took.
--keep-reports DIR copies each corpus's report to DIR/<corpus>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from collections import Counter
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from realcorpus import (  # noqa: E402
    PYPI, SDIST_TESTS, STDLIB_BENCH, RunFigures, copy_stdlib, crashed, download_pypi, download_sdist, extract_sdist_tests,
    extract_wheel, figures_from_report, module_of, read_report,
)

from portalis.source import DEFAULT_EXCLUDE, _matches  # noqa: E402

PYTHON = sys.executable


def translate(repo: Path, out: Path, verify: bool, build: bool, timeout: float,
              extra: tuple[str, ...] = ()) -> tuple[subprocess.CompletedProcess, float]:
    cmd = [PYTHON, "-X", "faulthandler", "-m", "portalis.cli", "translate", str(repo), "--out", str(out), "--json", *extra]
    if not build:
        cmd.append("--no-build")
    if verify:
        cmd.append("--verify")
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, errors="replace", timeout=timeout, env=env)
    except subprocess.TimeoutExpired as exc:
        return subprocess.CompletedProcess(cmd, -9, "", f"timeout after {exc.timeout} s"), time.perf_counter() - t0
    return proc, time.perf_counter() - t0


def run_corpus(repo: Path, files: list[str], work: Path, verify: bool, build: bool, per_module: bool,
               timeout: float, extra: tuple[str, ...] = ()) -> tuple[RunFigures, RunFigures | None]:
    """(the whole run's figures, the per-module figures when the whole run crashed)."""
    files = [f for f in files if not _matches(f, DEFAULT_EXCLUDE)]  # tests/ etc. are not translated, by design
    expected = sorted({module_of(f) for f in files})
    proc, seconds = translate(repo, work / "out", verify, build, timeout, extra)
    why = crashed(proc)
    report = read_report(work / "out")
    if why is None and report is not None:
        whole = figures_from_report(report, expected)
    else:
        whole = RunFigures(crashes=1, crash_heads=[why or "no report written"])
    whole.seconds = seconds
    if why is None or not per_module:
        return whole, None
    alone = RunFigures(compiles=True)
    for rel in files:
        one = work / "one" / module_of(rel)
        (one / "repo" / rel).parent.mkdir(parents=True, exist_ok=True)
        (one / "repo" / rel).write_bytes((repo / rel).read_bytes())
        p, s = translate(one / "repo", one / "out", verify, build, timeout)
        alone.seconds += s
        w = crashed(p)
        r = read_report(one / "out")
        if w is not None or r is None:
            alone.crashes += 1
            alone.modules += 1
            alone.modules_failed += 1
            alone.crash_heads.append(f"{module_of(rel)}: {w or 'no report written'}")
            continue
        f = figures_from_report(r, [module_of(rel)])
        alone.modules += f.modules
        alone.functions += f.functions
        alone.excluded += f.excluded
        alone.translated += f.translated
        alone.verified += f.verified
        alone.modules_failed += f.modules_failed
        alone.compiles = bool(alone.compiles and f.compiles)
    return whole, alone


def reason_groups(report: dict, top: int) -> list[str]:
    """The `top` biggest groups of reasons functions of `report` are not verified, as lines."""
    counts: Counter[str] = Counter()
    example: dict[str, str] = {}
    for m in report["modules"]:
        for f in m["functions"]:
            if f["status"] in ("verified", "excluded"):
                continue  # the excluded are script code (PTL146), not failures
            r = f.get("reason") or {}
            msg = r.get("message") or ""
            # the message up to its first name, quote or colon: one group per kind of failure
            body = re.sub(r"^(\w+: )?((class|enum) `[^`]*`: )*", "", msg)  # "untranslated: class `C`: ..."
            body = re.sub(r"^`[^`]*`\s*", "", body)  # "`argparse.ArgumentParser` has no Rust translation": by what follows
            head = re.split(r"[`'\":(]", body, maxsplit=1)[0].strip()[:70]
            key = f"{f['status']:<13} {r.get('code', '-')} {head}"
            counts[key] += 1
            example.setdefault(key, f"{m['module']}.{f.get('qualname') or f.get('name')}: {msg[:90]}")
    return [f"  {n:>5}  {k}\n         e.g. {example[k]}" for k, n in counts.most_common(top)]


def crate_stats(out: Path) -> str:
    """`crate: N lines of Rust (S todo!() stubs), cargo check of the crate K s` for the crate in `out`."""
    files = sorted((out / "src").rglob("*.rs")) if (out / "src").is_dir() else []
    lines = stubs = 0
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        lines += text.count("\n")
        stubs += text.count("todo!(")
    seconds = "-"
    manifest = out / "Cargo.toml"
    if manifest.is_file():
        name = re.search(r'^name\s*=\s*"([^"]+)"', manifest.read_text(encoding="utf-8"), re.M)
        env = dict(os.environ, CARGO_TARGET_DIR=str(out / "target"))
        if name is not None:
            subprocess.run(["cargo", "clean", "-p", name.group(1)], cwd=out, capture_output=True, env=env)
        t0 = time.perf_counter()
        done = subprocess.run(["cargo", "check", "--offline"], cwd=out, capture_output=True, text=True, env=env)
        seconds = f"{time.perf_counter() - t0:.1f} s" + ("" if done.returncode == 0 else " (failed)")
    return f"  crate: {lines:,} lines of Rust in {len(files)} files ({stubs:,} todo!() stubs), cargo check of the crate {seconds}"


def row(name: str, f: RunFigures, verify: bool) -> str:
    compiles = "-" if f.compiles is None else ("yes" if f.compiles else "NO")
    return (f"{name:<28} {f.modules:>7} {f.functions:>9} {f.translated:>10} {(str(f.verified) if verify else '-'):>8} "
            f"{f.modules_failed:>14} {f.crashes:>7} {f.seconds:>8.1f} {compiles:>8}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", choices=["stdlib", "pypi", "all"], default="all")
    parser.add_argument("--verify", action="store_true")
    parser.add_argument("--build", action="store_true", help="cargo build too (default: cargo check only)")
    parser.add_argument("--cache-dir", type=Path, default=Path.home() / ".cache" / "portalis-corpus")
    parser.add_argument("--no-per-module", action="store_true")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per portalis run")
    parser.add_argument("--reasons", type=int, default=0, metavar="N", help="print the N biggest groups of reasons")
    parser.add_argument("--only", default=None, help="only the corpora whose name starts with this")
    parser.add_argument("--no-trace", action="store_true", help="without observed calls (with --verify the tracer runs "
                        "the package's doctests and tests)")
    parser.add_argument("--keep-reports", type=Path, default=None, metavar="DIR",
                        help="copy each corpus's portalis-report.json to DIR/<corpus>.json (to compare runs function by function)")
    parser.add_argument("--crate-stats", action="store_true", help="print the crate's size and one cargo check's seconds")
    parser.add_argument("--no-sdist-tests", action="store_true", help="without the tests/ of the sdists of SDIST_TESTS "
                        "(wheels without tests: pygments)")
    args = parser.parse_args()

    corpora: list[tuple[str, Path, list[str]]] = []
    with tempfile.TemporaryDirectory(prefix="portalis-corpus-") as tmp:
        root = Path(tmp)
        if args.corpus in ("stdlib", "all"):
            copied, missing = copy_stdlib(root / "stdlib" / "repo", STDLIB_BENCH)
            if missing:
                print(f"stdlib: not in this Python's library: {', '.join(missing)}", file=sys.stderr)
            corpora.append((f"stdlib (python {sys.version_info[0]}.{sys.version_info[1]})", root / "stdlib" / "repo", copied))
        if args.corpus in ("pypi", "all"):
            for wheel in download_pypi(args.cache_dir):
                name = wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1]
                if args.only and not name.startswith(args.only):
                    continue  # not extracted (pygments' sdist tests are 2,247 files)
                repo = root / name / "repo"
                files = extract_wheel(wheel, repo)
                spec = next((s for s in SDIST_TESTS if name.lower().replace("_", "-") == s.replace("==", "-").lower()), None)
                if spec and not args.no_sdist_tests:
                    sdist = download_sdist(args.cache_dir, spec)
                    n = extract_sdist_tests(sdist, repo) if sdist is not None else 0
                    print(f"{name}: {n} files of the sdist's tests/ added" if sdist else f"{name}: sdist not found, no tests",
                          file=sys.stderr)
                corpora.append((name, repo, files))
        if args.only:
            corpora = [c for c in corpora if c[0].startswith(args.only)]
        header = (f"{'corpus':<28} {'modules':>7} {'functions':>9} {'translated':>10} {'verified':>8} "
                  f"{'modules failed':>14} {'crashes':>7} {'seconds':>8} {'compiles':>8}")
        print(header)
        print("-" * len(header))
        notes = []
        for name, repo, files in corpora:
            work = repo.parent
            whole, alone = run_corpus(repo, files, work, args.verify, args.build, not args.no_per_module, args.timeout,
                                      ("--no-trace",) if args.no_trace else ())
            print(row(name, whole, args.verify), flush=True)
            if whole.excluded:
                print(f"  excluded (script code under `if __name__ == '__main__':`, PTL146): {whole.excluded} more functions",
                      flush=True)
            report = read_report(work / "out")
            if report is not None and args.keep_reports is not None:
                args.keep_reports.mkdir(parents=True, exist_ok=True)
                (args.keep_reports / f"{name.split(' ')[0]}.json").write_text(json.dumps(report), encoding="utf-8")
            if report is not None and report.get("observed"):
                print(f"  observed calls: {json.dumps(report['observed'])}", flush=True)
            if args.reasons and report is not None:
                print("\n".join(reason_groups(report, args.reasons)), flush=True)
            if args.crate_stats:
                print(crate_stats(work / "out"), flush=True)
            if alone is not None:
                print(row("  per module", alone, args.verify), flush=True)
                notes += [f"{name}: whole run: {h}" for h in whole.crash_heads]
                notes += [f"{name}: {h}" for h in alone.crash_heads]
            elif whole.missing:
                notes.append(f"{name}: modules missing from the report: {', '.join(whole.missing)}")
        if notes:
            print()
            for n in notes:
                print(n)


if __name__ == "__main__":
    main()
