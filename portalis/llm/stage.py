"""The LLM stage between the rules and validation: which functions go to the model, how the
outcome changes a module's translation, and how it is cached.

Which functions (`function_tasks`): those the rules left as `todo!()` (with a typed signature:
the stub fixes what the crate calls), those whose rules translation failed its differential
tests, or every function with `llm_only` (evaluation). A function whose item is already from the
model, or that carries an LLM diagnostic, was asked for this cache key already and is skipped:
"a model is never asked twice for the same key".

What changes (`apply_outcomes`): an accepted function's item becomes the candidate (backend
`llm`) and the rules' error diagnostics for it give way to one PTL501 (info) saying how it was
validated; a rejected one keeps its item (the stub, or the rules' translation) and gets PTL502;
each function whose answers the safety gate rejected also gets a PTL401 (warning) saying why;
one the backend never answered gets PTL503 and is *not* cached, so the next run asks again.

`translate_with_llm` is the whole stage for `portalis translate --llm-*`: rules through the
per-function cache when there is one, the loop over the fresh functions of all modules at once,
cache entries written with the outcome, metrics and memory in the same DuckDB file.
"""

from __future__ import annotations

import ast
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping

from portalis.cache import CacheEntry, FunctionCache, ModulePlan, function_source, plan_module, translate_planned, translator_version
from portalis.llm.backend import Backend, make_backend
from portalis.llm.loop import LoopContext, RefineLoop
from portalis.llm.memory import MemoryEntry, TranslationMemory
from portalis.llm.metrics import LLMMetrics, record
from portalis.llm.prompt import PROMPT_VERSION
from portalis.llm.settings import LLMSettings
from portalis.llm.task import FunctionOutcome, FunctionTask
from portalis.lower.module import FunctionResult, format_translations, lower_module
from portalis.model import (
    Diagnostic,
    FunctionStatus,
    ModuleTranslation,
    ModuleTypeMap,
    ModuleValidation,
    ParsedModule,
    PyType,
    RustItem,
    Severity,
)
from portalis.store import Store
from portalis.types.rust_types import module_path, rust_ident
from portalis.validate.cargo import Toolchain

if TYPE_CHECKING:
    from portalis.cache import CachedTranslation

ACCEPTED, REJECTED, UNAVAILABLE = "PTL501", "PTL502", "PTL503"
GATE = "PTL401"  # an answer the safety gate rejected
LLM_CODES = frozenset({ACCEPTED, REJECTED, UNAVAILABLE})


def cache_identity(settings: LLMSettings) -> str:
    """The backend part of the function cache keys when the LLM stage is on: the model and the
    prompt version (a new prompt is a new question)."""
    return f"{settings.identity()}+{PROMPT_VERSION}"


# ---------------------------------------------------------------- which functions


