"""The five stages as software-defined assets, and `module_status`, each run's last step.

Per-module assets run over every partition key of the run (`BackfillPolicy.single_run()` lets
one run cover many modules, so stage N of all modules finishes before stage N+1 starts: a module's
translation sees the type maps of the modules it imports). Each module is handled on its own: a
broken one gets diagnostics, never an exception that would stop the others. Rows go to DuckDB
through the store (one transaction per step, each table's rows written in bulk; a module whose
write fails is that module's failure: portalis/store.py); metadata goes to the partition it
describes, added once its rows are written.

When a stage raises for one module, the module is recorded as failed (portalis_assets/faults.py),
the later stages of the run leave it alone, and the others go on to the crate. `module_status`
comes last: it marks the modules that made it through every stage done (their translation state
is committed: what the sensor trusts) and fails the modules that did not, so they are FAILED
partitions, the run is a failure, and the next sync tries them again. (Dagster cannot fail some
partitions of a multi-partition step and still run the next step for the others, dagster-io/
dagster#17836; so the failing step is the last one.)
"""


import json
import time
import uuid
import warnings
from typing import Any, Iterator

import dagster as dg

# BackfillPolicy is "beta" in 1.13 but is what lets one run cover many module partitions.
warnings.filterwarnings("ignore", category=dg.BetaWarning, message=".*backfill_policy.*")
# A partitioned asset check is "preview" in 1.13; it is what gives behaviour_verified one verdict per module.
warnings.filterwarnings("ignore", category=dg.PreviewWarning, message=".*partitions_def on an AssetCheckSpec.*")

from pydantic import Field

from portalis.cache import (
    CachedTranslation, FunctionCache, RULES_VERSION, format_planned, plan_module, translate_planned, translator_version,
)
from portalis.crate import crate_name
from portalis.deps import DependencyError
from portalis.deps import vendor as vendor_crate
from portalis.imported_returns import map_rounds
from portalis.interface import interface_deps
from portalis.model import CrateResult, Diagnostic, ModuleTypeMap, ParsedModule
from portalis.names import load_export_closure, resolve_all
from portalis.parse import parse_file
from portalis.pipeline import assemble, module_report, verification_summary, write_report
from portalis.typemap import build_type_map
from portalis.analysis.class_flow import repo_passed_classes
from portalis.validate.trace import observe
from portalis.workers import parse_at, run_sharded, shared_pool, translate_printed, type_map_of
from portalis.validate.cargo import run_cargo, rustfmt_clean
from portalis.sandbox import SandboxPolicy
from portalis.validate.behaviour import BehaviourReport, StoreCaseCache, VerifyConfig, apply_verdicts, verify_crate
from portalis.validate.compile import check_modules
from portalis.validate.safety import function_sources
from portalis.validate.static import crate_safety, rustfmt_modules
from portalis_assets.faults import error_md, inject_fault, pause_point, record_failure, skip_failed
from portalis_assets.checks import BEHAVIOUR_CHECK, behaviour_verdict, check_evaluation, latest_materializations
from portalis_assets.metadata import code_md, code_references, diagnostics_table, functions_table, modules_table, rust_md, signatures_table
from portalis_assets.outcome import failed_modules
from portalis_assets.partitions import python_modules
from portalis_assets.recovery import claim_run
from resources import DuckDBStoreResource, RustToolchainResource, SourceRepoResource, TranslatorResource

GROUP = "translate"
SINGLE_RUN = dg.BackfillPolicy.single_run()


# Who answers for the assets (shown and filterable in the UI), and tags that say what each one is.
OWNERS = ["team:portalis"]
STAGE_TAGS = {
    "parsed_ast": "parse", "type_map": "types", "rust_translation": "translate",
    "validation_report": "validate", "rust_crate": "build", "module_status": "outcome",
    "python_extension": "extension",
}


def stage_tags(name: str, scope: str) -> dict[str, str]:
    """An asset's tags: its stage and whether it is per module or for the whole repo."""
    return {"portalis/stage": STAGE_TAGS[name], "portalis/scope": scope}


def module_stage(**kwargs: Any) -> Any:
    """A per-module stage: partitioned by module, one run may cover many modules; owned and
    tagged like every Portalis asset."""
    def decorate(fn: Any) -> Any:
        return dg.asset(partitions_def=python_modules, backfill_policy=SINGLE_RUN, group_name=GROUP, owners=OWNERS,
                        tags=stage_tags(fn.__name__, "module"), **kwargs)(fn)

    return decorate

