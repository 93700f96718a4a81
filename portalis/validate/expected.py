"""Expected values: run the Python originals on the cases, in a subprocess, with timeouts.

`run_python(cases, paths)` starts `worker.py` with the interpreter in the sandbox
(portalis.sandbox: a private copy of the repository, no network, a read-only file system, resource
limits; the repository's modules are imported there, never in this process), and reads its
results file as it grows. Each case is
bounded inside the worker by an interval timer; if the worker stops making progress anyway
(a function that catches every exception, a C call that ignores signals) or dies, this side
kills its whole process group, records the running case as timed out (or crashed), and starts a
new worker on the remaining cases, skipping the rest of that function's cases.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from portalis.sandbox import Sandbox, SandboxPolicy
from portalis.validate.literals import decode_value

WORKER = Path(__file__).with_name("worker.py")
IMPORT_TIMEOUT_S = 10.0  # importing a module or a test file (not the function's own time)
# Silence allowed before the worker's first record: an interpreter starting in a sandbox on a
# loaded machine (load 30 on 2 cores) took longer than the per-case limit, and every case of the
# run was reported as "the Python worker failed (stalled)".
STARTUP_TIMEOUT_S = 60.0


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
    # a function translated as a lazy iterator (an endless generator): the result compares as
    # its first `prefix` items, on both sides (None: the whole result)
    prefix: int | None = None
    # "module:Class" -> the attributes a translated plain class has (its struct's fields): its
    # instances are read and compared by these names (through properties), not by `vars()`
    fields: dict[str, list[str]] = Field(default_factory=dict)


class PyResult(BaseModel):
    """What the original did. `status`: ok | raised | timeout | recursion | memory | stdin |
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
    rust: dict | None = None  # through the extension: {"outcome": match | differs | skipped, "detail"}
    label: str = ""  # the call as written, when its arguments have no encoded form


def run_python(
    cases: list[PyCase],
    paths: list[Path],
    timeout_s: float = 2.0,
    repeat: int = 2,
    python: str | None = None,
    stall_slack_s: float = 5.0,
    sandbox: Sandbox | None = None,
    policy: SandboxPolicy | None = None,
    rust: dict[str, list[str]] | None = None,
    extension: list[Path] | None = None,
    startup_s: float = STARTUP_TIMEOUT_S,
) -> dict[int, PyResult]:
    """Run every case (each `repeat` times) in worker subprocesses; results by case id.
    A worker silent for longer than its own limits plus `stall_slack_s` is killed; before its
    first record it may be silent for `startup_s` (starting an interpreter under load), and a
    worker that stalls before its first case is started once more before its cases are given up.

    The workers run in `sandbox` (one is made from `policy` and closed here when not given;
    SandboxRefused when this machine has no isolation the policy accepts). `paths` (the
    repositories whose modules the cases import) are run from the sandbox's private copies.

    `rust` ("module:function" -> [extension module, module, function]) and `extension` (its
    compiled module files, staged into the sandbox): each case of those functions also calls
    the extension's function on the same arguments, compared in the worker (`PyResult.rust`)."""
    own = sandbox is None
    box = sandbox if sandbox is not None else Sandbox(policy, python=python)
    try:
        return _run_all(box, cases, paths, timeout_s, repeat, python or box.python, stall_slack_s, rust or {}, extension or [],
                        startup_s)
    finally:
        if own:
            box.close()


