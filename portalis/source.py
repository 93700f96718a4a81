"""Finding the Python modules of a repository, naming them, hashing them, reading them safely."""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import io
import os
import stat
import tokenize
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable

from portalis.model import Severity, SkippedFile, SourceModule

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
    # Symlinks may not lead out of this directory (default: root). A package directory given on
    # the CLI is named from its parent, but only its own files are read.
    boundary: Path | None = None


@dataclass
class Discovery:
    """Every `.py` file under a root, accounted for: a module, a skipped file with the reason
    (PTL010-PTL015), or one of the files the exclude patterns leave out (counted)."""

    modules: list[SourceModule] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    excluded: int = 0  # matched by an exclude pattern (tests, setup.py...) or no include pattern


def _matches(rel: str, patterns: tuple[str, ...] | list[str]) -> bool:
    # fnmatch's "*" crosses "/", so "**/x" must also match "x" at the top level.
    for pattern in patterns:
        if fnmatch.fnmatch(rel, pattern):
            return True
        if pattern.startswith("**/") and fnmatch.fnmatch(rel, pattern[3:]):
            return True
    return False


def module_parts(rel_path: str) -> list[str]:
    """`pkg/sub/mod.py` -> [pkg, sub, mod]; `pkg/__init__.py` -> [pkg]. Parts are the file's
    path components as they are: `a.b.py` gives one part `a.b` (which no import can name)."""
    parts = list(PurePosixPath(rel_path).parts)
    if parts:
        parts[-1] = parts[-1][: -len(".py")] if parts[-1].endswith(".py") else parts[-1]
    if parts and parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return parts


def module_name(rel_path: str) -> str:
    """`pkg/sub/mod.py` -> `pkg.sub.mod`; `pkg/__init__.py` -> `pkg`."""
    return ".".join(module_parts(rel_path))


def _name_problem(rel: str) -> str | None:
    """Why no import can name the file, or None."""
    for part in module_parts(rel):
        if not part.isidentifier():
            return f"`{part}` is not a Python identifier, so no import can name this file"
    return None


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
        files, _, _ = _walk(path)
        return SourceRoot(root=path.parent, files=tuple(path / rel for rel in files), boundary=path)
    return SourceRoot(root=path)


def hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _walk(root: Path) -> tuple[list[str], list[str], list[str]]:
    """(`.py` entries under root, symlinked directories, directories that could not be listed),
    all relative and sorted.

    Symlinked directories are not descended into (they may lead out of the repository or loop);
    files inside the repository are found where they really are. `.py` entries are whatever is
    not a real directory: files, symlinks (dangling ones too), FIFOs; `classify` says which are
    modules."""
    found: list[str] = []
    linked: list[str] = []
    unlisted: list[str] = []

    def failed(exc: OSError) -> None:
        if exc.filename is not None:
            unlisted.append(Path(exc.filename).relative_to(root).as_posix())

    for directory, dirnames, filenames in os.walk(root, onerror=failed, followlinks=False):
        base = Path(directory).relative_to(root)
        for name in dirnames:
            if (Path(directory) / name).is_symlink():
                (found if name.endswith(".py") else linked).append((base / name).as_posix())
        found += [(base / name).as_posix() for name in filenames if name.endswith(".py")]
    return sorted(found), sorted(linked), sorted(unlisted)


def _skip(rel: str, code: str, reason: str, severity: Severity = Severity.WARNING) -> SkippedFile:
    return SkippedFile(path=rel, code=code, reason=reason, severity=severity)


def _inside(path: Path, boundary: Path) -> bool:
    return path == boundary or path.is_relative_to(boundary)


