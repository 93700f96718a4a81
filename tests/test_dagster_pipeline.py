"""The Dagster layer on a real instance (SQLite in a temp dir) and a real DuckDB file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import dagster as dg

from portalis.model import ModuleTranslation, RustItem
from portalis.store import Store
from portalis_assets.definitions import defs
from portalis_assets.partitions import python_modules
from portalis_assets.runner import run_translation

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
STAGES = ("parsed_ast", "type_map", "rust_translation", "validation_report")


def _run(repo: Path, tmp_path: Path, instance: dg.DagsterInstance):
    return run_translation(
        repo=repo,
        instance=instance,
        database=tmp_path / "portalis.duckdb",
        work_dir=tmp_path / "work",
        crate_dir=tmp_path / "crate",
    )


def _materialized_partitions(instance: dg.DagsterInstance, asset: str) -> set[str]:
    return set(instance.get_materialized_partitions(dg.AssetKey(asset)))


def test_examples_through_every_stage(tmp_path: Path, instance: dg.DagsterInstance) -> None:
    outcome = _run(EXAMPLES, tmp_path, instance)
    assert outcome.success
    modules = set(instance.get_dynamic_partitions(python_modules.name))
    assert {"inventory", "inventory.mathutil", "inventory.model", "inventory.pricing", "inventory.stock", "inventory.text"} == modules

    store = Store(tmp_path / "portalis.duckdb")
    for table in STAGES:
        rows = store.rows(table)
        assert set(rows) == modules, table
        assert _materialized_partitions(instance, table) == modules, table
    translations = store.get_translations()
    assert "pub fn gcd(" in store.rows("rust_translation")["inventory.mathutil"]["rust_code"]
    assert translations["inventory.text"].functions  # per-function records survive the round trip

    # The blocking check ran and passed; the crate was built and reported.
    check = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [dg.AssetCheckKey(dg.AssetKey("validation_report"), "rust_compiles")]
    )
    assert list(check.values())[0].status.value == "SUCCEEDED"
    assert outcome.report["crate"]["compiles"] is True
    assert outcome.report["crate"]["rustfmt_clean"] is True
    assert outcome.report["verification"]["verified"] >= 30  # examples/ carry doctests and tests
    statuses = {m["module"]: m["status"] for m in outcome.report["modules"]}
    assert statuses["inventory.mathutil"] == "ok"
    for m in outcome.report["modules"]:
        # A module is partial exactly when one of its functions did not make it into Rust.
        missing = any(f["status"] in ("untranslated", "compile_error") for f in m["functions"])
        assert m["status"] == ("partial" if missing else "ok"), m
    assert (outcome.crate_dir / "src" / "inventory" / "mathutil.rs").exists()
    built = subprocess.run(["cargo", "build", "--offline", "--quiet"], cwd=outcome.crate_dir, capture_output=True, text=True,
                           env={**__import__("os").environ, "CARGO_TARGET_DIR": str(tmp_path / "work" / "target")})
    assert built.returncode == 0, built.stderr

    # Per-partition metadata is the module's own, not the run's.
    for key, functions in {"inventory.text": 8, "inventory.stock": 12}.items():
        records = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey("rust_translation"), asset_partitions=[key]), limit=1
        ).records
        metadata = records[0].asset_materialization.metadata
        assert metadata["functions"].value == functions


def test_bad_modules_get_diagnostics_and_others_translate(tmp_path: Path, instance: dg.DagsterInstance) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "good.py").write_text("def add(a: int, b: int) -> int:\n    return a + b\n")
    (repo / "broken.py").write_text("def f(:\n    pass\n")
    (repo / "latin.py").write_bytes("s = 'caf\xe9'\n".encode("latin-1"))
    (repo / "empty.py").write_text("")
    (repo / "script.py").write_text(
        "def half(x: int) -> int:\n    return x // 2\n\n"
        "if __name__ == '__main__':\n    def main() -> None:\n        print(half(4))\n"
    )
    (repo / "gen.py").write_text(
        "def count(n: int) -> int:\n    for i in range(n):\n        yield i\n    return 0\n\n"
        "def double(x: int) -> int:\n    return 2 * x\n"
    )
    outcome = _run(repo, tmp_path, instance)
    # The two modules that cannot be read are failed (the run says so); the others are translated.
    assert not outcome.success and sorted(outcome.failed) == ["broken", "latin"]
    store = Store(tmp_path / "portalis.duckdb")
    parsed = store.get_parsed()
    assert parsed["broken"].ok is False and parsed["broken"].diagnostics[0].code == "PTL001"
    assert parsed["latin"].ok is False and parsed["latin"].diagnostics[0].code == "PTL002"
    translations = store.get_translations()
    assert [d.code for d in translations["empty"].diagnostics] == ["PTL003"]
    gen = translations["gen"]
    assert {d.code for d in gen.diagnostics} == {"PTL122"}
    assert {f.name: f.status.value for f in gen.functions} == {"count": "untranslated", "double": "translated"}
    report = {m["module"]: m for m in outcome.report["modules"]}
    assert report["good"]["status"] == "ok"
    assert report["broken"]["status"] == "error" and report["broken"]["diagnostics"][0]["code"] == "PTL001"
    assert report["latin"]["status"] == "error"
    assert report["gen"]["status"] == "partial"
    assert outcome.report["crate"]["compiles"] is True
    assert "todo!(" in (outcome.crate_dir / "src" / "gen.rs").read_text()
    # Script code (`if __name__ == '__main__':`, PTL146) is counted apart in the UI as in the report.
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey("rust_translation"), asset_partitions=["script"]), limit=1
    ).records
    shown = records[0].asset_materialization.metadata
    assert (shown["functions"].value, shown["excluded"].value, shown["untranslated"].value) == (1, 1, 0)
    crate = instance.fetch_materializations(dg.AssetKey("rust_crate"), limit=1).records[0].asset_materialization.metadata
    every = [f for m in outcome.report["modules"] for f in m["functions"]]
    assert crate["excluded"].value == 1 and crate["functions"].value == len(every) - 1


def test_removed_module_loses_partition_rows_and_crate_file(tmp_path: Path, instance: dg.DagsterInstance) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "inventory", repo / "inventory")
    assert _run(repo, tmp_path, instance).success
    (repo / "inventory" / "stock.py").unlink()
    outcome = _run(repo, tmp_path, instance)
    assert outcome.success
    assert "inventory.stock" not in instance.get_dynamic_partitions(python_modules.name)
    store = Store(tmp_path / "portalis.duckdb")
    for table in STAGES:
        assert "inventory.stock" not in store.rows(table), table
    assert not (outcome.crate_dir / "src" / "inventory" / "stock.rs").exists()
    assert outcome.report["crate"]["compiles"] is True


def test_blocking_check_fails_and_keeps_the_last_good_crate(tmp_path: Path, instance: dg.DagsterInstance) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "m.py").write_text("def one() -> int:\n    return 1\n")
    first = _run(repo, tmp_path, instance)
    assert first.success
    good = (first.crate_dir / "src" / "m.rs").read_text()

    store = Store(tmp_path / "portalis.duckdb")
    job = defs.resolve_job_def("translate_repo").get_subset(
        asset_selection={dg.AssetKey("validation_report"), dg.AssetKey("rust_crate")}
    )

    def run(toolchain: dict) -> dg.ExecuteInProcessResult:
        return job.execute_in_process(
            instance=instance,
            partition_key="m",
            run_config={"resources": {
                "store": {"config": {"path": str(tmp_path / "portalis.duckdb")}},
                "rust_toolchain": {"config": {"work_dir": str(tmp_path / "work"), "crate_dir": str(tmp_path / "crate"), **toolchain}},
            }},
            raise_on_error=False,
        )

    # A translation rustc rejects outside any body (no stub): the safety net leaves the item out
    # of the crate, reported (PTL180), and the rest of the module builds.
    fine = RustItem(name="one", kind="fn", code="pub fn one() -> i64 {\n    1\n}\n", python_line=1)
    bad = ModuleTranslation(module="m", items=[RustItem(name="Broken", kind="struct", code="pub struct Broken { x: NoSuchType }\n", python_line=1), fine])
    store.put_translation(bad)
    netted = run({})
    assert netted.success
    validation = store.get_validations()["m"]
    assert validation.compiles and [d.code for d in validation.diagnostics if d.function == "Broken"] == ["PTL180"]
    assert "Broken" not in (first.crate_dir / "src" / "m.rs").read_text()

    # What no quarantine can mend (here the toolchain fails): the check fails, the crate stays.
    store.put_translation(bad)
    (first.crate_dir / "src" / "m.rs").write_text(good)
    result = run({"cargo": "false"})
    assert not result.success
    evaluations = [e for e in result.get_asset_check_evaluations() if e.check_name == "rust_compiles"]
    assert evaluations and not evaluations[0].passed
    assert (first.crate_dir / "src" / "m.rs").read_text() == good  # rust_crate did not run
    assert store.get_validations()["m"].compiles is False


def test_definitions_load() -> None:
    dg.Definitions.validate_loadable(defs)
    assert defs.resolve_job_def("translate_repo") is not None
