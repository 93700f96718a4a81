"""Shared fixtures and the differential (Python vs translated Rust) test harness.

`run_differential(source, calls, ...)` translates a Python module with the real pipeline, runs
every call in Python in this process, and hands the cases to the product's harness
(portalis.validate.harness): it adds an `examples/diff.rs` program to the generated crate that
calls the translated functions with the same arguments (rendered as Rust literals from the
functions' type signatures), builds it with one cargo invocation, runs it and reads every result
back, which is compared here with what the Python function returned.

Results are printed in a Python-literal canonical form (ints, floats with round-trip digits,
strings with Python escapes, lists, tuples, dicts in iteration order, dataclasses as tagged dicts)
and compared strictly: `1` is not `1.0`, `True` is not `1`, dict order matters.
"""

from __future__ import annotations

import ast
import copy
import importlib.util
import itertools
import os
import shutil
import subprocess
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typing import Any

from portalis.model import ModuleTypeMap
from portalis.names import resolve_all
from portalis.parse import parse_source, source_module_from_text
from portalis.pipeline import TranslationRun, translate_path
from portalis.analysis.class_flow import passed_classes
from portalis.typemap import build_type_map
from portalis.imported_returns import mapped_in_rounds
from portalis.validate.cargo import Toolchain
from portalis.validate.harness import CANON_RS, LAZY_PREFIX, PYDICT_CANON_RS, Case, CaseOutcome, run_cases  # noqa: F401
from portalis.validate.literals import Raised, RustLiterals, canonical, same

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

# The Dagster pipeline traces the repository's tests by default (resources/translator.py); the
# suite's many small Dagster runs leave it off (2-6 s each) unless a test turns it on by config
# (tests/test_trace.py does). Subprocesses (`portalis sync`, `demo`) inherit it.
os.environ.setdefault("PORTALIS_TRACE", "0")

HAVE_CARGO = shutil.which("cargo") is not None and shutil.which("rustfmt") is not None
needs_cargo = pytest.mark.skipif(not HAVE_CARGO, reason="cargo and rustfmt are needed")


# ---------------------------------------------------------------- parallel runs (pytest-xdist)

# `make test` runs the suite on two workers with `--dist loadgroup`. A file's tests share its
# module-scoped fixtures (a translated crate, a 250-module fuzz run), so by default a file is one
# group and runs on one worker: splitting it would build those fixtures twice. These files are
# long chains of independent Dagster syncs with no costly shared fixture; their tests are
# grouped by test function instead (the parametrized kill tests share one synced repository).
SPLIT_BY_TEST = {"test_faults.py", "test_containment.py", "test_dagster_pipeline.py", "test_sync.py"}


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the groups to schedule
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put each test in its xdist group (see SPLIT_BY_TEST); a no-op without xdist."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        name = item.path.name
        group = f"{name}::{item.originalname}" if name in SPLIT_BY_TEST else name  # type: ignore[attr-defined]
        item.add_marker(pytest.mark.xdist_group(group))


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def cargo_target_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One CARGO_TARGET_DIR for the whole session: compiles of std-only crates are reused."""
    return tmp_path_factory.mktemp("cargo-target")


@pytest.fixture(scope="session")
def toolchain(cargo_target_dir: Path) -> Toolchain:
    return Toolchain(target_dir=str(cargo_target_dir), timeout_s=300)


@pytest.fixture(scope="session")
def crate_externs(cargo_target_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """rustc arguments (`-L dependency=... --extern indexmap=...`) for compiling runtime code
    with bare rustc: every crate of the table, built once per session in the shared target dir."""
    import json

    from portalis import deps

    names = sorted(deps.crate_table())
    root = tmp_path_factory.mktemp("externs")
    (root / "src").mkdir()
    (root / "src" / "lib.rs").write_text("", encoding="utf-8")
    (root / "Cargo.toml").write_text(
        '[package]\nname = "portalis_externs"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
        + "\n".join(deps.dependency_lines(names)) + "\n\n[workspace]\n", encoding="utf-8")
    (root / "Cargo.lock").write_text(deps.lockfile("portalis_externs", names), encoding="utf-8")
    proc = subprocess.run(["cargo", "build", "--offline", "--locked", "--message-format=json", "--quiet"], cwd=root,
                          capture_output=True, text=True, timeout=300, env=cargo_env(cargo_target_dir))
    assert proc.returncode == 0, proc.stderr[-2000:]
    wanted = {deps.crate_table()[n].rust_name for n in names}
    args: list[str] = []
    for line in proc.stdout.splitlines():
        record = json.loads(line) if line.startswith("{") else {}
        if record.get("reason") == "compiler-artifact" and record["target"]["name"] in wanted:
            rlib = next(f for f in record["filenames"] if f.endswith(".rlib"))
            args += ["--extern", f"{record['target']['name']}={rlib}"]
            deps_dir = str(Path(rlib).parent)
    return ["-L", f"dependency={deps_dir}", *args]


def write_module(directory: Path, name: str, source: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    return path


def type_map_of(source: str, module: str = "sample") -> ModuleTypeMap:
    parsed = parse_source(source_module_from_text(module, source), source)
    assert parsed.ok, parsed.diagnostics
    return build_type_map(parsed)


def cargo_env(target_dir: Path | str) -> dict[str, str]:
    env = dict(os.environ)
    env["CARGO_TARGET_DIR"] = str(target_dir)
    env["CARGO_TERM_COLOR"] = "never"
    return env


# ---------------------------------------------------------------- Python side


def import_file(path: Path, name: str):
    """Import a module from a file under a unique name (dataclasses need it in sys.modules)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


