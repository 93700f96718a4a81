"""Behaviour validation: does each translated function do what the Python original does?

`verify_crate(...)` gathers cases for every translated function (doctests, the repository's
tests, generated from the annotations: cases.py), runs the originals on them in a subprocess
(expected.py), builds and runs the cases against the crate with one cargo invocation
(harness.py), and gives each function a verdict. The originals and the case binary run in one
sandbox (portalis.sandbox) holding a private copy of the repository; its level goes into the
report (`BehaviourReport.sandbox`), and where no acceptable sandbox exists nothing of the
repository runs and every function is untested with the reason (`BehaviourReport.refused`).

- verified: every case ran in Rust and matched, and there was at least one;
- failed: a case differed (`detail` is the first differing case, doctest and test cases first);
- untested: no case could be run, `detail` says why (no typed signature, no usable case,
  non-deterministic, reads stdin, every case timed out or hit the recursion limit in Python, the
  Rust test could not be written or compiled);
- functions that are not translated (untranslated, compile_error) keep their status.

`apply_verdicts(validations, report)` writes the verdicts into the ModuleValidation rows.

The originals run in one Python worker for all modules (a worker per module cost a process start
and the imports again for every module). With a `CaseCache` (the Dagster stage gives it the
DuckDB store: `StoreCaseCache`), what the Python side found for a function (its cases with the
originals' results, its notes, why it cannot be tested) is kept under the function's key
(`case_keys`: its module's source and every module it imports, transitively; its signature; the
case settings; the repository's test files): an unchanged function's cases are neither generated
nor run in Python again, only in Rust.
"""

from __future__ import annotations

import ast
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, Field

from portalis.model import FunctionSignature, FunctionStatus, ModuleTypeMap, ModuleValidation, ParsedModule
from portalis.progress import NO_PROGRESS, ProgressSink
from portalis.sandbox import Sandbox, SandboxPolicy, SandboxRefused
from portalis.validate.cargo import Toolchain
from portalis.validate.cases import doctest_cases, find_test_files, generated_cases, repo_test_cases
from portalis.validate.expected import PyCase, PyResult, run_python
from portalis.validate.harness import LAZY_PREFIX, PROGRAM_NAME, Case, CaseOutcome, run_cases
from portalis.validate.literals import decode_value, encode_value
from portalis.validate.methods import case_signature, plain_class_fields

# Modules whose use makes a function's result depend on something other than its arguments.
NONDETERMINISTIC = {"random": "randomness", "secrets": "randomness", "uuid": "randomness",
                    "time": "the clock", "datetime": "the clock"}
# What of `datetime` reads the clock (or the local time zone); the rest computes from its arguments.
DATETIME_CLOCK = frozenset({"now", "today", "utcnow", "fromtimestamp", "utcfromtimestamp", "astimezone", "timestamp"})
I64 = (-(2**63), 2**63 - 1)
ORIGIN_ORDER = {"doctest": 0, "test": 1, "hypothesis": 2}


class VerifyConfig(BaseModel):
    """How hard to try. Defaults keep a repository of a few hundred functions under a minute."""

    generated_per_function: int = Field(default=20, description="hypothesis cases per function (0: none)")
    max_cases_per_function: int = Field(default=60, description="cases run in Rust per function, at most")
    python_timeout_s: float = Field(default=2.0, description="one call of a Python original")
    rust_timeout_s: float = Field(default=5.0, description="one case in Rust")
    repeat: int = Field(default=2, description="runs of each Python call; results that differ: non-deterministic")
    seed: int = Field(default=0, description="seed of the generated cases")
    doctests: bool = True
    repo_tests: bool = True
    sandbox: SandboxPolicy = Field(default_factory=SandboxPolicy, description="how repository code is run")
    per_module_workers: bool = Field(
        default=False, description="one Python worker per module (each module's Python time measured on its own; "
        "slower: a process start and the imports per module)",
    )


