"""Observed calls: the repository's tests and doctests run once under a type recorder.

`observe(root, modules, config, store)` runs the test files (`find_test_files`: test_*.py,
*_test.py) and the modules' doctests in the sandbox validation uses (portalis/sandbox/), with
`trace_worker.py` recording the concrete argument and return types of every call of a function
or method of the repository's modules: the first `per_function` calls of each, `max_calls` in
all, `per_test_s` per test and `max_s` for the whole run (past it the process and everything it
started is killed; what was recorded before is kept). The result (portalis.model.Observations)
is evidence for the type map (portalis/analysis/observed.py) and is cached in the store
(`trace_cache`) under a hash of every module's and test file's source and of the settings, so
the tests run again only when code changes.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from pydantic import BaseModel, Field

from portalis.analysis.evidence import merge_param
from portalis.analysis.observed import described_type
from portalis.model import ObservedFunction, ObservedType, Observations, SourceModule
from portalis.sandbox import Sandbox, SandboxPolicy, SandboxRefused
from portalis.validate.cases import find_test_files

WORKER = Path(__file__).with_name("trace_worker.py")
# Part of the cache key: a change of what the worker records invalidates the stored observations.
TRACE_VERSION = "8"  # 3: a property setter's calls under `Class.__set_x__`, not its getter's name; 4: path classes (pygments' token types) described as ["path", module, qualname]; 5: a module an earlier import loaded is not imported again (one copy of its classes), a class met before its module's turn is described; 6: an override no call reached inherits its base method's parameter types; 7: a str-keyed dict whose values have several types is dict[str, object] (was dropped); 8: a generator's yielded values recorded (`yields`), its resumes no longer counted as calls, generator objects described by their code, an unreached override inherits its base's results (`inherited_returns`)
# The parent's margin past the worker's own time limit before it kills the process (a test
# that the worker's timer cannot interrupt: a C loop, a wait with signals blocked).
SLACK_S = 10.0


def kill_after(max_s: float) -> float:
    """When the parent kills a run whose worker was given `max_s`."""
    return max_s + min(SLACK_S, max(2.0, max_s / 4))


class TraceConfig(BaseModel):
    """How the tests run under the tracer (`portalis translate --no-trace` turns it off)."""

    enabled: bool = Field(default=True, description="run the repository's tests and doctests under the tracer")
    per_function: int = Field(default=50, ge=1, description="calls recorded per function (sampling)")
    max_calls: int = Field(default=20_000, ge=1, description="calls recorded in all; then recording stops")
    per_test_s: float = Field(default=10.0, gt=0, description="time one test or doctest may take")
    idle_s: float = Field(default=2.0, ge=0, description="a test that has run this long with nothing new recorded for "
                          "as long is stopped (what it would add is more of the same); 0: never")
    max_s: float = Field(default=120.0, gt=0, description="time the whole run may take; past it, it is killed")
    doctests: bool = Field(default=True, description="run the modules' doctests too")
    sandbox: SandboxPolicy = Field(default_factory=SandboxPolicy)

    def key_part(self) -> dict:
        return {"per_function": self.per_function, "max_calls": self.max_calls, "per_test_s": self.per_test_s,
                "idle_s": self.idle_s, "max_s": self.max_s, "doctests": self.doctests}


def trace_inputs(root: Path, modules: list[SourceModule]) -> tuple[dict[str, str], list[str]]:
    """The modules (relative path -> module name) and the test files (relative paths) a run uses."""
    files = {m.path: m.module for m in modules}
    tests = [str(p.relative_to(root)) for p in find_test_files(root) if str(p.relative_to(root)) not in files]
    return files, tests


def has_doctests(root: Path, files: dict[str, str]) -> bool:
    """Whether any module shows an interactive example (`>>> `)."""
    for rel in files:
        try:
            if ">>> " in (root / rel).read_text(encoding="utf-8", errors="replace"):
                return True
        except OSError:
            continue
    return False


def trace_key(root: Path, files: dict[str, str], tests: list[str], config: TraceConfig) -> str:
    """The source hash the observations are cached under: every module and test file (their
    contents), the settings and the worker's version."""
    h = hashlib.sha256()
    h.update(json.dumps({"version": TRACE_VERSION, "config": config.key_part()}, sort_keys=True).encode())
    h.update(hashlib.sha256(WORKER.read_bytes()).digest())
    for rel in sorted(set(files) | set(tests)):
        h.update(rel.encode() + b"\0" + files.get(rel, "").encode() + b"\0")
        try:
            h.update(hashlib.sha256((root / rel).read_bytes()).digest())
        except OSError:
            h.update(b"unreadable")
    return h.hexdigest()


def observe(root: Path, modules: list[SourceModule], config: TraceConfig | None = None, store=None) -> Observations:
    """The observed calls of a repository: from the store when its sources are unchanged, else
    from one run of its tests and doctests (stored after). Never raises for the repository's
    faults: what could not run is in `reason` and `errors`."""
    config = config or TraceConfig()
    if not config.enabled:
        return Observations(reason="tracing turned off")
    root = root.resolve()
    files, tests = trace_inputs(root, modules)
    doctests = config.doctests and has_doctests(root, files)
    if not tests and not doctests:
        return Observations(reason="no test files or doctests")
    key = trace_key(root, files, tests, config)
    if store is not None:
        cached = store.get_observations(key)
        if cached is not None:
            return cached.model_copy(update={"cached": True})
    try:
        found = run_tracer(root, files, tests, config.model_copy(update={"doctests": doctests}))
    except Exception as exc:  # noqa: BLE001 - no evidence from the tests is no reason to fail the translation
        return Observations(reason=f"the tracer failed: {type(exc).__name__}: {str(exc)[:300]}")
    found.key = key
    if store is not None and not found.reason:
        store.put_observations(found)
    return found


