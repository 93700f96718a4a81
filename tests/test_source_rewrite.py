"""The text rewrites before analysis parse a module's text once (portalis/source_rewrite.py)."""

from __future__ import annotations

import ast

import pytest

from portalis import parse as parse_mod
from portalis import source_rewrite
from portalis.parse import parse_source, source_module_from_text

# Every rewrite's cheap guard matches (namedtuple, `except KeyError`, `(list)`, ImportError),
# but none of them changes the text: one parse serves all of them and libcst's parse.
_ALL_GUARDS_NO_CHANGE = '''\
from collections import namedtuple

CACHE = {}


def count(xs: list[int]) -> int:
    return len(xs) + isinstance(xs, (list))


def f(x: int) -> int:
    try:
        import json
    except ImportError:
        pass
    try:
        return CACHE[x]
    except KeyError:
        return namedtuple and x
'''

# The namedtuple rewrite changes the text: the changed text is parsed once more, no other.
_NAMEDTUPLE = '''\
from collections import namedtuple

Point = namedtuple("Point", ["x", "y"])


def norm(p: Point) -> int:
    return p.x + p.y
'''


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = ast.parse

    def counting(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not args and not kwargs:  # a module's text (not the `mode="eval"` pieces)
            calls.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(ast, "parse", counting)
    monkeypatch.setattr(source_rewrite, "_TREES", type(source_rewrite._TREES)())
    monkeypatch.setattr(parse_mod, "_TREES", type(parse_mod._TREES)())  # libcst's per-process cache
    return calls


def test_a_module_whose_rewrites_change_nothing_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counted(monkeypatch)
    parsed = parse_source(source_module_from_text("m", _ALL_GUARDS_NO_CHANGE), _ALL_GUARDS_NO_CHANGE)
    assert parsed.ok
    assert calls == [_ALL_GUARDS_NO_CHANGE]


def test_a_rewritten_module_is_parsed_again_only_after_the_change(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counted(monkeypatch)
    parsed = parse_source(source_module_from_text("m", _NAMEDTUPLE), _NAMEDTUPLE)
    assert parsed.ok and "class Point(NamedTuple)" in parsed.source
    assert calls == [_NAMEDTUPLE, parsed.source]


def test_a_text_that_does_not_parse_is_parsed_once_and_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counted(monkeypatch)
    text = "from collections import namedtuple\ndef f(:\n    pass\n"
    parsed = parse_source(source_module_from_text("m", text), text)
    assert not parsed.ok and parsed.diagnostics[0].code == "PTL001"
    assert calls == [text]