def _called(source: str) -> list[tuple[str | None, str]]:
    """(receiver name or None, function name) of the calls in a function's source."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    out: list[tuple[str | None, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                out.append((None, node.func.id))
            elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
                out.append((node.func.value.id, node.func.attr))
    return out


def _callees(parsed: ParsedModule, type_maps: Mapping[str, ModuleTypeMap], source: str, own_name: str) -> list[str]:
    """`path(params) -> ret` of the crate functions a function calls (own module and imports)."""
    own = type_maps.get(parsed.module)
    imports = {i.alias or i.name or i.module.split(".")[-1]: i for i in parsed.imports}
    seen: dict[str, str] = {}
    for receiver, name in _called(source):
        sig, path = None, ""
        if receiver is None and own is not None and own.function(name) is not None and name != own_name:
            sig, path = own.function(name), rust_ident(name)
        elif receiver is None and name in imports and imports[name].name:
            imp = imports[name]
            tm = type_maps.get(imp.module)
            if tm is not None and tm.function(imp.name or "") is not None:
                sig, path = tm.function(imp.name or ""), f"{module_path(imp.module)}::{rust_ident(imp.name or '')}"
        elif receiver is not None and receiver in imports:
            imp = imports[receiver]
            target = f"{imp.module}.{imp.name}" if imp.name else imp.module
            tm = type_maps.get(target)
            if tm is not None and tm.function(name) is not None:
                sig, path = tm.function(name), f"{module_path(target)}::{rust_ident(name)}"
        if sig is not None and sig.typed and path not in seen:
            params = ", ".join(f"{rust_ident(p.name)}: {p.rust_type}" for p in sig.params)
            ret = "" if sig.rust_returns in ("()", "") else f" -> {sig.rust_returns}"
            seen[path] = f"{path}({params}){ret}"
    return list(seen.values())


def _classes(t: PyType, out: set[tuple[str, str]]) -> None:
    if t.kind == "class" and t.module and t.name:
        out.add((t.module, t.name))
    for a in t.args:
        _classes(a, out)


def _struct_defs(task_sig, parsed: ParsedModule, source: str, translations: Mapping[str, ModuleTranslation]) -> list[str]:  # type: ignore[no-untyped-def]
    """The Rust structs of the dataclasses a function's signature uses or its body names."""
    used: set[tuple[str, str]] = set()
    for p in task_sig.params:
        _classes(p.py_type, used)
    _classes(task_sig.returns, used)
    own = {c.name for c in parsed.classes}
    names = {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name)} if source else set()
    used |= {(parsed.module, n) for n in names & own}
    defs = []
    for module, name in sorted(used):
        t = translations.get(module)
        item = next((it for it in t.items if it.kind == "struct" and it.name == name), None) if t else None
        if item is not None and item.code:
            where = "" if module == parsed.module else f"// in {module_path(module)}\n"
            defs.append(where + item.code.strip())
    return defs


def function_tasks(
    translations: Mapping[str, ModuleTranslation],
    parsed: Mapping[str, ParsedModule],
    type_maps: Mapping[str, ModuleTypeMap],
    *,
    only: Mapping[str, set[str]] | None = None,
    failed: Mapping[tuple[str, str], str] | None = None,
    llm_only: bool = False,
    keys: Mapping[str, Mapping[str, str]] | None = None,
) -> list[FunctionTask]:
    """The functions to send to the model. `only`: module -> names eligible (the functions
    lowered in this run; other modules' functions are all eligible); `failed`: (module,
    function) -> the differential case the rules' translation failed; `keys`: cache keys."""
    tasks: list[FunctionTask] = []
    for m in sorted(translations):
        t, p, tm = translations[m], parsed.get(m), type_maps.get(m)
        if p is None or tm is None or not p.ok:
            continue
        tried = {d.function for d in t.diagnostics if d.code in LLM_CODES}
        infos = {f.name: f for f in p.functions}
        for it in t.functions:
            if only is not None and m in only and it.name not in only[m]:
                continue
            if it.backend == "llm" or it.name in tried or it.name not in infos:
                continue
            sig = tm.function(it.name)
            if sig is None or not sig.typed:
                continue
            untranslated = it.status is FunctionStatus.UNTRANSLATED
            stub = it.code if untranslated else it.stub
            if not stub:
                continue
            failing = (failed or {}).get((m, it.name))
            if not (untranslated or llm_only or failing):
                continue
            source = function_source(p, infos[it.name])
            tasks.append(FunctionTask(
                module=m, name=it.name, rust_name=rust_ident(it.name), signature=sig, python_source=source,
                stub=stub, python_line=it.python_line, rules_code=None if untranslated else it.code,
                diagnostics=[d for d in t.diagnostics if d.function == it.name],
                callees=_callees(p, type_maps, source, it.name), types=_struct_defs(sig, p, source, translations),
                failing_case=failing, key=(keys or {}).get(m, {}).get(it.name),
            ))
    return tasks


def failed_functions(validations: Mapping[str, ModuleValidation], translations: Mapping[str, ModuleTranslation]) -> dict[tuple[str, str], str]:
    """(module, function) -> failing case, for rules translations that failed their differential
    tests in the last validation and are still the same code now."""
    out: dict[tuple[str, str], str] = {}
    for m, v in validations.items():
        t = translations.get(m)
        if t is None:
            continue
        now = {it.name: it for it in t.functions}
        validated = {it.name: it for it in v.items if it.kind == "fn"}
        for f in v.functions:
            if f.status is not FunctionStatus.FAILED or f.backend != "rules":
                continue
            current, then = now.get(f.name), validated.get(f.name)
            if current is not None and then is not None and current.code == then.code and current.backend == "rules":
                out[(m, f.name)] = f.detail or "a differential case fails"
    return out


