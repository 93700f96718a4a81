"""Time of each stage against the size of ONE module: parse, type map, lowering (printing
included, rustfmt and cargo excluded) for modules of 1k, 2k, 5k and 10k functions, and the ratio
per doubling of the size (about 2 when a stage is linear, 4 when it is quadratic). Times are CPU
seconds of this process (`time.process_time`), so other jobs on a shared machine do not count.
Prints figures; asserts nothing.

    .venv/bin/python benchmarks/module_size.py [--sizes 1000 2000 5000 10000] [--profile N]

The module mixes what real code has: annotated functions, unannotated ones typed from their
docstring examples or from their callers, functions calling earlier ones, a few classes and
constants. `--profile N` prints cProfile's top entries for the type map of an N-function module.
"""

from __future__ import annotations

import argparse
import cProfile
import math
import pstats
import time

from portalis.lower.module import lower_module
from portalis.parse import clear_tree_cache, parse_source, source_module_from_text
from portalis.typemap import build_type_map


def generate_module(functions: int) -> str:
    """A module of `functions` top-level functions (plus one class per 100 functions)."""
    out = ["from dataclasses import dataclass", "", "LIMIT = 100", "NAMES = ['a', 'b']", ""]
    for i in range(functions):
        kind = i % 4
        if kind == 0:
            out += [f"def f{i}(x: int, y: int) -> int:", f"    return x * {i} + y", ""]
        elif kind == 1:
            out += [
                f"def f{i}(x, ys):",
                f'    """Sum of ys above x.\n\n    >>> f{i}(1, [1, 2, 3])\n    5\n    """',
                "    total = 0",
                "    for y in ys:",
                "        if y > x:",
                "            total += y",
                "    return total",
                "",
            ]
        elif kind == 2:
            out += [f"def f{i}(s: str) -> str:", f"    return s.upper() + str(f{i - 2}(len(s), {i}))", ""]
        else:
            out += [f"def f{i}(n):", f"    return f{i - 3}(n, LIMIT) + len(f{i - 1}('x'))", ""]
        if i % 100 == 99:
            out += [
                "@dataclass", f"class C{i}:", "    a: int", "    b: str", "",
                "    def total(self) -> int:", "        return self.a + len(self.b)", "",
            ]
    return "\n".join(out) + "\n"


def measure(functions: int) -> dict[str, float]:
    """CPU seconds per stage for one module of `functions` functions (a cold parse)."""
    text = generate_module(functions)
    src = source_module_from_text("big", text, "big.py")
    clear_tree_cache()
    t0 = time.process_time()
    parsed = parse_source(src, text)
    t1 = time.process_time()
    tm = build_type_map(parsed)
    t2 = time.process_time()
    translation = lower_module(parsed, tm, {"big": tm}, None)
    t3 = time.process_time()
    assert len(translation.functions) >= functions, "every function is lowered"
    return {"parse": t1 - t0, "type map": t2 - t1, "lowering": t3 - t2}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000, 10000])
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if args.profile:
        text = generate_module(args.profile)
        parsed = parse_source(source_module_from_text("big", text, "big.py"), text)
        profiler = cProfile.Profile()
        profiler.enable()
        build_type_map(parsed)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        return
    stages = ["parse", "type map", "lowering"]
    print(f"{'functions':>9}  " + "  ".join(f"{s:>10}" for s in stages), flush=True)
    rows = []
    for n in args.sizes:  # printed as measured: the large sizes take a while
        t = measure(n)
        rows.append((n, t))
        print(f"{n:>9}  " + "  ".join(f"{t[s]:>9.3f}s" for s in stages), flush=True)
    # Ratio per doubling: (t2/t1) ** (1 / log2(n2/n1)) between consecutive sizes.
    print("ratio per doubling of the module (2 = linear, 4 = quadratic):")
    for (n1, a), (n2, b) in zip(rows, rows[1:]):
        doublings = math.log2(n2 / n1)
        ratios = "  ".join(f"{s} {(b[s] / a[s]) ** (1 / doublings) if a[s] > 0 else float('nan'):.2f}" for s in stages)
        print(f"  {n1} -> {n2}: {ratios}")


if __name__ == "__main__":
    main()
