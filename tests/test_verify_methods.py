"""Methods are verified differentially: a plain class whose `__init__` sets attributes becomes a
struct, its methods `impl` methods, and validation builds cases for them (the instance built from
its typed fields, the method called, the result and the object's fields after the call compared
with CPython). Also the constructs of real packages (issue 11): an attribute nothing types (the
placeholder `Opaque`), a stateless stdlib base, dunders (`in`, `[]`, `for`, call), generators,
an inherited method left untranslated, a call of a method with no translation. One crate for
the module."""

from __future__ import annotations

import pytest

from portalis.model import FunctionStatus
from portalis.pipeline import translate_path
from portalis.validate.behaviour import VerifyConfig

from conftest import needs_cargo, reverify

pytestmark = needs_cargo

ACCOUNTS = '''"""Accounts."""

from collections.abc import Sequence


class Account:
    """A bank account.

    >>> a = Account("ann", 5)
    >>> a.deposit(10)
    15
    >>> Account.fee(30)
    3
    """

    def __init__(self, owner: str, balance: int = 0):
        self.owner = owner
        self.balance = balance
        self.history = []

    def deposit(self, amount: int) -> int:
        self.balance += amount
        self.history.append(amount)
        return self.balance

    def total(self) -> int:
        return sum(self.history)

    def describe(self) -> str:
        return self.owner + ": " + str(self.balance)

    def broken(self, n: int) -> int:
        return self.balance + n

    @property
    def doubled(self) -> int:
        return self.balance * 2

    @classmethod
    def empty(cls, owner: str) -> "Account":
        return cls(owner, 0)

    @staticmethod
    def fee(amount: int) -> int:
        return amount // 10


class Counter:
    def __init__(self, start: int):
        self.count = start
        self.step = 1

    def bump(self, by: int) -> int:
        self.count = self.count + by * self.step
        return self.count


class Store:
    def __init__(self, items: list[str]):
        self.items = list(items)
        self.index = {}
        self.last = None

    def add(self, key: str, value: int) -> None:
        self.index[key] = value
        self.last = key


class Week:
    def __init__(self, first: int = 0):
        self.first = first

    @property
    def first(self) -> int:
        return self._first

    @first.setter
    def first(self, value: int) -> None:
        self._first = value

    def last(self) -> int:
        return (self.first + 6) % 7


class Loose:
    def __init__(self, start):
        self.count = start

    def bump(self, by):
        self.count = self.count + by
        return self.count


class Matcher:
    def __init__(self, isjunk=None, limit: int = 3):
        self.isjunk = isjunk
        self.limit = limit
        self.seen = []

    def junk(self, c: str) -> bool:
        return self.isjunk is not None and self.isjunk(c)

    def remember(self, word: str) -> int:
        if len(self.seen) < self.limit:
            self.seen.append(word)
        return len(self.seen)


class Span(Sequence):
    def __init__(self, start: int, stop: int):
        self.start = start
        self.stop = stop

    def __len__(self) -> int:
        return max(0, self.stop - self.start)

    def __getitem__(self, i: int) -> int:
        if i < 0 or i >= len(self):
            raise IndexError("out of range")
        return self.start + i

    def __contains__(self, v: int) -> bool:
        return self.start <= v < self.stop


class Bag:
    def __init__(self, items: list[int]):
        self.items = items

    def __getitem__(self, i: int) -> int:
        return self.items[i]

    def __iter__(self):
        for x in self.items:
            yield x

    def __len__(self) -> int:
        return len(self.items)

    def __str__(self) -> str:
        return "Bag" + str(len(self.items))

    def __bool__(self) -> bool:
        return len(self.items) > 0

    def __call__(self, k: int) -> int:
        return self.items[0] * k


def first_of(b: Bag) -> int:
    return b[0]


def bag_total(b: Bag) -> int:
    t = 0
    for x in b:
        t += x
    return t


def bag_name(b: Bag) -> str:
    return str(b)


def truthy(b: Bag) -> bool:
    if b:
        return True
    return False


def called(b: Bag, k: int) -> int:
    return b(k)


class Importer:
    def __init__(self, name: str):
        self.name = name
        self.known_modules = {}

    def __get_module(self, fullname):
        try:
            return self.known_modules[fullname]
        except KeyError:
            raise ImportError("unknown " + fullname)

    def get_code(self, fullname: str):
        self.__get_module(fullname)
        return None


def evens(n: int):
    for i in range(n):
        if i % 2 == 0:
            yield i


def checked(n: int):
    if n < 0:
        raise ValueError("negative")
    for i in range(n):
        if i > 50:
            raise ValueError("too many")
        yield i * 2


def covers(s: Span, v: int) -> bool:
    return v in s and v + 1 not in s


class Base:
    def __init__(self, n: int):
        self.n = n

    def top(self) -> int:
        return max(*[self.n, 1])


class Derived(Base):
    def plus(self, k: int) -> int:
        return self.top() + k


def opened(owner: str, n: int) -> int:
    a = Account(owner, n)
    a.deposit(3)
    return a.balance
'''

