"""Safety gate throughput: lexing, `use` resolution and allow-list checks over N generated items
(about 12 lines each, like the rules' output), and the operation count per item, which stays flat
when N grows (the gate is linear in the code's size). Prints figures; asserts nothing.

    .venv/bin/python benchmarks/safety_gate.py [--sizes 1000 10000] [--grants-rounds N]

`--grants-rounds N` also times what the gate reads of the Python on the stdlib corpus (82
modules, tests/realcorpus.py's STDLIB_BENCH): `function_sources` and `function_grants` of every
function, as `portalis translate` runs them; CPU time, the least of N rounds. Another tree's
figure: the same command with PYTHONPATH=that tree.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from portalis.model import ModuleTranslation, RustItem
from portalis.validate import rust_tokens
from portalis.parse import parse_file
from portalis.source import discover
from portalis.validate.safety import PythonFunction, function_grants, function_sources, gate_translations

ITEM = """pub fn f{i}(xs: &[i64], m: &mut std::collections::HashMap<String, i64>) -> Vec<i64> {{
    let mut out: Vec<i64> = Vec::new();
    for (k, x) in xs.iter().enumerate() {{
        if *x % 2 == 0 && k > 1 {{
            out.push(crate::pyrt::floordiv(*x, 3));
        }} else {{
            m.insert(format!("{{}}-{{}}", k, x), *x);
        }}
    }}
    out.sort_by(|a, b| b.cmp(a));
    out
}}
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--grants-rounds", type=int, default=0, help="also time the Python side on the stdlib corpus")
    args = ap.parse_args()
    if args.grants_rounds:
        stdlib_grants(args.grants_rounds)
    for n in args.sizes:
        items = [RustItem(name=f"f{i}", kind="fn", code=ITEM.format(i=i), python_line=i) for i in range(n)]
        # every tenth function's Python opens a file: a grant to resolve
        sources = {f"f{i}": PythonFunction(source=f"def f{i}(xs, m):\n    return open('x')\n", line=i) for i in range(0, n, 10)}
        tokens = sum(len(rust_tokens.tokenize(it.code)) for it in items)
        t0 = time.perf_counter()
        _, diags = gate_translations({"m": ModuleTranslation(module="m", items=items)}, {"m": sources})
        wall = time.perf_counter() - t0
        print(f"{n:>6} items  {tokens:>8} tokens  {wall:6.2f} s  {n / wall:7.0f} items/s  "
              f"{tokens / n:.0f} tokens/item  {sum(len(v) for v in diags.values())} diagnostics")


def stdlib_grants(rounds: int) -> None:
    """What the gate reads of the Python (each function's text and grants) on the stdlib corpus."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from realcorpus import STDLIB_BENCH, copy_stdlib

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        copy_stdlib(root, STDLIB_BENCH)
        parsed = {m.module: parse_file(root, m) for m in discover(root)}
        times = []
        for _ in range(rounds):
            t0 = time.process_time()
            grants = [function_grants(f) for p in parsed.values() for f in function_sources(p).values()]
            times.append(time.process_time() - t0)
    print(f"stdlib corpus, {len(grants)} functions ({sum(map(bool, grants))} granting something): function_sources + "
          f"function_grants {min(times):.3f} s CPU (least of {rounds}: {', '.join(f'{t:.3f}' for t in times)})")


if __name__ == "__main__":
    main()