# Bump a stage's version when its logic changes: its partitions become stale.
PARSE_VERSION = "parse-13"  # 2: collections.namedtuple rewritten to a NamedTuple class (portalis/namedtuples.py); 3: a class deriving from list/dict rewritten to hold `self.__list__`/`self.__mapping__` (portalis/builtin_bases.py); 4: module-level memo caches read as their computation (portalis/memo_caches.py); 5: a module-level try that only imports, with an except ImportError that only defines the same names, read as those definitions (portalis/import_fallbacks.py); 6: an int made from a float, used as that float until reduced by `%`, read as the float (portalis/whole_floats.py); 7: a compiled pattern's bound method under a module name read as the pattern, its calls as method calls (portalis/pattern_methods.py); 8: a module-level try that only imports, with an except ImportError that only defines the same names, read as those definitions (portalis/import_fallbacks.py); 9: a module-level try that only imports, with an except ImportError that only defines the same names, read as those definitions (portalis/import_fallbacks.py); 10: a module-level try that only imports, with an except ImportError that only defines the same names, read as those definitions (portalis/import_fallbacks.py); 11: `from unicodedata import ucd_3_2_0` read as an import of the namespace `unicodedata.ucd_3_2_0` (parse.NAMESPACE_OBJECTS); 12: a module-level try that only imports, with an except ImportError that only defines the same names, read as those definitions (portalis/import_fallbacks.py); 13: a module-level try that only imports, with an except ImportError that only defines the same names, read as those definitions (portalis/import_fallbacks.py)
TYPE_MAP_VERSION = "typemap-46"  # 2: types from evidence (portalis/analysis) with provenance; TypedParam.passing; 3: FunctionSignature.facts (local types), TypedConstant.lazy_static; 4: computed constants and more signatures typed by the analysis; 5: ClassSignature.metaclass_names; 6: union types, placeholder fields of plain classes; 7: comparison dunders with an object other behind an isinstance guard; 8: metaclass-wrapped methods (metaclass_wraps, FunctionSignature.unbound/wrapped); 9: endless generators return iter[T] (analysis/generators.py); 10: ClassSignature.source/method_owners (bases across modules); 11: attributes completed from method assignments, inherited copies share what the defining method learnt, FunctionFacts.comparison_guard; 12: library classes (date, time, datetime, timedelta, Fraction, re.Match) as types, ClassSignature.typename; 13: timedelta/date/datetime arithmetic in the analysis evaluator (td * float, td / td, divmod); 14: no older inference by lowering (the analysis alone: properties, cls.m(), methods of module classes held in values, narrowed arguments); 15: structural evidence (attribute uses only one module class has), calls through instances of module classes, class-constant defaults, every parameter of methods signed unbound (analyse_text); 16: module constants later module code builds (TypedConstant.init, analysis/module_state.py), constants changed after their first assignment no longer typed from it; 17: iter(), next(it[, default]) and itertools.islice typed in the evaluator (element types through iterators); 18: FunctionFacts.widened/rebound (facts per binding of a local), tuple() of a spelled-out sequence, stores through a bound method (`add = out.append`); 19: union parameters from isinstance tests (analysis/kinds.py), union parameters read in an arm selecting one member typed as it; 20: iterators passed or returned are lists of their items, deque(), starred items and unpacking, nested (recursive) generators, property setters as __set_x__ units, traced returns typing attributes, the own class over traced classes of other modules; 21: dynamic values (`object`, crate::pyrt::PyObj): `**kwargs` of mixed or unknown values, isinstance narrowing of them in the evaluator; 22: datetime.timezone as a type (aware datetimes), re groups that may take no part typed Optional[str] (the match type carries them); 23: re.compile of a str that is not a literal is a pattern compiled at run time (regex_syntax.DYNAMIC_PATTERN); 24: facts type what lowering's Retry (deleted) learnt: defaultdict fills, groupby, islice, dict(zip()), pattern match/search/findall, conditional expressions narrowed by a None test, Optional copies and appends, lists a nested function appends to; 25: a class deriving from list or dict is a plain class holding `__list__`/`__mapping__` (portalis/builtin_bases.py); 26: TypedParam.consumed (a list parameter iterated once to keep its items is passed by value, analysis/liveness.py consumed_params); 27: functions filling a module-level memo cache typed as the computation it remembers (portalis/memo_caches.py); 28: ClassSignature.properties (`x = property(getx, setx)` in a class body: no field, its getter and setter called), numeric constants folded from earlier ones, method list parameters resized or passed on to a changing callee are `&mut Vec`, a parameter stored into a container of known element type takes that type; 29: decimal.Decimal as a type (pyrt::PyDecimal); 30: classes of the module as union members (isinstance(x, C) / type(x) is C, analysis/kinds.py), exact type() tests, ClassSignature.unset_fields; 31: int functions with lists whose items grow from their own items on BigInt (Vec<BigInt>); 32: re patterns with look-around or back-references typed fancy (pattern_type's fifth field: fancy_regex::Regex); 33: fields from chained assignments (`self.a = self.b = None`) and from the methods `__init__` calls (class_interfaces.init_callees); 34: path classes (pygments' token types, portalis/path_types.py): ModuleNames.paths, PyType kind `path` (crate::pyrt::PyPath) for annotations, traced values and the module's path constants (no longer module-built), dicts keyed by them as statics; 35: sum() of Decimals (from the int 0 or a Decimal/int start) is a Decimal, random.sample/choices of a list a list of its items (sample of a range a list of ints), re patterns with atomic groups or possessive quantifiers typed fancy; 36: ClassSignature.message (an exception's `__str__` as a template of its constructor's arguments), a class constant named by another (`b = a` in a class body); 37: a default naming a module function is a callable of its types (`charjunk=IS_CHARACTER_JUNK`), a field holding a callable is the placeholder (PTL111); 38: classes as values (`type[A | B]` from call sites passing module classes, `super().m(...)` calls as evidence of the base's m, a union of classes' common method); 39: an override no traced call reached takes the types traced calls passed its base method (ObservedFunction.inherited), where nothing else pins one; 40: a `**kwargs` dict passed on, stored or returned holds dynamic values (dict[str, object]), traced dicts of several value types are dict[str, object] (analysis/keyword_dicts.py); 41: a generator's traced yields type its return (the list of their join) where its own yields do not; 42: `unicodedata.ucd_3_2_0.category/bidirectional(c)` type c as a str and return a str; 43: returns after an `if isinstance(p, T)` of a parameter of type T whose branch never falls through are dead code, left out of the return type; 44: IntGrowth.wide (ints passing i64 midway computed in checked i128, analysis/int_ranges.py), IntGrowth.twins/twin_of (lists of lists of big ints through a callee's BigInt twin: Fibonacci by matrix power), bool-returning functions in the int subset; 45: classes passed as values gathered across modules (analysis/class_flow.py: call sites of every module, super().m and Base.m(self, ..), forwarded parameters to a fixed point); 46: rounds with the returns of functions imported from other modules of the repository (portalis/imported_returns.py)
TRANSLATE_VERSION = RULES_VERSION
# rust_translation's code version also carries a digest of the translator's sources (portalis/cache.py):
# editing the rules makes every module stale, and the function cache keys change with it.
RUST_TRANSLATION_VERSION = translator_version(TRANSLATE_VERSION)
VALIDATE_VERSION = "validate-3"  # 2: behaviour validation, clippy, safety gate; 3: callers of stubs refused (PTL137, portalis/stub_callers.py)
CRATE_VERSION = "crate-1"
STATUS_VERSION = "status-1"


