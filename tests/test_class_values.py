"""A class of the repository named as a value (issue 11, pygments' `super().__init__(HtmlLexer,
PhpLexer, **options)` in ~80 DelegatingLexer subclasses): the function is refused with PTL131
saying so, not PTL135 "`pkg.lexers.HtmlLexer` is not translated in its module", which was false
(the class is translated; its object has no Rust value). Without cargo: the type maps of a
two-module package and lowering."""

from __future__ import annotations

from portalis.lower.module import lower_module
from portalis.model import FunctionStatus
from portalis.names import resolve_all
from portalis.parse import parse_source, source_module_from_text
from portalis.typemap import build_type_map

LEXERS = '''
class HtmlLexer:
    def __init__(self, width: int):
        self.width = width

    def wide(self) -> bool:
        return self.width > 80
'''

USER = '''
from pkg.lexers import HtmlLexer
from pkg import lexers


def make(width: int) -> bool:
    return HtmlLexer(width).wide()


def chosen(width: int) -> bool:
    k = HtmlLexer
    return k(width).wide()


def through_module(width: int) -> bool:
    k = lexers.HtmlLexer
    return k(width).wide()
'''


def _lowered():
    modules = {"pkg.lexers": LEXERS, "pkg.user": USER}
    parsed = {m: parse_source(source_module_from_text(m, src), src) for m, src in modules.items()}
    maps = resolve_all({m: build_type_map(p) for m, p in parsed.items()})
    return lower_module(parsed["pkg.user"], maps["pkg.user"], maps, None)


def test_a_class_named_as_a_value_is_a_class_object() -> None:
    """`k = HtmlLexer` / `k = lexers.HtmlLexer` then `k(width)`: the local is the class object
    (`type[HtmlLexer]`, a one-variant enum), its call the class's constructor. Before
    (branch `tokens`) PTL131 "used as a value", and before that PTL135 "not translated in its
    module", which was false."""
    out = _lowered()
    status = {f.name: f.status for f in out.functions}
    assert status["make"] == FunctionStatus.TRANSLATED  # calling the class: its `new`
    code = {i.name: i.code for i in out.items}
    for name in ("chosen", "through_module"):
        assert status[name] == FunctionStatus.TRANSLATED, out.diagnostics
        assert "crate::pyrt::ClassOfHtmlLexerInPkgLexers::HtmlLexer" in code[name]
        assert "crate::pkg::lexers::HtmlLexer::new(width).wide()" in code[name]


ERRORS = '''
class ErrorToken(Exception):
    pass


def own(options: dict[str, int]) -> bool:
    exc = ErrorToken
    return exc is None


def builtin(options: dict[str, int]) -> bool:
    exc = ValueError
    return exc is None
'''


def test_an_exception_class_named_as_a_value_is_said_to_be_one() -> None:
    parsed = parse_source(source_module_from_text("pkg.errs", ERRORS), ERRORS)
    maps = resolve_all({"pkg.errs": build_type_map(parsed)})
    out = lower_module(parsed, maps["pkg.errs"], maps, None)
    why = {d.function: d for d in out.diagnostics}
    assert why["own"].code == "PTL131", why["own"]
    assert "class `pkg.errs.ErrorToken` used as a value" in why["own"].message
    assert why["builtin"].code == "PTL131", why["builtin"]
    assert "exception class `ValueError` used as a value" in why["builtin"].message


MAKERS = '''
class A:
    def __init__(self, x):
        self.x = x

    def size(self):
        return self.x + 1


class B:
    def __init__(self, x):
        self.x = x

    def size(self):
        return self.x * 2


def make(cls, x):
    return cls(x)


def sized(cls, x: int) -> int:
    return make(cls, x).size()


def use(x: int) -> int:
    return sized(A, x) + make(B, x).size()
'''


def _makers():
    parsed = parse_source(source_module_from_text("sample", MAKERS), MAKERS)
    maps = resolve_all({"sample": build_type_map(parsed)})
    return maps["sample"], lower_module(parsed, maps["sample"], maps, None)


def test_call_sites_passing_classes_type_a_class_object_parameter() -> None:
    """`make(A, x)` and `make(B, x)` (through `sized` too): `cls: type[A | B]`; `cls(x)` makes
    an `A | B` and types each class's `__init__` parameter (no annotation anywhere)."""
    tm, _out = _makers()
    make = tm.function("make")
    assert make is not None and make.typed
    assert str(make.params[0].py_type) == "type[A | B]"
    assert str(make.returns) == "A | B"
    assert str(tm.function("sized").params[0].py_type) == "type[A | B]"
    assert str(tm.cls("A").method("__init__").params[0].py_type) == "int"


def test_a_class_object_is_a_copy_enum_and_calling_it_a_match() -> None:
    _tm, out = _makers()
    assert {f.name: f.status for f in out.functions}["use"] == FunctionStatus.TRANSLATED, out.diagnostics
    code = {i.name: i.code for i in out.items}
    assert "pub fn make(cls: crate::pyrt::ClassOfAOrBInSample, x: i64) -> crate::pyrt::AOrBInSample" in code["make"]
    assert "crate::pyrt::ClassOfAOrBInSample::A => crate::pyrt::AOrBInSample::A(Box::new(A::new(x)))" in code["make"]
    # a method both classes have, on the union their objects make: a match calling each one's
    assert "crate::pyrt::AOrBInSample::B(" in code["sized"] and ".size()" in code["sized"]
    assert "sized(crate::pyrt::ClassOfAOrBInSample::A, x)" in code["use"]
    enum = next(u for i in out.items for u in i.unions if "enum ClassOfAOrBInSample" in u)
    assert "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]" in enum and "A,\nB," in enum


def test_the_harness_draws_each_class_and_writes_its_variant() -> None:
    from portalis.rust.printer import print_expr
    from portalis.rust.values import value_expr
    from portalis.validate.cases import generated_cases
    from portalis.validate.literals import ClassObjectValue, decode_value, encode_value

    tm, _out = _makers()
    sig = tm.function("make")
    cases = generated_cases("sample", sig, {"sample": tm}, 20)
    assert not isinstance(cases, str), cases
    drawn = {decode_value(c.args[0]) for c in cases}
    assert drawn == {ClassObjectValue("sample", "A"), ClassObjectValue("sample", "B")}
    assert encode_value(ClassObjectValue("sample", "B")) == {"classobj": "sample:B"}
    assert print_expr(value_expr(ClassObjectValue("sample", "B"), sig.params[0].py_type)) == "crate::pyrt::ClassOfAOrBInSample::B"


MIXED = '''
class A:
    def __init__(self, x: int):
        self.x = x


def pick(c):
    return c


def one() -> str:
    return pick("a")


def two():
    return pick(A)
'''


def test_a_class_among_other_values_decides_nothing() -> None:
    """`pick("a")` and `pick(A)`: the str types `pick` as before classes were values; the
    caller passing the class is refused where it meets the str slot (PTL113)."""
    parsed = parse_source(source_module_from_text("mixed", MIXED), MIXED)
    maps = resolve_all({"mixed": build_type_map(parsed)})
    assert str(maps["mixed"].function("pick").params[0].py_type) == "str"
    out = lower_module(parsed, maps["mixed"], maps, None)
    status = {f.name: f.status for f in out.functions}
    assert status["pick"] == status["one"] == FunctionStatus.TRANSLATED
    why = {d.function: d for d in out.diagnostics}
    assert why["two"].code == "PTL113" and "type[A]" in why["two"].message
