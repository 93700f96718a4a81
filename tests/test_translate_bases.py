"""A class whose base is not translated with it (issue 11, pygments' `class PythonLexer(RegexLexer)`).
A base in another module of the repository is merged into the class (portalis/inheritance.py):
its fields, class constants and the methods the class does not override are the class's, so a
method calling an inherited method, an object of a class with no `__init__` of its own and the
object's truth value are translated and verified; an inherited method that cannot be lowered
for the class (`Lexer.__init__(**options)`) leaves what calls it (`super().__init__()`)
untranslated with PTL190 naming it. A base outside the repository (`argparse.HelpFormatter`)
keeps the class its own fields and methods: one that reads an inherited attribute is PTL190
naming the member and the base. A metaclass (`class Lexer(metaclass=Meta)`) that names a
method may rewrite it (PTL191), and in a class whose base is not translated a method whose first
parameter is not `self` is one a metaclass may turn into a static method (PTL191). A builtin value
base (`class Tag(str)`) still leaves the class out (PTL140). One crate, verified, for the file."""

from __future__ import annotations

import pytest

from portalis.pipeline import translate_path
from portalis.validate.behaviour import VerifyConfig

from conftest import needs_cargo

pytestmark = needs_cargo

CORE = '''"""Bases of the parsers (like pygments.lexer)."""


class Meta(type):
    """Makes `analyse` a static method (like pygments' LexerMeta)."""

    def __new__(mcs, name, bases, d):
        if 'analyse' in d:
            d['analyse'] = staticmethod(d['analyse'])
        return type.__new__(mcs, name, bases, d)


class Lexer(metaclass=Meta):
    name = None

    def __init__(self, **options):
        self.options = options

    def analyse(text: str) -> float:
        return 0.0

    def tabsize(self, n: int) -> int:
        return n * 4


class Formatter:
    def __init__(self, style: str):
        self.style = style

    def get_style(self) -> str:
        return self.style
'''

PYTHON = '''"""A lexer and formatters deriving from bases of another module."""

import argparse

from .core import Formatter, Lexer


class PyLexer(Lexer):
    name = "Python"
    priority = 2
    aliases = ["python", "py"]
    keywords = {"def": 1, "class": 2}

    def __init__(self, width: int):
        self.width = width
        self.hits = []

    def analyse(text: str) -> float:
        return 1.0 if "def" in text else 0.0

    def score(self, n: int) -> int:
        self.hits.append(n)
        return self.width * n + self.priority

    def label(self) -> str:
        return "lexer " + self.name

    def tabs(self, n: int) -> int:
        return self.tabsize(n) + self.width

    def opts(self) -> int:
        return len(self.options)

    def nonempty(self) -> bool:
        if self:
            return True
        return False

    def known(self, alias: str) -> bool:
        return alias in self.aliases or alias == self.name

    @classmethod
    def weight(cls, word: str) -> int:
        return cls.keywords.get(word, 0) + len(cls.aliases)

    @staticmethod
    def clamp(x: float) -> float:
        return min(max(x, 0.0), 1.0)


class CLexer(Lexer):
    def __init__(self, n: int):
        super().__init__()
        self.n = n

    def twice(self) -> int:
        return self.n * 2


class HtmlFormatter(Formatter):
    def wrap(self, s: str) -> str:
        return "<" + s + ">"


class Tag(str):
    def shout(self) -> str:
        return self.upper()


class Help(argparse.HelpFormatter):
    def indent(self, n: int) -> int:
        return n * 2

    def wide(self) -> int:
        return self._width * 2


def scored(w: int, n: int) -> int:
    lx = PyLexer(w)
    return lx.score(n) + lx.score(1)


def wrapped(s: str) -> str:
    return HtmlFormatter("x").wrap(s)
'''

ASM = '''"""Lexers two modules away from the metaclass (like pygments.lexers.asm's Ca65Lexer)."""

from .python import CLexer


class Ca65(CLexer):
    def analyse(self, text: str) -> float:
        # `Meta` (in core, the base's base's metaclass) makes this a static method: called with
        # the text alone in Python; not the method this `def` says
        return 0.5 if ";" in text else 0.0

    def semis(self, text: str) -> int:
        return text.count(";")
'''

UTIL = '''"""Helpers (like pygments.util)."""


def make_scorer(func):
    """Return a static scoring function that returns float values (pygments' make_analysator)."""
    def score(doc):
        try:
            result = func(doc)
        except Exception:
            return 0.0
        if not result:
            return 0.0
        try:
            return min(1.0, max(0.0, float(result)))
        except (ValueError, TypeError):
            return 0.0
    score.__doc__ = func.__doc__
    return staticmethod(score)


def make_loose(func):
    """Not the analysator's shape: no clamp, no exception caught."""
    def score(doc):
        return float(func(doc))
    return staticmethod(score)
'''

