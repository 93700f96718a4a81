"""The `portalis` command line.

    portalis translate PATH --out DIR     translate without Dagster, write a crate and a report
        --verify                          also run every translated function on test cases in
                                          Python and in Rust: verified / failed / untested
        --allow-unsandboxed               run the repository's code even where no sandbox with its
                                          own network and file system exists (README, Sandbox)
        --cache FILE                      per-function translation cache (DuckDB): unchanged
                                          functions are not translated again
        --vendor                          copy the crate's dependencies into DIR/vendor and write
                                          .cargo/config.toml: the crate then builds offline
        --llm-endpoint URL --llm-model M  send what the rules leave as todo!() to an OpenAI-style
                                          server (NIM, vLLM, Triton); accepted only when safe,
                                          compiling and passing its differential tests
        --llm-model-dir DIR               the same with a local transformers model
        --llm-only                        send every function to the model (evaluation)
        -q / -v                           summary only / a line for every function (default: a
                                          line per function that is not verified, then the summary)
        --progress / --no-progress        stage, modules done and time on stderr (default: when
                                          stderr is a terminal)
    portalis demo                         run the Dagster job on examples/ and print a summary
                                          (-q / -v as for translate), ending with the UI address
                                          of its validation report
    portalis --version
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

from portalis.progress import Progress
from portalis.report_text import (  # noqa: F401 - the printers; re-exported for callers of portalis.cli
    NORMAL, QUIET, TRANSLATED, VERBOSE, failed_modules, print_llm, print_skipped, print_summary, print_translation,
    print_verification,
)
from portalis.source import SourceError, resolve_root

if TYPE_CHECKING:
    from portalis.llm.settings import LLMSettings


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
    progress = Progress.for_stream(sys.stderr, force=args.progress)
    try:
        run = translate_path(Path(args.path), Path(args.out), Toolchain(), build=not args.no_build, verify=args.verify,
                             verify_config=VerifyConfig(sandbox=policy),
                             cache=Path(args.cache) if args.cache else None, llm=llm, progress=progress, vendor=args.vendor)
    except BackendUnavailable as exc:
        raise SourceError(f"LLM backend unavailable: {exc}") from exc
    finally:
        progress.close()
    refused = (run.report.get("verification") or {}).get("sandbox") == "refused"
    if run.report["crate"].get("vendor_error"):
        print(f"portalis: cargo vendor failed: {run.report['crate']['vendor_error']}", file=sys.stderr)
    if refused:
        print(f"portalis: {run.report['verification']['reason']}", file=sys.stderr)
    root = resolve_root(Path(args.path)).root
    if args.json:
        print(json.dumps(run.report, indent=2))
    else:
        print_translation(run.report, root, args.verbosity, verify=args.verify)
        if run.llm:
            print_llm(run.llm)
        print(f"report: {run.out_dir / 'portalis-report.json'}")
    failed = failed_modules(run.report, root)
    for line in failed:
        print(line, file=sys.stderr)
    return 1 if failed else 0


def cmd_demo(args: argparse.Namespace) -> int:
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(Path("dagster_home").resolve())))
    home.mkdir(parents=True, exist_ok=True)
    from portalis_assets.runner import run_translation

    result = run_translation(repo=Path(args.repo), crate_dir=Path(args.out) if args.out else None, wait_s=args.wait)
    verified = any(f["status"] in ("verified", "failed", "untested") for m in result.report["modules"] for f in m["functions"])
    print_translation(result.report, Path(args.repo), args.verbosity, verify=verified)
    print(f"dagster run: {result.run_id} ({'success' if result.success else 'FAILED'}); DAGSTER_HOME={home}")
    print(f"duckdb: {result.database}")
    print(f"failed: {json.dumps(sorted(result.failed))}")
    for failure in result.failed.values():
        print(f"failed: {failure.line()}", file=sys.stderr)
    print(f"ui: {ui_address(result.report)}  (make ui, then open it)")
    return 0 if result.success and not result.failed else 1


def ui_address(report: dict) -> str:
    """The web UI's page of the validation_report partition to look at first: the first module
    with a function that is not verified, else the first module. Base: PORTALIS_UI_URL
    (`make demo` sets it from `make ui`'s HOST and PORT), default http://127.0.0.1:3000."""
    from urllib.parse import quote

    base = os.environ.get("PORTALIS_UI_URL", "http://127.0.0.1:3000").rstrip("/")
    modules = report.get("modules") or []
    first = next((m for m in modules if any(f.get("reason") for f in m["functions"])), modules[0] if modules else None)
    page = f"{base}/assets/validation_report?view=partitions"
    return page + (f"&partition={quote(first['module'], safe='')}" if first else "")


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


def package_version() -> str:
    """The installed distribution's version (pyproject.toml's), or `unknown` when not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("portalis")
    except PackageNotFoundError:
        return "unknown"


def add_output_options(p: argparse.ArgumentParser, progress: bool = False) -> None:
    """-q / -v (how many functions get a line) and, for long work, --progress / --no-progress."""
    level = p.add_mutually_exclusive_group()
    level.add_argument("-q", "--quiet", dest="verbosity", action="store_const", const=QUIET, default=NORMAL,
                       help="print the summary only")
    level.add_argument("-v", "--verbose", dest="verbosity", action="store_const", const=VERBOSE,
                       help="print a line for every function, verified ones included")
    if progress:
        p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help="progress (stage, modules done, time) on stderr; default: on when stderr is a terminal")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portalis", description="Translate Python code into a Rust crate.")
    parser.add_argument("--version", action="version", version=f"portalis {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    t = sub.add_parser("translate", help="translate a .py file or a directory into a Cargo crate")
    t.add_argument("path", help="a .py file, a package directory or a repository directory")
    t.add_argument("--out", required=True, help="directory to write the crate into")
    t.add_argument("--json", action="store_true", help="print the report as JSON")
    t.add_argument("--no-build", action="store_true", help="cargo check only, skip cargo build")
    t.add_argument("--vendor", action="store_true",
                   help="copy the crate's dependencies into DIR/vendor (cargo vendor) so it builds offline")
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
    add_output_options(t, progress=True)
    t.set_defaults(func=cmd_translate)

    d = sub.add_parser("demo", help="translate examples/ through the Dagster asset graph")
    d.add_argument("--repo", default="examples", help="source repository (default: examples)")
    d.add_argument("--out", default=None, help="crate directory (default: $DAGSTER_HOME/portalis/crate)")
    d.add_argument("--wait", type=float, default=60.0, metavar="S",
                   help="how long to wait for another sync/demo or a process holding the DuckDB file (default 60)")
    add_output_options(d)
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
    except BrokenPipeError:  # `portalis translate ... | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except SourceError as exc:
        print(f"portalis: error: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:  # busy, locked, damaged or read-only: one line, never a traceback
        print(f"portalis: error: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
