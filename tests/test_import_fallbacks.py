"""getopt's shape (issue 10, the unannotated corpus), no cargo: a pure-Python fallback of an
optional import (`try: from gettext import gettext as _ except ImportError: def _(s): return s`)
taken as the module's function, a call of an identity function lowered as its argument (the
`%` template stays a literal), a one-line `def` returning its parameter typed without None, and
`raise GetoptError(msg, opt)` whose `__str__` returns the stored `msg`."""

from __future__ import annotations

from portalis.import_fallbacks import take_import_fallbacks

GETOPT_SRC = '''import os
try:
    from gettext import gettext as _
except ImportError:
    # Bootstrapping Python: gettext's dependencies not built yet
    def _(s): return s

class GetoptError(Exception):
    opt = ''
    msg = ''
    def __init__(self, msg, opt=''):
        self.msg = msg
        self.opt = opt
        Exception.__init__(self, msg, opt)

    def __str__(self):
        return self.msg

def short_has_arg(opt, shortopts):
    for i in range(len(shortopts)):
        if opt == shortopts[i] != ':':
            return shortopts.startswith(':', i+1)
    raise GetoptError(_('option -%s not recognized') % opt, opt)

def main():
    return short_has_arg('a', 'a:b')
'''


def _lowered(src: str):
    from conftest import type_map_of
    from portalis.lower.module import lower_module
    from portalis.parse import parse_source, source_module_from_text

    parsed = parse_source(source_module_from_text("sample", src), src)
    tm = type_map_of(src)
    return tm, lower_module(parsed, tm, {"sample": tm}, None)


def test_fallback_functions_stand_at_module_level_on_their_lines() -> None:
    out = take_import_fallbacks(GETOPT_SRC)
    assert out.split("\n")[:6] == ["import os", "", "", "", "", "def _(s): return s"]
    assert len(out.split("\n")) == len(GETOPT_SRC.split("\n"))
    # a handler that binds something else than functions (`re = None`) is Python's choice at
    # run time: left as written
    kept = "try:\n    import re\nexcept ImportError:\n    re = None\n"
    assert take_import_fallbacks(kept) == kept
    # the functions must bind every imported name
    partial = "try:\n    from m import a, b\nexcept ImportError:\n    def a(x):\n        return x\n"
    assert take_import_fallbacks(partial) == partial


def test_getopt_error_with_its_option_and_gettext_template_translate() -> None:
    tm, t = _lowered(GETOPT_SRC)
    underscore = tm.function("_")
    assert underscore is not None and str(underscore.returns) == "str"  # one-line body: no None
    (exc,) = [c for c in tm.classes if c.name == "GetoptError"]
    assert exc.message_arg == 0
    rust = "\n".join(i.code for i in t.items)
    assert 'crate::pyrt::PyErr::new("GetoptError", format!("option -{} not recognized", opt))' in rust, rust
    assert "todo!" not in rust.split("pub fn short_has_arg", 1)[1]
    assert not [d for d in t.diagnostics if d.severity.value == "error"], t.diagnostics


def test_several_arguments_without_a_message_attribute_stay_refused() -> None:
    src = ("class E(Exception):\n    def __str__(self):\n        return 'e ' + self.args[0]\n\n"
           "def f(x: str) -> str:\n    if x:\n        raise E(x, x)\n    return x\n")
    tm, t = _lowered(src)
    assert [c.message_arg for c in tm.classes] == [None]
    assert any(d.code == "PTL121" and d.function == "f" for d in t.diagnostics)


def test_str_index_inside_try_keeps_its_value_error_handler() -> None:
    """getopt's `do_longs`: `try: i = opt.index('=') except ValueError: optarg = None else: ...`
    lowered the panicking `str_index_of` and dropped the handler as dead code (nothing in the
    body raised), so `do_longs([], 'x', ['x'], [])` panicked with ValueError (verification
    failed); inside a try, `index`/`rindex` report the ValueError the handler catches."""
    src = ("def split(opt: str) -> str:\n    try:\n        i = opt.index('=')\n    except ValueError:\n"
           "        return ''\n    else:\n        return opt[i+1:]\n\n"
           "def last(opt: str) -> int:\n    try:\n        return opt.rindex('=', 0, 3)\n    except ValueError:\n        return -1\n")
    _, t = _lowered(src)
    rust = "\n".join(i.code for i in t.items)
    assert "crate::pyrt::try_str_index_of(opt, \"=\", 0)" in rust, rust
    assert "crate::pyrt::try_str_index_in(opt, \"=\", 0, 3, true)" in rust, rust
    assert rust.count('== "ValueError"') == 2 and "todo!" not in rust


def test_exception_str_template_is_the_raised_message() -> None:
    """calendar's `IllegalMonthError(month)`: `__str__` formats what `__init__` stored, so
    `str(e)` is that text, not the argument (ClassSignature.message, lowered at the raise)."""
    src = ('class IllegalMonthError(ValueError):\n    def __init__(self, month):\n        self.month = month\n'
           '    def __str__(self):\n        return "bad month number %r; must be 1-12" % self.month\n\n'
           'def check(month: int) -> int:\n    if not 1 <= month <= 12:\n        raise IllegalMonthError(month)\n    return month\n')
    tm, t = _lowered(src)
    (exc,) = tm.classes
    assert exc.message is not None and exc.message.attrs == {"month": 0} and exc.message_arg is None
    rust = "\n".join(i.code for i in t.items)
    assert 'PyErr::new("IllegalMonthError", format!("bad month number {}; must be 1-12", month))' in rust, rust
    # an argument with effects that the message does not show keeps the old refusal
    src2 = src.replace("raise IllegalMonthError(month)", "raise IllegalMonthError(month, print(1))")
    assert "format!" not in "\n".join(i.code for i in _lowered(src2)[1].items)


