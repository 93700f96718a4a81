"""The parsed modules of the corpora the inference benchmarks read (inference_gap.py,
lowering_passes.py): HumanEval's solutions, examples/, tests/realcorpus.py's stdlib and
unannotated module lists copied from this Python's library."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

from portalis.model import ParsedModule  # noqa: E402
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
