"""What the sandbox costs: one worker start (Python starting and exiting) at each level this
machine has, against a plain subprocess; the workspace (a copy of examples/); and one
`run_python` call with a single case (a real worker start, job file, results). Prints medians;
asserts nothing.

    .venv/bin/python benchmarks/sandbox_overhead.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from portalis.sandbox import Sandbox, SandboxPolicy, detect
from portalis.validate.expected import PyCase, run_python

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    d = detect()
    print(f"levels here: {', '.join(d.available)} ({d.bwrap_version or 'no bwrap'}); python {sys.executable}")
    plain = median_ms(lambda: subprocess.run([sys.executable, "-S", "-c", "pass"], check=True), args.runs)
    print(f"{'plain subprocess':<28} {plain:8.1f} ms")
    module = next(EXAMPLES.rglob("*.py"))
    mod_name = ".".join(module.relative_to(EXAMPLES).with_suffix("").parts)
    for level in d.available:
        policy = SandboxPolicy(level=level, allow_unsandboxed=True)
        with Sandbox(policy, repos=[EXAMPLES]) as box:
            start = median_ms(lambda: box.run([sys.executable, "-S", "-c", "pass"], timeout=30), args.runs)
        workspace = median_ms(lambda: Sandbox(policy, repos=[EXAMPLES]).close(), max(3, args.runs // 4))
        case = PyCase(id=0, module=mod_name, function="__name__", args_src=[])  # unusable: still a full worker run
        one = median_ms(lambda: run_python([case], [EXAMPLES], policy=policy), max(3, args.runs // 4))
        print(f"{level:<28} {start:8.1f} ms per start (+{start - plain:.1f} ms), "
              f"workspace {workspace:.1f} ms, run_python with one case {one:.1f} ms")


if __name__ == "__main__":
    main()
