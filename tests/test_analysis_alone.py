"""What the analysis (the type map's only inference since the older inference by lowering was
removed) types in unannotated code that only the older inference typed before: one test per
cause found by comparing the functions translated with and without that fallback on the stdlib
and unannotated corpora (benchmarks/inference_gap.py; docs/inference.md, "Closing the gap").
Type maps only: no lowering, no cargo, milliseconds each."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from portalis import typemap
from portalis.analysis.narrowing import not_none_at
from portalis.cst_walk import iter_nodes
from portalis.analysis.uses import end_reachable
from portalis.model import FunctionSignature, ModuleTypeMap
from portalis.types import pytypes as T
from portalis.parse import parse_source, source_module_from_text


def _type_map(source: str, monkeypatch: pytest.MonkeyPatch) -> ModuleTypeMap:
    source = textwrap.dedent(source)
    parsed = parse_source(source_module_from_text("sample", source), source)
    assert parsed.ok, parsed.diagnostics
    return typemap.build_type_map(parsed)


def _sig(tm: ModuleTypeMap, qualname: str) -> FunctionSignature:
    for s in tm.functions + [m for c in tm.classes for m in c.methods]:
        if s.qualname == qualname:
            return s
    raise KeyError(qualname)


def _types(sig: FunctionSignature) -> dict[str, str]:
    return {p.name: str(p.py_type) for p in sig.params} | {"return": str(sig.returns)}


def test_none_default_rebound_to_a_value_read_from_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """bisect: `hi=None`, `hi = len(a)`, then `hi = mid` with `mid = (lo + hi) // 2` in the loop:
    `mid` is typed only once `hi` is, so the analysis supposes hi holds what its typed rebinding
    gives and checks every rebinding against it; the loop keeps hi narrowed (not None)."""
    tm = _type_map("""
        def bisect_left(a, x, lo=0, hi=None):
            if lo < 0:
                raise ValueError('lo must be non-negative')
            if hi is None:
                hi = len(a)
            while lo < hi:
                mid = (lo + hi) // 2
                if a[mid] < x:
                    lo = mid + 1
                else:
                    hi = mid
            return lo
        """, monkeypatch)
    sig = _sig(tm, "bisect_left")
    assert not sig.diagnostics, sig.diagnostics
    assert _types(sig) == {"a": "list[T]", "x": "T", "lo": "int", "hi": "Optional[int]", "return": "int"}


def test_rebinding_to_another_type_is_not_supposed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The supposition holds only where every rebinding joins with it: `n = n + 1` confirms an
    int; `n = str(n)` after `n = 3` does not (a str is no int), so that parameter stays open."""
    tm = _type_map("""
        def f(n=None):
            if n is None:
                n = 3
            n = str(n)
            return n

        def g(n=None):
            if n is None:
                n = 3
            else:
                n = n + 1
            return n
        """, monkeypatch)
    assert [p.name for p in _sig(tm, "f").params] == []  # PTL110: not guessed
    assert any("`n`" in d.message for d in _sig(tm, "f").diagnostics)
    assert _types(_sig(tm, "g")) == {"n": "Optional[int]", "return": "int"}


def test_loop_head_keeps_a_name_the_loop_rebinds_to_values_not_none() -> None:
    """narrowing.py: at a loop's head a name stays not None when the loop only assigns it values
    certainly not None; a value that may be None there forgets it."""
    fn = cst.parse_module(textwrap.dedent("""
        def f(hi, lo):
            if hi is None:
                hi = 10
            while lo < hi:
                hi = lo + 1
            return hi
        """)).body[0]
    assert isinstance(fn, cst.FunctionDef)
    ret = fn.body.body[-1].body[0].value  # type: ignore[attr-defined]
    kept = not_none_at(fn, {"hi"}, lambda v, known: type(v) is not cst.Name or v.value != "None")
    assert "hi" in kept.get(id(ret), frozenset())
    forgotten = not_none_at(fn, {"hi"}, lambda v, known: type(v) is cst.Integer)  # `lo + 1` not certain
    assert "hi" not in forgotten.get(id(ret), frozenset())


