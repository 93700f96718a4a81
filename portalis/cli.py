"""The `portalis` command line.

    portalis translate PATH --out DIR     translate without Dagster, write a crate and a report
    portalis demo                         run the Dagster job on examples/ and print a summary

Exit codes: 0 a crate was written (even with untranslated functions); 2 unusable input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from portalis.source import SourceError


def _summary_table(modules: list[dict]) -> str:
    rows = [("module", "functions", "translated", "untranslated", "status")]
    for m in modules:
        fns = m["functions"]
        ok = sum(f["status"] in ("translated", "verified") for f in fns)
        rows.append((m["module"], str(len(fns)), str(ok), str(len(fns) - ok), m["status"]))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for i, r in enumerate(rows):
        lines.append("  ".join(c.ljust(w) if j == 0 or j == 4 else c.rjust(w) for j, (c, w) in enumerate(zip(r, widths))))
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def print_summary(report: dict, out=sys.stdout) -> None:
    modules = report["modules"]
    print(_summary_table(modules), file=out)
    fns = [f for m in modules for f in m["functions"]]
    ok = sum(f["status"] in ("translated", "verified") for f in fns)
    crate = report["crate"]
    print(file=out)
    print(
        f"{len(modules)} modules, {len(fns)} functions: {ok} translated, {len(fns) - ok} untranslated; "
        f"crate {'compiles' if crate['compiles'] else 'DOES NOT COMPILE'}",
        file=out,
    )
    print(f"crate: {crate['path']}", file=out)


def cmd_translate(args: argparse.Namespace) -> int:
    from portalis.pipeline import translate_path
    from portalis.validate.cargo import Toolchain

    run = translate_path(Path(args.path), Path(args.out), Toolchain(), build=not args.no_build)
    if args.json:
        print(json.dumps(run.report, indent=2))
    else:
        print_summary(run.report)
        print(f"report: {run.out_dir / 'portalis-report.json'}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(Path("dagster_home").resolve())))
    home.mkdir(parents=True, exist_ok=True)
    from portalis_assets.runner import run_translation

    result = run_translation(repo=Path(args.repo), crate_dir=Path(args.out) if args.out else None)
    print_summary(result.report)
    print(f"dagster run: {result.run_id} ({'success' if result.success else 'FAILED'}); DAGSTER_HOME={home}")
    print(f"duckdb: {result.database}")
    return 0 if result.success else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portalis", description="Translate Python code into a Rust crate.")
    sub = parser.add_subparsers(dest="command", required=True)

    t = sub.add_parser("translate", help="translate a .py file or a directory into a Cargo crate")
    t.add_argument("path", help="a .py file, a package directory or a repository directory")
    t.add_argument("--out", required=True, help="directory to write the crate into")
    t.add_argument("--json", action="store_true", help="print the report as JSON")
    t.add_argument("--no-build", action="store_true", help="cargo check only, skip cargo build")
    t.set_defaults(func=cmd_translate)

    d = sub.add_parser("demo", help="translate examples/ through the Dagster asset graph")
    d.add_argument("--repo", default="examples", help="source repository (default: examples)")
    d.add_argument("--out", default=None, help="crate directory (default: $DAGSTER_HOME/portalis/crate)")
    d.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SourceError as exc:
        print(f"portalis: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
