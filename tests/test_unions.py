"""Union types (issue 11, item 4, second half): `int | str`, `Union[...]`, values of several types
in one list, functions returning different types on different paths become one Rust enum per
distinct union in the crate (`crate::pyrt::IntOrStr`, a variant per member); `isinstance` chains
on a union value become a `match` whose arms see the member. Unit tests without cargo; one
shared cargo build for the differential tests."""

from __future__ import annotations

import pytest

from conftest import DiffRun, needs_cargo, run_differential, type_map_of
from portalis.model import ObservedFunction, ObservedType, PyType
from portalis.parse import parse_source, source_module_from_text
from portalis.typemap import build_type_map
from portalis.rust import ir
from portalis.rust.printer import print_item
from portalis.rust.values import value_expr
from portalis.rust.printer import print_expr
from portalis.types import pytypes as T
from portalis.types.annotations import AnnotationError, TypeScope, resolve_annotation
from portalis.types.rust_types import owned_type, param_type
from portalis.types.unions import enum_items, members_matching, union_of
from portalis.validate.cases import generated_cases

INT_STR = PyType(kind="union", args=(T.INT, T.STR))


def _resolve(text: str) -> PyType:
    return resolve_annotation(text, TypeScope(module="m"))


# ---------------------------------------------------------------- types (no cargo)


def test_annotations_make_one_canonical_union() -> None:
    assert _resolve("int | str") == _resolve("str | int") == _resolve("Union[str, int]") == INT_STR
    assert _resolve("int | str | None") == T.optional(INT_STR) == _resolve("Optional[Union[int, str]]")
    assert _resolve("int | float") == T.NUM  # the runtime's int-or-float, as before
    assert _resolve("int | None") == T.optional(T.INT)
    assert str(_resolve("list[int] | str")) == "list[int] | str"
    with pytest.raises(AnnotationError, match="cannot be a variant"):  # no PyRepr for 7-tuples
        _resolve("int | tuple[str, str, str, str, str, str, str]")
    # a class of the module is a member (tests/test_class_unions.py), named with its module
    assert str(resolve_annotation("Shape | int", TypeScope(module="m", local_classes={"Shape"}))) == "int | Shape"
    with pytest.raises(AnnotationError, match="cannot be a variant"):
        _resolve("int | Callable[[int], int]")


def test_the_rust_type_is_the_crates_enum_and_prints_with_its_impls() -> None:
    t = owned_type(INT_STR)
    assert isinstance(t, ir.TUnion) and t.name == "crate::pyrt::IntOrStr" and t.hashable
    assert param_type(INT_STR) == ir.TRef(t)  # passed borrowed, like a str
    printed = print_item(ir.Items(tuple(enum_items(t))))
    assert "#[derive(Debug, Clone, PartialEq, Eq, Hash)]\npub enum IntOrStr {\nInt(i64),\nStr(String),\n}" in printed
    assert "impl std::fmt::Display for IntOrStr" in printed and "impl crate::pyrt::PyRepr for IntOrStr" in printed
    floaty = owned_type(union_of([T.FLOAT, T.STR]))
    assert isinstance(floaty, ir.TUnion) and not floaty.hashable  # f64 is not Eq + Hash


def test_isinstance_selects_members_and_values_pick_their_variant() -> None:
    u = union_of([T.BOOL, T.STR, T.list_of(T.INT)])
    assert [str(m) for m in members_matching(u, {"int"})] == ["bool"]  # bool is an int in Python
    assert [str(m) for m in members_matching(u, {"list", "str"})] == ["list[int]", "str"]
    assert print_expr(value_expr("a", INT_STR)) == 'crate::pyrt::IntOrStr::Str("a".to_string())'
    assert print_expr(value_expr(3, INT_STR, root="h")) == "h::pyrt::IntOrStr::Int(3)"


def test_the_harness_generates_values_of_every_member() -> None:
    sig = type_map_of("def f(x: int | str) -> int:\n    return 1\n").function("f")
    assert sig is not None
    cases = generated_cases("sample", sig, {}, 20)
    assert not isinstance(cases, str)
    assert {type(c.args[0]).__name__ for c in cases} == {"int", "str"}


def test_returns_of_different_types_are_a_union() -> None:
    src = "def classify(n: int):\n    if n % 2 == 0:\n        return n\n    return 'odd'\n\n\n" \
          "def pick(a: int, b: int):\n    if a == b:\n        return None\n    return a if a > b else 'b'\n"
    tm = type_map_of(src)
    classify, pick = tm.function("classify"), tm.function("pick")
    assert classify is not None and classify.returns == INT_STR and not classify.diagnostics
    assert pick is not None and pick.returns == T.optional(INT_STR) and not pick.diagnostics


