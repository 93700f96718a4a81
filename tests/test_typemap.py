"""Type-map pass: annotation resolution, the Rust type mapping, signatures and their diagnostics."""

from __future__ import annotations

import pytest

from conftest import type_map_of
from portalis.model import ImportInfo
from portalis.rust.printer import print_type
from portalis.types import pytypes as T
from portalis.types.annotations import AnnotationError, TypeScope, resolve_annotation
from portalis.types.rust_types import owned_type, param_type

SCOPE = TypeScope.build(
    "shop.orders",
    ["Order"],
    [
        ImportInfo(module="typing", name="Optional", line=1),
        ImportInfo(module="typing", name="List", line=1),
        ImportInfo(module="typing", name="Dict", line=1),
        ImportInfo(module="typing", name="Tuple", line=1),
        ImportInfo(module="typing", line=2),
        ImportInfo(module="typing", alias="tp", line=3),
        ImportInfo(module="shop.model", name="Item", line=4),
        ImportInfo(module="shop.model", name="Price", alias="P", line=5),
        ImportInfo(module="shop", name="model", line=6),
    ],
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("int", T.INT),
        ("float", T.FLOAT),
        ("bool", T.BOOL),
        ("str", T.STR),
        ("None", T.NONE),
        ("list[int]", T.list_of(T.INT)),
        ("List[str]", T.list_of(T.STR)),
        ("typing.List[int]", T.list_of(T.INT)),
        ("tp.Dict[str, float]", T.dict_of(T.STR, T.FLOAT)),
        ("dict[str, list[int]]", T.dict_of(T.STR, T.list_of(T.INT))),
        ("Dict[int, bool]", T.dict_of(T.INT, T.BOOL)),
        ("tuple[int, str]", T.tuple_of(T.INT, T.STR)),
        ("Tuple[float, float, bool]", T.tuple_of(T.FLOAT, T.FLOAT, T.BOOL)),
        ("Optional[int]", T.optional(T.INT)),
        ("typing.Optional[str]", T.optional(T.STR)),
        ("int | None", T.optional(T.INT)),
        ("None | list[str]", T.optional(T.list_of(T.STR))),
        ("Optional[Optional[int]]", T.optional(T.INT)),
        ("int | float", T.NUM),
        ("set[str]", T.set_of(T.STR)),
        ("Order", T.class_type("shop.orders", "Order")),
        ("'Order'", T.class_type("shop.orders", "Order")),
        ("Item", T.class_type("shop.model", "Item")),
        ("P", T.class_type("shop.model", "Price")),
        ("model.Item", T.class_type("shop.model", "Item")),
        ("list[Optional[Item]]", T.list_of(T.optional(T.class_type("shop.model", "Item")))),
        ("Callable[[int, str], bool]", T.callable_of((T.INT, T.STR), T.BOOL)),  # issue 11: callables
    ],
)
def test_resolve_annotation(text: str, expected) -> None:
    assert resolve_annotation(text, SCOPE) == expected


@pytest.mark.parametrize(
    "text",
    ["list", "dict[str]", "tuple[int, ...]", "int | Callable[[int], int]", "Callable[..., int]", "Unknown", "lambda: 1", "list[1:2]"],
)
def test_unmappable_annotations_raise(text: str) -> None:
    with pytest.raises(AnnotationError):
        resolve_annotation(text, SCOPE)


@pytest.mark.parametrize(
    "py, mutated, owned, param",
    [
        (T.INT, False, "i64", "i64"),
        (T.FLOAT, False, "f64", "f64"),
        (T.BOOL, False, "bool", "bool"),
        (T.STR, False, "String", "&str"),
        (T.list_of(T.INT), False, "Vec<i64>", "&[i64]"),
        (T.list_of(T.INT), True, "Vec<i64>", "&mut Vec<i64>"),
        (T.dict_of(T.STR, T.INT), False, "crate::pyrt::PyDict<String, i64>", "&crate::pyrt::PyDict<String, i64>"),
        (T.dict_of(T.STR, T.INT), True, "crate::pyrt::PyDict<String, i64>", "&mut crate::pyrt::PyDict<String, i64>"),
        (T.tuple_of(T.INT, T.STR), False, "(i64, String)", "(i64, String)"),
        (T.tuple_of(T.INT), False, "(i64,)", "(i64,)"),
        (T.optional(T.STR), False, "Option<String>", "Option<String>"),
        (T.class_type("shop.model", "Item"), False, "crate::shop::model::Item", "&crate::shop::model::Item"),
        (T.class_type("shop.r#type", "X"), False, "crate::shop::r#type::X", "&crate::shop::r#type::X"),
    ],
)
def test_rust_type_mapping(py, mutated: bool, owned: str, param: str) -> None:
    assert print_type(owned_type(py)) == owned
    assert print_type(param_type(py, mutated)) == param


