"""`repo_changes`: poll the source repo and translate what changed (first version).

Module hashes are compared with the `source_sha256` the parse stage stored in DuckDB (not kept
in the cursor, which would grow with the repo). New modules become partitions; removed modules
lose their partition and their rows; changed modules get a run. A first tick, where everything
is new, is one run over all partitions.
"""


import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from portalis.store import StoreLockedError
from portalis_assets.jobs import translate_repo
from portalis_assets.partitions import python_modules
from resources import DuckDBStoreResource, SourceRepoResource


@dg.sensor(job=translate_repo, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED)
def repo_changes(context: dg.SensorEvaluationContext, source_repo: SourceRepoResource, store: DuckDBStoreResource) -> dg.SensorResult | dg.SkipReason:
    modules = {m.module: m.sha256 for m in source_repo.modules()}
    existing = context.instance.get_dynamic_partitions(python_modules.name)
    db = store.store()
    db.lock_timeout_s = min(db.lock_timeout_s, 5.0)
    try:
        stored = {k: r["source_sha256"] for k, r in db.rows("parsed_ast").items()}
        removed = sorted(set(existing) - set(modules))
        if removed:
            db.delete_modules(removed)
    except StoreLockedError:
        return dg.SkipReason("the DuckDB store is busy (a run is writing); trying again next tick")
    added = sorted(set(modules) - set(existing))
    changed = sorted(k for k, h in modules.items() if stored.get(k) != h)
    partition_requests = []
    if added:
        partition_requests.append(python_modules.build_add_request(added))
    if removed:
        partition_requests.append(python_modules.build_delete_request(removed))
    run_requests: list[dg.RunRequest] = []
    if changed and set(changed) == set(modules):
        keys = list(existing) + [k for k in added if k not in existing]
        run_requests.append(dg.RunRequest(
            run_key=f"all:{hash(tuple(sorted(modules.items())))}",
            tags={ASSET_PARTITION_RANGE_START_TAG: keys[0], ASSET_PARTITION_RANGE_END_TAG: keys[-1]},
        ))
    else:
        run_requests += [dg.RunRequest(partition_key=k, run_key=f"{k}:{modules[k][:16]}") for k in changed]
    if not run_requests and not partition_requests:
        return dg.SkipReason("no module changed")
    return dg.SensorResult(run_requests=run_requests, dynamic_partitions_requests=partition_requests)