GUESSING = '''"""Metaclasses wrapping `guess` with a function of another module (like pygments.lexer)."""

from .util import make_loose, make_scorer


class GuessMeta(type):
    def __new__(mcs, name, bases, d):
        if 'guess' in d:
            d['guess'] = make_scorer(d['guess'])
        return type.__new__(mcs, name, bases, d)


class LooseMeta(type):
    def __new__(mcs, name, bases, d):
        if 'guess' in d:
            d['guess'] = make_loose(d['guess'])
        return type.__new__(mcs, name, bases, d)


class Guesser(metaclass=GuessMeta):
    def guess(text: str) -> float:
        return 0.0


class Loose(metaclass=LooseMeta):
    pass
'''

GUESSERS = '''"""Guessers in a third module (like pygments.lexers.*): `guess` as its metaclass wraps it."""

from .guessing import Guesser, Loose


class Words(Guesser):
    def guess(text: str) -> bool:
        return "def" in text


class Ratio(Guesser):
    def guess(text: str) -> float:
        if not text:
            return 2.5
        return text.count("a") / len(text) * 3.0 - 0.5


class Count(Guesser):
    def guess(text: str) -> int:
        return text.count(";") - 1


class Parsed(Guesser):
    def guess(text: str) -> float:
        return float(int(text)) / 10.0


class Ini(Guesser):
    def guess(text: str):
        # `False` beside a float (pygments' IniLexer): a bool | float union, per member
        npos = text.find("\\n")
        if npos < 3:
            return False
        if text[0] == "[" and text[npos - 1] == "]":
            return 0.8
        return False


class Maybe(Guesser):
    def guess(text: str):
        if text.startswith("#"):
            return 0.7


class Selfish(Guesser):
    def guess(self, text: str) -> float:
        # called with the text alone: always 0.0 in Python (the TypeError is swallowed)
        return 0.9


class LooseWords(Loose):
    def guess(text: str) -> bool:
        return "def" in text


def untranslated(text: str) -> bool:
    return max(*[len(text), 1]) > 1  # `*xs` into a builtin: PTL150, a typed todo!() stub


class Stubbed(Guesser):
    def guess(text: str) -> float:
        # reaches a `todo!()` stub in Rust: a failure, never swallowed as 0.0
        return 0.5 if untranslated(text) else 0.0
'''

SHAPES = '''"""Bases with fields, an initialiser, methods calling each other through `self`, a chain."""


class Base:
    label = "base"

    def __init__(self, width: int):
        self.width = width
        self.calls = 0

    def area(self, h: int) -> int:
        return self.width * h + self.bonus()

    def bonus(self) -> int:
        return 1

    def describe(self) -> str:
        return self.label + ":" + str(self.width)

    def bump(self) -> int:
        self.calls += 1
        return self.calls


class Mid(Base):
    def bonus(self) -> int:
        return 2
'''

SOLIDS = '''"""Classes deriving from bases of another module."""

from .shapes import Base, Mid


class Square(Base):
    label = "square"

    def __init__(self, width: int, depth: int):
        super().__init__(width)
        self.depth = depth

    def bonus(self) -> int:
        return self.depth

    def volume(self) -> int:
        return self.area(self.width) * self.depth


class Plain(Base):
    def twice(self) -> int:
        return self.width * 2 + self.calls

    def bumped(self) -> int:
        return self.bump() + 10


class Deep(Mid):
    def total(self, h: int) -> int:
        return self.area(h) + self.bonus()


def square_area(w: int, d: int, h: int) -> int:
    return Square(w, d).area(h)


def plain(w: int) -> int:
    p = Plain(w)
    p.bump()
    return p.twice()


def deep(w: int, h: int) -> int:
    return Deep(w).total(h)


def described(w: int) -> str:
    return Square(w, 1).describe() + Plain(w).describe()
'''

# Classes passed as values across modules (portalis/analysis/class_flow.py): `Delegating`'s
# parameters get `type[Dbl | Inc]` from the call sites in pairs.py, the classes from sizers.py.
SIZERS = '''
class Inc:
    def __init__(self, n: int):
        self.n = n

    def size(self) -> int:
        return self.n + 1


class Dbl:
    def __init__(self, n: int):
        self.n = n

    def size(self) -> int:
        return self.n * 2
'''

