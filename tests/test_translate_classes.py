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
