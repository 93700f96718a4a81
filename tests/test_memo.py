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