CONFIG = VerifyConfig(generated_per_function=10, python_timeout_s=0.5, rust_timeout_s=2.0)


@pytest.fixture(scope="module")
def bank(tmp_path_factory, toolchain):
    root = tmp_path_factory.mktemp("bank_repo")
    pkg = root / "repo" / "bank"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "accounts.py").write_text(ACCOUNTS, encoding="utf-8")
    return translate_path(pkg, root / "crate", toolchain, build=False, verify=True, verify_config=CONFIG)


def _functions(run) -> dict[str, dict]:
    return {f["name"]: f for m in run.report["modules"] for f in m["functions"]}


def test_methods_of_a_plain_class_are_verified(bank) -> None:
    fns = _functions(bank)
    names = ("Account.__init__", "Account.new", "Account.deposit", "Account.total", "Account.describe",
             "Account.doubled", "Account.empty", "Account.fee", "Counter.bump", "Counter.new", "opened",
             # `self.last = None` in __init__, `self.last = key` in a method: Optional[str]
             "Store.add", "Store.new",
             # a property with a setter: what the setter stores (`_first`) is the field
             "Week.new", "Week.first", "Week.__set_first__", "Week.last",
             # a stdlib abstract base (collections.abc.Sequence) adds no state: before, PTL140
             "Span.new", "Span.__len__", "Span.__getitem__",
             # `v in s` on an object: its __contains__ (before: PTL113 "`in` on Span")
             "covers",
             # a generator (its Rust a Vec): Python's generator compares as the list of what it
             # yields (before: untested, "no canonical form for generator")
             "evens",
             # a generator that raises while drawn: drawn inside the call, its ValueError is the call's
             "checked",
             # dunders of a class with __call__ (an instance still, not a function):
             # `b[0]` -> __getitem__, `for x in b` -> __iter__, `b(k)` -> __call__, str(b), `if b:`
             "Bag.new", "Bag.__getitem__", "Bag.__iter__", "Bag.__call__", "first_of", "bag_total", "bag_name",
             "truthy", "called")
    for name in names:
        f = fns[name]
        assert f["status"] == "verified", f
        assert f["cases_total"] >= 3 and f["cases_passed"] == f["cases_total"]
    verdicts = {v.function: v for v in bank.behaviour.verdicts}
    assert verdicts["Account.deposit"].origins.get("hypothesis", 0) >= 3
    # the docstring's `a = Account(...)` then `a.deposit(10)`: a case with `a` as the receiver
    assert verdicts["Account.deposit"].origins.get("doctest") == 1
    assert verdicts["Account.fee"].origins.get("doctest") == 1


def test_an_attribute_nothing_types_costs_only_the_methods_using_it(bank) -> None:
    """`Matcher.isjunk` (a callable) and `Loose.count` cannot be typed: the field holds the
    placeholder `Opaque` and only the methods that touch it are untranslated, with PTL112 naming
    the attribute; `Matcher.remember` is translated and verified on instances whose typed fields
    are generated (the placeholder left unset in Python, the unit `Opaque` in Rust). Before: the
    whole class was left out (PTL112 on the class)."""
    fns = _functions(bank)
    junk = fns["Matcher.junk"]
    assert junk["status"] == "untranslated"
    assert junk["reason"]["code"] == "PTL112" and "Matcher.isjunk" in junk["reason"]["message"], junk
    assert fns["Loose.bump"]["reason"]["code"] == "PTL110"  # its own reason (`by` untyped), never PTL722
    remember = fns["Matcher.remember"]
    assert remember["status"] == "verified", remember
    assert remember["cases_total"] >= 3
    rust = (bank.out_dir / "src" / "bank" / "accounts.rs").read_text(encoding="utf-8")
    assert "pub isjunk: crate::pyrt::Opaque," in rust


