"""Classes as union members (issue 11, item 4): a parameter tested with `isinstance(x, Circle)`
(or the exact `type(x) is Circle`) where Circle is a class of the module is a union whose
variant holds the struct (`crate::pyrt::CircleOrSquareInSample::Circle(Circle)`); the chain of
tests is a `match` whose arm reads the member's fields and methods. Facts without cargo; one
shared cargo build for the differential calls."""

from __future__ import annotations

import pytest

from conftest import DiffRun, needs_cargo, run_differential, type_map_of
from portalis.lower.module import lower_module
from portalis.parse import parse_source, source_module_from_text
from portalis.rust import ir
from portalis.rust.printer import print_item
from portalis.types import pytypes as T
from portalis.types.rust_types import owned_type
from portalis.types.unions import enum_items, enum_name, member_for_value, members_matching, union_of
from portalis.rust.printer import print_expr
from portalis.rust.values import value_expr
from portalis.validate.cases import generated_cases
from portalis.validate.literals import ClassValue, RustLiterals, decode_value

SHAPES = '''class Circle:
    def __init__(self, r: float):
        self.r = r

    def area(self) -> float:
        return 3.0 * self.r * self.r


class Square:
    def __init__(self, side: float):
        self.side = side


class Label:
    def __init__(self, text: str):
        self.text = text


def area(shape):
    if isinstance(shape, Circle):
        return shape.area()
    elif isinstance(shape, Square):
        return shape.side * shape.side
    return 0.0


def describe(x):
    if isinstance(x, Label):
        return "label " + x.text
    if type(x) is int:
        return "int " + str(x + 1)
    return "text " + x.upper()


def exact(v):
    if type(v) == Square:
        return v.side
    return float(len(v.strip()))


def total(a: float, b: float) -> float:
    return area(Circle(a)) + area(Square(b))


class Node:
    def __init__(self, left, right):
        self.left = left
        self.right = right


def tree_sum(t):
    if isinstance(t, Node):
        return tree_sum(t.left) + tree_sum(t.right)
    return t - 1


def tree(n: int) -> int:
    return tree_sum(Node(Node(n, 2), 3))


class Money:
    def __init__(self, cents: int):
        self.cents = cents

    def plus(self, other):
        if isinstance(other, Money):
            return Money(self.cents + other.cents)
        if isinstance(other, int):
            return Money(self.cents + other)
        return NotImplemented


def pay(a: int, b: int) -> int:
    return Money(a).plus(Money(b)).plus(b).cents


class Inc:
    def __init__(self, x):
        self.x = x

    def size(self):
        return self.x + 1


class Dbl:
    def __init__(self, x):
        self.x = x

    def size(self):
        return self.x * 2


def make(cls, x):
    return cls(x)


def sized(cls, x: int) -> int:
    return cls(x).size()


def sizes(x: int) -> int:
    return sized(Inc, x) + sized(Dbl, x) + make(Inc, x).x


class Delegating:
    def __init__(self, root_cls, lang_cls, n):
        self.root = root_cls(n)
        self.lang = lang_cls(n)

    def total(self):
        return self.root.size() * 10 + self.lang.size()


class IncDbl(Delegating):
    def __init__(self, n):
        super().__init__(Inc, Dbl, n)


class DblInc(Delegating):
    def __init__(self, n):
        super().__init__(Dbl, Inc, n)


def both(n: int) -> int:
    return IncDbl(n).total() - DblInc(n).total()
'''


def test_isinstance_of_module_classes_makes_a_union_of_them() -> None:
    tm = type_map_of(SHAPES)
    expected = {"area": "Circle | Square", "describe": "int | Label | str", "exact": "Square | str"}
    for name, union in expected.items():
        sig = tm.function(name)
        assert sig is not None and not sig.diagnostics, (name, sig and sig.diagnostics)
        assert str(sig.params[0].py_type) == union, name
        assert any("isinstance tests" in o.detail for o in sig.params[0].provenance)


def test_a_class_with_subclasses_or_a_foreign_base_is_no_member() -> None:
    src = ("class Base:\n    pass\n\nclass Derived(Base):\n    pass\n\n"
           "def f(x):\n    if isinstance(x, Base):\n        return 1\n    return len(x)\n")
    sig = type_map_of(src).function("f")
    assert sig is not None and any("derives Derived from it" in d.message for d in sig.diagnostics)
    src = ("class Oops(ValueError):\n    pass\n\n"
           "def g(x):\n    if isinstance(x, Oops):\n        return 1\n    return len(x)\n")
    sig = type_map_of(src).function("g")
    assert sig is not None and any("its base ValueError" in d.message for d in sig.diagnostics)


