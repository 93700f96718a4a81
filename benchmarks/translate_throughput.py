"""Translation throughput of the rules engine (parse + type map + lowering + printing + one
rustfmt run), excluding cargo: wall time, and CPU time (per core). Prints figures; asserts nothing.

    .venv/bin/python benchmarks/translate_throughput.py [--corpus examples|stdlib] [--copies N] [--jobs N]
        [--baseline REV [--rounds N]]

The `examples` corpus is examples/ replicated N times under distinct package names, so
module-level imports resolve as in the original; `stdlib` is real code: tests/realcorpus.py's
STDLIB_BENCH copied from this Python's library (82 modules, 45k lines). Prints the per-core
figure next to the 10,000 lines/s target, and (--jobs N > 1) the wall time of the same stages in
N worker processes (portalis/workers.py, as `portalis translate --jobs N` runs them).

`--baseline REV` compares with the translator of git revision REV (a worktree, removed
afterwards): each side translates the corpus in a fresh process, alternating (REV, this tree,
REV, ...) for `--rounds` rounds so that both see the same machine load, and the script prints
each run's CPU time and the median lines/s per core of each side and their ratio. CPU time (of
the translating process and its rustfmt) does not count other jobs on a shared machine, though
a loaded machine still slows every process somewhat (caches, memory bandwidth).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import sys

from portalis.lower.module import format_translations, lower_module
from portalis.names import resolve_all
from portalis.parse import clear_tree_cache, parse_file
from portalis.source import discover
from portalis.typemap import build_type_map
from portalis.workers import ShardPool, lower_unformatted, parse_and_map, run_sharded

TARGET_LINES_PER_CORE = 10_000

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


def build_corpus(root: Path, copies: int) -> None:
    for i in range(copies):
        shutil.copytree(EXAMPLES / "inventory", root / f"inventory{i}")
        # Each copy's text differs (a comment), so no cache sees the same module twice.
        for path in (root / f"inventory{i}").rglob("*.py"):
            path.write_text(path.read_text(encoding="utf-8") + f"# copy {i}\n", encoding="utf-8")


def one_run(corpus: str, copies: int, tree: Path) -> dict:
    """One cold translation of the corpus in a fresh process whose `portalis` package is the
    one in `tree`: its figures (CPU seconds, lines, functions) as the `--json` line prints."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--corpus", corpus, "--copies", str(copies), "--json"]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tree)
    if proc.returncode != 0:
        sys.exit(f"the translation in {tree} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def compare(args: argparse.Namespace) -> None:
    """Alternating runs of REV and this tree; the median lines/s per core of each and the ratio."""
    work = Path(tempfile.mkdtemp(prefix="portalis-throughput-"))
    base = work / f"baseline-{args.baseline}"
    subprocess.run(["git", "worktree", "add", "--detach", str(base), args.baseline], cwd=REPO, check=True, capture_output=True)
    rate: dict[str, list[float]] = {args.baseline: [], "this tree": []}
    try:
        for i in range(args.rounds):
            for name, tree in ((args.baseline, base), ("this tree", REPO)):
                r = one_run(args.corpus, args.copies, tree)
                rate[name].append(r["lines"] / r["cpu"])
                load = os.getloadavg()[0]
                print(f"round {i + 1} {name:>12}: {r['cpu']:7.3f} s CPU (parse {r['parse']:.3f}, type map {r['type_map']:.3f}, "
                      f"lower+print+rustfmt {r['lower']:.3f} s wall), {r['lines'] / r['cpu']:,.0f} Python lines/s per core; "
                      f"{r['translated']}/{r['functions']} functions translated; load {load:.1f}", flush=True)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=REPO, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    before, after = statistics.median(rate[args.baseline]), statistics.median(rate["this tree"])
    print(f"median Python lines/s per core: {args.baseline} {before:,.0f}, this tree {after:,.0f}: "
          f"{after / before:.2f}x; target {TARGET_LINES_PER_CORE:,}: {after / TARGET_LINES_PER_CORE:.2f} of it "
          f"({'met' if after >= TARGET_LINES_PER_CORE else 'NOT met'})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", choices=["examples", "stdlib"], default="examples")
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=0, help="also time the same stages in N worker processes")
    parser.add_argument("--baseline", default=None, metavar="REV", help="compare with the translator of git revision REV")
    parser.add_argument("--rounds", type=int, default=3, help="with --baseline: runs of each side, alternating")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # one run's figures, for --baseline
    args = parser.parse_args()
    if args.baseline:
        compare(args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if args.corpus == "stdlib":
            sys.path.insert(0, str(EXAMPLES.parent / "tests"))
            from realcorpus import STDLIB_BENCH, copy_stdlib

            copy_stdlib(root, STDLIB_BENCH)
        else:
            build_corpus(root, args.copies)
        modules = discover(root)
        cpu0 = os.times()
        t0 = time.perf_counter()
        parsed = {m.module: parse_file(root, m) for m in modules}
        t1 = time.perf_counter()
        maps = resolve_all({k: build_type_map(p) for k, p in parsed.items()})
        t2 = time.perf_counter()
        translations = {k: lower_module(p, maps[k], maps, None) for k, p in parsed.items()}
        format_translations(list(translations.values()))  # one rustfmt run, as `portalis translate`
        t3 = time.perf_counter()
        cpu1 = os.times()
        parallel = None
        if args.jobs > 1:
            clear_tree_cache()
            p0 = time.perf_counter()
            with ShardPool(args.jobs) as pool:
                both = run_sharded(parse_and_map, {m.module: m for m in modules}, args.jobs, (root,), pool)
                pmaps = resolve_all({k: tm for k, (_, tm) in both.items()})
                out = run_sharded(lower_unformatted, {k: (p, pmaps[k]) for k, (p, _) in both.items()}, args.jobs, (pmaps,), pool)
            format_translations(list(out.values()))
            parallel = time.perf_counter() - p0
    lines = sum(p.line_count for p in parsed.values())
    functions = sum(len(t.functions) for t in translations.values())
    translated = sum(f.status.value == "translated" for t in translations.values() for f in t.functions)
    total = t3 - t0
    cpu = sum(getattr(cpu1, f) - getattr(cpu0, f) for f in ("user", "system", "children_user", "children_system"))
    if args.json:
        print(json.dumps({"lines": lines, "functions": functions, "translated": translated, "cpu": cpu,
                          "parse": t1 - t0, "type_map": t2 - t1, "lower": t3 - t2}))
        return
    print(f"modules: {len(modules)}  python lines: {lines}  functions: {functions} ({translated} translated)")
    print(f"parse: {t1 - t0:.3f} s  type map: {t2 - t1:.3f} s  lower+print+rustfmt: {t3 - t2:.3f} s  total: {total:.3f} s")
    print(f"throughput: {functions / total:,.0f} functions/s, {lines / total:,.0f} Python lines/s (wall, cargo excluded)")
    print(f"per core: {functions / cpu:,.0f} functions/s, {lines / cpu:,.0f} Python lines/s "
          f"({cpu:.3f} s CPU of this process and rustfmt: other jobs on the machine do not count)")
    print(f"target {TARGET_LINES_PER_CORE:,} Python lines/s per core: {lines / cpu / TARGET_LINES_PER_CORE:.2f} of it "
          f"({'met' if lines / cpu >= TARGET_LINES_PER_CORE else 'NOT met'})")
    if parallel is not None:
        print(f"{args.jobs} workers: {parallel:.3f} s wall, {lines / parallel:,.0f} Python lines/s; "
              f"{total / parallel:.2f}x the one-process wall time")


if __name__ == "__main__":
    main()
