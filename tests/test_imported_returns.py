"""Return types of functions imported from other modules of the repository
(portalis/imported_returns.py): the type map's rounds, without cargo.

Regenerate the golden file after an intended change:

    PORTALIS_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_imported_returns.py -k golden
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from portalis.imported_returns import map_rounds, offered_returns
from portalis.model import ModuleTypeMap, ParsedModule
from portalis.names import Names
from portalis.parse import parse_source, source_module_from_text
from portalis.typemap import build_type_map

GOLDEN = Path(__file__).parent / "golden" / "imported_returns.json"
REGEN = os.environ.get("PORTALIS_REGEN_GOLDEN") == "1"

# pygments' shape: readers in util, a base initialiser in lexer setting fields from them, a
# helper of lexer returning a reader's value (typed only in the second round), its caller in
# a third module (typed in the third), and a module calling nothing imported.
SOURCES = {
    "pkg.util": '''
def get_flag(options, name, default=False):
    value = options.get(name, default)
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("1", "yes", "true")


def get_number(options, name, default=0):
    return int(options.get(name, default))
''',
    "pkg.lexer": '''
from pkg.util import get_flag, get_number as number


class Lexer:
    def __init__(self, **options):
        self.options = options
        self.strip = get_flag(options, "strip", True)
        self.tabsize = number(options, "tabsize", 8)

    def width(self):
        return self.tabsize * 2


def stripping(**options):
    return get_flag(options, "strip", False)
''',
    "pkg.cli": '''
from pkg.lexer import stripping


class Settings:
    def __init__(self, quiet):
        self.quiet = quiet
        self.strip = stripping(strip=quiet)
''',
    "pkg.alone": '''
def double(n):
    return n * 2
''',
}


def _parsed() -> dict[str, ParsedModule]:
    out = {}
    for module, text in SOURCES.items():
        p = parse_source(source_module_from_text(module, text), text)
        assert p.ok, p.diagnostics
        out[module] = p
    return out


def _rounds(parsed: dict[str, ParsedModule], others: dict[str, ModuleTypeMap] | None = None):
    first = {k: build_type_map(p) for k, p in parsed.items()}
    return map_rounds(parsed, first, lambda todo: {k: build_type_map(parsed[k], None, None, imported_returns=o) for k, o in todo.items()}, others)


def _compact(tm: ModuleTypeMap) -> dict:
    return {
        "functions": {f.name: str(f.returns) for f in tm.functions},
        "fields": {c.name: {f.name: str(f.py_type) for f in c.fields} for c in tm.classes},
        "diagnostics": sorted(f"{d.code} {d.message}" for d in tm.diagnostics),
    }


def test_golden_type_maps_after_the_rounds() -> None:
    maps, rebuilt = _rounds(_parsed())
    got = {k: _compact(maps[k]) for k in sorted(maps)}
    if REGEN:
        GOLDEN.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))
    # lexer in round 2 (the readers' returns), cli in round 3 (stripping's, typed in round 2);
    # util and alone (nothing imported called) are never built again
    assert rebuilt == [1, 1]
    assert got["pkg.lexer"]["fields"]["Lexer"]["strip"] == "bool"
    assert got["pkg.lexer"]["fields"]["Lexer"]["tabsize"] == "int"
    assert got["pkg.cli"]["fields"]["Settings"]["strip"] == "bool"


def test_the_first_round_alone_leaves_the_fields_untyped() -> None:
    parsed = _parsed()
    lexer = build_type_map(parsed["pkg.lexer"])
    assert any(d.code == "PTL112" and "Lexer.strip" in d.message for d in lexer.diagnostics)


def test_only_called_imports_of_repository_functions_are_offered() -> None:
    parsed = _parsed()
    names = Names({k: build_type_map(p) for k, p in parsed.items()})
    assert {k: str(t) for k, t in offered_returns(parsed["pkg.lexer"], names).items()} == {
        "pkg.util.get_flag": "bool", "pkg.util.get_number": "int"}
    assert offered_returns(parsed["pkg.alone"], names) == {}
    # stripping's return is not typed in the first round: nothing offered yet
    assert offered_returns(parsed["pkg.cli"], names) == {}


def test_a_run_of_some_partitions_reads_the_others_stored_maps_and_gets_the_same_facts() -> None:
    """The Dagster asset maps the partitions of its run with the stored maps of the others
    (`others`); the CLI maps every module at once. Same facts either way."""
    parsed = _parsed()
    whole, _ = _rounds(parsed)
    stored = {k: whole[k] for k in ("pkg.util", "pkg.lexer", "pkg.alone")}
    part, rebuilt = _rounds({"pkg.cli": parsed["pkg.cli"]}, stored)
    assert rebuilt == [1]
    assert part["pkg.cli"].model_dump() == whole["pkg.cli"].model_dump()


def test_the_dagster_type_map_of_one_partition_at_a_time_has_the_clis_facts(tmp_path: Path, instance) -> None:
    """The `type_map` asset run partition by partition (each run reads the stored maps of the
    others) stores the maps the CLI's rounds give. No cargo: parse and type map only."""
    import dagster as dg

    from portalis.imported_returns import mapped_in_rounds
    from portalis.names import resolve_all
    from portalis.parse import parse_file
    from portalis.source import resolve_root, scan_sources
    from portalis.store import Store
    from portalis_assets.definitions import defs
    from portalis_assets.partitions import python_modules

    repo = tmp_path / "repo"
    for module, text in SOURCES.items():
        path = repo / (module.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (repo / "pkg" / "__init__.py").write_text("")
    src = resolve_root(repo)
    parsed = {m.module: parse_file(src.root, m) for m in scan_sources(src).modules}
    cli = mapped_in_rounds(parsed)
    assert {f.name: str(f.py_type) for f in cli["pkg.cli"].cls("Settings").fields}["strip"] == "bool"

    instance.add_dynamic_partitions(python_modules.name, sorted(parsed))
    job = defs.resolve_job_def("translate_repo").get_subset(asset_selection={dg.AssetKey("parsed_ast"), dg.AssetKey("type_map")})
    config = {"resources": {"store": {"config": {"path": str(tmp_path / "p.duckdb")}},
                            "source_repo": {"config": {"root": str(repo)}}}}
    for key in ("pkg", "pkg.util", "pkg.alone", "pkg.lexer", "pkg.cli"):  # each reads those before it
        assert job.execute_in_process(instance=instance, partition_key=key, run_config=config).success
    stored = Store(tmp_path / "p.duckdb").get_type_maps()
    for k in parsed:
        assert stored[k].model_dump() == cli[k].model_dump(), k
    assert resolve_all(stored)["pkg.cli"].model_dump() == resolve_all(cli)["pkg.cli"].model_dump()
