"""Module interfaces and the import graph: what decides which modules a change must retranslate.

A module's *interface* is its type map (signatures, dataclass fields, constants): the only thing
other modules' translations read from it. Its hash leaves out source positions, so editing a
body (which shifts the lines below it) does not change the interface, while a change that
callers see (a parameter type, a field, a parameter that is now changed in place and so passed
`&mut`) does.

Invalidation rule (`plan_changes`):
- a module whose source changed is retranslated;
- a module whose source did not change is retranslated when one of the interfaces it was
  translated against is now different (changed, appeared, or gone).

`build_type_map` reads only the module itself, so a module whose source did not change keeps its
interface: propagation stops at the importers of a changed interface unless an importer changed
too, in which case its own new interface is compared in turn (transitively, while interfaces keep
changing). Every input is compared with what the last translation recorded (`ModuleState` rows in
DuckDB), never with the previous tick, so a failed run is simply planned again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable, Mapping

from portalis.model import ModuleTypeMap, ParsedModule

# Bump when the canonical form below changes: every stored interface hash becomes different,
# which retranslates importers once (safe).
INTERFACE_FORMAT = "iface-1"

# Keys dropped from the canonical form: positions move when code above moves; where a type came
# from (its provenance) is no part of what callers see.
_POSITION_KEYS = frozenset({"line", "end_line", "provenance", "returns_provenance"})
# Nor is what the analysis knows of a body (`FunctionSignature.facts`: its locals).
_BODY_FACTS = {"functions": {"__all__": {"facts"}}, "classes": {"__all__": {"methods": {"__all__": {"facts"}}}}}


def _strip_positions(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_positions(v) for k, v in value.items() if k not in _POSITION_KEYS}
    if isinstance(value, list):
        return [_strip_positions(v) for v in value]
    return value


def digest(*parts: object) -> str:
    """sha256 of the JSON of the parts (sorted keys): a stable key for anything JSON-able."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(type_map: ModuleTypeMap) -> dict[str, Any]:
    data = _strip_positions(type_map.model_dump(mode="json", exclude=_BODY_FACTS))
    for key in ("functions", "classes", "constants"):
        data[key] = sorted(data[key], key=lambda item: item["name"])
    # The module-level diagnostics list repeats the per-signature ones (minus positions).
    data.pop("diagnostics", None)
    return data


def interface_hash(type_map: ModuleTypeMap) -> str:
    """Hash of what importers can see of a module: positions left out, names sorted (moving a
    function up or down the file is not an interface change)."""
    return digest(INTERFACE_FORMAT, _canonical(type_map))


def interface_parts(type_map: ModuleTypeMap) -> tuple[str, dict[str, str]]:
    """The interface split for the functions of the module itself: (hash of its classes and
    constants, {function name: hash of its signature}). A function's translation depends on the
    signatures of the functions it names, not on its siblings' (see cache.plan_module)."""
    data = _canonical(type_map)
    sigs: dict[str, list] = {}
    for f in data["functions"]:
        sigs.setdefault(f["name"], []).append(f)
    return digest(INTERFACE_FORMAT, data["module"], data["classes"], data["constants"]), {n: digest(v) for n, v in sigs.items()}


def interface_deps(parsed: ParsedModule) -> list[str]:
    """Modules whose interfaces a module's translation may read: everything it imports, plus
    `pkg.name` for `from pkg import name` (name may be a submodule). Names that are not modules of
    the repo (stdlib, typing) are kept too: if such a module appears later, importers notice."""
    keys = set(parsed.imported_modules())
    keys.update(f"{i.module}.{i.name}" for i in parsed.imports if i.name and i.name != "*")
    keys.discard(parsed.module)
    return sorted(k for k in keys if k)


def scope_digest(parsed: ParsedModule) -> str:
    """The module-level names a function body resolves through: imports (with aliases) and class
    names. Part of every function's cache key in the module."""
    imports = sorted((i.module, i.name or "", i.alias or "") for i in parsed.imports)
    return digest(parsed.module, imports, sorted(c.name for c in parsed.classes))


