"""Expected values: run the Python originals on the cases, in a subprocess, with timeouts.

`run_python(cases, paths)` starts `worker.py` with the interpreter (the repository's modules are
imported there, never in this process), and reads its results file as it grows. Each case is
bounded inside the worker by an interval timer; if the worker stops making progress anyway
(a function that catches every exception, a C call that ignores signals) or dies, this side
kills its whole process group, records the running case as timed out (or crashed), and starts a
new worker on the remaining cases, skipping the rest of that function's cases.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from portalis.validate.literals import decode_value

WORKER = Path(__file__).with_name("worker.py")


class PyCase(BaseModel):
    """A call to run in Python: arguments as source expressions (evaluated in the module's or a
    test file's namespace after `setup`) or as encoded values (`literals.encode_value`)."""

    id: int
    module: str
    function: str
    origin: str = ""  # doctest | test | hypothesis
    label: str = ""
    namespace: str = "module"  # "module" or the path of a test file
    setup: list[str] = Field(default_factory=list)
    args_src: list[str] | None = None
    kwargs_src: dict[str, str] = Field(default_factory=dict)
    args: list[Any] | None = None  # encoded values
    mutated: list[int] = Field(default_factory=list)  # parameters whose value after the call counts


class PyResult(BaseModel):
    """What the original did. `status`: ok | raised | timeout | recursion | stdin |
    nondeterministic | unusable | unrepresentable | skipped | crashed."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: int
    status: str
    message: str = ""
    args: list[Any] | None = None  # the positional arguments (defaults applied), decoded
    value: Any = None  # canonical return value
    changed: list[Any] = Field(default_factory=list)
    raised: str | None = None
    stdout: str = ""
    seconds: float = 0.0


def run_python(
    cases: list[PyCase],
    paths: list[Path],
    timeout_s: float = 2.0,
    repeat: int = 2,
    python: str | None = None,
    stall_slack_s: float = 5.0,
) -> dict[int, PyResult]:
    """Run every case (each `repeat` times) in worker subprocesses; results by case id.
    A worker silent for longer than its own limits plus `stall_slack_s` is killed."""
    results: dict[int, PyResult] = {}
    remaining = list(cases)
    skip: set[str] = set()
    # the worker's own limit is timeout_s per evaluation and per run; this is the backstop
    stall_s = timeout_s * (repeat + 1) + stall_slack_s
    with tempfile.TemporaryDirectory(prefix="portalis-python-") as tmp:
        attempt = 0
        while remaining:
            attempt += 1
            job = Path(tmp) / f"job{attempt}.json"
            out = Path(tmp) / f"results{attempt}.jsonl"
            job.write_text(json.dumps({
                "paths": [str(p) for p in paths], "timeout_s": timeout_s, "repeat": repeat,
                "skip_functions": sorted(skip), "cases": [c.model_dump() for c in remaining],
            }), encoding="utf-8")
            out.write_text("", encoding="utf-8")
            running, finished = _watch(python or sys.executable, job, out, stall_s, results)
            by_id = {c.id: c for c in remaining}
            if running is not None and running not in results:
                case = by_id[running]
                results[running] = PyResult(
                    id=running, status="timeout" if finished == "stalled" else "crashed",
                    message="the Python process stopped responding and was killed" if finished == "stalled"
                    else f"the Python process ended during this case ({finished})",
                )
                skip.add(f"{case.module}:{case.function}")
            if finished == "done":
                break
            before = len(remaining)
            remaining = [c for c in remaining if c.id not in results]
            if len(remaining) == before:  # the worker died before its first case: give up on all
                for c in remaining:
                    results[c.id] = PyResult(id=c.id, status="crashed", message=f"the Python worker failed ({finished})")
                break
    return results


def _watch(python: str, job: Path, out: Path, stall_s: float, results: dict[int, PyResult]) -> tuple[int | None, str]:
    """Run one worker until it is done, dies, or stalls. Returns (the case running at the end,
    how it ended: done | stalled | exit status)."""
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8"}
    # stderr to a file: a pipe nobody reads would block a worker that writes a lot to it
    with out.with_suffix(".err").open("wb") as err:
        proc = subprocess.Popen(
            [python, str(WORKER), str(job), str(out)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
            env=env, start_new_session=True,  # its own process group: killing it kills what it started
        )
    running: int | None = None
    offset = 0
    last = time.monotonic()
    ended = ""
    pending = ""
    try:
        while True:
            exited = proc.poll() is not None
            with out.open(encoding="utf-8") as f:
                f.seek(offset)
                chunk = f.read()
                offset = f.tell()
            if chunk:
                last = time.monotonic()
                pending += chunk
                *lines, pending = pending.split("\n")
                for line in lines:
                    if not line.strip():
                        continue
                    record = json.loads(line)
                    status = record.get("status")
                    if status == "done":
                        ended = "done"
                    elif status == "started":
                        running = record["id"]
                    else:
                        results[record["id"]] = _result(record)
                        if running == record["id"]:
                            running = None
            if ended == "done":
                proc.wait()
                return None, "done"
            if exited:
                err_lines = out.with_suffix(".err").read_text(encoding="utf-8", errors="replace").strip().splitlines()
                return running, f"exit status {proc.returncode}" + (f": {err_lines[-1][:200]}" if err_lines else "")
            if time.monotonic() - last > stall_s:
                _kill(proc)
                return running, "stalled"
            time.sleep(0.01)
    finally:
        if proc.poll() is None:
            _kill(proc)


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.wait()


def _result(record: dict) -> PyResult:
    return PyResult(
        id=record["id"],
        status=record["status"],
        message=record.get("message", ""),
        args=[decode_value(a) for a in record["args"]] if record.get("args") is not None else None,
        value=decode_value(record.get("value")),
        changed=[decode_value(c) for c in record.get("changed") or []],
        raised=record.get("raised"),
        stdout=record.get("stdout", ""),
        seconds=record.get("seconds", 0.0),
    )
