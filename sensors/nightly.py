"""`nightly_retranslate`: a schedule that retranslates stale modules (default 02:00 UTC).

A module is stale when, since its last materialization,
- the code_version of one of its stages (parsed_ast, type_map, rust_translation,
  validation_report) changed: read from the `dagster/code_version` tag of each partition's latest
  materialization, against the code versions deployed now; a stage never materialized counts;
- or the backend/model that translates changed (recorded per module in DuckDB, translation_state).

All stale modules go into ONE run (sensors/requests.py). With `full` (schedule factory argument or
$PORTALIS_NIGHTLY_FULL=1) it asks for every module with `full: true` in rust_translation's config,
which retranslates everything and bypasses the caches; the same config works in the launchpad:

    ops:
      rust_translation:
        config:
          full: true
"""

from __future__ import annotations

import os
from typing import Mapping

import dagster as dg

from portalis.interface import ModuleState, digest
from portalis.store import StoreLockedError
from portalis_assets.assets import ALL_ASSETS, translator_identity
from portalis_assets.jobs import translate_repo
from portalis_assets.partitions import python_modules
from portalis.source_root import SOURCE_ROOT_KEY, decide_watched_root
from resources import DuckDBStoreResource, SourceRepoResource, TranslatorResource
from sensors.requests import SOURCE_ROOT_TAG, TRIGGER_TAG, gather_at_end, modules_run_request

CRON_ENV = "PORTALIS_NIGHTLY_CRON"
FULL_ENV = "PORTALIS_NIGHTLY_FULL"
DEFAULT_CRON = "0 2 * * *"
CODE_VERSION_TAG = "dagster/code_version"
STAGES = ("parsed_ast", "type_map", "rust_translation", "validation_report")


def deployed_code_versions(context: dg.ScheduleEvaluationContext | None = None) -> dict[str, str | None]:
    """Each stage's code version as deployed: from the code location's definitions when the
    context has them, else from the asset definitions imported here (the same code)."""
    graph = None
    if context is not None:
        try:
            graph = context.repository_def.asset_graph
        except dg.DagsterInvariantViolationError:
            graph = None
    versions: dict[str, str | None] = {}
    for stage in STAGES:
        key = dg.AssetKey(stage)
        if graph is not None and graph.has(key):
            versions[stage] = graph.get(key).code_version
        else:
            asset = next(a for a in ALL_ASSETS if key in a.keys)
            versions[stage] = asset.code_versions_by_key.get(key)
    return versions


def recorded_code_versions(instance: dg.DagsterInstance, stage: str) -> dict[str, str | None]:
    """partition -> the code version its latest materialization of `stage` was made with."""
    key = dg.AssetKey(stage)
    latest = instance.get_latest_storage_id_by_partition(key, dg.DagsterEventType.ASSET_MATERIALIZATION)
    if not latest:
        return {}
    ids = sorted(latest.values())
    out: dict[str, str | None] = {}
    for start in range(0, len(ids), 500):  # bounded IN lists for the event log's SQL
        chunk = ids[start:start + 500]
        records = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=key, storage_ids=chunk), limit=len(chunk)).records
        for r in records:
            mat = r.asset_materialization
            if mat is not None and mat.partition is not None:
                out[mat.partition] = (mat.tags or {}).get(CODE_VERSION_TAG)
    return out


def stale_modules(
    instance: dg.DagsterInstance,
    modules: list[str],
    deployed: dict[str, str | None],
    states: Mapping[str, ModuleState],
    backend: str,
) -> dict[str, str]:
    """module -> why it is stale (modules absent from the result are up to date)."""
    reasons: dict[str, str] = {}
    for stage in STAGES:
        recorded = recorded_code_versions(instance, stage)
        for m in modules:
            if m in reasons:
                continue
            if m not in recorded:
                reasons[m] = f"{stage} never materialized"
            elif recorded[m] != deployed[stage]:
                reasons[m] = f"{stage} code version {recorded[m]} -> {deployed[stage]}"
    for m in modules:
        state = states.get(m)
        if m not in reasons and state is not None and state.backend != backend:
            reasons[m] = f"translator backend/model {state.backend} -> {backend}"
    return reasons


def build_nightly_schedule(
    cron: str | None = None,
    full: bool | None = None,
    name: str = "nightly_retranslate",
    default_status: dg.DefaultScheduleStatus = dg.DefaultScheduleStatus.STOPPED,
) -> dg.ScheduleDefinition:
    """The schedule; cron defaults to $PORTALIS_NIGHTLY_CRON, else 02:00 every day (UTC)."""
    cron = cron or os.environ.get(CRON_ENV, DEFAULT_CRON)
    full = full if full is not None else os.environ.get(FULL_ENV, "") in ("1", "true", "yes")

    @dg.schedule(
        name=name,
        job=translate_repo,
        cron_schedule=cron,
        execution_timezone="UTC",
        default_status=default_status,
        description="Retranslates modules whose stage code version or translator model changed since "
        "their last materialization" + (" (full: every module, caches bypassed)" if full else "") + ".",
    )
    def _schedule(
        context: dg.ScheduleEvaluationContext, store: DuckDBStoreResource, translator: TranslatorResource,
        source_repo: SourceRepoResource,
    ) -> dg.RunRequest | dg.SkipReason:
        modules = list(context.instance.get_dynamic_partitions(python_modules.name))
        if not modules:
            return dg.SkipReason("no module partitions yet: turn on repo_changes or run `portalis sync`")
        db = store.store()
        db.lock_timeout_s = min(db.lock_timeout_s, 30.0)
        try:
            # The same root as the partitions (portalis/source_root.py): never another repo's files.
            decision = decide_watched_root(source_repo.root, db.setting(SOURCE_ROOT_KEY), len(modules))
            states = {} if full else db.get_translation_states(modules)
        except StoreLockedError:
            return dg.SkipReason("the DuckDB store is busy; the next evaluation will retry")
        if decision.refused or decision.root is None:
            context.log.warning(decision.refused or "no source root")
            return dg.SkipReason(decision.refused)
        if full:
            reasons = {m: "full retranslation" for m in modules}
        else:
            reasons = stale_modules(context.instance, modules, deployed_code_versions(context), states,
                                    translator_identity(translator))
        if not reasons:
            return dg.SkipReason(f"all {len(modules)} modules are up to date")
        when = context.scheduled_execution_time.strftime("%Y-%m-%d") if context.scheduled_execution_time else "now"
        context.log.info(f"{len(reasons)} stale modules: " + "; ".join(f"{m} ({r})" for m, r in list(reasons.items())[:20]))
        request = modules_run_request(
            gather_at_end(context.instance, list(modules), reasons), reasons, run_key=f"{name}:{when}:{digest(sorted(reasons))[:16]}",
            tags={TRIGGER_TAG: name, SOURCE_ROOT_TAG: str(decision.root)},
            run_config={"ops": {"rust_translation": {"config": {"full": full}}},
                        "resources": {"source_repo": {"config": {"root": str(decision.root)}}}},
        )
        assert request is not None  # every stale module is a partition
        return request

    return _schedule


nightly_retranslate = build_nightly_schedule()
