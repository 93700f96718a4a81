"""Real Python code to translate: standard-library modules and a few pure-Python PyPI packages.

The standard library of the running Python is always there (no download), so the test corpus
(`STDLIB_TEST`) is a fixed list of its pure-Python modules; `benchmarks/corpus.py` adds more
of them (`STDLIB_BENCH`) and the PyPI packages of `PYPI` (pinned, fetched with `pip download
--no-deps` into a cache directory), so CI never depends on a download.

Modules are copied at their paths below the library directory, so packages keep their names
(`json/decoder.py` is `json.decoder`). A name missing from this Python's library is skipped and
listed; `copy_stdlib` returns what it copied.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

# Pure-Python modules with no C-accelerated twin that shadows them in the test's sense: what
# a user's utility code looks like (string handling, parsing, number crunching, small classes).
STDLIB_TEST: tuple[str, ...] = (
    "colorsys.py", "bisect.py", "heapq.py", "textwrap.py", "statistics.py", "calendar.py", "difflib.py",
    "fractions.py", "string.py", "keyword.py", "shlex.py", "graphlib.py", "fnmatch.py", "numbers.py",
    "reprlib.py", "stringprep.py", "quopri.py", "base64.py", "copy.py", "getopt.py", "token.py",
    "html/__init__.py", "html/parser.py",
    "json/__init__.py", "json/decoder.py", "json/encoder.py", "json/scanner.py", "json/tool.py",
    "email/__init__.py", "email/_encoded_words.py", "email/_parseaddr.py", "email/_policybase.py",
    "email/base64mime.py", "email/charset.py", "email/encoders.py", "email/errors.py", "email/feedparser.py",
    "email/header.py", "email/iterators.py", "email/parser.py", "email/quoprimime.py", "email/utils.py",
    "tomllib/__init__.py", "tomllib/_parser.py", "tomllib/_re.py", "tomllib/_types.py",
    "urllib/__init__.py", "urllib/parse.py",
)

# The benchmark's standard-library corpus: the test's modules and bigger or more dynamic ones.
STDLIB_BENCH: tuple[str, ...] = STDLIB_TEST + (
    "ipaddress.py", "datetime.py", "enum.py", "dataclasses.py", "functools.py", "contextlib.py", "pprint.py",
    "random.py", "tokenize.py", "configparser.py", "csv.py", "gettext.py", "plistlib.py", "locale.py",
    "operator.py", "abc.py", "uu.py", "netrc.py", "html/entities.py",
    "email/_header_value_parser.py", "email/contentmanager.py", "email/generator.py", "email/headerregistry.py",
    "email/message.py", "email/policy.py",
    "email/mime/__init__.py", "email/mime/application.py", "email/mime/audio.py", "email/mime/base.py",
    "email/mime/image.py", "email/mime/message.py", "email/mime/multipart.py", "email/mime/nonmultipart.py",
    "email/mime/text.py",
)

# Pure-Python packages from PyPI (wheels), pinned so the figures are comparable between runs.
PYPI: tuple[str, ...] = (
    "six==1.17.0", "idna==3.20", "attrs==26.1.0", "more-itertools==11.2.1", "toolz==1.2.0",
    "python-dateutil==4.0.0", "packaging==25.0", "pygments==2.19.2",
)

# Packages whose wheel carries no tests: their sdist's `tests/` is added to the corpus (beside the
# package, as in the repository) so that the tracer's observed calls have the project's own suite.
SDIST_TESTS: tuple[str, ...] = (
    "pygments==2.19.2", "python-dateutil==4.0.0", "more-itertools==11.2.1", "attrs==26.1.0",
)


def stdlib_dir() -> Path:
    """The running Python's pure-Python library directory."""
    return Path(sysconfig.get_paths()["stdlib"])


def copy_stdlib(dest: Path, names: tuple[str, ...] = STDLIB_TEST) -> tuple[list[str], list[str]]:
    """Copy `names` (paths below the library directory) into `dest`: (copied, missing)."""
    lib = stdlib_dir()
    copied, missing = [], []
    for rel in names:
        src = lib / rel
        if not src.is_file():
            missing.append(rel)
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
        copied.append(rel)
    return copied, missing


def module_of(rel: str) -> str:
    """`json/__init__.py` -> `json`, `email/mime/text.py` -> `email.mime.text`."""
    parts = rel[: -len(".py")].split("/")
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def download_pypi(cache: Path, specs: tuple[str, ...] = PYPI) -> list[Path]:
    """Wheels of `specs` in `cache` (downloaded once with `pip download --no-deps`)."""
    cache.mkdir(parents=True, exist_ok=True)
    have = list(cache.glob("*.whl"))
    wanted = []
    for spec in specs:
        name, version = spec.split("==")
        stem = name.replace("-", "_").lower()
        if not any(w.name.lower().startswith(f"{stem}-{version}-") for w in have):
            wanted.append(spec)
    if wanted:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "--dest", str(cache), *wanted],
            check=True, capture_output=True, text=True, timeout=600,
        )
    wheels = []
    for spec in specs:
        name, version = spec.split("==")
        stem = name.replace("-", "_").lower()
        wheels += [w for w in cache.glob("*.whl") if w.name.lower().startswith(f"{stem}-{version}-")]
    return wheels


