"""Safety gate throughput: lexing, `use` resolution and allow-list checks over N generated items
(about 12 lines each, like the rules' output), and the operation count per item, which stays flat
when N grows (the gate is linear in the code's size). Prints figures; asserts nothing.

    .venv/bin/python benchmarks/safety_gate.py [--sizes 1000 10000]
"""

from __future__ import annotations

import argparse
import time

from portalis.model import ModuleTranslation, RustItem
from portalis.validate import rust_tokens
from portalis.validate.safety import PythonFunction, gate_translations

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
    args = ap.parse_args()
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


if __name__ == "__main__":
    main()