# ---------------------------------------------------------------- Rust side: literals


# The Rust side lives in portalis.validate (literals: values as Rust literals; harness: the
# case program, one cargo build, results read back). These names stay for the tests.
Render = RustLiterals


@dataclass
class CaseResult:
    call: str
    expected: object
    actual: object
    rust_line: str

    @property
    def ok(self) -> bool:
        if isinstance(self.expected, Raised) or isinstance(self.actual, Raised):
            return self.expected == self.actual
        return same(self.expected, self.actual)

    def explain(self) -> str:
        return f"{self.call}: python -> {self.expected!r}, rust -> {self.actual!r} (line: {self.rust_line!r})"


@dataclass
class DiffRun:
    """The outcome of one differential build: per-call results plus the translation itself."""

    translation: TranslationRun
    crate_dir: Path
    results: dict[str, CaseResult] = field(default_factory=dict)
    harness: str = ""
    target_dir: Path | None = None
    cases: list[Case] = field(default_factory=list)
    type_maps: dict[str, ModuleTypeMap] = field(default_factory=dict)
    toolchain: Toolchain | None = None

    def rerun(self) -> dict[str, CaseResult]:
        """Run the harness again on the crate as it is now on disk (tests may alter it)."""
        assert self.toolchain is not None
        run = run_cases(self.crate_dir, self.cases, self.type_maps, self.toolchain, name=PROGRAM)
        assert run.failure is None, f"harness failed: {run.failure}\n--- harness ---\n{run.program}"
        return {key: _result(r.call, r.expected, o) for (key, r), o in zip(self.results.items(), run.outcomes)}

    def module_report(self, module: str = "sample") -> dict:
        return next(m for m in self.translation.report["modules"] if m["module"] == module)

    def check(self, call: str) -> None:
        result = self.results[call]
        assert result.ok, result.explain()


PROGRAM = "diff"  # examples/diff.rs in the generated crate


def _parse_call(call: str) -> tuple[str, list[ast.expr]]:
    node = ast.parse(call, mode="eval").body
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name), f"not a call: {call}"
    assert not node.keywords, "use positional arguments in differential calls"
    return node.func.id, list(node.args)


def _python_case(module, call: str, prefix: int | None = None) -> tuple[object, list[object], list[object]]:
    """Run one call in Python: (canonical result or Raised, the arguments as passed, the
    same argument objects after the call). `prefix`: the result is an iterator compared on
    its first items (a lazy generator's translation)."""
    name, arg_nodes = _parse_call(call)
    ns = vars(module)
    args = [eval(compile(ast.Expression(a), "<call>", "eval"), ns) for a in arg_nodes]
    passed = copy.deepcopy(args)
    try:
        value = getattr(module, name)(*args)
        if isinstance(value, types.GeneratorType):  # its translation: a Vec, or the first items of an iterator
            value = list(itertools.islice(value, prefix if prefix is not None else 100_001))
        result = canonical(value)
    except Exception as exc:  # noqa: BLE001 - any Python exception is an expected outcome
        return Raised(type(exc).__name__), passed, args
    return result, passed, args


_COUNTER = itertools.count()


def run_differential(
    source: str,
    calls: list[str],
    tmp_dir: Path,
    toolchain: Toolchain,
    module: str = "sample",
) -> DiffRun:
    """Translate `source` as module `module`, run every call in Python and in Rust, compare.

    `calls` are Python call expressions (`"gcd(48, 18)"`, `"total(Item('a', 2))"`): arguments are
    evaluated in the module's namespace, so dataclasses can be constructed. A call returns
    `(result, [arguments changed in place])` on both sides, so in-place mutation is compared too.
    All calls share one cargo build.
    """
    src = write_module(tmp_dir / "src_py", module, source)
    translation = translate_path(src, tmp_dir / "crate", toolchain, build=False)
    py_module = import_file(src, f"_portalis_diff_{next(_COUNTER)}_{module}")
    type_maps = {module: type_map_of(source, module)}
    return _differential(translation, tmp_dir / "crate", type_maps, {module: py_module}, [(module, c) for c in calls], toolchain)