@module_stage(
    code_version=PARSE_VERSION,
    kinds={"python", "duckdb"},
    description="libcst outline of each module (functions, classes, imports, constants) and its source.",
)
def parsed_ast(context: dg.AssetExecutionContext, source_repo: SourceRepoResource, store: DuckDBStoreResource,
               translator: TranslatorResource) -> None:
    claim_run(context)
    db = store.store()
    with db.session():  # one DuckDB connection for the step (portalis/store.py)
        keys = list(context.partition_keys)
        db.clear_failures(keys)  # this run decides anew what failed
        root = source_repo.root_path(db)
        found = {m.module: m for m in source_repo.modules(db)}
        # Parsed by worker processes when the run is big enough (portalis/workers.py); each keeps its
        # modules' trees for type_map and rust_translation, which give it the same modules.
        jobs = translator.job_count(len(keys), _source_bytes(root, [found[k] for k in keys if k in found]))
        ready = run_sharded(parse_at, {k: found.get(k) for k in keys}, jobs, (root,), shared_pool(jobs)) if jobs > 1 else {}
        shown: dict[str, dict] = {}  # module -> its partition's metadata, once its row is written
        with db.deferred() as write_failed:  # the rows go in per table, in bulk (portalis/store.py)
            for key in keys:
                src = found.get(key)
                try:
                    inject_fault("parsed_ast", key)
                    if src is None:
                        parsed = ParsedModule(
                            module=key, path="", source_sha256="", ok=False,
                            diagnostics=[Diagnostic(code="PTL002", message=f"module {key} is not in {root}", module=key)],
                        )
                    else:
                        parsed = ready.get(key) or parse_file(root, src)
                    db.put_parsed(parsed)
                except Exception as exc:  # the outer net: one module's failure must not cost the others
                    record_failure(context, db, "parsed_ast", key, src.path if src else "", exc)
                    continue
                shown[key] = {
                    "path": parsed.path,
                    "parsed": parsed.ok,
                    "lines": parsed.line_count,
                    "functions": len(parsed.functions),
                    "classes": len(parsed.classes),
                    "imports": dg.MetadataValue.json(parsed.imported_modules()),
                    "diagnostics": diagnostics_table(parsed.diagnostics),
                    "source_sha256": parsed.source_sha256,
                    **_code_references(root, parsed),
                }
        _show(context, db, "parsed_ast", shown, write_failed, {k: s.path for k, s in found.items()})
        pause_point("parsed_ast")


@module_stage(
    code_version=TYPE_MAP_VERSION,
    kinds={"python", "duckdb"},
    deps=[parsed_ast],
    description="Each module's interface: function signatures, dataclass fields, constants, in Python and Rust types.",
)
def type_map(context: dg.AssetExecutionContext, store: DuckDBStoreResource, translator: TranslatorResource,
             source_repo: SourceRepoResource) -> None:
    db = store.store()
    with db.session():  # one DuckDB connection for the step (portalis/store.py)
        keys = list(context.partition_keys)
        parsed = db.get_parsed(keys)
        failed = db.failures(keys, run_id=context.run.run_id)
        # Observed calls (the translator resource's `trace`): the whole repository's tests, once
        # per source hash (cached in the store), whichever partitions this run maps.
        trace = translator.trace_config(source_repo.allow_unsandboxed)
        observed = observe(source_repo.root_path(db), source_repo.modules(db), trace, db) if trace is not None else None
        if observed is not None:
            context.log.info(f"observed calls: {observed.summary()}")
        seen = {k: observed.module(k) for k in keys} if observed is not None else {}
        # Classes passed as values across modules (portalis/analysis/class_flow.py): every module
        # of the repository is read for it, whichever partitions this run maps.
        passed = repo_passed_classes(source_repo.root_path(db), source_repo.modules(db))
        jobs = translator.job_count(len(keys), sum(len(p.source) for p in parsed.values()))
        ready = (run_sharded(type_map_of, {k: (parsed.get(k), seen.get(k), passed.get(k)) if k not in failed else None for k in keys}, jobs, (),
                             shared_pool(jobs))
                 if jobs > 1 else {})
        shown: dict[str, dict] = {}  # module -> its partition's metadata, once its row is written
        first: dict[str, ModuleTypeMap] = {}
        for key in keys:
            if skip_failed(context, failed, key):
                continue
            p = parsed.get(key)
            try:
                inject_fault("type_map", key)
                first[key] = ready.get(key) or (build_type_map(p, seen.get(key), passed.get(key)) if p is not None else ModuleTypeMap(module=key))
            except Exception as exc:  # the outer net: one module's failure must not cost the others
                record_failure(context, db, "type_map", key, p.path if p else "", exc)
        # Rounds with the returns of imported functions (portalis/imported_returns.py), as the CLI
        # does: the maps of this run, and the stored maps of the partitions outside it that
        # their imports reach (a run of every partition reads none).
        mine = {k: p for k, p in parsed.items() if k in first}
        outside = sorted({d for p in mine.values() for d in interface_deps(p)} - set(keys))
        others = load_export_closure(db.get_type_maps(outside), db.get_type_maps) if outside else {}
        others = {k: tm for k, tm in others.items() if k not in first}

        def rebuild(todo: dict) -> dict[str, ModuleTypeMap]:
            items = {k: (mine[k], seen.get(k), passed.get(k), offered) for k, offered in todo.items()}
            return run_sharded(type_map_of, items, jobs, (), shared_pool(jobs)) if jobs > 1 else {k: type_map_of(v) for k, v in items.items()}

        maps, rebuilt = map_rounds(mine, first, rebuild, others)
        if rebuilt:
            context.log.info(f"type maps built again with imported functions' returns: {rebuilt} modules per round")
        with db.deferred() as write_failed:  # the rows go in per table, in bulk (portalis/store.py)
            for key in keys:
                if key not in maps:
                    continue
                p = parsed.get(key)
                tm = maps[key]
                try:
                    db.put_type_map(tm)
                except Exception as exc:  # the outer net: one module's failure must not cost the others
                    record_failure(context, db, "type_map", key, p.path if p else "", exc)
                    continue
                shown[key] = {
                    "functions": len(tm.functions),
                    "typed_functions": sum(f.typed for f in tm.functions),
                    "classes": len(tm.classes),
                    "signatures": signatures_table(tm),
                    **({"observed_functions": len(seen.get(key) or {})} if observed is not None else {}),
                    "diagnostics": diagnostics_table(tm.diagnostics),
                }
        _show(context, db, "type_map", shown, write_failed, {k: p.path for k, p in parsed.items()})


