"""The `portalis` command line.

    portalis translate PATH --out DIR     translate without Dagster, write a crate and a report
        --verify                          also run every translated function on test cases in
                                          Python and in Rust: verified / failed / untested
        --allow-unsandboxed               run the repository's code even where no sandbox with its
                                          own network and file system exists (README, Sandbox)
        --cache FILE                      per-function translation cache (DuckDB): unchanged
                                          functions are not translated again
        --llm-endpoint URL --llm-model M  send what the rules leave as todo!() to an OpenAI-style
                                          server (NIM, vLLM, Triton); accepted only when safe,
                                          compiling and passing its differential tests
        --llm-model-dir DIR               the same with a local transformers model
        --llm-only                        send every function to the model (evaluation)
    portalis demo                         run the Dagster job on examples/ and print a summary
    portalis sync --repo DIR [--out DIR]  one repo_changes sensor evaluation and the runs it asks
                                          for, in process; prints a JSON summary

Exit codes: 0 a crate was written and every module is ok, partial or empty (untranslated
functions included); 1 a crate was written but some module's status is `error` (one line per
such module on stderr: `path:line: CODE message`), or (sync, demo) a module or a run failed;
2 unusable input; 3 (sync, demo) the DAGSTER_HOME or its DuckDB store cannot be used now
(another sync, a process holding the file, a damaged or read-only file): a one-line error says
which and what to do.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from typing import TYPE_CHECKING

from portalis.source import SourceError

if TYPE_CHECKING:
    from portalis.llm.settings import LLMSettings


# statuses of functions that have a translation (behaviour validation refines "translated")
TRANSLATED = ("translated", "verified", "failed", "untested")


def _summary_table(modules: list[dict]) -> str:
    rows = [("module", "functions", "translated", "untranslated", "status")]
    for m in modules:
        fns = m["functions"]
        ok = sum(f["status"] in TRANSLATED for f in fns)
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
    ok = sum(f["status"] in TRANSLATED for f in fns)
    crate = report["crate"]
    print(file=out)
    print(
        f"{len(modules)} modules, {len(fns)} functions: {ok} translated, {len(fns) - ok} untranslated; "
        f"crate {'compiles' if crate['compiles'] else 'DOES NOT COMPILE'}",
        file=out,
    )
    print_skipped(report, out)
    print(f"crate: {crate['path']}", file=out)


def print_skipped(report: dict, out=sys.stdout) -> None:
    """The `.py` files that are not modules, each with its code and reason; the excluded count."""
    skipped = report.get("skipped") or []
    excluded = report.get("excluded", 0)
    if skipped:
        print(f"{len(skipped)} .py files not translated:", file=out)
        width = max(len(s["path"]) for s in skipped)
        for s in skipped:
            print(f"  {s['path'].ljust(width)}  {s['code']}  {s['reason']}", file=out)
    if excluded:
        print(f"{excluded} .py files left out by the exclude patterns (tests, setup.py...)", file=out)


def print_verification(report: dict, out=sys.stdout) -> None:
    """Per-function behaviour statuses of a report written with --verify, and the totals."""
    rows = [("function", "status", "cases", "detail")]
    for m in report["modules"]:
        for f in m["functions"]:
            cases = f"{f['cases_passed']}/{f['cases_total']}" if f["cases_total"] else "-"
            detail = (f.get("detail") or "").replace("\n", " ")
            rows.append((f"{m['module']}.{f['name']}", f["status"], cases, detail[:120] + ("..." if len(detail) > 120 else "")))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    print(file=out)
    for i, r in enumerate(rows):
        print("  ".join([r[0].ljust(widths[0]), r[1].ljust(widths[1]), r[2].rjust(widths[2]), r[3]]).rstrip(), file=out)
        if i == 0:
            print("  ".join(["-" * w for w in widths] + ["------"]), file=out)
    fns = [f for m in report["modules"] for f in m["functions"]]
    v = report.get("verification") or {
        "verified": sum(f["status"] == "verified" for f in fns),
        "failed": sum(f["status"] == "failed" for f in fns),
        "untested": sum(f["status"] in ("untested", "translated") for f in fns),
        "untranslated": sum(f["status"] in ("untranslated", "compile_error") for f in fns),
        "cases_passed": sum(f["cases_passed"] for f in fns),
        "cases_total": sum(f["cases_total"] for f in fns),
    }
    print(file=out)
    print(
        f"verification: {v.get('verified', 0)} verified, {v.get('failed', 0)} failed, {v.get('untested', 0)} untested, "
        f"{v.get('untranslated', 0)} untranslated; {v.get('cases_passed', 0)}/{v.get('cases_total', 0)} cases passed"
        + (f" ({v['seconds']:.1f} s)" if "seconds" in v else "")
        + (f"; sandbox: {v['sandbox']}" if v.get("sandbox") and v.get("ran", True) else "")
        + (f"; not run: {v['reason']}" if not v.get("ran", True) else ""),
        file=out,
    )


def llm_settings(args: argparse.Namespace) -> "LLMSettings | None":
    """The LLM stage's settings from the --llm-* flags (None: rules only). The CLI reads flags
    only, never PORTALIS_LLM_* (those configure Dagster), so a shell that exports them does not
    turn a plain `portalis translate` into model calls."""
    from portalis.llm.settings import LLMSettings

    if not (args.llm_endpoint or args.llm_model_dir):
        if args.llm_only or args.llm_model:
            raise SourceError("--llm-model and --llm-only need --llm-endpoint (or --llm-model-dir)")
        return None
    values: dict[str, object] = {
        "backend": "openai" if args.llm_endpoint else "transformers",
        "endpoint": args.llm_endpoint or "", "model": args.llm_model or "", "model_dir": args.llm_model_dir or "",
        "api_key_env": args.llm_api_key_env or "", "device": args.llm_device, "llm_only": args.llm_only,
        "max_repair_rounds": args.llm_rounds, "concurrency": args.llm_concurrency, "timeout_s": args.llm_timeout,
    }
    settings = LLMSettings(**{k: v for k, v in values.items() if v is not None})  # type: ignore[arg-type]
    problems = settings.problems()
    if problems:
        raise SourceError("; ".join(problems))
    return settings


def cmd_translate(args: argparse.Namespace) -> int:
    from portalis.llm.backend import BackendUnavailable
    from portalis.pipeline import translate_path
    from portalis.sandbox import SandboxPolicy
    from portalis.validate.behaviour import VerifyConfig
    from portalis.validate.cargo import Toolchain

    llm = llm_settings(args)
    policy = SandboxPolicy(allow_unsandboxed=args.allow_unsandboxed)
    if llm is not None:
        llm = llm.model_copy(update={"allow_unsandboxed": args.allow_unsandboxed})
    try:
        run = translate_path(Path(args.path), Path(args.out), Toolchain(), build=not args.no_build, verify=args.verify,
                             verify_config=VerifyConfig(sandbox=policy),
                             cache=Path(args.cache) if args.cache else None, llm=llm)
    except BackendUnavailable as exc:
        raise SourceError(f"LLM backend unavailable: {exc}") from exc
    refused = (run.report.get("verification") or {}).get("sandbox") == "refused"
    if refused:
        print(f"portalis: {run.report['verification']['reason']}", file=sys.stderr)
    if args.json:
        print(json.dumps(run.report, indent=2))
    else:
        print_summary(run.report)
        if args.verify:
            print_verification(run.report)
        if run.llm:
            print_llm(run.llm)
        print(f"report: {run.out_dir / 'portalis-report.json'}")
    failed = failed_modules(run.report)
    for line in failed:
        print(line, file=sys.stderr)
    return 1 if failed else 0


def failed_modules(report: dict) -> list[str]:
    """One `path:line: CODE message` line per module whose status is `error` (the diagnostic
    that made it fail: a module-level error first, else its first error)."""
    from portalis.contain import ERROR_CODES

    lines = []
    for m in report["modules"]:
        if m["status"] != "error":
            continue
        diags = m["diagnostics"]
        # What made it fail: a stage's error on the module, else rustc's error outside any
        # function (the module does not compile), else its first error.
        d = next((d for d in diags if d["code"] in ERROR_CODES and d.get("function") is None), None) \
            or next((d for d in diags if d["code"] in ("PTL302", "PTL304")), None) \
            or next((d for d in diags if d.get("severity", "error") == "error"), None)
        where = m["path"] or m["module"]
        if d is None:
            lines.append(f"{where}: error: the module failed (no diagnostic)")
            continue
        line = f":{d['line']}" if d.get("line") else ""
        message = " ".join(str(d["message"]).split())
        if d.get("function"):
            message = f"{d['function']}: {message}"
        lines.append(f"{where}{line}: {d['code']} {message}")
    return lines


def print_llm(summary: dict, out=sys.stdout) -> None:
    """One line with the LLM stage's figures."""
    print(
        f"llm {summary.get('backend')}:{summary.get('model')}: {summary.get('functions', 0)} functions sent, "
        f"{summary.get('accepted', 0)} accepted ({summary.get('verified', 0)} verified), "
        f"{summary.get('candidates', 0)} candidates, compile rate {summary.get('compile_rate', 0):.0%}, "
        f"{summary.get('repair_rounds', 0)} repair rounds, {summary.get('prompt_tokens', 0)}+{summary.get('completion_tokens', 0)} tokens, "
        f"{summary.get('wall_s', 0):.1f} s",
        file=out,
    )


