"""Functions translated (type map + lowering, no cargo, no rustfmt), function by function, to
compare two trees: what a change of the inference gains and loses (issue 10: what removing the
older inference by lowering, the type map's fallback, cost).

    .venv/bin/python benchmarks/inference_gap.py --save FILE [--corpus stdlib unannotated] [--only MODULE ...]
    .venv/bin/python benchmarks/inference_gap.py --diff BASE.json NEW.json

`--save` writes every function's status (`translated`, or the first error diagnostic naming it)
per corpus; run it in each tree (for another checkout: `PYTHONPATH=/path/to/tree python
/path/to/tree/benchmarks/inference_gap.py --save ...`). `--diff` prints each corpus's counts
and the functions translated in one file and not in the other, with the reason the other
gives. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))


def statuses(parsed: list) -> dict[str, str]:
    """Every function's status (`translated`, or its first error diagnostic), by
    `module.name@line`."""
    from portalis import typemap
    from portalis.lower.module import lower_module
    from portalis.names import resolve_all

    maps = resolve_all({p.module: typemap.build_type_map(p) for p in parsed})
    out = {}
    for p in parsed:
        t = lower_module(p, maps[p.module], maps, None)
        reasons: dict[str, str] = {}
        for d in t.diagnostics + maps[p.module].diagnostics:
            if d.function and d.severity.value == "error":
                reasons.setdefault(d.function, f"{d.code} {d.message}")
        for f in t.functions:
            why = "translated" if f.status.value == "translated" else reasons.get(f.name, f.status.value)
            out[f"{p.module}.{f.name}@{f.python_line}"] = why
    return out


def diff(base: dict[str, dict[str, str]], new: dict[str, dict[str, str]]) -> None:
    for corpus in base.keys() & new.keys():
        a, b = base[corpus], new[corpus]
        print(f"== {corpus}: {len(a)} / {len(b)} functions; translated: base {sum(v == 'translated' for v in a.values())}, "
              f"new {sum(v == 'translated' for v in b.values())}")
        for k in sorted(a.keys() | b.keys()):
            x, y = a.get(k), b.get(k)
            if (x == "translated") != (y == "translated"):
                print(f"  only {'base' if x == 'translated' else 'new'}: {k}: {y if x == 'translated' else x}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--save", type=Path)
    parser.add_argument("--diff", type=Path, nargs=2)
    parser.add_argument("--corpus", nargs="*", default=["stdlib", "unannotated"])
    parser.add_argument("--only", nargs="*", default=None, help="only these modules (and their submodules)")
    parser.add_argument("--wheel", type=Path, nargs="*", default=[],
                        help="also these wheels (a corpus each, named by the package: ~/.cache/portalis-corpus/pygments-*.whl)")
    args = parser.parse_args()
    if args.diff:
        diff(*(json.loads(p.read_text()) for p in args.diff))
        return
    from type_corpora import _corpus

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.corpus:
            parsed = _corpus(name, Path(tmp))
            if args.only:
                parsed = [p for p in parsed if any(p.module == m or p.module.startswith(m + ".") for m in args.only)]
            out[name] = statuses(parsed)
        for wheel in args.wheel:
            import zipfile

            from portalis.parse import parse_file
            from portalis.source import discover

            name = wheel.name.split("-")[0]
            root = Path(tmp) / f"wheel-{name}"
            with zipfile.ZipFile(wheel) as z:
                z.extractall(root)
            out[name] = statuses([parse_file(root, m) for m in discover(root) if m.module.split(".")[0] == name])
    args.save.write_text(json.dumps(out, indent=0, sort_keys=True))


if __name__ == "__main__":
    main()