def test_an_inherited_method_left_untranslated_keeps_its_stub(bank) -> None:
    """`Base.top` is untranslated (a starred call); `Derived` inherits it and `Derived.plus`
    calls it: the stub is in `Derived`'s impl too, so the crate compiles (before: rustc E0599,
    the caller quarantined). `plus` reached the stub and failed; now it is refused before
    (PTL137 naming the callee and its reason, portalis/stub_callers.py), its Rust its stub. The
    `def` is `Base`'s, reported there."""
    fns = _functions(bank)
    assert "Derived.top" not in fns and fns["Base.top"]["reason"]["code"] == "PTL150"
    rust = (bank.out_dir / "src" / "bank" / "accounts.rs").read_text(encoding="utf-8")
    assert "inherited, not translated for `Derived`" in rust
    plus = fns["Derived.plus"]
    assert plus["status"] == "untranslated" and plus["reason"]["code"] == "PTL137", plus
    assert "calls `Derived.top`, which is not translated (PTL150: inherited, not translated for `Derived`" in plus["reason"]["message"]
    assert "`Derived.plus` calls `Derived.top`, which is not translated (PTL137)" in rust


def test_a_call_of_a_method_with_no_translation_is_refused(bank) -> None:
    """`__get_module` has no typed signature (nor a stub); `get_code` calls it as a statement.
    An inference pass tolerates the call to learn from the rest but is not a clean result: the
    strict pass refuses it (PTL136). Before: the tolerant pass was taken, rustc E0599, the
    caller quarantined (six's `_SixMetaPathImporter.get_code`)."""
    fns = _functions(bank)
    assert fns["Importer.get_code"]["status"] == "untranslated", fns["Importer.get_code"]
    assert fns["Importer.get_code"]["reason"]["code"] == "PTL136"


def test_the_struct_and_its_methods_are_rust(bank) -> None:
    rust = (bank.out_dir / "src" / "bank" / "accounts.rs").read_text(encoding="utf-8")
    assert "pub struct Week {\n    pub _first: i64,\n}" in rust
    assert "pub struct Account" in rust and "pub history: Vec<i64>" in rust
    assert "pub fn deposit(&mut self, amount: i64) -> i64" in rust
    assert "pub fn total(&self) -> i64" in rust


def test_a_method_that_changes_the_object_wrongly_fails(bank, toolchain) -> None:
    """The object's fields after the call are compared: a deposit that forgets the history fails,
    the other methods stay verified."""
    root = bank.out_dir.parent
    rust_file = bank.out_dir / "src" / "bank" / "accounts.rs"
    original = rust_file.read_text(encoding="utf-8")
    broken = original.replace("self.history.push(amount);", "", 1)
    assert broken != original
    rust_file.write_text(broken, encoding="utf-8")
    try:
        report = reverify(root / "repo" / "bank", bank.out_dir, bank.report, toolchain, CONFIG)
    finally:
        rust_file.write_text(original, encoding="utf-8")
    verdicts = report.for_module("bank.accounts")
    assert verdicts["Account.deposit"].status is FunctionStatus.FAILED
    assert "history" in (verdicts["Account.deposit"].detail or "")
    assert verdicts["Counter.bump"].status is FunctionStatus.VERIFIED


