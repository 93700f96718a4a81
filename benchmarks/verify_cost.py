"""Behaviour validation's cost per function, against the issue-15 target (4x cheaper per function).

    nice .venv/bin/python benchmarks/verify_cost.py [--modules 40] [--functions 5]

A generated repository (benchmarks/incremental.py's: typed functions the rules translate) is
translated and checked once; then `verify_crate` runs on the same crate, side by side:

1. warm-up: builds the case program (every later run finds it built: cargo compiles nothing);
2. before: one Python worker per module, no case cache (how verification ran before);
3. one worker: one Python worker for every module, no case cache;
4. cache, first: one worker and an empty case cache (DuckDB, what the Dagster stage gives it): filled;
5. cache, again: the same cache, full: the cases and the originals' results come from it (each
   function's key: the code it can reach, its signature, the case settings); only Rust runs.

Prints seconds per function and each run's ratio to "before"; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from incremental import make_repo  # noqa: E402

from portalis.lower.module import lower_module  # noqa: E402
from portalis.parse import parse_file  # noqa: E402
from portalis.sandbox import SandboxPolicy  # noqa: E402
from portalis.source import discover  # noqa: E402
from portalis.store import Store  # noqa: E402
from portalis.typemap import build_type_map  # noqa: E402
from portalis.validate.behaviour import BehaviourReport, StoreCaseCache, VerifyConfig, verify_crate  # noqa: E402
from portalis.validate.cargo import Toolchain  # noqa: E402
from portalis.validate.compile import check_modules  # noqa: E402

TARGET = 4.0


def show(label: str, report: BehaviourReport, functions: int) -> float:
    t = report.timings
    per = t.total_s / max(1, functions)
    counts = report.counts()
    print(f"{label:<16} {t.total_s:7.2f} s  {1000 * per:7.1f} ms/function  (cases {t.cases_s:.2f} s, Python {t.python_s:.2f} s, "
          f"build {t.build_s:.2f} s, Rust {t.run_s:.2f} s; {', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
    return per


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--modules", type=int, default=40)
    parser.add_argument("--functions", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portalis-verify-") as tmp:
        root = Path(tmp)
        repo = root / "repo"
        make_repo(repo, args.modules, args.functions)
        modules = discover(repo)
        parsed = {m.module: parse_file(repo, m) for m in modules}
        maps = {k: build_type_map(p) for k, p in parsed.items()}
        translations = {k: lower_module(p, maps[k], maps) for k, p in parsed.items()}
        toolchain = Toolchain(target_dir=str(root / "target"))
        crate = root / "crate"
        validations, run, _ = check_modules(translations, crate, toolchain, "scale", {m.module: m.path for m in modules})
        functions = sum(len(v.functions) for v in validations.values())
        print(f"repo: {args.modules} modules, {functions} functions; crate compiles: {run.ok}; "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
        one = VerifyConfig(sandbox=SandboxPolicy(allow_unsandboxed=True))
        per_module = one.model_copy(update={"per_module_workers": True})
        cache = StoreCaseCache(Store(root / "portalis.duckdb"))

        def verify(config: VerifyConfig, with_cache: bool = False) -> BehaviourReport:
            return verify_crate(crate, repo, parsed, maps, validations, toolchain, config, cache=cache if with_cache else None)

        show("warm-up (build)", verify(one), functions)
        before = show("before", verify(per_module), functions)
        figures = [("one worker", show("one worker", verify(one), functions))]
        show("cache, first", verify(one, True), functions)
        figures.append(("cache, again", show("cache, again", verify(one, True), functions)))
        for label, per in figures:
            ratio = before / per
            print(f"{label}: {1000 * per:.1f} ms/function vs {1000 * before:.1f} before: {ratio:.1f}x cheaper "
                  f"(target {TARGET:g}x: {'met' if ratio >= TARGET else 'NOT met'})")


if __name__ == "__main__":
    main()
