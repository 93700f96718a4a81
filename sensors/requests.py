"""Building the one run a sensor tick or a schedule asks for: over exactly the modules to retranslate.

Dagster runs a partitioned job over one partition key or one contiguous key *range* (in the
order partitions were added); there is no public way to give a run an arbitrary set of keys.
The modules of one change must be in ONE run: stage N of all of them finishes before stage N+1
starts (a module's translation reads the new type maps of the modules it imports, which may be
anywhere in the order), so one run per contiguous group, or a backfill (which splits into such
runs), would translate against stale interfaces. So when the modules to retranslate are not
contiguous, `gather_at_end` moves their partitions to the end of the order (each deleted and
added again: a dynamic partition is only a key, its materializations stay) and the run covers
that tail, which is exactly them: modules in between are not re-parsed nor re-validated. The
order of the partitions is then "last retranslated last".
"""

from __future__ import annotations

from typing import Any, Iterable

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from portalis.interface import covering_range
from portalis_assets.partitions import python_modules

TRIGGER_TAG = "portalis/trigger"  # repo_changes | nightly | sync
REQUESTED_TAG = "portalis/requested"  # how many modules the run was asked for
RANGE_SIZE_TAG = "portalis/range_size"  # how many partitions its range covers
MODULES_TAG = "portalis/modules"  # the requested modules (truncated for the UI)
SOURCE_ROOT_TAG = "portalis/source_root"  # the repository the run translates
GIT_COMMIT_TAG = "portalis/git_commit"
GIT_DIRTY_TAG = "portalis/git_dirty"
MAX_MODULES_IN_TAG = 20


def contiguous(order: list[str], modules: Iterable[str]) -> bool:
    """Whether the modules (those of them in `order`) are next to each other in it."""
    wanted = set(modules)
    positions = [i for i, key in enumerate(order) if key in wanted]
    return not positions or positions[-1] - positions[0] + 1 == len(positions)


def gather_at_end(instance: dg.DagsterInstance, order: list[str], modules: Iterable[str]) -> list[str]:
    """Make `modules` contiguous in the partition order, so that a run over their range covers
    exactly them: when they are not, the registered ones among them are moved (deleted and added
    again, in their order) to the end of the instance's partitions. `order` is the order the run
    will see: the registered partitions (less any being removed), then keys about to be added,
    which land after the moved ones. Returns the new order."""
    wanted = set(modules)
    if contiguous(order, wanted):
        return order
    registered = set(instance.get_dynamic_partitions(python_modules.name))
    moved = [k for k in order if k in wanted and k in registered]
    for key in moved:
        instance.delete_dynamic_partition(python_modules.name, key)
    instance.add_dynamic_partitions(python_modules.name, moved)
    rest = [k for k in order if k not in wanted]
    later = [k for k in order if k in wanted and k not in registered]
    # Keys not registered yet (the tick's new modules) are added after the evaluation: after `moved`.
    return [k for k in rest if k in registered] + moved + later + [k for k in rest if k not in registered]


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