def test_plain_objects_cross_the_worker_by_attributes_and_cycles_are_refused(tmp_path, monkeypatch) -> None:
    """The Python side: a plain instance of a repository class encodes and compares by its
    attributes (sorted by name), is rebuilt without running `__init__`, and one that refers to
    itself is a TypeError (an unrepresentable case), never a RecursionError."""
    from portalis.validate import worker

    (tmp_path / "nodes.py").write_text(
        "class N:\n    def __init__(self, name):\n        raise AssertionError('not called')\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(worker, "_ROOTS", [str(tmp_path.resolve()) + "/"])
    import nodes  # noqa: PLC0415 - the module under test, written above

    a = nodes.N.__new__(nodes.N)
    a.z, a.k = 1, [2]
    assert worker.canonical(a) == {"__class__": "N", "k": [2], "z": 1}
    assert list(worker.canonical(a)) == ["__class__", "k", "z"]
    back = worker.decode(worker.encode(a))
    assert type(back) is nodes.N and vars(back) == {"z": 1, "k": [2]}
    a.k = a
    for f in (worker.canonical, worker.encode):
        with pytest.raises(TypeError, match="refers to itself"):
            f(a)
    with pytest.raises(TypeError):
        worker.canonical(object())  # not a repository class


def test_a_method_using_randomness_is_found_statically() -> None:
    from portalis.parse import parse_source, source_module_from_text
    from portalis.validate.behaviour import nondeterministic_uses

    src = "import random\n\nclass D:\n    def roll(self) -> int:\n        return random.randint(1, 6)\n"
    parsed = parse_source(source_module_from_text("dice", src), src)
    assert nondeterministic_uses(parsed, "D.roll") == ["random.randint"]


def test_a_generator_compares_as_the_list_it_yields_within_the_budget() -> None:
    """A generator (what a translated generator function returns as a Vec) is drawn into a
    list; an endless one stops at the item budget (a TypeError: no comparable form)."""
    import itertools

    from portalis.validate import worker

    assert worker.canonical(i * i for i in range(4)) == [0, 1, 4, 9]
    assert worker.canonical(map(str, [1, 2])) == ["1", "2"]
    # builtin iterators a function returns (`return reversed(xs)`, more-itertools' `tail`):
    # the translation returns their items as a Vec too
    assert worker.canonical(reversed([1, 2])) == [2, 1]
    assert worker.canonical(itertools.islice("abc", 1, None)) == ["b", "c"]
    assert worker.canonical(iter((1, 2))) == [1, 2]
    with pytest.raises(TypeError, match="more than"):
        worker.canonical(x for x in itertools.count())


def test_a_private_method_is_called_under_its_mangled_name() -> None:
    """dateutil's `rrule.__mod_distance`: in the class it is the attribute `_rrule__mod_distance`
    (Python's name mangling), so the case calls that, not an AttributeError."""
    import types

    from portalis.validate import worker

    mod = types.ModuleType("m")
    exec("class _Rule:\n    def __mod(self, n):\n        return n % 7\n    def __eq__(self, o):\n        return True\n", mod.__dict__)
    assert worker._function(mod, "_Rule.__mod")(mod._Rule(), 9) == 2
    assert worker._function(mod, "_Rule.__eq__") is mod._Rule.__eq__  # a dunder is not mangled


def test_a_case_that_rebinds_a_module_global_does_not_leak_into_the_next(tmp_path) -> None:
    """attrs' `set_disabled(True)` rebinds `_config._run_validators`; `get_disabled()`'s cases
    ran after it saw the changed flag in Python while the Rust's was its own (a false failure).
    Each call now starts from the module's state as imported."""
    import sys as _sys

    from portalis.validate import worker

    (tmp_path / "flagmod.py").write_text(
        "_on = True\n\ndef set_off(v):\n    global _on, extra\n    _on = not v\n    extra = 1\n\ndef get_off():\n    return not _on\n",
        encoding="utf-8")
    _sys.path.insert(0, str(tmp_path))
    worker._ROOTS.append(str(tmp_path) + "/")
    try:
        mod = worker._module("flagmod")
        assert worker._once(mod.set_off, [True], [], 0, 2.0)["kind"] == "ok"
        assert worker._once(mod.get_off, [], [], 0, 2.0)["value"] is False  # not True: the flag was put back
        assert mod._on is True and not hasattr(mod, "extra")
    finally:
        _sys.path.remove(str(tmp_path))
        worker._ROOTS.remove(str(tmp_path) + "/")
        _sys.modules.pop("flagmod", None)
