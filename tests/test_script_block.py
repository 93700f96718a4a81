"""Functions under `if __name__ == '__main__':` are the module's script, not its library
(portalis/lower/module.py `_script_definitions`): status `excluded`, PTL146. No cargo: the
guard's recognition on libcst nodes; the report rows are checked in
tests/test_translate_modules.py (`test_every_def_and_method_is_in_the_report`)."""

from __future__ import annotations

import libcst as cst

from portalis.cst_walk import iter_nodes
from portalis.lower.module import _is_main_guard, _script_definitions


def _script_names(source: str) -> list[list[str]]:
    """Per module-level statement, the names of the functions taken as script code."""
    module = cst.parse_module(source)
    out = []
    for stmt in module.body:
        ids = set(_script_definitions(stmt, iter_nodes))
        out.append(sorted(n.name.value for n in iter_nodes(stmt) if isinstance(n, cst.FunctionDef) and id(n) in ids))
    return out


def test_the_main_guard_either_way_round_and_quoted_either_way() -> None:
    for test in ("__name__ == '__main__'", '"__main__" == __name__', "__name__ == \"__main__\""):
        assert _is_main_guard(cst.parse_expression(test)), test


def test_other_tests_are_no_main_guard() -> None:
    for test in ("__name__ != '__main__'", "__name__ == 'main'", "name == '__main__'", "__name__ == '__main__' and x",
                 "__name__ is '__main__'", "__name__ == '__main__' == __name__", "__main__ == __name__"):
        assert not _is_main_guard(cst.parse_expression(test)), test


def test_the_functions_of_the_guards_body_nested_blocks_included_are_script_code() -> None:
    source = (
        "import sys\n"
        "if __name__ == '__main__':\n"
        "    def run(argv):\n"
        "        def inner():\n"  # nested: part of `run`, not a row of its own
        "            return 1\n"
        "        return inner()\n"
        "    if sys.argv:\n"
        "        def helper():\n"
        "            return 2\n"
        "    run(sys.argv)\n"
    )
    assert _script_names(source) == [[], ["helper", "run"]]


def test_an_else_or_elif_branch_runs_on_import_and_is_no_script_code() -> None:
    source = (
        "if __name__ == '__main__':\n"
        "    def tool():\n"
        "        return 1\n"
        "elif DEBUG:\n"
        "    def debug_only():\n"
        "        return 2\n"
        "else:\n"
        "    def imported():\n"
        "        return 3\n"
        "if DEBUG:\n"
        "    def conditional():\n"
        "        return 4\n"
    )
    assert _script_names(source) == [["tool"], []]