# ---------------------------------------------------------------- applying outcomes


@dataclass
class FunctionChange:
    """What the stage did to one function: its new item, and the diagnostics it removed and
    added (the function cache entry is updated with the same)."""

    module: str
    name: str
    item: RustItem
    removed: list[Diagnostic] = field(default_factory=list)
    added: list[Diagnostic] = field(default_factory=list)
    cacheable: bool = True  # False: the backend never answered; ask again next run


def apply_outcomes(translations: dict[str, ModuleTranslation], outcomes: list[FunctionOutcome], identity: str) -> list[FunctionChange]:
    """Write the outcomes into the translations (in place) and say what changed."""
    changes: list[FunctionChange] = []
    for o in outcomes:
        task = o.task
        t = translations[task.module]
        index = next(i for i, it in enumerate(t.items) if it.kind == "fn" and it.name == task.name)
        old = t.items[index]
        answers = sum(a.stage != "backend" for a in o.attempts)
        how = f"{o.detail}; {answers} answer(s)" if o.attempts else o.detail
        if o.accepted:
            item = old.model_copy(update={"code": o.code or "", "stub": task.stub, "status": FunctionStatus.TRANSLATED,
                                          "backend": "llm", "runtime": []})
            removed = [d for d in t.diagnostics if d.function == task.name and d.severity is not Severity.INFO]
            rules_said = "; ".join(f"{d.code}" for d in removed)
            added = [Diagnostic(
                code=ACCEPTED, severity=Severity.INFO, module=task.module, function=task.name, line=task.python_line,
                message=f"translated by {identity} ({how})" + (f"; the rules reported {rules_said}" if rules_said else ""),
            )]
            change = FunctionChange(task.module, task.name, item, removed, added)
        elif o.asked:
            keeps = "the rules' translation is kept" if old.status is FunctionStatus.TRANSLATED else "it stays todo!()"
            added = [Diagnostic(
                code=REJECTED, severity=Severity.INFO if old.status is FunctionStatus.TRANSLATED else Severity.ERROR,
                module=task.module, function=task.name, line=task.python_line,
                message=f"{identity}: no candidate accepted, {keeps}: {o.detail}",
            )]
            change = FunctionChange(task.module, task.name, old, [], added)
        else:
            added = [Diagnostic(code=UNAVAILABLE, severity=Severity.WARNING, module=task.module, function=task.name,
                                line=task.python_line, message=f"{identity}: not translated by the model: {o.detail}")]
            change = FunctionChange(task.module, task.name, old, [], added, cacheable=False)
        unsafe_answers = [a for a in o.attempts if a.stage == "safety"]
        if unsafe_answers:
            # what the model tried to ship is on record, whatever became of the function
            change.added.append(Diagnostic(
                code=GATE, severity=Severity.WARNING, module=task.module, function=task.name, line=task.python_line,
                message=f"{identity}: {len(unsafe_answers)} answer(s) rejected by the safety gate, never compiled nor run; "
                        f"the last: {unsafe_answers[-1].feedback}",
            ))
        items = list(t.items)
        items[index] = change.item
        diags = [d for d in t.diagnostics if d not in change.removed] + change.added
        translations[task.module] = t.model_copy(update={"items": items, "diagnostics": diags})
        changes.append(change)
    return changes


