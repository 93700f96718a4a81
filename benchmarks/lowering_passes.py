"""How often lowering still learns a local's type and lowers a function again (`Retry`,
portalis/lower/function.py `lower_function`, at most 24 passes): the figure issue 10's "no
`Retry` in lower/" is measured by.

    .venv/bin/python benchmarks/lowering_passes.py [--corpus humaneval unannotated stdlib] [--show 20]

Builds every module's type map, then lowers every module and counts the lowering rounds per
function (tolerant `FunctionLowerer.lower` calls, nested functions included: a second one means
lowering learnt a type and started again; the strict pass after a tolerant one that
skipped statements is not counted), and lists the functions lowered more than once with what
lowering learnt each time (`local x: int -> float`, `param n`, `return`, `field`: the fact
whose change started the next round). Prints figures; asserts nothing.
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
from portalis.lower.context import Facts  # noqa: E402
from portalis.lower.module import lower_module  # noqa: E402
from portalis.names import resolve_all  # noqa: E402
from portalis.typemap import build_type_map  # noqa: E402


def count_passes(parsed: list, why: dict[str, list[str]] | None = None) -> collections.Counter[str]:
    """Lowering rounds per function (module.qualname) while lowering every module; `why`
    (when given) collects, per function, the facts lowering learnt (what made it lower again)."""
    maps = resolve_all({p.module: build_type_map(p) for p in parsed})
    passes: collections.Counter[str] = collections.Counter()
    original = lowering.FunctionLowerer.lower
    learners = {k: getattr(Facts, k) for k in ("learn_local", "learn_param", "learn_return", "learn_field")}
    current: list[str] = []  # the functions being lowered, innermost last

    def recording(kind: str, fn):  # type: ignore[no-untyped-def]
        def learn(self, *args):  # type: ignore[no-untyped-def]
            before = {"learn_local": lambda: self.locals.get(args[0]), "learn_param": lambda: self.params.get(args[0]),
                      "learn_return": lambda: self.returns, "learn_field": lambda: self.fields.get(args[0])}[kind]()
            changed = fn(self, *args)
            if changed and why is not None and current:
                after = {"learn_local": lambda: self.locals.get(args[0]), "learn_param": lambda: self.params.get(args[0]),
                         "learn_return": lambda: self.returns, "learn_field": lambda: self.fields.get(args[0])}[kind]()
                name = "" if kind == "learn_return" else f" {args[0]}"
                show = lambda t: "-" if t is None else str(t)  # noqa: E731
                why.setdefault(current[-1], []).append(f"{kind.removeprefix('learn_')}{name}: {show(before)} -> {show(after)}")
            return changed
        return learn

    def counted(self):  # type: ignore[no-untyped-def]
        # a tolerant pass starts each round; the strict pass that may follow a tolerant one with
        # skipped statements is the same round (it gives the function's diagnostic)
        key = f"{self.env.module}.{self.sig.qualname}"
        if self.tolerant:
            passes[key] += 1
        current.append(key)
        try:
            return original(self)
        finally:
            current.pop()

    lowering.FunctionLowerer.lower = counted  # type: ignore[method-assign]
    for k, fn in learners.items():
        setattr(Facts, k, recording(k, fn))
    try:
        for p in parsed:
            lower_module(p, maps[p.module], maps, None)
    finally:
        lowering.FunctionLowerer.lower = original  # type: ignore[method-assign]
        for k, fn in learners.items():
            setattr(Facts, k, fn)
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
            again = {k: n for k, n in passes.items() if n > 1}
            print(f"== {name}: {len(passes)} functions lowered, {sum(passes.values())} lowering rounds, "
                  f"{len(again)} lowered more than once ({sum(again.values()) - len(again)} extra rounds)")
            for k, n in sorted(again.items(), key=lambda kv: -kv[1])[: args.show]:
                print(f"    {n} rounds: {k}: {'; '.join(dict.fromkeys(why.get(k, [])))}")


if __name__ == "__main__":
    main()
