"""Callers of stubs and lean inherited copies, without cargo (portalis/stub_callers.py,
portalis/lower/module.py): lowering records what each item calls; a translated function that
calls a `todo!()` stub is made a stub too (PTL137 naming the callee and the first stub's own
reason), across modules, to a fixed point; an inherited method that is not lowered for a class
has no Rust at all (a record with its reason), and a call of it from another module is refused
the same way. The crate-level behaviour (compiled, verified) is in tests/test_translate_bases.py
and tests/test_verify_methods.py."""

from __future__ import annotations

from portalis.lower.module import lower_module
from portalis.model import Diagnostic, FunctionStatus, ModuleTranslation, RustItem
from portalis.names import resolve_all
from portalis.parse import parse_source, source_module_from_text
from portalis.stub_callers import CODE, refuse_stub_callers
from portalis.typemap import build_type_map

BASE = '''
class Base:
    def __init__(self, width: int):
        self.width = width

    def area(self, h: int) -> int:
        return self.width * h

    def broken(self) -> int:
        mixed = {1: "a", "b": 2}
        return self.width

    def loose(self, x):
        return x


def broken(x: int) -> int:
    mixed = {1: "a", "b": 2}
    return x


def may_break(x: int) -> int:
    if x < 0:
        return broken(x)
    return x * 2
'''

KIDS = '''
from pkg.base import Base


class Kid(Base):
    def double(self) -> int:
        return self.width * 2
'''

USER = '''
from pkg.base import may_break
from pkg.kids import Kid


def area_of(k: Kid) -> int:
    return k.area(2)


def broken_of(k: Kid) -> int:
    return k.broken()


def chained(x: int) -> int:
    return may_break(x) + 1


def made() -> int:
    return Kid(3).double()
'''

MODULES = {"pkg.base": BASE, "pkg.kids": KIDS, "pkg.user": USER}


def _lowered() -> dict[str, ModuleTranslation]:
    parsed = {m: parse_source(source_module_from_text(m, src), src) for m, src in MODULES.items()}
    maps = resolve_all({m: build_type_map(p) for m, p in parsed.items()})
    return {m: lower_module(p, maps[m], maps, None) for m, p in parsed.items()}


def _refused(translations: dict[str, ModuleTranslation]) -> tuple[dict[str, list[RustItem]], dict[str, list[Diagnostic]]]:
    items = {m: [it.model_copy() for it in t.items] for m, t in translations.items()}
    out: dict[str, list[Diagnostic]] = {m: [] for m in translations}
    refuse_stub_callers(items, {m: t.diagnostics for m, t in translations.items()}, out)
    return items, out


def _item(items: list[RustItem], name: str) -> RustItem:
    return next(it for it in items if it.name == name)


def test_lowering_records_what_each_item_calls() -> None:
    t = _lowered()
    user = t["pkg.user"]
    assert _item(user.items, "area_of").calls == ["pkg.kids:Kid.area"]  # the subclass's copy, where it is
    assert _item(user.items, "broken_of").calls == ["pkg.kids:Kid.broken"]
    assert _item(user.items, "chained").calls == ["pkg.base:may_break"]  # through the import
    assert _item(user.items, "made").calls == ["pkg.kids:Kid.double", "pkg.kids:Kid.new"]
    assert _item(t["pkg.base"].items, "may_break").calls == ["pkg.base:broken"]
    assert _item(t["pkg.base"].items, "Base.new").calls == ["pkg.base:Base.__init__"]


def test_an_inherited_copy_that_does_not_lower_has_no_rust() -> None:
    """`Kid.broken` (Base's body, which does not lower) and `Kid.loose` (no typed signature):
    records without code, their reason kept on the record, and no diagnostic per subclass (the
    `def` is reported on `Base`). The copies that lower are emitted as before."""
    kids = _lowered()["pkg.kids"]
    for name, why in (("Kid.broken", "PTL113: inherited from `pkg.base.Base`, not translated for `Kid`"),
                      ("Kid.loose", "PTL190: `loose` is inherited from `pkg.base.Base`: no typed signature")):
        it = _item(kids.items, name)
        assert it.code == "" and it.stub is None and it.status is FunctionStatus.UNTRANSLATED, it
        assert it.stub_reason is not None and it.stub_reason.startswith(why), it.stub_reason
        assert it.kind == "struct"  # not a row of the report
    rust = "".join(it.code for it in kids.items)
    assert "fn broken" not in rust and "fn loose" not in rust and "todo!" not in rust
    assert "pub fn area(&self, h: i64) -> i64" in rust and "pub fn new(width: i64) -> Self" in rust
    assert not [d for d in kids.diagnostics if d.function in ("Kid.broken", "Kid.loose")]