class FunctionVerdict(BaseModel):
    module: str
    function: str
    status: FunctionStatus
    cases_passed: int = 0
    cases_total: int = 0
    detail: str | None = None  # failed: the first differing case; untested: why
    origins: dict[str, int] = Field(default_factory=dict)  # cases run in Rust, by source
    notes: list[str] = Field(default_factory=list)  # cases left out, and why


class VerifyTimings(BaseModel):
    cases_s: float = 0.0  # finding and generating cases
    python_s: float = 0.0  # running the originals
    build_s: float = 0.0  # cargo build of the case program
    run_s: float = 0.0  # running it
    total_s: float = 0.0
    builds: int = 0
    reused: bool = False  # cargo compiled nothing: the target dir had it all
    module_s: dict[str, float] = Field(default_factory=dict)  # Python run + Rust cases, per module
    module_cases: dict[str, int] = Field(default_factory=dict)


class BehaviourReport(BaseModel):
    verdicts: list[FunctionVerdict] = Field(default_factory=list)
    timings: VerifyTimings = Field(default_factory=VerifyTimings)
    failure: str | None = None  # the case program could not be built or run at all
    sandbox: str = ""  # the level repository code ran at (bwrap | unshare | rlimits | none); "" when nothing ran
    refused: str | None = None  # why no repository code ran (no acceptable sandbox): one line

    def for_module(self, module: str) -> dict[str, FunctionVerdict]:
        return {v.function: v for v in self.verdicts if v.module == module}

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for v in self.verdicts:
            out[v.status.value] = out.get(v.status.value, 0) + 1
        return out


CASES_VERSION = "cases-12"  # 4: an empty instance of a translated list/dict/tuple/set subclass crosses as its class; 5: *args spread and **kwargs as keywords in the Python call; 6: aware datetimes (datetime.timezone) and timezones cross, datetimes are drawn aware too; 7: a list/dict subclass's items cross as its `__list__`/`__mapping__` field; 8: decimal.Decimal values cross (as their str) and are drawn; 9: class members of unions drawn (Box::new(struct)), plain instances written from their attributes, base fields a class's own __init__ never sets neither drawn nor compared; 10: values of path classes (pygments' token types) cross as {"path": ...} and are drawn from the module's constants; 11: a function whose first statement is random.seed(x) is tested (its draws are the seed's); 12: class objects (`type[A | B]`) drawn from their classes and crossed as {"classobj": "m:C"}; bump when what is cached per function (or how cases are made) changes


class CaseCache(Protocol):
    """Where the Python side of a function's verification is kept, by the function's key."""

    def get(self, keys: list[str]) -> dict[str, dict]: ...

    def put(self, entries: dict[str, tuple[str, str, dict]]) -> None: ...  # key -> (module, function, payload)


class StoreCaseCache:
    """A CaseCache in the DuckDB store's `case_cache` table (portalis/store.py)."""

    def __init__(self, store: Any) -> None:  # noqa: ANN401 - portalis.store.Store (imported lazily: no cycle)
        self.store = store

    def get(self, keys: list[str]) -> dict[str, dict]:
        return self.store.case_cache_rows(keys)

    def put(self, entries: dict[str, tuple[str, str, dict]]) -> None:
        self.store.put_case_cache(entries)


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def case_keys(
    source_root: Path,
    parsed: dict[str, ParsedModule],
    targets: dict[str, dict[str, FunctionSignature]],
    type_maps: dict[str, ModuleTypeMap],
    config: VerifyConfig,
) -> dict[tuple[str, str], str]:
    """(module, function) -> the key its cases and the originals' results are cached under: equal
    keys, equal Python side. It covers the source of the module and of every module it imports,
    transitively, with their packages (the code a call can reach); the signature (cases are made
    from it); the case settings; the repository's test files (cases come from them); the fields
    of plain classes (how results are read) and the Python version."""
    from portalis.interface import interface_deps

    tests = []
    if config.repo_tests:
        for f in find_test_files(source_root):
            try:
                tests.append((str(f.relative_to(source_root)), hashlib.sha256(f.read_bytes()).hexdigest()))
            except OSError:
                tests.append((str(f), "unreadable"))
    settings = config.model_dump(include={"generated_per_function", "max_cases_per_function", "python_timeout_s", "repeat",
                                          "seed", "doctests", "repo_tests"})
    common = _digest(CASES_VERSION, settings, tests, plain_class_fields(type_maps), sys.version_info[:2])
    closures: dict[str, str] = {}

    def closure(module: str) -> str:
        if module not in closures:
            seen: set[str] = set()
            todo = [module]
            while todo:
                m = todo.pop()
                parts = m.split(".")
                for name in [".".join(parts[:i]) for i in range(1, len(parts) + 1)]:  # packages run on import
                    if name not in seen:
                        seen.add(name)
                        if name in parsed:
                            todo.extend(interface_deps(parsed[name]))
            closures[module] = _digest(sorted((m, parsed[m].source_sha256) for m in seen if m in parsed))
        return closures[module]

    return {(m, name): _digest(common, m, name, closure(m), sig.model_dump(mode="json"))
            for m, fns in targets.items() for name, sig in fns.items()}


