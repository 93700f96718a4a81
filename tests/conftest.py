"""Shared fixtures and the differential (Python vs translated Rust) test harness.

`run_differential(source, calls, ...)` translates a Python module with the real pipeline, adds an
`examples/diff.rs` program to the generated crate that calls the translated functions with the
same arguments (rendered as Rust literals from the functions' type signatures), runs it with
cargo and compares every printed result with what the Python function returns.

Results are printed in a Python-literal canonical form (ints, floats with round-trip digits,
strings with Python escapes, lists, tuples, dicts in iteration order, dataclasses as tagged dicts)
and compared strictly: `1` is not `1.0`, `True` is not `1`, dict order matters.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import importlib.util
import itertools
import math
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from portalis.model import FunctionSignature, ModuleTypeMap, PyType
from portalis.parse import parse_source, source_module_from_text
from portalis.pipeline import TranslationRun, translate_path
from portalis.rust.printer import float_literal, print_type, rust_string_literal
from portalis.typemap import build_type_map
from portalis.types.rust_types import owned_type, rust_ident
from portalis.validate.cargo import Toolchain

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

HAVE_CARGO = shutil.which("cargo") is not None and shutil.which("rustfmt") is not None
needs_cargo = pytest.mark.skipif(not HAVE_CARGO, reason="cargo and rustfmt are needed")


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def cargo_target_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One CARGO_TARGET_DIR for the whole session: compiles of std-only crates are reused."""
    return tmp_path_factory.mktemp("cargo-target")


@pytest.fixture(scope="session")
def toolchain(cargo_target_dir: Path) -> Toolchain:
    return Toolchain(target_dir=str(cargo_target_dir), timeout_s=300)


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


@dataclass(frozen=True)
class Raised:
    """A call that raised (Python) or panicked (Rust): compared by exception type name."""

    kind: str


def canonical(value: object) -> object:
    """A Python value in the comparable form the Rust harness prints."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, float, str)):
        return value
    if isinstance(value, list):
        return [canonical(v) for v in value]
    if isinstance(value, tuple):
        return tuple(canonical(v) for v in value)
    if isinstance(value, dict):
        return {canonical(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return {canonical(v) for v in value}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict = {"__class__": type(value).__name__}
        for f in dataclasses.fields(value):
            out[f.name] = canonical(getattr(value, f.name))
        return out
    raise TypeError(f"no canonical form for {value!r}")


def same(a: object, b: object) -> bool:
    """Strict structural equality: types must match (1 != 1.0 != True), dicts compare in order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        assert isinstance(b, float)
        if math.isnan(a) and math.isnan(b):
            return True
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple))
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        assert isinstance(b, dict)
        return len(a) == len(b) and all(
            same(ka, kb) and same(va, vb) for (ka, va), (kb, vb) in zip(a.items(), b.items())
        )
    return a == b


# ---------------------------------------------------------------- Rust side: literals


class Render:
    """Renders Python values as Rust expressions of the owned Rust type of a Python type."""

    def __init__(self, crate: str, type_maps: dict[str, ModuleTypeMap]) -> None:
        self.crate = crate
        self.type_maps = type_maps

    def rust_type(self, t: PyType) -> str:
        text = print_type(owned_type(t))
        return text.replace("crate::", f"{self.crate}::")

    def owned(self, value: object, t: PyType) -> str:
        k = t.kind
        if k == "int":
            assert isinstance(value, int) and not isinstance(value, bool), value
            return f"{value}i64"
        if k == "float":
            assert isinstance(value, (int, float)) and not isinstance(value, bool), value
            text = float_literal(float(value))
            return text if "::" in text else f"{text}_f64"
        if k == "bool":
            assert isinstance(value, bool), value
            return "true" if value else "false"
        if k == "str":
            assert isinstance(value, str), value
            return f"String::from({rust_string_literal(value)})"
        if k == "none":
            return "()"
        if k == "optional":
            return "None" if value is None else f"Some({self.owned(value, t.args[0])})"
        if k == "list":
            assert isinstance(value, list), value
            if not value:
                return f"<{self.rust_type(t)}>::new()"
            return "vec![" + ", ".join(self.owned(v, t.args[0]) for v in value) + "]"
        if k == "tuple":
            assert isinstance(value, tuple) and len(value) == len(t.args), value
            items = [self.owned(v, a) for v, a in zip(value, t.args)]
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        if k == "dict":
            assert isinstance(value, dict), value
            kt, vt = t.args
            pairs = ", ".join(f"({self.owned(a, kt)}, {self.owned(b, vt)})" for a, b in value.items())
            return f"vec![{pairs}].into_iter().collect::<{self.rust_type(t)}>()"
        if k == "set":
            items = ", ".join(self.owned(v, t.args[0]) for v in sorted(value))
            return f"vec![{items}].into_iter().collect::<{self.rust_type(t)}>()"
        if k == "class":
            tm = self.type_maps.get(t.module or "")
            cls = tm.cls(t.name or "") if tm else None
            assert cls is not None, f"class {t.module}.{t.name} is not in the translated type maps"
            fields = ", ".join(
                f"{rust_ident(f.name)}: {self.owned(getattr(value, f.name), f.py_type)}" for f in cls.fields
            )
            return f"{self.rust_type(t)} {{ {fields} }}"
        raise TypeError(f"cannot render a Rust literal for {t}")


