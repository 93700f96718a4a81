"""The repo_changes sensor on real temporary repos, a real Dagster instance (SQLite in a temp dir)
and a real DuckDB file; ticks come from `dg.build_sensor_context`, the runs they ask for are
executed in process by `portalis_assets.runner.sync_repo` (one evaluation + its runs)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from portalis.cache import plan_module, translator_version
from portalis.parse import parse_file
from portalis.source import discover
from portalis.store import MODULE_STATE_TABLES, MODULE_TABLES, Store
from portalis.typemap import build_type_map
from portalis_assets.definitions import defs
from portalis_assets.partitions import python_modules
from portalis_assets.runner import sync_repo
from resources import DuckDBStoreResource, SourceRepoResource
from sensors import repo_changes
from sensors.requests import MODULES_TAG, REQUESTED_TAG, TRIGGER_TAG

N = 50


def module_source(k: int, f_param: str = "int") -> str:
    """mod_k imports mod_(k//2): mod_5 is imported by mod_10 and mod_11 only."""
    head = f"from mod_{k // 2:02d} import f_{k // 2:02d}\n\n\n" if k else ""
    call = f"f_{k // 2:02d}(x)" if k else "x"
    return (
        head
        + f"def f_{k:02d}(x: {f_param}) -> int:\n    return {call if f_param == 'int' else 'int(x)'} + {k}\n\n\n"
        + f"def g_{k:02d}(x: int) -> int:\n    y = x * 2\n    return y - {k}\n"
    )


def make_repo(root: Path, n: int = N) -> None:
    root.mkdir()
    for k in range(n):
        (root / f"mod_{k:02d}.py").write_text(module_source(k))


def tick(instance: dg.DagsterInstance, repo: Path, db: Path):
    context = dg.build_sensor_context(
        instance=instance,
        resources={"source_repo": SourceRepoResource(root=str(repo)), "store": DuckDBStoreResource(path=str(db))},
    )
    return repo_changes(context)


# Behaviour validation (Python vs Rust on generated cases) is validation_report's business, tested
# elsewhere; here it would only add minutes.
FAST_VALIDATION = {"ops": {"validation_report": {"config": {"verify": False, "lint": False}}}}


def sync(instance: dg.DagsterInstance, repo: Path, tmp: Path):
    return sync_repo(repo, instance=instance, database=tmp / "p.duckdb", work_dir=tmp / "work", crate_dir=tmp / "crate",
                     run_config=FAST_VALIDATION)


def covered(instance: dg.DagsterInstance, request: dg.RunRequest) -> list[str]:
    """The partitions a ranged run request covers, in registration order."""
    keys = list(instance.get_dynamic_partitions(python_modules.name))
    start, end = request.tags[ASSET_PARTITION_RANGE_START_TAG], request.tags[ASSET_PARTITION_RANGE_END_TAG]
    return keys[keys.index(start) : keys.index(end) + 1]


def seed_translated(instance: dg.DagsterInstance, repo: Path, db: Path) -> None:
    """Register the repo's partitions and record, through the core, the state rust_translation
    records for each module (`plan_module(...).state()`): as if the whole repo had been translated,
    without paying Dagster's per-partition cost 50 times. test_sensor_runs below runs for real."""
    parsed = {m.module: parse_file(repo, m) for m in discover(repo)}
    maps = {k: build_type_map(p) for k, p in parsed.items()}
    version = translator_version()
    Store(db).put_translation_states([plan_module(p, maps[k], maps, version=version, backend="rules").state() for k, p in parsed.items()])
    instance.add_dynamic_partitions(python_modules.name, sorted(parsed))


def test_sensor_decisions_on_50_modules(tmp_path: Path, instance: dg.DagsterInstance) -> None:
    repo = tmp_path / "repo"
    make_repo(repo)
    db = tmp_path / "p.duckdb"
    names = [f"mod_{k:02d}" for k in range(N)]

    # First tick: every module is new: 50 partitions and ONE run over all of them.
    first = tick(instance, repo, db)
    assert isinstance(first, dg.SensorResult)
    assert [r.partition_keys for r in first.dynamic_partitions_requests] == [names]
    assert len(first.run_requests) == 1 and first.run_requests[0].tags[REQUESTED_TAG] == str(N)
    assert instance.get_dynamic_partitions(python_modules.name) == []  # applied by the daemon, not the tick

    seed_translated(instance, repo, db)
    # No change: no run.
    assert isinstance(tick(instance, repo, db), dg.SkipReason)

    # A body change in 1 of 50 modules: exactly that partition.
    original = (repo / "mod_07.py").read_text()
    (repo / "mod_07.py").write_text(original.replace("y = x * 2", "y = x * 3"))
    result = tick(instance, repo, db)
    assert isinstance(result, dg.SensorResult) and not result.dynamic_partitions_requests
    (request,) = result.run_requests
    assert covered(instance, request) == ["mod_07"] and request.tags[MODULES_TAG] == "mod_07"
    (repo / "mod_07.py").write_text(original)

    # A signature change: that module and its importers (mod_10, mod_11, not mod_20 which imports
    # mod_10 only), in ONE run over exactly them: their partitions move to the end of the order.
    (repo / "mod_05.py").write_text(module_source(5, f_param="float"))
    (request,) = tick(instance, repo, db).run_requests
    assert request.tags[MODULES_TAG] == "mod_05,mod_10,mod_11"
    assert covered(instance, request) == ["mod_05", "mod_10", "mod_11"]
    assert instance.get_dynamic_partitions(python_modules.name)[-3:] == ["mod_05", "mod_10", "mod_11"]

    # Several changes far apart still make one run, over exactly them.
    (repo / "mod_48.py").write_text(module_source(48).replace("y = x * 2", "y = x * 5"))
    (request,) = tick(instance, repo, db).run_requests
    assert request.tags[MODULES_TAG] == "mod_05,mod_10,mod_11,mod_48"
    assert sorted(covered(instance, request)) == ["mod_05", "mod_10", "mod_11", "mod_48"]
    assert len(instance.get_dynamic_partitions(python_modules.name)) == N


def test_sensor_runs_translate_only_what_changed(tmp_path: Path, instance: dg.DagsterInstance) -> None:
    """The same repo shape with 6 modules, every requested run executed."""
    repo = tmp_path / "repo"
    make_repo(repo, 6)
    db = tmp_path / "p.duckdb"
    names = [f"mod_{k:02d}" for k in range(6)]

    out = sync(instance, repo, tmp_path)
    assert out.success and out.added == names and out.retranslated == names
    assert (out.functions_translated, out.cache_hits) == (12, 0)
    runs = len(instance.get_run_records())
    assert isinstance(tick(instance, repo, db), dg.SkipReason)
    assert sync(instance, repo, tmp_path).run_ids == [] and len(instance.get_run_records()) == runs

    # A body change: only the changed function is lowered again.
    (repo / "mod_03.py").write_text(module_source(3).replace("y = x * 2", "y = x * 3"))
    out = sync(instance, repo, tmp_path)
    assert (out.retranslated, out.functions_translated, out.cache_hits) == (["mod_03"], 1, 1)
    assert "x * 3" in (tmp_path / "crate" / "src" / "mod_03.rs").read_text()

    # A signature change: the module (its other function is reused) and its importers.
    (repo / "mod_01.py").write_text(module_source(1, f_param="float"))
    out = sync(instance, repo, tmp_path)
    assert out.retranslated == ["mod_01", "mod_02", "mod_03"]
    assert (out.functions_translated, out.cache_hits) == (1 + 2 + 2, 1)
    assert isinstance(tick(instance, repo, db), dg.SkipReason)

    # A new file: a new partition, translated alone.
    (repo / "mod_06.py").write_text(module_source(6))
    result = tick(instance, repo, db)
    assert [r.partition_keys for r in result.dynamic_partitions_requests] == [["mod_06"]]
    out = sync(instance, repo, tmp_path)
    assert out.added == ["mod_06"] and out.retranslated == ["mod_06"]
    assert "mod_06" in instance.get_dynamic_partitions(python_modules.name)
    assert (tmp_path / "crate" / "src" / "mod_06.rs").exists()

    # A deleted file nobody imports: partition and rows gone, the crate rebuilt without it.
    (repo / "mod_05.py").unlink()
    result = tick(instance, repo, db)
    assert [type(r).__name__ for r in result.dynamic_partitions_requests] == ["DeleteDynamicPartitionsRequest"]
    (request,) = result.run_requests
    assert request.asset_selection == [dg.AssetKey("rust_crate")]
    store = Store(db)
    for table in (*MODULE_TABLES, *MODULE_STATE_TABLES):
        rows = store.rows(table, key_column="key" if table in ("function_cache", "case_cache") else "module")
        assert "mod_05" not in {r["module"] for r in rows.values()}, table
    out = sync(instance, repo, tmp_path)
    assert out.success and out.removed == ["mod_05"] and out.retranslated == []
    assert "mod_05" not in instance.get_dynamic_partitions(python_modules.name)
    assert not (tmp_path / "crate" / "src" / "mod_05.rs").exists()
    assert "mod_05" not in (tmp_path / "crate" / "src" / "lib.rs").read_text()


def test_sensor_skips_while_its_run_is_in_flight_and_when_the_repo_is_missing(tmp_path: Path, instance: dg.DagsterInstance) -> None:
    repo = tmp_path / "repo"
    make_repo(repo, 3)
    db = tmp_path / "p.duckdb"
    instance.add_dynamic_partitions(python_modules.name, ["mod_00"])
    missing = tick(instance, tmp_path / "nowhere", db)
    assert isinstance(missing, dg.SkipReason) and "not a directory" in (missing.skip_message or "")
    assert instance.get_dynamic_partitions(python_modules.name) == ["mod_00"]  # nothing deleted

    # A run this sensor launched is still queued: the tick waits for its results.
    run = instance.create_run_for_job(defs.resolve_job_def("translate_repo"), tags={TRIGGER_TAG: "repo_changes"})
    skipped = tick(instance, repo, db)
    assert isinstance(skipped, dg.SkipReason) and run.run_id in (skipped.skip_message or "")
    instance.report_run_canceled(run)
    assert isinstance(tick(instance, repo, db), dg.SensorResult)