DELEGATE = '''
class Delegating:
    def __init__(self, root_cls, lang_cls, n: int):
        self.root = root_cls(n)
        self.lang = lang_cls(n)

    def total(self) -> int:
        return self.root.size() * 10 + self.lang.size()


def make(cls, n: int) -> int:
    return cls(n).size()
'''

PAIRS = '''
from parsers.delegate import Delegating, make
from parsers.sizers import Inc
from parsers import sizers


class IncDbl(Delegating):
    def __init__(self, n: int):
        super().__init__(Inc, sizers.Dbl, n)


class DblInc(Delegating):
    def __init__(self, n: int):
        Delegating.__init__(self, sizers.Dbl, Inc, n)


def both(n: int) -> int:
    return IncDbl(n).total() + DblInc(n).total()


def relay(k, n: int) -> int:
    return make(k, n)


def sizes(n: int) -> int:
    return relay(Inc, n) + relay(sizers.Dbl, n)
'''

CONFIG = VerifyConfig(generated_per_function=10, python_timeout_s=0.5, rust_timeout_s=2.0)


@pytest.fixture(scope="module")
def parsers(tmp_path_factory, toolchain):
    root = tmp_path_factory.mktemp("bases_repo")
    pkg = root / "repo" / "parsers"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "core.py").write_text(CORE, encoding="utf-8")
    (pkg / "python.py").write_text(PYTHON, encoding="utf-8")
    (pkg / "asm.py").write_text(ASM, encoding="utf-8")
    (pkg / "util.py").write_text(UTIL, encoding="utf-8")
    (pkg / "guessing.py").write_text(GUESSING, encoding="utf-8")
    (pkg / "guessers.py").write_text(GUESSERS, encoding="utf-8")
    (pkg / "shapes.py").write_text(SHAPES, encoding="utf-8")
    (pkg / "solids.py").write_text(SOLIDS, encoding="utf-8")
    (pkg / "sizers.py").write_text(SIZERS, encoding="utf-8")
    (pkg / "delegate.py").write_text(DELEGATE, encoding="utf-8")
    (pkg / "pairs.py").write_text(PAIRS, encoding="utf-8")
    return translate_path(pkg, root / "crate", toolchain, build=False, verify=True, verify_config=CONFIG)


def _functions(run) -> dict[str, dict]:
    return {f["name"]: f for m in run.report["modules"] for f in m["functions"]}


def test_the_crate_compiles_and_nothing_is_left_behind(parsers) -> None:
    assert parsers.report["crate"]["compiles"] is True
    fns = _functions(parsers)
    # every def of the derived classes is in the report
    for name in ("PyLexer.analyse", "PyLexer.score", "PyLexer.label", "PyLexer.tabs", "PyLexer.opts", "PyLexer.nonempty",
                 "PyLexer.clamp", "CLexer.__init__", "CLexer.twice", "HtmlFormatter.wrap", "Tag.shout"):
        assert name in fns, name
    failed = [name for name, f in fns.items() if f["status"] == "failed"]
    assert failed == [], failed  # `Stubbed.guess` reached a stub: refused now (tested by itself below)


def test_own_methods_of_a_class_with_a_base_in_another_module_are_verified(parsers) -> None:
    """Own fields (`width`, `hits`), own class constants (`priority`, `name` shadowing the base's),
    static methods; the base's initialiser with a dynamic `**options` (`CLexer`'s `super().__init__()`)."""
    fns = _functions(parsers)
    for name in ("PyLexer.__init__", "CLexer.__init__", "CLexer.new", "PyLexer.score", "PyLexer.label", "PyLexer.clamp", "PyLexer.known", "PyLexer.weight",
                 "CLexer.twice", "HtmlFormatter.wrap", "scored"):
        assert fns[name]["status"] == "verified", fns[name]
    rust = (parsers.out_dir / "src" / "parsers" / "python.rs").read_text(encoding="utf-8")
    assert "pub struct PyLexer {" in rust and "pub width: i64," in rust
    # container class attributes: statics next to the struct (Rust has no associated statics)
    assert "pub static PyLexer__aliases: std::sync::LazyLock<Vec<String>>" in rust


