"""Running cargo on a crate and reading its JSON diagnostics."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel


class Toolchain(BaseModel):
    """Where cargo and rustfmt are and how long they may take."""

    cargo: str = "cargo"
    rustfmt: str = "rustfmt"
    timeout_s: float = 600.0
    target_dir: str | None = None  # shared target dir: reruns are incremental
    offline: bool = True

    def available(self) -> bool:
        return shutil.which(self.cargo) is not None


@dataclass
class RustcMessage:
    level: str  # "error" | "warning"
    code: str | None
    message: str
    file: str | None  # crate-relative
    line: int | None
    rendered: str = ""


@dataclass
class CargoRun:
    ok: bool
    messages: list[RustcMessage] = field(default_factory=list)
    seconds: float = 0.0
    failure: str | None = None  # the toolchain itself failed (missing, timeout)
    # `compiler-artifact` records: target name -> whether cargo reused it without compiling
    # (`fresh`), and the executables it built (examples, binaries, test harnesses).
    fresh: dict[str, bool] = field(default_factory=dict)
    executables: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[RustcMessage]:
        return [m for m in self.messages if m.level == "error"]

    @property
    def warnings(self) -> list[RustcMessage]:
        return [m for m in self.messages if m.level == "warning"]


def _artifacts(stdout: str) -> tuple[dict[str, bool], dict[str, str]]:
    """(target -> fresh, target -> executable) from cargo's `compiler-artifact` records."""
    fresh: dict[str, bool] = {}
    executables: dict[str, str] = {}
    for line in stdout.splitlines():
        if '"compiler-artifact"' not in line:
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        name = (record.get("target") or {}).get("name", "")
        fresh[name] = bool(record.get("fresh"))
        if record.get("executable"):
            executables[name] = record["executable"]
    return fresh, executables


def _parse(stdout: str) -> list[RustcMessage]:
    out: list[RustcMessage] = []
    for line in stdout.splitlines():
        if not line.startswith("{"):
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if record.get("reason") != "compiler-message":
            continue
        msg = record.get("message", {})
        level = msg.get("level", "")
        if level not in ("error", "warning"):
            continue
        spans = msg.get("spans") or []
        primary = next((s for s in spans if s.get("is_primary")), spans[0] if spans else None)
        code = (msg.get("code") or {}).get("code")
        out.append(
            RustcMessage(
                level=level,
                code=code,
                message=msg.get("message", ""),
                file=primary.get("file_name") if primary else None,
                line=primary.get("line_start") if primary else None,
                rendered=msg.get("rendered") or "",
            )
        )
    return out


def run_cargo(
    crate_dir: Path, toolchain: Toolchain, command: str = "check", extra: list[str] | None = None,
    env_extra: dict[str, str] | None = None,
) -> CargoRun:
    """`cargo <command> --message-format=json` in crate_dir; never raises for compile errors.
    `env_extra` adds environment variables (`CARGO_PROFILE_DEV_DEBUG=0`...)."""
    if not toolchain.available():
        return CargoRun(ok=False, failure=f"cargo not found: {toolchain.cargo}")
    args = [toolchain.cargo, command, "--message-format=json", "--quiet"]
    if toolchain.offline:
        args.append("--offline")
    args += extra or []
    env = dict(os.environ)
    if toolchain.target_dir:
        env["CARGO_TARGET_DIR"] = toolchain.target_dir
    env.setdefault("CARGO_TERM_COLOR", "never")
    env.update(env_extra or {})
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            args, cwd=crate_dir, capture_output=True, text=True, timeout=toolchain.timeout_s, env=env
        )
    except subprocess.TimeoutExpired:
        return CargoRun(ok=False, seconds=time.perf_counter() - started, failure=f"cargo {command} timed out after {toolchain.timeout_s:.0f} s")
    messages = _parse(proc.stdout)
    failure = None
    if proc.returncode != 0 and not any(m.level == "error" for m in messages):
        failure = (proc.stderr.strip().splitlines() or [f"cargo exited with {proc.returncode}"])[-1]
    fresh, executables = _artifacts(proc.stdout)
    return CargoRun(
        ok=proc.returncode == 0, messages=messages, seconds=time.perf_counter() - started, failure=failure,
        fresh=fresh, executables=executables,
    )


_CLIPPY: dict[str, bool] = {}


def clippy_available(toolchain: Toolchain) -> bool:
    """Whether `cargo clippy` runs with this toolchain (asked once per cargo binary)."""
    if toolchain.cargo not in _CLIPPY:
        ok = False
        if toolchain.available():
            try:
                ok = subprocess.run([toolchain.cargo, "clippy", "--version"], capture_output=True, timeout=60).returncode == 0
            except (OSError, subprocess.TimeoutExpired):
                ok = False
        _CLIPPY[toolchain.cargo] = ok
    return _CLIPPY[toolchain.cargo]


def rustfmt_clean(crate_dir: Path, toolchain: Toolchain) -> bool | None:
    """True when `cargo fmt --check` finds nothing to change; None when it could not run."""
    if not toolchain.available():
        return None
    try:
        proc = subprocess.run(
            [toolchain.cargo, "fmt", "--check"], cwd=crate_dir, capture_output=True, text=True, timeout=toolchain.timeout_s
        )
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode not in (0, 1):
        return None
    return proc.returncode == 0
