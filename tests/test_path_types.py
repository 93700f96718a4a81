"""Path types (issue 11, pygments' token types; portalis/path_types.py and pyrt's `PyPath`): the
class shape recognised, the module constants and aliases computed without running the module,
and the Rust value's semantics compared with the Python class's (one rustc build, no cargo)."""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import DiffRun, needs_cargo, run_differential
from portalis import runtime
from portalis.path_types import PathType, recognise, render
from portalis.rust.printer import rust_string_literal

SRC = (Path(__file__).parent / "data" / "path_lib.py").read_text(encoding="utf-8")


def _module() -> dict:
    namespace: dict = {"__name__": "path_lib"}
    exec(compile(SRC, "path_lib.py", "exec"), namespace)
    return namespace


def test_token_type_is_recognised_with_its_root_name() -> None:
    [path] = recognise(ast.parse(SRC))
    assert (path.cls, path.root) == ("_TokenType", "Token")


def test_constants_and_aliases_are_what_python_builds() -> None:
    [path] = recognise(ast.parse(SRC))
    ns = _module()
    assert path.constants["Token"] == ()
    assert path.constants["Whitespace"] == ("Text", "Whitespace")
    assert path.constants["String"] == ("Literal", "String")
    # every constant computed is the tuple Python made, and prints as Python's repr does
    for name, parts in path.constants.items():
        assert tuple(ns[name]) == parts, name
        assert render(parts, path.root) == repr(ns[name])
    assert set(path.constants) == {k for k, v in ns.items() if type(v) is ns["_TokenType"]}
    # `Token.String = String`: the child of that name below Token is Literal.String, no constant
    assert path.aliases == {((), "Token"): (), ((), "String"): ("Literal", "String"), ((), "Number"): ("Literal", "Number")}
    assert ns["Token"].String is ns["String"] and ns["Token"].Token is ns["Token"]


@pytest.mark.parametrize("change", [
    ("class _TokenType(tuple):", "class _TokenType(list):"),  # not a tuple
    ("new = _TokenType(self + (val,))", "new = _TokenType((val,))"),  # children not below their parent
    ("setattr(self, val, new)", "pass"),  # children not interned
    ("val[:len(self)] == self", "val == self"),  # `in` is no prefix test
])
def test_other_shapes_are_not_path_types(change: tuple[str, str]) -> None:
    old, new = change
    assert old in SRC
    assert recognise(ast.parse(SRC.replace(old, new))) == []


def test_a_repr_without_a_literal_names_the_root_by_the_class() -> None:
    src = SRC.replace("return 'Token' + (self and '.' or '') + '.'.join(self)", "return '.'.join(self)")
    [path] = recognise(ast.parse(src))
    assert path.root == "_TokenType" and isinstance(path, PathType)


# ---------------------------------------------------------------- the Rust value, against Python

PATHS = ["Token", "Text", "Whitespace", "Name", "String", "Literal", "Keyword"]
CHILDREN = [("Name", "Builtin"), ("Token", "String"), ("Token", "Token"), ("String", "Double"), ("Token", "Name")]


def _rust_path(parts: tuple[str, ...]) -> str:
    names = ", ".join(rust_string_literal(p) for p in parts)
    return f"PyPath::new(\"Token\", &[{names}])"