def updated_entries(
    plan: ModulePlan, entries: list[CacheEntry], reused: Mapping[str, CacheEntry], changes: list[FunctionChange]
) -> list[CacheEntry]:
    """The cache entries to write for a module after the stage: the rules' new entries with the
    stage's changes applied, plus entries for reused functions the stage changed; functions the
    backend never answered are left out (asked again next run)."""
    by_name = {e.function: e for e in entries}
    mine = [c for c in changes if c.module == plan.module]
    for c in mine:
        key = plan.function_keys.get(c.name)
        base = by_name.get(c.name) or (reused.get(key) if key else None)
        if key is None or base is None:
            continue
        if not c.cacheable:
            by_name.pop(c.name, None)
            continue
        diags = [d for d in base.result.diagnostics if d not in c.removed] + c.added
        by_name[c.name] = CacheEntry(
            key=key, module=plan.module, function=c.name, start_line=c.item.python_line, line_dependent=bool(diags),
            result=FunctionResult(c.item.model_copy(), diags), translator_version=plan.translator_version, backend=plan.backend,
        )
    return list(by_name.values())


# ---------------------------------------------------------------- the stage


@dataclass
class StageResult:
    outcomes: list[FunctionOutcome] = field(default_factory=list)
    changes: list[FunctionChange] = field(default_factory=list)
    metrics: LLMMetrics | None = None  # of what was sent in this run
    module_metrics: dict[str, LLMMetrics] = field(default_factory=dict)
    replayed: int = 0  # functions answered from the outcome log without asking

    def summary(self) -> dict:
        return self.metrics.summary() if self.metrics is not None else {}


OUTCOMES_TABLE = "llm_outcomes"
OUTCOMES_DDL = f"""CREATE TABLE IF NOT EXISTS {OUTCOMES_TABLE} (
    key VARCHAR PRIMARY KEY, identity VARCHAR, module VARCHAR, function VARCHAR, accepted BOOLEAN,
    verified BOOLEAN, code VARCHAR, detail VARCHAR, answers INTEGER, created_at TIMESTAMP)"""


class OutcomeLog:
    """What the model answered for each function cache key (`llm_outcomes`), accepted or not.

    The function cache alone cannot promise that a model is never asked twice for the same key:
    a `todo!()` stub names its source line, so the cache reuses it only at the same line, and a
    function moved down by an edit above it would be lowered (and sent) again. This log is keyed
    by the cache key alone (which has no position in it): a known key is answered from here."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, keys: list[str]) -> dict[str, dict]:
        if not keys or not self.store.path.exists():
            return {}
        with self.store.connect() as con:
            con.execute(OUTCOMES_DDL)
            cur = con.execute(f"SELECT * FROM {OUTCOMES_TABLE} WHERE key IN ({', '.join('?' for _ in keys)})", keys)
            names = [d[0] for d in cur.description]
            return {r[0]: dict(zip(names, r)) for r in cur.fetchall()}

    def put(self, outcomes: list[FunctionOutcome], identity: str) -> None:
        rows = [o for o in outcomes if o.task.key and o.asked]
        if not rows:
            return
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        with self.store.connect() as con:
            con.execute(OUTCOMES_DDL)
            con.execute("BEGIN TRANSACTION")
            try:
                keys = [o.task.key for o in rows]
                con.execute(f"DELETE FROM {OUTCOMES_TABLE} WHERE key IN ({', '.join('?' for _ in keys)})", keys)
                con.executemany(
                    f"INSERT INTO {OUTCOMES_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [[o.task.key, identity, o.task.module, o.task.name, o.accepted, o.verified, o.code, o.detail,
                      sum(a.stage != "backend" for a in o.attempts), now] for o in rows],
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise


class LLMStage:
    """A started backend, the memory and the loop, for one run (batched across its modules).
    With a `log`, functions whose key was answered before are not sent again."""

    def __init__(self, settings: LLMSettings, backend: Backend | None = None, memory: TranslationMemory | None = None,
                 log: OutcomeLog | None = None) -> None:
        self.settings = settings
        self.backend = backend or make_backend(settings)
        self.memory = memory
        self.log = log
        self._started = False

    def start(self) -> None:
        """The backend's health check (raises BackendUnavailable), once."""
        if not self._started:
            self.backend.start()
            self._started = True

    def close(self) -> None:
        self.backend.close()

    def run(self, tasks: list[FunctionTask], ctx: LoopContext, translations: dict[str, ModuleTranslation]) -> StageResult:
        """The loop over `tasks`; outcomes are written into `translations` (the run's modules).
        Metrics count what was sent now; answers replayed from the log are outcomes only."""
        known = self.log.get([t.key for t in tasks if t.key]) if self.log is not None else {}
        ask = [t for t in tasks if not (t.key and t.key in known)]
        replayed = [
            FunctionOutcome(task=t, accepted=bool(known[t.key]["accepted"]), code=known[t.key]["code"],
                            verified=bool(known[t.key]["verified"]), asked=True,
                            detail=f"{known[t.key]['detail']}; answered before for this key, not asked again")
            for t in tasks if t.key and t.key in known
        ]
        metrics = LLMMetrics(backend=self.backend.kind, model=self.settings.model_label())
        outcomes: list[FunctionOutcome] = []
        if ask:
            self.start()
            outcomes, metrics = RefineLoop(self.backend, self.settings, self.memory).run(ask, ctx)
            if self.log is not None:
                self.log.put(outcomes, self.backend.identity())
        changes = apply_outcomes(translations, replayed + outcomes, self.backend.identity())
        per_module: dict[str, list[FunctionOutcome]] = {}
        for o in outcomes:
            per_module.setdefault(o.task.module, []).append(o)
        module_metrics = {m: LLMMetrics.from_outcomes(os_, self.backend.kind, self.settings.model_label()) for m, os_ in per_module.items()}
        return StageResult(outcomes=replayed + outcomes, changes=changes, metrics=metrics, module_metrics=module_metrics,
                           replayed=len(replayed))


