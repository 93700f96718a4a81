"""The `portalis` command line.

    portalis translate PATH --out DIR     translate without Dagster, write a crate and a report
        --verify                          also run every translated function on test cases in
                                          Python and in Rust: verified / failed / untested
        --allow-unsandboxed               run the repository's code even where no sandbox with its
                                          own network and file system exists (README, Sandbox)
        --trace / --no-trace              run the repository's tests and doctests once under a type
                                          recorder (sandboxed) for evidence of unannotated types
                                          (default: with --verify)
        --cache FILE                      per-function translation cache (DuckDB): unchanged
                                          functions are not translated again (and the observed calls)
        --vendor                          copy the crate's dependencies into DIR/vendor and write
                                          .cargo/config.toml: the crate then builds offline
        --llm-endpoint URL --llm-model M  send what the rules leave as todo!() to an OpenAI-style
                                          server (NIM, vLLM, Triton); accepted only when safe,
                                          compiling and passing its differential tests
        --llm-model-dir DIR               the same with a local transformers model
        --llm-only                        send every function to the model (evaluation)
        --python / --python-all           also write a Python extension module (maturin project in
                                          DIR/python/) exposing the verified (--python, implies
                                          --verify) or all translated functions, and build it
        --venv DIR                        then install it into that virtualenv (maturin develop)
        -q / -v                           summary only / a line for every function (default: a
                                          line per function that is not verified, then the summary)
        --progress / --no-progress        stage, modules done and time on stderr (default: when
                                          stderr is a terminal)
    portalis demo                         run the Dagster job on examples/ and print a summary
                                          (-q / -v, --progress as for translate), ending with the
                                          UI address of its validation report; with --python, then
                                          the repository's tests on the Rust ("tests on Rust: N/M pass")
    portalis test --repo DIR [--out DIR]  the repository's own pytest suite on Python, then with the
        [--all] [--keep-python F ...]     translated functions swapped for their Rust (README, Drop-in Rust)
    portalis --version
    portalis sync --repo DIR [--out DIR]  one repo_changes sensor evaluation and the runs it asks
                                          for, in process; prints a JSON summary (--progress as
                                          for translate)

Exit codes: 0 a crate was written and every module is ok, partial or empty (untranslated
functions included); 1 a crate was written but some module's status is `error` (one line per
such module on stderr: `path:line: CODE message`), or (sync, demo) a module or a run failed;
2 unusable input; (test) 1 when a test passing on Python fails on Rust, or the extension
could not be built or the suite not run; 3 (sync, demo) the DAGSTER_HOME or its DuckDB store cannot be used now
(another sync, a process holding the file, a damaged or read-only file): a one-line error says
which and what to do.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from typing import TYPE_CHECKING, Callable, TypeVar

from portalis.progress import Progress
from portalis.report_text import (  # noqa: F401 - the printers; re-exported for callers of portalis.cli
    NORMAL, QUIET, TRANSLATED, VERBOSE, failed_modules, print_llm, print_skipped, print_summary, print_translation,
    print_verification,
)
from portalis.source import SourceError, resolve_root

if TYPE_CHECKING:
    from portalis.llm.settings import LLMSettings


_T = TypeVar("_T")


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
    from portalis.validate.trace import TraceConfig

    llm = llm_settings(args)
    if args.python:  # verified functions only: they must have been verified
        args.verify = True
    if args.venv and not (args.python or args.python_all):
        raise SourceError("--venv needs --python or --python-all")
    policy = SandboxPolicy(allow_unsandboxed=args.allow_unsandboxed)
    if llm is not None:
        llm = llm.model_copy(update={"allow_unsandboxed": args.allow_unsandboxed})
    # The tracer runs the repository's code: on with --verify (which runs it anyway), else asked for.
    trace = TraceConfig(sandbox=policy) if (args.trace if args.trace is not None else args.verify) else None
    progress = Progress.for_stream(sys.stderr, force=args.progress)
    try:
        run = translate_path(Path(args.path), Path(args.out), Toolchain(), build=not args.no_build, verify=args.verify,
                             verify_config=VerifyConfig(sandbox=policy),
                             cache=Path(args.cache) if args.cache else None, llm=llm, progress=progress, vendor=args.vendor,
                             jobs=args.jobs, trace=trace)
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
    extension = None
    if (args.python or args.python_all) and run.crate.compiles:
        from portalis.pyext.extension import make_extension

        progress = Progress.for_stream(sys.stderr, force=args.progress)
        progress.stage("maturin build (python extension)")
        try:
            _, extension = make_extension(run.out_dir, run.report_crate_name, run.type_maps, run.report, include_all=args.python_all,
                                          build=True, target_dir=None if os.environ.get("CARGO_TARGET_DIR") else run.out_dir / "target",
                                          source_root=root if args.verify else None, verify_config=VerifyConfig(sandbox=policy))
        finally:
            progress.close()
        # --venv: the wheel built above (cached) is what the validation through the extension
        # loads in this interpreter; `maturin develop` then installs the same sources there.
        if args.venv and extension.ok and (extension.exposed or extension.classes):
            from portalis.pyext.build import develop
            from portalis.pyext.extension import record

            extension.build = develop(Path(extension.dir), Path(args.venv),
                                      target_dir=None if os.environ.get("CARGO_TARGET_DIR") else run.out_dir / "target")
            record(run.out_dir, extension)
        run.report["python_extension"] = extension.model_dump()
    if args.json:
        print(json.dumps(run.report, indent=2))
    else:
        print_translation(run.report, root, args.verbosity, verify=args.verify)
        if run.llm:
            print_llm(run.llm)
        if extension is not None:
            print_extension(extension)
        if "observed" in run.report:
            print(observed_line(run.report["observed"]))
        print(f"report: {run.out_dir / 'portalis-report.json'}")
    failed = failed_modules(run.report, root)
    if extension is not None and not extension.ok:
        print(f"portalis: python extension: {'; '.join(extension.problems) or extension.build.message}", file=sys.stderr)
        return 1
    for line in failed:
        print(line, file=sys.stderr)
    return 1 if failed else 0


def observed_line(o: dict) -> str:
    """The tracer's summary line (the report's `observed`)."""
    if o.get("reason"):
        return f"observed calls: none ({o['reason']})"
    how = "from the cache" if o.get("cached") else f"{o.get('sandbox')}, {o.get('seconds', 0):.1f} s"
    stopped = f"; stopped early: {o['stopped']}" if o.get("stopped") else ""
    return (f"observed calls: {o.get('tests', 0)} tests and {o.get('doctests', 0)} doctests run under the tracer ({how}): "
            f"{o.get('functions', 0)} functions observed{stopped}")


def print_extension(ext) -> None:
    """The extension's summary lines (`ext`: portalis.pyext.extension.ExtensionResult)."""
    by_code: dict[str, int] = {}
    for s in ext.skipped:
        by_code[s["code"]] = by_code.get(s["code"], 0) + 1
    left = ", ".join(f"{n} {code}" for code, n in sorted(by_code.items()))
    classes = f", {len(ext.classes)} classes swapped whole" if ext.classes else ""
    print(f"python extension: {ext.module} in {ext.dir}: {len(ext.exposed)} functions exposed{classes}" + (f", left out: {left}" if left else ""))
    if ext.build is not None and ext.build.ok and not ext.build.lib_dir:
        print(f"  installed with maturin develop in {ext.build.seconds:.1f} s")
    elif ext.build is not None and ext.build.ok:
        how = "unchanged, not rebuilt" if ext.build.cached else f"built in {ext.build.seconds:.1f} s"
        print(f"  {how}; import it with PYTHONPATH={ext.build.lib_dir}, or: cd {ext.dir} && maturin develop --release")
    if ext.validation is not None and ext.validation.get("refused"):
        print(f"  not validated through the extension: {ext.validation['refused']}")
    elif ext.validation is not None:
        counts = ", ".join(f"{n} {s}" for s, n in sorted(ext.validation["counts"].items())) or "nothing to check"
        print(f"  validated through the extension (the same Python objects, no literals): {counts}")
        for name, change in sorted(ext.validation["changed"].items()):
            print(f"    {name}: {change}")