def _resolve(path: Path, rel: str, boundary: Path) -> tuple[Path | None, SkippedFile | None]:
    """The real file behind `path` when it may be read: inside the boundary, existing, no loop."""
    link = path.is_symlink()
    try:
        real = path.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 reports a symlink loop so
        return None, _skip(rel, "PTL012", "symlink loop: not translated")
    except FileNotFoundError:
        if link:
            return None, _skip(rel, "PTL012", f"dangling symlink (to `{os.readlink(path)}`, which does not exist): not translated")
        return None, _skip(rel, "PTL013", "the file disappeared while the repository was read")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, _skip(rel, "PTL012", "symlink loop: not translated")
        return None, _skip(rel, "PTL013", f"cannot be read: {exc.strerror or exc}")
    if not _inside(real, boundary):
        target = os.readlink(path) if link else str(real)
        return None, _skip(rel, "PTL011", f"leads outside the repository (symlink to `{target}`): never read")
    return real, None


class NotRegularFile(OSError):
    """A directory, FIFO, socket or device where a module file was expected."""


def read_regular(real: Path) -> bytes:
    """The bytes of a regular file at a resolved path. The final component is not followed if it
    became a symlink since it was resolved, and a FIFO put there does not block the read."""
    fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as f:
        mode = os.fstat(f.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(_kind(mode))
        return f.read()


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device or special file"


def classify(
    root: Path,
    rel_paths: Iterable[str],
    include: tuple[str, ...] | list[str] = DEFAULT_INCLUDE,
    exclude: tuple[str, ...] | list[str] = DEFAULT_EXCLUDE,
    filtered: bool = True,
    boundary: Path | None = None,
) -> Discovery:
    """Sort candidate paths (relative to root) into modules, skipped files and excluded ones.

    Pure but for reading the files: the same rules serve the directory walk and git's listing.
    Symlinks are followed only to files inside `boundary` (default root); a file reached twice
    (a symlink to a file of the repository) is translated once, under its real path; when a
    module and a package have one name (`pkg.py`, `pkg/__init__.py`) the package wins, as in
    Python. `filtered=False`: explicit files, no include/exclude patterns."""
    root_real = root.resolve()
    limit = boundary.resolve() if boundary is not None else root_real
    out = Discovery()
    accepted: list[tuple[SourceModule, Path]] = []
    for rel in rel_paths:
        if not rel.endswith(".py"):
            continue
        if filtered and (not _matches(rel, include) or _matches(rel, exclude)):
            out.excluded += 1
            continue
        problem = _name_problem(rel)
        if problem is not None:
            out.skipped.append(_skip(rel, "PTL010", problem))
            continue
        path = root / rel
        real, skipped = _resolve(path, rel, limit)
        if skipped is not None or real is None:
            out.skipped.append(skipped or _skip(rel, "PTL013", "cannot be read"))
            continue
        try:
            data = read_regular(real)
        except NotRegularFile as exc:
            out.skipped.append(_skip(rel, "PTL013", f"not a regular file ({exc}): not translated"))
            continue
        except OSError as exc:
            out.skipped.append(_skip(rel, "PTL013", f"cannot be read: {exc.strerror or exc}", Severity.ERROR))
            continue
        module = SourceModule(module=module_name(rel), path=rel, sha256=hash_bytes(data), is_package=rel.endswith("__init__.py"))
        accepted.append((module, real))
    out.modules = _unique(accepted, root_real, out.skipped)
    out.skipped.sort(key=lambda s: s.path)
    return out


def _unique(accepted: list[tuple[SourceModule, Path]], root_real: Path, skipped: list[SkippedFile]) -> list[SourceModule]:
    """One module per real file and per name, sorted by name; the others become skipped."""
    by_file: dict[Path, list[SourceModule]] = {}
    for module, real in accepted:
        by_file.setdefault(real, []).append(module)
    kept: list[SourceModule] = []
    for real, group in by_file.items():
        # The file under its own path (not the link) keeps its name; else the first name.
        own = real.relative_to(root_real).as_posix() if _inside(real, root_real) else None
        group.sort(key=lambda m: (m.path != own, m.module))
        kept.append(group[0])
        for other in group[1:]:
            skipped.append(_skip(other.path, "PTL014", f"symlink to `{group[0].path}`, translated once as module `{group[0].module}`", Severity.INFO))
    by_name: dict[str, list[SourceModule]] = {}
    for module in kept:
        by_name.setdefault(module.module, []).append(module)
    modules: list[SourceModule] = []
    for name in sorted(by_name):
        group = sorted(by_name[name], key=lambda m: not m.is_package)  # the package first
        modules.append(group[0])
        for other in group[1:]:
            skipped.append(_skip(other.path, "PTL015", f"shadowed by the package `{group[0].path}`: `import {name}` imports the package"))
    return modules


def scan_sources(
    root: Path | SourceRoot,
    include: tuple[str, ...] | list[str] = DEFAULT_INCLUDE,
    exclude: tuple[str, ...] | list[str] = DEFAULT_EXCLUDE,
) -> Discovery:
    """Every `.py` file under the root: modules (sorted by name), skipped files, excluded count."""
    src = root if isinstance(root, SourceRoot) else SourceRoot(Path(root).resolve())
    if not src.root.is_dir():
        raise SourceError(f"source root is not a directory: {src.root}")
    if src.files is not None:
        rels = [f.relative_to(src.root).as_posix() for f in src.files]
        return classify(src.root, rels, filtered=False, boundary=src.boundary)
    rels, linked, unlisted = _walk(src.root)
    found = classify(src.root, rels, include, exclude, boundary=src.boundary)
    limit = (src.boundary or src.root).resolve()
    for rel in linked:
        if _matches(f"{rel}/__init__.py", exclude):
            continue
        try:
            real = (src.root / rel).resolve(strict=True)
        except (OSError, RuntimeError):
            continue  # not a directory after all (os.walk saw one): nothing to follow
        if not _inside(real, limit):
            found.skipped.append(_skip(rel, "PTL011", f"symlinked directory leads outside the repository (to `{os.readlink(src.root / rel)}`): not followed"))
    for rel in unlisted:
        if not _matches(f"{rel}/__init__.py", exclude):
            found.skipped.append(_skip(rel, "PTL013", "directory cannot be listed: its files are not translated", Severity.ERROR))
    found.skipped.sort(key=lambda s: s.path)
    return found


def discover(
    root: Path | SourceRoot,
    include: tuple[str, ...] | list[str] = DEFAULT_INCLUDE,
    exclude: tuple[str, ...] | list[str] = DEFAULT_EXCLUDE,
) -> list[SourceModule]:
    """All modules under the root matching include and not exclude, sorted by module name
    (`scan_sources` also says which files were skipped and why)."""
    return scan_sources(root, include, exclude).modules


def read_source(root: Path, rel_path: str) -> tuple[str | None, str | None]:
    """Read a module as UTF-8 text. Returns (text, None) or (None, error message). A path that
    now leads outside the root (a symlink changed since discovery) is not read."""
    try:
        path = (root / rel_path).resolve(strict=True)
        if not _inside(path, root.resolve()):
            return None, f"{rel_path} leads outside the repository: not read"
        data = read_regular(path)
    except NotRegularFile as exc:
        return None, f"{rel_path} is not a regular file ({exc})"
    except (OSError, RuntimeError) as exc:
        return None, f"cannot read {rel_path}: {getattr(exc, 'strerror', None) or exc}"
    return decode_source(data, rel_path)


def decode_source(data: bytes, rel_path: str) -> tuple[str | None, str | None]:
    """Python source bytes as text the way CPython reads them (PEP 263): a UTF-8 byte order mark
    is dropped and a `# -*- coding: ... -*-` line is honoured; UTF-8 otherwise."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "unknown encoding" in str(exc) or "encoding problem" in str(exc):
            return None, f"{rel_path}: {exc}"  # an unknown codec, or a BOM contradicting the cookie
        encoding = "utf-8"  # no cookie and bytes that are not UTF-8: say so below

    try:
        return data.decode(encoding), None
    except UnicodeDecodeError as exc:
        shown = "UTF-8" if encoding in ("utf-8", "utf-8-sig") else encoding
        return None, f"{rel_path} is not valid {shown} (byte {exc.start}: {exc.reason})"
