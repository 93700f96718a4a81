"""The repo_changes sensor against a real temporary repo, instance and DuckDB file."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from portalis_assets.partitions import python_modules
from portalis_assets.runner import run_translation
from resources import DuckDBStoreResource, SourceRepoResource
from sensors import repo_changes


@pytest.fixture
def instance(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as inst:
        yield inst


def _tick(instance: dg.DagsterInstance, repo: Path, db: Path):
    context = dg.build_sensor_context(
        instance=instance,
        resources={"source_repo": SourceRepoResource(root=str(repo)), "store": DuckDBStoreResource(path=str(db))},
    )
    return repo_changes(context)


def test_sensor_adds_partitions_then_only_asks_for_changed_modules(tmp_path: Path, instance: dg.DagsterInstance) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("a", "b", "c"):
        (repo / f"{name}.py").write_text(f"def {name}() -> int:\n    return 1\n")
    db = tmp_path / "p.duckdb"

    first = _tick(instance, repo, db)
    assert isinstance(first, dg.SensorResult)
    assert first.dynamic_partitions_requests[0].partition_keys == ["a", "b", "c"]
    assert len(first.run_requests) == 1  # everything is new: one run over all modules

    run_translation(repo, instance=instance, database=db, work_dir=tmp_path / "w", crate_dir=tmp_path / "crate")
    assert isinstance(_tick(instance, repo, db), dg.SkipReason)  # nothing changed: no run

    (repo / "b.py").write_text("def b() -> int:\n    return 2\n")
    (repo / "c.py").unlink()
    (repo / "d.py").write_text("def d() -> int:\n    return 4\n")
    result = _tick(instance, repo, db)
    assert isinstance(result, dg.SensorResult)
    assert sorted(r.partition_key for r in result.run_requests) == ["b", "d"]
    kinds = {type(r).__name__: r.partition_keys for r in result.dynamic_partitions_requests}
    assert kinds == {"AddDynamicPartitionsRequest": ["d"], "DeleteDynamicPartitionsRequest": ["c"]}
    assert "c" in instance.get_dynamic_partitions(python_modules.name)  # applied by the daemon, not the sensor
