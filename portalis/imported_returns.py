"""Return types of imported functions: the rounds of the type map across modules.

A module's type map (portalis/typemap.py) is built from the module alone, so a call of a
function it imports from another module of the repository was of unknown type:
`self.stripnl = get_bool_opt(options, 'stripnl', True)` in pygments/lexer.py, the reader
defined in pygments/util.py, left the field untyped (PTL112) and every initialiser inheriting it
stopped there. Here the type maps are built in rounds:

1. every module on its own (as before);
2. each module that *calls* a function it imports (`from m import f [as g]`, resolved through
   re-exports by portalis/names.py) whose return the last round typed in its own module is built
   again with those returns (`offered_returns`: `"m.f" -> type`), which its evaluator reads at
   the call (analysis/evidence.py `imported_return`);
3. again while what is offered to some module changed, at most `MAX_ROUNDS` rebuilding rounds.

Only modules whose offer changed are built again, so a module calling no imported function of
the repository costs nothing more. Pure: the rounds read the type maps they are given and
nothing of the process (the CLI and the Dagster `type_map` asset call `map_rounds` with the same
maps and get the same facts). Offered are types that mean the same in the caller: no unknown
part, no placeholder, and class types only of classes the defining module itself holds.
"""

from __future__ import annotations

import re
from typing import Callable, Mapping

from portalis.model import ModuleTypeMap, ParsedModule, PyType
from portalis.names import OPAQUE, Names
from portalis.types import pytypes as T

__all__ = ["MAX_ROUNDS", "map_rounds", "mapped_in_rounds", "offered_returns"]

MAX_ROUNDS = 3  # rebuilding rounds after the first (a chain a -> b -> c of returns needs two)


def _called(source: str, local: str) -> bool:
    """Whether the module's text calls `local` (a cheap superset: `local(` anywhere)."""
    return re.search(rf"(?<![\w.]){re.escape(local)}\s*\(", source) is not None


def _offerable(t: PyType, module: str, tm: ModuleTypeMap) -> bool:
    """A return type the caller's module reads as the callee's module means it."""
    if not T.is_known(t) or t.kind == OPAQUE:
        return False
    if t.kind == "class" and (t.module != module or tm.cls(t.name or "") is None):
        return False  # a class the defining module imports: its name there is a re-export
    return all(_offerable(a, module, tm) for a in t.args)


def offered_returns(parsed: ParsedModule, names: Names) -> dict[str, PyType]:
    """`module.name` -> return type of each repository function `parsed` imports by name and
    calls, whose own module's type map typed its return."""
    out: dict[str, PyType] = {}
    if not parsed.ok:
        return out
    for imp in parsed.imports:
        if imp.name is None or imp.name == "*":
            continue
        local = imp.alias or imp.name
        if not _called(parsed.source, local):
            continue
        target = names.resolve(parsed.module, local)
        if target is None or target.kind != "function" or target.module == parsed.module:
            continue
        tm = names.maps.get(target.module)
        sig = tm.function(target.name) if tm is not None else None
        if sig is None or sig.wrapped is not None or not _offerable(sig.returns, target.module, tm):
            continue
        out[f"{imp.module}.{imp.name}"] = sig.returns
    return out


Rebuild = Callable[[dict[str, dict[str, PyType]]], Mapping[str, ModuleTypeMap]]


def map_rounds(parsed: Mapping[str, ParsedModule], maps: Mapping[str, ModuleTypeMap], rebuild: Rebuild,
               others: Mapping[str, ModuleTypeMap] | None = None, max_rounds: int = MAX_ROUNDS) -> tuple[dict[str, ModuleTypeMap], list[int]]:
    """The type maps of `parsed`'s modules after the rounds, from their first-round `maps`.
    `rebuild({module: offered})` builds those modules again with those imported returns (in
    this process or workers: the caller's business). `others`: type maps of modules not built
    here that imports may resolve to (the Dagster partitions outside the run), read only.
    Also gives the number of modules rebuilt in each round."""
    out = dict(maps)
    last: dict[str, dict[str, PyType]] = {k: {} for k in parsed}
    rebuilt: list[int] = []
    for _ in range(max_rounds):
        names = Names({**(others or {}), **out})
        todo = {}
        for k, p in parsed.items():
            if k not in out:
                continue  # failed: no map to improve
            offered = offered_returns(p, names)
            if offered != last[k]:
                todo[k] = offered
        if not todo:
            break
        for k, tm in rebuild(todo).items():
            if tm is not None:
                out[k] = tm
            last[k] = todo[k]
        rebuilt.append(len(todo))
    return out, rebuilt


def mapped_in_rounds(parsed: Mapping[str, ParsedModule], observed: Mapping[str, dict] | None = None,
                     passed: Mapping[str, dict] | None = None) -> dict[str, ModuleTypeMap]:
    """Every module's type map built here, one after the other, then the rounds (what the
    pipeline does without workers). `passed`: classes passed as values across modules
    (portalis/analysis/class_flow.py), per module."""
    from portalis.typemap import build_type_map

    seen, given = observed or {}, passed or {}
    first = {k: build_type_map(p, seen.get(k), given.get(k)) for k, p in parsed.items()}
    maps, _ = map_rounds(parsed, first, lambda todo: {k: build_type_map(parsed[k], seen.get(k), given.get(k), imported_returns=o)
                                                      for k, o in todo.items()})
    return maps