def test_a_field_of_the_base_the_own_init_never_sets_is_not_compared(parsers) -> None:
    """`PyLexer`'s own `__init__` never runs `Lexer.__init__`, so a Python PyLexer has no
    `options`, while the struct has the typed field: its objects are compared by the fields its
    own `__init__` sets (`width`, `hits`), and verified (before: untested, "has no attribute
    options"). CLexer runs the base's (`super().__init__()`): `options` is compared there."""
    f = _functions(parsers)["PyLexer.new"]
    assert f["status"] == "verified", f
    assert _functions(parsers)["CLexer.new"]["status"] == "verified"
    # a method reading the field Python never sets is refused (it raises AttributeError there)
    opts = _functions(parsers)["PyLexer.opts"]
    assert opts["status"] == "untranslated" and "`PyLexer.options` is never set" in opts["reason"]["message"], opts
    from portalis.inheritance import _runs_base_init

    assert not _runs_base_init(PYTHON, "PyLexer", "Lexer") and _runs_base_init(PYTHON, "CLexer", "Lexer")


@pytest.mark.parametrize("name", [
    "PyLexer.tabs",       # an inherited method (`self.tabsize(n)`, Lexer's)
    "PyLexer.nonempty",   # the truth value: the merged base defines no __bool__/__len__
    "wrapped",            # no __init__ of its own: `HtmlFormatter("x")` runs Formatter's
    "Help.indent",        # a base outside the repository: the class's own methods still are
])
def test_what_a_base_of_the_repository_provides_is_translated(parsers, name) -> None:
    assert _functions(parsers)[name]["status"] == "verified", _functions(parsers)[name]


def test_inherited_members_are_the_subclass_s_in_rust(parsers) -> None:
    """The base's fields are fields of the struct; its methods are methods of the subclass,
    lowered with `self` the subclass (not counted again as functions of the report)."""
    rust = (parsers.out_dir / "src" / "parsers" / "python.rs").read_text(encoding="utf-8")
    assert "pub struct HtmlFormatter {\n    pub style: String,\n}" in rust
    assert "impl PyLexer {\n    pub fn tabsize(&self, n: i64) -> i64 {" in rust
    assert "PyLexer.tabsize" not in _functions(parsers) and "HtmlFormatter.new" not in _functions(parsers)


@pytest.mark.parametrize("name, member", [
    ("Help.wide", "`Help._width`"),                 # an attribute of a base outside the repository
])
def test_what_the_base_cannot_provide_is_a_per_method_diagnostic(parsers, name, member) -> None:
    f = _functions(parsers)[name]
    assert f["status"] == "untranslated", f
    assert f["reason"]["code"] == "PTL190" and member in f["reason"]["message"], f


def test_a_method_a_metaclass_may_rewrite_is_not_translated(parsers) -> None:
    """`Meta` names `analyse` (it makes it a static method): `Lexer.analyse` and, in the derived
    class of another module, the `analyse(text)` whose first parameter is not `self`; the other
    methods of `Lexer` are translated (the metaclass keyword no longer hides the question)."""
    fns = _functions(parsers)
    assert fns["Lexer.analyse"]["reason"]["code"] == "PTL191" and "`Meta`" in fns["Lexer.analyse"]["reason"]["message"]
    assert fns["PyLexer.analyse"]["reason"]["code"] == "PTL191"
    assert fns["Lexer.tabsize"]["status"] == "verified"


def test_a_method_the_metaclass_of_a_base_in_another_module_names_is_not_translated(parsers) -> None:
    """`Ca65(CLexer)`, CLexer in another module deriving from `Lexer(metaclass=Meta)` in a third:
    `def analyse(self, text)` has `self` first, but `Meta` (found through the bases' modules)
    names `analyse`, so it is PTL191 naming the metaclass and the base (pygments' Ca65Lexer was
    translated as a method, while Python calls it with the text alone); its other method is not."""
    fns = _functions(parsers)
    f = fns["Ca65.analyse"]
    assert f["status"] == "untranslated" and f["reason"]["code"] == "PTL191", f
    assert "`Meta`" in f["reason"]["message"] and "`parsers.core.Lexer`" in f["reason"]["message"], f
    assert fns["Ca65.semis"]["status"] == "verified", fns["Ca65.semis"]


def test_a_builtin_value_base_still_leaves_the_class_out(parsers) -> None:
    f = _functions(parsers)["Tag.shout"]
    assert f["status"] == "untranslated" and f["reason"]["code"] == "PTL140" and "`str`" in f["reason"]["message"]