def test_keyword_module_names_become_raw_identifiers() -> None:
    assert print_type(owned_type(T.class_type("pkg.match", "Case"))) == "crate::pkg::r#match::Case"


SIGNATURES = '''
from dataclasses import dataclass
from typing import Optional, List
import typing


@dataclass
class Item:
    name: str
    price: int
    tags: list[str]
    parent: Optional["Item"]


def total(items: List[Item], rate: float) -> float:
    return 0.0


def find(d: dict[str, int], key: str) -> Optional[int]:
    return d.get(key)


def pair(t: tuple[int, str]) -> typing.Tuple[str, int]:
    return t[1], t[0]


def add_all(xs: list[int], ys: list[int]) -> None:
    for y in ys:
        xs.append(y)


def set_first(xs: list[int], d: dict[str, int]) -> None:
    xs[0] = 1
    d["a"] = 2


def rebind(xs: list[int]) -> list[int]:
    xs = xs + [1]
    return xs


def bump(item: Item) -> None:
    item.price += 1


def missing(a, b: int) -> int:
    return b + a.size


def no_return_annotation(a: int):
    return a


def procedure(a: int):
    print(a)


def odd(a: tuple[int, ...]) -> int:
    return 0


def nested_mutation(xs: list[int]) -> None:
    def inner(xs: list[int]) -> None:
        xs.append(1)
'''


@pytest.fixture(scope="module")
def tm():
    return type_map_of(SIGNATURES, "shop.orders")


def params(tm, name: str) -> dict[str, tuple[str, bool]]:
    sig = tm.function(name)
    assert sig is not None
    return {p.name: (p.rust_type, p.mutated) for p in sig.params}


def test_signature_types(tm) -> None:
    total = tm.function("total")
    assert total.typed
    assert total.params[0].py_type == T.list_of(T.class_type("shop.orders", "Item"))
    assert params(tm, "total") == {"items": ("&[crate::shop::orders::Item]", False), "rate": ("f64", False)}
    assert total.rust_returns == "f64"
    find = tm.function("find")
    assert params(tm, "find") == {"d": ("&crate::pyrt::PyDict<String, i64>", False), "key": ("&str", False)}
    assert find.returns == T.optional(T.INT) and find.rust_returns == "Option<i64>"
    pair = tm.function("pair")
    assert params(tm, "pair") == {"t": ("(i64, String)", False)}
    assert pair.rust_returns == "(String, i64)"


def test_list_mutated_in_place_is_passed_mut(tm) -> None:
    sig = tm.function("add_all")
    xs, ys = sig.params
    assert (xs.name, xs.mutated, xs.rust_type) == ("xs", True, "&mut Vec<i64>")
    assert (ys.name, ys.mutated, ys.rust_type) == ("ys", False, "&[i64]")
    assert sig.rust_returns == "()"


def test_item_assignment_and_field_assignment_count_as_mutation(tm) -> None:
    assert params(tm, "set_first") == {
        "xs": ("&mut [i64]", True),  # its length never changes: a slice will do
        "d": ("&mut crate::pyrt::PyDict<String, i64>", True),
    }
    assert params(tm, "bump") == {"item": ("&mut crate::shop::orders::Item", True)}


def test_rebinding_is_not_mutation(tm) -> None:
    assert params(tm, "rebind") == {"xs": ("&[i64]", False)}


def test_nested_function_mutation_does_not_leak_to_outer_parameter(tm) -> None:
    assert params(tm, "nested_mutation") == {"xs": ("&[i64]", False)}


def test_missing_parameter_annotation_is_ptl110(tm) -> None:
    sig = tm.function("missing")
    assert not sig.typed
    (diag,) = sig.diagnostics
    assert diag.code == "PTL110" and "`a`" in diag.message and diag.function == "missing"
    assert [p.name for p in sig.params] == ["b"]
    assert diag in tm.diagnostics


def test_missing_return_annotation_is_inferred_from_the_returned_values(tm) -> None:
    sig = tm.function("no_return_annotation")
    assert sig.typed and sig.returns == T.INT and sig.rust_returns == "i64"
    procedure = tm.function("procedure")
    assert procedure.typed and procedure.returns == T.NONE and procedure.rust_returns == "()"