def run_differential_package(
    package_dir: Path, calls: list[str], tmp_dir: Path, toolchain: Toolchain
) -> DiffRun:
    """The same for a whole package: calls name their module, `"pkg.mod:f(1, 2)"`; arguments are
    evaluated in that module's namespace. The package is imported under its own name."""
    translation = translate_path(package_dir, tmp_dir / "crate", toolchain, build=False)
    parent = str(package_dir.resolve().parent)
    modules = sorted({c.split(":", 1)[0] for c in calls})
    sys.path.insert(0, parent)
    try:
        py_modules = {m: importlib.import_module(m) for m in modules}
    finally:
        sys.path.remove(parent)
    texts = {m["module"]: ((package_dir.resolve().parent / m["path"]).read_text(encoding="utf-8"), m["path"].endswith("__init__.py"))
             for m in translation.report["modules"]}
    passed = passed_classes(texts)  # classes passed across modules, as the pipeline gathers them
    parsed_all = {module: parse_source(source_module_from_text(module, text).model_copy(update={"is_package": is_package}), text)
                  for module, (text, is_package) in texts.items()}
    # as the pipeline does: rounds with imported functions' returns, then names across modules settled
    type_maps = resolve_all(mapped_in_rounds(parsed_all, None, passed))
    pairs = [(c.split(":", 1)[0], c.split(":", 1)[1]) for c in calls]
    run = _differential(translation, tmp_dir / "crate", type_maps, py_modules, pairs, toolchain)
    run.results = {f"{m}:{c}": r for (m, c), r in zip(pairs, run.results.values())}
    return run


def _differential(
    translation: TranslationRun,
    crate_dir: Path,
    type_maps: dict[str, ModuleTypeMap],
    py_modules: dict[str, object],
    calls: list[tuple[str, str]],
    toolchain: Toolchain,
) -> DiffRun:
    assert translation.crate.compiles, f"translated crate does not compile: {translation.report}"
    cases: list[Case] = []
    expected: list[object] = []
    for module, call in calls:
        name, _ = _parse_call(call)
        sig = type_maps[module].function(name)
        assert sig is not None and sig.typed, f"{module}.{name} has no typed signature"
        result, passed, after = _python_case(py_modules[module], call, LAZY_PREFIX if sig.returns.kind == "iter" else None)
        assert len(passed) == len(sig.params), f"{call}: {len(passed)} args for {len(sig.params)} params"
        if isinstance(result, Raised):
            cases.append(Case(module=module, function=name, args=passed, raised=result.kind, label=call))
            expected.append(result)
        else:
            changed = [canonical(a) for p, a in zip(sig.params, after) if p.mutated]
            cases.append(Case(module=module, function=name, args=passed, expected=result, changed=changed, label=call))
            expected.append((result, changed))

    run = run_cases(crate_dir, cases, type_maps, toolchain, name=PROGRAM)
    assert run.failure is None, f"harness failed: {run.failure}\n--- harness ---\n{run.program}"
    target_dir = Path(toolchain.target_dir) if toolchain.target_dir else crate_dir / "target"
    diff = DiffRun(
        translation=translation, crate_dir=crate_dir, harness=run.program, target_dir=target_dir,
        cases=cases, type_maps=type_maps, toolchain=toolchain,
    )
    for (_module, call), exp, outcome in zip(calls, expected, run.outcomes):
        diff.results[call] = _result(call, exp, outcome)
    return diff


def _result(call: str, expected: object, outcome: CaseOutcome) -> CaseResult:
    actual = outcome.actual if outcome.skipped is None else Raised(f"<not run: {outcome.skipped}>")
    return CaseResult(call=call, expected=expected, actual=actual, rust_line=outcome.line)


def reverify(package_dir: Path, crate_dir: Path, report: dict, toolchain: Toolchain, config: Any, cache: Any = None) -> Any:
    """Verify `crate_dir` again (after a test edited its Rust) against the package it was
    translated from, every function of `report` starting as merely translated; returns the
    behaviour report. `cache`: a CaseCache for verify_crate."""
    from portalis.model import FunctionReport, FunctionStatus, ModuleValidation
    from portalis.parse import parse_file
    from portalis.source import SourceRoot, discover, resolve_root
    from portalis.validate.behaviour import verify_crate

    src = resolve_root(package_dir)
    parsed = {m.module: parse_file(src.root, m) for m in discover(SourceRoot(src.root, src.files))}
    type_maps = {k: build_type_map(p) for k, p in parsed.items()}
    ran = ("verified", "failed", "untested")
    validations = {
        m["module"]: ModuleValidation(module=m["module"], compiles=True, functions=[
            FunctionReport(name=f["name"], qualname=f["qualname"],
                           status=FunctionStatus.TRANSLATED if f["status"] in ran else FunctionStatus(f["status"]))
            for f in m["functions"]
        ])
        for m in report["modules"]
    }
    return verify_crate(crate_dir, src.root, parsed, type_maps, validations, toolchain, config, cache=cache)


def run_portalis(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the CLI in a subprocess (`python -m portalis.cli ...`)."""
    return subprocess.run(
        [PYTHON, "-m", "portalis.cli", *args],
        cwd=cwd or REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


@pytest.fixture
def instance(tmp_path: Path):
    """A Dagster instance (SQLite, through the storage dagster_home/dagster.yaml names) in a temp
    dir, for tests that materialize or tick sensors."""
    import dagster as dg

    from portalis_assets.storage import storage_config

    home = tmp_path / "home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home), overrides={"storage": storage_config(str(home))}) as inst:
        yield inst