@pytest.mark.skipif(shutil.which("rustc") is None, reason="rustc is needed")
def test_rust_path_matches_python(tmp_path: Path) -> None:
    [path] = recognise(ast.parse(SRC))
    ns = _module()
    aliases = ", ".join(f"({rust_string_literal('.'.join(owner))}, {rust_string_literal(name)}, "
                        f"{rust_string_literal('.'.join(target))})" for (owner, name), target in path.aliases.items())
    body: list[str] = [f"    let aliases: &[(&str, &str, &str)] = &[{aliases}];"]
    expected: list[str] = []
    for a in PATHS:
        va, ra = ns[a], _rust_path(path.constants[a])
        parent = "None" if va.parent is None else repr(va.parent)
        body.append(f"    println!(\"{{}} {{}} {{}} {{}}\", {ra}, {ra}.len(), "
                    f"{ra}.parent().map(|p| p.to_string()).unwrap_or(\"None\".to_string()), "
                    f"{ra}.split().iter().map(|p| p.to_string()).collect::<Vec<_>>().join(\",\"));")
        expected.append(f"{va!r} {len(va)} {parent} {','.join(repr(p) for p in va.split())}")
        if len(va):
            body.append(f"    println!(\"{{}}\", {ra}.get(-1));")
            expected.append(va[-1])
        for b in PATHS:
            vb, rb = ns[b], _rust_path(path.constants[b])
            body.append(f"    println!(\"{{}} {{}} {{}}\", {ra}.contains(&{rb}), {ra} == {rb}, {ra} < {rb});")
            expected.append(f"{str(vb in va).lower()} {str(va == vb).lower()} {str(va < vb).lower()}")
    for owner, name in CHILDREN:
        child = getattr(ns[owner], name)
        body.append(f"    println!(\"{{}}\", {_rust_path(path.constants[owner])}.child_in({rust_string_literal(name)}, aliases));")
        expected.append(repr(child))
    # hashing is a tuple's: a set of the constants has as many items as Python's
    items = ", ".join(_rust_path(path.constants[n]) for n in path.constants)
    body.append(f"    println!(\"{{}}\", [{items}].into_iter().collect::<std::collections::HashSet<_>>().len());")
    expected.append(str(len({ns[n] for n in path.constants})))
    src = tmp_path / "paths.rs"
    src.write_text(runtime.render({"PyPath"}).replace("//!", "//") + "\nfn main() {\n" + "\n".join(body) + "\n}\n",
                   encoding="utf-8")
    exe = tmp_path / "paths"
    build = subprocess.run(["rustc", "--edition", "2021", "-o", str(exe), str(src)], capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, build.stderr[-4000:]
    out = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.splitlines() == expected


# ---------------------------------------------------------------- translated and run, both sides

CALLS = [f"{f}({a})" for f, args in {
    "is_sub": ["Name.Builtin, Name", "Name, Name.Builtin", "Token.String, Literal", "Token, Token", "Text, Token", "Keyword, Name"],
    "shown": ["Token", "Name.Builtin.Pseudo", "Token.String", "Token.Token"],
    "ttype_name": ["Token", "Name.Builtin", "String.Double"],
    "depth": ["Token", "Whitespace"],
    "builtin_or_name": ["Name.Builtin.Pseudo", "Literal.Number", "Keyword", "Token"],
    "names_in": ["Token.Number.Hex", "Token"],
    "_get_ttype_class": ["Name.Builtin", "Name.Builtin.Pseudo", "String.Double.Zz", "Token.Text", "Comment.Single", "Token"],
}.items() for a in args]


@pytest.fixture(scope="module")
def lib(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(SRC, CALLS, tmp_path_factory.mktemp("paths"), toolchain)


@needs_cargo
def test_path_functions_translate(lib: DiffRun) -> None:
    functions = {f["name"]: f for f in lib.module_report()["functions"]}
    for name in ("is_sub", "shown", "ttype_name", "depth", "builtin_or_name", "names_in", "_get_ttype_class"):
        assert functions[name]["status"] == "translated", functions[name]
    rust = (lib.crate_dir / "src" / "sample.rs").read_text(encoding="utf-8")
    # the table keyed by token types is a static of paths; the constants are no statics
    assert "pub static STANDARD_TYPES: std::sync::LazyLock<crate::pyrt::PyDict<crate::pyrt::PyPath, String>>" in rust
    assert "static Token" not in rust and "static TOKEN" not in rust


@needs_cargo
@pytest.mark.parametrize("call", CALLS)
def test_path_functions_match_python(lib: DiffRun, call: str) -> None:
    lib.check(call)


# ---------------------------------------------------------------- the harness's codec and cases (no cargo)


def test_values_cross_the_worker_and_render_as_rust(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    from portalis.rust.printer import print_expr
    from portalis.rust.values import value_expr
    from portalis.types import pytypes as T
    from portalis.validate import worker
    from portalis.validate.literals import PathValue, canonical, decode_value, encode_value

    (tmp_path / "path_codec.py").write_text(SRC, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    mod = importlib.import_module("path_codec")
    value = mod.Token.String.Double  # through the alias: Literal.String.Double
    data = worker.encode(value)
    assert data == {"path": ["path_codec:_TokenType", "Token", ["Literal", "String", "Double"]]}
    assert worker.decode(data) is value  # the interned object the module hands out
    assert worker.decode(worker.encode(mod.Token)) is mod.Token
    assert worker.canonical(value) == ("Literal", "String", "Double")
    # the translator's side: a PathValue, compared as Python compares the value, written as Rust
    decoded = decode_value(data)
    assert decoded == PathValue("path_codec:_TokenType", "Token", ("Literal", "String", "Double"))
    assert encode_value(decoded) == data and canonical(decoded) == worker.canonical(value)
    t = T.path_type("path_codec", "_TokenType")
    want = 'crate::pyrt::PyPath::new("Token", &["Literal", "String", "Double"])'
    assert print_expr(value_expr(decoded, t)) == want and print_expr(value_expr(value, t)) == want


def test_cases_are_drawn_from_the_constants_and_a_child_below() -> None:
    from hypothesis import HealthCheck, given, settings

    from conftest import type_map_of
    from portalis.types import pytypes as T
    from portalis.validate.cases import strategy_for
    from portalis.validate.literals import PathValue

    tm = type_map_of(SRC, "sample")
    assert tm.names.paths["_TokenType"].root == "Token"
    strategy = strategy_for(T.path_type("sample", "_TokenType"), {"sample": tm})
    known = {tuple(p) for p in tm.names.paths["_TokenType"].constants.values()}
    seen: list[PathValue] = []

    @settings(max_examples=60, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def draw(v: PathValue) -> None:
        seen.append(v)

    draw()
    assert all(v.root == "Token" and (v.parts in known or (v.parts[:-1] in known and v.parts[-1] == "Zz")) for v in seen)
    assert any(v.parts in known for v in seen) and any(v.parts[-1:] == ("Zz",) for v in seen)


def test_the_tracer_describes_token_types_as_paths() -> None:
    import types

    from portalis.analysis.observed import described_type
    from portalis.types import pytypes as T
    from portalis.validate.trace_worker import Recorder, describe

    mod = types.ModuleType("sample")
    exec(compile(SRC, "sample.py", "exec"), mod.__dict__)
    rec = Recorder({}, 10, 100)
    rec.add_classes(mod, "sample")
    desc = describe(mod.Name.Builtin, rec.classes)
    assert desc == ["path", "sample", "_TokenType"]
    assert described_type(desc) == T.path_type("sample", "_TokenType")
    assert describe(("Name",), rec.classes) == ["tuple", "str"]  # a plain tuple stays one