def _interface_keys(parsed: ParsedModule) -> list[str]:
    """Modules whose type maps a module's translation may need (`from pkg import mod` included)."""
    return interface_deps(parsed)


def translator_identity(translator: TranslatorResource) -> str:
    """The backend/model that translates: part of every cache key, compared by the nightly schedule."""
    return translator.identity()


class TranslationConfig(dg.Config):
    full: bool = Field(default=False, description="retranslate every module and function of the run, ignoring the caches")


@module_stage(
    code_version=RUST_TRANSLATION_VERSION,
    kinds={"rust", "duckdb"},
    deps=[type_map],
    # The LLM stage (translator resource with an endpoint or model dir) holds the GPU: one step at a time.
    pool="gpu",
    description="Rust items of each module (rules first); what the rules cannot translate goes to the LLM backend when one "
    "is configured (accepted only when safe, compiling and passing its differential tests), else is a todo!() with a diagnostic. "
    "Incremental: a module whose inputs did not change is kept, and unchanged functions come from the per-function cache.",
)
def rust_translation(
    context: dg.AssetExecutionContext, config: TranslationConfig, store: DuckDBStoreResource, translator: TranslatorResource,
    rust_toolchain: RustToolchainResource, source_repo: SourceRepoResource,
) -> None:
    claim_run(context)
    db = store.store()
    with db.session():  # one DuckDB connection for the step (portalis/store.py)
        keys = list(context.partition_keys)
        failed = db.failures(keys, run_id=context.run.run_id)
        parsed = {k: p for k, p in db.get_parsed(keys).items() if k not in failed}
        own_maps = db.get_type_maps(keys)
        # One read each for the whole run (a DuckDB connection costs ~15 ms; a run may hold 1,000 modules).
        interfaces = db.get_type_maps(sorted({d for p in parsed.values() for d in interface_deps(p)}))
        # and what their names lead to (re-exports through __init__.py, star imports): portalis/names.py
        interfaces = load_export_closure(interfaces, db.get_type_maps)
        states = db.get_translation_states(keys)
        written = db.updated_at("rust_translation", keys)
        backend = translator_identity(translator)
        llm = translator.llm_settings()  # None: the rules alone
        if llm is not None and source_repo.allow_unsandboxed:  # the loop's differential tests run repository code
            llm = llm.model_copy(update={"allow_unsandboxed": True})
        memo: dict[str, str] = {}
        plans = {}
        for k, p in list(parsed.items()):
            try:
                plans[k] = plan_module(p, own_maps.get(k) or ModuleTypeMap(module=k), interfaces, version=RUST_TRANSLATION_VERSION,
                                       backend=backend, interface_hashes=memo)
            except Exception as exc:  # the outer net: one module's failure must not cost the others
                record_failure(context, db, "rust_translation", k, p.path, exc)
                failed[k] = {"stage": "rust_translation", "message": str(exc)}
                del parsed[k]

        def unchanged(k: str) -> bool:
            # Same inputs as the stored translation, and nothing rewrote the row since.
            s = states.get(k)
            return (not config.full and s is not None and s.translation_key == plans[k].translation_key
                    and k in written and s.updated_at is not None and s.updated_at >= written[k])

        todo = [k for k in keys if k in plans and not unchanged(k)]
        entries = {} if config.full else FunctionCache(db).get(fk for k in todo for fk in plans[k].function_keys.values())
        # Lowered by the workers that parsed and mapped the same modules (portalis/workers.py), when the run is big enough.
        jobs = translator.job_count(len(keys), sum(len(p.source) for p in parsed.values())) if llm is None else 1
        ready: dict[str, Any] = {}
        if jobs > 1 and todo:
            items = {k: (plans[k], parsed[k], own_maps.get(k) or ModuleTypeMap(module=k),
                         {fk: entries[fk] for fk in plans[k].function_keys.values() if fk in entries}) if k in todo else None
                     for k in keys}
            ready = run_sharded(translate_printed, items, jobs, (config.full,), shared_pool(jobs))
        totals = {"retranslated": 0, "kept": 0, "functions_translated": 0, "cache_hits": 0, "failed": 0}
        done: dict[str, tuple[CachedTranslation, float]] = {}
        kept: dict[str, dict] = {}  # unchanged module -> its partition's metadata
        for key in keys:
            if skip_failed(context, failed, key):
                continue
            p = parsed.get(key)
            if p is None:
                context.log.warning(f"{key}: no parsed_ast row; skipped")
                continue
            plan = plans[key]
            if key not in todo:
                n = len(p.functions)
                totals["kept"] += 1
                totals["cache_hits"] += n
                kept[key] = {"retranslated": False, "functions_translated": 0, "cache_hits": n, "backend": backend,
                             "reason": "unchanged: same source, interfaces, translator and backend as the stored translation"}
                continue
            tm = own_maps.get(key) or ModuleTypeMap(module=key)
            started = time.perf_counter()
            try:
                inject_fault("rust_translation", key)
                # Printed only: one rustfmt run formats every module of the run below (a run per module costs more).
                result = ready.get(key)
                if isinstance(result, Exception):
                    raise result
                done[key] = (result or translate_planned(plan, p, tm, entries, rustfmt=None, full=config.full),
                             time.perf_counter() - started)
            except Exception as exc:  # one module's failure must not cost the others their translation
                totals["failed"] += 1
                record_failure(context, db, "rust_translation", key, p.path, exc)
                context.add_asset_metadata({"retranslated": False}, partition_key=key)
        add_partitions_metadata(context, kept)
        format_planned([r for r, _ in done.values()], translator.rustfmt)
        # The LLM stage: what the rules left in ALL modules of the run, in one batch (portalis/llm/stage.py).
        llm_modules: dict[str, dict] = {}
        retry: set[str] = set()
        if llm is not None and done:
            llm_modules, retry = _llm_stage(context, llm, done, plans, entries, db, rust_toolchain, source_repo)
        shown: dict[str, dict] = {}  # module -> its partition's metadata, once its rows are written
        with db.deferred() as write_failed:  # the rows go in per table, in bulk (portalis/store.py)
            for key, (r, seconds) in done.items():
                plan = plans[key]
                state = plan.state()
                if key in retry:
                    state.translation_key = ""  # the backend did not answer for some function: the next run asks again
                try:
                    db.put_translation_result(r.translation, state, {e.key: e.row() for e in r.new_entries},
                                              translated=len(r.translated), reused=len(r.reused))
                except Exception as exc:  # one module's failure must not cost the others their translation
                    write_failed[key] = exc
                    continue
                pause_point("rust_translation:module")
                t = r.translation
                # script code (`if __name__ == '__main__':`, PTL146) is counted apart, as the report does
                fns = [f for f in t.functions if f.status.value != "excluded"]
                translated = sum(f.status.value == "translated" for f in fns)
                code = "\n".join(i.code for i in t.items if i.code)
                shown[key] = {
                    "functions": len(fns),
                    "excluded": len(t.functions) - len(fns),
                    "translated": translated,
                    "untranslated": len(fns) - translated,
                    "translation_seconds": round(seconds, 4),
                    "backend": backend,
                    "retranslated": True,
                    "functions_translated": len(r.translated),
                    "cache_hits": len(r.reused),
                    "diagnostics": diagnostics_table(t.diagnostics),
                    "rust": rust_md(code or "// nothing translated"),
                    **llm_modules.get(key, {}),
                }
        for key in write_failed:
            if key in done:
                totals["failed"] += 1
        _show(context, db, "rust_translation", shown, write_failed, {k: p.path for k, p in parsed.items()},
              on_failure={"retranslated": False})
        for key in shown:
            r = done[key][0]
            totals["retranslated"] += 1
            totals["functions_translated"] += len(r.translated)
            totals["cache_hits"] += len(r.reused)
        context.log.info(f"rust_translation: {totals}")
        pause_point("rust_translation")


