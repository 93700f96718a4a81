"""Building the extension with maturin, cached by a hash of its inputs.

`build_extension` runs `maturin build --release` and unpacks the wheel's module into
`python/lib/` (a directory to put on PYTHONPATH: no environment is changed); `develop` runs
`maturin develop --release` into a given virtualenv. The inputs hashed are the translated
crate's Cargo.toml and sources, the extension's Cargo.toml, pyproject.toml and lib.rs, the
Python that will import it and maturin's version: when none changed and the output is there,
nothing is rebuilt (`BuildResult.cached`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from pydantic import BaseModel

STAMP = ".portalis-build.json"
LIB_DIR = "lib"


class BuildResult(BaseModel):
    ok: bool
    cached: bool = False
    lib_dir: str = ""  # put on PYTHONPATH to import the module
    seconds: float = 0.0
    code: str | None = None  # PTL810 maturin missing, PTL811 the build failed
    message: str = ""


def maturin() -> str | None:
    """The maturin executable: beside this Python first (a venv's), then on PATH."""
    beside = Path(sys.executable).parent / "maturin"
    return str(beside) if beside.exists() else shutil.which("maturin")


def _maturin_version(exe: str) -> str:
    try:
        return subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def input_hash(ext_dir: Path, python: str, exe: str) -> str:
    """The hash of what the build reads (see the module docstring)."""
    crate = ext_dir.parent
    h = hashlib.sha256()
    files = [crate / "Cargo.toml", *sorted((crate / "src").rglob("*.rs")),
             ext_dir / "Cargo.toml", ext_dir / "pyproject.toml", *sorted((ext_dir / "src").rglob("*.rs"))]
    for f in files:
        h.update(str(f.relative_to(crate)).encode() + b"\0")
        h.update(f.read_bytes() if f.exists() else b"<missing>")
        h.update(b"\0")
    h.update(python.encode() + b"\0" + _maturin_version(exe).encode())
    return h.hexdigest()


def _env(target_dir: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if target_dir is not None:
        env["CARGO_TARGET_DIR"] = str(target_dir)
    env["CARGO_TERM_COLOR"] = "never"
    return env


def build_extension(ext_dir: Path, python: str | None = None, target_dir: Path | None = None,
                    timeout_s: float = 900, release: bool = True) -> BuildResult:
    """`maturin build --release` for `python` (default: this interpreter), the module unpacked
    into `ext_dir/lib/`. Cached: an unchanged crate is not rebuilt. `release=False`: a debug
    build (compiles faster; the tests use it)."""
    python = python or sys.executable
    exe = maturin()
    if exe is None:
        return BuildResult(ok=False, code="PTL810", message="maturin is not installed (pip install maturin)")
    digest = input_hash(ext_dir, python, exe) + ("" if release else "-debug")
    stamp = ext_dir / STAMP
    lib = ext_dir / LIB_DIR
    try:
        if json.loads(stamp.read_text(encoding="utf-8")).get("hash") == digest and (any(lib.glob("*.so")) or any(lib.glob("*.pyd"))):
            return BuildResult(ok=True, cached=True, lib_dir=str(lib))
    except (OSError, ValueError):
        pass
    wheels = ext_dir / "wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    t0 = time.perf_counter()
    cmd = [exe, "build", *(["--release"] if release else []), "--interpreter", python, "--out", str(wheels), "--manifest-path", str(ext_dir / "Cargo.toml")]
    try:
        run = subprocess.run(cmd, cwd=ext_dir, env=_env(target_dir), capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return BuildResult(ok=False, code="PTL811", message=f"maturin build ran past {timeout_s:.0f} s", seconds=time.perf_counter() - t0)
    seconds = time.perf_counter() - t0
    found = sorted(wheels.glob("*.whl")) if wheels.exists() else []
    if run.returncode != 0 or not found:
        tail = "\n".join((run.stderr or run.stdout).strip().splitlines()[-25:])
        return BuildResult(ok=False, code="PTL811", message=f"maturin build failed:\n{tail}", seconds=seconds)
    shutil.rmtree(lib, ignore_errors=True)
    lib.mkdir(parents=True)
    with zipfile.ZipFile(found[-1]) as wheel:
        for name in wheel.namelist():
            if name.endswith((".so", ".pyd")) and "/" not in name.strip("/"):
                (lib / name).write_bytes(wheel.read(name))
            elif name.endswith((".so", ".pyd")):  # maturin puts a plain module at the wheel's root; be tolerant
                (lib / Path(name).name).write_bytes(wheel.read(name))
    stamp.write_text(json.dumps({"hash": digest, "seconds": round(seconds, 2)}) + "\n", encoding="utf-8")
    return BuildResult(ok=True, lib_dir=str(lib), seconds=seconds)


def develop(ext_dir: Path, venv: Path, target_dir: Path | None = None, timeout_s: float = 900) -> BuildResult:
    """`maturin develop --release` into the virtualenv `venv` (installs the module there)."""
    exe = maturin()
    if exe is None:
        return BuildResult(ok=False, code="PTL810", message="maturin is not installed (pip install maturin)")
    if not (venv / "bin" / "python").exists():
        return BuildResult(ok=False, code="PTL812", message=f"not a virtualenv: {venv} (no bin/python)")
    env = _env(target_dir)
    env["VIRTUAL_ENV"] = str(venv.resolve())
    env["PATH"] = f"{venv.resolve() / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    t0 = time.perf_counter()
    try:
        run = subprocess.run([exe, "develop", "--release", "--manifest-path", str(ext_dir / "Cargo.toml")], cwd=ext_dir, env=env,
                             capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return BuildResult(ok=False, code="PTL811", message=f"maturin develop ran past {timeout_s:.0f} s")
    if run.returncode != 0:
        tail = "\n".join((run.stderr or run.stdout).strip().splitlines()[-25:])
        return BuildResult(ok=False, code="PTL811", message=f"maturin develop failed:\n{tail}", seconds=time.perf_counter() - t0)
    return BuildResult(ok=True, seconds=time.perf_counter() - t0)