# The printer of results: a Python literal that ast.literal_eval reads back.
CANON_RS = r"""
#![allow(unused_imports, dead_code, unused_mut, clippy::all)]
use std::fmt::Write as _;

pub trait Canon {
    fn canon(&self) -> String;
}

impl Canon for i64 {
    fn canon(&self) -> String { self.to_string() }
}

impl Canon for f64 {
    fn canon(&self) -> String {
        if self.is_nan() {
            "float('nan')".to_string()
        } else if self.is_infinite() {
            if *self > 0.0 { "1e999".to_string() } else { "-1e999".to_string() }
        } else {
            // Debug prints the shortest digits that round-trip, always with a `.` or an `e`.
            format!("{:?}", self)
        }
    }
}

impl Canon for bool {
    fn canon(&self) -> String { if *self { "True".to_string() } else { "False".to_string() } }
}

impl Canon for () {
    fn canon(&self) -> String { "None".to_string() }
}

impl Canon for str {
    fn canon(&self) -> String {
        let mut out = String::from("\"");
        for c in self.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                ' '..='~' => out.push(c),
                _ => { write!(out, "\\U{:08x}", c as u32).unwrap(); }
            }
        }
        out.push('"');
        out
    }
}

impl Canon for String {
    fn canon(&self) -> String { self.as_str().canon() }
}

impl<T: Canon + ?Sized> Canon for &T {
    fn canon(&self) -> String { (**self).canon() }
}

impl<T: Canon> Canon for Vec<T> {
    fn canon(&self) -> String {
        format!("[{}]", self.iter().map(|x| x.canon()).collect::<Vec<_>>().join(", "))
    }
}

impl<T: Canon> Canon for Option<T> {
    fn canon(&self) -> String {
        match self { Some(x) => x.canon(), None => "None".to_string() }
    }
}

impl<T: Canon> Canon for std::collections::HashSet<T> {
    fn canon(&self) -> String {
        if self.is_empty() { return "set()".to_string(); }
        let mut items: Vec<String> = self.iter().map(|x| x.canon()).collect();
        items.sort();
        format!("{{{}}}", items.join(", "))
    }
}

macro_rules! canon_tuple {
    ($($name:ident)+) => {
        impl<$($name: Canon),+> Canon for ($($name,)+) {
            #[allow(non_snake_case)]
            fn canon(&self) -> String {
                let ($($name,)+) = self;
                let parts: Vec<String> = vec![$($name.canon()),+];
                if parts.len() == 1 { format!("({},)", parts[0]) } else { format!("({})", parts.join(", ")) }
            }
        }
    };
}
canon_tuple!(A);
canon_tuple!(A B);
canon_tuple!(A B C);
canon_tuple!(A B C D);
canon_tuple!(A B C D E);

fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

fn run_case(index: usize, f: impl FnOnce() -> String) {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(text) => println!("CASE {} OK {}", index, text),
        Err(payload) => {
            let text = panic_text(payload);
            println!("CASE {} RAISE {}", index, text.replace('\n', " "));
        }
    }
}
"""

