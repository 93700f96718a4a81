"""The LLM loop's own cost: a loopback OpenAI-style server answers instantly (or after
--latency seconds, to stand in for a GPU) and the loop does the rest for real: parsing, safety
gate, cargo check of the crate, differential tests, repair rounds.

    .venv/bin/python benchmarks/llm_loop.py [--modules 4] [--functions 10] [--latency 0.0] [--concurrency 8]

Per module, functions are scripted as: 70% correct at once, 20% a compile error then correct,
10% never compiling (so rounds 1 and 2 have work). Prints the stage's metrics (where the time
went: backend_s, compile_s, behaviour_s) as JSON.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from portalis.llm.settings import LLMSettings  # noqa: E402
from portalis.pipeline import translate_path  # noqa: E402
from portalis.validate.cargo import Toolchain  # noqa: E402
from test_llm_http import Reply, ScriptedServer  # noqa: E402


def module_source(m: int, n: int) -> str:
    parts = []
    for i in range(n):
        parts.append(f"def f{m}_{i}(xs: list[int], k: int) -> int:\n    return sum(x * k + {i} for x in xs if x > {i % 3})\n")
    return "\n\n".join(parts)


def body(name: str, rnd: int) -> str:
    i = int(name.rsplit("_", 1)[1])
    right = f"xs.iter().filter(|x| **x > {i % 3}).map(|x| x * k + {i}).sum()"
    kind = i % 10
    if kind < 7:
        return right
    if kind < 9:
        return "xs.len() as i32" if rnd == 0 else right
    return "missing_helper(xs, k)"


def scripted(latency: float):  # type: ignore[no-untyped-def]
    def script(req: dict, index: int) -> Reply:
        first = req["messages"][1]["content"]
        name = re.search(r"Translate the Python function `[\w.]+\.(\w+)`", first).group(1)  # type: ignore[union-attr]
        sig = re.search(r"keep it exactly:\n```rust\n(.*?)\n```", first, re.DOTALL).group(1)  # type: ignore[union-attr]
        rnd = sum(m["role"] == "assistant" for m in req["messages"])
        return Reply(content=f"```rust\n{sig} {{\n    {body(name, rnd)}\n}}\n```", delay=latency)
    return script


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--modules", type=int, default=4)
    ap.add_argument("--functions", type=int, default=10)
    ap.add_argument("--latency", type=float, default=0.0, help="seconds the server takes per answer")
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pkg = root / "bench"
        pkg.mkdir()
        (pkg / "__init__.py").write_text("")
        for m in range(args.modules):
            (pkg / f"mod{m}.py").write_text(module_source(m, args.functions))
        with ScriptedServer(scripted(args.latency), models=("bench",)) as server:
            settings = LLMSettings(endpoint=server.url, model="bench", llm_only=True, concurrency=args.concurrency, verify_cases=10)
            started = time.perf_counter()
            run = translate_path(pkg, root / "out", Toolchain(target_dir=str(root / "target")), build=False, llm=settings)
            total = time.perf_counter() - started
        print(json.dumps({"modules": args.modules, "functions": args.modules * args.functions, "latency_s": args.latency,
                          "translate_path_s": round(total, 2), "llm": run.llm}, indent=2))


if __name__ == "__main__":
    main()