def test_callers_of_stubs_are_refused_across_modules_to_a_fixed_point() -> None:
    items, out = _refused(_lowered())
    user, base = items["pkg.user"], items["pkg.base"]
    # a call of an inherited copy that has no Rust: refused, with the copy's reason
    said = {d.function: d for ds in out.values() for d in ds}
    assert said["broken_of"].code == CODE
    assert said["broken_of"].message.startswith("calls `pkg.kids.Kid.broken`, which is not translated (PTL113: inherited from")
    # transitively: may_break calls the stub `broken`; chained calls may_break
    assert said["may_break"].message == "calls `broken`, which is not translated (PTL113: a display mixes int and str)"
    assert said["chained"].message == ("calls `pkg.base.may_break`, which is not translated: it calls `pkg.base.broken` "
                                       "(PTL113: a display mixes int and str)")
    for it in (_item(user, "broken_of"), _item(user, "chained"), _item(base, "may_break")):
        assert it.status is FunctionStatus.UNTRANSLATED and it.stub is None
        # its Rust is its stub: no body reaching a todo!() at run time
        assert "calls `" in it.code and "(PTL137)" in it.code and it.code.count("todo!(") == 1, it.code
    # what calls translated code only is untouched
    for name in ("area_of", "made"):
        assert _item(user, name).status is FunctionStatus.TRANSLATED and "todo!" not in _item(user, name).code
    assert set(said) == {"broken_of", "may_break", "chained"}


def test_a_quarantined_callee_and_items_outside_the_report() -> None:
    """A function rustc quarantined (compile_error) is a stub for its callers too; an item that is
    not a row of the report (an inherited copy, `new` on an inherited `__init__`) is made a stub
    without a diagnostic of its own, and its callers name it."""
    items = {
        "a": [RustItem(name="f", kind="fn", code="fn f() {}", python_line=1, status=FunctionStatus.COMPILE_ERROR,
                       stub='pub fn f() {\n    todo!("portalis: `f` was quarantined: rustc rejected its translation")\n}\n')],
        "b": [RustItem(name="K.m", kind="struct", code="impl K { pub fn m(&self) { crate::a::f() } }", python_line=2,
                       calls=["a:f"], stub='impl K {\n    pub fn m(&self) {\n        todo!("portalis: `K.m` was quarantined: rustc rejected its translation")\n    }\n}\n'),
              RustItem(name="g", kind="fn", code="pub fn g(k: &K) { k.m() }", python_line=3, calls=["b:K.m", "nowhere:h"],
                       stub='pub fn g(k: &K) {\n    todo!("portalis: `g` was quarantined: rustc rejected its translation")\n}\n')],
    }
    diags = {"a": [Diagnostic(code="PTL301", message="rustc E0308: mismatched types", module="a", function="f")], "b": []}
    out: dict[str, list[Diagnostic]] = {"a": [], "b": []}
    assert refuse_stub_callers(items, diags, out) == 2
    m, g = items["b"]
    assert m.status is FunctionStatus.UNTRANSLATED and "K.m` calls `a.f`, which is not translated (PTL137)" in m.code
    assert m.stub_reason == f"{CODE}: calls `a.f`, which is not translated (PTL301: rustc E0308: mismatched types)"
    assert [d.function for d in out["b"]] == ["g"]  # K.m is no row of the report
    assert out["b"][0].message == "calls `K.m`, which is not translated: it calls `a.f` (PTL301: rustc E0308: mismatched types)"
    # a fixed point: running it again changes nothing
    assert refuse_stub_callers(items, diags, out) == 0