def test_callers_passing_several_types_make_a_union_when_the_body_says_none() -> None:
    """toolz `identity(x)`: its docstring calls it with an int, its tests with a str (observed);
    the body only returns x: `int | str` (was PTL170 naming both). A body use that shows a type
    keeps the conflict."""
    src = "def identity(x):\n    \"\"\"\n    >>> identity(3)\n    3\n    \"\"\"\n    return x\n\n\n" \
          "def bump(x):\n    \"\"\"\n    >>> bump(3)\n    4\n    \"\"\"\n    return x + 1\n"
    parsed = parse_source(source_module_from_text("sample", src), src)
    seen = [ObservedType(type=T.STR, calls=30, first="tests/test_t.py::test_t")]
    observed = {name: ObservedFunction(qualname=name, calls=30, params={"x": seen}) for name in ("identity", "bump")}
    tm = build_type_map(parsed, observed)
    identity, bump = tm.function("identity"), tm.function("bump")
    assert identity is not None and identity.params[0].py_type == INT_STR and identity.returns == INT_STR
    assert [o.source for o in identity.params[0].provenance] == ["docstring", "observed"]
    assert bump is not None and any(d.code == "PTL170" for d in bump.diagnostics)


def test_a_key_none_called_in_a_concrete_function_is_an_optional_callable() -> None:
    """bisect traced: its tests pin `a` (list[int]) and `x` (int); `key=None` is only compared
    with None, but the body calls it: an Optional callable of the element type, not None."""
    src = ("def bisect_right(a: list[int], x: int, lo=0, hi=None, *, key=None):\n"
           "    if hi is None:\n        hi = len(a)\n"
           "    if key is None:\n        while lo < hi:\n            mid = (lo + hi) // 2\n"
           "            if x < a[mid]:\n                hi = mid\n            else:\n                lo = mid + 1\n"
           "    else:\n        while lo < hi:\n            mid = (lo + hi) // 2\n"
           "            if x < key(a[mid]):\n                hi = mid\n            else:\n                lo = mid + 1\n"
           "    return lo\n")
    sig = type_map_of(src).function("bisect_right")
    assert sig is not None and not sig.diagnostics
    key = next(p for p in sig.params if p.name == "key")
    assert key.py_type == T.optional(T.callable_of((T.INT,), T.INT))
    assert "called with a int" in key.provenance[-1].detail


# ---------------------------------------------------------------- differential (one cargo build)

UNION_SRC = '''from typing import Union


def describe(x: int | str) -> str:
    if isinstance(x, int):
        return "int " + str(x + 1)
    else:
        return "str " + x.upper()


def width(x: Union[str, int]) -> int:
    if isinstance(x, str):
        return len(x)
    return x


def kind(x: int | str | list[int]) -> str:
    if isinstance(x, (int, str)):
        return "scalar"
    elif isinstance(x, list):
        return "list of " + str(len(x))
    return "?"


def parse(s: str) -> int | str:
    if s.isdigit():
        return int(s)
    return s


def mixed(n: int) -> list[int | str]:
    out: list[int | str] = []
    for i in range(n):
        if i % 2 == 0:
            out.append(i)
        else:
            out.append(str(i))
    return out


def tally(items: list[int | str]) -> int:
    total = 0
    for it in items:
        if isinstance(it, int):
            total += it
        else:
            total += len(it)
    return total


def is_text(x: int | str) -> bool:
    return isinstance(x, str)


def same(a: int | str, b: int | str) -> bool:
    return a == b


def is_a(x: int | str) -> bool:
    return x == "a"


def not_three(x: int | str) -> bool:
    return x != 3


def has(xs: list[int | str], x: int) -> bool:
    return x in xs


def size(x: dict[str, int] | str) -> str:
    if isinstance(x, str):
        return x
    return str(len(x)) + repr(x)


def falsy(x: int | str | list[int]) -> bool:
    return not x


def show(x: str | bytes) -> str:
    return str(x)


def reprs(x: int | str, y: bytes | str) -> str:
    return repr(x) + f"{y}"


def shown(n: int) -> str:
    return str(mixed(n))


def row(n: int):
    return [n, "x", n + 1]


def count_text(n: int) -> int:
    items = [n, "x"]
    c = 0
    for it in items:
        if isinstance(it, str):
            c += 1
    return c


def classify(n):
    """
    >>> classify(4)
    4
    """
    if n % 2 == 0:
        return n
    return "odd"


def compare_one(a: int, b: int):
    if a == b:
        return None
    return a if a > b else "b"


def kind_of(x):
    if isinstance(x, int):
        return x * 2
    return len(x.strip())


def as_text(s):
    if isinstance(s, bytes):
        return s.decode("ascii")
    return s.lower()


def label(v):
    if v == 0:
        return "zero"
    if not isinstance(v, str):
        return "n" + str(v + 1)
    return v.strip()


def packed(w):
    if isinstance(w, int):
        return w
    if isinstance(w, bytes):
        return len(w)
    return len(str(w))


def packed_text():
    return packed("a.b")
'''

