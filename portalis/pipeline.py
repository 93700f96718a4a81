"""The whole translation in one process, without Dagster: what `portalis translate` runs.

The Dagster assets call the same stage functions one module partition at a time; this module
chains them over a whole repository in memory.
"""

from __future__ import annotations

import json
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from portalis import naming
from portalis.contain import ERROR_CODES
from portalis.crate import crate_name, write_crate
from portalis.deps import DependencyError, dependency_lines
from portalis.deps import vendor as vendor_crate
from portalis.lower.module import lower_module
from portalis.names import resolve_all
from portalis.model import (
    CrateResult,
    Diagnostic,
    FunctionReport,
    FunctionStatus,
    ModuleTranslation,
    ModuleTypeMap,
    ModuleValidation,
    Observations,
    ParsedModule,
    PyType,
    Severity,
    SkippedFile,
)
from portalis.source import Discovery, SourceError, resolve_root, scan_sources
from portalis.lower.module import format_translations
from portalis.parse import parse_file
from portalis.progress import NO_PROGRESS, ProgressSink
from portalis.reasons import function_lines, function_reason
from portalis.imported_returns import map_rounds
from portalis.typemap import build_type_map
from portalis.workers import ShardPool, job_count, lower_unformatted, parse_and_map, run_sharded, type_map_of
from portalis.analysis.class_flow import repo_passed_classes
from portalis.analysis.provenance import find_signature, signature_summary
from portalis.validate.cargo import Toolchain, run_cargo, rustfmt_clean
from portalis.validate.behaviour import BehaviourReport, VerifyConfig, apply_verdicts, verify_crate
from portalis.validate.compile import check_modules
from portalis.validate.trace import TraceConfig, observe
from portalis.validate.safety import function_sources

if TYPE_CHECKING:
    from portalis.llm.settings import LLMSettings

REPORT_NAME = "portalis-report.json"


def module_status(parsed: ParsedModule | None, validation: ModuleValidation | None,
                  diagnostics: list[Diagnostic] | None = None) -> str:
    """ok | partial | empty | error, for the report and the UI. `error`: the module did not
    parse, a stage failed on it (a module-level PTL004/PTL005/PTL009 among `diagnostics`), or its
    Rust does not compile."""
    if parsed is not None and not parsed.ok:
        return "error"
    if diagnostics and any(d.code in ERROR_CODES and d.function is None for d in diagnostics):
        return "error"
    if validation is None:
        return "error"
    if not validation.items and not validation.functions:
        return "empty"
    if not validation.compiles:
        return "error"
    # The module status is about translation coverage; behaviour (verified / failed / untested,
    # all translated) has its own per-function statuses and the `verification` summary.
    translated = (FunctionStatus.TRANSLATED, FunctionStatus.VERIFIED, FunctionStatus.FAILED, FunctionStatus.UNTESTED)
    if any(f.status not in translated and f.status is not FunctionStatus.EXCLUDED for f in validation.functions):
        return "partial"  # (script code, `excluded`, is not the library's: no part of its coverage)
    return "ok"


def module_report(parsed: ParsedModule | None, translation: ModuleTranslation | None, validation: ModuleValidation | None, module: str, path: str,
                  type_map: ModuleTypeMap | None = None) -> dict:
    """One module's entry of the report; with its type map, each function has its `signature`:
    the types of its parameters and return with where each came from (annotation, default, use,
    call site, docstring, return, body)."""
    diagnostics: list[Diagnostic] = []
    if translation is not None:
        diagnostics += translation.diagnostics
    elif parsed is not None:
        diagnostics += parsed.diagnostics
    if validation is not None:
        diagnostics += validation.diagnostics
    lines = function_lines(parsed, validation.items if validation else translation.items if translation else [])
    rust_path = naming.rust_path(module)
    if naming.renamed(module):
        diagnostics = [Diagnostic(code="PTL016", message=f"`{module}` is `{rust_path}` in the crate (a name Rust or the crate's files reserve)",
                                  module=module, severity=Severity.INFO), *diagnostics]
    return {
        "module": module,
        "path": path,
        "rust_path": rust_path,
        "status": module_status(parsed, validation, diagnostics),
        "diagnostics": [
            {"code": d.code, "message": d.message, "line": d.line, "function": d.function, "severity": d.severity.value}
            for d in diagnostics
        ],
        "functions": [function_entry(f, diagnostics, lines.get(f.qualname), type_map) for f in (validation.functions if validation else [])],
    }


