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


def test_a_class_named_as_a_value_is_said_to_be_one() -> None:
    out = _lowered()
    status = {f.name: f.status for f in out.functions}
    assert status["make"] == FunctionStatus.TRANSLATED  # calling the class: its `new`
    why = {d.function: d for d in out.diagnostics}
    for name in ("chosen", "through_module"):
        assert status[name] != FunctionStatus.TRANSLATED
        assert why[name].code == "PTL131", why[name]
        assert "class `pkg.lexers.HtmlLexer` used as a value" in why[name].message
        assert "not translated in its module" not in why[name].message


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