def _show(
    context: dg.AssetExecutionContext, db, stage: str, shown: dict[str, dict], write_failed: dict[str, BaseException],  # noqa: ANN001
    paths: dict[str, str], on_failure: dict | None = None,
) -> None:
    """After a step's deferred writes (`Store.deferred`): a module whose write failed is that
    module's failure (recorded and shown as one, like an exception of its stage; `on_failure`
    added to its partition), and every other module's partition gets its metadata."""
    for key, exc in write_failed.items():
        # (also a module already recorded as failed whose failure row could not be written: now
        # written on its own, or the step fails, as any store error does)
        shown.pop(key, None)
        record_failure(context, db, stage, key, paths.get(key, ""), exc)
        if on_failure is not None:
            context.add_asset_metadata(on_failure, partition_key=key)
    add_partitions_metadata(context, shown)


def _source_bytes(root: Any, sources: list) -> int:  # noqa: ANN401
    """The size of the modules' files (what decides whether workers pay off)."""
    total = 0
    for src in sources:
        try:
            total += (root / src.path).stat().st_size
        except OSError:
            pass
    return total


def _llm_stage(
    context: dg.AssetExecutionContext, llm, done: dict, plans: dict, entries: dict, db,  # noqa: ANN001
    rust_toolchain: RustToolchainResource, source_repo: SourceRepoResource,
) -> tuple[dict[str, dict], set[str]]:
    """Run the LLM stage over the run's translated modules; returns per-module metadata and the
    modules to ask again next run. Candidates compile inside the crate of every current module."""
    from portalis.llm.backend import BackendUnavailable
    from portalis.llm.stage import refine_planned

    current = sorted(context.instance.get_dynamic_partitions(python_modules.name))
    parsed_all = db.get_parsed(current)
    try:
        refined = refine_planned(
            llm, {k: r for k, (r, _) in done.items()}, plans, entries,
            parsed=parsed_all, type_maps=db.get_type_maps(current), crate=lambda: db.get_translations(current),
            validations=db.get_validations(list(done)), store=db, work_dir=rust_toolchain.base() / "llm",
            toolchain=rust_toolchain.toolchain(), source_root=source_repo.root_path(db),
            sources={k: p.path for k, p in parsed_all.items()},
        )
    except BackendUnavailable as exc:
        raise dg.Failure(description=f"LLM backend {llm.identity()} is unavailable: {exc}") from exc
    metrics = refined.result.metrics
    if metrics is not None and refined.tasks:
        context.log.info(f"LLM stage ({llm.identity()}): {metrics.summary()}")
    out: dict[str, dict] = {}
    for key, m in refined.result.module_metrics.items():
        summary = m.summary()
        out[key] = {
            "llm_model": llm.identity(),
            **{f"llm_{name}": summary[name] for name in (
                "functions", "candidates", "compiled", "accepted", "verified", "repair_rounds",
                "prompt_tokens", "completion_tokens", "latency_mean_s")},
            "llm_compile_rate": dg.MetadataValue.float(summary["compile_rate"]),
            "llm_verified_rate": dg.MetadataValue.float(summary["verified_rate"]),
        }
    return out, refined.retry


class ValidationConfig(dg.Config):
    """Run config of validation_report (`ops: validation_report: config:`)."""

    verify: bool = Field(default=True, description="run behaviour validation (cases in Python and Rust)")
    behaviour_threshold: float = Field(
        default=0.8, description="behaviour_verified passes when at least this share of translated functions is verified"
    )
    generated_per_function: int = Field(default=20, description="hypothesis cases per function (0: none)")
    python_timeout_s: float = Field(default=2.0, description="limit for one call of a Python original")
    rust_timeout_s: float = Field(default=5.0, description="limit for one case in Rust")
    lint: bool = Field(default=True, description="check with cargo clippy (lints counted per module) when installed")
    allow_unsandboxed: bool = Field(
        default=False, description="run the repository's code even where no sandbox isolates network and files "
        "(also allowed by the source_repo resource's allow_unsandboxed)",
    )


BEHAVIOUR_SPEC = dg.AssetCheckSpec(
    BEHAVIOUR_CHECK,
    asset="validation_report",
    blocking=False,
    partitions_def=python_modules,
    description="Per module: its translated functions behave like the Python on every case (doctests, the repo's "
    "tests, generated inputs). Fails (WARN) when a function differs from the Python, when nothing was translated, or when "
    "the verified share of translated functions (untested ones lower it) is below the threshold; fails with ERROR when "
    "validation did not run for the module, with the reason. The description says `3/7 verified, 1 failed, 3 untested: "
    "<reasons>`.",
)