def cmd_demo(args: argparse.Namespace) -> int:
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(Path("dagster_home").resolve())))
    home.mkdir(parents=True, exist_ok=True)
    from portalis_assets.runner import run_translation

    result = run_translation(repo=Path(args.repo), crate_dir=Path(args.out) if args.out else None, wait_s=args.wait)
    print_summary(result.report)
    if any(f["status"] in ("verified", "failed", "untested") for m in result.report["modules"] for f in m["functions"]):
        print_verification(result.report)
    print(f"dagster run: {result.run_id} ({'success' if result.success else 'FAILED'}); DAGSTER_HOME={home}")
    print(f"duckdb: {result.database}")
    print(f"failed: {json.dumps(sorted(result.failed))}")
    for failure in result.failed.values():
        print(f"failed: {failure.line()}", file=sys.stderr)
    return 0 if result.success and not result.failed else 1


def cmd_sync(args: argparse.Namespace) -> int:
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(Path("dagster_home").resolve())))
    home.mkdir(parents=True, exist_ok=True)
    from portalis_assets.runner import sync_repo

    outcome = sync_repo(repo=Path(args.repo), crate_dir=Path(args.out) if args.out else None, wait_s=args.wait)
    print(json.dumps(outcome.summary()))
    if outcome.skip_reason:
        print(f"sync: {outcome.skip_reason}", file=sys.stderr)
    for run_id in outcome.run_ids:
        print(f"sync: dagster run {run_id}; DAGSTER_HOME={home}", file=sys.stderr)
    for failure in outcome.failures.values():
        print(f"sync: failed: {failure.line()}", file=sys.stderr)
    return 0 if outcome.success and not outcome.failures else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portalis", description="Translate Python code into a Rust crate.")
    sub = parser.add_subparsers(dest="command", required=True)

    t = sub.add_parser("translate", help="translate a .py file or a directory into a Cargo crate")
    t.add_argument("path", help="a .py file, a package directory or a repository directory")
    t.add_argument("--out", required=True, help="directory to write the crate into")
    t.add_argument("--json", action="store_true", help="print the report as JSON")
    t.add_argument("--no-build", action="store_true", help="cargo check only, skip cargo build")
    t.add_argument(
        "--verify", action="store_true",
        help="run each translated function on cases (doctests, the repo's tests, generated) in Python and Rust",
    )
    t.add_argument("--allow-unsandboxed", action="store_true",
                   help="run the repository's code (--verify, LLM tests) even with no sandbox that cuts off network and files")
    t.add_argument("--cache", default=None, metavar="FILE",
                   help="DuckDB file holding the per-function translation cache (created if missing)")
    llm = t.add_argument_group("LLM backend", "what the rules leave as todo!() goes to a model; a candidate is kept only "
                               "when safe, compiling and passing its differential tests (see README, LLM backends)")
    llm.add_argument("--llm-endpoint", metavar="URL", help="OpenAI-style server (NIM, vLLM, Triton), e.g. http://localhost:8000/v1")
    llm.add_argument("--llm-model", metavar="NAME", help="model name the server serves")
    llm.add_argument("--llm-api-key-env", metavar="VAR", help="environment variable holding the API key")
    llm.add_argument("--llm-model-dir", metavar="DIR", help="local transformers model directory (extra: llm-local)")
    llm.add_argument("--llm-device", choices=["auto", "cuda", "cpu"], default=None, help="transformers device (default auto)")
    llm.add_argument("--llm-only", action="store_true", help="send every function to the model, not only what the rules left")
    llm.add_argument("--llm-rounds", type=int, default=None, metavar="N", help="repair rounds per function (default 2)")
    llm.add_argument("--llm-concurrency", type=int, default=None, metavar="N", help="requests in flight (default 8)")
    llm.add_argument("--llm-timeout", type=float, default=None, metavar="S", help="read timeout of one request (default 120)")
    t.set_defaults(func=cmd_translate)

    d = sub.add_parser("demo", help="translate examples/ through the Dagster asset graph")
    d.add_argument("--repo", default="examples", help="source repository (default: examples)")
    d.add_argument("--out", default=None, help="crate directory (default: $DAGSTER_HOME/portalis/crate)")
    d.add_argument("--wait", type=float, default=60.0, metavar="S",
                   help="how long to wait for another sync/demo or a process holding the DuckDB file (default 60)")
    d.set_defaults(func=cmd_demo)

    s = sub.add_parser("sync", help="retranslate what changed in a repo (one repo_changes sensor evaluation, in process)")
    s.add_argument("--repo", required=True, help="source repository")
    s.add_argument("--out", default=None, help="crate directory (default: $DAGSTER_HOME/portalis/crate)")
    s.add_argument("--wait", type=float, default=60.0, metavar="S",
                   help="how long to wait for another sync/demo or a process holding the DuckDB file (default 60)")
    s.set_defaults(func=cmd_sync)
    return parser


def main(argv: list[str] | None = None) -> int:
    from portalis.store import StoreError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SourceError as exc:
        print(f"portalis: error: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:  # busy, locked, damaged or read-only: one line, never a traceback
        print(f"portalis: error: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
