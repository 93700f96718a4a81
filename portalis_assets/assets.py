"""The five stages as software-defined assets.

Per-module assets run over every partition key of the run (`BackfillPolicy.single_run()` lets
one run cover many modules, so stage N of all modules finishes before stage N+1 starts: a module's
translation sees the type maps of the modules it imports). Each module is handled on its own: a
broken one gets diagnostics, never an exception that would stop the others. Rows go to DuckDB
through the store (one transaction per module); metadata goes to the partition it describes.
"""


import json
import time
import uuid
import warnings

import dagster as dg

# BackfillPolicy is "beta" in 1.13 but is what lets one run cover many module partitions.
warnings.filterwarnings("ignore", category=dg.BetaWarning, message=".*backfill_policy.*")

from portalis.crate import crate_name
from portalis.model import CrateResult, Diagnostic, ModuleTypeMap, ParsedModule
from portalis.parse import parse_file
from portalis.pipeline import assemble, module_report, write_report
from portalis.typemap import build_type_map
from portalis.validate.cargo import run_cargo, rustfmt_clean
from portalis.validate.compile import check_modules
from portalis_assets.metadata import diagnostics_md, rust_md, table_md
from portalis_assets.partitions import python_modules
from resources import DuckDBStoreResource, RustToolchainResource, SourceRepoResource, TranslatorResource

GROUP = "translate"
SINGLE_RUN = dg.BackfillPolicy.single_run()

# Bump a stage's version when its logic changes: its partitions become stale.
PARSE_VERSION = "parse-1"
TYPE_MAP_VERSION = "typemap-1"
TRANSLATE_VERSION = "rules-1"
VALIDATE_VERSION = "validate-1"
CRATE_VERSION = "crate-1"


@dg.asset(
    partitions_def=python_modules,
    backfill_policy=SINGLE_RUN,
    code_version=PARSE_VERSION,
    group_name=GROUP,
    kinds={"python", "duckdb"},
    description="libcst outline of each module (functions, classes, imports, constants) and its source.",
)
def parsed_ast(context: dg.AssetExecutionContext, source_repo: SourceRepoResource, store: DuckDBStoreResource) -> None:
    db = store.store()
    root = source_repo.root_path()
    found = {m.module: m for m in source_repo.modules()}
    for key in context.partition_keys:
        src = found.get(key)
        if src is None:
            parsed = ParsedModule(
                module=key, path="", source_sha256="", ok=False,
                diagnostics=[Diagnostic(code="PTL002", message=f"module {key} is not in {root}", module=key)],
            )
        else:
            parsed = parse_file(root, src)
        db.put_parsed(parsed)
        context.add_asset_metadata(
            {
                "path": parsed.path,
                "parsed": parsed.ok,
                "lines": parsed.line_count,
                "functions": len(parsed.functions),
                "classes": len(parsed.classes),
                "imports": dg.MetadataValue.json(parsed.imported_modules()),
                "diagnostics": diagnostics_md(parsed.diagnostics),
                "source_sha256": parsed.source_sha256,
            },
            partition_key=key,
        )


@dg.asset(
    partitions_def=python_modules,
    backfill_policy=SINGLE_RUN,
    code_version=TYPE_MAP_VERSION,
    group_name=GROUP,
    kinds={"python", "duckdb"},
    deps=[parsed_ast],
    description="Each module's interface: function signatures, dataclass fields, constants, in Python and Rust types.",
)
def type_map(context: dg.AssetExecutionContext, store: DuckDBStoreResource) -> None:
    db = store.store()
    parsed = db.get_parsed(list(context.partition_keys))
    for key in context.partition_keys:
        p = parsed.get(key)
        tm = build_type_map(p) if p is not None else ModuleTypeMap(module=key)
        db.put_type_map(tm)
        rows = [[f.name, ", ".join(f"{q.name}: {q.rust_type}" for q in f.params), f.rust_returns, "yes" if f.typed else "no"] for f in tm.functions]
        context.add_asset_metadata(
            {
                "functions": len(tm.functions),
                "typed_functions": sum(f.typed for f in tm.functions),
                "classes": len(tm.classes),
                "signatures": table_md(["function", "parameters", "returns", "typed"], rows),
                "diagnostics": diagnostics_md(tm.diagnostics),
            },
            partition_key=key,
        )


def _interface_keys(parsed: ParsedModule) -> list[str]:
    """Modules whose type maps a module's translation may need (`from pkg import mod` included)."""
    keys = set(parsed.imported_modules())
    keys.update(f"{i.module}.{i.name}" for i in parsed.imports if i.name)
    return sorted(keys)


@dg.asset(
    partitions_def=python_modules,
    backfill_policy=SINGLE_RUN,
    code_version=TRANSLATE_VERSION,
    group_name=GROUP,
    kinds={"rust", "duckdb"},
    deps=[type_map],
    description="Rust items of each module (rules first); what the rules cannot translate is a todo!() with a diagnostic.",
)
def rust_translation(context: dg.AssetExecutionContext, store: DuckDBStoreResource, translator: TranslatorResource) -> None:
    db = store.store()
    keys = list(context.partition_keys)
    parsed = db.get_parsed(keys)
    own_maps = db.get_type_maps(keys)
    for key in keys:
        p = parsed.get(key)
        if p is None:
            context.log.warning(f"{key}: no parsed_ast row; skipped")
            continue
        interfaces = db.get_type_maps(_interface_keys(p))
        started = time.perf_counter()
        t = translator.translate(p, own_maps.get(key) or ModuleTypeMap(module=key), interfaces)
        seconds = time.perf_counter() - started
        db.put_translation(t)
        fns = t.functions
        translated = sum(f.status.value == "translated" for f in fns)
        code = "\n".join(i.code for i in t.items if i.code)
        context.add_asset_metadata(
            {
                "functions": len(fns),
                "translated": translated,
                "untranslated": len(fns) - translated,
                "translation_seconds": round(seconds, 4),
                "backend": translator.backend,
                "diagnostics": diagnostics_md(t.diagnostics),
                "rust": rust_md(code or "// nothing translated"),
            },
            partition_key=key,
        )


