"""Which modules a source repository holds right now, with their source hashes (git-aware).

In a git checkout the files that count are the ones git sees: tracked files (as they are in the
working tree) plus new files that are not ignored, i.e. `git ls-files --cached --others
--exclude-standard`. Ignored files (a virtualenv, build output, generated code) never become
partitions. Outside git every `*.py` under the root counts. The include/exclude globs apply on top
in both cases. The commit (HEAD) and whether the tree differs from it are reported so a run can be
tagged with exactly what it translated.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from portalis.model import SkippedFile, SourceModule
from portalis.source import DEFAULT_EXCLUDE, DEFAULT_INCLUDE, classify, scan_sources

GIT_TIMEOUT_S = 30.0


@dataclass
class RepoScan:
    root: Path
    modules: list[SourceModule]
    git: bool = False
    commit: str | None = None  # HEAD; None outside git or before the first commit
    dirty: bool = False  # tracked files differ from HEAD, or new unignored files exist
    skipped: list[SkippedFile] = field(default_factory=list)  # `.py` files that are not modules, and why
    excluded: int = 0  # `.py` files left out by the include/exclude patterns

    def hashes(self) -> dict[str, str]:
        return {m.module: m.sha256 for m in self.modules}


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=GIT_TIMEOUT_S)


def git_files(root: Path) -> tuple[list[str], str | None, bool] | None:
    """(paths relative to root, HEAD commit, dirty) when root is inside a git work tree, else None."""
    try:
        inside = _git(root, "rev-parse", "--is-inside-work-tree")
    except (OSError, subprocess.TimeoutExpired):
        return None  # no git binary: scan the directory
    if inside.returncode != 0 or inside.stdout.strip() != b"true":
        return None
    # Run from the root: paths come back relative to it, limited to the files below it.
    listed = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".")
    if listed.returncode != 0:
        return None
    paths = sorted({p.decode("utf-8", "surrogateescape") for p in listed.stdout.split(b"\0") if p})
    head = _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    commit = head.stdout.decode().strip() if head.returncode == 0 else None
    status = _git(root, "status", "--porcelain", "--untracked-files=normal", "--", ".")
    dirty = bool(status.stdout.strip()) if status.returncode == 0 else True
    return paths, commit, dirty


def scan_repo(
    root: Path,
    include: tuple[str, ...] | list[str] = DEFAULT_INCLUDE,
    exclude: tuple[str, ...] | list[str] = DEFAULT_EXCLUDE,
    use_git: bool = True,
) -> RepoScan:
    """The repo's modules (sorted by name) and, in git, the commit they come from."""
    root = Path(root).resolve()
    listed = git_files(root) if use_git else None
    if listed is None:
        found = scan_sources(root, include, exclude)
        return RepoScan(root=root, modules=found.modules, skipped=found.skipped, excluded=found.excluded)
    paths, commit, dirty = listed
    # A tracked file deleted from the work tree is not a module: git still lists it.
    present = [rel for rel in paths if os.path.lexists(root / rel)]
    found = classify(root, present, include, exclude)
    return RepoScan(root=root, modules=found.modules, git=True, commit=commit, dirty=dirty,
                    skipped=found.skipped, excluded=found.excluded)