def _case_payload(cases: list[Case], notes: list[str], blocker: str | None, no_generated: str | None) -> dict | None:
    """What the Python side found for one function, as JSON (None: a value has no encoded form)."""
    try:
        return {"cases": [{**c.model_dump(exclude={"args", "expected", "changed"}), "args": [encode_value(a) for a in c.args],
                           "expected": encode_value(c.expected), "changed": [encode_value(v) for v in c.changed]}
                          for c in cases],
                "notes": notes, "blocker": blocker, "no_generated": no_generated}
    except (TypeError, ValueError):
        return None


def _cases_from(payload: dict) -> list[Case]:
    return [Case(**{**c, "args": [decode_value(a) for a in c["args"]], "expected": decode_value(c["expected"]),
                    "changed": [decode_value(v) for v in c["changed"]]}) for c in payload["cases"]]


def nondeterministic_uses(parsed: ParsedModule, function: str) -> list[str]:
    """What a function's body uses that depends on randomness or the clock (`random.randint`)."""
    try:
        tree = ast.parse(parsed.source)
    except SyntaxError:
        return []
    imported: dict[str, str] = {}  # local name -> nondeterministic module it comes from
    from_random: dict[str, str] = {}  # local name -> its name in the random module ("" for the module)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                top = a.name.split(".")[0]
                if top in NONDETERMINISTIC:
                    imported[a.asname or top] = top
                if a.name == "random":
                    from_random[a.asname or "random"] = ""
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in NONDETERMINISTIC:
            for a in node.names:
                imported[a.asname or a.name] = node.module.split(".")[0]
                if node.module == "random":
                    from_random[a.asname or a.name] = a.name
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            for a in node.names:
                if a.name in ("urandom", "getrandom"):
                    imported[a.asname or a.name] = "random"
    body, name = tree.body, function
    if "." in function:  # a method `C.m`: looked up in its class's body
        cls_name, _, name = function.partition(".")
        cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls_name), None)
        body = cls.body if cls is not None else []
    fn = next((n for n in body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name), None)
    if fn is None:
        return []
    uses: list[str] = []
    qualified: set[int] = set()  # the `random` of `random.randint`: reported as the attribute
    for node in ast.walk(fn):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id in imported:
                qualified.add(id(node.value))
                if imported[node.value.id] != "datetime":
                    uses.append(f"{node.value.id}.{node.attr}")
            elif node.value.id == "os" and node.attr in ("urandom", "getrandom"):
                uses.append(f"os.{node.attr}")
        if isinstance(node, ast.Attribute) and node.attr in DATETIME_CLOCK:
            # `datetime` builds dates from its arguments (`datetime.date(y, m, d)`, `timedelta`);
            # only DATETIME_CLOCK reads the clock or the local time zone (`datetime.date.today()`,
            # `date.today()`, `dt.timestamp()` on a name imported from datetime)
            chain, base = [node.attr], node.value
            while isinstance(base, ast.Attribute):
                chain.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and imported.get(base.id) == "datetime":
                uses.append(".".join([base.id, *reversed(chain)]))
    for node in ast.walk(fn):
        if (isinstance(node, ast.Name) and node.id in imported and isinstance(node.ctx, ast.Load) and id(node) not in qualified
                and imported[node.id] != "datetime"):
            uses.append(node.id)
    if _seeded_first(fn, from_random):
        # `random.seed(n)` before anything else: every draw after it is the seed's, in Python
        # and in the Rust (pyrt::PyRandom is CPython's generator), so the cases are comparable
        uses = [u for u in uses if u.split(".")[0] not in from_random]
    return sorted(set(uses))


