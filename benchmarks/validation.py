"""Behaviour validation time: per module and per case, first run (cold target dir) vs a rerun
with unchanged code (the case program and the crate are already compiled). Prints figures;
asserts nothing.

    .venv/bin/python benchmarks/validation.py [--generated N] [--keep DIR]

The crate is examples/inventory translated into a temp dir (or --keep DIR); the target dir
lives next to it, as it does under DAGSTER_HOME for the Dagster assets.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from portalis.lower.module import lower_module
from portalis.parse import parse_file
from portalis.source import SourceRoot, discover, resolve_root
from portalis.typemap import build_type_map
from portalis.validate.behaviour import BehaviourReport, VerifyConfig, verify_crate
from portalis.validate.cargo import Toolchain
from portalis.validate.compile import check_modules

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def show(label: str, report: BehaviourReport) -> None:
    t = report.timings
    cases = sum(t.module_cases.values())
    print(f"\n{label}: {t.total_s:.2f} s for {cases} cases "
          f"({1000 * t.total_s / max(1, cases):.2f} ms per case, everything included)")
    print(f"  find/generate cases {t.cases_s:.2f} s | Python originals {t.python_s:.2f} s | "
          f"cargo build {t.build_s:.2f} s ({'reused, nothing compiled' if t.reused else 'compiled'}) | "
          f"run cases {t.run_s:.2f} s")
    print(f"  {'module':<22}{'cases':>7}{'seconds':>10}{'ms/case':>10}")
    for module in sorted(t.module_s):
        n = t.module_cases.get(module, 0)
        s = t.module_s[module]
        print(f"  {module:<22}{n:>7}{s:>10.3f}{1000 * s / max(1, n):>10.2f}")
    counts = report.counts()
    print("  verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--generated", type=int, default=20, help="hypothesis cases per function")
    parser.add_argument("--keep", type=Path, default=None, help="crate directory to use (kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp) / "crate"
        toolchain = Toolchain(target_dir=str(out.parent / "target"))
        src = resolve_root(EXAMPLES / "inventory")
        modules = discover(SourceRoot(src.root, src.files))
        parsed = {m.module: parse_file(src.root, m) for m in modules}
        maps = {k: build_type_map(p) for k, p in parsed.items()}
        translations = {k: lower_module(p, maps[k], maps) for k, p in parsed.items()}
        t0 = time.perf_counter()
        validations, run, _ = check_modules(translations, out, toolchain, "inventory", {m.module: m.path for m in modules})
        print(f"cargo check of the crate: {time.perf_counter() - t0:.2f} s (compiles: {run.ok})")
        config = VerifyConfig(generated_per_function=args.generated)
        first = verify_crate(out, src.root, parsed, maps, validations, toolchain, config)
        show("first run (cold target dir)", first)
        again = verify_crate(out, src.root, parsed, maps, validations, toolchain, config)
        show("rerun, unchanged code", again)
        ratio = first.timings.build_s / max(again.timings.build_s, 1e-9)
        print(f"\ncargo build of the case program: {first.timings.build_s:.2f} s -> {again.timings.build_s:.2f} s "
              f"({ratio:.0f}x faster; reused: {again.timings.reused}); whole validation "
              f"{first.timings.total_s:.2f} s -> {again.timings.total_s:.2f} s")


if __name__ == "__main__":
    main()