def function_entry(f: FunctionReport, diagnostics: list[Diagnostic], line: int | None, type_map: ModuleTypeMap | None = None) -> dict:
    """One function of the report: its status, cases, and why it is not verified (`reason`:
    code, message, line; None when verified or translated without a verdict); with the type
    map, its `signature` with the provenance of each type."""
    reason = function_reason(f, diagnostics, line)
    return {
        "name": f.name,
        "qualname": f.qualname,
        "line": line,
        "backend": f.backend,
        "status": f.status.value,
        "cases_passed": f.cases_passed,
        "cases_total": f.cases_total,
        "detail": f.detail,
        "reason": reason.model_dump() if reason else None,
        **_signature_entry(type_map, f.qualname),
    }


def _signature_entry(type_map: ModuleTypeMap | None, qualname: str) -> dict:
    sig = find_signature(type_map, qualname) if type_map is not None else None
    return {"signature": signature_summary(sig)} if sig is not None else {}


def skipped_report(found: Discovery) -> dict:
    """The report's account of the `.py` files that are not modules: each with its code and
    reason, and how many the exclude patterns left out."""
    return {"skipped": [skipped_entry(s) for s in found.skipped], "excluded": found.excluded}


def skipped_entry(s: SkippedFile) -> dict:
    return {"path": s.path, "code": s.code, "reason": s.reason, "severity": s.severity.value}


def write_report(out_dir: Path, modules: list[dict], crate: CrateResult, verification: dict | None = None,
                 llm: dict | None = None, files: dict | None = None, observed: dict | None = None) -> Path:
    """`files`: `skipped_report(...)` (the files that are not modules); `observed`: the
    tracer's summary (portalis.model.Observations.summary)."""
    path = out_dir / REPORT_NAME
    payload = {
        "modules": modules,
        **(files or {}),
        "crate": {"path": crate.path, "compiles": crate.compiles, "rustfmt_clean": crate.rustfmt_clean,
                  "dependencies": crate.dependencies},
    }
    if verification is not None:
        payload["verification"] = verification
    if llm is not None:  # the LLM stage's metrics (portalis/llm/metrics.py)
        payload["llm"] = llm
    if observed is not None:
        payload["observed"] = observed
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return path


@dataclass
class TranslationRun:
    out_dir: Path
    report: dict
    crate: CrateResult
    timings: dict[str, float] = field(default_factory=dict)
    behaviour: BehaviourReport | None = None  # with verify=True
    cache_stats: dict[str, int] = field(default_factory=dict)  # with cache=: functions_translated, cache_hits
    llm: dict | None = None  # with llm=: the LLM stage's metrics
    type_maps: dict[str, ModuleTypeMap] = field(default_factory=dict)  # the modules' interfaces (the extension's plan reads them)
    report_crate_name: str = ""  # the crate's package name


def _source_sizes(root: Path, modules: list) -> dict[str, int]:
    """Each module's file size in bytes (0 when unreadable): the weight of its share of the work."""
    sizes: dict[str, int] = {}
    for m in modules:
        try:
            sizes[m.module] = (root / m.path).stat().st_size
        except OSError:
            sizes[m.module] = 0
    return sizes


def _rebuild_maps(todo: dict[str, dict[str, PyType]], parsed: dict[str, ParsedModule], observed: dict, passed: dict,
                  pool: ShardPool | None,
                  n_jobs: int, weights: dict[str, int]) -> dict[str, ModuleTypeMap]:
    """The type maps of `todo`'s modules built again with the imported returns offered them
    (a round of portalis/imported_returns.py), by the workers when there are."""
    items = {k: (parsed[k], observed.get(k), passed.get(k), offered) for k, offered in todo.items()}
    if pool is None:
        return {k: type_map_of(v) for k, v in items.items()}
    return run_sharded(type_map_of, items, n_jobs, (), pool, {k: weights.get(k, 1) for k in items})


def check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise SourceError(f"output path exists and is not a directory: {out_dir}")


