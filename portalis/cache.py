"""The per-function translation cache: a function is translated once per key, then reused.

Key of one function = sha256 of
- the function's own source text (its lines, its decorators);
- the module context it is lowered in: module name, the module's classes and constants, its
  imports and class names, the interface hash of every module it imports
  (`interface.interface_deps`), and the signatures of the module's own functions it names
  (so changing one signature does not retranslate siblings that never call it);
- the translator's code version (`translator_version()`: a digest of the translator's source files,
  so an edit of the rules invalidates what they produced) and the backend/model.

That is every input of `lower_function` for one function (its node, its signature, the module's
type map and the imported ones, the import scope), so a hit is exactly what translating again
would give; `tests/test_incremental.py` checks cached == fresh. If lowering ever reads more of the
module than that, it must be added to `plan_module`'s context. Positions are the one exception: a
cached result stores the line its function started at and is moved to the current one. A
function whose output embeds a line number (an untranslated function's `todo!("... (line N)")`)
is only reused at the same line.

Everything here is plain Python over `portalis.store.Store` (no Dagster): the `rust_translation`
asset and `portalis translate --cache` share it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from pydantic import ValidationError

from portalis.contain import internal_error
from portalis.interface import ModuleState, digest, interface_deps, interface_hash, interface_parts, scope_digest
from portalis.lower.module import FunctionResult, format_translations, lower_module
from portalis.names import export_closure
from portalis.model import Diagnostic, FunctionInfo, FunctionSignature, ModuleTranslation, ModuleTypeMap, ParsedModule, RustItem
from portalis.store import Store

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# Base of the rules translator's code version: bump it to invalidate by hand (the digest of the
# translator's files below changes by itself with every edit).
RULES_VERSION = "rules-1"

_PORTALIS = Path(__file__).resolve().parent
# What a function's translation is computed by. model.py, validate/ and the Dagster layer are not
# in it: they do not change what the rules emit (a stored record that no longer loads is a miss).
_TRANSLATOR_PATHS = (
    "lower", "types", "rust", "runtime", "analysis", "parse.py", "typemap.py", "interface.py", "names.py", "cache.py",
    # modules both the analysis and lowering read
    "cst_walk.py", "cst_scan.py", "exception_facts.py", "class_interfaces.py",
    "regex_syntax.py", "constant_facts.py", "unsupported.py", "namedtuples.py", "builtin_bases.py", "import_fallbacks.py", "inheritance.py",
    "memo_caches.py", "path_types.py", "source_rewrite.py", "whole_floats.py", "pattern_methods.py", "imported_returns.py",
)


@functools.lru_cache(maxsize=1)
def translator_digest(root: Path = _PORTALIS) -> str:
    """sha256 (12 hex) of the translator's source files, computed once per process: every stage
    of one process agrees on it even while the files are being edited."""
    h = hashlib.sha256()
    for rel in _TRANSLATOR_PATHS:
        path = root / rel
        files = sorted(p for p in path.rglob("*") if p.suffix in (".py", ".rs")) if path.is_dir() else [path]
        for f in files:
            if f.exists():
                h.update(f.relative_to(root).as_posix().encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:12]


def translator_version(base: str = RULES_VERSION) -> str:
    """`base+<digest of the translator's sources>`: the code version of the rules translator."""
    return f"{base}+{translator_digest()}"


def function_source(parsed: ParsedModule, fn: FunctionInfo) -> str:
    """The function's text as written (def line to last line) plus its decorators."""
    lines = parsed.source.splitlines()
    return "\n".join([*fn.decorators, *lines[fn.line - 1 : fn.end_line]])


@dataclass
class CacheEntry:
    """One function's cached translation."""

    key: str
    module: str
    function: str
    start_line: int  # the function's `def` line when it was translated
    line_dependent: bool  # its output names a source line: reusable only at the same line
    result: FunctionResult
    translator_version: str = ""
    backend: str = ""

    def moved_to(self, line: int) -> FunctionResult | None:
        """The result for a function that now starts at `line`, or None if it cannot move."""
        delta = line - self.start_line
        if delta and self.line_dependent:
            return None
        item = self.result.item.model_copy(update={"python_line": self.result.item.python_line + delta})
        diags = [d.model_copy(update={"line": d.line + delta if d.line is not None else None}) for d in self.result.diagnostics]
        return FunctionResult(item, diags)

    def row(self) -> dict:
        return {
            "module": self.module, "function": self.function, "start_line": self.start_line,
            "line_dependent": self.line_dependent, "translator_version": self.translator_version,
            "backend": self.backend, "item": self.result.item.model_dump_json(),
            "diagnostics": "[" + ",".join(d.model_dump_json() for d in self.result.diagnostics) + "]",
        }

    @classmethod
    def from_row(cls, key: str, row: Mapping) -> "CacheEntry | None":
        try:
            item = RustItem.model_validate_json(row["item"])
            diags = [Diagnostic.model_validate(d) for d in json.loads(row["diagnostics"] or "[]")]
        except (ValidationError, ValueError):
            return None  # written by an older model shape: a miss, overwritten after translating
        return cls(
            key=key, module=row["module"], function=row["function"], start_line=row["start_line"],
            line_dependent=bool(row["line_dependent"]), result=FunctionResult(item, diags),
            translator_version=row["translator_version"] or "", backend=row["backend"] or "",
        )


