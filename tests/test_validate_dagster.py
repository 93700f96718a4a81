"""validation_report on a real Dagster instance: behaviour statuses in the rows, the non-blocking
behaviour_verified check per module partition (its verdicts: passed, below the threshold, nothing
translated, nothing to verify, a function that differs, validation that did not run), tables and
numeric metadata per partition, and a rerun that reuses the compiled case program kept under the
work dir."""

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

RISKY = '''
def retry(a: int) -> int:
    r = 0
    try:
        r = 10 // a
    except* ZeroDivisionError:
        r = -1
    return r
'''

CALC = '''
def floor_div(a: int, b: int) -> int:
    """
    >>> floor_div(-7, 2)
    -4
    """
    return a // b
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


def _check(instance: dg.DagsterInstance, name: str, partition: str | None = None):
    """The latest evaluation of a check (of one partition for behaviour_verified), and its figures."""
    from dagster._core.event_api import PartitionKeyFilter

    key = dg.AssetCheckKey(dg.AssetKey("validation_report"), name)
    filt = PartitionKeyFilter(key=partition) if partition is not None else None
    record = instance.event_log_storage.get_latest_asset_check_execution_by_key([key], partition_filter=filt)[key]
    evaluation = record.event.dagster_event.event_specific_data
    assert evaluation.partition == partition
    return record, evaluation, {k: v.value for k, v in evaluation.metadata.items()}


def _metadata(instance: dg.DagsterInstance, asset: str, partition: str) -> dict:
    record = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset), asset_partitions=[partition]), limit=1
    ).records[0]
    return dict(record.asset_materialization.metadata)


def _rows(value: dg.TableMetadataValue) -> dict[str, dict]:
    """A table's records by their first column (function, code...)."""
    first = value.schema.columns[0].name
    return {r.data[first]: r.data for r in value.records}


def test_behaviour_check_per_module_threshold_metadata_and_incremental_rerun(tmp_path: Path, instance: dg.DagsterInstance) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "geo.py").write_text(GEO, encoding="utf-8")
    (repo / "risky.py").write_text(RISKY, encoding="utf-8")
    (repo / "consts.py").write_text("LIMIT: int = 3\n", encoding="utf-8")
    config = {"behaviour_threshold": 0.4, "generated_per_function": 8, "python_timeout_s": 0.5}
    result = _execute(repo, tmp_path, instance, config)
    assert result.success

    _, compiles, _ = _check(instance, "rust_compiles")
    assert compiles.passed
    # geo: one verified, one untested; the threshold 0.4 is met and untested is not a failure
    _, behaviour, figures = _check(instance, "behaviour_verified", "geo")
    assert behaviour.passed and behaviour.severity == dg.AssetCheckSeverity.WARN
    assert (figures["verified"], figures["untested"], figures["failed"], figures["translated"]) == (1, 1, 0, 2)
    assert figures["verified_share"] == 0.5 and figures["threshold"] == 0.4 and figures["ran"] is True
    assert figures["cases_total"] >= 2 and figures["cases_passed"] == figures["cases_total"]
    assert figures["sandbox"] in ("bwrap", "unshare")  # the isolation the repository's code ran under
    assert behaviour.description.startswith("1/2 verified, 1 untested: down PTL721 untested: ")
    assert "recursion" in behaviour.description
    # risky: nothing translated is not a pass
    _, nothing, figures = _check(instance, "behaviour_verified", "risky")
    assert not nothing.passed and nothing.severity == dg.AssetCheckSeverity.WARN
    assert nothing.description.startswith("nothing translated: 0/1 verified, 1 untranslated: retry PTL121 untranslated:")
    # consts: no functions, nothing to verify
    _, empty, _ = _check(instance, "behaviour_verified", "consts")
    assert empty.passed and empty.description == "nothing to verify: the module has no functions"

    # the rows carry the per-function statuses
    row = Store(tmp_path / "portalis.duckdb").get_validations()["geo"]
    statuses = {f.name: (f.status.value, f.detail) for f in row.functions}
    assert statuses["area"] == ("verified", None)
    assert statuses["down"][0] == "untested" and "recursion" in statuses["down"][1]

    # numeric metadata on the partition's materialization, for the UI's plots; tables with a schema
    md = _metadata(instance, "validation_report", "geo")
    assert md["verified_pct"].value == 50.0
    assert md["sandbox"].value == figures["sandbox"]
    assert md["compile_errors"].value == 0 and isinstance(md["clippy_warnings"].value, int)
    functions = _rows(md["functions"].value)
    assert functions["area"]["status"] == "verified" and functions["area"]["line"] == 2 and functions["area"]["reason"] == ""
    assert functions["down"]["code"] == "PTL721" and "recursion" in functions["down"]["reason"]
    assert {c.name: c.type for c in md["functions"].value.schema.columns}["line"] == "int"
    assert "pub fn area(w: i64, h: i64) -> i64" in md["rust"].value
    assert "def area(w: int, h: int) -> int:" in md["python"].value
    refs = md["dagster/code_references"].value.code_references
    assert refs[0].file_path == str((repo / "geo.py").resolve())
    assert {(r.line_number, r.label) for r in refs[1:]} >= {(2, "geo.py:2 area")}
    # a module whose function is untranslated: its diagnostic is on validation_report too, with its reason
    md = _metadata(instance, "validation_report", "risky")
    assert _rows(md["diagnostics"].value)["PTL121"]["function"] == "retry"
    assert _rows(md["functions"].value)["retry"]["code"] == "PTL121"
    # type_map: Python and Rust types, one row per parameter and return value
    sig = _metadata(instance, "type_map", "geo")["signatures"].value
    rows = [(r.data["function"], r.data["parameter"], r.data["python_type"], r.data["rust_type"]) for r in sig.records]
    assert ("area", "w", "int", "i64") in rows and ("area", "return", "int", "i64") in rows

    # a stricter threshold fails the check, but it does not block: the crate is still written
    config["behaviour_threshold"] = 0.9
    again = _execute(repo, tmp_path, instance, config)
    assert again.success
    _, behaviour, figures = _check(instance, "behaviour_verified", "geo")
    assert not behaviour.passed and figures["threshold"] == 0.9
    assert "(verified share 50% < threshold 90%)" in behaviour.description
    assert figures["reused_build"] is True  # nothing changed: the target dir under the work dir had it all
    assert (tmp_path / "crate" / "portalis-report.json").exists()
    assert (tmp_path / "work" / "target").is_dir()

    # validation that does not run is an error, with its reason
    assert _execute(repo, tmp_path, instance, {**config, "verify": False}).success
    record, off, figures = _check(instance, "behaviour_verified", "geo")
    assert not off.passed and off.severity == dg.AssetCheckSeverity.ERROR and figures["ran"] is False
    assert off.description == "validation did not run: verification is off (validation_report config `verify: false`)"
    # the check result targets the partition's latest materialization (the UI shows it as current)
    info = {i.partition_key: i for i in instance.event_log_storage.get_asset_check_partition_info(
        [dg.AssetCheckKey(dg.AssetKey("validation_report"), "behaviour_verified")])}
    assert info["geo"].is_current and info["geo"].latest_execution_status.value == "FAILED"


@needs_cargo
def test_a_function_that_behaves_differently_fails_its_module_only(tmp_path: Path, instance: dg.DagsterInstance) -> None:
    """A wrong translation (Rust's `/` for Python's `//`) stored for one module: validation_report
    alone, rerun, fails that module's behaviour_verified with the first differing case."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "calc.py").write_text(CALC, encoding="utf-8")
    (repo / "geo.py").write_text(GEO, encoding="utf-8")
    assert _execute(repo, tmp_path, instance, {"behaviour_threshold": 0.4, "generated_per_function": 0}).success
    store = Store(tmp_path / "portalis.duckdb")
    t = store.get_translations()["calc"]
    for it in t.items:
        it.code = it.code.replace("crate::pyrt::floordiv(a, b)", "a / b")
    assert any("a / b" in it.code for it in t.items)
    store.put_translation(t)
    result = defs.resolve_job_def("translate_repo").get_subset(asset_selection={dg.AssetKey("validation_report")}).execute_in_process(
        instance=instance, partition_key="calc", raise_on_error=False,
        run_config={
            "resources": {
                "source_repo": {"config": {"root": str(repo)}},
                "store": {"config": {"path": str(tmp_path / "portalis.duckdb")}},
                "rust_toolchain": {"config": {"work_dir": str(tmp_path / "work"), "crate_dir": str(tmp_path / "crate")}},
            },
            "ops": {"validation_report": {"config": {"behaviour_threshold": 0.4, "generated_per_function": 0}}},
        },
    )
    assert result.success
    _, calc, figures = _check(instance, "behaviour_verified", "calc")
    assert not calc.passed and calc.severity == dg.AssetCheckSeverity.WARN and figures["failed"] == 1
    assert figures["failed_functions"] == ["floor_div"]
    assert calc.description.startswith("0/1 verified, 1 failed: floor_div PTL720 failed: [doctest] floor_div(-7, 2): python -> -4, rust -> -3")
    _, geo, _ = _check(instance, "behaviour_verified", "geo")
    assert geo.passed  # the other module's verdict is its own
    row = _rows(_metadata(instance, "validation_report", "calc")["functions"].value)["floor_div"]
    assert row["status"] == "failed" and row["code"] == "PTL720"