@module_stage(
    code_version=VALIDATE_VERSION,
    kinds={"rust", "duckdb"},
    deps=[rust_translation],
    check_specs=[
        dg.AssetCheckSpec(
            "rust_compiles",
            asset="validation_report",
            blocking=True,
            description="Every module of the run compiles with cargo check once rejected functions are quarantined.",
        ),
        BEHAVIOUR_SPEC,
    ],
    description="cargo check (clippy) of all current translations together, rustc errors mapped back to module and "
    "function, the safety gate, and behaviour validation: each translated function run on cases in Python and Rust. "
    "Each partition shows its functions with status and reason, its diagnostics (translation and validation), its "
    "Python and its Rust.",
)
def validation_report(
    context: dg.AssetExecutionContext,
    config: ValidationConfig,
    store: DuckDBStoreResource,
    rust_toolchain: RustToolchainResource,
    source_repo: SourceRepoResource,
):  # noqa: ANN201 - a generator: the materialization, then one behaviour_verified evaluation per module
    db = store.store()
    with db.session():  # one DuckDB connection for the step (portalis/store.py)
        keys = list(context.partition_keys)
        current = set(context.instance.get_dynamic_partitions(python_modules.name))
        # Modules call each other, so the check crate holds every current module, not just this run's.
        translations = {k: v for k, v in db.get_translations().items() if k in current}
        parsed = db.get_parsed(list(translations))
        sources = {k: p.path for k, p in parsed.items()}
        toolchain = rust_toolchain.toolchain()
        results, run, layout = check_modules(
            translations, rust_toolchain.check_dir(), toolchain, "portalis_check", sources,
            python_functions={k: function_sources(p) for k, p in parsed.items()}, lint=config.lint, final_build=config.verify,
        )
        crate_violations = crate_safety(rust_toolchain.check_dir())
        formatted = rustfmt_modules(layout, toolchain)

        behaviour: BehaviourReport | None = None
        verify_error = ""
        if config.verify and run.ok:
            try:
                behaviour = verify_crate(
                    rust_toolchain.check_dir(), source_repo.root_path(db), parsed, resolve_all(db.get_type_maps(list(translations))),
                    results, toolchain,
                    VerifyConfig(
                        generated_per_function=config.generated_per_function, python_timeout_s=config.python_timeout_s,
                        rust_timeout_s=config.rust_timeout_s,
                        sandbox=SandboxPolicy(allow_unsandboxed=config.allow_unsandboxed or source_repo.allow_unsandboxed),
                    ),
                    modules=[k for k in keys if k in results],
                    cache=StoreCaseCache(db),  # an unchanged function's cases are neither made nor run in Python again
                )
            except Exception as exc:  # noqa: BLE001 - behaviour checks must never take the compile check down
                verify_error = f"{type(exc).__name__}: {exc}"
                context.log.error(f"behaviour validation failed: {verify_error}")
            if behaviour is not None:
                apply_verdicts(results, behaviour)
                if behaviour.refused:
                    context.log.error(behaviour.refused)
                elif behaviour.sandbox:
                    context.log.info(f"repository code ran in the sandbox at level {behaviour.sandbox}")
                if behaviour.failure:
                    context.log.warning(f"behaviour validation could not run the cases: {behaviour.failure}")
        run_not_run = _not_run(config, run, behaviour, verify_error)

        failing = []
        verdicts: dict[str, tuple] = {}  # module -> (verdict, check metadata)
        failed = db.failures(keys, run_id=context.run.run_id)
        root = source_repo.root_path(db)
        shown: dict[str, dict] = {}  # module -> its partition's metadata, once its row is written
        with db.deferred() as write_failed:  # the rows go in per table, in bulk (portalis/store.py)
            for key in keys:
                if skip_failed(context, failed, key):
                    row = failed[key]  # its last good validation (if any) stays, like its translation
                    verdicts[key] = (behaviour_verdict({}, config.behaviour_threshold,
                                                       f"{row['stage']} failed for this module in this run: {row['message']}"), {})
                    continue
                v = results.get(key)
                if v is None:
                    context.log.warning(f"{key}: no rust_translation row; skipped")
                    verdicts[key] = (behaviour_verdict({}, config.behaviour_threshold, "the module has no rust_translation row"), {})
                    continue
                try:
                    inject_fault("validation_report", key)
                    db.put_validation(v)
                except Exception as exc:  # the outer net: one module's failure must not cost the others
                    record_failure(context, db, "validation_report", key, sources.get(key, ""), exc)
                    verdicts[key] = (behaviour_verdict({}, config.behaviour_threshold, f"validation_report failed for it: {exc}"), {})
                    continue
                pause_point("validation_report:module")
                if not v.compiles:
                    failing.append(key)
                p = parsed.get(key)
                # The module as the report shows it: translation and validation diagnostics, each function's reason.
                entry = module_report(p, translations.get(key), v, key, sources.get(key, ""))
                for f, fr in zip(entry["functions"], v.functions):
                    f["case_origins"] = dict(fr.case_origins)
                statuses = [f["status"] for f in entry["functions"]]
                tested = sum(statuses.count(s) for s in ("verified", "failed", "untested", "translated"))
                metadata: dict = {
                    "status": entry["status"],
                    "compiles": v.compiles,
                    "compile_errors": v.errors,
                    "warnings": v.warnings,
                    "clippy_warnings": v.clippy_warnings,
                    "rustfmt_clean": bool(formatted.get(key, True)),
                    "quarantined": statuses.count("compile_error"),
                    "rejected_by_safety_gate": sum(d.code == "PTL401" for d in v.diagnostics),
                    "functions": functions_table(entry["functions"]),
                    "diagnostics": diagnostics_table(entry["diagnostics"]),
                    "python": code_md(p.source if p is not None else "", "python"),
                    "rust": rust_md("\n\n".join(it.code for it in v.items if it.code) or "// nothing translated"),
                    **_code_references(root, p, [(f["qualname"], f.get("line")) for f in entry["functions"]]),
                }
                if behaviour is not None:
                    metadata.update({
                        "verified": statuses.count("verified"),
                        "failed": statuses.count("failed"),
                        "untested": statuses.count("untested"),
                        "verified_pct": dg.MetadataValue.float(round(100.0 * statuses.count("verified") / tested, 2) if tested else 0.0),
                        "cases_passed": sum(f.cases_passed for f in v.functions),
                        "cases_total": sum(f.cases_total for f in v.functions),
                        "validation_seconds": round(behaviour.timings.module_s.get(key, 0.0), 3),
                        "sandbox": _sandbox_label(behaviour),
                    })
                shown[key] = metadata
                not_run = run_not_run or ("the module does not compile" if not v.compiles else None)
                verdicts[key] = (behaviour_verdict(entry, config.behaviour_threshold, not_run),
                                 {"sandbox": _sandbox_label(behaviour) if behaviour else ""})
        for key, exc in write_failed.items():  # its row could not be written: like an exception above
            shown.pop(key, None)
            record_failure(context, db, "validation_report", key, sources.get(key, ""), exc)
            verdicts[key] = (behaviour_verdict({}, config.behaviour_threshold, f"validation_report failed for it: {exc}"), {})
            if key in failing:
                failing.remove(key)
        add_partitions_metadata(context, shown)
        check = dg.AssetCheckResult(
            check_name="rust_compiles",
            passed=not failing and not run.failure and not crate_violations,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "modules_checked": len(translations),
                "failing_modules": dg.MetadataValue.json(failing),
                "cargo_seconds": round(run.seconds, 2),
                "toolchain_failure": run.failure or "",
                "compile_errors": sum(r.errors for r in results.values()),
                "clippy_warnings": sum(r.clippy_warnings for r in results.values()),
                "crate_safety_violations": dg.MetadataValue.json([f"{x.kind}: {x.excerpt}" for x in crate_violations]),
            },
        )
        yield dg.MaterializeResult(check_results=[check])
        if dg.AssetCheckKey(context.asset_key, BEHAVIOUR_CHECK) not in context.selected_asset_check_keys:
            return  # not selected (Dagster 1.13 refuses such a subset of this asset; kept for when it does not)

        # behaviour_verified, per module partition (an AssetCheckResult cannot name its partition in a
        # run over many partitions: the evaluations are built here, against each partition's materialization).
        targets = latest_materializations(context.instance, context.asset_key, keys)
        passed = 0
        evaluations = []
        for key, (verdict, extra) in verdicts.items():
            figures = dict(verdict.figures)
            figures["failed_functions"] = dg.MetadataValue.json(figures["failed_functions"])
            figures["verified_share"] = dg.MetadataValue.float(float(figures["verified_share"]))
            figures["seconds"] = round(behaviour.timings.module_s.get(key, 0.0), 3) if behaviour else 0.0
            figures["reused_build"] = bool(behaviour and behaviour.timings.reused)
            figures.update(extra)
            passed += verdict.passed
            evaluations.append(check_evaluation(context.asset_key, key, verdict, figures, targets.get(key)))
        yield from one_event_batch(context, evaluations)
        context.log.info(f"behaviour_verified: {passed} of {len(verdicts)} modules passed")
        yield dg.Output(None, output_name=BEHAVIOUR_SPEC.get_python_identifier())


