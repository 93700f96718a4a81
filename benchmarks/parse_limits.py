"""Figures behind portalis/nesting.py and the containment of deep inputs (README, "Containment").

    .venv/bin/python benchmarks/parse_limits.py [--quick]

1. libcst's C stack per nesting level, per construct: the smallest thread stack on which
   libcst parses the construct at two depths (found by halving, each try in a worker process,
   `portalis.nesting.probe`), and the slope between them; next to it, the bound `measure()`
   charges, which must be larger (tests/test_containment.py checks it does suffice).
2. rustfmt's time on n nested `if`s folded into `&&`, printed with nested parentheses (the old
   printer) and flat (the printer now), until the nested form passes 10 s.
3. Translation time (parse, type map, lowering, in process) of the issue's 988-term chains.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import time

from portalis.nesting import measure, probe
from portalis.rust.fmt import format_source

CONSTRUCTS = {
    "brackets": lambda n: "x = " + "(" * n + "1" + ")" * n + "\n",
    "unary": lambda n: "x = " + "-" * n + "1\n",
    "sum": lambda n: "x = " + " + ".join(["1"] * n) + "\n",
    "lambda": lambda n: "x = " + "lambda: " * n + "1\n",
    "ternary": lambda n: "x = " + " if c else ".join(["a"] * n) + "\n",
    "attributes": lambda n: "x = a" + ".b" * n + "\n",
    "calls": lambda n: "x = f" + "()" * n + "\n",
    "elif": lambda n: "if a:\n    pass\n" + "elif a:\n    pass\n" * n,
    "blocks": lambda n: "".join(" " * i + "if a:\n" for i in range(n)) + " " * n + "pass\n",
    "and-operands": lambda n: "x = " + " and ".join(["a"] * n) + "\n",
    "string-parts": lambda n: "x = (" + " ".join(["'a'"] * n) + ")\n",
    "dotted-import": lambda n: "import " + ".".join(["a"] * n) + "\n",
}
DEPTHS = {"brackets": (50, 150), "blocks": (20, 90)}


def min_stack(src: str) -> int:
    """Smallest stack (bytes, 16 KiB steps) on which libcst parses `src` in a worker."""
    lo, hi = 32 << 10, 256 << 20
    while hi - lo > 16 << 10:
        mid = (lo + hi) // 2
        if probe(src, mid) is None:
            hi = mid
        else:
            lo = mid
    return hi


def stack_table(quick: bool) -> None:
    print("construct       depth a  depth b  stack a KiB  stack b KiB  per level  bound per level  bound/measured at b")
    for name, make in CONSTRUCTS.items():
        a, b = DEPTHS.get(name, (300, 900) if quick else (500, 1500))
        sa, sb = min_stack(make(a)), min_stack(make(b))
        per = (sb - sa) / (b - a)
        src = make(b)
        bound = measure(ast.parse(src), src).stack_bytes
        bound_a = measure(ast.parse(make(a)), make(a)).stack_bytes
        print(f"{name:14s}  {a:7d}  {b:7d}  {sa >> 10:11d}  {sb >> 10:11d}  {per:7.0f} B  {(bound - bound_a) / (b - a):13.0f} B"
              f"  {bound / sb:8.1f}x")


def nested_if(n: int, flat: bool) -> str:
    tests = [f"x > {i}" for i in range(n)]
    cond = " && ".join(tests) if flat else " && (".join(tests) + ")" * (n - 1)
    return f"pub fn f(x: i64) -> i64 {{ if {cond} {{ return 1; }} 0 }}\n"


def rustfmt_table() -> None:
    print("\nnested ifs  rustfmt, nested parentheses  rustfmt, flat")
    nested_done = False
    for n in (10, 12, 14, 16, 17, 18, 19, 24, 48):
        shown = "(skipped)"
        if not nested_done:
            t0 = time.perf_counter()
            try:
                format_source(nested_if(n, flat=False), timeout=60)
                nested_s = time.perf_counter() - t0
                shown = f"{nested_s:.2f} s"
            except subprocess.TimeoutExpired:
                nested_s, shown = 60.0, "> 60 s (timed out)"
            nested_done = nested_s > 10
        t0 = time.perf_counter()
        format_source(nested_if(n, flat=True))
        flat_s = time.perf_counter() - t0
        print(f"{n:10d}  {shown:>27s}  {flat_s:8.3f} s")


def chains() -> None:
    from portalis.lower.module import lower_module
    from portalis.parse import clear_tree_cache, parse_source, source_module_from_text
    from portalis.typemap import build_type_map

    n = 988
    cases = {
        "sum": "def f(x: int) -> int:\n    return " + " + ".join(["x"] * n) + "\n",
        "and": "def f(x: int) -> bool:\n    return " + " and ".join(f"x > {-i}" for i in range(n)) + "\n",
        "elif": "def f(x: int) -> int:\n    if x == 0:\n        return 0\n"
        + "".join(f"    elif x == {i}:\n        return {i}\n" for i in range(1, n)) + "    return -1\n",
    }
    print(f"\n{n}-term chain  parse s  type map s  lowering s  status")
    for name, src in cases.items():
        clear_tree_cache()
        t0 = time.perf_counter()
        p = parse_source(source_module_from_text("m", src), src)
        t1 = time.perf_counter()
        tm = build_type_map(p)
        t2 = time.perf_counter()
        out = lower_module(p, tm, {"m": tm}, None)
        t3 = time.perf_counter()
        status = out.items[0].status.value if out.items else "no item"
        print(f"{name:>14s}  {t1 - t0:7.2f}  {t2 - t1:10.2f}  {t3 - t2:10.2f}  {status}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller depths for the stack table")
    ap.add_argument("--skip-stack", action="store_true", help="leave out the stack table (the slow part)")
    args = ap.parse_args()
    if not args.skip_stack:
        stack_table(args.quick)
    try:
        rustfmt_table()
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"rustfmt: {exc}")
    chains()


if __name__ == "__main__":
    main()
