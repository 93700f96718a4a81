"""validation_report on a real Dagster instance: behaviour statuses in the rows, the non-blocking
behaviour_verified check with its threshold and figures, numeric metadata per partition, and a
rerun that reuses the compiled case program kept under the work dir."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from portalis.source import discover
from portalis.store import Store
from portalis_assets.definitions import defs
from portalis_assets.partitions import python_modules
from portalis_assets.runner import sync_partitions

from conftest import needs_cargo

pytestmark = needs_cargo

GEO = '''
def area(w: int, h: int) -> int:
    """Area of a rectangle.

    >>> area(2, 3)
    6
    """
    return w * h


def down(n: int) -> int:
    return down(n + 1) + 1
'''


def _execute(repo: Path, tmp_path: Path, instance: dg.DagsterInstance, validation: dict) -> dg.ExecuteInProcessResult:
    """What runner.run_translation does, with run config for validation_report."""
    sync_partitions(instance, [m.module for m in discover(repo)], tmp_path / "portalis.duckdb")
    keys = instance.get_dynamic_partitions(python_modules.name)
    run_config = {
        "resources": {
            "source_repo": {"config": {"root": str(repo)}},
            "store": {"config": {"path": str(tmp_path / "portalis.duckdb")}},
            "rust_toolchain": {"config": {"work_dir": str(tmp_path / "work"), "crate_dir": str(tmp_path / "crate")}},
        },
        "ops": {"validation_report": {"config": validation}},
        "loggers": {"console": {"config": {"log_level": "WARNING"}}},
    }
    return defs.resolve_job_def("translate_repo").execute_in_process(
        run_config=run_config, instance=instance, raise_on_error=False,
        tags={ASSET_PARTITION_RANGE_START_TAG: keys[0], ASSET_PARTITION_RANGE_END_TAG: keys[-1]},
    )


def _check(instance: dg.DagsterInstance, name: str):
    key = dg.AssetCheckKey(dg.AssetKey("validation_report"), name)
    record = instance.event_log_storage.get_latest_asset_check_execution_by_key([key])[key]
    evaluation = record.event.dagster_event.event_specific_data
    return record, evaluation, {k: v.value for k, v in evaluation.metadata.items()}


def test_behaviour_check_threshold_metadata_and_incremental_rerun(tmp_path: Path, instance: dg.DagsterInstance) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "geo.py").write_text(GEO, encoding="utf-8")
    config = {"behaviour_threshold": 0.4, "generated_per_function": 8, "python_timeout_s": 0.5}
    result = _execute(repo, tmp_path, instance, config)
    assert result.success

    _, compiles, _ = _check(instance, "rust_compiles")
    assert compiles.passed
    _, behaviour, figures = _check(instance, "behaviour_verified")
    assert behaviour.passed and behaviour.severity == dg.AssetCheckSeverity.WARN
    assert (figures["verified"], figures["untested"], figures["failed"], figures["translated"]) == (1, 1, 0, 2)
    assert figures["verified_share"] == 0.5 and figures["threshold"] == 0.4
    assert figures["cases_total"] >= 2 and figures["cases_passed"] == figures["cases_total"]
    assert figures["sandbox"] in ("bwrap", "unshare")  # the isolation the repository's code ran under

    # the rows carry the per-function statuses
    row = Store(tmp_path / "portalis.duckdb").get_validations()["geo"]
    statuses = {f.name: (f.status.value, f.detail) for f in row.functions}
    assert statuses["area"] == ("verified", None)
    assert statuses["down"][0] == "untested" and "recursion" in statuses["down"][1]

    # numeric metadata on the partition's materialization, for the UI's plots; the Rust as markdown
    record = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey("validation_report"), asset_partitions=["geo"]), limit=1
    ).records[0]
    md = record.asset_materialization.metadata
    assert md["verified_pct"].value == 50.0
    assert md["sandbox"].value == figures["sandbox"]
    assert md["compile_errors"].value == 0 and isinstance(md["clippy_warnings"].value, int)
    assert "| area | verified |" in md["functions"].value
    assert "pub fn area(w: i64, h: i64) -> i64" in md["rust"].value

    # a stricter threshold fails the check, but it does not block: the crate is still written
    config["behaviour_threshold"] = 0.9
    again = _execute(repo, tmp_path, instance, config)
    assert again.success
    _, behaviour, figures = _check(instance, "behaviour_verified")
    assert not behaviour.passed and figures["threshold"] == 0.9
    assert figures["reused_build"] is True  # nothing changed: the target dir under the work dir had it all
    assert (tmp_path / "crate" / "portalis-report.json").exists()
    assert (tmp_path / "work" / "target").is_dir()
