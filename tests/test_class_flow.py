"""Classes passed as values, gathered across modules (issue 11; portalis/analysis/class_flow.py):
pygments' ~40 lexer modules hand their classes to `DelegatingLexer.__init__` in lexer.py. Golden
facts of the gather and the type maps it gives, without cargo (the differential calls share the
crate of tests/test_translate_bases.py)."""

from __future__ import annotations

from portalis.analysis.class_flow import PassedClass, passed_classes
from portalis.names import resolve_all
from portalis.parse import parse_source, source_module_from_text
from portalis.typemap import build_type_map
from portalis.types import pytypes as T
from portalis.types.unions import class_object_enum_name, union_of

LEXER = '''
class Lexer:
    def __init__(self, **options):
        self.options = options


class DelegatingLexer(Lexer):
    def __init__(self, _root_lexer, _language_lexer, n: int = 0, **options):
        self.root_lexer = _root_lexer(n)
        self.language_lexer = _language_lexer(n)


def make(cls, n: int) -> int:
    return cls(n).size()
'''

HTML = '''
from pkg.lexer import Lexer


class HtmlLexer(Lexer):
    def __init__(self, n: int):
        self.n = n

    def size(self) -> int:
        return self.n


class HtmlError(Exception):
    pass
'''

PHP = '''
from .lexer import Lexer


class PhpLexer(Lexer):
    def __init__(self, n: int):
        self.n = n

    def size(self) -> int:
        return self.n + 1
'''

TEMPLATES = '''
from pkg.lexer import DelegatingLexer, make
from pkg.html import HtmlLexer, HtmlError
from pkg import php


class HtmlPhpLexer(DelegatingLexer):
    def __init__(self, **options):
        super().__init__(HtmlLexer, php.PhpLexer, **options)


class PhpHtmlLexer(DelegatingLexer):
    def __init__(self, **options):
        DelegatingLexer.__init__(self, php.PhpLexer, _language_lexer=HtmlLexer, **options)


def relay(k, n: int) -> int:
    return make(k, n)


def shadowed(n: int) -> int:
    HtmlLexer = php.PhpLexer
    return make(HtmlLexer, n)


def used(n: int) -> int:
    make(HtmlError, n)
    return relay(HtmlLexer, n)
'''

SOURCES = {"pkg": ("", True), "pkg.lexer": (LEXER, False), "pkg.html": (HTML, False), "pkg.php": (PHP, False),
           "pkg.templates": (TEMPLATES, False)}


def _classes(found: list[PassedClass]) -> list[str]:
    return sorted({f"{c.module}.{c.name}" for c in found})


def test_the_gather_follows_super_base_calls_imports_and_forwarded_parameters() -> None:
    got = passed_classes(SOURCES)
    assert set(got) == {"pkg.lexer", "pkg.templates"}
    init = got["pkg.lexer"]["DelegatingLexer.__init__"]
    # `super().__init__(HtmlLexer, php.PhpLexer)` and `DelegatingLexer.__init__(self, php.PhpLexer, _language_lexer=...)`
    assert _classes(init["_root_lexer"]) == ["pkg.html.HtmlLexer", "pkg.php.PhpLexer"]
    assert _classes(init["_language_lexer"]) == ["pkg.html.HtmlLexer", "pkg.php.PhpLexer"]
    assert [(c.site_module, c.line) for c in init["_root_lexer"]] == [("pkg.templates", 9), ("pkg.templates", 14)]
    # `relay(HtmlLexer)` passes it on to `make`: the fixed point over forwarded parameters; an
    # exception class (`make(HtmlError)`) and a local rebinding a class's name pass nothing
    assert _classes(got["pkg.lexer"]["make"]["cls"]) == ["pkg.html.HtmlLexer"]
    assert _classes(got["pkg.templates"]["relay"]["k"]) == ["pkg.html.HtmlLexer"]


def test_a_module_s_own_class_from_its_own_call_site_is_left_to_its_analysis() -> None:
    src = {"m": ("class A:\n    pass\n\n\ndef make(cls):\n    return cls()\n\n\ndef use():\n    return make(A)\n", False)}
    assert passed_classes(src) == {}
    src["other"] = ("from m import A, make\n\n\ndef use():\n    return make(A)\n", False)
    assert _classes(passed_classes(src)["m"]["make"]["cls"]) == ["m.A"]


