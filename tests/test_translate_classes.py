"""Classes, differential: dataclasses and plain classes become a struct plus methods.

Methods (`&self`, `&mut self` when they change self), `__init__` as `new`, attributes typed from
`__init__` (or from how methods use them), @property, @staticmethod, @classmethod, single
inheritance with `super().__init__`, methods that raise. The harness calls module functions
that build and use the objects.
"""

from __future__ import annotations

import pytest

from conftest import DiffRun, needs_cargo, run_differential

pytestmark = needs_cargo

CLASSES_SRC = '''
from dataclasses import dataclass
from typing import List


@dataclass
class Point:
    x: float
    y: float

    def norm2(self) -> float:
        return self.x * self.x + self.y * self.y

    def scale(self, k: float) -> None:
        self.x *= k
        self.y *= k

    def moved(self, dx: float) -> "Point":
        return Point(self.x + dx, self.y)


class Account:
    def __init__(self, owner: str, balance: int = 0):
        self.owner = owner
        self.balance = balance
        self.history = []

    def deposit(self, amount: int) -> None:
        if amount <= 0:
            raise ValueError("amount must be positive")
        self.balance += amount
        self.history.append(amount)

    @property
    def label(self) -> str:
        return f"{self.owner}: {self.balance}"

    @staticmethod
    def fee(amount: int) -> int:
        return amount // 100

    @classmethod
    def empty(cls, owner: str) -> "Account":
        return cls(owner)

    def total_deposits(self):
        return sum(self.history)

    def biggest(self) -> int:
        best = 0
        for h in self.history:
            best = max(best, h)
        return best


class Savings(Account):
    def __init__(self, owner: str, rate: float):
        super().__init__(owner)
        self.rate = rate

    def interest(self) -> float:
        return self.balance * self.rate


class Counter:
    def __init__(self):
        self.counts = {}

    def add(self, word: str) -> None:
        self.counts[word] = self.counts.get(word, 0) + 1

    def top(self) -> str:
        best = ""
        for w, n in self.counts.items():
            if best == "" or n > self.counts[best]:
                best = w
        return best


def use_point(a: float, b: float) -> float:
    p = Point(a, b)
    p.scale(2.0)
    return p.norm2() + p.moved(1.0).x


def scale_point(p: Point, k: float) -> Point:
    p.scale(k)
    return p


def use_account(amounts: List[int]) -> str:
    acc = Account("bob")
    for a in amounts:
        acc.deposit(a)
    return acc.label + " " + str(acc.total_deposits()) + " " + str(Account.fee(acc.balance)) + " " + str(acc.biggest())


def safe_deposits(amounts: List[int]) -> int:
    acc = Account.empty("x")
    for a in amounts:
        try:
            acc.deposit(a)
        except ValueError:
            pass
    return acc.balance


def use_savings(n: int) -> float:
    s = Savings("ann", 0.5)
    s.deposit(n)
    return s.interest() + len(s.label)


def most_frequent(words: List[str]) -> str:
    c = Counter()
    for w in words:
        c.add(w)
    return c.top()
'''

CALLS = [
    "use_point(1.0, 2.0)", "scale_point(Point(1.0, -2.0), 3.0)", "use_account([100, 250])",
    "use_account([5, -1])", "safe_deposits([10, -5, 20])", "use_savings(10)",
    "most_frequent(['a', 'b', 'b', 'c', 'a', 'b'])",
]