def memory_from_validations(
    validations: Mapping[str, ModuleValidation], parsed: Mapping[str, ParsedModule]
) -> list[MemoryEntry]:
    """Verified functions of validation reports as memory pairs (their Python and their Rust)."""
    out: list[MemoryEntry] = []
    for m, v in validations.items():
        p = parsed.get(m)
        if p is None:
            continue
        infos = {f.name: f for f in p.functions}
        items = {it.name: it for it in v.items if it.kind == "fn"}
        for f in v.functions:
            it = items.get(f.name)
            if f.status is FunctionStatus.VERIFIED and it is not None and it.code and f.name in infos:
                out.append(MemoryEntry(function_source(p, infos[f.name]), it.code, m, f.name, "", it.backend, "", True))
    return out


def translate_with_llm(
    parsed: dict[str, ParsedModule],
    type_maps: dict[str, ModuleTypeMap],
    settings: LLMSettings,
    toolchain: Toolchain,
    source_root: Path,
    sources: dict[str, str],
    cache_store: Store | None = None,
    backend: Backend | None = None,
) -> tuple[dict[str, ModuleTranslation], dict[str, int], StageResult]:
    """The rules, then the LLM stage, for a whole repository (the CLI path). With `cache_store`,
    functions come from / go to its function cache (keyed with the model and prompt version),
    and the translation memory and metrics live in the same file. Returns the translations,
    {functions_translated, cache_hits} and the stage's result."""
    stage = LLMStage(settings, backend, TranslationMemory(cache_store), OutcomeLog(cache_store) if cache_store is not None else None)
    stage.start()  # fail before any work when the backend is unusable
    try:
        identity = cache_identity(settings)
        version = translator_version()
        stats = {"functions_translated": 0, "cache_hits": 0}
        plans: dict[str, ModulePlan] = {}
        translations: dict[str, ModuleTranslation] = {}
        fresh: dict[str, set[str]] = {}
        new_entries: dict[str, list[CacheEntry]] = {}
        found: dict[str, CacheEntry] = {}
        cache = FunctionCache(cache_store) if cache_store is not None else None
        if cache is not None:
            memo: dict[str, str] = {}
            plans = {k: plan_module(p, type_maps[k], type_maps, version=version, backend=identity, interface_hashes=memo)
                     for k, p in parsed.items()}
            found = cache.get(fk for plan in plans.values() for fk in plan.function_keys.values())
            for k, p in parsed.items():
                r = translate_planned(plans[k], p, type_maps[k], found, rustfmt=toolchain.rustfmt)
                translations[k], fresh[k], new_entries[k] = r.translation, set(r.translated), r.new_entries
                stats["functions_translated"] += len(r.translated)
                stats["cache_hits"] += len(r.reused)
        else:
            translations = {k: lower_module(p, type_maps[k], type_maps, None) for k, p in parsed.items()}  # type: ignore[arg-type]  # formatted below, once
            format_translations(list(translations.values()), toolchain.rustfmt)
            stats["functions_translated"] = sum(len(t.functions) for t in translations.values())
        keys = {k: dict(plan.function_keys) for k, plan in plans.items()}
        tasks = function_tasks(translations, parsed, type_maps, only=fresh if cache is not None else None,
                               llm_only=settings.llm_only, keys=keys)
        with tempfile.TemporaryDirectory(prefix="portalis-llm-") as tmp:
            ctx = LoopContext(translations=dict(translations), parsed=parsed, type_maps=type_maps, work_dir=Path(tmp) / "crate",
                              toolchain=toolchain, source_root=source_root, sources=sources)
            started = time.perf_counter()
            result = stage.run(tasks, ctx, translations)
            if result.metrics is not None:
                result.metrics.wall_s = time.perf_counter() - started
        if cache is not None and cache_store is not None:
            writes = [e for k, plan in plans.items() for e in updated_entries(plan, new_entries[k], found, result.changes)]
            if writes:
                cache.put(writes)
            if result.metrics is not None and result.metrics.functions:
                record(cache_store, result.metrics)
        return translations, stats, result
    finally:
        stage.close()


