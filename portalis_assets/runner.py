"""Running the translation job in process: what `portalis demo`, `portalis sync` (and tests) call.

`run_translation` registers the source repo's modules as partitions (and removes partitions, with
their rows, of modules that are gone), then executes `translate_repo` over all of them in one run.

`sync_repo` is one evaluation of the `repo_changes` sensor plus the runs it asks for, executed
here: only changed modules (and the importers of changed interfaces) are retranslated.

Both first take the DAGSTER_HOME's sync lock (one sync or demo at a time: a second one waits up
to `wait_s`, then says which process is busy), mark failed the runs a killed sync left STARTED
(freeing their pool slots: portalis_assets/recovery.py), and open the DuckDB store for writing
(waiting up to `wait_s` for a process that holds it): a store that is locked, damaged or read-only
raises a StoreError before any run starts. Afterwards they list the modules that failed.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from portalis.lockfile import exclusive_lock
from portalis.pipeline import REPORT_NAME
from portalis.progress import NO_PROGRESS, ProgressSink
from portalis.source import SourceError, discover
from portalis.source_root import SOURCE_ROOT_KEY, switch_note
from portalis.store import StoreError, StoreLockedError
from portalis_assets.definitions import defs
from portalis_assets.outcome import ModuleFailure, failed_modules
from portalis_assets.partitions import python_modules
from portalis_assets.recovery import fail_dead_runs, process_tags
from portalis_assets.run_progress import listening, new_run_id
from resources import DuckDBStoreResource, RustToolchainResource, SourceRepoResource

DEFAULT_WAIT_S = 60.0
RUNNER_TAG = "portalis/trigger"  # the same tag as sensors.requests.TRIGGER_TAG
SOURCE_ROOT_TAG = "portalis/source_root"  # the same tag as sensors.requests.SOURCE_ROOT_TAG
STORE_ERRORS = {"StoreError", "StoreLockedError", "StoreDamagedError", "StoreReadOnlyError", "LockBusyError"}


def _say(message: str) -> None:
    print(f"portalis: {message}", file=sys.stderr, flush=True)


@contextmanager
def exclusive_run(instance: dg.DagsterInstance, store: DuckDBStoreResource, wait_s: float) -> Iterator[None]:
    """One sync/demo per DAGSTER_HOME at a time; repairs what a killed one left; checks the store."""
    home = Path(instance.root_directory) if instance.root_directory else None
    lock = (exclusive_lock(home / "portalis" / "sync.lock", wait_s, f"another portalis sync or demo on {home}", _say)
            if home is not None else nullcontext())  # an in-memory instance is this process's alone
    with lock:
        # Holding the lock, no other sync runs: its STARTED runs are dead if their process is.
        for run_id in fail_dead_runs(instance, "translate_repo", assume_dead=(RUNNER_TAG, {"sync", "demo"})):
            _say(f"marked run {run_id} failed: its process is gone (killed?); this run finishes its work")
        store.store().check()
        yield


def _store_failure(result: Any) -> str | None:
    """The message of a StoreError that failed a step of the run, if one did."""
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            while error is not None:
                if error.cls_name in STORE_ERRORS:
                    line = (error.message.strip().splitlines() or [error.cls_name])[0]
                    head, _, rest = line.partition(": ")
                    return rest if rest and head.endswith(error.cls_name) else line
                error = error.cause
    return None


def _run_modules(instance: dg.DagsterInstance, tags: dict[str, str], partition_key: str | None) -> list[str]:
    """The module partitions a run covered (its partition, or its range in registration order)."""
    if partition_key:
        return [partition_key]
    start, end = tags.get(ASSET_PARTITION_RANGE_START_TAG), tags.get(ASSET_PARTITION_RANGE_END_TAG)
    keys = list(instance.get_dynamic_partitions(python_modules.name))
    if start not in keys or end not in keys:
        return []
    return keys[keys.index(start): keys.index(end) + 1]


@dataclass
class RunOutcome:
    run_id: str
    success: bool
    report: dict
    crate_dir: Path
    database: Path
    failed: dict[str, ModuleFailure] = field(default_factory=dict)  # module -> why
    root_note: str | None = None  # set when this run moved the instance to another source root


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


def _run_config(repo: Path, database: Path | None, tool_cfg: dict[str, str], log_level: str,
                wait_s: float = DEFAULT_WAIT_S) -> dict[str, Any]:
    store: dict[str, Any] = {"lock_timeout_s": wait_s}
    if database:
        store["path"] = str(database)
    return {
        "resources": {
            "source_repo": {"config": {"root": str(repo)}},
            "store": {"config": store},
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
    wait_s: float = DEFAULT_WAIT_S,
    progress: ProgressSink = NO_PROGRESS,
) -> RunOutcome:
    """Translate every module of `repo` in one run (what `portalis demo` does). Raises SourceError
    for an unusable repo and StoreError when the store or the DAGSTER_HOME cannot be used.
    `progress` gets a stage per step of the run and a module per partition materialized."""
    repo = repo.resolve()
    if not repo.is_dir():
        raise SourceError(f"source repository is not a directory: {repo}")
    instance = instance or dg.DagsterInstance.get()
    modules = [m.module for m in discover(repo)]
    if not modules:
        raise SourceError(f"no Python module found in {repo}")
    store = DuckDBStoreResource(path=str(database) if database else "", lock_timeout_s=wait_s)
    progress.stage("prepare (partitions, store, the Dagster run)")
    with exclusive_run(instance, store, wait_s):
        previous_root = store.store().setting(SOURCE_ROOT_KEY)
        _, removed = sync_partitions(instance, modules, database)
        store.store().put_setting(SOURCE_ROOT_KEY, str(repo))
        root_note = switch_note(previous_root, repo, removed)
        if root_note:
            _say(root_note)
        keys = instance.get_dynamic_partitions(python_modules.name)
        tool_cfg = _tool_config(crate_dir, work_dir)
        job = defs.resolve_job_def("translate_repo")
        run_id = new_run_id()
        with listening(instance, run_id, progress, len(keys)):
            result = job.execute_in_process(
                run_config=_run_config(repo, database, tool_cfg, log_level, wait_s),
                instance=instance,
                run_id=run_id,
                tags={ASSET_PARTITION_RANGE_START_TAG: keys[0], ASSET_PARTITION_RANGE_END_TAG: keys[-1],
                      RUNNER_TAG: "demo", SOURCE_ROOT_TAG: str(repo), **process_tags()},
                raise_on_error=False,
            )
        problem = _store_failure(result)
        if problem:
            raise StoreError(problem)
        failed = failed_modules(store.store(), list(keys), run_ids=[result.run_id])
    out = RustToolchainResource(**tool_cfg).output_dir()
    report_path = out / REPORT_NAME
    report = json.loads(report_path.read_text()) if report_path.exists() else {"modules": [], "crate": {"path": str(out), "compiles": False}}
    return RunOutcome(
        run_id=result.run_id,
        success=result.success,
        report=report,
        crate_dir=out,
        database=Path(store.store().path),
        failed=failed,
        root_note=root_note,
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
    failures: dict[str, ModuleFailure] = field(default_factory=dict)  # module -> why it failed
    root_note: str | None = None  # set when this sync moved the instance to another source root

    @property
    def failed(self) -> list[str]:
        return sorted(self.failures)

    def summary(self) -> dict[str, Any]:
        """The JSON object `portalis sync` prints."""
        return {
            "added": self.added, "removed": self.removed, "retranslated": self.retranslated,
            "functions_translated": self.functions_translated, "cache_hits": self.cache_hits, "crate": self.crate,
            "failed": self.failed,
        }


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


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
    wait_s: float = DEFAULT_WAIT_S,
    progress: ProgressSink = NO_PROGRESS,
) -> SyncOutcome:
    """One `repo_changes` evaluation for `repo`, its partition requests applied, its runs executed
    in process on `instance` (default: the one of $DAGSTER_HOME). `run_config` is merged into
    every run's config (e.g. `ops: validation_report: config: verify: false`). `wait_s` bounds the
    waits for another sync and for another process holding the DuckDB file (then StoreError).
    `progress` gets the planning stage, then a stage per step of each run."""
    repo = repo.resolve()
    if not repo.is_dir():
        raise SourceError(f"source repository is not a directory: {repo}")
    instance = instance or dg.DagsterInstance.get()
    store = DuckDBStoreResource(path=str(database) if database else "", lock_timeout_s=wait_s)
    with exclusive_run(instance, store, wait_s):
        return _sync(repo, crate_dir, instance, database, work_dir, log_level, run_config, wait_s, store, progress)


def _sync(
    repo: Path, crate_dir: Path | None, instance: dg.DagsterInstance, database: Path | None, work_dir: Path | None,
    log_level: str, run_config: dict[str, Any] | None, wait_s: float, store: DuckDBStoreResource,
    progress: ProgressSink = NO_PROGRESS,
) -> SyncOutcome:
    from sensors import repo_changes
    from sensors.repo_changes import evaluate_repo_changes
    from sensors.requests import RANGE_SIZE_TAG, TRIGGER_TAG

    # sync names its root: a root other than the recorded one is a switch, recorded by the
    # evaluation and said by the caller (portalis/source_root.py).
    previous_root = store.store().setting(SOURCE_ROOT_KEY)
    context = dg.build_sensor_context(instance=instance, sensor_name=repo_changes.name)
    progress.stage("plan changes (scan the repo, compare with the store)")
    evaluation = evaluate_repo_changes(context, SourceRepoResource(root=str(repo)), store, trigger=repo_changes.name,
                                       switch_root=True)
    if not isinstance(evaluation, (dg.SensorResult, dg.SkipReason)):
        raise TypeError(f"repo_changes returned {type(evaluation).__name__}, not a SensorResult or SkipReason")
    tool_cfg = _tool_config(crate_dir, work_dir)
    out = RustToolchainResource(**tool_cfg).output_dir()
    outcome = SyncOutcome(added=[], removed=[], retranslated=[], functions_translated=0, cache_hits=0, crate=str(out))
    requests: list[dg.RunRequest] = []
    if isinstance(evaluation, dg.SkipReason):
        if (evaluation.skip_message or "").startswith("the DuckDB store is busy"):
            # The sensor waits only a few seconds; sync waited wait_s up front, so this is a real error.
            raise StoreLockedError(f"the DuckDB store {store.store().path} is held by another process; "
                                   "close it and run again")
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
    if store.store().setting(SOURCE_ROOT_KEY) == str(repo):  # the evaluation recorded it (not skipped)
        outcome.root_note = switch_note(previous_root, repo, outcome.removed)
    if not requests and instance.get_dynamic_partitions(python_modules.name) and not _crate_complete(store, out, instance):
        # Nothing to retranslate, but this crate directory has no complete crate of the current
        # modules (never built here, or a run was killed while writing it): assemble it.
        requests.append(dg.RunRequest(asset_selection=[dg.AssetKey("rust_crate")]))

    base_config = _merge(_run_config(repo, database, tool_cfg, log_level, wait_s), run_config or {})
    covered: list[str] = []
    done: set[str] = set()  # modules module_status materialized (found not failed) in the one run
    job = defs.resolve_job_def("translate_repo")
    for request in requests:
        config = _merge(base_config, dict(request.run_config or {}))
        target = job
        if request.asset_selection:
            target = job.get_subset(asset_selection=set(request.asset_selection))
            selected = {k.to_user_string() for k in request.asset_selection}  # a subset rejects other ops' config
            config["ops"] = {op: c for op, c in config.get("ops", {}).items() if op in selected}
        tags = {**request.tags, TRIGGER_TAG: "sync", SOURCE_ROOT_TAG: str(repo), **process_tags()}
        run_id = new_run_id()
        modules = None if request.asset_selection else (1 if request.partition_key else _int(tags.get(RANGE_SIZE_TAG)))
        with listening(instance, run_id, progress, modules):
            result = target.execute_in_process(
                run_config=config,
                instance=instance,
                run_id=run_id,
                tags=tags,
                partition_key=request.partition_key,
                raise_on_error=False,
            )
        outcome.run_ids.append(result.run_id)
        outcome.success = outcome.success and result.success
        problem = _store_failure(result)
        if problem:
            raise StoreError(problem)
        if request.asset_selection:
            continue
        covered += _run_modules(instance, tags, request.partition_key)
        done |= {str(m.partition) for m in result.asset_materializations_for_node("module_status")}
        for mat in result.asset_materializations_for_node("rust_translation"):
            meta = {k: v.value for k, v in mat.metadata.items()}
            if meta.get("retranslated"):
                outcome.retranslated.append(str(mat.partition))
            outcome.functions_translated += _count(meta.get("functions_translated"))
            outcome.cache_hits += _count(meta.get("cache_hits"))
    outcome.retranslated.sort()
    # module_status applied this same rule to its run's modules and materialized those that did
    # not fail: with one run, only the others are looked at again (each look parses the module's
    # stored rows: ~7 ms a module).
    again = sorted(set(covered) - done) if len(outcome.run_ids) == 1 else sorted(set(covered))
    outcome.failures = failed_modules(store.store(), again, run_ids=outcome.run_ids)
    return outcome


def _crate_complete(store: DuckDBStoreResource, out: Path, instance: dg.DagsterInstance) -> bool:
    """Whether `out` holds the crate of the current modules as the last build wrote it."""
    if not (out / "Cargo.toml").exists() or not (out / REPORT_NAME).exists():
        return False
    try:
        report = json.loads((out / REPORT_NAME).read_text())
    except (OSError, ValueError):
        return False
    # rust_crate writes the report last: a report listing exactly the current modules means the
    # build that wrote it got to the end.
    built = {m.get("module") for m in report.get("modules", [])}
    return built == set(instance.get_dynamic_partitions(python_modules.name))