@pytest.fixture(scope="module")
def classes(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(CLASSES_SRC, CALLS, tmp_path_factory.mktemp("classes"), toolchain)


def test_classes_module_translates_completely(classes: DiffRun) -> None:
    module = classes.module_report()
    bad = {f["name"]: f["status"] for f in module["functions"] if f["status"] != "translated"}
    assert not bad, (bad, module["diagnostics"])
    assert {"Account.deposit", "Savings.interest", "Account.new", "Point.scale"} <= {f["name"] for f in module["functions"]}


@pytest.mark.parametrize("call", CALLS)
def test_classes(classes: DiffRun, call: str) -> None:
    classes.check(call)


def test_class_interfaces(classes: DiffRun) -> None:
    tm = classes.type_maps["sample"]
    account = tm.cls("Account")
    assert [f.name for f in account.fields] == ["owner", "balance", "history"]
    assert account.fields[2].rust_type == "Vec<i64>"  # learnt from deposit()'s append
    deposit = account.method("deposit")
    assert deposit.mut_self and deposit.raises and deposit.kind == "method"
    assert account.method("label").kind == "property" and not account.method("label").mut_self
    assert account.method("fee").kind == "staticmethod"
    assert account.method("total_deposits").rust_returns == "i64"
    savings = tm.cls("Savings")
    assert savings.base == "Account" and [f.name for f in savings.fields] == ["owner", "balance", "history", "rate"]


# NamedTuples: records that are also tuples (built by position or keyword, unpacked, indexed,
# compared and sorted field by field) and the repr dataclasses and NamedTuples get for free.
RECORDS_SRC = '''
from dataclasses import dataclass, field
from typing import List, NamedTuple, Tuple


class Point(NamedTuple):
    x: int
    y: int
    label: str = "p"


@dataclass
class Box:
    name: str
    size: float = 1.0
    tags: List[str] = field(default_factory=list)


def manhattan(a: Point, b: Point) -> int:
    return abs(a.x - b.x) + abs(a.y - b.y)


def nt_demo(xs: List[Tuple[int, int]]) -> List[int]:
    points = [Point(x, y) for x, y in xs]
    a, b, _ = points[0]
    ordered = sorted(points)
    total = 0
    for px, py, _label in points:
        total += px * py
    return [a, b, points[1][0], points[-1][1], ordered[0].x, manhattan(points[0], points[1]), total,
            int(points[0] < points[1])]


def nt_text(x: int) -> str:
    p = Point(x, 2 * x, label="q")
    return f"{p.label}:{p.x},{p.y} {p == Point(x, 2 * x, 'q')} {p} {repr(Point(0, x))}"


def box_text(name: str, tags: List[str]) -> str:
    b = Box(name, tags=tags)
    return str(b) + " / " + f"{Box('x', 2.5)}"
'''

RECORDS_CALLS = [
    "nt_demo([(3, 4), (1, 2), (5, 0)])", "nt_demo([(0, 0), (0, -1)])", "nt_text(3)", "nt_text(-1)",
    "box_text(\"it's\", ['a', 'b'])", "box_text('y', [])",
]


@pytest.fixture(scope="module")
def records(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(RECORDS_SRC, RECORDS_CALLS, tmp_path_factory.mktemp("records"), toolchain)


def test_records_module_translates_completely(records: DiffRun) -> None:
    module = records.module_report()
    bad = {f["name"]: f["status"] for f in module["functions"] if f["status"] != "translated"}
    assert not bad, (bad, module["diagnostics"])


@pytest.mark.parametrize("call", RECORDS_CALLS)
def test_records(records: DiffRun, call: str) -> None:
    records.check(call)


# Enums: members as a Rust enum with value()/name(); `Color(v)` looks a member up (ValueError
# when none has the value), `for c in Color`, `is`, members as dict keys, methods on members.
ENUM_SRC = '''from enum import Enum, auto
from typing import Dict, List


class Color(Enum):
    RED = 1
    GREEN = 2
    BLUE = 3

    def is_warm(self) -> bool:
        return self is Color.RED

    def describe(self) -> str:
        return f"{self.name.lower()}={self.value}"


class Level(Enum):
    LOW = "low"
    HIGH = "high"


class Step(Enum):
    ONE = auto()
    TWO = auto()


def color_name(c: int) -> str:
    return Color(c).name.lower()


def safe_color(c: int) -> str:
    try:
        return str(Color(c))
    except ValueError:
        return "none"


def warm_count(cs: List[int]) -> int:
    return sum(1 for c in cs if Color(c).is_warm())


def tally(cs: List[int]) -> Dict[str, int]:
    counts: Dict[Color, int] = {}
    for c in cs:
        col = Color(c)
        counts[col] = counts.get(col, 0) + 1
    return {k.name: v for k, v in counts.items()}


def all_colors() -> List[str]:
    return [c.describe() for c in Color] + [str(len(Color))]


def level_of(s: str) -> str:
    lvl = Level(s)
    if lvl == Level.HIGH:
        return "!" + lvl.value
    return lvl.value


def steps() -> List[int]:
    return [s.value for s in Step]
'''

ENUM_CALLS = [
    "color_name(2)", "safe_color(3)", "safe_color(7)", "warm_count([1, 2, 1, 3])", "tally([3, 1, 3, 3])",
    "all_colors()", "level_of('high')", "level_of('low')", "steps()",
]


@pytest.fixture(scope="module")
def enums(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(ENUM_SRC, ENUM_CALLS, tmp_path_factory.mktemp("enums"), toolchain)


def test_enum_module_translates_completely(enums: DiffRun) -> None:
    module = enums.module_report()
    bad = {f["name"]: f["status"] for f in module["functions"] if f["status"] != "translated"}
    assert not bad, (bad, module["diagnostics"])
    color = enums.type_maps["sample"].cls("Color")
    assert color.flavour == "enum" and [m.name for m in color.members] == ["RED", "GREEN", "BLUE"]


@pytest.mark.parametrize("call", ENUM_CALLS)
def test_enums(enums: DiffRun, call: str) -> None:
    enums.check(call)


# Operators on objects: `+`/`*` call __add__/__mul__, `==` the class's __eq__ (not field-wise
# equality), `<`, sorted() and max() its __lt__.
OPS_SRC = '''from typing import List


class Vec2:
    def __init__(self, x: float, y: float):
        self.x = x
        self.y = y

    def __add__(self, other: "Vec2") -> "Vec2":
        return Vec2(self.x + other.x, self.y + other.y)

    def __mul__(self, k: float) -> "Vec2":
        return Vec2(self.x * k, self.y * k)

    def __eq__(self, other: "Vec2") -> bool:
        return abs(self.x - other.x) < 1e-9 and abs(self.y - other.y) < 1e-9

    def __lt__(self, other: "Vec2") -> bool:
        return self.x * self.x + self.y * self.y < other.x * other.x + other.y * other.y

    def __repr__(self) -> str:
        return f"Vec2({self.x}, {self.y})"


def vec_demo(xs: List[float]) -> List[str]:
    vs = [Vec2(x, -x / 2) for x in xs]
    total = Vec2(0.0, 0.0)
    for v in vs:
        total = total + v * 2.0
    ordered = sorted(vs)
    return [repr(total), repr(ordered[0]), repr(max(vs)), str(Vec2(1.0, 2.0) == Vec2(1.0, 2.0 + 1e-12)), str(vs[0] < vs[-1])]
'''

OPS_CALLS = ["vec_demo([3.0, -1.0, 2.0])", "vec_demo([0.5])"]


@pytest.fixture(scope="module")
def ops(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(OPS_SRC, OPS_CALLS, tmp_path_factory.mktemp("ops"), toolchain)


@pytest.mark.parametrize("call", OPS_CALLS)
def test_operator_methods(ops: DiffRun, call: str) -> None:
    ops.check(call)


# ---------------------------------------------------------------- `x = property(getx, setx)` (no cargo)

PROPERTY_CALL_SRC = '''
class Cal:
    def __init__(self, firstweekday=0):
        self.firstweekday = firstweekday

    def getfirstweekday(self):
        return self._firstweekday % 7

    def setfirstweekday(self, firstweekday):
        self._firstweekday = firstweekday

    firstweekday = property(getfirstweekday, setfirstweekday)

    def first(self):
        return self.firstweekday


class Sub(Cal):
    def shifted(self):
        self.firstweekday = self.firstweekday + 1
        return self.firstweekday
'''


def test_property_call_in_a_class_body_runs_its_getter_and_setter() -> None:
    """calendar.Calendar's `firstweekday = property(getfirstweekday, setfirstweekday)`: the
    attribute was a field that `__init__` stored into, so `Calendar(-1).firstweekday` was -1
    where Python's getter gives 6 (10 calendar methods failed verification). It is no field: reading
    it runs the getter, assigning it the setter, and what the setter stores is the field; a
    subclass inherits the property."""
    from conftest import type_map_of
    from portalis.lower.module import lower_module
    from portalis.parse import parse_source, source_module_from_text

    parsed = parse_source(source_module_from_text("sample", PROPERTY_CALL_SRC), PROPERTY_CALL_SRC)
    tm = type_map_of(PROPERTY_CALL_SRC)
    for cls in tm.classes:
        assert [f.name for f in cls.fields] == ["_firstweekday"], cls.name
        assert cls.properties == {"firstweekday": ["getfirstweekday", "setfirstweekday"]}
    rust = "\n".join(i.code for i in lower_module(parsed, tm, {"sample": tm}, None).items)
    assert "pub fn __init__(&mut self, firstweekday: i64) {\nself.setfirstweekday(firstweekday);\n}" in rust
    assert "pub fn first(&self) -> i64 {\nself.getfirstweekday()\n}" in rust
    assert "self.setfirstweekday(self.getfirstweekday() + 1);" in rust
    assert "todo!" not in rust


def test_none_into_a_field_only_none_types_is_unit() -> None:
    """calendar's `different_locale.__init__`: `self.oldlocale = None`, where the only other
    assignment (`_locale.setlocale(...)` in `__enter__`) is untyped: the field is None, `()` in
    Rust, and the literal was written `None` (rustc E0308, the method quarantined)."""
    from conftest import type_map_of
    from portalis.lower.module import lower_module
    from portalis.parse import parse_source, source_module_from_text

    src = ("import locale as _locale\n\nclass different_locale:\n    def __init__(self, locale: str):\n"
           "        self.locale = locale\n        self.oldlocale = None\n\n    def __enter__(self):\n"
           "        self.oldlocale = _locale.setlocale(_locale.LC_TIME, None)\n")
    parsed = parse_source(source_module_from_text("sample", src), src)
    tm = type_map_of(src)
    rust = "\n".join(i.code for i in lower_module(parsed, tm, {"sample": tm}, None).items)
    assert "pub oldlocale: (),\n" in rust
    assert "self.locale = locale.to_string();\nself.oldlocale = ();\n}" in rust


def test_base_initialiser_inherited_by_the_base_is_lowered() -> None:
    """`B.__init__(self, first)` in C(B) where B inherits A's `__init__` (calendar's
    LocaleTextCalendar calls TextCalendar's, which is Calendar's): `C.__init_B__` was a
    `todo!()` stub with no diagnostic, and the translated `C.__init__` called it."""
    from conftest import type_map_of
    from portalis.lower.module import lower_module
    from portalis.parse import parse_source, source_module_from_text

    src = ("class A:\n    def __init__(self, first: int = 0):\n        self.first = first\n\n"
           "class B(A):\n    def width(self) -> int:\n        return self.first * 2\n\n"
           "class C(B):\n    def __init__(self, first: int = 0, loc: str = ''):\n"
           "        B.__init__(self, first)\n        self.loc = loc\n")
    parsed = parse_source(source_module_from_text("sample", src), src)
    tm = type_map_of(src)
    rust = "\n".join(i.code for i in lower_module(parsed, tm, {"sample": tm}, None).items)
    assert "pub fn __init_B__(&mut self, first: i64) {\nself.first = first;\n}" in rust
    assert "self.__init_B__(first);" in rust and "todo!" not in rust


def test_fields_from_chained_assignment_and_methods_init_calls() -> None:
    """difflib's SequenceMatcher: `self.a = self.b = None` (a chained assignment: only
    single-target assignments made fields) and then `self.set_seqs(a, b)`, whose callees
    `set_seq1`/`set_seq2` store the sequences and `__chain_b` the index: none of `a`, `b`,
    `b2j` was a field, and every method reading one was PTL135 ("has no field")."""
    from conftest import type_map_of
    from portalis.lower.module import lower_module
    from portalis.parse import parse_source, source_module_from_text

    src = ("class Matcher:\n    def __init__(self, a='', b=''):\n        self.a = self.b = None\n"
           "        self.set_seqs(a, b)\n\n    def set_seqs(self, a, b):\n        self.set_seq1(a)\n"
           "        self.set_seq2(b)\n\n    def set_seq1(self, a):\n        self.a = a\n\n"
           "    def set_seq2(self, b):\n        self.b = b\n        self.__index()\n\n"
           "    def __index(self):\n        self.n = len(self.b)\n\n"
           "    def total(self):\n        return self.n + 1\n")
    parsed = parse_source(source_module_from_text("sample", src), src)
    tm = type_map_of(src)
    (cls,) = tm.classes
    fields = {f.name: f.py_type for f in cls.fields}
    assert list(fields) == ["a", "b", "n"]
    assert fields["n"].kind == "int"
    # None in __init__, a str in the method it calls: Optional[str], one field
    assert fields["a"].kind == "optional" and fields["a"].args[0].kind == "str", fields["a"]
    rust = "\n".join(i.code for i in lower_module(parsed, tm, {"sample": tm}, None).items)
    assert "pub fn total(&self) -> i64 {" in rust and "has no field" not in rust
