"""Parse pass: the module outline, relative imports, and bad input that must not raise."""

from __future__ import annotations

from pathlib import Path

import pytest

from portalis.parse import parse_file, parse_source, resolve_relative, source_module_from_text
from portalis.source import discover

OUTLINE_SRC = '''"""Module docstring."""

import os.path as osp
import typing
from dataclasses import dataclass, field as fld
from typing import Optional

LIMIT: int = 10
NAME = "portalis"


@dataclass(frozen=True)
class Point:
    """A point."""

    x: int
    y: float = 0.0

    def norm(self) -> float:
        return self.x * self.x + self.y * self.y


def first(xs: list[int], default: Optional[int] = None, *, strict: bool = False) -> Optional[int]:
    """Return the first item.

    More text.
    """
    return xs[0] if xs else default


def untyped(a, b=2):
    return a


def variadic(*args: int, **kwargs: str) -> None:
    pass
'''


def parse(source: str, module: str = "pkg.mod", is_package: bool = False):
    src = source_module_from_text(module, source).model_copy(update={"is_package": is_package})
    return parse_source(src, source)


def test_outline_functions_params_and_positions() -> None:
    parsed = parse(OUTLINE_SRC)
    assert parsed.ok
    assert [f.name for f in parsed.functions] == ["first", "untyped", "variadic"]
    first = parsed.functions[0]
    assert [(p.name, p.annotation, p.default) for p in first.params] == [
        ("xs", "list[int]", None),
        ("default", "Optional[int]", "None"),
        ("strict", "bool", "False"),
    ]
    assert first.returns == "Optional[int]"
    lines = OUTLINE_SRC.splitlines()
    assert first.line == lines.index(next(x for x in lines if x.startswith("def first"))) + 1
    assert first.end_line == lines.index("    return xs[0] if xs else default") + 1
    assert first.docstring is not None and first.docstring.startswith("Return the first item.")
    assert not first.is_method
    untyped = parsed.functions[1]
    assert [(p.name, p.annotation, p.default) for p in untyped.params] == [("a", None, None), ("b", None, "2")]
    assert untyped.returns is None
    assert parsed.line_count == len(OUTLINE_SRC.splitlines())


def test_outline_classes_fields_methods_and_decorators() -> None:
    parsed = parse(OUTLINE_SRC)
    (point,) = parsed.classes
    assert point.name == "Point"
    assert len(point.decorators) == 1 and point.decorators[0].startswith("dataclass")
    assert point.is_dataclass
    assert point.docstring == "A point."
    assert [(f.name, f.annotation, f.default) for f in point.fields] == [("x", "int", None), ("y", "float", "0.0")]
    (norm,) = point.methods
    assert norm.qualname == "Point.norm" and norm.is_method
    # methods are not module-level functions
    assert "norm" not in [f.name for f in parsed.functions]


def test_outline_imports_and_constants() -> None:
    parsed = parse(OUTLINE_SRC)
    imports = {(i.module, i.name, i.alias) for i in parsed.imports}
    assert imports == {
        ("os.path", None, "osp"),
        ("typing", None, None),
        ("dataclasses", "dataclass", None),
        ("dataclasses", "field", "fld"),
        ("typing", "Optional", None),
    }
    assert parsed.imported_modules() == ["dataclasses", "os.path", "typing"]
    consts = {c.name: (c.annotation, c.value) for c in parsed.constants}
    assert consts == {"LIMIT": ("int", "10"), "NAME": (None, '"portalis"')}


def test_variadic_parameters_are_parameters() -> None:
    parsed = parse(OUTLINE_SRC)
    assert not [d for d in parsed.diagnostics if d.code == "PTL201"]
    fn = next(f for f in parsed.functions if f.name == "variadic")
    assert [p.name for p in fn.params if p.variadic] == ["args"]
    # `**kwargs` is the last parameter, its annotation the type of each extra keyword
    assert [(p.name, p.annotation, p.keywords) for p in fn.params] == [("args", "int", False), ("kwargs", "str", True)]


@pytest.mark.parametrize(
    "module, is_package, level, target, expected",
    [
        ("pkg.mod", False, 1, "other", "pkg.other"),
        ("pkg.mod", False, 1, None, "pkg"),
        ("pkg.sub.mod", False, 2, "util", "pkg.util"),
        ("pkg.sub.mod", False, 2, None, "pkg"),
        ("pkg", True, 1, "model", "pkg.model"),  # inside pkg/__init__.py, `.` is pkg itself
        ("pkg.sub", True, 2, "x", "pkg.x"),
        ("pkg.mod", False, 0, "typing", "typing"),
        ("a.b.c.d", False, 3, "e.f", "a.e.f"),
    ],
)
def test_resolve_relative(module: str, is_package: bool, level: int, target: str | None, expected: str) -> None:
    assert resolve_relative(module, is_package, level, target) == expected