def test_inherited_method_gets_the_defining_class_completion(monkeypatch: pytest.MonkeyPatch) -> None:
    """A subclass's copy of an inherited method (email's `Word._pp`) has the return type the
    completion learnt for the base's method."""
    tm = _type_map("""
        class TokenList(list):
            token_type = 'list'

            def ppstr(self, indent=''):
                return '\\n'.join(self._pp(indent=indent))

            def _pp(self, indent=''):
                yield '{}{}('.format(indent, self.token_type)
                yield '{})'.format(indent)

        class Word(TokenList):
            token_type = 'word'
        """, monkeypatch)
    assert str(_sig(tm, "TokenList._pp").returns) == "list[str]"
    assert str(_sig(tm, "Word._pp").returns) == "list[str]"
    assert not _sig(tm, "Word._pp").diagnostics


def test_str_added_in_place_types_a_local_from_an_untyped_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """calendar's formatmonth: `s = self.name()` (untyped), then `s += '\\n' * l`: only a str adds
    a str in place, so what is returned is a str."""
    tm = _type_map("""
        class Cal:
            def name(self, n):
                return MONTHS[n]

            def month(self, n, l=1):
                s = self.name(n)
                s += '\\n' * l
                return s
        """, monkeypatch)
    assert str(_sig(tm, "Cal.month").returns) == "str"


def test_parameter_retyped_by_repetition_before_the_returns(monkeypatch: pytest.MonkeyPatch) -> None:
    """calendar's formatstring: `spacing *= ' '` turns the int into a str before the return."""
    tm = _type_map("""
        def formatstring(cols, colwidth=20, spacing=6):
            spacing *= ' '
            return spacing.join(c.center(colwidth) for c in cols)
        """, monkeypatch)
    sig = _sig(tm, "formatstring")
    assert _types(sig)["spacing"] == "int"
    assert str(sig.returns) == "str"


def test_try_whose_body_and_handlers_return_does_not_fall_off_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """reprlib's `_possibly_sorted`: `try: return sorted(x)` / `except: return list(x)` returns
    a list, not an Optional one; a handler that falls through makes the end reachable."""
    def reach(src: str) -> bool | None:
        fn = cst.parse_module(textwrap.dedent(src)).body[0]
        return end_reachable(fn.body.body)  # type: ignore[attr-defined]

    assert reach("""
        def f(x):
            try:
                return sorted(x)
            except Exception:
                return list(x)
        """) is False
    assert reach("""
        def f(x):
            try:
                return sorted(x)
            except Exception:
                pass
        """) is True
    assert reach("""
        def f(x):
            while True:
                if x:
                    return 1
        """) is False
    tm = _type_map("""
        def f(x):
            try:
                return sorted(x)
            except Exception:
                return list(x)
        """, monkeypatch)
    assert str(_sig(tm, "f").returns) == "list[T]"


def test_assert_isinstance_pins_the_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    """quopri's `ishex`: `assert isinstance(c, bytes)` first: every call getting past it passes bytes."""
    tm = _type_map("""
        def ishex(c):
            assert isinstance(c, bytes)
            return b'0' <= c <= b'9' or b'a' <= c <= b'f'
        """, monkeypatch)
    assert _types(_sig(tm, "ishex")) == {"c": "bytes", "return": "bool"}


def test_parameter_rebound_by_unpacking_keeps_its_earlier_uses(monkeypatch: pytest.MonkeyPatch) -> None:
    """urllib.parse's `_splituser`: `user, delim, host = host.rpartition('@')` reads the argument
    (a str) before rebinding it."""
    tm = _type_map("""
        def _splituser(host):
            user, delim, host = host.rpartition('@')
            return (user if delim else None), host
        """, monkeypatch)
    assert _types(_sig(tm, "_splituser")) == {"host": "str", "return": "tuple[Optional[str], str]"}


def test_star_args_typed_from_what_the_body_does_with_the_elements(monkeypatch: pytest.MonkeyPatch) -> None:
    """tokenize's `group(*choices)`: `'|'.join(choices)` makes each argument a str."""
    tm = _type_map("""
        def group(*choices):
            return '(' + '|'.join(choices) + ')'
        """, monkeypatch)
    sig = _sig(tm, "group")
    assert [(p.name, str(p.py_type), p.variadic) for p in sig.params] == [("choices", "list[str]", True)]


def test_element_with_a_str_method_makes_a_list_of_strs(monkeypatch: pytest.MonkeyPatch) -> None:
    """textwrap's `_wrap_chunks`: `chunks.reverse()` (a list) and `chunks[-1].strip()` (its
    elements are strs)."""
    tm = _type_map("""
        def wrap(chunks, width):
            lines = []
            chunks.reverse()
            while chunks:
                if chunks[-1].strip() == '' and lines:
                    del chunks[-1]
                lines.append(chunks.pop())
            return lines
        """, monkeypatch)
    assert _types(_sig(tm, "wrap"))["chunks"] == "list[str]"