def cmd_test(args: argparse.Namespace) -> int:
    from portalis.pyext.repo import run_repo_tests
    from portalis.sandbox import SandboxPolicy
    from portalis.validate.behaviour import VerifyConfig
    from portalis.validate.cargo import Toolchain

    repo = Path(args.repo)
    if not repo.is_dir():
        raise SourceError(f"not a directory: {repo}")
    out = Path(args.out) if args.out else Path("out") / f"{repo.resolve().name}-crate"
    toolchain = Toolchain(target_dir=os.environ.get("CARGO_TARGET_DIR") or str(out / "target"))
    result = run_repo_tests(repo, out, include_all=args.all, keep_python=args.keep_python, toolchain=toolchain,
                            verify_config=VerifyConfig(sandbox=SandboxPolicy(allow_unsandboxed=args.allow_unsandboxed)),
                            python=args.python_exe)
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        print_extension(result.extension)
    if result.tests is None:
        ext = result.extension
        why = "; ".join(ext.problems) or (ext.build.message if ext.build else "no function to expose")
        print(f"portalis: python extension: {why}", file=sys.stderr)
        return 1
    t = result.tests
    if not args.json:
        print_repo_tests(t, result.demoted)
        print(f"report: {result.report_path}")
    if t.python.error or t.rust.error:
        print(f"portalis: {t.python.error or t.rust.error}", file=sys.stderr)
        return 1
    return 0 if all(x.rust == "passed" for x in t.tests if x.python == "passed") else 1