def _not_run(config: "ValidationConfig", run, behaviour: BehaviourReport | None, verify_error: str) -> str | None:  # noqa: ANN001
    """Why behaviour validation did not run for any module of the run (None: it ran)."""
    if not config.verify:
        return "verification is off (validation_report config `verify: false`)"
    if not run.ok:
        return f"the check crate does not compile{': ' + run.failure if run.failure else ''}"
    if verify_error:
        return f"behaviour validation raised {verify_error}"
    if behaviour is None:
        return "behaviour validation gave no report"
    if behaviour.refused:
        return behaviour.refused
    if behaviour.failure:
        return f"the cases could not run: {behaviour.failure}"
    return None


def _code_references(root, parsed: ParsedModule | None, functions: list[tuple[str, int | None]] = ()) -> dict:  # noqa: ANN001
    """`dagster/code_references` to the module's Python file (and its functions' lines)."""
    refs = code_references(root, parsed.path, functions) if parsed is not None else None
    return {"dagster/code_references": refs} if refs is not None else {}


def _sandbox_label(behaviour: BehaviourReport) -> str:
    """The isolation repository code ran under: bwrap | unshare | rlimits | none | refused."""
    return "refused" if behaviour.refused else behaviour.sandbox or "nothing ran"


@dg.asset(
    code_version=CRATE_VERSION,
    group_name=GROUP,
    kinds={"rust"},
    deps=[validation_report],
    owners=OWNERS,
    tags=stage_tags("rust_crate", "repo"),
    description="The Cargo crate of the whole repo, built with cargo, plus portalis-report.json.",
)
def rust_crate(
    context: dg.AssetExecutionContext, store: DuckDBStoreResource, rust_toolchain: RustToolchainResource
) -> dg.MaterializeResult:
    claim_run(context)
    db = store.store()
    current = set(context.instance.get_dynamic_partitions(python_modules.name))
    with db.session():  # one DuckDB connection for the reads; none is held while cargo builds
        validations = {k: v for k, v in db.get_validations().items() if k in current}
        parsed = db.get_parsed(sorted(current))
        translations = db.get_translations(sorted(current))
        failures = db.failures(sorted(current))
    out = rust_toolchain.output_dir()
    name = crate_name(_repo_name(parsed))
    started = time.perf_counter()
    assemble(out, name, validations, {k: p.path for k, p in parsed.items()}, rust_toolchain.rustfmt, rust_toolchain.cargo)
    if rust_toolchain.vendor:
        try:  # cargo vendor + .cargo/config.toml: the crate then builds offline
            vendored = vendor_crate(out, rust_toolchain.cargo)
            context.log.info(f"vendored {len(vendored)} packages into {out / 'vendor'}")
        except DependencyError as exc:
            context.log.error(f"cargo vendor failed: {exc}")
    pause_point("rust_crate")
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
    # A module a stage could not process keeps its last good Rust in the crate; the report says so.
    for r in reports:
        row = failures.get(r["module"])
        if row is not None:
            r["status"] = "error"
            r["diagnostics"].append({"code": "PTL701", "message": f"{row['stage']} failed: {row['message']}",
                                     "line": None, "function": None, "severity": "error"})
    report_path = write_report(out, reports, crate, verification_summary(validations))
    db.put_crate_build(uuid.uuid4().hex, str(out), built.ok, len(validations), seconds, {"modules": reports})
    every = [f for r in reports for f in r["functions"]]
    fns = [f for f in every if f["status"] != "excluded"]  # script code is counted apart (PTL146)
    translated = sum(f["status"] in ("translated", "verified", "failed", "untested") for f in fns)
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
            "excluded": len(every) - len(fns),
            "translated": translated,
            "untranslated": len(fns) - translated,
            "build_seconds": round(seconds, 2),
            "summary": modules_table(reports),
            "report_json": dg.MetadataValue.json(json.loads(report_path.read_text())["crate"]),
        }
    )