def test_attribute_typed_once_the_completion_types_the_parameter_stored(monkeypatch: pytest.MonkeyPatch) -> None:
    """configparser's SectionProxy: `self._name = name` where `name` is typed only by the
    completion (the module's call passes a str): the attribute, then `return self._name`."""
    tm = _type_map("""
        class Proxy:
            def __init__(self, name):
                self._name = name

            @property
            def name(self):
                return self._name

        def make():
            return Proxy("section")
        """, monkeypatch)
    proxy = next(c for c in tm.classes if c.name == "Proxy")
    assert {f.name: str(f.py_type) for f in proxy.fields} == {"_name": "str"}
    assert str(_sig(tm, "Proxy.name").returns) == "str"


def test_functions_and_constants_imported_from_math(monkeypatch: pytest.MonkeyPatch) -> None:
    """statistics: `from math import exp, sqrt, tau, fabs`: their results are floats, and what
    is passed to fabs is a float, as for `math.fabs`."""
    tm = _type_map("""
        from math import exp, sqrt, tau, fabs

        def pdf(x, mu=0.0, variance=1.0):
            diff = x - mu
            return exp(diff * diff / (-2.0 * variance)) / sqrt(tau * variance)

        def scale(x2):
            return fabs(x2)
        """, monkeypatch)
    assert str(_sig(tm, "pdf").returns) == "float"
    assert _types(_sig(tm, "scale")) == {"x2": "float", "return": "float"}


def test_isinstance_guard_that_raises_pins_the_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    """plistlib's UID: `if not isinstance(data, int): raise TypeError(...)` first: an int (not
    the int-or-float a kind test elsewhere makes), and the attribute storing it too."""
    tm = _type_map("""
        class UID:
            def __init__(self, data):
                if not isinstance(data, int):
                    raise TypeError("data must be an int")
                if data < 0:
                    raise ValueError("UIDs must be positive")
                self.data = data

            def __index__(self):
                return self.data
        """, monkeypatch)
    assert _types(_sig(tm, "UID.__init__")) == {"data": "int", "return": "None"}
    assert str(_sig(tm, "UID.__index__").returns) == "int"


def test_uses_read_again_once_the_completion_types_what_they_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """ipaddress's `subnet_of(self, other)`: `self._is_subnet_of(self, other)`, whose parameters
    the completion types from the module's calls; the use then types `other`."""
    tm = _type_map("""
        class Net:
            def __init__(self, size):
                self.size = size

            @staticmethod
            def _is_subnet_of(a, b):
                return b.size <= a.size

            def subnet_of(self, other):
                return self._is_subnet_of(self, other)

            def supernet_of(self, other):
                return self._is_subnet_of(other, self)

        def check():
            return Net(8).subnet_of(Net(16))
        """, monkeypatch)
    assert _types(_sig(tm, "Net._is_subnet_of")) == {"a": "Net", "b": "Net", "return": "bool"}
    assert _types(_sig(tm, "Net.subnet_of"))["other"] == "Net"


def test_list_attribute_elements_from_what_the_methods_do_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """tokenize's Untokenizer: `self.tokens = []`, appends of values nothing types, and
    `"".join(self.tokens)`: a list of strs (the attribute's uses, as a parameter's)."""
    tm = _type_map("""
        class Untokenizer:
            def __init__(self):
                self.tokens = []

            def untokenize(self, iterable):
                for t in iterable:
                    token, start = t
                    self.tokens.append(token)
                return "".join(self.tokens)
        """, monkeypatch)
    c = next(c for c in tm.classes if c.name == "Untokenizer")
    assert {f.name: str(f.py_type) for f in c.fields} == {"tokens": "list[str]"}


def test_optional_name_returned_where_the_flow_does_not_narrow_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """email's `Message.get`: `return failobj` (None by default) beside the found values: the
    returns are evaluated with narrowing, so an Optional read there is what is returned."""
    tm = _type_map("""
        def get(headers, name, failobj=None):
            for k in headers:
                if k.lower() == name:
                    return k
            return failobj

        def use(headers):
            return get(headers, "a", "b")
        """, monkeypatch)
    assert str(_sig(tm, "get").returns) == "Optional[str]"


