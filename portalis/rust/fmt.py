"""rustfmt over printed source: the last step of printing."""

from __future__ import annotations

import shutil
import subprocess


class RustfmtError(RuntimeError):
    """rustfmt rejected the printed source: a printer bug, reported with rustfmt's message."""


def rustfmt_available(rustfmt: str = "rustfmt") -> bool:
    return shutil.which(rustfmt) is not None


def format_source(source: str, rustfmt: str = "rustfmt", edition: str = "2021", timeout: float = 30) -> str:
    """Format a whole Rust file with rustfmt (stdin to stdout)."""
    proc = subprocess.run(
        [rustfmt, "--edition", edition, "--emit", "stdout", "--quiet"],
        input=source,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RustfmtError(proc.stderr.strip() or f"rustfmt exited with {proc.returncode}")
    return proc.stdout


def check_formatted(source: str, rustfmt: str = "rustfmt", edition: str = "2021") -> bool:
    """True when rustfmt would leave the source unchanged."""
    return format_source(source, rustfmt, edition) == source
