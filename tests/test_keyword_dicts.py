"""`**options` dicts across modules (issue 11, pygments' lexers and formatters): a `**` dict that
leaves its function (passed on, stored, returned) holds dynamic values whatever its own samples
say, traced dicts whose values differ from call to call are `dict[str, object]`, and a dict of
typed values passed where options go is converted (portalis/analysis/keyword_dicts.py). Type maps
and lowering only, no cargo: tests/test_dynval.py translates and verifies dynval_sub.py."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from portalis.analysis.keyword_dicts import escapes, several_value_types
from portalis.lower.module import lower_module
from portalis.model import ObservedFunction, ObservedType
from portalis.names import resolve_all
from portalis.parse import parse_source, source_module_from_text
from portalis.typemap import build_type_map
from portalis.types import pytypes as T

DATA = Path(__file__).parent / "data"


def _fn(src: str) -> cst.FunctionDef:
    node = cst.parse_module(src).body[0]
    assert isinstance(node, cst.FunctionDef)
    return node


def test_how_a_keywords_dict_leaves_its_function() -> None:
    assert escapes(_fn("def f(self, **o):\n    Base.__init__(self, **o)\n"), "o") == "passed on (`Base.__init__(self, **o)`)"
    assert escapes(_fn("def f(**o):\n    return get_bool_opt(o, 'x', False)\n"), "o") == "passed on (`get_bool_opt(o, 'x', False)`)"
    assert escapes(_fn("def f(self, **o):\n    self.options = o\n"), "o") == "stored (`self.options = o`)"
    assert escapes(_fn("def f(**o):\n    return o\n"), "o") == "returned"
    # read where it is, builtins included: its own keyword arguments' type stays
    assert escapes(_fn("def f(**o):\n    if 'x' in o:\n        return o['x'] + len(o)\n    return o.get('y', -1)\n"), "o") is None
    assert escapes(_fn("def f(**o):\n    return sorted(o)\n"), "o") is None
    # handed to the module's own functions, classes or instance methods: their evidence comes
    # from this call (no other module's dict to agree with)
    assert escapes(_fn("def f(self, **o):\n    helper(**o)\n    Base.__init__(self, **o)\n    self.m(o)\n"), "o", {"helper", "Base"}) is None
    assert escapes(_fn("def f(self, **o):\n    super().__init__(**o)\n"), "o", {"Base"}) == "passed on (`super().__init__(**o)`)"


def test_dicts_of_several_value_types_hold_dynamic_values() -> None:
    d = T.dict_of
    assert several_value_types([d(T.STR, T.STR), d(T.STR, T.BOOL), d(T.STR, T.list_of(T.STR))]) == d(T.STR, T.DYN)
    assert several_value_types([d(T.STR, T.STR), d(T.STR, T.STR)]) is None  # one type: that type
    assert several_value_types([d(T.INT, T.STR), d(T.INT, T.BOOL)]) is None  # not options: keys are ints
    assert several_value_types([d(T.STR, T.STR), T.STR]) is None
    assert several_value_types([d(T.STR, T.STR), d(T.STR, T.class_type("m", "C"))]) is None  # a class is no PyObj


SUBCLASS = '''
from pkg.lexer import Lexer
from pkg.util import get_bool_opt


class RubyLexer(Lexer):
    def __init__(self, **options):
        self.flag = get_bool_opt(options, 'flag', False)
        Lexer.__init__(self, **options)


def lookup(**options):
    return options.get('y', -1) + len(options)


def get_int_opt(options, optname, default=None):
    string = options.get(optname, default)
    return int(string)


def get_bool_opt(options, optname, default=None):
    string = options.get(optname, default)
    if isinstance(string, bool):
        return string
    elif isinstance(string, str):
        return string.lower() in ('1', 'yes')
    return False
'''


def _observed(qualname: str, **params: list) -> ObservedFunction:
    return ObservedFunction(qualname=qualname, calls=3, params={p: [ObservedType(type=t, first="test_x") for t in ts] for p, ts in params.items()})


def test_traced_samples_of_one_type_do_not_split_the_options_dicts() -> None:
    """Golden type map: the tracer saw `RubyLexer(style='x')` only (strs) and `get_int_opt` called
    with a dict of strs and a dict of bools; `lookup` with ints, its dict read where it is."""
    parsed = parse_source(source_module_from_text("pkg.ruby", SUBCLASS), SUBCLASS)
    observed = {
        "RubyLexer.__init__": _observed("RubyLexer.__init__", options=[T.STR]),
        "lookup": _observed("lookup", options=[T.INT]),
        "get_int_opt": _observed("get_int_opt", options=[T.dict_of(T.STR, T.STR), T.dict_of(T.STR, T.BOOL)], optname=[T.STR]),
        # the 50 sampled calls passed dicts of strs only; the body's isinstance tests of the
        # values read from it say they are of several types
        "get_bool_opt": _observed("get_bool_opt", options=[T.dict_of(T.STR, T.STR)], optname=[T.STR]),
    }
    tm = build_type_map(parsed, observed)
    init = tm.cls("RubyLexer").method("__init__")
    assert [(p.name, str(p.py_type)) for p in init.params] == [("options", "dict[str, object]")]
    assert "passed on (`Lexer.__init__(self, **options)`), like every dict it meets: values of any type (object)" in str(init.params[0].provenance)
    assert [str(p.py_type) for p in tm.function("lookup").params] == ["dict[str, int]"]
    reader = tm.function("get_int_opt")
    assert [(p.name, str(p.py_type)) for p in reader.params][:2] == [("options", "dict[str, object]"), ("optname", "str")]
    assert "dicts whose values have several types" in str(reader.params[0].provenance)
    assert str(reader.returns) == "int"
    tested = tm.function("get_bool_opt")
    assert [(p.name, str(p.py_type)) for p in tested.params][:2] == [("options", "dict[str, object]"), ("optname", "str")]
    assert "`string` read from it, tested with `isinstance(string, bool)`: values of any type" in str(tested.params[0].provenance)
    assert str(tested.returns) == "bool"


def test_options_handed_to_another_modules_readers_lower_without_ptl113() -> None:
    maps = {}
    parsed = {}
    for module, name in (("dynpkg.dynval_lib", "dynval_lib.py"), ("dynpkg.dynval_sub", "dynval_sub.py")):
        src = (DATA / name).read_text(encoding="utf-8")
        parsed[module] = parse_source(source_module_from_text(module, src), src)
        maps[module] = build_type_map(parsed[module])
    maps = resolve_all(maps)
    sub = maps["dynpkg.dynval_sub"]
    assert [str(p.py_type) for p in sub.function("strict").params] == ["dict[str, object]"]  # was dict[str, str]
    out = lower_module(parsed["dynpkg.dynval_sub"], sub, maps, None)
    code = {i.name: i.code for i in out.items if i.kind == "fn"}
    assert not [d for d in out.diagnostics if d.code.startswith("PTL1")], out.diagnostics
    assert "get_bool_opt(options, \"flag\"" in code["strict"].replace("&options", "options")
    # a dict of strs where the readers take options of any type: a new dict of PyObj values
    assert "crate::pyrt::PyObj::dict_from(&" in code["flag_of"]


def test_a_traced_dict_of_mixed_values_is_a_dict_of_dynamic_values() -> None:
    """pygments' `get_bool_opt` was traced with `{'stripnl': False, 'style': 'x'}` too: such a
    dict was dropped (no one type), and the dicts of strs alone made `options` a `dict[str, str]`."""
    from portalis.analysis.evidence import merge_param
    from portalis.analysis.observed import described_type

    assert str(described_type(["dict", ["str", "str"], ["bool", "str"]], merge_param)) == "dict[str, object]"
    assert str(described_type(["dict", ["str", "str"], ["str", "str"]], merge_param)) == "dict[str, str]"
    assert described_type(["dict", ["int", "int"], ["bool", "str"]], merge_param) is None  # not options
    assert described_type(["dict", ["str", "str"], ["bool", ["class", "m", "C"]]], merge_param) is None  # a class: no PyObj
    assert str(merge_param(T.dict_of(T.STR, T.STR), T.dict_of(T.STR, T.DYN))) == "dict[str, object]"
