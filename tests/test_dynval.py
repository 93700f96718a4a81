"""Values of mixed type in one container (issue 11 item 4): an unannotated `**options` whose
keyword arguments have several types (or that no call types) is a dict of str to a dynamic value
(`object`; crate::pyrt::PyObj, a runtime enum of None/bool/int/float/str/list/tuple/dict);
isinstance chains on such a value are a `match` on its variants; int()/list()/bool()/str()/
repr() of it are Python's, errors included. Checked without cargo on the type map and the
lowered Rust, and once with cargo: tests/data/dynval_lib.py (pygments.util's get_*_opt
readers, a Lexer-like constructor) translated and verified against CPython."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import needs_cargo, type_map_of

from portalis.lower.module import lower_module
from portalis.parse import parse_source, source_module_from_text
from portalis.pipeline import translate_path
from portalis.types import pytypes as T
from portalis.validate.behaviour import VerifyConfig

DATA = Path(__file__).parent / "data" / "dynval_lib.py"
SRC = DATA.read_text(encoding="utf-8")
SUB = Path(__file__).parent / "data" / "dynval_sub.py"  # `**options` handed to dynval_lib's readers


def _lowered(source: str):
    parsed = parse_source(source_module_from_text("sample", source), source)
    tm = type_map_of(source)
    out = lower_module(parsed, tm, {"sample": tm}, None)
    return {i.name: i.code for i in out.items if i.kind == "fn"}, out, tm


# ---------------------------------------------------------------- without cargo


def test_mixed_or_unknown_keywords_are_a_dict_of_dynamic_values() -> None:
    tm = type_map_of(SRC)
    # keyword arguments of several types (str, None, list[int]): object, not a union
    init = tm.cls("Lexer").method("__init__")
    assert [(p.name, str(p.py_type), p.keywords) for p in init.params] == [("options", "dict[str, object]", True)]
    assert init.params[0].rust_type == "&crate::pyrt::PyDict<String, crate::pyrt::PyObj>"
    # the readers take the dict the constructor passes on; isinstance narrows their returns
    assert str(tm.function("get_bool_opt").returns) == "bool"
    assert str(tm.function("get_int_opt").returns) == "int"
    assert str(tm.function("get_list_opt").returns) == "list[object]"  # str.split() or list(list/tuple)
    # nothing types `describe`'s keywords but callers of several types: object
    assert [str(p.py_type) for p in tm.function("describe").params] == ["dict[str, object]"]
    assert not [d for f in tm.functions for d in f.diagnostics]


def test_dynamic_values_join_only_what_a_pyobj_holds() -> None:
    assert T.unify(T.DYN, T.STR) == T.DYN
    assert T.unify(T.list_of(T.STR), T.list_of(T.DYN)) == T.list_of(T.DYN)
    assert T.unify(T.DYN, T.class_type("m", "C")) is None  # a class is no PyObj variant
    assert str(T.DYN) == "object"


def test_isinstance_chains_match_on_the_variants() -> None:
    code, out, _ = _lowered(SRC)
    bool_opt = code["get_bool_opt"]
    # a missing key gives the default as a PyObj
    assert "options.get(optname).cloned().unwrap_or_else(|| crate::pyrt::PyObj::from(default))" in bool_opt
    # isinstance(x, bool) first; isinstance(x, int) then holds only ints; `not isinstance(x, str)`
    # takes every other variant; the rest of the chain runs with x a str
    assert "crate::pyrt::PyObj::Bool(string) => {\nreturn Ok(*string);" in bool_opt
    assert "crate::pyrt::PyObj::Int(string) => {\nreturn Ok(*string != 0);" in bool_opt
    assert ("crate::pyrt::PyObj::None | crate::pyrt::PyObj::Float(_) | crate::pyrt::PyObj::List(_) | "
            "crate::pyrt::PyObj::Tuple(_) | crate::pyrt::PyObj::Dict(_) => {") in bool_opt
    # `string.lower() in ('1', 'yes', ...)`: an array of &str (branch unanno5; before, a tuple of Strings)
    assert 'crate::pyrt::PyObj::Str(string) => {\nif ["1", "yes", "true", "on"].contains(&string.to_lowercase().as_str())' in bool_opt
    assert "crate::pyrt::PyRepr::py_repr(&string)" in bool_opt  # {string!r}: the held value's repr
    # int() of a dynamic value raises what Python raises (caught by the except clauses)
    assert "match string.to_int() {" in code["get_int_opt"]
    assert 'if __e3.kind == "TypeError"' in code["get_int_opt"]
    # list() of a list or tuple: its items; str.split()'s strs become PyObj values
    assert "val.to_list()" in code["get_list_opt"]
    assert ".map(|__x| crate::pyrt::PyObj::from(__x))" in code["get_list_opt"]
    # a str method of a value not narrowed: the str's, Python's AttributeError for the others;
    # `in` a list of strs compares with Python's `==`
    choice = code["get_choice_opt"]
    assert "crate::pyrt::PyObj::Str(__s1) => Ok(__s1.to_lowercase())" in choice
    assert "object has no attribute 'lower'" in choice
    assert "if !allowed.iter().any(|__x3| *__x3 == string) {" in choice
    assert "string = crate::pyrt::PyObj::from(" in choice  # the str stored back as a PyObj
    # stored or passed on: no conversion at all
    assert "self.options = options.clone();" in code["Lexer.__init__"]
    # callers build the dict of PyObj values (None, a list of a union's values)
    assert '("encoding".to_string(), crate::pyrt::PyObj::None)' in code["make_lexer"]
    assert "let __u: crate::pyrt::IntOrStr = __x;" in code["make_lexer"]
    assert "crate::pyrt::IntOrStr::Str(__m) => crate::pyrt::PyObj::from(__m)" in code["make_lexer"]
    # `f(**d)` of a dict of strs into `**options` of dynamic values: a new dict of PyObj values
    assert "describe(&crate::pyrt::PyObj::dict_from(d))" in code["spread"]
    assert not [d for d in out.diagnostics if d.code.startswith("PTL1")], out.diagnostics


# ---------------------------------------------------------------- with cargo

CONFIG = VerifyConfig(generated_per_function=12, python_timeout_s=0.5, rust_timeout_s=2.0)


@pytest.fixture(scope="module")
def verified(tmp_path_factory, toolchain):
    root = tmp_path_factory.mktemp("dynval_repo")
    pkg = root / "repo" / "dynpkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "dynval_lib.py").write_text(SRC, encoding="utf-8")
    (pkg / "dynval_sub.py").write_text(SUB.read_text(encoding="utf-8"), encoding="utf-8")
    return translate_path(pkg, root / "crate", toolchain, build=False, verify=True, verify_config=CONFIG)


@needs_cargo
def test_every_dynamic_value_function_is_verified_against_cpython(verified) -> None:
    assert verified.crate.compiles, verified.report
    fns = {f["qualname"]: f for m in verified.report["modules"] for f in m["functions"]}
    expected = {"get_bool_opt", "get_int_opt", "get_list_opt", "get_choice_opt", "choose", "describe", "spread", "make_lexer", "bad_tabsize", "Lexer.summary",
                "strict", "make_strict", "flag_of"}
    assert expected <= set(fns)
    bad = {q: (fns[q]["status"], fns[q].get("reason")) for q in expected if fns[q]["status"] != "verified"}
    assert not bad, bad