# Unannotated parameters typed by their isinstance tests (portalis/analysis/kinds.py).
KIND_TESTED = {"kind_of": ("x", "int | str"), "as_text": ("s", "bytes | str"), "label": ("v", "int | str"),
               "packed": ("w", "bytes | int | str")}

CALLS = [
    "describe(41)", "describe('ab')", "width('héllo')", "width(-3)",
    "kind(3)", "kind('x')", "kind([1, 2])",
    "parse('123')", "parse('12a')", "mixed(5)", "tally([1, 'abc', 4])", "tally([])",
    "is_text('a')", "is_text(1)", "same(1, 1)", "same(1, '1')", "same('a', 'a')",
    "is_a('a')", "is_a('b')", "is_a(1)", "not_three(3)", "not_three('3')", "not_three(4)",
    "has([0, 'a'], 0)", "has(['0'], 0)", "has([], 1)", "size({'a': 1})", "size('z')",
    "falsy(0)", "falsy(2)", "falsy('')", "falsy('a')", "falsy([])", "falsy([0])",
    "show('a')", "show(b'a\\x00')", "reprs('', b'')", "reprs(3, 'q')", "shown(3)",
    "row(2)", "count_text(5)", "classify(4)", "classify(7)", "compare_one(1, 1)", "compare_one(3, 1)", "compare_one(1, 3)",
    "kind_of(4)", "kind_of(-1)", "kind_of(' ab ')", "as_text(b'Hi')", "as_text('Hi')", "label(0)", "label(2)", "label('0')",
    "label(' q ')", "packed(7)", "packed(b'abc')", "packed('a.b')", "packed_text()",
]


def test_isinstance_tests_make_union_parameters() -> None:
    """No annotation: the types the isinstance tests name, what the fall-through uses (`x.strip()`:
    a str) and what callers pass into the fall-through (`packed("a.b")`) make the union; a body
    lowering cannot narrow that way stays PTL110 saying why."""
    tm = type_map_of(UNION_SRC)
    for name, (param, union) in KIND_TESTED.items():
        sig = tm.function(name)
        assert sig is not None and not sig.diagnostics, (name, sig and sig.diagnostics)
        assert str(sig.params[0].py_type) == union and sig.params[0].name == param
        assert any("isinstance tests" in o.detail for o in sig.params[0].provenance)
    src = "def norm(s):\n    if isinstance(s, str):\n        s = s.encode('ascii')\n    return s\n"
    norm = type_map_of(src).function("norm")
    assert norm is not None and any(d.code == "PTL110" and "rebound in the body" in d.message for d in norm.diagnostics)


@pytest.fixture(scope="module")
def union_run(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(UNION_SRC, CALLS, tmp_path_factory.mktemp("unions"), toolchain)


@needs_cargo
def test_union_functions_translate_to_one_enum(union_run: DiffRun) -> None:
    module = union_run.module_report()
    status = {f["name"]: f["status"] for f in module["functions"]}
    assert set(status.values()) == {"translated"}, module["diagnostics"]
    rust = (union_run.crate_dir / "src" / "sample.rs").read_text(encoding="utf-8")
    assert "pub fn describe(x: &crate::pyrt::IntOrStr) -> String {\n    match x {\n        crate::pyrt::IntOrStr::Int(x) => " in rust
    body = rust.split("pub fn describe")[1].split("pub fn")[0]
    assert "unreachable!" not in body and "return" not in body  # a tail match
    # packed's second chain sits in the first's arm of the other members: it matches among those
    assert "_ => unreachable!()" in rust.split("pub fn packed(")[1].split("pub fn")[0]
    assert "pub fn classify(n: i64) -> crate::pyrt::IntOrStr" in rust
    pyrt = (union_run.crate_dir / "src" / "pyrt.rs").read_text(encoding="utf-8")
    assert pyrt.count("pub enum IntOrStr {") == 1  # once per distinct union in the crate
    assert "pub enum BytesOrStr {" in pyrt and "pub enum IntOrListIntOrStr {" in pyrt


@needs_cargo
@pytest.mark.parametrize("call", CALLS)
def test_union_differential(union_run: DiffRun, call: str) -> None:
    union_run.check(call)