def test_default_naming_a_module_constant_types_the_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    """configparser: `default_section=DEFAULTSECT` (a str constant) types the parameter, the
    attribute storing it, and what is compared with the attribute (`key == self.default_section`)."""
    tm = _type_map("""
        DEFAULTSECT = "DEFAULT"

        class P:
            def __init__(self, default_section=DEFAULTSECT):
                self._sections = {}
                self.default_section = default_section

            def has_section(self, section):
                return section in self._sections

            def __contains__(self, key):
                return key == self.default_section or self.has_section(key)
        """, monkeypatch)
    assert _types(_sig(tm, "P.__init__"))["default_section"] == "str"
    assert _types(_sig(tm, "P.__contains__")) == {"key": "str", "return": "bool"}


def test_call_returning_an_optional_is_returned_optional(monkeypatch: pytest.MonkeyPatch) -> None:
    """email's `Message.__getitem__`: `return self.get(name)` where get returns Optional[str]."""
    tm = _type_map("""
        class Message:
            def __init__(self):
                self._headers = [("a", "b")]

            def __getitem__(self, name):
                return self.get(name)

            def get(self, name):
                for k, v in self._headers:
                    if k == name:
                        return v
                return None
        """, monkeypatch)
    assert str(_sig(tm, "Message.get").returns) == "Optional[str]"
    assert str(_sig(tm, "Message.__getitem__").returns) == "Optional[str]"


def test_comparison_guard_is_a_fact_lowering_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """`__eq__(self, other: object)` declining non-Releases first: the type map types `other` as
    the class and records that the first statement is the guard (FunctionFacts.comparison_guard),
    which lowering drops without finding the guard again; `__lt__` without a guard has no fact."""
    tm = _type_map("""
        class Release:
            def __init__(self, major: int) -> None:
                self.major = major

            def __eq__(self, other: object) -> bool:
                \"\"\"Same major.\"\"\"
                if not isinstance(other, Release):
                    return NotImplemented
                return self.major == other.major

            def __lt__(self, other: "Release") -> bool:
                return self.major < other.major
        """, monkeypatch)
    assert _sig(tm, "Release.__eq__").facts.comparison_guard
    assert _types(_sig(tm, "Release.__eq__"))["other"] == "Release"
    assert not _sig(tm, "Release.__lt__").facts.comparison_guard


def test_optional_or_a_value_is_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """email's `Charset.get_output_charset`: `self.output_charset or self.input_charset`, an
    Optional[str] or a str: a str (None is falsy)."""
    tm = _type_map("""
        class Charset:
            def __init__(self, name: str, output: str | None = None) -> None:
                self.input_charset = name
                self.output_charset = output

            def get_output_charset(self):
                return self.output_charset or self.input_charset
        """, monkeypatch)
    assert str(_sig(tm, "Charset.get_output_charset").returns) == "str"


def test_parameter_rebound_by_unpacking_says_nothing_through_its_attribute(monkeypatch: pytest.MonkeyPatch) -> None:
    """datetime's `date.__new__(cls, year, month=None, day=None)`: `year, month, day =
    _check_date_fields(...)` replaces the argument before `self._month = month`, so neither the
    None it may be nor the uses of `self._month` elsewhere say what it is (they made it
    Optional[int], which then flowed to every helper taking a month: 9 functions untranslated).
    The standard library's own datetime.py, about a second."""
    import datetime as stdlib_datetime
    from pathlib import Path

    tm = _type_map(Path(stdlib_datetime.__file__).read_text(encoding="utf-8"), monkeypatch)
    for name in ("_check_date_fields", "_days_in_month", "_ymd2ord", "_build_struct_time", "date.__new__"):
        assert all(p.py_type.kind != "optional" for p in _sig(tm, name).params[:3]), name
    assert _types(_sig(tm, "_days_in_month")) == {"year": "int", "month": "int", "return": "int"}


# ---------------------------------------------------------------- closing the gap (issue 10): the
# causes left when the older inference by lowering was removed from the type map