def translate_path(
    path: Path,
    out_dir: Path,
    toolchain: Toolchain | None = None,
    build: bool = True,
    verify: bool = False,
    verify_config: VerifyConfig | None = None,
    cache: Path | None = None,
    llm: "LLMSettings | None" = None,
    progress: ProgressSink = NO_PROGRESS,
    vendor: bool = False,
    jobs: int | None = None,
    trace: TraceConfig | None = None,
) -> TranslationRun:
    """Translate a .py file, a package or a repository directory into a crate in out_dir.

    With `vendor`, the crate's dependencies are copied into out_dir/vendor (`cargo vendor`) and
    .cargo/config.toml points cargo there, offline (portalis/deps.py); the report's crate says
    `vendored` (the packages) or `vendor_error`.

    With `llm` (portalis.llm), what the rules leave as todo!() (every function with
    `llm.llm_only`) goes to the model, and a candidate is kept only when it passes the safety
    gate, compiles in the crate and, when it has cases, its differential tests; the report's
    function `backend` says `rules` or `llm`, and its `llm` key holds the stage's metrics.
    The backend's health check runs first: an unusable backend raises BackendUnavailable.

    With verify=True, every translated function is also run on test cases in Python and in Rust
    (portalis.validate.behaviour) and the report gets its status (verified, failed, untested),
    its case counts and a `verification` summary.

    `progress` (portalis/progress.py) hears of each stage and of each module done.

    `jobs`: worker processes for parse, type map and lowering (portalis/workers.py: None or 0
    means $PORTALIS_JOBS, else every core when the repository is big enough); the crate and the
    report are the same as with one process.

    With `trace` (enabled), the repository's tests and doctests first run once under the tracer
    (portalis/validate/trace.py; cached in the `cache` store by source hash) and the types they
    passed and returned are evidence for the type map; the report's `observed` summarises it."""
    toolchain = toolchain or Toolchain()
    check_out_dir(out_dir)
    src = resolve_root(path)
    found = scan_sources(src)
    modules = found.modules
    if not modules:
        why = "; ".join(f"{s.path}: {s.reason}" for s in found.skipped[:3])
        raise SourceError(f"no Python module found in {path}" + (f" ({why})" if why else ""))
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    # Each stage function is contained per module (portalis/contain.py): what escapes a pass for
    # one module fails that module (status `error`), never the run.
    weights = _source_sizes(src.root, modules)
    # The LLM stage and the cache read and write a store: they stay in this process.
    n_jobs = job_count(jobs, len(modules), sum(weights.values())) if llm is None and cache is None else 1
    observations: Observations | None = None
    if trace is not None and trace.enabled:
        progress.stage("tests and doctests under the tracer")
        from portalis.store import Store

        observations = observe(src.root, modules, trace, Store(cache) if cache is not None else None)
        timings["trace_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
    observed = {m.module: observations.module(m.module) for m in modules} if observations is not None else {}
    # Classes passed as values across modules (portalis/analysis/class_flow.py): one pass over
    # every module's text before the per-module type maps, which take it as call-site evidence.
    passed = repo_passed_classes(src.root, modules)
    with ShardPool(n_jobs) if n_jobs > 1 else nullcontext() as pool:
        parsed: dict[str, ParsedModule] = {}
        type_maps: dict[str, ModuleTypeMap] = {}
        if pool is not None:
            # Each worker parses and maps its shard, and later lowers the same shard from the trees it holds.
            progress.stage(f"parse + type map ({n_jobs} workers)", total=len(modules))
            both = run_sharded(parse_and_map, {m.module: (m, observed.get(m.module), passed.get(m.module)) for m in modules}, n_jobs, (src.root,), pool, weights)
            for k, (p, tm) in both.items():
                parsed[k], type_maps[k] = p, tm
            progress.advance(len(modules))
            timings["parse_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
        else:
            progress.stage("parse", total=len(modules))
            for m in modules:
                parsed[m.module] = parse_file(src.root, m)
                progress.advance()
            timings["parse_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            progress.stage("type map", total=len(parsed))
            for k, p in parsed.items():
                type_maps[k] = build_type_map(p, observed.get(k), passed.get(k))
                progress.advance()
        # Rounds: modules calling functions they import from the repository are mapped again
        # with those functions' returns (portalis/imported_returns.py), only those whose offer changed.
        type_maps, _ = map_rounds(parsed, type_maps, lambda todo: _rebuild_maps(todo, parsed, observed, passed, pool, n_jobs, weights))
        # Types settled against the whole crate once (portalis/names.py): re-exported classes where
        # they are defined, aliases of other modules, a placeholder for what has no Rust item.
        type_maps = resolve_all(type_maps)
        timings["type_map_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        cache_stats: dict[str, int] = {}
        llm_summary: dict | None = None
        progress.stage("translate" if llm is None else "translate (rules, then the LLM)", total=len(parsed) if llm is None and cache is None else None)
        if llm is not None:  # rules, then the model for what they left (portalis/llm/stage.py)
            from portalis.llm.stage import translate_with_llm
            from portalis.store import Store

            llm_toolchain = toolchain if toolchain.target_dir else toolchain.model_copy(update={"target_dir": str(out_dir / "target")})
            translations, stats, stage = translate_with_llm(
                parsed, type_maps, llm, llm_toolchain, src.root, {m.module: m.path for m in modules},
                cache_store=Store(cache) if cache is not None else None,
            )
            cache_stats = stats if cache is not None else {}
            llm_summary = stage.summary()
        elif cache is not None:  # per-function cache (portalis/cache.py): unchanged functions are reused
            from portalis.cache import FunctionCache, translate_all_cached
            from portalis.store import Store

            translations, cache_stats = translate_all_cached(parsed, type_maps, FunctionCache(Store(cache)), rustfmt=toolchain.rustfmt)
        else:
            # Printed unformatted, then formatted by one rustfmt run for the whole crate.
            if pool is not None:
                translations = run_sharded(lower_unformatted, {k: (p, type_maps[k]) for k, p in parsed.items()}, n_jobs,
                                           (type_maps,), pool, weights)
                progress.advance(len(translations))
            else:
                translations = {}
                for k, p in parsed.items():
                    translations[k] = lower_module(p, type_maps[k], type_maps, None)
                    progress.advance()
            progress.stage("rustfmt")
            format_translations(list(translations.values()), toolchain.rustfmt)
        timings["translate_s"] = time.perf_counter() - t0

    out_dir.mkdir(parents=True, exist_ok=True)
    if toolchain.target_dir is None:
        toolchain = toolchain.model_copy(update={"target_dir": str(out_dir / "target")})
    name = crate_name(path.stem if path.is_file() else path.resolve().name)
    sources = {m.module: m.path for m in modules}
    t0 = time.perf_counter()
    progress.stage("cargo clippy (safety gate, compile check)" if verify else "cargo check (safety gate, compile check)")
    # the safety gate always runs; clippy (lints counted per module) with --verify
    validations, run, layout = check_modules(
        translations, out_dir, toolchain, name, sources,
        python_functions={k: function_sources(p) for k, p in parsed.items()}, lint=verify, final_build=build or verify,
    )
    timings["check_s"] = time.perf_counter() - t0
    compiles = run.ok
    vendored: list[str] | None = None
    vendor_error: str | None = None
    if vendor:
        progress.stage("cargo vendor")
        try:
            vendored = vendor_crate(out_dir, toolchain.cargo)
        except DependencyError as exc:
            vendor_error = str(exc)
    if build and compiles:
        t0 = time.perf_counter()
        progress.stage("cargo build")
        built = run_cargo(out_dir, toolchain, "build")
        timings["build_s"] = time.perf_counter() - t0
        compiles = built.ok
    behaviour: BehaviourReport | None = None
    verification: dict | None = None
    if verify:
        t0 = time.perf_counter()
        progress.stage("verify: preparing")
        behaviour, verification = _verify(out_dir, src.root, parsed, type_maps, validations, toolchain, run.ok, verify_config,
                                          progress)
        timings["verify_s"] = time.perf_counter() - t0
    progress.stage("rustfmt --check, report")
    crate = CrateResult(
        path=str(out_dir.resolve()), compiles=compiles, modules=len(modules), rustfmt_clean=rustfmt_clean(out_dir, toolchain),
        dependencies=dependency_lines(layout.crates),
    )
    reports = [
        module_report(parsed[m.module], translations[m.module], validations.get(m.module), m.module, m.path, type_maps.get(m.module))
        for m in modules
    ]
    files = skipped_report(found)
    observed_summary = observations.summary() if observations is not None else None
    write_report(out_dir, reports, crate, verification, llm_summary, files, observed_summary)
    report = {"modules": reports, **files,
              "crate": {"path": crate.path, "compiles": crate.compiles, "rustfmt_clean": crate.rustfmt_clean,
                        "dependencies": crate.dependencies}}
    if vendor:
        report["crate"]["vendored"] = vendored or []
        if vendor_error:
            report["crate"]["vendor_error"] = vendor_error
    if verification is not None:
        report["verification"] = verification
    if llm_summary is not None:
        report["llm"] = llm_summary
    if observed_summary is not None:
        report["observed"] = observed_summary
    return TranslationRun(out_dir=out_dir, report=report, crate=crate, timings=timings, behaviour=behaviour, cache_stats=cache_stats,
                          llm=llm_summary, type_maps=type_maps, report_crate_name=name)


def _verify(
    out_dir: Path,
    source_root: Path,
    parsed: dict[str, ParsedModule],
    type_maps: dict[str, ModuleTypeMap],
    validations: dict[str, ModuleValidation],
    toolchain: Toolchain,
    compiles: bool,
    config: VerifyConfig | None,
    progress: ProgressSink = NO_PROGRESS,
) -> tuple[BehaviourReport | None, dict]:
    """Behaviour validation of the written crate; verdicts go into `validations`."""
    if not compiles:
        for v in validations.values():
            for f in v.functions:
                if f.status is FunctionStatus.TRANSLATED:
                    f.status, f.detail = FunctionStatus.UNTESTED, "the crate does not compile"
        return None, {"ran": False, "reason": "the crate does not compile", **verification_summary(validations)}
    behaviour = verify_crate(out_dir, source_root, parsed, type_maps, validations, toolchain, config, progress=progress)
    apply_verdicts(validations, behaviour)
    summary = verification_summary(validations)
    summary.update({
        "ran": behaviour.refused is None, "seconds": round(behaviour.timings.total_s, 3), "reused_build": behaviour.timings.reused,
        "failure": behaviour.failure,
        # the isolation repository code ran under (portalis.sandbox); "refused" when none was acceptable
        "sandbox": "refused" if behaviour.refused else behaviour.sandbox,
    })
    if behaviour.refused:
        summary["reason"] = behaviour.refused
    return behaviour, summary


def verification_summary(validations: dict[str, ModuleValidation]) -> dict:
    """Function counts by status and case totals over all modules."""
    fns = [f for v in validations.values() for f in v.functions]
    counts = {s.value: sum(f.status is s for f in fns) for s in FunctionStatus}
    static = {
        "compile_errors": sum(v.errors for v in validations.values()),
        "clippy_warnings": sum(v.clippy_warnings for v in validations.values()),
        "rejected_by_safety_gate": sum(d.code == "PTL401" for v in validations.values() for d in v.diagnostics),
    }
    translated = sum(f.status in (FunctionStatus.VERIFIED, FunctionStatus.FAILED, FunctionStatus.UNTESTED, FunctionStatus.TRANSLATED) for f in fns)
    return {
        "functions": len(fns) - counts["excluded"],  # script code (PTL146) is counted apart
        "excluded": counts["excluded"],
        "verified": counts["verified"],
        "failed": counts["failed"],
        "untested": counts["untested"] + counts["translated"],
        "untranslated": counts["untranslated"] + counts["compile_error"],
        "verified_share": round(counts["verified"] / translated, 4) if translated else 0.0,
        "cases_passed": sum(f.cases_passed for f in fns),
        "cases_total": sum(f.cases_total for f in fns),
        **static,
    }


def assemble(out_dir: Path, name: str, validations: dict[str, ModuleValidation], sources: dict[str, str], rustfmt: str = "rustfmt",
             cargo: str = "cargo") -> None:
    """Write the final crate from validated modules (quarantine already applied)."""
    write_crate(out_dir, name, {m: v.items for m, v in validations.items()}, sources, rustfmt, cargo)
