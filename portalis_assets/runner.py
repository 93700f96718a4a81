"""Running the translation job in process: what `portalis demo`, `portalis sync` (and tests) call.

`run_translation` registers the source repo's modules as partitions (and removes partitions, with
their rows, of modules that are gone), then executes `translate_repo` over all of them in one run.

`sync_repo` is one evaluation of the `repo_changes` sensor plus the runs it asks for, executed
here: only changed modules (and the importers of changed interfaces) are retranslated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from portalis.pipeline import REPORT_NAME
from portalis.source import SourceError, discover
from portalis_assets.definitions import defs
from portalis_assets.partitions import python_modules
from resources import DuckDBStoreResource, RustToolchainResource, SourceRepoResource


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


def _tool_config(crate_dir: Path | None, work_dir: Path | None) -> dict[str, str]:
    cfg: dict[str, str] = {}
    if crate_dir:
        cfg["crate_dir"] = str(crate_dir.resolve())
    if work_dir:
        cfg["work_dir"] = str(work_dir.resolve())
    return cfg


def _run_config(repo: Path, database: Path | None, tool_cfg: dict[str, str], log_level: str) -> dict[str, Any]:
    return {
        "resources": {
            "source_repo": {"config": {"root": str(repo)}},
            "store": {"config": {"path": str(database)} if database else {}},
            "rust_toolchain": {"config": tool_cfg},
        },
        "loggers": {"console": {"config": {"log_level": log_level}}},
    }


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
    tool_cfg = _tool_config(crate_dir, work_dir)
    job = defs.resolve_job_def("translate_repo")
    result = job.execute_in_process(
        run_config=_run_config(repo, database, tool_cfg, log_level),
        instance=instance,
        tags={ASSET_PARTITION_RANGE_START_TAG: keys[0], ASSET_PARTITION_RANGE_END_TAG: keys[-1]},
        raise_on_error=False,
    )
    out = RustToolchainResource(**tool_cfg).output_dir()
    report_path = out / REPORT_NAME
    report = json.loads(report_path.read_text()) if report_path.exists() else {"modules": [], "crate": {"path": str(out), "compiles": False}}
    return RunOutcome(
        run_id=result.run_id,
        success=result.success,
        report=report,
        crate_dir=out,
        database=Path(DuckDBStoreResource(path=str(database) if database else "").store().path),
    )


@dataclass
class SyncOutcome:
    """What `portalis sync` did: the sensor's partition changes and what its runs translated."""

    added: list[str]
    removed: list[str]
    retranslated: list[str]  # modules whose rust_translation was recomputed (not kept as stored)
    functions_translated: int  # functions lowered (cache misses)
    cache_hits: int  # functions reused: from the function cache, or inside a module kept as stored
    crate: str
    run_ids: list[str] = field(default_factory=list)
    success: bool = True
    skip_reason: str | None = None

    def summary(self) -> dict[str, Any]:
        """The JSON object `portalis sync` prints."""
        return {
            "added": self.added, "removed": self.removed, "retranslated": self.retranslated,
            "functions_translated": self.functions_translated, "cache_hits": self.cache_hits, "crate": self.crate,
        }


def _count(value: object) -> int:
    return value if isinstance(value, int) else 0


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in extra.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def sync_repo(
    repo: Path,
    crate_dir: Path | None = None,
    instance: dg.DagsterInstance | None = None,
    database: Path | None = None,
    work_dir: Path | None = None,
    log_level: str = "WARNING",
    run_config: dict[str, Any] | None = None,
) -> SyncOutcome:
    """One `repo_changes` evaluation for `repo`, its partition requests applied, its runs executed
    in process on `instance` (default: the one of $DAGSTER_HOME). `run_config` is merged into
    every run's config (e.g. `ops: validation_report: config: verify: false`)."""
    from sensors import repo_changes
    from sensors.requests import TRIGGER_TAG

    repo = repo.resolve()
    if not repo.is_dir():
        raise SourceError(f"source repository is not a directory: {repo}")
    instance = instance or dg.DagsterInstance.get()
    store = DuckDBStoreResource(path=str(database) if database else "")
    context = dg.build_sensor_context(
        instance=instance, sensor_name=repo_changes.name,
        resources={"source_repo": SourceRepoResource(root=str(repo)), "store": store},
    )
    evaluation = repo_changes(context)
    if not isinstance(evaluation, (dg.SensorResult, dg.SkipReason)):
        raise TypeError(f"repo_changes returned {type(evaluation).__name__}, not a SensorResult or SkipReason")
    tool_cfg = _tool_config(crate_dir, work_dir)
    out = RustToolchainResource(**tool_cfg).output_dir()
    outcome = SyncOutcome(added=[], removed=[], retranslated=[], functions_translated=0, cache_hits=0, crate=str(out))
    requests: list[dg.RunRequest] = []
    if isinstance(evaluation, dg.SkipReason):
        outcome.skip_reason = evaluation.skip_message
    else:
        for pr in evaluation.dynamic_partitions_requests or []:
            if isinstance(pr, dg.AddDynamicPartitionsRequest):
                instance.add_dynamic_partitions(python_modules.name, list(pr.partition_keys))
                outcome.added += list(pr.partition_keys)
            else:
                for key in pr.partition_keys:
                    instance.delete_dynamic_partition(python_modules.name, key)
                outcome.removed += list(pr.partition_keys)
        requests = list(evaluation.run_requests or [])
    if not requests and not (out / "Cargo.toml").exists() and instance.get_dynamic_partitions(python_modules.name):
        # Nothing to retranslate, but this crate directory has no crate yet: assemble it.
        requests.append(dg.RunRequest(asset_selection=[dg.AssetKey("rust_crate")]))

    base_config = _merge(_run_config(repo, database, tool_cfg, log_level), run_config or {})
    job = defs.resolve_job_def("translate_repo")
    for request in requests:
        config = _merge(base_config, dict(request.run_config or {}))
        target = job
        if request.asset_selection:
            target = job.get_subset(asset_selection=set(request.asset_selection))
            selected = {k.to_user_string() for k in request.asset_selection}  # a subset rejects other ops' config
            config["ops"] = {op: c for op, c in config.get("ops", {}).items() if op in selected}
        result = target.execute_in_process(
            run_config=config,
            instance=instance,
            tags={**request.tags, TRIGGER_TAG: "sync"},
            partition_key=request.partition_key,
            raise_on_error=False,
        )
        outcome.run_ids.append(result.run_id)
        outcome.success = outcome.success and result.success
        if request.asset_selection:
            continue
        for mat in result.asset_materializations_for_node("rust_translation"):
            meta = {k: v.value for k, v in mat.metadata.items()}
            if meta.get("retranslated"):
                outcome.retranslated.append(str(mat.partition))
            outcome.functions_translated += _count(meta.get("functions_translated"))
            outcome.cache_hits += _count(meta.get("cache_hits"))
    outcome.retranslated.sort()
    return outcome