def test_a_read_only_property_is_read_as_what_it_returns(monkeypatch: pytest.MonkeyPatch) -> None:
    """timedelta.total_seconds: `self.days` reads the `@property def days`, an int."""
    tm = _type_map("""
        class Delta:
            def __init__(self, d, s):
                self._days = d
                self._seconds = s
            @property
            def days(self):
                return self._days
            @property
            def seconds(self):
                return self._seconds
            def total_seconds(self):
                return (self.days * 86400 + self.seconds) / 10**6
        def make():
            return Delta(1, 2)
        """, monkeypatch)
    assert _sig(tm, "Delta.total_seconds").returns == T.FLOAT


def test_formatting_hashing_and_concatenating_give_their_types(monkeypatch: pytest.MonkeyPatch) -> None:
    """plistlib's UID: `'%s(%s)' % (...)` is a str whatever it formats, `hash(...)` an int;
    locale's `langname + '.' + encoding` a str whatever `encoding` is (str + x is a str or raises)."""
    tm = _type_map("""
        class UID:
            def __init__(self, data):
                if not isinstance(data, int):
                    raise TypeError("data must be an int")
                self.data = data
            def __repr__(self):
                return "%s(%s)" % (self.__class__.__name__, repr(self.data))
            def __hash__(self):
                return hash(self.data)
        def replace_encoding(code, encoding):
            encoding = lookup(encoding)
            return code + '.' + encoding
        """, monkeypatch)
    assert _sig(tm, "UID.__repr__").returns == T.STR
    assert _sig(tm, "UID.__hash__").returns == T.INT
    assert _sig(tm, "replace_encoding").returns == T.STR


def test_a_classmethod_called_through_cls_gets_its_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    """ipaddress: `cls._report_invalid_netmask(prefixlen_str)` types the classmethod's parameter."""
    tm = _type_map("""
        class Net:
            @classmethod
            def _report(cls, netmask_str):
                msg = '%r is not a valid netmask' % netmask_str
                raise ValueError(msg)
            @classmethod
            def _prefix(cls, prefixlen_str: str) -> int:
                if not prefixlen_str.isdigit():
                    cls._report(prefixlen_str)
                return int(prefixlen_str)
        """, monkeypatch)
    assert _types(_sig(tm, "Net._report"))["netmask_str"] == "str"


def test_a_method_of_a_class_held_in_an_attribute(monkeypatch: pytest.MonkeyPatch) -> None:
    """configparser's SectionProxy: `self._parser.has_option(self._name, key)` passes `key` where
    the parser's method takes a str; what that method returns types the call."""
    tm = _type_map("""
        class Parser:
            def __init__(self):
                self._sections = {}
            def has_option(self, section: str, option: str) -> bool:
                return option in self._sections
            def proxy(self, name: str):
                return Proxy(self, name)
        class Proxy:
            def __init__(self, parser, name):
                self._parser = parser
                self._name = name
            def __contains__(self, key):
                return self._parser.has_option(self._name, key)
        """, monkeypatch)
    sig = _sig(tm, "Proxy.__contains__")
    assert _types(sig) == {"key": "str", "return": "bool"}, sig.diagnostics


def test_an_argument_narrowed_where_it_is_passed(monkeypatch: pytest.MonkeyPatch) -> None:
    """plistlib: `if value is not None: value = _escape(value)` passes a str, not an Optional."""
    tm = _type_map("""
        def _escape(text):
            text = text.replace("&", "&amp;")
            return text
        class Writer:
            def simple_element(self, element: str, value: str | None = None) -> None:
                if value is not None:
                    value = _escape(value)
                    print(element, value)
        """, monkeypatch)
    assert _types(_sig(tm, "_escape")) == {"text": "str", "return": "str"}


def test_a_local_is_not_none_before_it_is_bound_and_pairs_narrow() -> None:
    """difflib's `_fancy_replace`: `best_i` bound only to ints in a loop, and `best_i, best_j =
    eqi, eqj` after `if eqi is None: return`: not None where it is passed on. An unbound local
    cannot be read as None; a parameter can."""
    fn = cst.parse_module(textwrap.dedent("""
        def f(a, p=None):
            eqi = None
            for i in a:
                if i:
                    eqi = i
                best_i = i
            if a:
                if eqi is None:
                    return
                best_i, best_j = eqi, 0
            use(best_i, p)
        """)).body[0]
    assert isinstance(fn, cst.FunctionDef)
    not_none = lambda v, known: not (type(v) is cst.Name and v.value == "None") and not (type(v) is cst.Name and v.value not in known | {"i"})  # noqa: E731
    found = not_none_at(fn, {"eqi", "best_i", "p"}, not_none)
    call = next(n for n in iter_nodes(fn) if type(n) is cst.Call and type(n.func) is cst.Name and n.func.value == "use")
    assert "best_i" in found[id(call.args[0].value)]
    assert "p" not in found[id(call.args[0].value)]


