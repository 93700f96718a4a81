"""A generated repository through `portalis sync` (Dagster) and through the CLI, with the same
stages: time and peak memory of each, side by side, and the ratio against the 1.3x target.

    nice .venv/bin/python benchmarks/scale.py [--modules 2000] [--functions 5] [--verify] [--jobs N]
        [--storage portalis|dagster|both]

The repository is benchmarks/incremental.py's (module k imports k//2 and k//3; typed functions
the rules translate). Each side runs in its own process, from cold (a fresh DAGSTER_HOME and crate
directory, a fresh cargo target directory), and reports its own wall time, its peak resident
memory (the Python process) and the largest of its children's (rustc, rustfmt, workers):

- CLI: `portalis translate REPO --out DIR [--verify]` (cargo check, cargo build);
- sync: `portalis sync --repo REPO` on a fresh instance: the sensor's evaluation and one run of
  parse, type map, translate, validate (cargo check; with --verify clippy and the cases), crate
  (cargo build) and module status; without --verify, validation_report's `verify` and `lint` are off
  so that both sides do the same work.

For sync, the time of each step (from the run's events) and the time outside the steps (run
start, event writes between steps) are printed, to show where Dagster's cost goes.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def child(kind: str, repo: Path, work: Path, verify: bool, jobs: int | None, storage: str = "portalis") -> None:
    """Run one side in this process; print one JSON line with its figures."""
    t0 = time.perf_counter()
    extra: dict = {}
    if kind == "cli":
        from portalis.cli import main

        argv = ["translate", str(repo), "--out", str(work / "crate"), "--json", "-q"] + (["--verify", "--allow-unsandboxed"] if verify else [])
        if jobs:
            argv += ["--jobs", str(jobs)]
        devnull = open(os.devnull, "w")
        saved, sys.stdout = sys.stdout, devnull
        try:
            rc = main(argv)
        finally:
            sys.stdout = saved
        report = json.loads((work / "crate" / "portalis-report.json").read_text())
        extra = {"rc": rc, "compiles": report["crate"]["compiles"], "modules": len(report["modules"])}
    else:
        import dagster as dg

        from incremental import step_seconds
        from portalis_assets.runner import sync_repo

        config = {"ops": {"validation_report": {"config": {"verify": verify, "lint": verify, "allow_unsandboxed": True}}}}
        if jobs:
            config["resources"] = {"translator": {"config": {"jobs": jobs}}}
        (work / "home").mkdir(parents=True, exist_ok=True)
        from portalis_assets.storage import storage_config

        # The storage dagster_home/dagster.yaml names (what `portalis sync` uses), or Dagster's own.
        overrides = {"storage": storage_config(str(work / "home"))} if storage == "portalis" else None
        with dg.instance_for_test(temp_dir=str(work / "home"), overrides=overrides) as instance:
            out = sync_repo(repo, crate_dir=work / "crate", instance=instance, database=work / "portalis.duckdb",
                            work_dir=work / "work", run_config=config)
            seconds = time.perf_counter() - t0
            steps = step_seconds(instance, out.run_ids)
        extra = {"success": out.success, "modules": len(out.retranslated), "failed": len(out.failed), "steps": steps,
                 "seconds_in_run": seconds}
    seconds = time.perf_counter() - t0
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": own, "children_peak_mib": kids, **extra}))


def run_side(kind: str, repo: Path, work: Path, verify: bool, jobs: int | None, storage: str = "portalis") -> dict:
    work.mkdir(parents=True)
    env = {**os.environ, "CARGO_TARGET_DIR": str(work / "target")}
    cmd = [sys.executable, __file__, "--child", kind, "--repo", str(repo), "--work", str(work)]
    cmd += ["--verify"] if verify else []
    cmd += ["--jobs", str(jobs)] if jobs else []
    cmd += ["--storage", storage]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"{kind} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--modules", type=int, default=2000)
    parser.add_argument("--functions", type=int, default=5)
    parser.add_argument("--verify", action="store_true", help="behaviour validation on both sides")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes on both sides (default: the translators' default)")
    parser.add_argument("--storage", choices=["portalis", "dagster", "both"], default="portalis",
                        help="sync's instance storage: dagster_home/dagster.yaml's (portalis_assets/storage.py), "
                        "Dagster's own SQLite storage, or both one after the other")
    parser.add_argument("--child", choices=["cli", "sync"], help=argparse.SUPPRESS)
    parser.add_argument("--repo", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.repo), Path(args.work), args.verify, args.jobs, args.storage)
        return
    from incremental import make_repo

    tmp = Path(tempfile.mkdtemp(prefix="portalis-scale-"))
    try:
        repo = tmp / "repo"
        make_repo(repo, args.modules, args.functions)
        lines = sum(len(p.read_text().splitlines()) for p in repo.glob("*.py"))
        print(f"repo: {args.modules} modules, {args.modules * args.functions} functions, {lines} lines; "
              f"{'with' if args.verify else 'without'} behaviour validation; {os.cpu_count()} cores; "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
        cli = run_side("cli", repo, tmp / "cli", args.verify, args.jobs)
        print(f"CLI : {cli['seconds']:7.1f} s  peak {cli['peak_mib']:6.0f} MiB (children {cli['children_peak_mib']:.0f} MiB)"
              f"  modules {cli['modules']}  compiles {cli['compiles']}")
        for storage in (["portalis", "dagster"] if args.storage == "both" else [args.storage]):
            sync = run_side("sync", repo, tmp / f"sync-{storage}", args.verify, args.jobs, storage)
            print(f"sync ({storage} storage): {sync['seconds']:7.1f} s  peak {sync['peak_mib']:6.0f} MiB "
                  f"(children {sync['children_peak_mib']:.0f} MiB)  modules {sync['modules']}  success {sync['success']}  "
                  f"failed {sync['failed']}")
            steps = sync["steps"]
            in_steps = sum(steps.values())
            print("  sync steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items())
                  + f"; outside the steps (sensor, run start, events between steps): {sync['seconds_in_run'] - in_steps:.1f} s")
            ratio = sync["seconds"] / cli["seconds"]
            print(f"  sync / CLI: {ratio:.2f}x (target <= 1.3x: {'met' if ratio <= 1.3 else 'NOT met'}); "
                  f"memory sync / CLI: {sync['peak_mib'] / cli['peak_mib']:.2f}x")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
