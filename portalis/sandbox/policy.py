"""What the sandbox must do (limits, the level asked for) and which level this machine gives.

Levels, best first:

- `bwrap`: bubblewrap. New mount, pid, network, IPC and UTS namespaces; `/` read-only, fresh
  `/tmp`, `/run`, `/dev`, `/proc`, home directories hidden; the workspace (the private copy of
  the repository) the only writable place; capabilities dropped; everything dies with the run.
- `unshare`: the same isolation built with util-linux `unshare` (as root, or in a user namespace)
  and our own init (`init.py`) that remounts every mount read-only and hides the same places.
- `rlimits`: resource limits, a scrubbed environment, the private copy as working directory and a
  reaper that kills every descendant at the end. No file system or network isolation.
- `none`: a scrubbed environment and the private copy only.

Without `bwrap` or `unshare` (the network is not cut off), repository code is refused unless the
policy says `allow_unsandboxed`.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

LEVELS = ("bwrap", "unshare", "rlimits", "none")
ISOLATED = ("bwrap", "unshare")  # levels with a network and a file system of their own
NOBODY = 65534  # the uid/gid repository code runs as when we are root (when it can reach Python)


class Limits(BaseModel):
    """Resource limits of one sandboxed process (setrlimit; inherited by what it starts)."""

    memory_mb: int = Field(default=2048, ge=64, description="address space (RLIMIT_AS)")
    cpu_s: int = Field(default=600, ge=1, description="CPU seconds of one process (RLIMIT_CPU)")
    processes: int = Field(default=128, ge=8, description="processes beyond those the user already has (RLIMIT_NPROC)")
    open_files: int = Field(default=256, ge=16, description="open file descriptors (RLIMIT_NOFILE)")
    file_size_mb: int = Field(default=256, ge=1, description="largest file it may write (RLIMIT_FSIZE)")
    tmp_mb: int = Field(default=512, ge=1, description="size of the private /tmp (bwrap)")


class SandboxPolicy(BaseModel):
    """How repository code is run. `level`: auto (the best this machine has) or one of LEVELS
    (forced: refused when not available)."""

    level: str = Field(default="auto", description="auto | bwrap | unshare | rlimits | none")
    allow_unsandboxed: bool = Field(
        default=False, description="run repository code even without namespace isolation (rlimits or none)"
    )
    limits: Limits = Field(default_factory=Limits)


class SandboxRefused(RuntimeError):
    """Repository code is not run: no isolation, and the policy does not allow running without."""


@dataclass
class Detection:
    """What this machine offers: the levels that work and why the others do not."""

    available: list[str] = field(default_factory=list)
    why_not: dict[str, str] = field(default_factory=dict)
    bwrap: str | None = None  # path of the bwrap binary
    bwrap_version: str = ""
    unshare: str | None = None
    unshare_userns: bool = False  # unshare needs --user --map-root-user (not root, or uid dropped)

    @property
    def best(self) -> str:
        return self.available[0] if self.available else "none"

    def summary(self) -> str:
        parts = [f"{lvl}: {'yes' if lvl in self.available else self.why_not.get(lvl, 'no')}" for lvl in LEVELS[:3]]
        return "; ".join(parts)


def refusal_message(level: str, detection: Detection) -> str:
    """The one line that says why repository code is not run and how to allow it."""
    why = ", ".join(f"{lvl}: {detection.why_not.get(lvl, 'not available')}" for lvl in ISOLATED)
    return (
        f"PTL601 repository code not run: no sandbox with its own network and file system here ({why}); "
        f"install bubblewrap (make sandbox-tools) or pass --allow-unsandboxed to run it at level '{level}'"
    )


def _probe(argv: list[str], timeout: float = 20.0, **kw) -> str | None:
    """None when the command runs and prints `ok`, else why not (one line)."""
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, **kw)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{type(exc).__name__}: {exc}"[:200]
    if proc.returncode == 0 and proc.stdout.strip().endswith("ok"):
        return None
    err = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
    return err[:200]


@functools.cache
def detect() -> Detection:
    """Probe once per process which levels work here (each probe starts a real sandbox running
    Python: a level is available only if it can run our worker's interpreter)."""
    # imported here: run.py builds the real commands, and uses this module's types
    from portalis.sandbox.run import probe_level

    d = Detection()
    if sys.platform != "linux":
        d.why_not.update({lvl: "not Linux" for lvl in ISOLATED})
    else:
        d.bwrap = shutil.which("bwrap")
        if d.bwrap is None:
            d.why_not["bwrap"] = "bwrap not installed"
        else:
            try:
                d.bwrap_version = subprocess.run([d.bwrap, "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
            except (OSError, subprocess.SubprocessError):
                d.bwrap_version = ""
            why = probe_level("bwrap", d)
            if why is None:
                d.available.append("bwrap")
            else:
                d.why_not["bwrap"] = why
        d.unshare = shutil.which("unshare")
        if d.unshare is None:
            d.why_not["unshare"] = "unshare not installed"
        else:
            why = None
            for userns in ((False, True) if os.geteuid() == 0 else (True,)):
                d.unshare_userns = userns
                why = probe_level("unshare", d)
                if why is None:
                    break
            if why is None:
                d.available.append("unshare")
            else:
                d.why_not["unshare"] = why
    try:
        import resource  # noqa: F401 - POSIX only
    except ImportError:
        d.why_not["rlimits"] = "no resource limits on this platform"
    else:
        d.available.append("rlimits")
    d.available.append("none")
    return d


def resolve(policy: SandboxPolicy, detection: Detection | None = None) -> str:
    """The level a run gets under `policy`, or SandboxRefused (one line saying why)."""
    detection = detection or detect()
    if policy.level != "auto":
        if policy.level not in LEVELS:
            raise SandboxRefused(f"PTL601 unknown sandbox level {policy.level!r} (one of auto, {', '.join(LEVELS)})")
        if policy.level not in detection.available:
            raise SandboxRefused(
                f"PTL601 sandbox level {policy.level!r} is not available here: {detection.why_not.get(policy.level, 'no')}"
            )
        level = policy.level
    else:
        level = detection.best
    if level not in ISOLATED and not policy.allow_unsandboxed:
        raise SandboxRefused(refusal_message(level, detection))
    return level
