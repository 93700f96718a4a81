"""Parallel translation (portalis/workers.py): the same crate and report as one process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from portalis.pipeline import REPORT_NAME, translate_path
from portalis.workers import job_count, shards

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def crate_files(out: Path) -> dict[str, bytes]:
    """Every file the translation wrote, by relative path (cargo's target/ and lock file aside)."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and "target" not in p.relative_to(out).parts and p.name != "Cargo.lock"}


@pytest.fixture(scope="module")
def serial_and_parallel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("workers")
    repo = base / "repo"
    shutil.copytree(EXAMPLES, repo)
    # A module that does not parse and one the rules cannot translate: failures come back from workers too.
    (repo / "broken.py").write_text("def f(:\n    pass\n")
    (repo / "odd.py").write_text("def g(x):\n    try:\n        return x\n    except* ValueError:\n        return 0\n")
    outs = []
    for jobs in (1, 2):
        out = base / f"out{jobs}"
        translate_path(repo, out, build=False, jobs=jobs)
        outs.append(out)
    return outs[0], outs[1]


def test_dagster_stages_in_workers_give_the_cli_s_rust(serial_and_parallel: tuple[Path, Path], tmp_path: Path) -> None:
    """parsed_ast, type_map and rust_translation (no cargo) with the translator resource's `jobs: 2`:
    every item of every module is in the serial CLI's Rust file of that module."""
    import dagster as dg
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    from portalis.source import discover
    from portalis.store import Store
    from portalis_assets.definitions import defs
    from portalis_assets.partitions import python_modules
    from portalis_assets.runner import _run_config

    serial, _ = serial_and_parallel
    repo = serial.parent / "repo"
    db = tmp_path / "p.duckdb"
    config = _run_config(repo, db, {"crate_dir": str(tmp_path / "crate"), "work_dir": str(tmp_path / "work")}, "WARNING")
    config["resources"]["translator"] = {"config": {"jobs": 2}}
    keys = [m.module for m in discover(repo)]
    job = defs.resolve_job_def("translate_repo").get_subset(
        asset_selection={dg.AssetKey(k) for k in ("parsed_ast", "type_map", "rust_translation")})
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(python_modules.name, keys)
        result = job.execute_in_process(run_config=config, instance=instance, raise_on_error=False,
                                        tags={ASSET_PARTITION_RANGE_START_TAG: keys[0], ASSET_PARTITION_RANGE_END_TAG: keys[-1]})
    assert result.success
    translations = Store(db).get_translations()
    assert sorted(translations) == sorted(keys)
    rust = {k: v.decode() for k, v in crate_files(serial).items() if k.endswith(".rs")}
    items = [(m, it.code) for m, t in translations.items() for it in t.items if it.code]
    assert len(items) > 20
    missing = [(m, code[:60]) for m, code in items if not any(code in text for text in rust.values())]
    assert missing == []


def test_parallel_translation_writes_the_same_crate_and_report(serial_and_parallel: tuple[Path, Path]) -> None:
    serial, parallel = serial_and_parallel
    a, b = crate_files(serial), crate_files(parallel)
    assert sorted(a) == sorted(b)
    assert len([k for k in a if k.endswith(".rs")]) > 5
    different = [k for k in a if k != REPORT_NAME and a[k] != b[k]]
    assert different == []
    ra, rb = (json.loads((d / REPORT_NAME).read_text()) for d in (serial, parallel))
    ra["crate"]["path"] = rb["crate"]["path"] = ""
    assert ra == rb
    statuses = {m["module"]: m["status"] for m in ra["modules"]}
    assert statuses["broken"] == "error" and statuses["odd"] in ("partial", "ok")


def test_job_count_is_bounded_by_cores_items_and_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("portalis.workers.cores", lambda: 4)
    monkeypatch.delenv("PORTALIS_JOBS", raising=False)
    assert job_count(8, items=100) == 4  # never more than the cores
    assert job_count(3, items=2) == 2  # nor the modules
    assert job_count(None, items=100, source_bytes=10_000) == 1  # small: one process
    assert job_count(None, items=100, source_bytes=10_000_000) == 4
    monkeypatch.setenv("PORTALIS_JOBS", "2")
    assert job_count(None, items=100, source_bytes=10) == 2  # the setting is explicit
    assert job_count(1, items=100) == 1


def test_shards_balance_by_size_and_keep_order() -> None:
    keys = [f"m{i}" for i in range(7)]
    parts = shards(keys, 3, {k: (100 if k == "m0" else 10) for k in keys})
    assert sorted(k for p in parts for k in p) == keys
    assert ["m0"] in parts  # the big module alone
    assert all(p == sorted(p, key=keys.index) for p in parts)
