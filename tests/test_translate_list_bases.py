"""A class deriving from `list` (issue 11, "a class deriving from a stdlib base"; email's
`class TokenList(list)`): the struct holds the list as the field `__list__` (portalis/
builtin_bases.py rewrites the class into a plain class before the outline), its items typed by
what the methods append or the initialiser is given; `self.append(x)`, `self[i]`, `len(self)`,
`for x in self`, `not self`, `super().__init__(xs)`, a subclass in the module. The differential
harness encodes a Python instance's items as that field (`list(obj)`) and builds one with
`list.extend`, so the methods are verified on the object's state, not only translated.
A class deriving from `dict` likewise (`self.__mapping__`). Outside the class, a value of
it is used as its list where the class gives the use no meaning of its own (`s.append(x)`,
`for x in s`, `s[0]`, `len(s)`, `x in s`, `if s:`): the lowering reads the field. One crate,
verified, for the file."""

from __future__ import annotations

import pytest

from portalis.pipeline import translate_path
from portalis.validate.behaviour import VerifyConfig

from conftest import needs_cargo

pytestmark = needs_cargo

STACKS = '''"""Lists with methods."""


class Stack(list):
    """A stack of ints."""

    def push(self, x: int) -> None:
        self.append(x)

    def pop_top(self) -> int:
        return self.pop()

    def peek(self) -> int:
        return self[-1]

    def size(self) -> int:
        return len(self)

    def is_empty(self) -> bool:
        return not self

    def total(self) -> int:
        t = 0
        for x in self:
            t += x
        return t


class Words(list):
    def __init__(self, text: str):
        super().__init__(text.split())
        self.text = text

    def longest(self) -> str:
        best = ""
        for w in self:
            if len(w) > len(best):
                best = w
        return best

    def has(self, w: str) -> bool:
        return w in self

    def joined(self) -> str:
        return "-".join(list(self))


class Shouted(Words):
    def shout(self) -> list[str]:
        return [w.upper() for w in self]

    def add(self, w: str) -> int:
        self.extend([w, w])
        return len(self)


class Registry(dict):
    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def register(self, key: str, n: int) -> None:
        self[key] = n

    def lookup(self, key: str) -> int:
        return self.get(key, 0)

    def names(self) -> list[str]:
        return sorted(self)

    def size(self) -> int:
        return len(self)


def outside(xs: list[int]) -> int:
    s = Stack()
    for x in xs:
        s.append(x)
    t = 0
    for x in s:
        t += x
    if s:
        t += s[0]
    return t + len(s)


def registered(keys: list[str]) -> list[str]:
    r = Registry("r")
    for i, k in enumerate(keys):
        r.register(k, i)
    return r.names()


def has_word(text: str, w: str) -> bool:
    return w in Words(text)


def total(xs: list[int]) -> int:
    return sum(xs)


def grow(xs: list[int]) -> None:
    xs.append(len(xs))


def passed_as_list(xs: list[int]) -> int:
    s = Stack()
    for x in xs:
        s.push(x)
    grow(s)
    return total(s) + s.peek()


def stack_total(xs: list[int]) -> int:
    s = Stack()
    for x in xs:
        s.push(x)
    return s.total() + s.size()


def longest_word(text: str) -> str:
    return Words(text).longest()
'''

MORE = '''"""A subclass in another module: its own methods use the list through the lowering."""

from .stacks import Stack


class Counted(Stack):
    def push_twice(self, x: int) -> int:
        self.append(x)
        self.push(x)
        return len(self)

    def first(self) -> int:
        return self[0] if self else -1


def counted(xs: list[int]) -> int:
    c = Counted()
    for x in xs:
        c.push_twice(x)
    return c.first() + c.total()
'''

CONFIG = VerifyConfig(generated_per_function=10, python_timeout_s=0.5, rust_timeout_s=2.0)


@pytest.fixture(scope="module")
def stacks(tmp_path_factory, toolchain):
    root = tmp_path_factory.mktemp("list_bases_repo")
    pkg = root / "repo" / "lists"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "stacks.py").write_text(STACKS, encoding="utf-8")
    (pkg / "more.py").write_text(MORE, encoding="utf-8")
    return translate_path(pkg, root / "crate", toolchain, build=False, verify=True, verify_config=CONFIG)


def _functions(run) -> dict[str, dict]:
    return {f["name"]: f for m in run.report["modules"] for f in m["functions"]}


def test_the_crate_compiles_and_the_struct_holds_the_list(stacks) -> None:
    assert stacks.report["crate"]["compiles"] is True
    rust = (stacks.out_dir / "src" / "lists" / "stacks.rs").read_text(encoding="utf-8")
    assert "pub struct Stack {" in rust and "pub __list__: Vec<i64>," in rust
    assert "pub __list__: Vec<String>," in rust  # Words: the items of `text.split()`
    assert "pub __mapping__: crate::pyrt::PyDict<String, i64>," in rust  # Registry


@pytest.mark.parametrize("name", [
    "Stack.push", "Stack.pop_top", "Stack.peek", "Stack.size", "Stack.is_empty", "Stack.total",
    "Words.__init__", "Words.longest", "Words.has", "Words.joined",
    "Shouted.shout", "Shouted.add",  # a subclass in the module: the field and `super().__init__` inherited
    "stack_total", "longest_word",
    "Registry.__init__", "Registry.register", "Registry.lookup", "Registry.names", "Registry.size",  # a dict base
    "passed_as_list",  # where a `list` is taken: its items (`grow` changes the Stack's)
    "outside", "registered", "has_word",  # used as the list from outside the class: append, iteration, [i], len, `in`, truth
    "Counted.push_twice", "Counted.first", "counted",  # a subclass in another module (portalis/inheritance.py; `counted` calls the inherited `total`)
])
def test_methods_of_a_list_subclass_are_verified(stacks, name) -> None:
    f = _functions(stacks)[name]
    assert f["status"] == "verified", f


