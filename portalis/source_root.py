"""One source root per instance: which repository the module partitions belong to.

`portalis sync --repo X`, `portalis demo --repo X`, the `repo_changes` sensor and the nightly
schedule all translate "the source repository"; if they disagreed, the sensor (watching its own
default) would read every module of X as deleted and drop X's partitions. So the DuckDB store
remembers the root the partitions were last synced from (`instance_settings.source_root`) and:

- sync and demo name their root explicitly: a root that differs from the stored one is a *switch*,
  said on the CLI, and the stored root becomes the new one;
- the sensor and the schedule use the stored root when their configured root is empty (the
  default), and refuse, with a message in the tick, when a configured root differs from the stored
  one while partitions exist: a sensor never switches roots, so it never deletes silently.

This module only decides; the callers (runner, sensor, schedule) read and write the store.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

SOURCE_ROOT_KEY = "source_root"
DEFAULT_ROOT = "examples"  # relative to the working directory, as the resource always took it


class RootDecision(BaseModel):
    """Which root to watch, or why not to watch any this time."""

    root: Path | None = None  # None when refused
    refused: str | None = None  # the message for the tick / log when refused
    record: bool = False  # whether the store should be told this root (it has none, or another)


def normalize(root: str | Path) -> Path:
    """A root as stored and compared: absolute, user and symlinks resolved."""
    return Path(root).expanduser().resolve()


def decide_watched_root(configured: str, stored: str | None, partitions: int, switch: bool = False) -> RootDecision:
    """The root a sensor or schedule watches. `configured`: the source_repo resource's root ("" =
    the stored one); `stored`: the root the partitions were last synced from (None: never
    recorded); `partitions`: how many module partitions exist now. `switch` (sync, which names its
    root on the command line): a configured root is taken even when it differs, and recorded."""
    if switch and configured:
        root = normalize(configured)
        return RootDecision(root=root, record=stored is None or Path(stored) != root)
    if not configured:
        if stored is not None:
            return RootDecision(root=Path(stored))
        if partitions:
            # Partitions from before roots were recorded: their root is unknown, and guessing the
            # default could delete all of them.
            return RootDecision(refused=(
                f"this instance has {partitions} module partition{'s' if partitions != 1 else ''} but no recorded "
                "source root (synced by an older Portalis); run `portalis sync --repo DIR` once to record it, "
                "or set the source_repo resource's root"))
        return RootDecision(root=normalize(DEFAULT_ROOT), record=True)
    root = normalize(configured)
    if stored is None or Path(stored) == root:
        return RootDecision(root=root, record=stored is None)
    if not partitions:
        return RootDecision(root=root, record=True)
    return RootDecision(refused=(
        f"the source_repo resource's root is {root}, but the {partitions} module partition"
        f"{'s' if partitions != 1 else ''} of this instance were synced from {stored}; watching {root} would delete "
        f"them. Leave the root empty (unset PORTALIS_SOURCE_REPO) to watch {stored}, or switch with "
        f"`portalis sync --repo {root}`, which says what it removes"))


def switch_note(old: str | None, new: Path, removed: list[str]) -> str | None:
    """The CLI line when sync or demo moves the instance to another root (None: no switch)."""
    if old is None or Path(old) == new:
        return None
    shown = ", ".join(removed[:10]) + (f", +{len(removed) - 10}" if len(removed) > 10 else "")
    gone = f"; removed {len(removed)} module partition{'s' if len(removed) != 1 else ''} not in it: {shown}" if removed else ""
    return f"source root changed from {old} to {new}{gone}"