def test_unmappable_annotation_is_ptl111(tm) -> None:
    sig = tm.function("odd")
    assert [d.code for d in sig.diagnostics] == ["PTL111"]
    assert "`a`" in sig.diagnostics[0].message and "..." in sig.diagnostics[0].message
    assert not sig.typed


def test_dataclass_fields(tm) -> None:
    item = tm.cls("Item")
    assert item is not None and item.is_dataclass
    assert [(f.name, f.rust_type) for f in item.fields] == [
        ("name", "String"),
        ("price", "i64"),
        ("tags", "Vec<String>"),
        ("parent", "Option<crate::shop::orders::Item>"),
    ]


def test_constants_scalars_and_containers() -> None:
    tm = type_map_of('RATE: float = 0.2\nN = 3\nNAME = "x"\nON = True\nXS = [1, 2]\nD: dict[str, int] = {}\n'
                     'BIG = 10 ** 9 + 7\nF = make()\n')
    assert {c.name: (c.py_type, c.rust_type) for c in tm.constants} == {
        "RATE": (T.FLOAT, "f64"),
        "N": (T.INT, "i64"),
        "NAME": (T.STR, "&str"),
        "ON": (T.BOOL, "bool"),
        "XS": (T.list_of(T.INT), "std::sync::LazyLock<Vec<i64>>"),  # built at first use
        "D": (T.dict_of(T.STR, T.INT), "std::sync::LazyLock<crate::pyrt::PyDict<String, i64>>"),
        "BIG": (T.INT, "i64"),  # arithmetic on literals is folded
    }  # F = make() runs code: not a constant


def test_unify() -> None:
    assert T.unify(T.INT, T.FLOAT) == T.FLOAT
    assert T.unify(T.NONE, T.STR) == T.optional(T.STR)
    assert T.unify(T.optional(T.INT), T.INT) == T.optional(T.INT)
    assert T.unify(T.list_of(T.UNKNOWN), T.list_of(T.STR)) == T.list_of(T.STR)
    assert T.unify(T.STR, T.INT) is None


def test_constants_say_whether_they_are_lazy_statics() -> None:
    """Lowering reads `lazy_static` (a field), not the Rust type's text; rows stored before the
    field existed get it from their Rust type when loaded."""
    from portalis.model import TypedConstant

    tm = type_map_of("N = 3\nNAME = 'x'\nTABLE = {'a': 1}\nWORDS = [w.upper() for w in ['a', 'b']]\n")
    lazy = {c.name: c.lazy_static for c in tm.constants}
    assert lazy == {"N": False, "NAME": False, "TABLE": True, "WORDS": True}
    stored = {k: v for k, v in tm.constants[2].model_dump(mode="json").items() if k != "lazy_static"}
    assert TypedConstant.model_validate(stored).lazy_static is True
    stored = {k: v for k, v in tm.constants[0].model_dump(mode="json").items() if k != "lazy_static"}
    assert TypedConstant.model_validate(stored).lazy_static is False


def test_a_methods_own_diagnostics_are_the_reason_its_report_entry_gives() -> None:
    """A translated class's method whose parameter cannot be typed says so under its qualified
    name (the report's reason), not PTL722 "no diagnostic was recorded"."""
    from portalis.model import FunctionReport, FunctionStatus
    from portalis.reasons import function_reason

    tm = type_map_of(
        "class Shelf:\n"
        "    def __init__(self, size: int) -> None:\n"
        "        self.size = size\n"
        "\n"
        "    def describe(self, thing):\n"
        "        return thing\n"
    )
    mine = [d for d in tm.diagnostics if d.function == "Shelf.describe"]
    assert [d.code for d in mine] and {d.code for d in mine} <= {"PTL110"}, tm.diagnostics
    entry = FunctionReport(name="describe", qualname="Shelf.describe", status=FunctionStatus.UNTRANSLATED)
    reason = function_reason(entry, tm.diagnostics)
    assert reason is not None and reason.code == "PTL110" and "`thing`" in reason.message


