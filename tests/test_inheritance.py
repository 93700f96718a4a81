"""Bases across modules in the cross-module resolution (portalis/inheritance.py), without cargo:
a class whose base is a class of another module of the repository gets the base's fields,
constants and the methods it does not override, with where each `def` is; a base outside the
repository, an exception base or two bases not translated with the class leave it as it was.
The crate-level behaviour (verified differentially) is in tests/test_translate_bases.py."""

from __future__ import annotations

from portalis.model import ImportInfo
from portalis.names import export_closure, resolve_all

from conftest import type_map_of

CORE = '''
class Base:
    label = "base"

    def __init__(self, width: int):
        self.width = width

    def area(self, h: int) -> int:
        return self.width * h + self.bonus()

    def bonus(self) -> int:
        return 1

    def grow(self) -> None:
        self.width += 1


class Mid(Base):
    def bonus(self) -> int:
        return 2


class Oops(ValueError):
    pass
'''

SHAPES = '''
import argparse

from pkg.core import Base, Mid, Oops


class Square(Base):
    label = "square"

    def __init__(self, width: int, depth: int):
        super().__init__(width)
        self.depth = depth

    def bonus(self) -> int:
        return self.depth

    def grown(self) -> int:
        self.grow()
        return self.width


class Deep(Mid):
    pass


class Both(Base, argparse.Namespace):
    pass


class Outside(argparse.Namespace):
    pass


class Fails(Oops):
    pass
'''

LEAF = '''
from pkg.shapes import Deep


class Leaf(Deep):
    def leaf(self) -> int:
        return self.bonus()
'''


def _maps():
    maps = {m: type_map_of(src, m) for m, src in (("pkg.core", CORE), ("pkg.shapes", SHAPES), ("pkg.leaf", LEAF))}
    return maps, resolve_all(maps)


def test_a_base_of_another_module_is_merged() -> None:
    _, resolved = _maps()
    sq = resolved["pkg.shapes"].cls("Square")
    assert [f.name for f in sq.fields] == ["width", "depth"]  # the base's fields first
    assert sq.foreign_bases == [] and sq.repo_bases == ["Base"] and sq.base == "Base"
    assert {m.name for m in sq.methods} >= {"__init__", "bonus", "area", "grow", "__init_Base__"}
    assert sq.inherited == {"area": "pkg.core:Base", "grow": "pkg.core:Base", "__init_Base__": "pkg.core:Base"}
    assert "def area(self, h: int) -> int:" in sq.base_sources["pkg.core:Base"]
    assert next(c for c in sq.constants if c.name == "label").value == '"square"'  # its own, not the base's
    # a method calling an inherited `&mut self` method takes `&mut self` too
    assert sq.method("grown").mut_self


def test_a_chain_keeps_where_each_def_is() -> None:
    """`Deep(Mid)`, `Mid(Base)` in the base's module: `bonus` is Mid's, `area` Base's; `Leaf(Deep)`
    a module further gets both through Deep."""
    _, resolved = _maps()
    deep = resolved["pkg.shapes"].cls("Deep")
    assert deep.inherited["bonus"] == "pkg.core:Mid" and deep.inherited["area"] == "pkg.core:Base"
    assert deep.inherited["__init__"] == "pkg.core:Base"
    leaf = resolved["pkg.leaf"].cls("Leaf")
    assert leaf.inherited["bonus"] == "pkg.core:Mid" and set(leaf.base_sources) == {"pkg.core:Mid", "pkg.core:Base"}


def test_what_is_not_merged() -> None:
    maps, resolved = _maps()
    shapes = resolved["pkg.shapes"]
    assert shapes.cls("Both").repo_bases == [] and shapes.cls("Both").foreign_bases  # two bases: the MRO is not modelled
    assert shapes.cls("Outside").repo_bases == [] and shapes.cls("Outside").foreign_bases == ["argparse.Namespace"]
    assert not shapes.cls("Fails").inherited  # an exception's base is no struct
    # idempotent: a resolved map resolves to itself
    again = resolve_all(resolved)
    assert again["pkg.shapes"].cls("Square") == shapes.cls("Square")


def test_the_export_closure_follows_bases_across_modules() -> None:
    """A change where a base's base is defined retranslates the subclass's module: the module
    of each imported base is read, transitively (Leaf -> shapes -> core)."""
    maps, _ = _maps()
    reach = export_closure([ImportInfo(module="pkg.shapes", name="Deep", line=1)], maps, own="pkg.leaf")
    assert reach == ["pkg.core", "pkg.shapes"]
