"""Module-level memo caches read as the computation they remember (portalis/memo_caches.py):
pygments.util's `looks_like_xml` (a `_looks_like_xml_cache = {}` filled by the function) and
what must stay as written. Without cargo; tests/test_roots.py verifies the translated function
against CPython."""

from __future__ import annotations

import textwrap

import pytest

from portalis.memo_caches import desugar_memo_caches
from portalis.parse import parse_source, source_module_from_text

CACHED = '''\
import re
tag_re = re.compile(r"<a>")
_cache = {}


def looks(text):
    if not text:
        return False
    key = hash(text)
    try:
        return _cache[key]
    except KeyError:
        m = tag_re.search(text)
        rv = m is not None
        _cache[key] = rv
        return rv
'''

READ_AS = '''\
import re
tag_re = re.compile(r"<a>")
_cache = {}


def looks(text):
    if not text:
        return False




    m = tag_re.search(text)
    rv = m is not None

    return rv
'''


def test_the_cache_is_read_as_its_computation_on_the_same_lines() -> None:
    out = desugar_memo_caches(CACHED)
    assert out == READ_AS
    # keyed by the parameter itself: the same
    by_param = CACHED.replace("    key = hash(text)\n", "    pass\n").replace("[key]", "[text]")
    assert "_cache[" not in desugar_memo_caches(by_param)
    # CRLF lines keep their endings
    crlf = desugar_memo_caches(CACHED.replace("\n", "\r\n"))
    assert crlf == READ_AS.replace("\n", "\r\n")


def test_the_parsed_module_is_the_rewritten_one() -> None:
    parsed = parse_source(source_module_from_text("m", CACHED), CACHED)
    assert parsed.source == READ_AS
    fn = next(f for f in parsed.functions if f.name == "looks")
    assert (fn.line, fn.end_line) == (6, 16)  # the lines as written


@pytest.mark.parametrize("change", [
    # the cache is named elsewhere: cleared, read by another function, declared global
    ("", "\n\ndef reset():\n    _cache.clear()\n"),
    ("", "\n\ndef size():\n    return len(_cache)\n"),
    ("    if not text:\n", "    global _cache\n    if not text:\n"),
    # a second parameter the value may depend on without the key
    ("def looks(text):", "def looks(text, strict):"),
    # the key is read again, the parameter rebound, the key built from something else
    ("        rv = m is not None\n", "        rv = m is not None and key > 0\n"),
    ("    if not text:\n", "    text = text.strip()\n    if not text:\n"),
    ("    key = hash(text)\n", "    key = hash(text.lower())\n"),
    # the store is not right before returning what it stored
    ("        _cache[key] = rv\n        return rv\n", "        _cache[key] = rv\n        return not rv\n"),
    # another exception caught, an `else`, a method rather than a module function
    ("    except KeyError:", "    except LookupError:"),
    ("        return rv\n", "        return rv\n    else:\n        pass\n"),
    # a multi-line string in the handler (dedenting would change it)
    ("        rv = m is not None\n", '        rv = m is not None and """\n""" == ""\n'),
])
def test_what_stays_as_written(change: tuple[str, str]) -> None:
    old, new = change
    src = CACHED + new if not old else CACHED.replace(old, new, 1)
    assert src != CACHED
    assert desugar_memo_caches(src) == src


def test_a_method_or_a_cache_bound_twice_stays() -> None:
    method = "class C:\n" + textwrap.indent(CACHED.split("\n\n\n")[1], "    ").replace("def looks(text)", "def looks(self, text)")
    src = CACHED.split("\n\n\n")[0] + "\n\n\n" + method
    assert desugar_memo_caches(src) == src
    twice = CACHED.replace('_cache = {}\n', '_cache = {}\n_cache = {}\n')
    assert desugar_memo_caches(twice) == twice