def _repo_name(parsed: dict[str, ParsedModule]) -> str:
    tops = sorted({k.split(".")[0] for k in parsed})
    return tops[0] if len(tops) == 1 else "translated"


@module_stage(
    code_version=STATUS_VERSION,
    kinds={"duckdb"},
    deps=[rust_crate],
    output_required=False,  # it materializes the modules that made it and fails the others
    description="The run's outcome per module, after the crate: materialized when every stage did its work for the "
    "module (its translation state is then committed, so the sensor counts it as done); a FAILED partition, with the "
    "error, when a stage raised for it or its report status is `error`. A failed module is retried by the next run.",
)
def module_status(context: dg.AssetExecutionContext, store: DuckDBStoreResource):  # noqa: ANN201 - a generator of events
    db = store.store()
    with db.session():  # one DuckDB connection for the step (portalis/store.py)
        keys = list(context.partition_keys)
        failed = failed_modules(db, keys, run_ids=[context.run.run_id])
        done = [k for k in keys if k not in failed]
        committed = set(db.commit_states(done))
        yield from one_event_batch(context, [
            dg.AssetMaterialization(asset_key=context.asset_key, partition=key,
                                    metadata={"status": "done", "state_committed": key in committed})
            for key in done
        ])
        if failed:
            shown = sorted(failed)[:20]
            more = f" (+{len(failed) - len(shown)} more)" if len(failed) > len(shown) else ""
            raise dg.Failure(
                description=f"{len(failed)} of {len(keys)} modules failed: "
                + "; ".join(failed[k].line() for k in shown) + more,
                metadata={
                    "failed_modules": dg.MetadataValue.json(sorted(failed)),
                    "errors": error_md([failed[k].block() for k in shown]),
                },
                allow_retries=False,
            )


def add_partitions_metadata(context: dg.AssetExecutionContext, metadata: dict[str, dict]) -> None:
    """`context.add_asset_metadata(m, partition_key=k)` for every k -> m, at once. Dagster checks
    each call's partition against the step's partition range, which it lists anew from the
    instance (a query over every dynamic partition), and copies the whole accumulated metadata:
    ~7 ms a call at 60 modules, growing with the run (a step over N modules paid O(N^2)). Here the
    keys are checked once and the metadata merged into the step's accumulator in one copy
    (Dagster's own record types; the public call, one by one, when they are missing)."""
    if not metadata:
        return
    step = getattr(getattr(context, "op_execution_context", None), "_step_execution_context", None)
    accumulator = getattr(step, "_metadata_accumulator", None)
    try:
        from dagster._core.execution.context.metadata_logging import AssetMetadataHandle, OutputMetadataAccumulator
    except ImportError:  # pragma: no cover - another Dagster version
        accumulator = None
    if not isinstance(accumulator, OutputMetadataAccumulator) or len(context.assets_def.keys) != 1:
        for key, values in metadata.items():
            context.add_asset_metadata(values, partition_key=key)
        return
    outside = set(metadata) - set(context.partition_keys)
    if outside:
        raise dg.DagsterInvariantViolationError(
            f"Attempted to add metadata for partition keys {sorted(outside)[:5]} that are not being targeted."
        )
    merged = dict(accumulator.per_output_metadata)
    for key, values in metadata.items():
        handle = AssetMetadataHandle(asset_key=context.asset_key, partition_key=key)
        merged[handle] = {**merged.get(handle, {}), **values}
    step._metadata_accumulator = OutputMetadataAccumulator(per_output_metadata=merged)


def one_event_batch(context: dg.AssetExecutionContext, events: list[Any]) -> Iterator[Any]:
    """Materializations or check evaluations an op yields, as one event batch: the event log
    writes them in one transaction (portalis_assets/storage.py), as Dagster does for the
    partitions of a step's output, instead of one by one (~80 ms each on the loaded 2-core
    machine: 16 s of a 200-module run's module_status). Dagster batches only events it builds
    with the step's context, which it does not expose: without one (another Dagster version),
    they go one by one. An event is logged when it is built; yielding it hands it on."""
    step = getattr(getattr(context, "op_execution_context", None), "_step_execution_context", None)
    try:
        from dagster._core.events import DagsterEvent, DagsterEventBatchMetadata, DagsterEventType, generate_event_batch_id
    except ImportError:  # pragma: no cover - another Dagster version
        step = None
    if step is None or len(events) < 2:
        yield from events
        return
    batch = generate_event_batch_id()
    for i, event in enumerate(events):
        meta = DagsterEventBatchMetadata(batch, i == len(events) - 1)
        if isinstance(event, dg.AssetMaterialization):
            yield DagsterEvent.asset_materialization(step, event, meta)
        else:  # an AssetCheckEvaluation, with Dagster's own message
            outcome = "passed." if event.passed else "did not pass."
            about = "" if event.description is None else f" Description: '{event.description}'"
            yield DagsterEvent.from_step(
                DagsterEventType.ASSET_CHECK_EVALUATION, step, event,
                f"Asset check '{event.check_name}' on '{event.asset_key.to_user_string()}' {outcome}{about}", meta,
            )


ALL_ASSETS = [parsed_ast, type_map, rust_translation, validation_report, rust_crate, module_status]
