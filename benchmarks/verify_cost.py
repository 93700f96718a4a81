"""Behaviour validation's cost per function, against the issue-15 target (4x cheaper than ~0.1 s).

    nice .venv/bin/python benchmarks/verify_cost.py [--modules 40] [--functions 5] [--per-module-workers]

A generated repository (benchmarks/incremental.py's: typed functions the rules translate) is
translated and checked once; then `verify_crate` runs three times on the same crate, side by side:

- cold: no case cache (every case generated and run in Python), a cold cargo target dir;
- cached, first: a case cache (what the Dagster stage gives it: the DuckDB store) that is empty,
  so it is filled;
- cached, again: the same cache, full: cases and the originals' results come from it (each
  function's key: its module's source and what it imports, its signature, the case settings);
  only the Rust cases run, from the case program already built.

`--per-module-workers` starts one Python worker per module (how verification ran before; the
"before" figure). Prints seconds per function and the ratio against the target; asserts nothing.
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

BEFORE_S = 0.1  # seconds per function before (issue 15)
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
    parser.add_argument("--per-module-workers", action="store_true", help="one Python worker per module (before)")
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
              f"{'one Python worker per module' if args.per_module_workers else 'one Python worker'}; "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
        config = VerifyConfig(sandbox=SandboxPolicy(allow_unsandboxed=True), per_module_workers=args.per_module_workers)
        cold = show("cold, no cache", verify_crate(crate, repo, parsed, maps, validations, toolchain, config), functions)
        cache = StoreCaseCache(Store(root / "portalis.duckdb"))
        show("cached, first", verify_crate(crate, repo, parsed, maps, validations, toolchain, config, cache=cache), functions)
        warm = show("cached, again", verify_crate(crate, repo, parsed, maps, validations, toolchain, config, cache=cache), functions)
        for label, per in (("cold", cold), ("cached", warm)):
            ratio = BEFORE_S / per
            print(f"{label}: {1000 * per:.1f} ms/function, {ratio:.1f}x cheaper than {1000 * BEFORE_S:.0f} ms "
                  f"(target {TARGET:g}x: {'met' if ratio >= TARGET else 'NOT met'})")


if __name__ == "__main__":
    main()
