"""`repo_changes`: poll the source repo and retranslate only what a change requires.

Each tick:
1. lists the repo's modules and hashes their source (git-aware: in a checkout only tracked and
   unignored files count, and the run is tagged with the commit);
2. compares them with what the last translation of each module recorded in DuckDB
   (`translation_state`: source hash, interface hash, the interface hashes of its imports). The
   hashes live there, not in the cursor: they are what was actually translated, so a failed run is
   planned again and the cursor stays small on any repo size;
3. re-parses only the changed modules to get their new interface hash; importers of a changed
   (or new, or removed) interface are retranslated too (`portalis.interface.plan_changes`);
4. adds partitions for new modules, deletes partitions and DuckDB rows of removed ones;
5. asks for ONE run over exactly the modules to retranslate: when they are not contiguous in
   the partition order, their partitions are first moved to its end (sensors/requests.py).
   When modules were only removed, the run rebuilds rust_crate alone.

While a run this sensor launched is still queued or running, the tick is skipped: the next one
sees that run's results and plans only what is still missing. A run whose process is gone
(killed) is marked failed first (portalis_assets/recovery.py), so it does not block the sensor.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from portalis.interface import ModuleState, digest, interface_hash, plan_changes
from portalis.parse import parse_file
from portalis.repo_scan import RepoScan, scan_repo
from portalis.source_root import SOURCE_ROOT_KEY, decide_watched_root
from portalis.store import StoreLockedError
from portalis.typemap import build_type_map
from portalis_assets.jobs import translate_repo
from portalis_assets.partitions import python_modules
from portalis_assets.recovery import fail_dead_runs
from resources import DuckDBStoreResource, SourceRepoResource
from sensors.requests import GIT_COMMIT_TAG, GIT_DIRTY_TAG, SOURCE_ROOT_TAG, TRIGGER_TAG, gather_at_end, modules_run_request

INTERVAL_ENV = "PORTALIS_SENSOR_INTERVAL_S"
DEFAULT_INTERVAL_S = 60
SENSOR_LOCK_TIMEOUT_S = 5.0  # a tick never waits long for a run's DuckDB write: it retries next tick
IN_FLIGHT = [
    dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED,
]


def interfaces_now(root: Path, scan: RepoScan, modules: list[str]) -> dict[str, str]:
    """Interface hashes of these modules as their source is now (parse + type map, no lowering)."""
    by_name = {m.module: m for m in scan.modules}
    return {m: interface_hash(build_type_map(parse_file(root, by_name[m]))) for m in modules}


def _run_in_flight(context: dg.SensorEvaluationContext, trigger: str) -> str | None:
    records = context.instance.get_run_records(
        filters=dg.RunsFilter(job_name=translate_repo.name, statuses=IN_FLIGHT, tags={TRIGGER_TAG: trigger}), limit=1
    )
    return records[0].dagster_run.run_id if records else None


def evaluate_repo_changes(
    context: dg.SensorEvaluationContext,
    source_repo: SourceRepoResource,
    store: DuckDBStoreResource,
    trigger: str = "repo_changes",
    switch_root: bool = False,
) -> dg.SensorResult | dg.SkipReason:
    """The body of the sensor (also what `portalis sync` evaluates once). The repository watched
    is the one the instance last synced unless the resource names one; a named root that differs
    from it while partitions exist is refused, never read as "every module was deleted"
    (portalis/source_root.py). `switch_root` (only `portalis sync`): the resource's root is taken
    and recorded even when it differs; the caller says so."""
    for run_id in fail_dead_runs(context.instance, translate_repo.name):
        context.log.warning(f"run {run_id} lost its process (killed?): marked failed; its modules are planned again")
    in_flight = _run_in_flight(context, trigger)
    if in_flight:
        return dg.SkipReason(f"run {in_flight} is still in progress; its results are planned from next tick")

    partitions = list(context.instance.get_dynamic_partitions(python_modules.name))
    db = store.store()
    db.lock_timeout_s = min(db.lock_timeout_s, SENSOR_LOCK_TIMEOUT_S)
    try:
        decision = decide_watched_root(source_repo.root, db.setting(SOURCE_ROOT_KEY), len(partitions), switch_root)
        if decision.refused or decision.root is None:
            context.log.warning(decision.refused or "no source root")
            return dg.SkipReason(decision.refused)
        root = decision.root
        if not root.is_dir():
            # Never read a missing (unmounted, mistyped) repo as "every module was deleted".
            return dg.SkipReason(f"source repo {root} is not a directory")
        scan = scan_repo(root, source_repo.include, source_repo.exclude)
        current = scan.hashes()
        states: dict[str, ModuleState] = db.get_translation_states()
        plan = plan_changes(current, partitions, states, lambda mods: interfaces_now(root, scan, mods))
        # Rows of removed modules go now; so do rows of modules neither registered nor in the repo.
        stale_rows = sorted(set(plan.removed) | (set(states) - set(current) - set(partitions)))
        db.delete_modules(stale_rows)
        if decision.record:  # after the reads: a damaged file is reported before anything is written
            db.put_setting(SOURCE_ROOT_KEY, str(root))
    except StoreLockedError:
        return dg.SkipReason("the DuckDB store is busy (a run is writing); trying again next tick")

    partition_requests: list[dg.AddDynamicPartitionsRequest | dg.DeleteDynamicPartitionsRequest] = []
    if plan.added:
        partition_requests.append(python_modules.build_add_request(plan.added))
    if plan.removed:
        partition_requests.append(python_modules.build_delete_request(plan.removed))

    tags = {TRIGGER_TAG: trigger, SOURCE_ROOT_TAG: str(root)}
    # The runs translate the root decided here, whatever the resource's default says.
    run_config = {"resources": {"source_repo": {"config": {"root": str(root)}}}}
    if scan.git:
        tags[GIT_COMMIT_TAG] = scan.commit or "none"
        tags[GIT_DIRTY_TAG] = str(scan.dirty).lower()
    # The key changes whenever the store's state for these modules changes: a failed run is not
    # relaunched every tick (same key), but a module that changes back and forth is.
    run_key = digest(
        sorted((m, current[m]) for m in plan.requested),
        sorted((m, str(states[m].updated_at)) for m in plan.requested if m in states),
        plan.removed,
    )[:32]
    order = [k for k in partitions if k not in set(plan.removed)] + plan.added
    # The run covers exactly the modules to retranslate (sensors/requests.py).
    order = gather_at_end(context.instance, order, plan.requested)
    run_requests: list[dg.RunRequest] = []
    request = modules_run_request(order, plan.requested, run_key, tags, run_config)
    if request is not None:
        run_requests.append(request)
    elif plan.removed:
        # Nothing imports the removed modules: only the crate must lose them.
        run_requests.append(dg.RunRequest(run_key=run_key, asset_selection=[dg.AssetKey("rust_crate")], tags=tags,
                                          run_config=run_config))

    if not run_requests and not partition_requests:
        where = f" at {scan.commit[:12]}" if scan.commit else ""
        return dg.SkipReason(f"no module changed ({len(current)} modules{where})")
    if plan.requested:
        context.log.info(
            f"retranslating {len(plan.requested)} modules: "
            + "; ".join(f"{m} ({plan.reasons[m]})" for m in plan.requested[:20])
        )
    return dg.SensorResult(run_requests=run_requests, dynamic_partitions_requests=partition_requests)


def build_repo_changes_sensor(
    name: str = "repo_changes",
    minimum_interval_seconds: int | None = None,
    default_status: dg.DefaultSensorStatus = dg.DefaultSensorStatus.STOPPED,
) -> dg.SensorDefinition:
    """The sensor; the interval defaults to $PORTALIS_SENSOR_INTERVAL_S, else 60 s."""
    interval = minimum_interval_seconds or int(os.environ.get(INTERVAL_ENV, DEFAULT_INTERVAL_S))

    @dg.sensor(
        name=name,
        job=translate_repo,
        minimum_interval_seconds=interval,
        default_status=default_status,
        description="Polls the source repo (the root `portalis sync` last synced, or the source_repo resource's root) and "
        "retranslates changed modules and the importers of changed interfaces, in one run. Refuses (see the tick) when "
        "the resource names another root than the one the partitions come from.",
    )
    def _sensor(
        context: dg.SensorEvaluationContext, source_repo: SourceRepoResource, store: DuckDBStoreResource
    ) -> dg.SensorResult | dg.SkipReason:
        return evaluate_repo_changes(context, source_repo, store, trigger=name)

    return _sensor


repo_changes = build_repo_changes_sensor()