def _seeded_first(fn: ast.FunctionDef | ast.AsyncFunctionDef, from_random: dict[str, str]) -> bool:
    """Whether the function's first statement (after its docstring) is `random.seed(x)` (or a
    `seed` imported from random) with one argument."""
    body = fn.body[1:] if fn.body and isinstance(fn.body[0], ast.Expr) and isinstance(fn.body[0].value, ast.Constant) \
        and isinstance(fn.body[0].value.value, str) else fn.body
    if not body or not isinstance(body[0], ast.Expr) or not isinstance(body[0].value, ast.Call):
        return False
    call = body[0].value
    if len(call.args) != 1 or call.keywords:
        return False
    f = call.func
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
        return f.attr == "seed" and from_random.get(f.value.id) == ""
    return isinstance(f, ast.Name) and from_random.get(f.id) == "seed"


def _on_bigint(sig) -> bool:
    """A function lowered on num_bigint::BigInt (only ints in its signature): any int is compared."""
    return sig.returns.kind == "bigint" or any(p.py_type.kind == "bigint" for p in sig.params)


def _int_out_of_range(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not (I64[0] <= value <= I64[1])
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_int_out_of_range(v) for v in value)
    if isinstance(value, dict):
        return any(_int_out_of_range(k) or _int_out_of_range(v) for k, v in value.items())
    fields = getattr(value, "fields", None)
    if isinstance(fields, tuple):
        return any(_int_out_of_range(v) for _, v in fields)
    return False


def gather_cases(
    source_root: Path,
    parsed: dict[str, ParsedModule],
    targets: dict[str, dict[str, FunctionSignature]],
    type_maps: dict[str, ModuleTypeMap],
    config: VerifyConfig,
) -> tuple[list[PyCase], dict[tuple[str, str], str]]:
    """All cases for the target functions (module -> {name: signature}), numbered, doctests
    first; plus why generated cases are missing for a function."""
    cases: list[PyCase] = []
    no_generated: dict[tuple[str, str], str] = {}
    names = {m: set(fns) for m, fns in targets.items()}
    if config.doctests:
        for m in targets:
            if m in parsed:
                cases += doctest_cases(parsed[m], names[m])
    if config.repo_tests:
        for test_file in find_test_files(source_root):
            cases += repo_test_cases(test_file, names)
    for m, fns in targets.items():
        for name, sig in fns.items():
            made = generated_cases(m, sig, type_maps, config.generated_per_function, config.seed)
            if isinstance(made, str):
                no_generated[(m, name)] = made
            else:
                cases += made
    for i, c in enumerate(cases):
        c.id = i
    return cases, no_generated