PYDICT_CANON_RS = """
impl<K: Canon + std::hash::Hash + Eq + Clone, V: Canon> Canon for {crate}::pyrt::PyDict<K, V> {
    fn canon(&self) -> String {
        format!("{{{}}}", self.items().map(|(k, v)| format!("{}: {}", k.canon(), v.canon())).collect::<Vec<_>>().join(", "))
    }
}
"""


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

    def rerun(self) -> dict[str, CaseResult]:
        """Run the harness again on the crate as it is now on disk (tests may alter it)."""
        printed = _run_harness(self.crate_dir, self.target_dir, self.harness)
        return {
            key: CaseResult(call=r.call, expected=r.expected, actual=_actual(printed.get(i, "<missing>")),
                            rust_line=printed.get(i, "<missing>"))
            for i, (key, r) in enumerate(self.results.items())
        }

    def module_report(self, module: str = "sample") -> dict:
        return next(m for m in self.translation.report["modules"] if m["module"] == module)

    def check(self, call: str) -> None:
        result = self.results[call]
        assert result.ok, result.explain()


def _parse_call(call: str) -> tuple[str, list[ast.expr]]:
    node = ast.parse(call, mode="eval").body
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name), f"not a call: {call}"
    assert not node.keywords, "use positional arguments in differential calls"
    return node.func.id, list(node.args)


def _python_case(module, call: str) -> tuple[object, list[object], list[object]]:
    """Run one call in Python: (canonical result or Raised, the arguments as passed, the
    same argument objects after the call)."""
    name, arg_nodes = _parse_call(call)
    ns = vars(module)
    args = [eval(compile(ast.Expression(a), "<call>", "eval"), ns) for a in arg_nodes]
    passed = copy.deepcopy(args)
    try:
        result = canonical(getattr(module, name)(*args))
    except Exception as exc:  # noqa: BLE001 - any Python exception is an expected outcome
        return Raised(type(exc).__name__), passed, args
    return result, passed, args


def _rust_case(index: int, call: str, sig: FunctionSignature, args: list[object], render: Render, module_path: str) -> str:
    """Rust statements for one call: bind arguments, call, print (result, mutated args after)."""
    lines = []
    passed = []
    mutated = []
    assert len(args) == len(sig.params), f"{call}: {len(args)} args for {len(sig.params)} params"
    for i, (p, value) in enumerate(zip(sig.params, args)):
        owned = render.owned(value, p.py_type)
        var = f"a{i}"
        if p.mutated:
            lines.append(f"let mut {var}: {render.rust_type(p.py_type)} = {owned};")
            passed.append(f"&mut {var}")
            mutated.append(var)
        elif p.rust_type.startswith("&"):
            lines.append(f"let {var}: {render.rust_type(p.py_type)} = {owned};")
            passed.append(f"&{var}")
        else:
            passed.append(owned)
    lines.append(f"let result = {module_path}::{rust_ident(sig.name)}({', '.join(passed)});")
    if mutated:
        after = " + \", \" + &".join(f"{v}.canon()" for v in mutated)
        lines.append(f'format!("({{}}, [{{}}])", result.canon(), {after})')
    else:
        lines.append('format!("({}, [])", result.canon())')
    body = "\n        ".join(lines)
    return f"    run_case({index}, || {{\n        {body}\n    }});"


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
    type_maps: dict[str, ModuleTypeMap] = {}
    for m in translation.report["modules"]:
        path = package_dir.resolve().parent / m["path"]
        text = path.read_text(encoding="utf-8")
        parsed = parse_source(source_module_from_text(m["module"], text).model_copy(update={"is_package": path.name == "__init__.py"}), text)
        type_maps[m["module"]] = build_type_map(parsed)
    pairs = [(c.split(":", 1)[0], c.split(":", 1)[1]) for c in calls]
    run = _differential(translation, tmp_dir / "crate", type_maps, py_modules, pairs, toolchain)
    run.results = {f"{m}:{c}": r for (m, c), r in zip(pairs, run.results.values())}
    return run


def _rust_module_path(crate: str, module: str) -> str:
    return "::".join([crate, *(rust_ident(p) for p in module.split("."))])


