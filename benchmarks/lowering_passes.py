"""How often lowering still learns a local's type and lowers a function again (`Retry`,
portalis/lower/function.py `lower_function`, at most 24 passes): the figure issue 10's "no
`Retry` in lower/" is measured by.

    .venv/bin/python benchmarks/lowering_passes.py [--corpus humaneval unannotated stdlib] [--show 20]

Builds every module's type map (not counted: the older inference lowers bodies in inference
mode there), then lowers every module and counts the lowering rounds per function (tolerant
`FunctionLowerer.lower` calls outside inference mode, nested functions included: a second one
means lowering learnt a type and started again; the strict pass after a tolerant one that
skipped statements is not counted), and lists the functions lowered more than once. Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from type_corpora import _corpus  # noqa: E402

from portalis.lower import function as lowering  # noqa: E402
from portalis.lower.module import lower_module  # noqa: E402
from portalis.names import resolve_all  # noqa: E402
from portalis.typemap import build_type_map  # noqa: E402


def count_passes(parsed: list) -> collections.Counter[str]:
    """Lowering rounds per function (module.qualname) while lowering every module."""
    maps = resolve_all({p.module: build_type_map(p) for p in parsed})
    passes: collections.Counter[str] = collections.Counter()
    original = lowering.FunctionLowerer.lower

    def counted(self):  # type: ignore[no-untyped-def]
        # a tolerant pass starts each round; the strict pass that may follow a tolerant one with
        # skipped statements is the same round (it gives the function's diagnostic)
        if not getattr(self, "infer_only", False) and self.tolerant:
            passes[f"{self.env.module}.{self.sig.qualname}"] += 1
        return original(self)

    lowering.FunctionLowerer.lower = counted  # type: ignore[method-assign]
    try:
        for p in parsed:
            lower_module(p, maps[p.module], maps, None)
    finally:
        lowering.FunctionLowerer.lower = original  # type: ignore[method-assign]
    return passes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", nargs="*", default=["humaneval", "unannotated", "stdlib"])
    parser.add_argument("--show", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.corpus:
            passes = count_passes(_corpus(name, Path(tmp)))
            again = {k: n for k, n in passes.items() if n > 1}
            print(f"== {name}: {len(passes)} functions lowered, {sum(passes.values())} lowering rounds, "
                  f"{len(again)} lowered more than once ({sum(again.values()) - len(again)} extra rounds)")
            for k, n in sorted(again.items(), key=lambda kv: -kv[1])[: args.show]:
                print(f"    {n} rounds: {k}")


if __name__ == "__main__":
    main()
