"""A class deriving from `list` rewritten as a plain class holding `self.__list__`
(portalis/builtin_bases.py): the text (line for line), the type map, and the harness's
encoding of such an instance. No cargo: the differential tests are
tests/test_translate_list_bases.py."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import type_map_of

from portalis.builtin_bases import DICT_FIELD, LIST_FIELD, desugar_list_bases

SOURCE = '''class Stack(list):
    """A stack."""

    def push(self, x: int) -> None:
        self.append(x)

    def peek(self) -> int:
        return self[-1] if self else 0


class Words(list):
    def __init__(self, text: str):
        super().__init__(text.split())

    def count_of(self, w: str) -> int:
        return len([x for x in self if x == w])


class Shouted(Words):
    def add(self, w: str) -> int:
        self.extend([w])
        return len(self)


class Own(list):
    def __init__(self, n: int):
        self.n = n
        list.__init__(self, range(n))

    def append(self, x: int) -> None:
        super().append(x * self.n)

    def twice(self, x: int) -> None:
        self.append(x)
'''


def test_the_rewrite_keeps_every_line() -> None:
    out = desugar_list_bases(SOURCE)
    assert len(out.splitlines()) == len(SOURCE.splitlines())
    lines = out.splitlines()
    assert lines[0] == "class Stack(object):"
    assert lines[2] == "    def __init__(self): self.__list__ = []"  # the blank line: `Stack()` is empty
    assert lines[4] == "        self.__list__.append(x)"
    assert lines[7] == "        return self.__list__[-1] if self.__list__ else 0"
    assert lines[12] == "        self.__list__ = list(text.split())"
    assert lines[15] == "        return len([x for x in self.__list__ if x == w])"
    assert lines[20] == "        self.__list__.extend([w])"  # a subclass in the module
    assert lines[21] == "        return len(self.__list__)"
    assert lines[27] == "        self.__list__ = list(range(n))"  # `list.__init__(self, ...)`
    assert lines[30] == "        self.__list__.append(x * self.n)"  # `super().append`
    assert lines[33] == "        self.append(x)"  # the class's own `append`


def test_the_struct_holds_the_items_typed_by_the_evidence() -> None:
    classes = {c.name: c for c in type_map_of(SOURCE).classes}
    fields = {name: {f.name: f.rust_type for f in c.fields} for name, c in classes.items()}
    assert fields["Stack"] == {LIST_FIELD: "Vec<i64>"}  # what `push` appends
    assert fields["Words"] == {LIST_FIELD: "Vec<String>"}  # `str.split()`'s items
    assert fields["Shouted"] == {LIST_FIELD: "Vec<String>"}  # inherited
    assert fields["Own"] == {"n": "i64", LIST_FIELD: "Vec<i64>"}
    assert all(not c.diagnostics for c in classes.values())


def test_forwarded_arguments_are_the_form_built_with_none() -> None:
    """`def __init__(self, *args, **kw): super().__init__(*args, **kw)` (email's TokenList,
    dateutil's _ymd): the parameters go, the items start empty; a call passing items is refused
    where it is made."""
    source = '''class TokenList(list):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.defects = []
'''
    out = desugar_list_bases(source).splitlines()
    assert out[1:3] == ["    def __init__(self):", "        self.__list__ = []"]


def test_what_the_rewrite_cannot_reproduce_stays_ptl140() -> None:
    """`*args` read beside the forwarding call leaves the class, and its family in the module,
    as they were: a builtin value base, PTL140."""
    source = '''class TokenList(list):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.defects = [len(args)]

    def first(self) -> int:
        return self[0]


class Phrase(TokenList):
    def size(self) -> int:
        return len(self)
'''
    assert desugar_list_bases(source) == source
    tokens = {c.name: c for c in type_map_of(source).classes}["TokenList"]
    assert [d.code for d in tokens.diagnostics] == ["PTL140"]
    # an `__init__` whose first statement is compound: no line to start the list on
    compound = "class L(list):\n    def __init__(self, n: int):\n        if n:\n            self.n = n\n"
    assert desugar_list_bases(compound) == compound


def test_the_harness_encodes_the_items_as_the_field(monkeypatch, tmp_path) -> None:
    """A Python instance's items are the field (`list(obj)`), and an encoded one is rebuilt
    with them (`list.extend`): the state a method changes is compared, not only its result."""
    import importlib.util

    from portalis.validate import worker

    assert worker.LIST_FIELD == LIST_FIELD
    (tmp_path / "stacks_mod.py").write_text(SOURCE)
    spec = importlib.util.spec_from_file_location("stacks_mod", tmp_path / "stacks_mod.py")
    mod = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "stacks_mod", mod)
    spec.loader.exec_module(mod)
    monkeypatch.setattr(worker, "_ROOTS", [str(Path(tmp_path).resolve()) + "/"])
    monkeypatch.setattr(worker, "_FIELDS", {"stacks_mod:Own": ["n", LIST_FIELD]})
    own = mod.Own(2)
    own.twice(5)
    encoded = worker.encode(own)
    assert encoded == {"class": "stacks_mod:Own", "fields": [["n", 2], [LIST_FIELD, [0, 1, 10]]]}
    back = worker.decode(encoded)
    assert type(back) is mod.Own and list(back) == [0, 1, 10] and back.n == 2
    assert worker.canonical(own) == {"__class__": "Own", LIST_FIELD: [0, 1, 10], "n": 2}


REGISTRY = '''class Registry(dict):
    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def register(self, key: str, n: int) -> None:
        self[key] = n

    def lookup(self, key: str) -> int:
        return self.get(key, 0)

    def names(self) -> list[str]:
        return sorted(self)


class Defaulting(dict):
    def __missing__(self, key: str) -> int:
        return 0

    def twice(self, key: str) -> int:
        return self[key] * 2


class Untyped(list):
    def size(self) -> int:
        return len(self)
'''


def test_a_dict_subclass_holds_its_entries() -> None:
    out = desugar_list_bases(REGISTRY).splitlines()
    assert out[2] == "        self.__mapping__ = dict(self.__mapping__)"  # dict.__init__ keeps the entries it has
    assert out[6] == "        self.__mapping__[key] = n"
    assert out[9] == "        return self.__mapping__.get(key, 0)"
    assert out[12] == "        return sorted(self.__mapping__)"
    assert out[20] == "        return self[key] * 2"  # `__missing__` runs on a missing key: the class's own
    classes = {c.name: c for c in type_map_of(REGISTRY).classes}
    assert {f.name: f.rust_type for f in classes["Registry"].fields} == {DICT_FIELD: "crate::pyrt::PyDict<String, i64>", "name": "String"}
    # nothing types a list's items: the placeholder, and the diagnostics say what the field is
    tm = type_map_of(REGISTRY)
    (diag,) = [d for d in tm.diagnostics if d.function == "Untyped"]
    assert diag.code == "PTL112" and "the items of `Untyped` (a class deriving from `list`" in diag.message, diag