def test_branches_the_types_decide_are_the_only_ones_lowered() -> None:
    """getopt's `if type(longopts) == type(""): longopts = [longopts]` and gnu_getopt's
    isinstance form of a list[str] parameter: the branch Python cannot run would not type
    (list[list[str]]), so only the other is lowered; after a decided branch that returns, the
    rest of the block is dead code (never lowered: `memoryview` below needs no translation)."""
    src = ('def g(args: list[str], longopts: list[str] = []) -> list[str]:\n'
           '    if isinstance(longopts, str):\n        longopts = [longopts]\n    else:\n        longopts = list(longopts)\n'
           '    return longopts + args\n\n'
           'def h(args: list[str], longopts: list[str] = []) -> list[str]:\n'
           '    if type(longopts) == type(""):\n        longopts = [longopts]\n    else:\n        longopts = list(longopts)\n'
           '    return longopts + args\n\n'
           'def k(s: str) -> bytes:\n    if isinstance(s, str):\n        return s.encode("ascii")\n'
           '    return memoryview(s).tobytes()\n')
    _, t = _lowered(src)
    assert [i.status.value for i in t.items] == ["translated"] * 3, t.diagnostics
    rust = "\n".join(i.code for i in t.items)
    assert "vec![longopts" not in rust and "memoryview" not in rust and "unreachable!" not in rust, rust


def test_class_constant_named_by_another() -> None:
    """calendar.HTMLCalendar's `cssclasses_weekday_head = cssclasses`: a second name for an
    earlier class constant is a constant with its value."""
    src = ('class HTMLCalendar:\n    cssclasses = ["mon", "tue"]\n    cssclasses_weekday_head = cssclasses\n'
           '    def head(self, day: int) -> str:\n        return self.cssclasses_weekday_head[day]\n')
    tm, t = _lowered(src)
    assert [c.name for c in tm.classes[0].constants] == ["cssclasses", "cssclasses_weekday_head"]
    assert all(i.status.value == "translated" for i in t.items if i.name == "HTMLCalendar.head"), t.diagnostics


def test_bound_pattern_method_is_read_as_its_pattern() -> None:
    """shlex's `_find_unsafe = re.compile(...).search`: the name holds the pattern and each
    call of it calls the method (same lines); a name used otherwise than called is left alone."""
    from portalis.pattern_methods import take_pattern_methods

    src = ("import re\n_find_unsafe = re.compile(r'[^\\w@%+=:,./-]', re.ASCII).search\n\n"
           "def quote(s: str) -> str:\n    if _find_unsafe(s) is None:\n        return s\n    return \"'\" + s + \"'\"\n")
    out = take_pattern_methods(src)
    assert out.split("\n")[1] == "_find_unsafe = re.compile(r'[^\\w@%+=:,./-]', re.ASCII)"
    assert "if _find_unsafe.search(s) is None:" in out and out.count("\n") == src.count("\n")
    _, t = _lowered(src)
    assert all(i.status.value == "translated" for i in t.items), t.diagnostics
    kept = src + "\ncheck = _find_unsafe\n"
    assert take_pattern_methods(kept) == kept


def test_narrowing_kept_through_a_loop_slicing_the_value_itself() -> None:
    """textwrap.dedent's `margin = margin[:i]` in a loop: a slice of the value narrowed from
    Optional keeps it narrowed (the loop's other assignments are not None either)."""
    src = ("def common(indents: list[str]) -> str:\n    margin = None\n    for indent in indents:\n"
           "        if margin is None:\n            margin = indent\n        else:\n"
           "            for i, (x, y) in enumerate(zip(margin, indent)):\n                if x != y:\n"
           "                    margin = margin[:i]\n                    break\n    return margin or ''\n")
    _, t = _lowered(src)
    assert [i.status.value for i in t.items] == ["translated"], t.diagnostics


def test_a_decided_branch_ending_in_a_try_ends_the_function() -> None:
    """base64's `_bytes_from_decode_data` of a str (its traced type): `if isinstance(s, str):`
    is always taken and its try returns or raises on every path, so the rest (`return s`, a str;
    `memoryview(s).tobytes()`) is dead code: the analysis types the return from the live
    return alone (bytes, not PTL110 nor a str | bytes union) and lowering lowers none of it."""
    src = ('bytes_types = (bytes, bytearray)\n\n'
           'def k(s: str):\n    if isinstance(s, str):\n        try:\n            return s.encode("ascii")\n'
           '        except UnicodeEncodeError:\n            raise ValueError("ascii only")\n'
           '    if isinstance(s, bytes_types):\n        return s\n'
           '    try:\n        return memoryview(s).tobytes()\n    except TypeError:\n        raise TypeError("bytes-like") from None\n\n'
           'def g(s: str) -> bytes:\n    return k(s)\n\n'
           'def rebound(s: str, n: int):\n    s = s * n\n    if isinstance(s, str):\n        try:\n'
           '            return s.encode("ascii")\n        except UnicodeEncodeError:\n            raise ValueError("x")\n'
           '    return memoryview(s).tobytes()\n')
    tm, t = _lowered(src)
    assert str(tm.function("k").returns) == "bytes", tm.function("k")
    status = {i.name: i.status.value for i in t.items}
    assert status["k"] == status["g"] == "translated", t.diagnostics
    rust = "\n".join(i.code for i in t.items if i.name in ("k", "g", "rebound"))
    assert "memoryview" not in rust and 'unreachable!("function ended without a return value")' in rust, rust
    # a parameter the body rebinds (still a str, per binding): lowering decides the test from
    # the binding's type; the evidence pass leaves it, and signature completion types the rest
    assert status["rebound"] == "translated" and str(tm.function("rebound").returns) == "bytes"