def test_container_class_attributes_are_constants_unless_changed_in_place() -> None:
    """`aliases = [...]` is a class constant (a static next to the struct); `seen = []` that a
    method appends to is shared by every instance in Python, so it is no constant. A class whose
    base is in another module keeps its struct; a `str` base leaves it out (PTL140)."""
    tm = type_map_of('''
from .core import Lexer

class PyLexer(Lexer):
    aliases = ["python", "py"]
    table = {"a": 1}
    seen = []

    def mark(self, x: int) -> int:
        self.seen.append(x)
        return x

class Tag(str):
    pass
''')
    lexer = tm.cls("PyLexer")
    assert [c.name for c in lexer.constants] == ["aliases", "table"]
    assert all(c.lazy_static for c in lexer.constants)
    assert lexer.foreign_bases == ["Lexer"] and not lexer.diagnostics
    assert [d.code for d in tm.cls("Tag").diagnostics] == ["PTL140"]


def test_numeric_constants_computed_from_earlier_ones_are_folded() -> None:
    """base64's `MAXBINSIZE = (MAXLINESIZE//4)*3`: a plain const of its folded value (was left
    out: `encodebytes` stopped at PTL135); a constant rebound later, or computed from a value
    that is no numeric constant, is not folded."""
    from conftest import type_map_of

    tm = type_map_of("MAXLINESIZE = 76\nMAXBINSIZE = (MAXLINESIZE//4)*3\nHALF = MAXBINSIZE / 2 - -1\n"
                     "LATER = 1\nMOVED = LATER + 1\nLATER = 2\nNAME = 'x'\nTWICE = NAME * 2\n")
    got = {c.name: (str(c.py_type), c.value, c.lazy_static) for c in tm.constants}
    assert got["MAXBINSIZE"] == ("int", "57", False)
    assert got["HALF"] == ("float", "29.5", False)
    assert "MOVED" not in got  # LATER changes after it: the value functions see is not known here
    assert got["TWICE"] == ("str", "NAME * 2", True)  # a str: a computed static, as before


def test_method_list_parameters_resized_or_passed_on_are_vecs() -> None:
    """textwrap's `_handle_long_word(reversed_chunks, cur_line, ...)` appends to `cur_line` and
    pops `reversed_chunks`: a method's resized list parameter was `&mut [String]` (no `push`,
    rustc E0599, two textwrap methods quarantined); and `_wrap_chunks`, which only passes
    `chunks` on to it, took it by `&[String]`."""
    from conftest import type_map_of

    tm = type_map_of(
        "class W:\n"
        "    def handle(self, chunks: list[str], cur_line: list[str], seen: list[str]) -> None:\n"
        "        cur_line.append(chunks.pop())\n"
        "        seen[0] = 'x'\n"
        "    def wrap(self, chunks: list[str], other: list[str]) -> None:\n"
        "        while chunks:\n"
        "            self.handle(chunks, [], other)\n"
    )
    (cls,) = tm.classes
    rust = {m.name: {p.name: p.rust_type for p in m.params} for m in cls.methods}
    assert rust["handle"] == {"chunks": "&mut Vec<String>", "cur_line": "&mut Vec<String>", "seen": "&mut [String]"}
    assert rust["wrap"] == {"chunks": "&mut Vec<String>", "other": "&mut Vec<String>"}


def test_alias_values_told_apart_by_cpythons_parser_give_the_same_aliases(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # add_aliases hands libcst only the values that may be types (`_may_be_type`, CPython's
    # parser): the aliases are those of every value parsed by libcst.
    import portalis.types.annotations as annotations

    values = [
        ("Vector", "List[float]"), ("Num", "int | float"), ("Maybe", "Optional[Vector]"), ("Nothing", "None"),
        ("Flag", "True"), ("Dots", "..."), ("Joined", '"a" + "b"'), ("UserId", 'NewType("UserId", int)'),
        ("T", 'typing.TypeVar("T")'), ("Table", "{1: 2}"), ("Made", "make()"), ("Path", "os.path"),
        ("Neg", "-1"), ("Text", "'x'"), ("Items", "[int, str]"), ("Pair", "(int, str)"), ("Broken", "(("),
        ("Same", "int"), ("Other", "Vector"), ("Fn", "lambda x: x"), ("Cond", "int if X else str"),
    ]

    def aliases() -> dict:
        scope = TypeScope.build("m", [], [ImportInfo(module="typing", name="List", line=1),
                                          ImportInfo(module="typing", name="Optional", line=1),
                                          ImportInfo(module="typing", name=None, line=1)])
        scope.add_aliases(values)
        return scope.aliases

    filtered = aliases()
    assert {"Vector", "Num", "Maybe", "UserId", "T", "Same", "Other"} <= set(filtered)
    monkeypatch.setattr(annotations, "_may_be_type", lambda value: True)
    assert aliases() == filtered