def _maps():
    passed = passed_classes(SOURCES)
    parsed = {m: parse_source(source_module_from_text(m, text).model_copy(update={"is_package": pkg}), text)
              for m, (text, pkg) in SOURCES.items()}
    return resolve_all({m: build_type_map(p, None, passed.get(m)) for m, p in parsed.items()})


def test_the_type_map_joins_classes_of_several_modules() -> None:
    maps = _maps()
    lexer = maps["pkg.lexer"]
    make = lexer.function("make")
    assert [(p.name, str(p.py_type), p.rust_type) for p in make.params] == [
        ("cls", "type[HtmlLexer]", "crate::pyrt::ClassOfHtmlLexerInPkgHtml"), ("n", "int", "i64")]
    assert "passed from pkg.templates" in str(make.params[0].provenance[0])
    init = lexer.cls("DelegatingLexer").method("__init__")
    assert {p.name: str(p.py_type) for p in init.params if p.name.startswith("_")} == {
        "_root_lexer": "type[HtmlLexer | PhpLexer]", "_language_lexer": "type[HtmlLexer | PhpLexer]"}
    fields = {f.name: str(f.py_type) for f in lexer.cls("DelegatingLexer").fields}
    assert fields["root_lexer"] == "HtmlLexer | PhpLexer"
    relay = maps["pkg.templates"].function("relay")
    assert str(relay.params[0].py_type) == "type[HtmlLexer]"


def test_a_set_of_many_classes_has_an_abbreviated_enum_name() -> None:
    """Past four classes the enum is named by the first, the count and a digest of the set."""
    classes = [T.class_type(f"pkg.m{i}", f"L{i}Lexer") for i in range(6)]
    name = class_object_enum_name(T.class_object(union_of(classes)))
    assert name.startswith("ClassOfL0LexerAnd5More") and name.endswith("InPkgM0"), name
    other = class_object_enum_name(T.class_object(union_of(classes[:5] + [T.class_type("pkg.m9", "L9Lexer")])))
    assert other != name and other.startswith("ClassOfL0LexerAnd5More")
    assert class_object_enum_name(T.class_object(union_of(classes[:2]))) == "ClassOfL0LexerOrL1LexerInPkgM0"


def test_a_class_object_called_with_extra_keywords_makes_its_instance() -> None:
    """pygments' `self.root_lexer = _root_lexer(**options)`: the field is the instance whatever
    the arguments (it was the placeholder, PTL112, while a `**` argument made the call untyped)."""
    base = ("class Lexer:\n    def __init__(self, **options):\n        self.options = options\n\n\n"
            "class Delegating(Lexer):\n    def __init__(self, root_cls, **options):\n        self.root = root_cls(**options)\n")
    user = ("from pkg.base import Delegating, Lexer\n\n\nclass Inc(Lexer):\n    pass\n\n\n"
            "class Both(Delegating):\n    def __init__(self, **options):\n        super().__init__(Inc, **options)\n")
    sources = {"pkg.base": (base, False), "pkg.user": (user, False)}
    passed = passed_classes(sources)
    parsed = parse_source(source_module_from_text("pkg.base", base), base)
    tm = build_type_map(parsed, None, passed.get("pkg.base"))
    assert {f.name: str(f.py_type) for f in tm.cls("Delegating").fields}["root"] == "Inc"


def test_a_class_with_no_rust_item_is_left_out_of_the_set() -> None:
    """names.py: `type[A | Gone]` where `Gone` has no item of the crate is `type[A]` (a caller
    passing `Gone` is refused where it meets the slot); with no class left, the placeholder."""
    from portalis.names import Names

    text = "class A:\n    pass\n"
    names = Names({"pkg.a": build_type_map(parse_source(source_module_from_text("pkg.a", text), text))})
    a, gone = T.class_type("pkg.a", "A"), T.class_type("pkg.a", "Gone")
    missing: list[str] = []
    assert names.resolve_type(T.class_object(union_of([a, gone])), missing) == T.class_object(a)
    assert missing == []
    assert names.resolve_type(T.class_object(gone), missing).kind == "opaque" and missing