def verify_crate(
    crate_dir: Path,
    source_root: Path,
    parsed: dict[str, ParsedModule],
    type_maps: dict[str, ModuleTypeMap],
    validations: dict[str, ModuleValidation],
    toolchain: Toolchain,
    config: VerifyConfig | None = None,
    modules: list[str] | None = None,
    program: str = PROGRAM_NAME,
    progress: ProgressSink | None = None,
    cache: CaseCache | None = None,
) -> BehaviourReport:
    """Verify the translated functions of `modules` (default: all validated modules) against the
    crate in crate_dir (it must compile: quarantine already applied). The crate's other modules
    may be called by these functions, so the crate holds all of them. With `cache`, functions
    whose key is there skip case generation and the Python run (see `case_keys`)."""
    config = config or VerifyConfig()
    started = time.perf_counter()
    report = BehaviourReport()
    timings = report.timings
    verdicts: dict[tuple[str, str], FunctionVerdict] = {}
    targets: dict[str, dict[str, FunctionSignature]] = {}
    for m in modules if modules is not None else sorted(validations):
        v = validations.get(m)
        if v is None:
            continue
        tm = type_maps.get(m)
        for f in v.functions:
            if f.status is not FunctionStatus.TRANSLATED:
                continue
            key = (m, f.name)
            sig = case_signature(tm, f.name)
            if sig is None or not sig.typed:
                verdicts[key] = FunctionVerdict(module=m, function=f.name, status=FunctionStatus.UNTESTED,
                                                detail="no typed signature to build cases from")
                continue
            uses = nondeterministic_uses(parsed[m], f.name) if m in parsed else []
            if uses:
                kinds = sorted({NONDETERMINISTIC.get(u.split(".")[0], "randomness") for u in uses if u} or {"randomness"})
                verdicts[key] = FunctionVerdict(
                    module=m, function=f.name, status=FunctionStatus.UNTESTED,
                    detail=f"non-deterministic: uses {' and '.join(kinds)} ({', '.join(uses)})",
                )
                continue
            targets.setdefault(m, {})[f.name] = sig

    try:
        box = Sandbox(config.sandbox, repos=[source_root]) if targets else None
    except SandboxRefused as exc:
        report.refused = str(exc)
        for m, fns in targets.items():
            for name in fns:
                verdicts[(m, name)] = FunctionVerdict(module=m, function=name, status=FunctionStatus.UNTESTED, detail=str(exc))
        report.verdicts = sorted(verdicts.values(), key=lambda v: (v.module, v.function))
        timings.total_s = time.perf_counter() - started
        return report
    try:
        report.sandbox = box.level if box else ""
        _run_cases(box, crate_dir, source_root, parsed, targets, type_maps, toolchain, config, program, report, verdicts,
                   progress or NO_PROGRESS, cache)
    finally:
        if box is not None:
            box.close()
    report.verdicts = sorted(verdicts.values(), key=lambda v: (v.module, v.function))
    timings.total_s = time.perf_counter() - started
    return report