def test_uses_a_class_member_lacks_are_refused_and_exact_int_with_bool_member() -> None:
    src = SHAPES + "\n\ndef shown(x):\n    print(x)\n    if isinstance(x, Circle):\n        return x.r\n    return float(len(x))\n"
    sig = type_map_of(src).function("shown")
    assert sig is not None and any("a class member has no such common form" in d.message for d in sig.diagnostics)
    src = "def b(x):\n    if type(x) is int:\n        return x\n    if isinstance(x, bool):\n        return 2\n    return len(x)\n"
    sig = type_map_of(src).function("b")
    assert sig is not None and sig.diagnostics  # int | bool | str with an exact int test: no union


def test_the_enum_holds_the_struct_by_value_and_prints_no_display() -> None:
    circle, square = T.class_type("shapes", "Circle"), T.class_type("shapes", "Square")
    u = union_of([square, circle, T.INT])
    assert enum_name(u) == "CircleOrIntOrSquareInShapes"  # the module: two modules may each have a Circle
    t = owned_type(u)
    assert isinstance(t, ir.TUnion) and not t.hashable and not t.printable
    assert ("Circle", ir.TPath("Box", (ir.TPath("crate::shapes::Circle"),))) in t.variants
    printed = print_item(ir.Items(tuple(enum_items(t))))
    assert "pub enum CircleOrIntOrSquareInShapes {" in printed and "Display" not in printed
    # a class's Default (its new() starts from it) takes the builtin member's, not a class's own
    assert "impl Default for CircleOrIntOrSquareInShapes {\nfn default() -> Self {\nSelf::Int(Default::default())" in printed
    assert [m.name for m in members_matching(u, {"Circle"})] == ["Circle"]
    assert members_matching(union_of([T.BOOL, T.STR]), {"int"}, exact=True) == []  # type(True) is not int
    assert member_for_value(u, ClassValue(module="shapes", name="Square", fields=(("side", 2.0),))) == square
    assert member_for_value(u, 3) == T.INT


def test_the_chain_lowers_to_a_match_binding_the_struct() -> None:
    out = lower_module(parse_source(source_module_from_text("sample", SHAPES), SHAPES), type_map_of(SHAPES), {}, None)
    code = {i.name: i.code for i in out.items if i.kind == "fn"}
    rust = "".join(code.values())
    assert "pub fn area(shape: &crate::pyrt::CircleOrSquareInSample) -> f64" in rust
    assert "crate::pyrt::CircleOrSquareInSample::Circle(shape) => {\nlet shape: &crate::sample::Circle = shape;" in rust
    # a class holding the union in a field: boxed, so the type is of finite size
    assert "Box::new(Node::new(&crate::pyrt::IntOrNodeInSample::Int(n), 2))" in code["tree"]
    # the dunder shape: `return NotImplemented` is in no member's arm (not typed, not lowered)
    assert "NotImplemented" not in code["Money.plus"] and "crate::pyrt::IntOrMoneyInSample::Int(other) =>" in code["Money.plus"]


def test_the_harness_generates_and_writes_each_class_member() -> None:
    """Generated cases draw each member, a class's as the harness's stand-in (ClassValue), and
    each is written as its variant holding the struct literal."""
    tm = type_map_of(SHAPES)
    sig = tm.function("area")
    cases = generated_cases("sample", sig, {"sample": tm}, 20)
    assert not isinstance(cases, str)
    drawn = [decode_value(c.args[0]) for c in cases]
    assert {d.name for d in drawn} == {"Circle", "Square"}
    square = next(d for d in drawn if d.name == "Square")
    text = print_expr(value_expr(square, sig.params[0].py_type, classes=RustLiterals("crate", {"sample": tm})._fields))
    assert text.startswith("crate::pyrt::CircleOrSquareInSample::Square(Box::new(crate::sample::Square {")


CALLS = ["area(Circle(2.0))", "area(Square(1.5))", "describe(Label('hi'))", "describe(4)", "describe('ab')",
         "exact(Square(0.5))", "exact('abc')", "total(1.0, 2.0)", "tree(5)", "tree_sum(Node(Node(Node(1, 2), 3), 4))",
         "tree_sum(7)", "pay(3, 4)", "pay(-2, 10)",
         # classes as values (tests/test_class_objects.py): a class passed, called, its instance's method
         "sized(Inc, -2)", "sized(Dbl, 5)", "sizes(7)", "both(3)", "both(-5)"]


@pytest.fixture(scope="module")
def shapes_run(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(SHAPES, CALLS, tmp_path_factory.mktemp("class_unions"), toolchain)


@needs_cargo
def test_class_union_functions_translate(shapes_run: DiffRun) -> None:
    module = shapes_run.module_report()
    status = {f["name"]: f["status"] for f in module["functions"]}
    assert {status[f] for f in ("area", "describe", "exact", "total", "tree_sum", "tree", "pay", "Money.plus", "make", "sized", "sizes",
                                "Delegating.__init__", "Delegating.total", "IncDbl.__init__", "DblInc.new", "both")} == {"translated"}, module["diagnostics"]


@needs_cargo
@pytest.mark.parametrize("call", CALLS)
def test_class_union_differential(shapes_run: DiffRun, call: str) -> None:
    shapes_run.check(call)
