"""Memo tables scoped to one stage's run (portalis/memo.py): no process-global caches by id."""

from __future__ import annotations

import libcst as cst

from portalis.cst_scan import scan_function
from portalis.memo import memo_table, node_memo


def _fn() -> cst.FunctionDef:
    return cst.parse_module("def f(xs):\n    xs.append(1)\n    return xs\n").body[0]  # type: ignore[return-value]


def test_a_scan_is_shared_inside_a_scope_and_forgotten_after_it() -> None:
    fn = _fn()
    assert memo_table("scan_function") is None  # no scope: nothing is kept
    assert scan_function(fn) is not scan_function(fn)
    with node_memo():
        first = scan_function(fn)
        assert scan_function(fn) is first
        with node_memo():  # a nested scope reuses the outer tables
            assert scan_function(fn) is first
        assert memo_table("scan_function")[id(fn)][0] is fn  # the entry holds its node
    assert memo_table("scan_function") is None
    with node_memo():
        assert scan_function(fn) is not first  # a new stage run computes again
        assert scan_function(fn) == first


def test_a_type_maps_name_index_lives_on_the_map_and_follows_its_lists() -> None:
    """`function(name)` is indexed on the map itself (no table keyed by list ids): a map that was
    asked equals one that was not, and a copy with a new list, or an entry replaced by another
    name, answers from its own list."""
    from portalis.model import FunctionSignature, ModuleTypeMap, PyType

    def sig(name: str) -> FunctionSignature:
        return FunctionSignature(name=name, qualname=name, params=[], returns=PyType(kind="none"), rust_returns="()", line=1)

    a = ModuleTypeMap(module="m", functions=[sig("f"), sig("g")])
    b = a.model_copy(deep=True)
    assert a.function("g") is a.functions[1] and a == b and a.model_dump() == b.model_dump()
    c = a.model_copy(update={"functions": [sig("h")]})
    assert c.function("g") is None and c.function("h") is c.functions[0]
    assert a.function("g") is a.functions[1]
    a.functions[1] = sig("k")  # replaced in place by another name
    assert a.function("g") is None and a.function("k") is a.functions[1]