def test_a_method_a_metaclass_rewrites_keeps_its_first_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    """pygments' `def analyse_text(text):` in a lexer (a base from another module): called
    through the class with every parameter, so `text` is a parameter the uses type, not the
    instance (the older inference typed it; 46 of pygments' lexers)."""
    tm = _type_map("""
        import re
        from pygments.lexer import RegexLexer
        class IniLexer(RegexLexer):
            def analyse_text(text):
                npos = text.find('\\n')
                if npos < 3:
                    return False
                return re.search(r'^\\[', text) is not None
        """, monkeypatch)
    assert _types(_sig(tm, "IniLexer.analyse_text")) == {"text": "str", "return": "bool"}


def test_iterators_drawn_by_iter_next_and_islice(monkeypatch: pytest.MonkeyPatch) -> None:
    """more-itertools' `it = iter(iterable)` then `list(it)`, `next(it, default)`,
    `list(islice(it, n))`: the element type flows through the iterator (the older inference by
    lowering typed these; without it the generators' yields were untyped)."""
    tm = _type_map("""
        from itertools import islice

        def split_into(iterable: list[int], sizes: list[int]):
            it = iter(iterable)
            for size in sizes:
                yield list(islice(it, size))

        def rest(iterable: list[str]):
            it = iter(iterable)
            return list(it)

        def first_or(iterable: list[int], default: int):
            return next(iter(iterable), default)

        def head(words: list[str]):
            it = iter(words)
            return next(it)
        """, monkeypatch)
    assert _types(_sig(tm, "rest"))["return"] == "list[str]"
    assert _types(_sig(tm, "first_or"))["return"] == "int"
    assert _types(_sig(tm, "head"))["return"] == "str"
    split = _sig(tm, "split_into")
    assert not split.diagnostics and "list[int]" in str(split.returns), split.returns


# ---------------------------------------------------------------- issue 10, branch `regress`
# What the fallback's removal lost on the PyPI corpora (docs/inference.md, "Regressions closed").


def test_an_attribute_built_by_a_method_whose_result_was_traced(monkeypatch: pytest.MonkeyPatch) -> None:
    """dateutil's parserinfo: `self._jump = self._convert(self.JUMP)`, `_convert` typed only by
    its traced calls (its `lst` is a list of strs in one call and of tuples in another: PTL170).
    The traced result types the attribute, as a declared return would: the completion reads
    returns known beyond the signatures it completes."""
    from portalis.model import ObservedFunction, ObservedType, PyType

    source = textwrap.dedent("""
        class parserinfo(object):
            JUMP = [" ", ".", ",", "at", "on"]
            HMS = [("h", "hour", "hours"), ("m", "minute", "minutes")]

            def __init__(self, dayfirst=False):
                self._jump = self._convert(self.JUMP)
                self._hms = self._convert(self.HMS)
                self.dayfirst = dayfirst

            def _convert(self, lst):
                dct = {}
                for i, v in enumerate(lst):
                    if isinstance(v, tuple):
                        for v in v:
                            dct[v.lower()] = i
                    else:
                        dct[v.lower()] = i
                return dct

            def jump(self, name):
                return name.lower() in self._jump
        """)
    parsed = parse_source(source_module_from_text("sample", source), source)
    traced = {"parserinfo._convert": ObservedFunction(qualname="parserinfo._convert", calls=2,
                                                      returns=[ObservedType(type=T.dict_of(T.STR, T.INT), calls=2, first="t")])}
    tm = typemap.build_type_map(parsed, traced)
    fields = {f.name: str(f.py_type) for c in tm.classes for f in c.fields}
    assert fields["_jump"] == fields["_hms"] == "dict[str, int]"
    assert str(_sig(tm, "parserinfo._convert").returns) == "dict[str, int]"
    without = typemap.build_type_map(parsed)
    assert {f.name: str(f.py_type) for c in without.classes for f in c.fields}["_jump"] != "dict[str, int]"