def _differential(
    translation: TranslationRun,
    crate_dir: Path,
    type_maps: dict[str, ModuleTypeMap],
    py_modules: dict[str, object],
    calls: list[tuple[str, str]],
    toolchain: Toolchain,
) -> DiffRun:
    assert translation.crate.compiles, f"translated crate does not compile: {translation.report}"
    crate = _crate_name(crate_dir)
    render = Render(crate, type_maps)

    expected: dict[int, object] = {}
    snippets: list[str] = []
    for i, (module, call) in enumerate(calls):
        name, _ = _parse_call(call)
        sig = type_maps[module].function(name)
        assert sig is not None and sig.typed, f"{module}.{name} has no typed signature"
        result, passed, after = _python_case(py_modules[module], call)
        if isinstance(result, Raised):
            expected[i] = result
        else:
            changed = [canonical(a) for p, a in zip(sig.params, after) if p.mutated]
            expected[i] = (result, changed)
        snippets.append(_rust_case(i, call, sig, passed, render, _rust_module_path(crate, module)))

    harness = CANON_RS
    if "pub struct PyDict" in _read(crate_dir / "src" / "pyrt.rs"):
        harness += PYDICT_CANON_RS.replace("{crate}", crate)
    for module, tm in type_maps.items():
        for cls in tm.classes:
            if not cls.is_dataclass or cls.diagnostics:
                continue
            parts = "".join(f", '{f.name}': {{}}" for f in cls.fields)
            args = "".join(f", self.{rust_ident(f.name)}.canon()" for f in cls.fields)
            harness += (
                f"\nimpl Canon for {_rust_module_path(crate, module)}::{cls.name} {{\n"
                f"    fn canon(&self) -> String {{ format!(\"{{{{'__class__': '{cls.name}'{parts}}}}}\"{args}) }}\n}}\n"
            )
    harness += "\nfn main() {\n    std::panic::set_hook(Box::new(|_| {}));\n" + "\n".join(snippets) + "\n}\n"
    (crate_dir / "examples").mkdir(exist_ok=True)
    (crate_dir / "examples" / "diff.rs").write_text(harness, encoding="utf-8")

    target_dir = Path(toolchain.target_dir) if toolchain.target_dir else crate_dir / "target"
    printed = _run_harness(crate_dir, target_dir, harness)
    run = DiffRun(translation=translation, crate_dir=crate_dir, harness=harness, target_dir=target_dir)
    for i, (_module, call) in enumerate(calls):
        line = printed.get(i, "<missing>")
        run.results[call] = CaseResult(call=call, expected=expected[i], actual=_actual(line), rust_line=line)
    return run


def _run_harness(crate_dir: Path, target_dir: Path | None, harness: str) -> dict[int, str]:
    """`cargo run --example diff`: the printed line of each case, by case number."""
    proc = subprocess.run(
        ["cargo", "run", "--offline", "--quiet", "--example", "diff"],
        cwd=crate_dir,
        capture_output=True,
        text=True,
        timeout=300,
        env=cargo_env(target_dir or crate_dir / "target"),
    )
    assert proc.returncode == 0, f"harness failed:\n{proc.stderr[-6000:]}\n--- harness ---\n{harness}"
    printed: dict[int, str] = {}
    for line in proc.stdout.splitlines():
        if line.startswith("CASE "):
            _, idx, rest = line.split(" ", 2)
            printed[int(idx)] = rest
    return printed


def _actual(line: str) -> object:
    if line.startswith("OK "):
        # a Rust `Option<T>` prints as the value or None, like Python's Optional
        return _literal(line[3:])
    if line.startswith("RAISE "):
        message = line[len("RAISE "):]
        return Raised(message.split(":", 1)[0].strip())
    return Raised(f"<no output: {line}>")


def _literal(text: str) -> object:
    try:
        value = ast.literal_eval(text.replace("float('nan')", "'__nan__'"))
    except (ValueError, TypeError, SyntaxError) as exc:
        return Raised(f"<unreadable output {text!r}: {exc}>")
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], list):
        return (value[0], value[1])
    return value


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _crate_name(crate_dir: Path) -> str:
    for line in (crate_dir / "Cargo.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith("name = "):
            return line.split('"')[1]
    raise AssertionError("no crate name in Cargo.toml")


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