@dg.asset(
    partitions_def=python_modules,
    backfill_policy=SINGLE_RUN,
    code_version=VALIDATE_VERSION,
    group_name=GROUP,
    kinds={"rust", "duckdb"},
    deps=[rust_translation],
    check_specs=[
        dg.AssetCheckSpec(
            "rust_compiles",
            asset="validation_report",
            blocking=True,
            description="Every module of the run compiles with cargo check once rejected functions are quarantined.",
        )
    ],
    description="cargo check of all current translations together; rustc errors mapped back to module and function.",
)
def validation_report(
    context: dg.AssetExecutionContext, store: DuckDBStoreResource, rust_toolchain: RustToolchainResource
) -> dg.MaterializeResult:
    db = store.store()
    keys = list(context.partition_keys)
    current = set(context.instance.get_dynamic_partitions(python_modules.name))
    # Modules call each other, so the check crate holds every current module, not just this run's.
    translations = {k: v for k, v in db.get_translations().items() if k in current}
    parsed = db.get_parsed(list(translations))
    sources = {k: p.path for k, p in parsed.items()}
    results, run, _ = check_modules(
        translations, rust_toolchain.check_dir(), rust_toolchain.toolchain(), "portalis_check", sources
    )
    failing = []
    for key in keys:
        v = results.get(key)
        if v is None:
            context.log.warning(f"{key}: no rust_translation row; skipped")
            continue
        db.put_validation(v)
        if not v.compiles:
            failing.append(key)
        rows = [[f.name, f.status.value, f.backend] for f in v.functions]
        context.add_asset_metadata(
            {
                "compiles": v.compiles,
                "compile_errors": v.errors,
                "warnings": v.warnings,
                "quarantined": sum(f.status.value == "compile_error" for f in v.functions),
                "functions": table_md(["function", "status", "backend"], rows),
                "diagnostics": diagnostics_md(v.diagnostics),
            },
            partition_key=key,
        )
    check = dg.AssetCheckResult(
        check_name="rust_compiles",
        passed=not failing and not run.failure,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "modules_checked": len(translations),
            "failing_modules": dg.MetadataValue.json(failing),
            "cargo_seconds": round(run.seconds, 2),
            "toolchain_failure": run.failure or "",
        },
    )
    return dg.MaterializeResult(check_results=[check])


@dg.asset(
    code_version=CRATE_VERSION,
    group_name=GROUP,
    kinds={"rust"},
    deps=[validation_report],
    description="The Cargo crate of the whole repo, built with cargo, plus portalis-report.json.",
)
def rust_crate(
    context: dg.AssetExecutionContext, store: DuckDBStoreResource, rust_toolchain: RustToolchainResource
) -> dg.MaterializeResult:
    db = store.store()
    current = set(context.instance.get_dynamic_partitions(python_modules.name))
    validations = {k: v for k, v in db.get_validations().items() if k in current}
    parsed = db.get_parsed(sorted(current))
    translations = db.get_translations(sorted(current))
    out = rust_toolchain.output_dir()
    name = crate_name(_repo_name(parsed))
    started = time.perf_counter()
    assemble(out, name, validations, {k: p.path for k, p in parsed.items()}, rust_toolchain.rustfmt)
    built = run_cargo(out, rust_toolchain.toolchain(), "build")
    seconds = time.perf_counter() - started
    crate = CrateResult(
        path=str(out), compiles=built.ok, modules=len(validations),
        rustfmt_clean=rustfmt_clean(out, rust_toolchain.toolchain()),
    )
    reports = [
        module_report(parsed.get(k), translations.get(k), validations.get(k), k, parsed[k].path if k in parsed else "")
        for k in sorted(current)
    ]
    report_path = write_report(out, reports, crate)
    db.put_crate_build(uuid.uuid4().hex, str(out), built.ok, len(validations), seconds, {"modules": reports})
    fns = [f for r in reports for f in r["functions"]]
    translated = sum(f["status"] in ("translated", "verified") for f in fns)
    rows = [[r["module"], len(r["functions"]), sum(f["status"] in ("translated", "verified") for f in r["functions"]), r["status"]] for r in reports]
    if not built.ok:
        context.log.error(f"cargo build failed: {built.failure or [m.message for m in built.errors][:3]}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(out)),
            "report": dg.MetadataValue.path(str(report_path)),
            "compiles": built.ok,
            "rustfmt_clean": bool(crate.rustfmt_clean),
            "modules": len(reports),
            "functions": len(fns),
            "translated": translated,
            "untranslated": len(fns) - translated,
            "build_seconds": round(seconds, 2),
            "summary": table_md(["module", "functions", "translated", "status"], rows),
            "report_json": dg.MetadataValue.json(json.loads(report_path.read_text())["crate"]),
        }
    )


def _repo_name(parsed: dict[str, ParsedModule]) -> str:
    tops = sorted({k.split(".")[0] for k in parsed})
    return tops[0] if len(tops) == 1 else "translated"


ALL_ASSETS = [parsed_ast, type_map, rust_translation, validation_report, rust_crate]
