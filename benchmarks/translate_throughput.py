"""Translation throughput of the rules engine (parse + type map + lowering + printing + one
rustfmt run), excluding cargo: wall time, and CPU time (per core). Prints figures; asserts nothing.

    .venv/bin/python benchmarks/translate_throughput.py [--copies N]

The corpus is examples/ replicated N times under distinct package names, so module-level
imports resolve as in the original.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from portalis.lower.module import format_translations, lower_module
from portalis.parse import parse_file
from portalis.source import discover
from portalis.typemap import build_type_map

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def build_corpus(root: Path, copies: int) -> None:
    for i in range(copies):
        shutil.copytree(EXAMPLES / "inventory", root / f"inventory{i}")
        # Each copy's text differs (a comment), so no cache sees the same module twice.
        for path in (root / f"inventory{i}").rglob("*.py"):
            path.write_text(path.read_text(encoding="utf-8") + f"# copy {i}\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build_corpus(root, args.copies)
        modules = discover(root)
        cpu0 = os.times()
        t0 = time.perf_counter()
        parsed = {m.module: parse_file(root, m) for m in modules}
        t1 = time.perf_counter()
        maps = {k: build_type_map(p) for k, p in parsed.items()}
        t2 = time.perf_counter()
        translations = {k: lower_module(p, maps[k], maps, None) for k, p in parsed.items()}
        format_translations(list(translations.values()))  # one rustfmt run, as `portalis translate`
        t3 = time.perf_counter()
        cpu1 = os.times()
    lines = sum(p.line_count for p in parsed.values())
    functions = sum(len(t.functions) for t in translations.values())
    translated = sum(f.status.value == "translated" for t in translations.values() for f in t.functions)
    total = t3 - t0
    print(f"modules: {len(modules)}  python lines: {lines}  functions: {functions} ({translated} translated)")
    print(f"parse: {t1 - t0:.3f} s  type map: {t2 - t1:.3f} s  lower+print+rustfmt: {t3 - t2:.3f} s  total: {total:.3f} s")
    cpu = sum(getattr(cpu1, f) - getattr(cpu0, f) for f in ("user", "system", "children_user", "children_system"))
    print(f"throughput: {functions / total:,.0f} functions/s, {lines / total:,.0f} Python lines/s (wall, cargo excluded)")
    print(f"per core: {functions / cpu:,.0f} functions/s, {lines / cpu:,.0f} Python lines/s "
          f"({cpu:.3f} s CPU of this process and rustfmt: other jobs on the machine do not count)")


if __name__ == "__main__":
    main()
