"""Writing generated files."""

from __future__ import annotations

from pathlib import Path


def write_if_changed(path: Path, text: str) -> None:
    """Write `text` to `path` (parents created) unless the file already holds exactly that.

    An unchanged file keeps its mtime, so cargo's and maturin's fingerprints stay valid and a
    rerun reuses what was built.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