def extract_wheel(wheel: Path, dest: Path) -> list[str]:
    """The `.py` files of a wheel (not its metadata, tests or data) into `dest`: their paths."""
    copied = []
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            rel = info.filename
            if not rel.endswith(".py") or ".dist-info/" in rel or ".data/" in rel:
                continue
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(info))
            copied.append(rel)
    return copied


@dataclass
class RunFigures:
    """What one `portalis translate` of a corpus gave (the figures the README keeps)."""

    modules: int = 0
    functions: int = 0  # the library's: without the `excluded` (script code)
    excluded: int = 0  # functions under `if __name__ == '__main__':` (PTL146), counted apart
    translated: int = 0
    verified: int = 0
    modules_failed: int = 0  # status `error`
    crashes: int = 0  # runs (or, per module, modules) that died: traceback, signal, no report
    seconds: float = 0.0
    compiles: bool | None = None
    missing: list[str] = field(default_factory=list)  # modules absent from the report
    crash_heads: list[str] = field(default_factory=list)


TRANSLATED = ("translated", "verified", "failed", "untested")


def crashed(proc: subprocess.CompletedProcess) -> str | None:
    """Why a `portalis translate` process counts as a crash (None: it did not crash)."""
    if proc.returncode not in (0, 1):
        return f"exit status {proc.returncode}: " + (proc.stderr.strip().splitlines() or [""])[-1][:300]
    if "Traceback (most recent call last)" in proc.stderr or "Fatal Python error" in proc.stderr:
        lines = [l for l in proc.stderr.splitlines() if l and not l.startswith(" ")]
        return "traceback: " + (lines[-1][:300] if lines else "?")
    return None


def figures_from_report(report: dict, expected_modules: list[str]) -> RunFigures:
    every = [f for m in report["modules"] for f in m["functions"]]
    fns = [f for f in every if f["status"] != "excluded"]
    seen = {m["module"] for m in report["modules"]}
    return RunFigures(
        modules=len(report["modules"]), functions=len(fns), excluded=len(every) - len(fns), translated=sum(f["status"] in TRANSLATED for f in fns),
        verified=sum(f["status"] == "verified" for f in fns),
        modules_failed=sum(m["status"] == "error" for m in report["modules"]),
        compiles=report["crate"]["compiles"], missing=sorted(set(expected_modules) - seen),
    )


def read_report(out: Path) -> dict | None:
    path = out / "portalis-report.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def orphan_rust_files(crate: Path) -> list[str]:
    """The `.rs` files under `src/` that rustc did not compile as part of the crate (after a
    `cargo check`): a module file the module tree does not reach (`lib.py` written over
    `src/lib.rs`, a `mod` declaration missing) is translated code silently lost. Read from
    cargo's dep-info (`target/debug/deps/*.d`), which lists every source file rustc read."""
    compiled: set[str] = set()
    for dep in (crate / "target" / "debug" / "deps").glob("*.d"):
        text = dep.read_text(encoding="utf-8", errors="replace")
        first = text.split("\n\n", 1)[0]
        _, _, files = first.partition(": ")
        # paths are space-separated, spaces inside a path escaped as "\ "
        for f in re.split(r"(?<!\\) ", files.replace("\\\n", " ")):
            f = f.strip().replace("\\ ", " ")
            if f:
                compiled.add(Path(f).as_posix() if Path(f).is_absolute() else (crate / f).as_posix())
    written = sorted(p.as_posix() for p in (crate / "src").rglob("*.rs"))
    return [Path(p).relative_to(crate).as_posix() for p in written if p not in compiled]


def download_sdist(cache: Path, spec: str) -> Path | None:
    """The sdist of `spec` in `cache` (downloaded once with `pip download --no-binary :all:`;
    pip prepares its metadata, which fetches the build backend: a minute or two the first time).
    None when it cannot be had (offline): the corpus then runs without the tests."""
    cache.mkdir(parents=True, exist_ok=True)
    name, version = spec.split("==")
    stem = name.replace("-", "_").lower()

    def found() -> Path | None:
        return next((p for p in sorted(cache.glob("*.tar.gz")) if p.name.lower().replace("-", "_") == f"{stem}_{version}.tar.gz"), None)

    if found() is None:
        try:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "--dest", str(cache), spec],
                           check=True, capture_output=True, text=True, timeout=900)
        except (subprocess.SubprocessError, OSError):
            return None
    return found()


def extract_sdist_tests(sdist: Path, dest: Path) -> int:
    """The sdist's top-level `tests/` (every file: fixtures and golden files too) into `dest/tests`;
    how many files. Members outside `tests/` or with unsafe paths are not extracted."""
    n = 0
    with tarfile.open(sdist, "r:gz") as tf:
        for member in tf.getmembers():
            parts = Path(member.name).parts
            if len(parts) < 3 or parts[1] != "tests" or not member.isfile() or ".." in parts:
                continue
            target = dest.joinpath(*parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            src = tf.extractfile(member)
            if src is not None:
                target.write_bytes(src.read())
                n += 1
    return n