def _run_all(
    box: Sandbox, cases: list[PyCase], paths: list[Path], timeout_s: float, repeat: int, python: str, stall_slack_s: float,
    rust: dict[str, list[str]] | None = None, extension: list[Path] | None = None, startup_s: float = STARTUP_TIMEOUT_S,
) -> dict[int, PyResult]:
    private = [box.ensure_repo(Path(p)) for p in paths]
    worker = box.stage(WORKER, "portalis_worker.py")
    staged = [box.stage(f, f.name) for f in extension or []]  # beside the worker: importable there
    results: dict[int, PyResult] = {}
    remaining = list(cases)
    skip: set[str] = set()
    # the worker's own limits: import_timeout_s for importing a module or test file, timeout_s
    # per evaluation and per run; this is the backstop
    import_timeout_s = max(IMPORT_TIMEOUT_S, timeout_s)
    stall_s = (timeout_s * (repeat + 2 if rust else repeat + 1) + stall_slack_s, import_timeout_s + stall_slack_s,
               max(startup_s, import_timeout_s + stall_slack_s))
    restarted = False
    with tempfile.TemporaryDirectory(prefix="portalis-python-") as tmp:
        attempt = 0
        while remaining:
            attempt += 1
            io = box.io_dir()
            job = io / "job.json"
            out = io / "results.jsonl"
            # The plain classes' field table every case carries (behaviour.py `plain_class_fields`)
            # goes into the job once: per case it made pygments' job 410 MB, past the sandbox's
            # memory when the worker read it.
            shared = remaining[0].fields if remaining else None
            job.write_text(json.dumps({
                "paths": [str(p) for p in private], "timeout_s": timeout_s, "import_timeout_s": import_timeout_s,
                "repeat": repeat,
                "skip_functions": sorted(skip),
                "rust": rust or {}, "extension_paths": sorted({str(f.parent) for f in staged}),
                "fields": shared,
                "cases": [_private_case(box, c, shared) for c in remaining],
            }), encoding="utf-8")
            out.write_text("", encoding="utf-8")
            box.own(job, out)
            err = Path(tmp) / f"worker{attempt}.err"
            in_rust: set[int] = set()
            running, finished = _watch(box, [python, str(worker), str(job), str(out)], out, err, stall_s, results, in_rust)
            by_id = {c.id: c for c in remaining}
            if running is not None and running not in results:
                case = by_id[running]
                results[running] = PyResult(
                    id=running, status="timeout" if finished == "stalled" else "crashed",
                    message="the Python process stopped responding and was killed" if finished == "stalled"
                    else f"the Python process ended during this case ({finished})",
                )
                if running in in_rust:  # Python had finished: the extension's call never returned
                    results[running].rust = {"outcome": "differs", "detail": "the Rust call did not return (killed after "
                                             f"{stall_s[0]:.0f} s)" if finished == "stalled" else f"the process died in the Rust call ({finished})"}
                skip.add(f"{case.module}:{case.function}")
            if finished == "done":
                break
            before = len(remaining)
            remaining = [c for c in remaining if c.id not in results]
            if len(remaining) == before:  # the worker died before its first case: give up on all
                if finished == "stalled" and running is None and not restarted:
                    restarted = True  # a machine busy for a while: one more start, not a lost run
                    continue
                why = _last_line(err)
                for c in remaining:
                    results[c.id] = PyResult(id=c.id, status="crashed", message=f"the Python worker failed ({finished}){why}")
                break
    return results


def _last_line(err: Path) -> str:
    """`: <the last line the worker wrote to stderr>` (its exception), or nothing."""
    try:
        lines = [ln for ln in err.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    return f": {lines[-1][:300]}" if lines else ""


def _private_case(box: Sandbox, case: PyCase, shared_fields: object = None) -> dict:
    """The case as the worker sees it: a test file namespace is read from the private copy;
    its field table left out when it is the job's (`shared_fields`)."""
    same = shared_fields is not None and (case.fields is shared_fields or case.fields == shared_fields)
    data = case.model_dump(exclude={"fields"} if same else None)
    if case.namespace != "module":
        data["namespace"] = str(box.repo_path(case.namespace))
    return data


def _watch(
    box: Sandbox, argv: list[str], out: Path, err_path: Path, stall_s: tuple[float, float, float], results: dict[int, PyResult],
    in_rust: set[int] | None = None,
) -> tuple[int | None, str]:
    """Run one worker until it is done, dies, or stalls (silent for longer than stall_s[0],
    stall_s[1] while importing a case's module, stall_s[2] before its first record). Returns (the case running at the end, how it
    ended: done | stalled | exit status)."""
    # stderr to a file: a pipe nobody reads would block a worker that writes a lot to it
    with err_path.open("wb") as err:
        proc = box.popen(argv, stdout=subprocess.DEVNULL, stderr=err)
    running: int | None = None
    offset = 0
    last = time.monotonic()
    ended = ""
    pending = ""
    importing = False
    heard = False
    try:
        while True:
            exited = proc.poll() is not None
            with out.open(encoding="utf-8", errors="replace") as f:
                f.seek(offset)
                chunk = f.read()
                offset = f.tell()
            if chunk:
                last = time.monotonic()
                heard = True
                pending += chunk
                *lines, pending = pending.split("\n")
                for line in lines:
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError:
                        continue  # the repository's code wrote into our results file: not ours
                    status = record.get("status")
                    if status == "done":
                        ended = "done"
                    elif status == "started":
                        running, importing = record["id"], True
                    elif status == "ready":
                        importing = False
                    elif status == "rust":  # the case's extension call started (see run_python's `rust`)
                        if in_rust is not None:
                            in_rust.add(record["id"])
                    else:
                        results[record["id"]] = _result(record)
                        if running == record["id"]:
                            running = None
            if ended == "done":
                box.kill(proc, grace_s=5.0)  # it has said all it will: what it left running goes too
                return None, "done"
            if exited:
                err_lines = err_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
                return running, box.describe_exit(proc.returncode) + (f": {err_lines[-1][:200]}" if err_lines else "")
            if time.monotonic() - last > stall_s[2 if not heard else 1 if importing else 0]:
                box.kill(proc)
                return running, "stalled"
            time.sleep(0.01)
    finally:
        if proc.poll() is None:
            box.kill(proc)


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
        rust=record.get("rust"),
        label=record.get("label", ""),
    )