class FunctionCache:
    """The `function_cache` table of a store: batched reads and writes (one connection each)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, keys: Iterable[str]) -> dict[str, CacheEntry]:
        rows = self.store.function_cache_rows(sorted(set(keys)))
        found = {k: CacheEntry.from_row(k, r) for k, r in rows.items()}
        return {k: e for k, e in found.items() if e is not None}

    def put(self, entries: Iterable[CacheEntry]) -> None:
        self.store.put_function_cache({e.key: e.row() for e in entries})


@dataclass
class ModulePlan:
    """Everything the cache needs to know about one module before translating it."""

    module: str
    source_sha256: str
    interface_sha256: str
    deps: dict[str, str | None]  # imported module -> its interface hash now (None: not a module here)
    interfaces: dict[str, ModuleTypeMap]  # the imported modules' type maps: all the lowering may read
    context: str  # digest of everything a function's output depends on besides its own text
    translation_key: str  # digest of the whole module's inputs: equal keys, equal translation
    function_keys: dict[str, str]  # function -> cache key (duplicate names left out: not cacheable)
    translator_version: str
    backend: str

    def state(self) -> ModuleState:
        return ModuleState(
            module=self.module, source_sha256=self.source_sha256, interface_sha256=self.interface_sha256,
            deps=dict(self.deps), translator_version=self.translator_version, backend=self.backend,
            translation_key=self.translation_key,
        )


def plan_module(
    parsed: ParsedModule,
    type_map: ModuleTypeMap,
    interfaces: Mapping[str, ModuleTypeMap],
    *,
    version: str,
    backend: str,
    interface_hashes: dict[str, str] | None = None,
) -> ModulePlan:
    """Keys of a module and of each of its functions. `interfaces` may hold more modules than the
    module imports; only the imported ones are used (and passed on to the lowering), which is what
    makes the keys complete. `interface_hashes` memoizes hashes across modules of one run."""
    memo = interface_hashes if interface_hashes is not None else {}

    def ihash(tm: ModuleTypeMap) -> str:
        if tm.module not in memo:
            memo[tm.module] = interface_hash(tm)
        return memo[tm.module]

    own = interface_hash(type_map)  # always fresh: the module's own map is the one being translated
    structure, own_sigs = interface_parts(type_map)
    deps_names = interface_deps(parsed)
    # What the names it imports lead to as well (re-exports, star imports: portalis/names.py), so
    # a change where a re-exported class is defined retranslates the modules that import it.
    reach = export_closure(parsed.imports, interfaces, own=parsed.module)
    used = {d: interfaces[d] for d in sorted(set(deps_names) | set(reach)) if d in interfaces and d != parsed.module}
    deps = {d: (ihash(used[d]) if d in used else None) for d in sorted(set(deps_names) | set(used))}
    context = digest("fn", parsed.module, structure, scope_digest(parsed), deps, version, backend)
    names = [f.name for f in parsed.functions]
    keys: dict[str, str] = {}
    for f in parsed.functions:
        if names.count(f.name) != 1:
            continue
        text = function_source(parsed, f)
        # The own functions a body can reach are the ones it names (calls, references): their
        # signatures are in its key, its siblings' are not. Over-inclusive (a name in a comment
        # counts), never under-inclusive: the rules resolve a call only through its name.
        named = sorted((n, h) for n, h in own_sigs.items() if n in set(_IDENT.findall(text)))
        keys[f.name] = digest(context, named, hashlib.sha256(text.encode()).hexdigest())
    return ModulePlan(
        module=parsed.module, source_sha256=parsed.source_sha256, interface_sha256=own, deps=deps,
        interfaces=used, context=context,
        translation_key=digest("module", context, own, parsed.source_sha256, parsed.ok),
        function_keys=keys, translator_version=version, backend=backend,
    )


@dataclass
class CachedTranslation:
    translation: ModuleTranslation
    translated: list[str] = field(default_factory=list)  # functions lowered by this call
    reused: list[str] = field(default_factory=list)  # functions taken from the cache
    new_entries: list[CacheEntry] = field(default_factory=list)  # what to store


Lower = Callable[..., ModuleTranslation]


def translate_planned(
    plan: ModulePlan,
    parsed: ParsedModule,
    type_map: ModuleTypeMap,
    entries: Mapping[str, CacheEntry],
    *,
    rustfmt: str | None = "rustfmt",
    full: bool = False,
    lower: Lower = lower_module,
) -> CachedTranslation:
    """Translate a module, reusing the cached functions among `entries` (unless `full`); the
    functions translated now come back as `new_entries`. Each key is lowered at most once.
    `rustfmt=None`: printed, not formatted; then format_planned formats many modules at once."""
    by_key = {} if full else dict(entries)
    reused: list[str] = []

    def reuse(sig: FunctionSignature) -> FunctionResult | None:
        key = plan.function_keys.get(sig.name)
        entry = by_key.get(key) if key is not None else None
        result = entry.moved_to(sig.line) if entry is not None else None
        if result is not None:
            reused.append(sig.name)
        return result

    lowered: list[FunctionResult] = []
    translation = lower(parsed, type_map, plan.interfaces, rustfmt, reuse=reuse, lowered=lowered)
    new_entries = [
        CacheEntry(
            key=plan.function_keys[r.item.name], module=plan.module, function=r.item.name,
            start_line=r.item.python_line, line_dependent=bool(r.diagnostics),
            result=FunctionResult(r.item.model_copy(), list(r.diagnostics)),
            translator_version=plan.translator_version, backend=plan.backend,
        )
        for r in lowered
        if r.item.name in plan.function_keys
    ]
    return CachedTranslation(
        translation=translation, translated=[r.item.name for r in lowered], reused=reused, new_entries=new_entries
    )


def format_planned(results: Sequence[CachedTranslation], rustfmt: str = "rustfmt") -> None:
    """Format the modules `translate_planned(..., rustfmt=None)` printed, with one rustfmt run for
    all (its start-up costs more than formatting a module), then give their new cache entries the
    formatted items and any quarantine diagnostic of the formatting: what translate_planned with a
    rustfmt stores."""
    before = [len(r.translation.diagnostics) for r in results]
    format_translations([r.translation for r in results], rustfmt)
    for r, n in zip(results, before):
        items = {i.name: i for i in r.translation.items}
        late = r.translation.diagnostics[n:]
        for e in r.new_entries:
            item = items.get(e.function)
            diagnostics = list(e.result.diagnostics) + [d for d in late if d.function == e.function]
            e.result = FunctionResult((item if item is not None else e.result.item).model_copy(), diagnostics)
            e.line_dependent = bool(diagnostics)


def translate_cached(
    parsed: ParsedModule,
    type_map: ModuleTypeMap,
    interfaces: Mapping[str, ModuleTypeMap],
    cache: FunctionCache,
    *,
    backend: str = "rules",
    version: str | None = None,
    rustfmt: str = "rustfmt",
    full: bool = False,
) -> CachedTranslation:
    """One module through the cache, reading and writing it (one connection each)."""
    plan = plan_module(parsed, type_map, interfaces, version=version or translator_version(), backend=backend)
    entries = {} if full else cache.get(plan.function_keys.values())
    result = translate_planned(plan, parsed, type_map, entries, rustfmt=rustfmt, full=full)
    if result.new_entries:
        cache.put(result.new_entries)
    return result


def translate_all_cached(
    parsed: Mapping[str, ParsedModule],
    type_maps: Mapping[str, ModuleTypeMap],
    cache: FunctionCache,
    *,
    backend: str = "rules",
    version: str | None = None,
    rustfmt: str = "rustfmt",
) -> tuple[dict[str, ModuleTranslation], dict[str, int]]:
    """A whole repo through the cache (the `portalis translate --cache` path): one read of every
    key, one write of every new entry. Returns the translations and {functions_translated, cache_hits}."""
    version = version or translator_version()
    memo: dict[str, str] = {}
    out: dict[str, ModuleTranslation] = {}
    plans: dict[str, ModulePlan] = {}
    for k, p in parsed.items():
        try:
            plans[k] = plan_module(p, type_maps[k], type_maps, version=version, backend=backend, interface_hashes=memo)
        except Exception as exc:  # noqa: BLE001 - one module's failure is that module's diagnostic
            out[k] = failed_translation(p, type_maps.get(k), internal_error(k, "planning the translation", exc))
    entries = cache.get(fk for plan in plans.values() for fk in plan.function_keys.values())
    new: list[CacheEntry] = []
    stats = {"functions_translated": 0, "cache_hits": 0}
    done: list[CachedTranslation] = []
    for k, p in parsed.items():
        if k not in plans:
            continue
        try:
            r = translate_planned(plans[k], p, type_maps[k], entries, rustfmt=None)  # formatted below, all at once
        except Exception as exc:  # noqa: BLE001
            out[k] = failed_translation(p, type_maps.get(k), internal_error(k, "translating", exc))
            continue
        out[k] = r.translation
        done.append(r)
        stats["functions_translated"] += len(r.translated)
        stats["cache_hits"] += len(r.reused)
    format_planned(done, rustfmt)
    for r in done:
        new += r.new_entries
    if new:
        cache.put(new)
    return {k: out[k] for k in parsed if k in out}, stats


def failed_translation(parsed: ParsedModule, type_map: ModuleTypeMap | None, error: Diagnostic) -> ModuleTranslation:
    """The translation of a module a stage failed on: its diagnostics and the error, no items."""
    out = ModuleTranslation(module=parsed.module)
    out.diagnostics.extend(parsed.diagnostics)
    if type_map is not None:
        out.diagnostics.extend(type_map.diagnostics)
    out.diagnostics.append(error)
    return out
