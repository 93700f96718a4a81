"""Module state (portalis/analysis/module_state.py): module constants that later module-level code
builds (`codes = {}` then a loop filling it, `x.update(...)`, `append`) are statics whose
initialiser runs that same code once; constants whose final value cannot be captured are not
translated (PTL145) instead of being translated with their first value."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from conftest import DiffRun, needs_cargo, run_differential_package, type_map_of
from portalis.analysis.module_state import init_function_source, module_state
from portalis.parse import source_tree

CONSOLE = '''
esc = "\\x1b["

codes = {}
codes[""] = ""
codes["reset"] = esc + "39;49;00m"
codes["bold"] = esc + "01m"

dark_colors = ["black", "red", "green", "yellow"]
light_colors = ["brightblack", "brightred", "brightgreen", "brightyellow"]

x = 30
for dark, light in zip(dark_colors, light_colors):
    codes[dark] = esc + "%im" % x
    codes[light] = esc + "%im" % (60 + x)
    x += 1

del dark, light, x

codes["white"] = codes["bold"]

TABLE = {"a": 1}
TABLE["b"] = 2

NAMES = ["x"]
NAMES.append("y")


def colorize(color_key, text):
    return codes[color_key] + text + codes["reset"]


def get(k: str) -> int:
    return TABLE.get(k, -1)


def count() -> int:
    return len(NAMES)
'''

SHAPES = '''
from .console import codes

BASE = {"one": 1, "two": 2}
SQUARES = {k: v * v for k, v in BASE.items()}
SQUARES.update({"three": 9})

KEYWORDS = set()
for word in ["if", "else", "while"]:
    KEYWORDS.add(word.upper())

ORDER = []
ORDER.extend(sorted(BASE))
ORDER.append("zzz")


def _make_table(n: int) -> dict[str, int]:
    out = {}
    for i in range(n):
        out[str(i)] = i * 10
    return out


TABLE10 = _make_table(3)
TABLE10["extra"] = 99


def square_of(k):
    return SQUARES[k]


def is_keyword(w: str) -> bool:
    return w in KEYWORDS


def order() -> list[str]:
    return list(ORDER)


def table_value(k: str) -> int:
    return TABLE10.get(k, -1)


def bold(text: str) -> str:
    return codes["bold"] + text + codes["reset"]
'''


def _state(source: str):
    tree = source_tree(source)
    names = {s.body[0].targets[0].target.value for s in tree.module.body
             if isinstance(s, cst.SimpleStatementLine) and isinstance(s.body[0], cst.Assign)
             and isinstance(s.body[0].targets[0].target, cst.Name)}
    return module_state(tree.module, tree.line, names)


# ---------------------------------------------------------------- the facts, no build


def test_a_constant_filled_by_a_loop_is_built_by_that_code() -> None:
    state = _state(CONSOLE)
    assert set(state.built) == {"codes", "TABLE", "NAMES"}
    assert state.deleted == {"dark", "light", "x"}  # removed by `del`: no constants
    codes = state.built["codes"]
    source = init_function_source(codes)
    # the statements, in order, the group's names renamed (a Rust `let` may not shadow the
    # static), the `del` of the temporaries left out, the value returned
    assert source.startswith("def __portalis_init_codes__():\n    codes_built = {}\n")
    assert "    x_built = 30\n    for dark, light in zip(dark_colors, light_colors):\n" in source
    assert "        x_built += 1\n" in source and "del" not in source
    assert source.endswith('    codes_built["white"] = codes_built["bold"]\n    return codes_built\n')
    assert "TABLE" not in source and "NAMES" not in source  # other constants are not part of it
    compile(source, "init", "exec")


@pytest.mark.parametrize("source, name, why", [
    # a module function that changes the constant, called at import
    ("T = {}\n\ndef fill():\n    T['a'] = 1\n\nfill()\n", "T", "the call of `fill` at line 6 changes it"),
    ("T = []\n\ndef fill():\n    global T\n    T = [1]\n\nfill()\n", "T", "the call of `fill`"),
    # a class body changing it at import
    ("T = {}\n\nclass C:\n    T['k'] = 1\n", "T", "the body of class `C` changes it"),
    # read by another constant's code before a later change
    ("A = [1]\nB = {}\nfor a in A:\n    B[a] = a\nA.append(2)\n", "B", "computed from `A` before later statements change `A`"),
])
def test_a_value_that_cannot_be_captured_is_unbuildable(source: str, name: str, why: str) -> None:
    state = _state(source)
    assert name not in state.built
    assert why in state.unbuildable[name]


def test_a_del_of_names_in_a_block_changes_no_value() -> None:
    # datetime.py: `try: from _datetime import * ... else: del (_DAYS_IN_MONTH, ...)`
    source = ("A = [1, 2]\nB = [0]\nfor v in A:\n    B.append(v)\ntry:\n    import x\nexcept ImportError:\n    pass\n"
              "else:\n    del (A, B)\n")
    state = _state(source)
    assert state.excluded("A") is None and set(state.built) == {"B"}
    assert "import" not in init_function_source(state.built["B"])


def test_the_main_guard_does_not_run_at_import() -> None:
    state = _state("T = {}\n\ndef fill():\n    T['a'] = 1\n\nif __name__ == '__main__':\n    fill()\n    T['b'] = 2\n")
    assert state.excluded("T") is None


def test_a_constant_nothing_changes_is_its_first_value() -> None:
    state = _state("A = {'a': 1}\nB = len(A)\nprint(B)\nC = [1]\nregister(C)\n\ndef f() -> int:\n    return A['a']\n")
    assert state.excluded("A") is None and state.excluded("B") is None  # print() only reads it
    assert state.excluded("C") is not None  # handed to a call whose result is dropped: it may change


def test_a_plain_rebinding_starts_the_constant_afresh() -> None:
    # parse.py keeps the last definition (PTL017); what changed the first object does not matter
    state = _state("LIMIT = 1\nLIMIT = 2\nT = {}\nT['a'] = 1\nT = {'b': 2}\nU = [1]\nU = U + [2]\n")
    assert state.excluded("LIMIT") is None and state.excluded("T") is None
    assert "LIMIT" not in state.built and "T" not in state.built
    assert "U" in state.built  # the rebinding reads the old value: built by that code


# ---------------------------------------------------------------- the type map and the Rust, no build


def test_type_map_types_a_built_constant_from_its_code() -> None:
    tm = type_map_of(CONSOLE)
    consts = {c.name: c for c in tm.constants}
    assert str(consts["codes"].py_type) == "dict[str, str]" and consts["codes"].init is not None
    assert consts["codes"].rust_type == "std::sync::LazyLock<crate::pyrt::PyDict<String, String>>"
    assert consts["NAMES"].value.startswith("def __portalis_init_NAMES__():")
    assert "x" not in consts and "dark" not in consts  # deleted at module level
    # the synthetic functions are no function of the module
    assert [f.name for f in tm.functions] == ["colorize", "get", "count"]
    assert not [d for d in tm.diagnostics if "__portalis_init" in d.message or "__portalis_init" in (d.function or "")]
    # an unannotated reader is typed through the built constant
    colorize = next(f for f in tm.functions if f.name == "colorize")
    assert str(colorize.returns) == "str" and [str(p.py_type) for p in colorize.params] == ["str", "str"]


def test_unbuildable_constant_is_ptl145_not_its_first_value() -> None:
    source = "T = {'a': 1}\n\ndef fill():\n    T['b'] = 2\n\nfill()\n\ndef get(k: str) -> int:\n    return T[k]\n"
    tm = type_map_of(source)
    assert "T" not in {c.name for c in tm.constants}
    assert any(d.code == "PTL145" and "the call of `fill`" in d.message for d in tm.diagnostics)


def test_lowered_static_runs_the_code_once() -> None:
    from portalis.lower.module import lower_module
    from portalis.parse import parse_source, source_module_from_text

    parsed = parse_source(source_module_from_text("sample", CONSOLE), CONSOLE)
    tm = type_map_of(CONSOLE)
    rust = "\n".join(i.code for i in lower_module(parsed, tm, {"sample": tm}, None).items)
    assert "pub static codes: std::sync::LazyLock<crate::pyrt::PyDict<String, String>> =" in rust
    assert "let mut codes_built: crate::pyrt::PyDict<String, String> = crate::pyrt::PyDict::new();" in rust
    assert "x_built += 1;" in rust and "codes_built\n" in rust
    assert "names_built.push(\"y\".to_string());" in rust
    assert "todo!" not in rust


# ---------------------------------------------------------------- differential: one crate


CALLS = [
    "pkg.console:colorize('red', 'x')", "pkg.console:colorize('brightyellow', 'y')", "pkg.console:colorize('white', '')",
    "pkg.console:get('a')", "pkg.console:get('b')", "pkg.console:count()",
    "pkg.shapes:square_of('three')", "pkg.shapes:square_of('two')", "pkg.shapes:is_keyword('WHILE')",
    "pkg.shapes:is_keyword('if')", "pkg.shapes:order()", "pkg.shapes:table_value('extra')",
    "pkg.shapes:table_value('2')", "pkg.shapes:bold('b')",
]


@pytest.fixture(scope="module")
def built_run(tmp_path_factory, toolchain) -> DiffRun:
    root: Path = tmp_path_factory.mktemp("module_state") / "pkg"
    root.mkdir()
    (root / "__init__.py").write_text("", encoding="utf-8")
    (root / "console.py").write_text(CONSOLE, encoding="utf-8")
    (root / "shapes.py").write_text(SHAPES, encoding="utf-8")
    return run_differential_package(root, CALLS, root.parent, toolchain)


@needs_cargo
@pytest.mark.parametrize("call", CALLS)
def test_built_constants_match_python(built_run: DiffRun, call: str) -> None:
    """Functions reading constants built by module code (in their module or imported from
    another) give Python's results: the static's initialiser ran the same code."""
    built_run.check(call)
