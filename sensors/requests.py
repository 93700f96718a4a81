"""Building the one run a sensor tick or a schedule asks for.

Dagster runs a partitioned job over one partition key or one contiguous key *range* (in the
order partitions were added); there is no public way to give a run an arbitrary set of keys.
So the modules to retranslate go into ONE run over the smallest range that covers them all.
Modules inside that range that did not need work are still materialized by the run, but cheaply:
rust_translation keeps their stored translation when its inputs are unchanged (module-level key),
and parse/type map of an unchanged module are re-derived in a few milliseconds. A change in one
module gives a range of one partition.
"""

from __future__ import annotations

from typing import Any, Iterable

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from portalis.interface import covering_range

TRIGGER_TAG = "portalis/trigger"  # repo_changes | nightly | sync
REQUESTED_TAG = "portalis/requested"  # how many modules the run was asked for
RANGE_SIZE_TAG = "portalis/range_size"  # how many partitions its range covers
MODULES_TAG = "portalis/modules"  # the requested modules (truncated for the UI)
SOURCE_ROOT_TAG = "portalis/source_root"  # the repository the run translates
GIT_COMMIT_TAG = "portalis/git_commit"
GIT_DIRTY_TAG = "portalis/git_dirty"
MAX_MODULES_IN_TAG = 20


def modules_run_request(
    order: list[str],
    modules: Iterable[str],
    run_key: str,
    tags: dict[str, str] | None = None,
    run_config: dict[str, Any] | None = None,
) -> dg.RunRequest | None:
    """One RunRequest over the smallest range of `order` (partition keys, registration order) that
    holds every module, or None if there is none."""
    wanted = sorted(set(modules))
    bounds = covering_range(order, wanted)
    if bounds is None:
        return None
    start, end = bounds
    size = order.index(end) - order.index(start) + 1
    shown = ",".join(wanted[:MAX_MODULES_IN_TAG]) + (f",+{len(wanted) - MAX_MODULES_IN_TAG}" if len(wanted) > MAX_MODULES_IN_TAG else "")
    all_tags = {
        ASSET_PARTITION_RANGE_START_TAG: start,
        ASSET_PARTITION_RANGE_END_TAG: end,
        REQUESTED_TAG: str(len(wanted)),
        RANGE_SIZE_TAG: str(size),
        MODULES_TAG: shown,
        **(tags or {}),
    }
    return dg.RunRequest(run_key=run_key, tags=all_tags, run_config=run_config or {})
