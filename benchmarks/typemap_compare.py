"""Signatures from the analysis against signatures from the older inference by lowering.

    .venv/bin/python benchmarks/typemap_compare.py [--corpus humaneval stdlib examples unannotated] [--show 20]

Builds every module's type map twice: with the type map's inference of what annotations and
evidence leave open done by the analysis (`portalis/analysis/signatures.py`; `--mode analysis`,
alone, or `analysis+lowering`, the type map's default, with the older inference as the fallback
for what it leaves open), and with the older inference alone (lowering each body in inference
mode, `portalis/lower/function.py` `infer_function`). Compares every function's and method's
parameter types, return type, Rust types and diagnostics, every class's field types and every
module constant, and prints the mismatches (first `--show`) and their count per corpus. Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

from portalis import typemap  # noqa: E402
from portalis.model import FunctionSignature, ModuleTypeMap, ParsedModule  # noqa: E402
from portalis.parse import parse_file, parse_source, source_module_from_text  # noqa: E402
from portalis.source import discover  # noqa: E402


def _corpus(name: str, tmp: Path) -> list[ParsedModule]:
    if name == "humaneval":
        from humaneval import load_problems, module_name

        out = []
        for p in load_problems():
            text = p["prompt"] + p["canonical_solution"]
            mod = module_name(p["task_id"])
            out.append(parse_source(source_module_from_text(mod, text), text))
        return out
    if name in ("stdlib", "unannotated"):
        from realcorpus import STDLIB_BENCH, copy_stdlib

        names = STDLIB_BENCH
        if name == "unannotated":
            from unannotated import UNANNOTATED

            names = UNANNOTATED
        root = tmp / name
        root.mkdir()
        copy_stdlib(root, names)
        return [parse_file(root, m) for m in discover(root)]
    if name == "examples":
        root = REPO / "examples"
        out = []
        for sub in sorted(p for p in root.iterdir() if p.is_dir()):
            out.extend(parse_file(sub, m) for m in discover(sub))
        return out
    raise SystemExit(f"unknown corpus {name}")


def _sig_text(s: FunctionSignature) -> str:
    params = ", ".join(f"{p.name}: {p.py_type} [{p.rust_type}]" for p in s.params)
    diags = "; ".join(f"{d.code} {d.message}" for d in s.diagnostics)
    return f"({params}) -> {s.returns} [{s.rust_returns}]" + (f" !! {diags}" if diags else "")


def _entries(tm: ModuleTypeMap) -> dict[str, str]:
    out = {f"def {s.qualname}": _sig_text(s) for s in tm.functions}
    for c in tm.classes:
        out[f"class {c.name}"] = ", ".join(f"{f.name}: {f.py_type}" for f in c.fields) + (
            " !! " + "; ".join(d.message for d in c.diagnostics) if c.diagnostics else "")
        for m in c.methods:
            out[f"def {m.qualname}"] = _sig_text(m)
    for k in tm.constants:
        out[f"const {k.name}"] = f"{k.py_type} [{k.rust_type}]"
    out["module diagnostics"] = "; ".join(sorted(f"{d.code} {d.function} {d.message}" for d in tm.diagnostics))
    return out


def compare(parsed: list[ParsedModule], show: int, mode: str, against: str = "lowering") -> tuple[int, int, list[str]]:
    """(entries compared, mismatches, their descriptions): `mode` against `against` (by default
    the older inference)."""
    total, bad, lines = 0, 0, []
    default = typemap.INFERENCE
    for p in parsed:
        typemap.INFERENCE = mode
        new = _entries(typemap.build_type_map(p))
        typemap.INFERENCE = against
        old = _entries(typemap.build_type_map(p))
        typemap.INFERENCE = default
        for key in sorted(set(new) | set(old)):
            total += 1
            if new.get(key) != old.get(key):
                bad += 1
                if len(lines) < show:
                    lines.append(f"{p.module}: {key}\n    old: {old.get(key)}\n    new: {new.get(key)}")
    return total, bad, lines


def _time(name: str, parsed: list[ParsedModule], reps: int = 3) -> None:
    """CPU seconds of building every type map, per inference mode, the modes interleaved."""
    import time

    lines = sum(p.line_count for p in parsed)
    best: dict[str, float] = {}
    default = typemap.INFERENCE
    for _ in range(reps):
        for mode in ("lowering", "analysis+lowering", "analysis"):
            typemap.INFERENCE = mode
            c0 = time.process_time()
            for p in parsed:
                typemap.build_type_map(p)
            best[mode] = min(best.get(mode, float("inf")), time.process_time() - c0)
    typemap.INFERENCE = default
    base = best["lowering"]
    for mode, s in best.items():
        print(f"{name}: type map, inference {mode}: {s:.2f} s CPU, {lines / s:,.0f} lines/s, {base / s:.2f}x the older inference")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", nargs="*", default=["humaneval", "examples", "unannotated", "stdlib"])
    parser.add_argument("--show", type=int, default=20)
    parser.add_argument("--time", action="store_true",
                        help="instead: CPU seconds of the type maps in each mode, interleaved (best of --reps)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--mode", choices=["analysis", "analysis+lowering"], default="analysis",
                        help="what is compared (typemap.INFERENCE)")
    parser.add_argument("--against", choices=["lowering", "analysis+lowering"], default="lowering",
                        help="what it is compared with: the older inference alone (default) or the default mode "
                        "(`--mode analysis --against analysis+lowering`: what removing the fallback would change)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.corpus:
            parsed = _corpus(name, Path(tmp))
            if args.time:
                _time(name, parsed, args.reps)
                continue
            total, bad, lines = compare(parsed, args.show, args.mode, args.against)
            print(f"== {name} ({args.mode} against {args.against}): {len(parsed)} modules, {total} entries compared, {bad} mismatches")
            for line in lines:
                print(line)


if __name__ == "__main__":
    main()