@pytest.mark.parametrize("name", ["Guesser.guess", "Words.guess", "Ratio.guess", "Count.guess", "Parsed.guess", "Ini.guess", "Maybe.guess"])
def test_a_method_a_metaclass_wraps_in_an_analysator_is_verified_wrapped(parsers, name) -> None:
    """`GuessMeta.__new__` does `d['guess'] = make_scorer(d['guess'])`, `make_scorer` (another
    module) of pygments' `make_analysator` shape: `guess(text)` is, through the class, a static
    `(text) -> float` in 0..1, 0.0 on an exception (`int('')` in Parsed) or a falsy result. The
    body is translated as written and wrapped; Python's side calls `C.guess(text)`, the wrapped one."""
    f = _functions(parsers)[name]
    assert f["status"] == "verified", f
    rust = (parsers.out_dir / "src" / "parsers" / "guessers.rs").read_text(encoding="utf-8")
    assert "fn guess_unwrapped(text: &str) -> bool {" in rust and "pub fn guess(text: &str) -> f64 {" in rust
    assert "crate::pyrt::caught(|| Self::guess_unwrapped(text))" in rust


@pytest.mark.parametrize("name, why", [
    ("Selfish.guess", "`GuessMeta`"),   # takes `self`: Python calls it with the text alone (always 0.0)
    ("LooseWords.guess", "`LooseMeta`"),  # a wrapper of another shape
])
def test_a_wrapped_method_the_wrapper_does_not_cover_stays_refused(parsers, name, why) -> None:
    f = _functions(parsers)[name]
    assert f["status"] == "untranslated" and f["reason"]["code"] == "PTL191" and why in f["reason"]["message"], f


def test_a_wrapped_body_calling_a_stub_is_refused_not_0(parsers) -> None:
    """The wrapper's `except Exception` catches Python exceptions (panics of the translated code),
    not a `todo!()` stub of an untranslated callee. Such a body is not translated at all now
    (PTL137 naming the callee and its reason, portalis/stub_callers.py): before, it compiled,
    reached the stub and showed as a failure; never as 0.0."""
    f = _functions(parsers)["Stubbed.guess"]
    assert f["status"] == "untranslated" and f["reason"]["code"] == "PTL137", f
    assert f["reason"]["message"].startswith("untranslated: calls `untranslated`, which is not translated (PTL"), f


@pytest.mark.parametrize("name", [
    "Square.__init__", "Square.new",   # `super().__init__(width)`: the base's initialiser, then its own field
    "Square.volume",                   # `self.area(...)` (Base's) calls `self.bonus()`: Square's override
    "square_area",                     # an inherited method called from outside the class
    "Plain.twice",                     # no __init__ of its own (Base's, in `plain`); an inherited field
    "plain",                           # an inherited `&mut self` method (`bump`) on a local object
    "Plain.bumped",                    # ... on self: the caller takes `&mut self` too
    "Deep.total", "deep",              # a base of the other module that has a base there (Mid(Base))
    "described",                       # a class constant the subclass redefines (`label`), read by the base's method
])
def test_a_subclass_of_a_base_in_another_module_is_verified(parsers, name) -> None:
    f = _functions(parsers)[name]
    assert f["status"] == "verified", f


def test_an_inherited_method_dispatches_to_the_override(parsers) -> None:
    """Python's `self.bonus()` in Base.area runs the subclass's `bonus`: each subclass has its
    own copy of `area`, whose `self` is the subclass, so the call is the override's."""
    rust = (parsers.out_dir / "src" / "parsers" / "solids.rs").read_text(encoding="utf-8")
    assert "impl Square {\n    pub fn area(&self, h: i64) -> i64 {\n        self.width * h + self.bonus()" in rust
    assert "pub struct Square {\n    pub width: i64,\n    pub calls: i64,\n    pub depth: i64,\n}" in rust
    assert "crate::parsers::solids::Square::label" in rust  # the subclass's constant, by its full path


@pytest.mark.parametrize("name", [
    "make",                            # `cls: type[Dbl | Inc]`, its classes passed from pairs.py (drawn by the harness)
    "Delegating.total",                # fields made by class objects another module passed
    "IncDbl.__init__", "IncDbl.new",   # `super().__init__(Inc, sizers.Dbl, n)`: classes of sizers.py into delegate.py
    "DblInc.__init__",                 # `Delegating.__init__(self, sizers.Dbl, Inc, n)`
    "both",
    "relay", "sizes",                  # a parameter forwarding the classes to `make` (the fixed point)
])
def test_classes_passed_across_modules_are_verified(parsers, name) -> None:
    f = _functions(parsers)[name]
    assert f["status"] == "verified", f
    rust = (parsers.out_dir / "src" / "parsers" / "delegate.rs").read_text(encoding="utf-8")
    assert "pub fn make(cls: crate::pyrt::ClassOfDblOrIncInParsersSizers, n: i64) -> i64" in rust
