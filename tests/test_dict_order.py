"""Dicts on indexmap (issue 12, item 4): Python's insertion order wherever it is observable,
removal included (shift_remove, never swap_remove). One differential build for the module."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DiffRun, needs_cargo, run_differential

SRC = (Path(__file__).parent / "data" / "dict_order.py").read_text(encoding="utf-8")

CALLS = [
    # a swap_remove would move the last key into the hole: ["a", "e", "c", "d"]
    "removal_keeps_order(['a', 'b', 'c', 'd', 'e'], ['b'])",
    "removal_keeps_order(['a', 'b', 'c', 'd', 'e'], ['a', 'c', 'x'])",
    "pop_then_reinsert([5, 3, 9, 1])",
    "pop_then_reinsert([7])",
    "setdefault_order(['b', 'a', 'b', 'c', 'a'])",
    "update_order({'x': 1, 'y': 2}, {'z': 3, 'x': 4})",
    "popitem_last(['p', 'q', 'r'])",
    "popitem_last([])",
    "cleared(['a', 'b'])",
    "delete_then_iterate(8, 3)",
]


@pytest.fixture(scope="module")
def dicts(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(SRC, CALLS, tmp_path_factory.mktemp("dict_order"), toolchain)


@needs_cargo
def test_dicts_translate_on_indexmap(dicts: DiffRun) -> None:
    assert all(f["status"] == "translated" for f in dicts.module_report()["functions"]), dicts.module_report()
    assert 'indexmap = "=' in (dicts.crate_dir / "Cargo.toml").read_text(encoding="utf-8")
    assert "indexmap::IndexMap" in (dicts.crate_dir / "src" / "pyrt.rs").read_text(encoding="utf-8")


@needs_cargo
@pytest.mark.parametrize("call", CALLS)
def test_dict_order_matches_python(dicts: DiffRun, call: str) -> None:
    dicts.check(call)
