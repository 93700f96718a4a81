"""Differential test harness, Rust side: run cases of known Python behaviour against a translated crate.

API
---
- `Case`: one call of one translated function — `module`, `function`, `args` (Python values:
  ints, floats, str, lists, tuples, dicts, sets, dataclass instances or `ClassValue`s) and what
  Python did: `expected` (canonical return value, see `literals.canonical`) and `changed` (the
  canonical values, after the call, of the parameters the translation takes by `&mut`), or
  `raised` (the exception's type name). `stdout`, when not None, is what the call printed.
- `render_program(cases, type_maps, crate, crate_dir=None) -> Program`: the Rust source of one
  example program that runs every renderable case (each in its own `fn case_N() -> String`),
  plus the cases that could not be rendered and why (`Program.skipped`).
- `run_cases(crate_dir, cases, type_maps, toolchain) -> HarnessRun`: writes the program as
  `examples/<name>.rs` in the crate, builds it with ONE `cargo build --example` (an example
  program is not part of the library: `cargo check`/`build` of the crate ignore it), runs the
  binary and returns one `CaseOutcome` per case, in order (`outcome.ok`, `outcome.explain()`).
- `compare(case, outcome)` / `CaseOutcome.ok`: strict comparison (types must match, dict order
  matters), floats within `FLOAT_REL_TOL`; a Python exception matches a Rust panic (or `Err`)
  whose message starts with the exception's name (`ZeroDivisionError: ...`).

The program prints each result as a Python literal (trait `Canon`, `CANON_RS`) that
`ast.literal_eval` reads back, to a result file given on its command line — not to stdout, which
belongs to the functions under test: their printed output is captured per case between marker
bytes and compared with what Python printed. Each case runs on its own thread with a large stack
and a timeout; a case that times out or crashes the process (a stack overflow aborts) is
recorded, and the binary is started again after it, so one bad case costs only itself. Rustc
errors inside a case's function drop that case, errors in the `Canon` impl of a dataclass drop
the cases that use the class (`CaseOutcome.skipped` says why), and the program is rebuilt
without them. The program is built without debug info (`BUILD_ENV`), in the toolchain's target
dir: a rerun with unchanged code compiles nothing (`HarnessRun.reused`).

Example::

    cases = [Case(module="m", function="gcd", args=[48, 18], expected=6),
             Case(module="m", function="div", args=[1, 0], raised="ZeroDivisionError")]
    run = run_cases(crate_dir, cases, {"m": type_map}, Toolchain(target_dir=...))
    for o in run.outcomes:
        print(o.ok, o.explain())
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from portalis.files import write_if_changed
from portalis.model import FunctionSignature, ModuleTypeMap, Passing, PyType
from portalis.naming import crate_relative_path
from portalis.rust.fmt import RustfmtError, format_source, run_timeout
from portalis.sandbox import Sandbox, SandboxPolicy
from portalis.types.rust_types import rust_ident
from portalis.types.unions import enum_name, tag
from portalis.validate.cargo import CargoRun, Toolchain, run_cargo
from portalis.validate.literals import Raised, RenderError, RustLiterals, same
from portalis.validate.methods import case_signature, compared_fields, instance_class, instantiated, rust_callee

PROGRAM_NAME = "portalis_cases"
FLOAT_REL_TOL = 1e-9  # f64 results: equal, or within this relative distance (summation order)
CASE_TIMEOUT_S = 5.0  # one Rust case
MAX_BUILD_ROUNDS = 3  # rebuilds after dropping cases whose test code rustc rejects
MARK = "\x1e"  # separates the stdout of consecutive cases
# No debug info in the case program: a third less build time, and panics need none.
BUILD_ENV = {"CARGO_PROFILE_DEV_DEBUG": "0"}

# The printer of results: a Python literal that ast.literal_eval reads back.
CANON_RS = r"""
#![allow(unused_imports, dead_code, unused_mut, unused_variables, clippy::all)]
use std::fmt::Write as _;
use std::io::Write as _;

pub trait Canon {
    fn canon(&self) -> String;
    // How a Vec of these prints: a list, except Vec<u8> (Python's bytes), a bytes literal.
    fn canon_seq(items: &[Self]) -> String where Self: Sized {
        format!("[{}]", items.iter().map(|x| x.canon()).collect::<Vec<_>>().join(", "))
    }
}

impl Canon for i64 {
    fn canon(&self) -> String { self.to_string() }
}

impl Canon for u8 {
    fn canon(&self) -> String { self.to_string() }
    fn canon_seq(items: &[Self]) -> String {
        let mut out = String::from("b'");
        for &c in items {
            match c {
                b'\\' => out.push_str("\\\\"),
                b'\'' => out.push_str("\\'"),
                b' '..=b'~' => out.push(c as char),
                _ => { write!(out, "\\x{:02x}", c).unwrap(); }
            }
        }
        out.push('\'');
        out
    }
}

