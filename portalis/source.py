"""Finding the Python modules of a repository, naming them, hashing them, reading them safely."""

from __future__ import annotations

import fnmatch
import hashlib
from dataclasses import dataclass
from pathlib import Path

from portalis.model import SourceModule

DEFAULT_INCLUDE = ("**/*.py",)
DEFAULT_EXCLUDE = (
    "**/tests/**",
    "**/test_*.py",
    "**/*_test.py",
    "**/conftest.py",
    "**/setup.py",
    "**/.*/**",
    "**/__pycache__/**",
    "**/build/**",
    "**/dist/**",
    "**/node_modules/**",
    "**/site-packages/**",
)


class SourceError(ValueError):
    """The input cannot be used as a source repository (missing path, no Python file...)."""


@dataclass(frozen=True)
class SourceRoot:
    """Where modules are named from: module names are paths relative to `root`."""

    root: Path
    files: tuple[Path, ...] | None = None  # explicit files (a single .py given on the CLI)


def _matches(rel: str, patterns: tuple[str, ...] | list[str]) -> bool:
    # fnmatch's "*" crosses "/", so "**/x" must also match "x" at the top level.
    for pattern in patterns:
        if fnmatch.fnmatch(rel, pattern):
            return True
        if pattern.startswith("**/") and fnmatch.fnmatch(rel, pattern[3:]):
            return True
    return False


def module_name(rel_path: str) -> str:
    """`pkg/sub/mod.py` -> `pkg.sub.mod`; `pkg/__init__.py` -> `pkg`."""
    parts = list(Path(rel_path).with_suffix("").parts)
    if parts and parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def resolve_root(path: Path) -> SourceRoot:
    """Decide how to name modules for a CLI path: a file, a package directory, or a repo directory.

    A package directory (with __init__.py) is named from its parent so its modules keep the
    package prefix (`inventory.stock`), as imports inside it expect.
    """
    path = path.resolve()
    if not path.exists():
        raise SourceError(f"no such file or directory: {path}")
    if path.is_file():
        if path.suffix != ".py":
            raise SourceError(f"not a Python file: {path}")
        return SourceRoot(root=path.parent, files=(path,))
    if (path / "__init__.py").exists():
        return SourceRoot(root=path.parent, files=tuple(sorted(path.rglob("*.py"))))
    return SourceRoot(root=path)


def hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def discover(
    root: Path | SourceRoot,
    include: tuple[str, ...] | list[str] = DEFAULT_INCLUDE,
    exclude: tuple[str, ...] | list[str] = DEFAULT_EXCLUDE,
) -> list[SourceModule]:
    """All modules under the root matching include and not exclude, sorted by module name."""
    src = root if isinstance(root, SourceRoot) else SourceRoot(Path(root).resolve())
    if not src.root.is_dir():
        raise SourceError(f"source root is not a directory: {src.root}")
    candidates = src.files if src.files is not None else tuple(sorted(src.root.rglob("*.py")))
    found: dict[str, SourceModule] = {}
    for file in candidates:
        rel = file.relative_to(src.root).as_posix()
        if src.files is None and (not _matches(rel, include) or _matches(rel, exclude)):
            continue
        name = module_name(rel)
        if not name or any(not part.isidentifier() for part in name.split(".")):
            continue  # not importable as a module (e.g. `my-script.py`): nothing can name it
        found[name] = SourceModule(
            module=name,
            path=rel,
            sha256=hash_bytes(file.read_bytes()),
            is_package=file.name == "__init__.py",
        )
    return [found[k] for k in sorted(found)]


def read_source(root: Path, rel_path: str) -> tuple[str | None, str | None]:
    """Read a module as UTF-8 text. Returns (text, None) or (None, error message)."""
    try:
        data = (root / rel_path).read_bytes()
    except OSError as exc:
        return None, f"cannot read {rel_path}: {exc.strerror or exc}"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return None, f"{rel_path} is not valid UTF-8 (byte {exc.start}: {exc.reason})"