def test_traced_instances_of_another_modules_class_yield_to_the_own_class_the_body_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """dateutil's `weekday.__eq__(self, other)`: the body reads `other.weekday` and `other.n`,
    which only the module's `weekday` has; the tests passed `dateutil.rrule.weekday`, a
    subclass defined in another module. The policy: the module's own class wins (its
    translation can take only its own class, and its cases are built from it), no PTL170; any
    other disagreement between traced and static evidence stays a conflict."""
    from portalis.model import ObservedFunction, ObservedType, PyType

    source = textwrap.dedent("""
        class weekday:
            def __init__(self, weekday: int, n: int):
                self.weekday = weekday
                self.n = n

            def __eq__(self, other):
                try:
                    if self.weekday != other.weekday or self.n != other.n:
                        return False
                except AttributeError:
                    return False
                return True
        """)
    parsed = parse_source(source_module_from_text("dateutil._common", source), source)

    def traced(t: PyType) -> dict[str, ObservedFunction]:
        return {"weekday.__eq__": ObservedFunction(qualname="weekday.__eq__", calls=3, params={"other": [ObservedType(type=t, calls=3, first="t")]})}

    sig = _sig(typemap.build_type_map(parsed, traced(T.class_type("dateutil.rrule", "weekday"))), "weekday.__eq__")
    assert not sig.diagnostics, sig.diagnostics
    assert sig.params[0].py_type == T.class_type("dateutil._common", "weekday")
    conflict = _sig(typemap.build_type_map(parsed, traced(T.INT)), "weekday.__eq__")
    assert [d.code for d in conflict.diagnostics] == ["PTL170"]


def test_a_property_setter_is_signed_from_its_own_evidence(monkeypatch: pytest.MonkeyPatch) -> None:
    """dateutil's `relativedelta.weeks` setter: signed as `__set_weeks__` from its own evidence
    (its traced `value`), not the getter's (which has no `value`: PTL110 before); the getter's
    `self.weeks` is an int where the setter reads it."""
    from portalis.model import ObservedFunction, ObservedType

    source = textwrap.dedent("""
        class relativedelta(object):
            def __init__(self, days=0, weeks=0):
                self.days = days + weeks * 7

            @property
            def weeks(self):
                return int(self.days / 7.0)

            @weeks.setter
            def weeks(self, value):
                self.days = self.days - (self.weeks * 7) + value * 7
        """)
    parsed = parse_source(source_module_from_text("sample", source), source)
    traced = {"relativedelta.__set_weeks__": ObservedFunction(qualname="relativedelta.__set_weeks__", calls=2,
                                                              params={"value": [ObservedType(type=T.INT, calls=2, first="t")]})}
    tm = typemap.build_type_map(parsed, traced)
    setter = _sig(tm, "relativedelta.__set_weeks__")
    assert not setter.diagnostics, setter.diagnostics
    assert _types(setter) == {"value": "int", "return": "None"}
    assert str(_sig(tm, "relativedelta.weeks").returns) == "int"


def test_replace_with_a_keyword_or_on_a_traced_datetime_is_not_a_str_use(monkeypatch: pytest.MonkeyPatch) -> None:
    """dateutil's tz functions: `dt.replace(tzinfo=None)` was read as `str.replace` and
    conflicted with the traced datetimes (PTL170). A keyword str.replace does not take, or a
    parameter traced as a date/datetime/time (which have `.replace` too), says nothing of str."""
    import datetime

    from portalis.model import ObservedFunction, ObservedType
    from portalis.types.pytypes import LIBRARY_TYPES

    source = textwrap.dedent("""
        def naive(dt):
            return dt.replace(tzinfo=None)

        def shifted(dt, year):
            return dt.replace(year)

        def swapped(s):
            return s.replace("a", "b")
        """)
    parsed = parse_source(source_module_from_text("sample", source), source)
    dt = LIBRARY_TYPES[("datetime", "datetime")]
    traced = {"shifted": ObservedFunction(qualname="shifted", calls=2, params={"dt": [ObservedType(type=dt, calls=2, first="t")],
                                                                               "year": [ObservedType(type=T.INT, calls=2, first="t")]})}
    tm = typemap.build_type_map(parsed, traced)
    assert not any(d.code == "PTL170" for d in _sig(tm, "naive").diagnostics)
    shifted = _sig(tm, "shifted")
    assert not shifted.diagnostics, shifted.diagnostics
    assert str(shifted.params[0].py_type) == str(dt)
    assert _types(_sig(tm, "swapped"))["s"] == "str"  # a str's replace still says str
    assert datetime  # (the library type the tracer names)