def run_tracer(root: Path, files: dict[str, str], tests: list[str], config: TraceConfig) -> Observations:
    """One run of the tests and doctests under the recorder, in the sandbox."""
    t0 = time.monotonic()
    try:
        box = Sandbox(config.sandbox, repos=[root])
    except SandboxRefused as exc:
        return Observations(reason=f"tests not run: {exc}")
    with box:
        worker = box.stage(WORKER, "portalis_trace_worker.py")
        io = box.io_dir()
        job, out = io / "job.json", io / "observed.json"
        private = box.repo_path(root)
        job.write_text(json.dumps({
            "root": str(private),
            "modules": {str(private / rel): name for rel, name in files.items()},
            "tests": [str(private / rel) for rel in tests],
            "doctests": config.doctests, "per_function": config.per_function, "max_calls": config.max_calls,
            "per_test_s": config.per_test_s, "idle_s": config.idle_s, "max_s": config.max_s,
        }), encoding="utf-8")
        box.own(job)
        done = box.run([box.python, str(worker), str(job), str(out)], timeout=kill_after(config.max_s))
        try:
            raw = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raw = None
        level = box.level
    seconds = time.monotonic() - t0
    if raw is None:
        why = "killed at the time limit" if done.timed_out else box.describe_exit(done.returncode)
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] if done.stderr else []
        return Observations(reason=f"the tracer recorded nothing ({why}){': ' + tail[0] if tail else ''}", sandbox=level, seconds=seconds)
    stopped = raw.get("stopped") or ""
    if done.timed_out or not raw.get("done"):
        stopped = f"killed after {kill_after(config.max_s):g} s" if done.timed_out else f"the process ended ({box.describe_exit(done.returncode)})"
    return Observations(
        modules=convert(raw.get("functions", {}), raw.get("generators") or {}), tests=int(raw.get("tests", 0)), doctests=int(raw.get("doctests", 0)),
        failed=int(raw.get("failed", 0)), calls=int(raw.get("calls", 0)), seconds=seconds, stopped=stopped,
        errors=[str(e) for e in raw.get("errors", [])][:20], sandbox=level,
    )


def convert(functions: dict, generators: dict | None = None) -> dict[str, dict[str, ObservedFunction]]:
    """The worker's records (`module:qualname` -> calls, parameter -> description -> [first
    test, calls], returns) as ObservedFunctions; descriptions with no PyType are dropped. A
    generator object (`["generator", key]`) is described by what its code was seen to yield
    (`generators`: key -> descriptions): the list the eager translation collects."""
    gens = generators or {}
    out: dict[str, dict[str, ObservedFunction]] = {}
    for key, record in functions.items():
        module, _, qualname = key.partition(":")
        if not qualname or not isinstance(record, dict):
            continue
        params = {p: _types(seen, gens) for p, seen in (record.get("params") or {}).items()}
        inherited = {p: _types(seen, gens) for p, seen in (record.get("inherited") or {}).items()}
        fn = ObservedFunction(qualname=qualname, calls=int(record.get("calls", 0)),
                              params={p: ts for p, ts in params.items() if ts}, returns=_types(record.get("returns") or {}, gens),
                              yields=_types(record.get("yields") or {}, gens),
                              inherited={p: ts for p, ts in inherited.items() if ts}, inherited_from=str(record.get("inherited_from") or ""),
                              inherited_returns=_types(record.get("inherited_returns") or {}, gens),
                              inherited_by_overrides=bool(record.get("inherited_by_overrides")))
        if not fn.calls and not fn.inherited and not fn.inherited_returns:
            continue
        out.setdefault(module, {})[qualname] = fn
    return out


def expand_generators(desc: object, generators: dict, depth: int = 0) -> object | None:
    """`desc` with each `["generator", key]` in it replaced by `["list", [what key yielded]]`;
    None where a generator's yields were not recorded (or nest too deep)."""
    if not isinstance(desc, list) or not desc:
        return desc
    if desc[0] == "generator":
        seen = generators.get(desc[1]) if len(desc) == 2 and isinstance(desc[1], str) else None
        if not seen or depth >= 3:
            return None
        items = []
        for d in seen:
            try:
                item = expand_generators(json.loads(d), generators, depth + 1)
            except ValueError:
                return None
            if item is None:
                return None
            items.append(item)
        return ["list", items]
    out: list = [desc[0]]
    for part in desc[1:]:
        if isinstance(part, list) and desc[0] in ("list", "set", "dict"):
            inner = [expand_generators(d, generators, depth) for d in part]
            if any(i is None for i in inner):
                return None
            out.append(inner)
        elif desc[0] == "tuple":
            item = expand_generators(part, generators, depth)
            if item is None:
                return None
            out.append(item)
        else:
            out.append(part)
    return out


def _types(seen: dict, generators: dict) -> list[ObservedType]:
    out: dict = {}
    for desc, (first, calls) in seen.items():
        try:
            t = described_type(expand_generators(json.loads(desc), generators), merge_param)
        except ValueError:
            continue
        if t is None:
            continue
        if t in out:
            out[t] = out[t].model_copy(update={"calls": out[t].calls + int(calls)})
        else:
            out[t] = ObservedType(type=t, calls=int(calls), first=str(first))
    return list(out.values())