@dataclass
class ModuleState:
    """What the last translation of a module was computed from (one `translation_state` row)."""

    module: str
    source_sha256: str
    interface_sha256: str
    deps: dict[str, str | None] = field(default_factory=dict)  # dependency -> its interface hash then (None: absent)
    translator_version: str = ""
    backend: str = ""
    translation_key: str = ""
    updated_at: datetime | None = None


@dataclass
class ChangePlan:
    """What a sensor tick found. `requested` is what must be retranslated, sorted."""

    added: list[str]
    removed: list[str]
    changed: list[str]  # source differs from the last translation (added modules included)
    interface_changed: list[str]  # changed modules whose interface differs too (or new/removed ones)
    importers: list[str]  # unchanged modules retranslated because an interface they use changed
    requested: list[str]
    reasons: dict[str, str] = field(default_factory=dict)  # module -> why it is requested


def plan_changes(
    current: Mapping[str, str],
    partitions: Iterable[str],
    states: Mapping[str, ModuleState],
    interface_of: Callable[[list[str]], Mapping[str, str]],
) -> ChangePlan:
    """Decide what to retranslate.

    current: module -> source sha256 of the repo now; partitions: the registered modules;
    states: what each module's last translation recorded; interface_of: computes the current
    interface hash of the given modules (called only for modules whose source changed and that
    were translated before: new modules never need it, their importers are stale anyway).
    """
    partitions = list(partitions)
    registered = set(partitions)
    added = sorted(set(current) - registered)
    removed = sorted(registered - set(current))
    # No recorded state = never translated (new, or its first run failed): retried until it is.
    changed = sorted(m for m, sha in current.items() if m not in states or states[m].source_sha256 != sha)
    reasons: dict[str, str] = {m: ("not translated yet" if m not in states else "source changed") for m in changed}

    # Interfaces as they are now: unchanged sources keep their recorded interface; changed ones
    # that were translated before are recomputed; new ones are marked as such (never equal to a
    # recorded hash, so whoever recorded something for them is stale).
    recompute = [m for m in changed if m in states]
    fresh = dict(interface_of(recompute)) if recompute else {}
    changed_set = set(changed)
    now: dict[str, str] = {}
    for m in current:
        if m in fresh:
            now[m] = fresh[m]
        elif m in states and m not in changed_set:
            now[m] = states[m].interface_sha256
        else:
            now[m] = f"new:{current[m]}"
    interface_changed = sorted(
        [m for m in changed if m not in states or now[m] != states[m].interface_sha256]
        + [m for m in removed if m in states]
    )

    importers: list[str] = []
    for m, state in states.items():
        if m not in current or m in reasons:
            continue
        moved = sorted(d for d, h in state.deps.items() if now.get(d) != h)
        if moved:
            importers.append(m)
            reasons[m] = "interface changed: " + ", ".join(moved)
    # A new partition is materialized even when the store already holds its translation (the
    # Dagster instance was reset): rust_translation then keeps the stored one.
    for m in added:
        reasons.setdefault(m, "new partition")
    requested = sorted(reasons)
    return ChangePlan(
        added=added,
        removed=removed,
        changed=changed,
        interface_changed=interface_changed,
        importers=sorted(importers),
        requested=requested,
        reasons=reasons,
    )


def covering_range(order: list[str], modules: Iterable[str]) -> tuple[str, str] | None:
    """The smallest (start, end) partition range, in registration order, that holds all modules.

    Dagster runs over a contiguous key range only; modules between the requested ones ride along
    and are served from the translation cache (see rust_translation)."""
    wanted = set(modules)
    positions = [i for i, key in enumerate(order) if key in wanted]
    if not positions:
        return None
    return order[positions[0]], order[positions[-1]]