impl Canon for f64 {
    fn canon(&self) -> String {
        if self.is_nan() {
            "nan".to_string()
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
    fn canon(&self) -> String { T::canon_seq(self) }
}

impl<T: Canon> Canon for Option<T> {
    fn canon(&self) -> String {
        match self { Some(x) => x.canon(), None => "None".to_string() }
    }
}

// A translation that reports Python exceptions as `Err(e)`: the error's Display must start with
// the exception's name, like a panic message does.
impl<T: Canon, E: std::fmt::Display> Canon for Result<T, E> {
    fn canon(&self) -> String {
        match self { Ok(x) => x.canon(), Err(e) => panic!("{}", e) }
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
canon_tuple!(A B C D E F);

fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
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

# A function lowered on BigInt (portalis/lower/bigint.py) returns num_bigint::BigInt: its
# decimal digits are Python's int literal. Only in crates that depend on num-bigint.
BIGINT_CANON_RS = """
impl Canon for num_bigint::BigInt {
    fn canon(&self) -> String { self.to_string() }
}
"""

# A translated function returning an int on some paths and a float on others gives a PyNum.
PYNUM_CANON_RS = """
impl Canon for {crate}::pyrt::PyNum {
    fn canon(&self) -> String {
        match self { {crate}::pyrt::PyNum::Int(i) => i.canon(), {crate}::pyrt::PyNum::Float(x) => x.canon() }
    }
}
"""

# Standard-library values (portalis/validate/literals.py library_canonical): their class and
# repr, by the runtime type's marker in pyrt.rs.
LIBRARY_CANON_RS = {
    # a value of any builtin type: the canonical form of the value it holds
    "pub enum PyObj ": "impl Canon for {crate}::pyrt::PyObj {\n"
                       "    fn canon(&self) -> String {\n"
                       "        use {crate}::pyrt::PyObj as O;\n"
                       "        match self { O::None => \"None\".to_string(), O::Bool(b) => b.canon(), O::Int(i) => i.canon(), "
                       "O::Float(x) => x.canon(), O::Str(s) => s.canon(), O::List(v) => v.canon(), "
                       "O::Tuple(v) => if v.len() == 1 { format!(\"({},)\", v[0].canon()) } else { "
                       "format!(\"({})\", v.iter().map(|x| x.canon()).collect::<Vec<_>>().join(\", \")) }, "
                       "O::Dict(d) => d.canon() }\n    }\n}",
    "pub struct PyDate ": "impl Canon for {crate}::pyrt::PyDate {\n"
                          "    fn canon(&self) -> String { format!(\"{{'__class__': 'date', 'repr': {}}}\", self.repr().canon()) }\n}",
    "pub struct PyTimedelta ": "impl Canon for {crate}::pyrt::PyTimedelta {\n"
                               "    fn canon(&self) -> String { format!(\"{{'__class__': 'timedelta', 'repr': {}}}\", self.repr().canon()) }\n}",
    "pub struct PyDateTime ": "impl Canon for {crate}::pyrt::PyDateTime {\n"
                              "    fn canon(&self) -> String { format!(\"{{'__class__': 'datetime', 'repr': {}}}\", self.repr().canon()) }\n}",
    "pub struct PyTimezone ": "impl Canon for {crate}::pyrt::PyTimezone {\n"
                              "    fn canon(&self) -> String { format!(\"{{'__class__': 'timezone', 'repr': {}}}\", self.repr().canon()) }\n}",
    "pub struct PyTime ": "impl Canon for {crate}::pyrt::PyTime {\n"
                          "    fn canon(&self) -> String { format!(\"{{'__class__': 'time', 'repr': {}}}\", self.repr().canon()) }\n}",
    "pub struct PyDecimal ": "impl Canon for {crate}::pyrt::PyDecimal {\n"
                             "    fn canon(&self) -> String { format!(\"{{'__class__': 'Decimal', 'repr': {}}}\", self.repr().canon()) }\n}",
    # a path (portalis/path_types.py) compares as the tuple of its names, as Python's does
    "pub struct PyPath ": "impl Canon for {crate}::pyrt::PyPath {\n"
                          "    fn canon(&self) -> String { if self.parts.len() == 1 { format!(\"({},)\", self.parts[0].canon()) } "
                          "else { format!(\"({})\", self.parts.iter().map(|x| x.canon()).collect::<Vec<_>>().join(\", \")) } }\n}",
    "pub type PyFraction ": "impl Canon for {crate}::pyrt::PyFraction {\n"
                            "    fn canon(&self) -> String { format!(\"{{'__class__': 'Fraction', 'repr': {}}}\", "
                            "{crate}::pyrt::fraction_repr(self).canon()) }\n}",
}

# argv: RESULT_FILE START_INDEX TIMEOUT_MS. One line per case in the result file, written and
# flushed as soon as the case ends, so a crash loses only the case that crashed.
MAIN_RS = """
fn main() {
    std::panic::set_hook(Box::new(|_| {}));
    let argv: Vec<String> = std::env::args().collect();
    let mut results = std::fs::OpenOptions::new().create(true).append(true).open(&argv[1]).expect("result file");
    let start: usize = argv.get(2).and_then(|s| s.parse().ok()).unwrap_or(0);
    let timeout = std::time::Duration::from_millis(argv.get(3).and_then(|s| s.parse().ok()).unwrap_or(5000));
    for index in start..CASES.len() {
        let case = CASES[index];
        {
            let mut out = std::io::stdout().lock();
            let _ = write!(out, "\\x1e{}\\x1e", index);
            let _ = out.flush();
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new().stack_size(64 << 20).spawn(move || {
            let outcome = std::panic::catch_unwind(case).map_err(panic_text);
            let _ = std::io::stdout().flush();
            let _ = tx.send(outcome);
        });
        let line = match spawned {
            Err(e) => format!("CASE {} CRASH thread: {}", index, e),
            Ok(_) => match rx.recv_timeout(timeout) {
                Ok(Ok(text)) => format!("CASE {} OK {}", index, text),
                Ok(Err(text)) => format!("CASE {} RAISE {}", index, text.replace('\\n', " ")),
                Err(_) => format!("CASE {} TIMEOUT", index),
            },
        };
        writeln!(results, "{}", line).expect("result file");
        results.flush().expect("result file");
        if line.ends_with(" TIMEOUT") {
            // the case's thread cannot be stopped: end the process, the caller resumes after it
            std::process::exit(3);
        }
    }
    writeln!(results, "DONE").expect("result file");
}
"""


class Case(BaseModel):
    """One call of a translated function and what the Python original did with it."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    module: str
    function: str
    args: list[Any]
    expected: Any = None  # canonical return value (when raised is None)
    changed: list[Any] = Field(default_factory=list)  # canonical &mut arguments after the call
    raised: str | None = None  # the exception's type name
    stdout: str | None = None  # what the call printed; None: not compared
    label: str = ""  # how reports show the call: `gcd(48, 18)`
    origin: str = ""  # doctest | test | hypothesis | ...

    def title(self) -> str:
        return self.label or f"{self.function}({', '.join(repr(a) for a in self.args)})"


class CaseOutcome(BaseModel):
    """What the Rust translation did with one case."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    case: Case
    # canonical (return value, [changed &mut arguments]); a Raised for a panic / Err / crash /
    # timeout; None when the case was not run (see skipped)
    actual: Any = None
    stdout: str = ""
    line: str = ""  # the raw result line
    skipped: str | None = None  # why the case could not be run in Rust (not a failure)
    seconds: float = 0.0  # the case's share of the run (wall time between results)

    @property
    def ok(self) -> bool:
        return self.skipped is None and compare(self.case, self)

    @property
    def expected(self) -> object:
        """The Python side in the form of `actual`."""
        if self.case.raised is not None:
            return Raised(self.case.raised)
        return (self.case.expected, list(self.case.changed))

    def explain(self) -> str:
        if self.skipped:
            return f"{self.case.title()}: not run ({self.skipped})"
        text = f"{self.case.title()}: python -> {_show(self.expected)}, rust -> {_show(self.actual)}"
        if self.case.stdout is not None and self.case.stdout != self.stdout and _results_match(self.case, self.actual):
            text += f"; printed {self.case.stdout!r} vs {self.stdout!r}"
        return text


def _show(value: object, limit: int = 300) -> str:
    if isinstance(value, Raised):
        return f"raises {value.kind}"
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], list):
        result, changed = value
        return _cut(repr(result), limit) + (f" (arguments after: {_cut(repr(changed), limit)})" if changed else "")
    return _cut(repr(value), limit)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _results_match(case: Case, actual: object) -> bool:
    if case.raised is not None:
        return actual == Raised(case.raised)
    if not (isinstance(actual, tuple) and len(actual) == 2):
        return False
    return same((case.expected, list(case.changed)), actual, FLOAT_REL_TOL)


def compare(case: Case, outcome: CaseOutcome) -> bool:
    """Did Rust do what Python did: same result (or same exception), same in-place changes,
    and the same printed output when Python's is known."""
    if not _results_match(case, outcome.actual):
        return False
    return case.stdout is None or case.stdout == outcome.stdout


class HarnessRun(BaseModel):
    """The outcome of one build-and-run of the case program in a crate."""

    outcomes: list[CaseOutcome] = Field(default_factory=list)
    program: str = ""  # the Rust source last built
    build_seconds: float = 0.0
    run_seconds: float = 0.0
    builds: int = 0  # cargo invocations (1 unless cases had to be dropped)
    reused: bool = False  # cargo found everything fresh: no compilation at all
    failure: str | None = None  # the program could not be built or run at all


class Program(BaseModel):
    """A rendered case program: source, the case index of each `case_N`, cases left out."""

    source: str
    indices: list[int]  # case_N runs cases[indices[N]]
    skipped: dict[int, str] = Field(default_factory=dict)  # case index -> why
    spans: dict[int, tuple[int, int]] = Field(default_factory=dict)  # case index -> lines (1-based)
    class_spans: dict[str, tuple[int, int]] = Field(default_factory=dict)  # "module:Class" -> its Canon impl


# A function translated as a lazy iterator (an endless generator) is compared on its first
# LAZY_PREFIX items, drawn on both sides (PyCase.prefix for the Python).
LAZY_PREFIX = 50


def rust_module_path(crate: str, module: str) -> str:
    """`inventory.model` in crate `inv` -> `inv::inventory::model`."""
    return crate_relative_path(crate, module)


def _case_body(case: Case, sig: FunctionSignature, render: RustLiterals, module_path: str) -> list[str]:
    """Rust statements: bind arguments, call, return the canonical `(result, [changed])`."""
    if len(case.args) != len(sig.params):
        raise RenderError(f"{len(case.args)} arguments for {len(sig.params)} parameters")
    lines: list[str] = []
    passed: list[str] = []
    mutated: list[str] = []
    for i, (p, value) in enumerate(zip(sig.params, case.args)):
        # a parameter taking any iterable (`impl IntoIterator`) is given the value's Vec
        owned = render.owned(value, PyType(kind="list", args=p.py_type.args) if p.py_type.kind == "iter" else p.py_type)
        var = f"a{i}"
        if p.mutated:
            lines.append(f"let mut {var}: {render.rust_type(p.py_type)} = {owned};")
            passed.append(f"&mut {var}")
            if not p.keywords:  # `**kwargs` is the callee's own dict in Python: not the caller's to see
                mutated.append(var)
        elif p.passing is Passing.SHARED:
            lines.append(f"let {var}: {render.rust_type(p.py_type)} = {owned};")
            passed.append(f"&{var}")
        else:
            passed.append(owned)
    call = f"{rust_callee(module_path, sig.name, rust_ident)}({', '.join(passed)})"
    if sig.returns.kind == "iter":
        call += f".take({LAZY_PREFIX}).collect::<Vec<_>>()"  # a lazy generator: its first items
    lines.append(f"let result = {call};")
    if mutated:
        after = ", ".join(f"{v}.canon()" for v in mutated)
        lines.append(f'format!("({{}}, [{{}}])", result.canon(), [{after}].join(", "))')
    else:
        lines.append('format!("({}, [])", result.canon())')
    return lines


def _classes_in(t: PyType, type_maps: dict[str, ModuleTypeMap], seen: set[tuple[str, str]]) -> None:
    if t.kind == "class" and t.module and t.name:
        key = (t.module, t.name)
        if key in seen:
            return
        seen.add(key)
        tm = type_maps.get(t.module)
        cls = tm.cls(t.name) if tm else None
        for f in cls.fields if cls else []:
            _classes_in(f.py_type, type_maps, seen)
    for a in t.args:
        _classes_in(a, type_maps, seen)


def render_program(
    cases: list[Case],
    type_maps: dict[str, ModuleTypeMap],
    crate: str,
    crate_dir: Path | None = None,
    exclude: dict[int, str] | None = None,
    exclude_classes: dict[str, str] | None = None,
) -> Program:
    """The Rust source of the case program: a `case_N` function per renderable case, `Canon`
    impls for the dataclasses they use, and a main that runs them (see MAIN_RS).

    `crate_dir` is read to know whether the crate has the runtime's PyDict; `exclude` leaves out
    cases (by index) with a reason, and `exclude_classes` ("module:Name" -> reason) every case
    whose signature uses such a class, as the rebuild after a rustc error does."""
    render = RustLiterals(crate, type_maps)
    skipped: dict[int, str] = dict(exclude or {})
    bad_classes = dict(exclude_classes or {})
    bodies: list[tuple[int, list[str]]] = []
    classes: set[tuple[str, str]] = set()
    unions: dict[str, PyType] = {}  # the union enums the cases pass or return: each needs Canon
    for index, case in enumerate(cases):
        if index in skipped:
            continue
        sig = case_signature(type_maps.get(case.module), case.function)
        if sig is None or not sig.typed:
            skipped[index] = f"{case.module}.{case.function} has no typed signature"
            continue
        sig = instantiated(sig, case.args)  # a generic function at this case's types
        used: set[tuple[str, str]] = set()
        for t in [*(p.py_type for p in sig.params), sig.returns]:
            _classes_in(t, type_maps, used)
        bad = next((f"{m}:{n}" for m, n in sorted(used) if f"{m}:{n}" in bad_classes), None)
        if bad is not None:
            skipped[index] = bad_classes[bad]
            continue
        try:
            body = _case_body(case, sig, render, rust_module_path(crate, case.module))
        except (RenderError, KeyError) as exc:
            skipped[index] = f"argument cannot be written in Rust: {exc}"
            continue
        classes |= used
        for t in [*(p.py_type for p in sig.params), sig.returns]:
            _unions_in(t, unions)
        bodies.append((index, body))

    lines = CANON_RS.split("\n")
    pyrt = crate_dir / "src" / "pyrt.rs" if crate_dir else None
    if pyrt is not None and pyrt.exists() and "pub struct PyDict" in pyrt.read_text(encoding="utf-8"):
        lines += PYDICT_CANON_RS.replace("{crate}", crate).split("\n")
    if pyrt is not None and pyrt.exists() and "pub enum PyNum" in pyrt.read_text(encoding="utf-8"):
        lines += PYNUM_CANON_RS.replace("{crate}", crate).split("\n")
    runtime_text = pyrt.read_text(encoding="utf-8") if pyrt is not None and pyrt.exists() else ""
    for marker, impl in LIBRARY_CANON_RS.items():
        if marker in runtime_text:
            lines += impl.replace("{crate}", crate).split("\n")
    manifest = crate_dir / "Cargo.toml" if crate_dir else None
    if manifest is not None and manifest.exists() and "\nnum-bigint = " in manifest.read_text(encoding="utf-8"):
        lines += BIGINT_CANON_RS.split("\n")
    for name, union in sorted(unions.items()):
        # a class member is boxed: its own Canon, through the box
        arms = ", ".join(f"{crate}::pyrt::{name}::{tag(m)}(v) => {'(**v)' if m.kind == 'class' else 'v'}.canon()" for m in union.args)
        lines += [f"impl Canon for {crate}::pyrt::{name} {{", f"    fn canon(&self) -> String {{ match self {{ {arms} }} }}", "}"]
    class_spans: dict[str, tuple[int, int]] = {}
    for module, name in sorted(classes):
        cls = type_maps[module].cls(name)
        if cls is not None and cls.flavour == "namedtuple" and not cls.diagnostics and cls.fields:
            # a NamedTuple (typing's or collections') is a tuple to the worker: its fields in order
            shape = ", ".join(["{}"] * len(cls.fields)) + ("," if len(cls.fields) == 1 else "")
            _canon_impl(lines, class_spans, crate, module, name, cls, f"({shape})", cls.fields)
            continue
        if cls is None or not instance_class(cls):
            continue
        # a plain class is compared by its attributes sorted by name (as the worker lists them)
        # the placeholder holds nothing to compare; a field the class's own __init__ never sets
        # (unset_fields) is no attribute of the Python instance
        compared = set(compared_fields(cls))
        kept = [f for f in cls.fields if f.name in compared]
        shown = kept if cls.is_dataclass else sorted(kept, key=lambda f: f.name)
        fmt = "".join(f", '{f.name}': {{}}" for f in shown)
        _canon_impl(lines, class_spans, crate, module, name, cls, f"{{{{'__class__': '{cls.name}'{fmt}}}}}", shown)
    spans: dict[int, tuple[int, int]] = {}
    indices: list[int] = []
    for n, (index, body) in enumerate(bodies):
        start = len(lines) + 1
        lines.append(f"fn case_{n}() -> String {{")
        lines += [f"    {b}" for b in body]
        lines.append("}")
        spans[index] = (start, len(lines))
        indices.append(index)
    lines.append(f"\nstatic CASES: [fn() -> String; {len(bodies)}] = [{', '.join(f'case_{n}' for n in range(len(bodies)))}];")
    source = "\n".join(lines) + MAIN_RS
    return formatted(Program(source=source, indices=indices, skipped=skipped, spans=spans, class_spans=class_spans))


_CASE_FN = re.compile(r"^fn case_(\d+)\(\) -> String \{$")


def formatted(program: Program) -> Program:
    """The program as rustfmt prints it, its spans read again from the formatted text.

    The program is written into the user's crate (examples/), so `cargo fmt --check` there must
    pass. Spans map rustc's errors to the case or class to drop, so they are found again by the
    items' headers (every case and Canon impl is a top-level item, closed by a `}` in column 0).
    When rustfmt cannot run or a header is not found again, the program stays as rendered: it
    builds the same, only the crate is not rustfmt-clean."""
    try:
        text = format_source(program.source, timeout=run_timeout(program.source))
    except (OSError, RustfmtError, subprocess.TimeoutExpired):
        return program
    lines = text.split("\n")

    def span_from(start: int) -> tuple[int, int] | None:
        end = next((i for i in range(start, len(lines)) if lines[i] == "}"), None)
        return None if end is None else (start + 1, end + 1)

    order = {f"case_{n}": index for n, index in enumerate(program.indices)}
    spans: dict[int, tuple[int, int]] = {}
    headers: dict[str, int] = {}
    for i, line in enumerate(lines):
        m = _CASE_FN.match(line)
        if m is not None and f"case_{m.group(1)}" in order:
            found = span_from(i)
            if found is None:
                return program
            spans[order[f"case_{m.group(1)}"]] = found
        elif line.startswith("impl Canon for "):
            headers.setdefault(line, i)
    original = program.source.split("\n")
    class_spans: dict[str, tuple[int, int]] = {}
    for key, (start, _end) in program.class_spans.items():
        at = headers.get(original[start - 1])
        found = span_from(at) if at is not None else None
        if found is None:
            return program
        class_spans[key] = found
    if len(spans) != len(program.spans):
        return program
    return program.model_copy(update={"source": text, "spans": spans, "class_spans": class_spans})


def _unions_in(t: PyType, found: dict[str, PyType]) -> None:
    """The union types `t` holds (itself, its elements), by enum name."""
    if t.kind == "union":
        found.setdefault(enum_name(t), t)
    for a in t.args:
        _unions_in(a, found)


def _canon_impl(lines: list[str], class_spans: dict[str, tuple[int, int]], crate: str, module: str, name: str, cls,
                template: str, fields) -> None:
    """Append `impl Canon` for a class: `format!(template, field.canon()...)`; its lines are the
    class's span (a rustc error there drops the class's cases, not the program)."""
    args = "".join(f", self.{rust_ident(f.name)}.canon()" for f in fields)
    start = len(lines) + 1
    lines += [
        f"impl Canon for {rust_module_path(crate, module)}::{rust_ident(cls.name)} {{",
        f"    fn canon(&self) -> String {{ format!(\"{template}\"{args}) }}",
        "}",
    ]
    class_spans[f"{module}:{name}"] = (start, len(lines))


def crate_name_of(crate_dir: Path) -> str:
    """The `name` in a crate's Cargo.toml."""
    for line in (crate_dir / "Cargo.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith("name = "):
            return line.split('"')[1]
    raise ValueError(f"no crate name in {crate_dir / 'Cargo.toml'}")


def _stamp_path(crate_dir: Path, name: str, toolchain: Toolchain) -> Path:
    # In the target directory, beside what it describes: the crate the user gets holds no
    # machine-specific file (an absolute path, an mtime). A stamp that cannot be found only
    # costs a cargo call.
    target = Path(toolchain.target_dir or os.environ.get("CARGO_TARGET_DIR") or "target")
    if not target.is_absolute():
        target = crate_dir / target
    crate = hashlib.sha256(str(crate_dir.resolve()).encode()).hexdigest()[:16]
    return target / "portalis-builds" / f"{name}-{crate}.json"


def build_inputs(crate_dir: Path, toolchain: Toolchain, name: str) -> str:
    """A digest of what `cargo build --example NAME` reads: the crate's manifest, lock file,
    cargo config, sources and the example, and the settings of the build (target directory,
    environment). The toolchain's version is not in it: another rustc builds the same program."""
    h = hashlib.sha256()
    settings = [str(crate_dir.resolve()), toolchain.cargo, toolchain.offline, BUILD_ENV,
                toolchain.target_dir or os.environ.get("CARGO_TARGET_DIR"),
                {k: v for k, v in os.environ.items() if k.startswith(("RUSTFLAGS", "CARGO_PROFILE", "CARGO_BUILD"))}]
    h.update(json.dumps(settings, sort_keys=True, default=str).encode())
    files = [crate_dir / n for n in ("Cargo.toml", "Cargo.lock", ".cargo/config.toml", ".cargo/config",
                                     "rust-toolchain", "rust-toolchain.toml", f"examples/{name}.rs")]
    files += sorted((crate_dir / "src").rglob("*.rs"))
    for path in files:
        if path.is_file():
            data = path.read_bytes()
            h.update(f"{path.relative_to(crate_dir)}\0{len(data)}\0".encode())
            h.update(data)
    return h.hexdigest()


def unchanged_build(crate_dir: Path, name: str, inputs: str, toolchain: Toolchain) -> str | None:
    """The executable of the last successful build when its inputs were these and it is still
    the file that build wrote (same size and mtime); else None."""
    try:
        stamp = json.loads(_stamp_path(crate_dir, name, toolchain).read_text(encoding="utf-8"))
        exe = Path(stamp["executable"])
        st = exe.stat()
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if stamp.get("inputs") != inputs or [st.st_size, st.st_mtime_ns] != stamp.get("stat"):
        return None
    return str(exe)


def record_build(crate_dir: Path, name: str, inputs: str, executable: str, toolchain: Toolchain) -> None:
    """Remember a successful build's inputs and executable (`unchanged_build` reads it)."""
    try:
        st = Path(executable).stat()
        stamp = _stamp_path(crate_dir, name, toolchain)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(json.dumps(
            {"inputs": inputs, "executable": executable, "stat": [st.st_size, st.st_mtime_ns]}), encoding="utf-8")
    except OSError:
        pass  # no stamp: the next run asks cargo, as before


def build_program(
    crate_dir: Path,
    cases: list[Case],
    type_maps: dict[str, ModuleTypeMap],
    toolchain: Toolchain,
    name: str = PROGRAM_NAME,
) -> tuple[Program, CargoRun, int]:
    """Render, write and build the case program; cases whose code rustc rejects are dropped and
    the program rebuilt (at most MAX_BUILD_ROUNDS builds). Returns (program, last cargo run,
    number of builds)."""
    crate = crate_name_of(crate_dir)
    rel = f"examples/{name}.rs"
    exclude: dict[int, str] = {}
    exclude_classes: dict[str, str] = {}
    program = render_program(cases, type_maps, crate, crate_dir)
    run = CargoRun(ok=False)
    builds = 0
    for _ in range(MAX_BUILD_ROUNDS):
        program = render_program(cases, type_maps, crate, crate_dir, exclude, exclude_classes)
        write_if_changed(crate_dir / rel, program.source)
        inputs = build_inputs(crate_dir, toolchain, name)
        built = unchanged_build(crate_dir, name, inputs, toolchain)
        if built is not None:
            # nothing the last successful build read has changed: its executable is this program
            return program, CargoRun(ok=True, fresh={name: True}, executables={name: built}), builds + 1
        run = run_cargo(crate_dir, toolchain, "build", ["--example", name], env_extra=BUILD_ENV)
        builds += 1
        if run.ok and name in run.executables:
            record_build(crate_dir, name, inputs, run.executables[name], toolchain)
        if run.ok or run.failure:
            break
        dropped = False
        for err in run.errors:
            if not (err.file or "").endswith(rel) or err.line is None:
                continue
            why = f"the Rust test does not compile: rustc {err.code or 'error'}: {err.message}"
            for index, (start, end) in program.spans.items():
                if start <= err.line <= end and index not in exclude:
                    exclude[index] = why
                    dropped = True
            for key, (start, end) in program.class_spans.items():
                if start <= err.line <= end and key not in exclude_classes:
                    exclude_classes[key] = f"{why} (printing {key.split(':')[1]})"
                    dropped = True
        if not dropped:
            break
    return program, run, builds


def run_cases(
    crate_dir: Path,
    cases: list[Case],
    type_maps: dict[str, ModuleTypeMap],
    toolchain: Toolchain,
    name: str = PROGRAM_NAME,
    case_timeout_s: float = CASE_TIMEOUT_S,
    sandbox: Sandbox | None = None,
    policy: SandboxPolicy | None = None,
) -> HarnessRun:
    """Build the case program in crate_dir (one cargo invocation unless test code must be
    dropped) and run every case; outcomes come back in the order of `cases`. The binary runs in
    `sandbox` (one is made from `policy` when not given: SandboxRefused when none is
    acceptable here), from a private copy."""
    started = time.perf_counter()
    program, cargo, builds = build_program(crate_dir, cases, type_maps, toolchain, name)
    result = HarnessRun(program=program.source, build_seconds=time.perf_counter() - started, builds=builds)
    result.reused = builds == 1 and cargo.ok and bool(cargo.fresh) and all(cargo.fresh.values())
    outcomes = [CaseOutcome(case=c, skipped=program.skipped.get(i)) for i, c in enumerate(cases)]
    result.outcomes = outcomes
    executable = cargo.executables.get(name)
    if not cargo.ok or executable is None:
        errors = "; ".join(e.message for e in cargo.errors[:3])
        result.failure = cargo.failure or f"the case program does not build: {errors or 'no executable'}"
        for o in outcomes:
            if o.skipped is None:
                o.skipped = result.failure
        return result
    started = time.perf_counter()
    box = sandbox if sandbox is not None else Sandbox(policy)
    try:
        _execute(box, box.stage(executable, f"{name}-{len(program.indices)}"), program, outcomes, case_timeout_s)
    finally:
        if sandbox is None:
            box.close()
    result.run_seconds = time.perf_counter() - started
    return result


def _execute(box: Sandbox, executable: Path, program: Program, outcomes: list[CaseOutcome], case_timeout_s: float) -> None:
    """Run the binary from case 0; after a timeout or crash, run it again from the next case."""
    total = len(program.indices)
    start = 0
    # one results file in the sandbox's workspace, rewritten for each start
    results_path = box.io_dir() / "results.txt"
    while start < total:
        results_path.write_text("", encoding="utf-8")
        box.own(results_path)
        began = time.perf_counter()
        done = box.run(
            [str(executable), str(results_path), str(start), str(int(case_timeout_s * 1000))],
            # the binary ends itself after a case timeout; this bounds what it cannot see
            timeout=case_timeout_s * 2 + 0.02 * (total - start) + 10,
            env={"RUST_BACKTRACE": "0"},
        )
        stdout, code = done.stdout, done.returncode
        elapsed = time.perf_counter() - began
        lines = results_path.read_text(encoding="utf-8", errors="replace").splitlines()
        printed = _split_stdout(stdout.decode("utf-8", errors="replace"))
        seen: set[int] = set()
        for line in lines:
            m = re.match(r"CASE (\d+) (\w+) ?(.*)$", line)
            if not m:
                continue
            n, kind, rest = int(m.group(1)), m.group(2), m.group(3)
            if n >= total:
                continue
            seen.add(n)
            o = outcomes[program.indices[n]]
            o.line = line
            o.stdout = printed.get(n, "")
            o.actual = _actual(kind, rest, case_timeout_s)
        ran = [n for n in seen if n >= start]
        share = elapsed / max(1, len(ran))
        for n in ran:
            outcomes[program.indices[n]].seconds = share
        if "DONE" in lines:
            break
        # the case after the last one reported crashed the process (or it timed out)
        last = max(seen) if seen else start - 1
        if last >= start and outcomes[program.indices[last]].actual == Raised("<timeout>"):
            start = last + 1
            continue
        crashed = last + 1
        if crashed >= total:
            break
        o = outcomes[program.indices[crashed]]
        why = box.describe_exit(code)
        o.actual = Raised(f"<crash: {why}>")
        o.line = f"CASE {crashed} CRASH {why}"
        o.stdout = printed.get(crashed, "")
        start = crashed + 1


def _split_stdout(text: str) -> dict[int, str]:
    """What each case printed: the binary writes MARK index MARK before each case."""
    out: dict[int, str] = {}
    parts = text.split(MARK)
    # parts: [before, idx, printed, idx, printed, ...]
    for i in range(1, len(parts) - 1, 2):
        if parts[i].isdigit():
            out[int(parts[i])] = parts[i + 1]
    return out


_RUST_OVERFLOW = re.compile(r"attempt to (?:add|subtract|multiply|divide|negate|calculate the remainder|shift left|shift right)"
                            r"(?: with overflow)")


def _actual(kind: str, rest: str, timeout_s: float) -> object:
    if kind == "OK":
        return parse_canonical(rest)
    if kind == "RAISE":
        if _RUST_OVERFLOW.match(rest):  # an i64 overflow caught by overflow-checks: Python's int would grow
            return Raised("OverflowError")
        # a module's exception prints qualified (`binascii.Error: ...`): Python's type name is
        # the last part
        return Raised(rest.split(":", 1)[0].strip().rsplit(".", 1)[-1])
    if kind == "TIMEOUT":
        return Raised("<timeout>")
    return Raised(f"<crash: {rest}>")


def parse_canonical(text: str) -> object:
    """A `(result, [changed])` line printed by `Canon` back to Python values (a literal, plus the
    bare name `nan`; `1e999` is inf)."""
    try:
        value = _literal(ast.parse(text, mode="eval").body)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as exc:
        return Raised(f"<unreadable output {text[:200]!r}: {exc}>")
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], list):
        return (value[0], value[1])
    return value


def _literal(node: ast.expr) -> object:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and node.id == "nan":
        return float("nan")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _literal(node.operand)
        if isinstance(inner, (int, float)) and not isinstance(inner, bool):
            return -inner
    if isinstance(node, ast.Tuple):
        return tuple(_literal(e) for e in node.elts)
    if isinstance(node, ast.List):
        return [_literal(e) for e in node.elts]
    if isinstance(node, ast.Set):
        return {_literal(e) for e in node.elts}
    if isinstance(node, ast.Dict):
        return {_literal(k): _literal(v) for k, v in zip(node.keys, node.values) if k is not None}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "set" and not node.args:
        return set()
    raise ValueError(f"not a literal: {ast.dump(node)[:80]}")
