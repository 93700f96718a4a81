"""The nightly_retranslate schedule on a real instance and DuckDB file: it asks for stale modules
only (a stage's code version or the translator model changed since their last materialization),
and `full: true` retranslates everything. One test: the setup (a translated repo) is the cost."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from portalis.store import Store
from portalis_assets.definitions import defs
from portalis_assets.runner import sync_repo
from resources import DuckDBStoreResource, SourceRepoResource, TranslatorResource
from sensors import build_nightly_schedule, nightly_retranslate
from sensors.nightly import deployed_code_versions, stale_modules
from sensors.requests import MODULES_TAG

MODULES = ["a", "b", "c", "d"]
FAST_VALIDATION = {"ops": {"validation_report": {"config": {"verify": False, "lint": False}}}}


def resources_config(tmp_path: Path, db: Path) -> dict:
    return {
        "source_repo": {"config": {"root": str(tmp_path / "repo")}},
        "store": {"config": {"path": str(db)}},
        "rust_toolchain": {"config": {"work_dir": str(tmp_path / "w"), "crate_dir": str(tmp_path / "crate")}},
    }


@pytest.fixture
def translated(tmp_path: Path, instance: dg.DagsterInstance) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    for i, m in enumerate(MODULES):
        (repo / f"{m}.py").write_text(f"def f_{m}(x: int) -> int:\n    return x + {i}\n\n\ndef g_{m}(x: int) -> int:\n    return x * {i}\n")
    out = sync_repo(repo, instance=instance, database=tmp_path / "p.duckdb", work_dir=tmp_path / "w", crate_dir=tmp_path / "crate",
                    run_config=FAST_VALIDATION)
    assert out.success and out.retranslated == MODULES
    return tmp_path / "p.duckdb"


def evaluate(schedule: dg.ScheduleDefinition, instance: dg.DagsterInstance, db: Path, definitions: dg.Definitions = defs,
             backend: str = "rules"):
    context = dg.build_schedule_context(
        instance=instance,
        scheduled_execution_time=datetime(2026, 11, 22, 2, 0, tzinfo=timezone.utc),
        repository_def=definitions.get_repository_def(),
        # source_repo as deployed (empty root): the root the partitions were synced from.
        resources={"store": DuckDBStoreResource(path=str(db)), "translator": TranslatorResource(backend=backend),
                   "source_repo": SourceRepoResource()},
    )
    result = schedule(context)
    return result[0] if isinstance(result, list) and len(result) == 1 else result


def bumped(definitions: dg.Definitions) -> dg.Definitions:
    """The definitions after a release that changed rust_translation's code version."""
    return definitions.map_resolved_asset_specs(
        func=lambda spec: spec.replace_attributes(code_version="rules-bumped"), selection=[dg.AssetKey("rust_translation")]
    )


def test_schedule_asks_for_stale_modules_only_and_full_retranslates_all(tmp_path: Path, instance: dg.DagsterInstance, translated: Path) -> None:
    assert nightly_retranslate.cron_schedule == "0 2 * * *" and nightly_retranslate.execution_timezone == "UTC"
    assert isinstance(evaluate(nightly_retranslate, instance, translated), dg.SkipReason)

    # A new translator release: every module is stale, in one run.
    new_defs = bumped(defs)
    request = evaluate(nightly_retranslate, instance, translated, new_defs)
    assert isinstance(request, dg.RunRequest)
    assert request.tags[MODULES_TAG] == "a,b,c,d"
    assert request.run_config == {"ops": {"rust_translation": {"config": {"full": False}}},
                                  "resources": {"source_repo": {"config": {"root": str((tmp_path / "repo").resolve())}}}}

    # b is materialized with the new release: only a, c and d remain stale.
    job = new_defs.resolve_job_def("translate_repo")
    result = job.execute_in_process(
        instance=instance, partition_key="b",
        run_config={**FAST_VALIDATION, "resources": resources_config(tmp_path, translated)},
    )
    assert result.success
    request = evaluate(nightly_retranslate, instance, translated, new_defs)
    assert request.tags[MODULES_TAG] == "a,c,d"
    assert (request.tags[ASSET_PARTITION_RANGE_START_TAG], request.tags[ASSET_PARTITION_RANGE_END_TAG]) == ("a", "d")

    # A model change: what the last translation recorded in DuckDB no longer matches.
    states = Store(translated).get_translation_states()
    reasons = stale_modules(instance, MODULES, deployed_code_versions(None), states, backend="nim:llama-3")
    assert set(reasons) == {"a", "b", "c", "d"}
    assert "backend/model rules -> nim:llama-3" in reasons["a"] and "code version" in reasons["b"]

    # A module never materialized is stale.
    instance.add_dynamic_partitions("python_modules", ["e"])
    reasons = stale_modules(instance, MODULES + ["e"], deployed_code_versions(None), states, backend="rules")
    assert set(reasons) == {"b", "e"} and "never materialized" in reasons["e"]
    instance.delete_dynamic_partition("python_modules", "e")

    # `full`: every module, with `full: true`, which retranslates everything (no cache).
    schedule = build_nightly_schedule(cron="30 3 * * 1", full=True, name="weekly_full")
    assert schedule.cron_schedule == "30 3 * * 1"
    request = evaluate(schedule, instance, translated)
    assert request.tags[MODULES_TAG] == "a,b,c,d"
    assert request.run_config == {"ops": {"rust_translation": {"config": {"full": True}}},
                                  "resources": {"source_repo": {"config": {"root": str((tmp_path / "repo").resolve())}}}}

    result = defs.resolve_job_def("translate_repo").execute_in_process(
        instance=instance, tags=request.tags,
        run_config={"ops": {**request.run_config["ops"], **FAST_VALIDATION["ops"]}, "resources": resources_config(tmp_path, translated)},
    )
    assert result.success
    meta = {m.partition: m.metadata for m in result.asset_materializations_for_node("rust_translation")}
    assert sorted(meta) == MODULES
    assert all(m["retranslated"].value and m["functions_translated"].value == 2 and m["cache_hits"].value == 0 for m in meta.values())
