"""The analysator shape (pygments' `make_analysator`) and a metaclass's `d[NAME] = F(d[NAME])`
are recognised from source, names free; a look-alike that differs in what it computes is not
(portalis/analysis/metaclass_wraps.py). No cargo."""

from __future__ import annotations

import libcst as cst
import pytest

from portalis.analysis.metaclass_wraps import analysator, metaclass_wraps

PYGMENTS = '''
def make_analysator(f):
    """Return a static text analyser function that returns float values."""
    def text_analyse(text):
        try:
            rv = f(text)
        except Exception:
            return 0.0
        if not rv:
            return 0.0
        try:
            return min(1.0, max(0.0, float(rv)))
        except (ValueError, TypeError):
            return 0.0
    text_analyse.__doc__ = f.__doc__
    return staticmethod(text_analyse)
'''


def _fn(code: str) -> cst.FunctionDef:
    node = cst.parse_module(code).body[0]
    assert isinstance(node, cst.FunctionDef)
    return node


def test_pygments_make_analysator_is_an_analysator() -> None:
    assert analysator(_fn(PYGMENTS))
    renamed = PYGMENTS.replace("text_analyse", "g").replace("rv", "r").replace("(f", "(fn").replace("f(", "fn(").replace("f.__doc__", "fn.__doc__")
    assert analysator(_fn(renamed))


@pytest.mark.parametrize("old, new", [
    ("return 0.0\n        if not", "return 0.5\n        if not"),          # another value on an exception
    ("except Exception:", "except ValueError:"),                          # narrower catch
    ("min(1.0, max(0.0, float(rv)))", "max(0.0, float(rv))"),           # no upper clamp
    ("return staticmethod(text_analyse)", "return text_analyse"),         # not a static method
])
def test_a_look_alike_is_not(old, new) -> None:
    assert old in PYGMENTS
    assert not analysator(_fn(PYGMENTS.replace(old, new, 1)))


def test_the_names_a_metaclass_new_wraps() -> None:
    module = cst.parse_module('''
class Meta(type):
    def __new__(mcs, name, bases, d):
        if 'analyse_text' in d:
            d['analyse_text'] = util.make_analysator(d['analyse_text'])
        d['other'] = wrap(d['different'])
        return type.__new__(mcs, name, bases, d)


class Sub(Meta):
    def __call__(cls, *args):
        return type.__call__(cls, *args)
''')
    nodes = {n.name.value: n for n in module.body if isinstance(n, cst.ClassDef)}
    assert metaclass_wraps("Sub", nodes) == {"analyse_text": "util.make_analysator"}
    assert metaclass_wraps("Elsewhere", nodes) == {}