@dataclass
class PlannedRefinement:
    """What `refine_planned` did to a run's modules."""

    result: StageResult
    retry: set[str] = field(default_factory=set)  # modules with functions the backend never answered
    tasks: int = 0


def refine_planned(
    settings: LLMSettings,
    results: Mapping[str, "CachedTranslation"],
    plans: Mapping[str, ModulePlan],
    entries: Mapping[str, CacheEntry],
    *,
    parsed: Mapping[str, ParsedModule],
    type_maps: Mapping[str, ModuleTypeMap],
    crate: Mapping[str, ModuleTranslation] | Callable[[], Mapping[str, ModuleTranslation]],
    validations: Mapping[str, ModuleValidation],
    store: Store,
    work_dir: Path,
    toolchain: Toolchain,
    source_root: Path | None,
    sources: Mapping[str, str] | None = None,
    backend: Backend | None = None,
) -> PlannedRefinement:
    """The LLM stage over the modules a run just translated (the `rust_translation` asset):
    `results` are `translate_planned`'s outputs (updated in place: translation and new cache
    entries), `crate` every current module's stored translation (the crate the candidates are
    compiled in; a callable is only called when there is something to send), `validations` the last validation reports (rules translations that failed
    their differential tests are sent too, and verified functions feed the memory).
    The backend is only contacted when there is something to send."""
    translations = {k: r.translation for k, r in results.items()}
    failed = failed_functions(validations, translations)
    only = {k: set(r.translated) | {f for (m, f) in failed if m == k} for k, r in results.items()}
    memory = TranslationMemory(store)
    memory.add(memory_from_validations(validations, parsed))
    tasks = function_tasks(translations, parsed, type_maps, only=only, failed=failed, llm_only=settings.llm_only,
                           keys={k: dict(p.function_keys) for k, p in plans.items()})
    if not tasks:
        return PlannedRefinement(StageResult())
    stage = LLMStage(settings, backend, memory, OutcomeLog(store))
    try:
        stored = crate() if callable(crate) else crate
        ctx = LoopContext(translations={**stored, **translations}, parsed=dict(parsed), type_maps=dict(type_maps),
                          work_dir=work_dir, toolchain=toolchain, source_root=source_root, sources=dict(sources or {}))
        result = stage.run(tasks, ctx, translations)
    finally:
        stage.close()
    for k, r in results.items():
        r.translation = translations[k]
        r.new_entries = updated_entries(plans[k], r.new_entries, entries, result.changes)
    if result.metrics is not None and result.metrics.functions:
        record(store, result.metrics)
    retry = {c.module for c in result.changes if not c.cacheable}
    return PlannedRefinement(result, retry, len(tasks))