def print_repo_tests(t, demoted: list[str]) -> None:
    """`portalis test`'s summary (`t`: portalis.pyext.swap.RepoTestReport)."""
    for run in (t.python, t.rust):
        print(f"on {run.side:<6}: {run.passed} passed, {run.failed} failed, {run.skipped} skipped ({run.wall_s:.2f} s)")
        if run.error:
            print(f"  error: {run.error}")
    for f in sorted(t.functions, key=lambda f: (-f.tests_failing, f.name)):
        if f.tests_failing or f.tests_calling == 0:
            what = f"{f.tests_failing} failing test(s)" if f.tests_failing else "called by no test"
            print(f"  {f.name}: {what}")
    for x in t.tests:
        if x.python == "passed" and x.rust != "passed":
            print(f"  FAILS ON RUST {x.nodeid}: blames {', '.join(x.blamed) or '(no swapped function it called)'}")
    for name, why in t.not_swapped.items():
        print(f"  not swapped {name}: {why}")
    if t.kept_python:
        print(f"  kept on Python: {', '.join(t.kept_python)}")
    if demoted:
        print(f"demoted from verified: {', '.join(demoted)}")
    print(t.summary_line())


def _in_dagster(args: argparse.Namespace, stage: Callable[..., _T]) -> tuple[_T, Path]:
    """Run a Dagster-backed command (`demo`, `sync`) on the DAGSTER_HOME (default ./dagster_home,
    created) with a progress line on stderr; its result and the home used."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(Path("dagster_home").resolve())))
    home.mkdir(parents=True, exist_ok=True)
    progress = Progress.for_stream(sys.stderr, force=args.progress)
    try:
        return stage(repo=Path(args.repo), crate_dir=Path(args.out) if args.out else None, wait_s=args.wait,
                     progress=progress), home
    finally:
        progress.close()


def cmd_demo(args: argparse.Namespace) -> int:
    from portalis_assets.runner import run_translation

    result, home = _in_dagster(args, run_translation)
    verified = any(f["status"] in ("verified", "failed", "untested") for m in result.report["modules"] for f in m["functions"])
    print_translation(result.report, Path(args.repo), args.verbosity, verify=verified)
    print(f"dagster run: {result.run_id} ({'success' if result.success else 'FAILED'}); DAGSTER_HOME={home}")
    print(f"duckdb: {result.database}")
    print(f"failed: {json.dumps(sorted(result.failed))}")
    for failure in result.failed.values():
        print(f"failed: {failure.line()}", file=sys.stderr)
    print(f"ui: {ui_address(result.report)}  (make ui, then open it)")
    ok = result.success and not result.failed
    if args.python and result.success:
        ok = demo_rust_tests(Path(args.repo), result.crate_dir, result.report) and ok
    return 0 if ok else 1


def demo_rust_tests(repo: Path, crate_dir: Path, report: dict) -> bool:
    """`demo --python`: the verified functions as an extension module, and the repository's own
    tests run on them; the last line says `tests on Rust: N/M pass, K functions swapped`."""
    from portalis.pyext.build import maturin
    from portalis.pyext.repo import run_tests_on_crate

    if maturin() is None:
        print("tests on Rust: not run (maturin is not installed)")
        return True
    run = run_tests_on_crate(repo, crate_dir, report)
    print_extension(run.extension)
    if run.tests is None:
        ext = run.extension
        print(f"tests on Rust: not run ({'; '.join(ext.problems) or (ext.build.message if ext.build else 'no function to expose')})")
        return False
    print_repo_tests(run.tests, run.demoted)  # ends with the `tests on Rust` line
    if run.tests.python.error or run.tests.rust.error:
        return False  # a suite that could not run is a failure, not "0/0 pass"
    return all(t.rust == "passed" for t in run.tests.tests if t.python == "passed")


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
    from portalis_assets.runner import sync_repo

    outcome, home = _in_dagster(args, sync_repo)
    print(json.dumps(outcome.summary()))
    if outcome.root_note:
        print(f"sync: {outcome.root_note}", file=sys.stderr)
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
    t.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="worker processes for parse, type map and lowering (default: $PORTALIS_JOBS, else every core "
                        "for a repository of 256 KB of Python or more; 1: one process)")
    t.add_argument("--vendor", action="store_true",
                   help="copy the crate's dependencies into DIR/vendor (cargo vendor) so it builds offline")
    t.add_argument(
        "--verify", action="store_true",
        help="run each translated function on cases (doctests, the repo's tests, generated) in Python and Rust",
    )
    t.add_argument("--allow-unsandboxed", action="store_true",
                   help="run the repository's code (--verify, LLM tests) even with no sandbox that cuts off network and files")
    tr = t.add_mutually_exclusive_group()
    tr.add_argument("--trace", dest="trace", action="store_true", default=None,
                    help="run the repository's tests and doctests once under a type recorder, in the sandbox: the types "
                         "they pass are evidence for unannotated code (default with --verify; cached in --cache)")
    tr.add_argument("--no-trace", dest="trace", action="store_false", help="do not run the tests under the tracer")
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
    py = t.add_mutually_exclusive_group()
    py.add_argument("--python", action="store_true",
                    help="also write and build a Python extension module (DIR/python/) of the verified functions (implies --verify)")
    py.add_argument("--python-all", action="store_true", help="the same, exposing every translated function")
    t.add_argument("--venv", default=None, metavar="DIR",
                   help="with --python/--python-all: install the extension into this virtualenv (maturin develop --release)")
    add_output_options(t, progress=True)
    t.set_defaults(func=cmd_translate)

    d = sub.add_parser("demo", help="translate examples/ through the Dagster asset graph")
    d.add_argument("--repo", default="examples", help="source repository (default: examples)")
    d.add_argument("--out", default=None, help="crate directory (default: $DAGSTER_HOME/portalis/crate)")
    d.add_argument("--wait", type=float, default=60.0, metavar="S",
                   help="how long to wait for another sync/demo or a process holding the DuckDB file (default 60)")
    d.add_argument("--python", action="store_true",
                   help="then build the verified functions as a Python extension (maturin) and run the repo's tests on them")
    add_output_options(d, progress=True)
    d.set_defaults(func=cmd_demo)

    r = sub.add_parser("test", help="run a repository's own pytest suite on Python, then on the Rust translation (swapped in)")
    r.add_argument("--repo", required=True, help="the repository (its tests run from this directory)")
    r.add_argument("--out", default=None, help="crate directory (default: out/<repo>-crate)")
    r.add_argument("--all", action="store_true", help="swap every translated function, not only the verified ones")
    r.add_argument("--keep-python", action="append", default=[], metavar="MODULE.FUNCTION",
                   help="leave this function on Python (repeatable)")
    r.add_argument("--python-exe", default=None, metavar="PYTHON",
                   help="the interpreter that runs the tests and that the extension is built for (default: this one)")
    r.add_argument("--allow-unsandboxed", action="store_true", help="as for translate (verification runs the repository's code)")
    r.add_argument("--json", action="store_true", help="print the result as JSON")
    r.set_defaults(func=cmd_test)

    s = sub.add_parser("sync", help="retranslate what changed in a repo (one repo_changes sensor evaluation, in process)")
    s.add_argument("--repo", required=True, help="source repository")
    s.add_argument("--out", default=None, help="crate directory (default: $DAGSTER_HOME/portalis/crate)")
    s.add_argument("--wait", type=float, default=60.0, metavar="S",
                   help="how long to wait for another sync/demo or a process holding the DuckDB file (default 60)")
    s.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress (stage, modules done, time) on stderr; default: on when stderr is a terminal")
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
