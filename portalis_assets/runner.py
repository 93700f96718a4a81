"""Running the translation job in process: what `portalis demo` (and tests) call.

Registers the source repo's modules as partitions (and removes partitions, with their rows,
of modules that are gone), then executes `translate_repo` over all of them in one run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from portalis.pipeline import REPORT_NAME
from portalis.source import SourceError, discover
from portalis_assets.definitions import defs
from portalis_assets.partitions import python_modules
from resources import DuckDBStoreResource, RustToolchainResource


@dataclass
class RunOutcome:
    run_id: str
    success: bool
    report: dict
    crate_dir: Path
    database: Path


def sync_partitions(instance: dg.DagsterInstance, modules: list[str], store_path: Path | None = None) -> tuple[list[str], list[str]]:
    """Make the partitions match the modules; returns (added, removed)."""
    existing = set(instance.get_dynamic_partitions(python_modules.name))
    added = [m for m in modules if m not in existing]
    removed = sorted(existing - set(modules))
    if added:
        instance.add_dynamic_partitions(python_modules.name, added)
    for key in removed:
        instance.delete_dynamic_partition(python_modules.name, key)
    if removed:
        DuckDBStoreResource(path=str(store_path) if store_path else "").store().delete_modules(removed)
    return added, removed


def run_translation(
    repo: Path,
    crate_dir: Path | None = None,
    instance: dg.DagsterInstance | None = None,
    database: Path | None = None,
    work_dir: Path | None = None,
    log_level: str = "WARNING",
) -> RunOutcome:
    repo = repo.resolve()
    if not repo.is_dir():
        raise SourceError(f"source repository is not a directory: {repo}")
    instance = instance or dg.DagsterInstance.get()
    modules = [m.module for m in discover(repo)]
    if not modules:
        raise SourceError(f"no Python module found in {repo}")
    sync_partitions(instance, modules, database)
    keys = instance.get_dynamic_partitions(python_modules.name)
    store_cfg = {"path": str(database)} if database else {}
    tool_cfg: dict[str, str] = {}
    if crate_dir:
        tool_cfg["crate_dir"] = str(crate_dir.resolve())
    if work_dir:
        tool_cfg["work_dir"] = str(work_dir.resolve())
    run_config = {
        "resources": {
            "source_repo": {"config": {"root": str(repo)}},
            "store": {"config": store_cfg},
            "rust_toolchain": {"config": tool_cfg},
        },
        "loggers": {"console": {"config": {"log_level": log_level}}},
    }
    job = defs.resolve_job_def("translate_repo")
    result = job.execute_in_process(
        run_config=run_config,
        instance=instance,
        tags={ASSET_PARTITION_RANGE_START_TAG: keys[0], ASSET_PARTITION_RANGE_END_TAG: keys[-1]},
        raise_on_error=False,
    )
    toolchain = RustToolchainResource(**tool_cfg)
    out = toolchain.output_dir()
    report_path = out / REPORT_NAME
    report = json.loads(report_path.read_text()) if report_path.exists() else {"modules": [], "crate": {"path": str(out), "compiles": False}}
    return RunOutcome(
        run_id=result.run_id,
        success=result.success,
        report=report,
        crate_dir=out,
        database=Path(DuckDBStoreResource(**store_cfg).store().path),
    )