def _run_cases(
    box: Sandbox | None,
    crate_dir: Path,
    source_root: Path,
    parsed: dict[str, ParsedModule],
    targets: dict[str, dict[str, FunctionSignature]],
    type_maps: dict[str, ModuleTypeMap],
    toolchain: Toolchain,
    config: VerifyConfig,
    program: str,
    report: BehaviourReport,
    verdicts: dict[tuple[str, str], FunctionVerdict],
    progress: ProgressSink = NO_PROGRESS,
    cache: CaseCache | None = None,
) -> None:
    """Cases in Python, then in Rust, both in `box`; verdicts for every target."""
    timings = report.timings
    t0 = time.perf_counter()
    progress.stage("verify: gathering cases")
    keys = case_keys(source_root, parsed, targets, type_maps, config) if cache is not None else {}
    cached = cache.get(sorted(set(keys.values()))) if cache is not None and keys else {}
    fresh = {m: {n: sig for n, sig in fns.items() if keys.get((m, n)) not in cached} for m, fns in targets.items()}
    fresh = {m: fns for m, fns in fresh.items() if fns}
    py_cases, no_generated = gather_cases(source_root, parsed, fresh, type_maps, config) if fresh else ([], {})
    timings.cases_s = time.perf_counter() - t0
    fields = plain_class_fields(type_maps)
    for c in py_cases:
        sig = targets[c.module][c.function]
        # (a `**kwargs` dict is the callee's own in Python: changing it changes no argument)
        c.mutated = [i for i, p in enumerate(sig.params) if p.mutated and not p.keywords]
        c.prefix = LAZY_PREFIX if sig.returns.kind == "iter" else None
        c.fields = fields

    # Python: one worker for every module (a module's time: its cases' own seconds), or one per module.
    results: dict[int, PyResult] = {}
    t0 = time.perf_counter()
    progress.stage("verify: running the Python", total=len(fresh))
    if config.per_module_workers:
        for m in fresh:
            mine = [c for c in py_cases if c.module == m]
            t1 = time.perf_counter()
            if mine:
                assert box is not None
                results.update(run_python(mine, [source_root], config.python_timeout_s, config.repeat, sandbox=box))
            timings.module_s[m] = time.perf_counter() - t1
            progress.advance()
    elif py_cases:
        assert box is not None
        results = run_python(py_cases, [source_root], config.python_timeout_s, config.repeat, sandbox=box)
        for c in py_cases:
            r = results.get(c.id)
            timings.module_s[c.module] = timings.module_s.get(c.module, 0.0) + (r.seconds * config.repeat if r else 0.0)
        progress.advance(len(fresh))
    timings.python_s = time.perf_counter() - t0

    # What Python did decides which cases go to Rust.
    notes: dict[tuple[str, str], list[str]] = {}
    blockers: dict[tuple[str, str], str] = {}
    rust_cases: list[Case] = []
    seen: set[tuple[str, str, str]] = set()
    per_function: dict[tuple[str, str], int] = {}
    unsettled: set[tuple[str, str]] = set()  # a case timed out, crashed or never ran: not cached (load may differ)
    for c in sorted(py_cases, key=lambda c: (ORIGIN_ORDER.get(c.origin, 9), c.id)):
        key = (c.module, c.function)
        r = results.get(c.id)
        label = c.label or _label(c.function, r.args if r else None)
        if r is None or r.status in ("timeout", "memory", "skipped", "crashed"):
            unsettled.add(key)
        if r is None:
            continue
        if r.status == "nondeterministic":
            blockers.setdefault(key, f"non-deterministic: two runs of {label} gave different results")
            continue
        if r.status == "stdin":
            blockers.setdefault(key, f"reads standard input ({label})")
            continue
        if r.status not in ("ok", "raised"):
            why = {
                "timeout": f"timed out in Python after {config.python_timeout_s:g} s",
                "recursion": "hit Python's recursion limit",
                "memory": f"ran out of memory (the sandbox allows {config.sandbox.limits.memory_mb} MiB)",
                "skipped": "skipped after an earlier case timed out",
                "unusable": "arguments could not be evaluated",
                "unrepresentable": "a value with no Rust counterpart",
                "crashed": "the Python process died",
            }.get(r.status, r.status)
            if r.status != "unusable" or c.origin != "test":  # tests use fixtures and locals a lot
                notes.setdefault(key, []).append(f"{label}: {why}{': ' + r.message if r.message and r.status in ('unusable', 'unrepresentable', 'crashed') else ''}")
            continue
        assert r.args is not None
        on_big = _on_bigint(targets[c.module][c.function])
        if not on_big and (_int_out_of_range(r.args) or _int_out_of_range(r.value) or _int_out_of_range(r.changed)):
            notes.setdefault(key, []).append(f"{label}: an int outside i64")
            continue
        dedupe = (c.module, c.function, json.dumps([encode_value(a) for a in r.args], sort_keys=True, default=str))
        if dedupe in seen:
            continue
        if per_function.get(key, 0) >= config.max_cases_per_function:
            continue
        seen.add(dedupe)
        per_function[key] = per_function.get(key, 0) + 1
        rust_cases.append(Case(
            module=c.module, function=c.function, args=r.args,
            expected=r.value if r.status == "ok" else None, changed=r.changed,
            raised=r.raised if r.status == "raised" else None, stdout=r.stdout,
            label=label, origin=c.origin,
        ))

    if cache is not None:
        mine: dict[tuple[str, str], list[Case]] = {}
        for case in rust_cases:
            mine.setdefault((case.module, case.function), []).append(case)
        entries = {}
        for m, fns in fresh.items():
            for name in fns:
                key = (m, name)
                payload = None if key in unsettled else _case_payload(mine.get(key, []), notes.get(key, []), blockers.get(key),
                                                                      no_generated.get(key))
                if payload is not None:
                    entries[keys[key]] = (m, name, payload)
        if entries:
            cache.put(entries)
        for m, fns in targets.items():  # the functions whose Python side is cached
            for name in fns:
                key = (m, name)
                payload = cached.get(keys[key]) if m not in fresh or name not in fresh[m] else None
                if payload is None:
                    continue
                rust_cases += _cases_from(payload)
                if payload.get("notes"):
                    notes[key] = list(payload["notes"])
                if payload.get("blocker"):
                    blockers[key] = payload["blocker"]
                if payload.get("no_generated"):
                    no_generated[key] = payload["no_generated"]

    outcomes: list[CaseOutcome] = []
    if rust_cases:
        progress.stage(f"verify: building and running the Rust ({len(rust_cases)} cases)")
        run = run_cases(crate_dir, rust_cases, type_maps, toolchain, name=program, case_timeout_s=config.rust_timeout_s, sandbox=box)
        outcomes = run.outcomes
        timings.build_s, timings.run_s, timings.builds, timings.reused = run.build_seconds, run.run_seconds, run.builds, run.reused
        report.failure = run.failure
    by_function: dict[tuple[str, str], list[CaseOutcome]] = {}
    for o in outcomes:
        by_function.setdefault((o.case.module, o.case.function), []).append(o)
        timings.module_s[o.case.module] = timings.module_s.get(o.case.module, 0.0) + o.seconds
        if o.skipped is None:
            timings.module_cases[o.case.module] = timings.module_cases.get(o.case.module, 0) + 1

    for m, fns in targets.items():
        for name in fns:
            key = (m, name)
            verdict = FunctionVerdict(module=m, function=name, status=FunctionStatus.UNTESTED, notes=notes.get(key, [])[:10])
            ran = [o for o in by_function.get(key, []) if o.skipped is None]
            for o in ran:
                verdict.origins[o.case.origin] = verdict.origins.get(o.case.origin, 0) + 1
            if key in blockers:
                verdict.detail = blockers[key]
            elif not ran:
                skipped = [o.skipped for o in by_function.get(key, []) if o.skipped]
                if skipped:
                    verdict.detail = f"no case could run in Rust: {skipped[0]}"
                elif verdict.notes:
                    verdict.detail = f"no usable case: {verdict.notes[0]}"
                else:
                    verdict.detail = "no case: no doctest or test calls it, and " + no_generated.get(key, "nothing was generated")
            else:
                verdict.cases_total = len(ran)
                verdict.cases_passed = sum(o.ok for o in ran)
                failed = next((o for o in ran if not o.ok), None)
                if failed is None:
                    verdict.status = FunctionStatus.VERIFIED
                else:
                    verdict.status = FunctionStatus.FAILED
                    verdict.detail = f"[{failed.case.origin}] {failed.explain()}"
            verdicts[key] = verdict


def _label(function: str, args: list | None) -> str:
    if args is None:
        return f"{function}(...)"
    text = f"{function}({', '.join(repr(a) for a in args)})"
    return text if len(text) <= 160 else text[:157] + "..."


def apply_verdicts(validations: dict[str, ModuleValidation], report: BehaviourReport) -> None:
    """Write verdicts into the validations' function rows (status, cases, detail)."""
    for m, v in validations.items():
        mine = report.for_module(m)
        for f in v.functions:
            verdict = mine.get(f.name)
            if verdict is None:
                continue
            f.status = verdict.status
            f.cases_passed = verdict.cases_passed
            f.cases_total = verdict.cases_total
            f.detail = verdict.detail
            f.case_origins = dict(verdict.origins)
            f.verified_via = "literals" if verdict.status in (FunctionStatus.VERIFIED, FunctionStatus.FAILED) else None
