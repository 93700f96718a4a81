"""What lowering would still have to learn: the functions refused because the analysis' facts
leave a local's type open (issue 10's "no `Retry` in lower/": lowering is one pass since, and
`FunctionLowerer.refuse_wider` refuses what it used to learn by lowering the function again).

    .venv/bin/python benchmarks/lowering_passes.py [--corpus humaneval unannotated stdlib] [--show 20]

Builds every module's type map, then lowers every module, counting the `FunctionLowerer.lower`
calls per function (nested functions included: more than one is a function lowered twice, by
two callers, not a re-learning loop) and listing the functions refused by `refuse_wider` (PTL112) with
what a statement needed (`local x: not typed -> list[str]`, `self.x`, `the return value`).
Prints figures; asserts nothing.
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


def count_passes(parsed: list, why: dict[str, list[str]] | None = None) -> collections.Counter[str]:
    """Lowering calls per function (module.qualname) while lowering every module; `why` (when
    given) collects, per function, what `refuse_wider` refused (the local and the types)."""
    maps = resolve_all({p.module: build_type_map(p) for p in parsed})
    passes: collections.Counter[str] = collections.Counter()
    original, original_refuse = lowering.FunctionLowerer.lower, lowering.FunctionLowerer.refuse_wider
    current: list[str] = []  # the functions being lowered, innermost last

    def counted(self):  # type: ignore[no-untyped-def]
        key = f"{self.env.module}.{self.sig.qualname}"
        passes[key] += 1
        current.append(key)
        try:
            return original(self)
        finally:
            current.pop()

    def refuse_wider(self, what, old, new):  # type: ignore[no-untyped-def]
        try:
            original_refuse(self, what, old, new)
        except Exception:
            if why is not None and current:
                shown = "not typed" if old is None or old.kind == "unknown" else str(old)
                why.setdefault(current[-1], []).append(f"{what}: {shown} -> {new}")
            raise

    lowering.FunctionLowerer.lower = counted  # type: ignore[method-assign]
    lowering.FunctionLowerer.refuse_wider = refuse_wider  # type: ignore[method-assign]
    try:
        for p in parsed:
            lower_module(p, maps[p.module], maps, None)
    finally:
        lowering.FunctionLowerer.lower = original  # type: ignore[method-assign]
        lowering.FunctionLowerer.refuse_wider = original_refuse  # type: ignore[method-assign]
    return passes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", nargs="*", default=["humaneval", "unannotated", "stdlib"])
    parser.add_argument("--show", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.corpus:
            why: dict[str, list[str]] = {}
            passes = count_passes(_corpus(name, Path(tmp)), why)
            twice = {k: n for k, n in passes.items() if n > 1}
            print(f"== {name}: {len(passes)} functions lowered, {sum(passes.values())} lowerings "
                  f"({len(twice)} lowered more than once: {', '.join(sorted(twice)) or '-'}); "
                  f"{len(why)} refused, their facts leaving a local open (PTL112)")
            for k in sorted(why)[: args.show]:
                print(f"    {k}: {'; '.join(dict.fromkeys(why[k]))}")


if __name__ == "__main__":
    main()
