"""Static checks of a written crate that need no test case: rustfmt per module file, and the
crate-level safety gate (build scripts, dependencies)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from portalis.crate import CrateLayout
from portalis.validate.cargo import Toolchain
from portalis.validate.safety import Violation, check_crate_dir

_DIFF = re.compile(r"^Diff in (.+?)(?: at line \d+)?:", re.MULTILINE)


def rustfmt_modules(layout: CrateLayout, toolchain: Toolchain) -> dict[str, bool | None]:
    """module -> whether its file is rustfmt-clean (`rustfmt --check`, one call for all files);
    None for every module when rustfmt could not run."""
    files = {rel: m for rel, m in layout.files.items() if (layout.root / rel).exists()}
    if not files:
        return {}
    try:
        proc = subprocess.run(
            [toolchain.rustfmt, "--check", "--edition", "2021", *[str(layout.root / rel) for rel in files]],
            capture_output=True, text=True, timeout=toolchain.timeout_s, cwd=layout.root,
        )
    except (OSError, subprocess.TimeoutExpired):
        return {m: None for m in files.values()}
    if proc.returncode not in (0, 1):
        return {m: None for m in files.values()}
    dirty = {Path(p).resolve() for p in _DIFF.findall(proc.stdout)}
    return {m: (layout.root / rel).resolve() not in dirty for rel, m in files.items()}


def crate_safety(crate_dir: Path) -> list[Violation]:
    """The safety gate's crate-level checks (see safety.check_crate_dir)."""
    return check_crate_dir(crate_dir)