def test_relative_imports_in_outline_are_absolute() -> None:
    source = "from . import text\nfrom .model import Item as It\nfrom ..shared.util import helper\n"
    parsed = parse(source, module="shop.orders.core")
    assert [(i.module, i.name, i.alias) for i in parsed.imports] == [
        ("shop.orders", "text", None),
        ("shop.orders.model", "Item", "It"),
        ("shop.shared.util", "helper", None),
    ]
    in_package = parse("from .model import Item\n", module="shop", is_package=True)
    assert in_package.imports[0].module == "shop.model"


def test_star_import_is_an_import_of_star() -> None:
    # resolved against the exporting module when lowering (portalis/names.py); PTL143 there
    # when it is not a module of the repository
    parsed = parse("from os.path import *\nfrom .sib import *\n", module="pkg.mod")
    assert parsed.ok and parsed.diagnostics == []
    assert [(i.module, i.name, i.line) for i in parsed.imports] == [("os.path", "*", 1), ("pkg.sib", "*", 2)]


def test_syntax_error_gives_ok_false_and_ptl001() -> None:
    source = "def good() -> int:\n    return 1\n\ndef bad(:\n    pass\n"
    parsed = parse(source)
    assert parsed.ok is False
    assert parsed.functions == []
    (diag,) = parsed.diagnostics
    assert diag.code == "PTL001"
    assert diag.message.startswith("syntax error")
    assert diag.module == "pkg.mod"
    assert isinstance(diag.line, int) and 1 <= diag.line <= 5


def test_non_utf8_file_gives_ptl002(tmp_path: Path) -> None:
    (tmp_path / "latin.py").write_bytes("s = 'caf\xe9'\n".encode("latin-1"))
    (tmp_path / "fine.py").write_text("def f() -> int:\n    return 1\n", encoding="utf-8")
    modules = {m.module: m for m in discover(tmp_path)}
    assert set(modules) == {"fine", "latin"}
    bad = parse_file(tmp_path, modules["latin"])
    assert bad.ok is False
    (diag,) = bad.diagnostics
    assert diag.code == "PTL002"
    assert "UTF-8" in diag.message and "latin.py" in diag.message
    good = parse_file(tmp_path, modules["fine"])
    assert good.ok and [f.name for f in good.functions] == ["f"]


def test_missing_file_gives_ptl002(tmp_path: Path) -> None:
    (tmp_path / "gone.py").write_text("x = 1\n", encoding="utf-8")
    (module,) = discover(tmp_path)
    (tmp_path / "gone.py").unlink()
    parsed = parse_file(tmp_path, module)
    assert parsed.ok is False and parsed.diagnostics[0].code == "PTL002"


def test_empty_module_parses_to_an_empty_outline() -> None:
    parsed = parse("")
    assert parsed.ok
    assert parsed.functions == [] and parsed.classes == [] and parsed.constants == []
    assert parsed.diagnostics == []


def test_discover_names_modules_and_skips_tests(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "tests").mkdir()
    for rel in ["pkg/__init__.py", "pkg/a.py", "pkg/sub/__init__.py", "pkg/sub/b.py", "tests/test_a.py",
                "pkg/test_x.py", "my-script.py", "top.py"]:
        (tmp_path / rel).write_text("", encoding="utf-8")
    found = [(m.module, m.path, m.is_package) for m in discover(tmp_path)]
    assert found == [
        ("pkg", "pkg/__init__.py", True),
        ("pkg.a", "pkg/a.py", False),
        ("pkg.sub", "pkg/sub/__init__.py", True),
        ("pkg.sub.b", "pkg/sub/b.py", False),
        ("top", "top.py", False),
    ]


def test_parsed_trees_are_kept_out_of_the_collectors_scans() -> None:
    """A new tree is frozen (gc.freeze: full collections do not scan the cached trees) and
    handed back to the collector when the cache is cleared; the tree is the same either way."""
    import gc

    from portalis.parse import clear_tree_cache, source_tree

    clear_tree_cache()
    assert gc.get_freeze_count() == 0
    tree = source_tree("def f(x):\n    return x + 1  # frozen\n")
    assert gc.get_freeze_count() > 0
    assert tree.module.code.endswith("# frozen\n") and tree.line(tree.module.body[0]) == 1
    clear_tree_cache()
    assert gc.get_freeze_count() == 0
