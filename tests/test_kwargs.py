"""`**kwargs` parameters and keyword forwarding (issue 11 item 6): the type map types a
`**name` parameter as a dict of str to the extra keywords' type; calls gather the keywords no
other parameter takes into it, in order; `f(**d)` forwards d. Checked without cargo on the
lowered Rust, and once with cargo: tests/data/kwargs_lib.py translated and verified against
CPython (generated dicts called as `f(**d)`; the callers without parameters pass keywords)."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from conftest import needs_cargo, type_map_of

from portalis.lower.module import lower_module
from portalis.parse import parse_source, source_module_from_text
from portalis.pipeline import translate_path
from portalis.validate.behaviour import VerifyConfig
from portalis.validate.worker import _arguments, _in_order

DATA = Path(__file__).parent / "data" / "kwargs_lib.py"
SRC = DATA.read_text(encoding="utf-8")


def _lowered(source: str):
    parsed = parse_source(source_module_from_text("sample", source), source)
    tm = type_map_of(source)
    out = lower_module(parsed, tm, {"sample": tm}, None)
    return {i.name: i.code for i in out.items if i.kind == "fn"}, out, tm


# ---------------------------------------------------------------- without cargo


def test_kwargs_parameter_is_a_dict_of_str_to_its_value_type() -> None:
    tm = type_map_of(SRC)
    total = tm.function("total")
    assert [(p.name, str(p.py_type), p.keywords) for p in total.params] == [
        ("base", "int", False), ("extra", "dict[str, int]", True)]
    # unannotated: the call sites' keyword arguments type it
    lookup = tm.function("lookup")
    assert [(p.name, str(p.py_type), p.keywords) for p in lookup.params] == [("options", "dict[str, int]", True)]
    assert not lookup.diagnostics
    # keyword arguments of several types: a dict of dynamic values (`object`, crate::pyrt::PyObj;
    # before 2026-12-07 a union of them, which the dicts passed on to readers of every caller's
    # options could not share: tests/test_dynval.py)
    shown = tm.function("shown")
    assert [str(p.py_type) for p in shown.params] == ["dict[str, object]"]


def test_calls_gather_extra_keywords_in_order_and_forward_dicts() -> None:
    code, out, _ = _lowered(SRC)
    assert "pub fn total(base: i64, extra: &crate::pyrt::PyDict<String, i64>) -> i64" in code["total"]
    # the keywords no parameter names, in the order written; none: an empty dict
    assert ('keys_of(&vec![("b".to_string(), "2".to_string()), ("a".to_string(), "1".to_string()), '
            '("c".to_string(), "3".to_string())]') in code["ordered"]
    assert "total(5, &crate::pyrt::PyDict::new())" in code["use_total"]
    # named parameters by keyword stay parameters; the rest land in the dict
    assert 'mixed(3, 4, &vec![("z".to_string(), 9)]' in code["call_mixed"]
    # f(**d): d itself; copied when the callee changes its own dict (Python makes a new one)
    assert "mixed(1, 2, d)" in code["spread_named"]
    assert "pub fn take(opts: &mut crate::pyrt::PyDict<String, i64>)" in code["take"]
    assert "take(&mut kw.clone())" in code["relay"]
    # a constructor's **options
    assert 'Settings::new(&vec![("name".to_string(), "a".to_string()), ("colour".to_string(), "red".to_string())]' in code["make_settings"]
    # `Base.__init__(self, **options)` in a subclass: the base's initialiser (before: the
    # subclass's own, a call of itself)
    assert "self.__init_Base__(&options);" in code["Child.__init__"]
    assert not [d for d in out.diagnostics if d.code.startswith("PTL1")], out.diagnostics


BAD = '''
def mixed(a: int, b: int = 2, **rest: int) -> int:
    return a + b + len(rest)


def spread_open(d: dict[str, int]) -> int:
    return mixed(1, **d)


def spread_strs(d: dict[str, str]) -> int:
    return mixed(1, 2, **d)


class Thing:
    def __init__(self) -> None:
        self.n = 1


def options(**kw):
    return len(kw)


def several() -> int:
    return options(a=1, b=Thing())


def nothing(**kw):
    return len(kw)


class A:
    def __init__(self, x: int) -> None:
        self.x = x

    def size(self) -> int:
        return self.x


class B(A):
    def size(self) -> int:
        return A.size(self) + 1
'''


def test_what_cannot_be_gathered_gets_a_precise_diagnostic() -> None:
    code, out, tm = _lowered(BAD)
    by_fn = {(d.function, d.code): d.message for d in [*out.diagnostics, *(d for f in tm.functions for d in f.diagnostics)]}
    # `**d` could fill `b` (its keys are not known here)
    assert "`b`" in by_fn[("spread_open", "PTL174")]
    assert "dict[str, str]" in by_fn[("spread_strs", "PTL174")]
    # keyword arguments of several types, one a class: the dict holds dynamic values (`object`),
    # which a class instance is not, so the caller passing one says why (before: PTL173 on the
    # callee, whatever its other callers passed)
    assert ("options", "PTL173") not in by_fn
    assert "a value of type Thing where a value of any builtin type (object)" in by_fn[("several", "PTL113")]
    # nothing passes it anything: values of any builtin type (before: PTL110)
    assert "pub fn nothing(kw: &crate::pyrt::PyDict<String, crate::pyrt::PyObj>) -> i64" in code["nothing"]
    assert not any(code in ("PTL150", "PTL201") for _, code in by_fn)
    assert "todo!" in code["spread_open"]
    # `A.size(self)` where self's class overrides size: A's is not B's (calling B's would recurse)
    assert "has its own `size`" in by_fn[("B.size", "PTL140")]


def _f(a, b=2, *args, c, **kw):
    return a, b, args, c, kw


def test_worker_calls_with_the_list_spread_and_the_dict_as_keywords() -> None:
    # one value per parameter, in order, as the translation takes them
    positional, named = _in_order(_f, [1, 3, [4, 5], 6, {"x": 7, "y": 8}])
    assert _f(*positional, **named) == (1, 3, (4, 5), 6, {"x": 7, "y": 8})
    # and back: a case's arguments bound as Python binds them, *args a list
    case = {"args_src": ["1"], "kwargs_src": {"c": "6", "z": "9"}, "module": __name__, "namespace": "module"}
    assert _arguments(case, _f) == [1, 2, [], 6, {"z": 9}]
    assert list(inspect.signature(_f).parameters)[-1] == "kw"


# ---------------------------------------------------------------- with cargo

CONFIG = VerifyConfig(generated_per_function=10, python_timeout_s=0.5, rust_timeout_s=2.0)


@pytest.fixture(scope="module")
def verified(tmp_path_factory, toolchain):
    root = tmp_path_factory.mktemp("kwargs_repo")
    pkg = root / "repo" / "kwpkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "kwargs_lib.py").write_text(SRC, encoding="utf-8")
    return translate_path(pkg, root / "crate", toolchain, build=False, verify=True, verify_config=CONFIG)


@needs_cargo
def test_every_kwargs_function_is_verified_against_cpython(verified) -> None:
    assert verified.crate.compiles, verified.report
    fns = {f["qualname"]: f for m in verified.report["modules"] for f in m["functions"]}
    expected = {"total", "use_total", "take", "relay", "use_relay", "keys_of", "ordered", "mixed", "call_mixed",
                "spread_named", "lookup", "use_lookup", "shown", "use_shown", "make_settings", "make_child", "Settings.describe", "Settings.merged"}
    assert expected <= set(fns)
    bad = {q: (fns[q]["status"], fns[q].get("reason")) for q in expected if fns[q]["status"] != "verified"}
    assert not bad, bad
