"""Expected values: the Python originals run in a subprocess, each case bounded, bad cases marked.

No cargo here: these are the worker and its watchdog (portalis.validate.expected / worker.py).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from portalis.validate.cases import doctest_cases, find_test_files, generated_cases, repo_test_cases
from portalis.validate.expected import PyCase, run_python
from portalis.validate.literals import ClassValue, encode_value

from conftest import type_map_of

BAD = '''
import os
import random
import sys
import time
from dataclasses import dataclass


@dataclass
class Box:
    label: str
    size: int


def double(n: int) -> int:
    return n * 2


def spin(n: int) -> int:
    while True:
        n += 1


def stubborn(n: int) -> int:
    # swallows the timer's exception too: only the watchdog can stop it
    while True:
        try:
            while True:
                n += 1
        except BaseException:
            pass


def down(n: int) -> int:
    return down(n + 1) + 1


def chatty(n: int) -> int:
    print("got", n)
    return n + 1


def ask(prompt: str) -> str:
    return input(prompt)


def roll(n: int) -> int:
    return random.randint(0, n)


def stamp(n: int) -> int:
    return n + time.perf_counter_ns()


def ratio(a: int, b: int) -> int:
    return a // b


def leave(n: int) -> int:
    sys.exit(n)


def die(n: int) -> int:
    os._exit(n)


def grow(items: list[int], n: int) -> int:
    items.append(n)
    return len(items)


def bigger(b: Box, by: int = 1) -> Box:
    return Box(b.label.upper(), b.size + by)


def huge(n: int) -> int:
    return 10 ** n
'''


def case(i: int, function: str, *args: object, **kw) -> PyCase:
    return PyCase(id=i, module="bad", function=function, args=[encode_value(a) for a in args], **kw)


@pytest.fixture(scope="module")
def bad_repo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bad_python")
    (root / "bad.py").write_text(BAD, encoding="utf-8")
    return root


def test_each_bad_kind_is_bounded_and_marked(bad_repo: Path) -> None:
    cases = [
        case(0, "double", 4),
        case(1, "spin", 1),
        case(2, "spin", 2),  # the same function again: skipped, not another timeout
        case(3, "down", 0),
        case(4, "chatty", 3),
        case(5, "ask", "? "),
        case(6, "roll", 1000000),
        case(7, "stamp", 1),
        case(8, "ratio", 7, 0),
        case(9, "ratio", -7, 2),
        case(10, "leave", 3),
        case(11, "grow", [1, 2], 3, mutated=[0]),
        case(12, "huge", 30),
        case(13, "double", 5),
    ]
    started = time.perf_counter()
    r = run_python(cases, [bad_repo], timeout_s=0.5, repeat=2)
    elapsed = time.perf_counter() - started
    assert elapsed < 8, elapsed  # one timeout of 0.5 s, everything else quick
    assert (r[0].status, r[0].value, r[0].args) == ("ok", 8, [4])
    assert r[1].status == "timeout"
    assert r[2].status == "skipped"
    assert r[3].status == "recursion"
    assert (r[4].status, r[4].value, r[4].stdout) == ("ok", 4, "got 3\n")  # printed output captured, not parsed
    assert r[5].status == "stdin"
    assert r[6].status == "nondeterministic"
    assert r[7].status == "nondeterministic"
    assert (r[8].status, r[8].raised) == ("raised", "ZeroDivisionError")
    assert (r[9].status, r[9].value) == ("ok", -4)
    assert (r[10].status, r[10].raised) == ("raised", "SystemExit")
    # the call ran on a copy: the arguments reported are the ones passed, the change is recorded apart
    assert (r[11].value, r[11].args, r[11].changed) == (3, [[1, 2], 3], [[1, 2, 3]])
    # an int past i64 comes back (as digits): the verdict decides, by the function's int representation
    assert (r[12].status, r[12].value) == ("ok", 10**30)
    assert (r[13].status, r[13].value) == ("ok", 10)  # the cases after the bad ones are unaffected


def test_watchdog_kills_what_the_timer_cannot_stop(bad_repo: Path) -> None:
    cases = [case(0, "stubborn", 1), case(1, "stubborn", 2), case(2, "die", 3), case(3, "double", 21)]
    started = time.perf_counter()
    r = run_python(cases, [bad_repo], timeout_s=0.3, repeat=1, stall_slack_s=1.0)
    assert time.perf_counter() - started < 8
    assert r[0].status == "timeout" and "killed" in r[0].message
    assert r[1].status == "skipped"  # a fresh worker skips the rest of that function
    assert r[2].status == "crashed" and "exit status 3" in r[2].message
    assert (r[3].status, r[3].value) == ("ok", 42)


def test_source_expressions_dataclasses_and_defaults(bad_repo: Path) -> None:
    cases = [
        PyCase(id=0, module="bad", function="bigger", args_src=["Box('ab', 2)"]),  # default applied
        PyCase(id=1, module="bad", function="bigger", setup=["b = Box('x', 1)"], args_src=["b"], kwargs_src={"by": "5"}),
        PyCase(id=2, module="bad", function="double", args_src=["undefined_name"]),
        case(3, "bigger", ClassValue(module="bad", name="Box", fields=(("label", "q"), ("size", 0))), 2),
    ]
    r = run_python(cases, [bad_repo], timeout_s=1.0)
    assert r[0].value == {"__class__": "Box", "label": "AB", "size": 3}
    assert r[0].args == [ClassValue(module="bad", name="Box", fields=(("label", "ab"), ("size", 2))), 1]
    assert r[1].value == {"__class__": "Box", "label": "X", "size": 6}
    assert r[2].status == "unusable" and "NameError" in r[2].message
    assert r[3].value == {"__class__": "Box", "label": "Q", "size": 2}


# ---------------------------------------------------------------- where cases come from

MODULE = '''
"""Helpers.

>>> scale([1, 2], 3)
[3, 6]
"""


def scale(xs: list[int], k: int) -> list[int]:
    """Multiply each item.

    >>> data = [1, 2, 3]
    >>> scale(data, 2)
    [2, 4, 6]
    >>> print(scale([], 1), offset(1))
    [] 2
    """
    return [x * k for x in xs]


def offset(n: int, by: int = 1) -> int:
    return n + by
'''

TESTS = '''
import helpers
from helpers import offset as off


def test_scale():
    assert helpers.scale([1], 5) == [5]
    base = [4, 5]
    assert helpers.scale(base, 2) == [8, 10]
    for i in range(3):
        assert off(i) == i + 1


def not_a_test():
    helpers.scale([9], 9)
'''


def test_doctest_and_test_calls_are_found_statically(tmp_path: Path) -> None:
    from portalis.parse import parse_source, source_module_from_text

    parsed = parse_source(source_module_from_text("helpers", MODULE), MODULE)
    found = [(c.function, c.label, c.setup) for c in doctest_cases(parsed, {"scale", "offset"})]
    assert found == [
        ("scale", "scale([1, 2], 3)", []),
        ("scale", "scale(data, 2)", ["data = [1, 2, 3]\n"]),
        ("scale", "scale([], 1)", ["data = [1, 2, 3]\n"]),
        ("offset", "offset(1)", ["data = [1, 2, 3]\n"]),
    ]
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_helpers.py").write_text(TESTS, encoding="utf-8")
    (tmp_path / ".venv" / "lib").mkdir(parents=True)
    (tmp_path / ".venv" / "lib" / "test_vendored.py").write_text("", encoding="utf-8")
    files = find_test_files(tmp_path)
    assert files == [tmp_path / "tests" / "test_helpers.py"]
    calls = repo_test_cases(files[0], {"helpers": {"scale", "offset"}})
    assert [(c.module, c.function, c.args_src, c.setup) for c in calls] == [
        ("helpers", "scale", ["[1]", "5"], []),
        ("helpers", "scale", ["base", "2"], ["base = [4, 5]"]),
        ("helpers", "offset", ["i"], ["base = [4, 5]"]),  # `i` is a loop variable: evaluating it fails later
    ]
    (tmp_path / "helpers.py").write_text(MODULE, encoding="utf-8")
    r = run_python([c.model_copy(update={"id": i}) for i, c in enumerate(calls)], [tmp_path])
    assert [r[i].status for i in range(3)] == ["ok", "ok", "unusable"]
    assert r[1].value == [8, 10]


def test_generated_cases_are_typed_bounded_and_stable() -> None:
    tm = type_map_of(
        "from dataclasses import dataclass\nfrom typing import Optional\n\n\n@dataclass\nclass P:\n    x: int\n    tag: str\n\n\n"
        "def f(a: int, b: float, s: str, xs: list[int], d: dict[str, int], o: Optional[P], t: tuple[int, bool]) -> int:\n"
        "    return a\n\n\ndef g(x: object) -> int:\n    return 1\n",
        "gen",
    )
    sig = tm.function("f")
    first = generated_cases("gen", sig, {"gen": tm}, 15, seed=1)
    again = generated_cases("gen", sig, {"gen": tm}, 15, seed=1)
    assert isinstance(first, list) and 5 <= len(first) <= 15
    assert [c.args for c in first] == [c.args for c in again]  # seeded: reruns build the same cases
    other = generated_cases("gen", sig, {"gen": tm}, 15, seed=2)
    assert [c.args for c in other] != [c.args for c in first]
    from portalis.validate.literals import decode_value

    for c in first:
        a, b, s, xs, d, o, t = [decode_value(v) for v in c.args]
        assert isinstance(a, int) and abs(a) <= 10_000
        assert isinstance(b, float) and abs(b) <= 1e6
        assert isinstance(s, str) and len(s) <= 12
        assert isinstance(xs, list) and len(xs) <= 6 and isinstance(d, dict)
        assert o is None or (isinstance(o, ClassValue) and o.name == "P")
        assert isinstance(t, tuple) and isinstance(t[1], bool)
    from portalis.model import PyType
    from portalis.validate.cases import strategy_for

    assert not tm.function("g").typed  # `object` has no Rust type: verify_crate marks it untested
    assert strategy_for(PyType(kind="unknown"), {}) == "no generator for values of type unknown"
    bad_list = PyType(kind="list", args=(PyType(kind="class", module="gen", name="Nope"),))
    assert "not a translated dataclass" in strategy_for(bad_list, {"gen": tm})


def test_generated_cases_do_not_depend_on_what_else_is_loaded(tmp_path: Path) -> None:
    """Hypothesis draws literals from user code loaded in the process; our cases must not, or the
    CLI, a Dagster run and a rerun would each build different cases."""
    import importlib.util
    import sys

    from portalis.validate import cases as cases_module

    tm = type_map_of("def f(a: int, b: int, s: str, xs: list[float]) -> int:\n    return a\n", "stable")
    sig = tm.function("f")
    before = [c.args for c in generated_cases("stable", sig, {"stable": tm}, 30, seed=3)]
    noisy = tmp_path / "noisy_constants.py"
    noisy.write_text("".join(f"C{i} = {v!r}\n" for i, v in enumerate([-886, 31337, 2.5e-7, "zq!", 777777, -4242, 0.125])))
    spec = importlib.util.spec_from_file_location("noisy_constants", noisy)
    module = importlib.util.module_from_spec(spec)
    sys.modules["noisy_constants"] = module
    try:
        spec.loader.exec_module(module)
        cases_module._GENERATED.clear()
        after = [c.args for c in generated_cases("stable", sig, {"stable": tm}, 30, seed=3)]
    finally:
        del sys.modules["noisy_constants"]
    assert after == before


def test_slow_imports_have_a_limit_of_their_own(tmp_path: Path) -> None:
    """Importing a test file (pytest, numpy...) is not the function's time: a 0.5 s case limit
    does not time out a test file that takes a second to import, and the watchdog waits for it."""
    (tmp_path / "quick.py").write_text("def inc(n: int) -> int:\n    return n + 1\n", encoding="utf-8")
    test_file = tmp_path / "test_quick.py"
    test_file.write_text("import time\ntime.sleep(1.5)\nfrom quick import inc\n\n\ndef test_inc():\n    assert inc(1) == 2\n",
                         encoding="utf-8")
    cases = [PyCase(id=0, module="quick", function="inc", namespace=str(test_file), args_src=["41"])]
    r = run_python(cases, [tmp_path], timeout_s=0.5, repeat=1, stall_slack_s=0.5)
    assert (r[0].status, r[0].value) == ("ok", 42), r[0]


def test_a_generator_is_run_under_the_timer_and_compared_as_the_list_it_yields() -> None:
    """The translation collects a generator's items into a list when it is called, so the worker
    does the same inside the timed call: items compare as a list, a raise while iterating is the
    call's outcome, an endless generator times out instead of hanging the case."""
    import itertools

    from portalis.validate import worker

    def gen(n):
        yield from range(n)

    def bad(n):
        yield n
        raise ValueError("late")

    assert worker._once(gen, [3], [], 0, 1.0)["value"] == [0, 1, 2]
    raised = worker._once(bad, [1], [], 0, 1.0)
    assert raised["kind"] == "raised" and raised["raised"] == "ValueError"

    def endless(n):
        yield from itertools.count(n)

    assert worker._once(endless, [0], [], 0, 0.2)["kind"] in ("timeout", "unrepresentable")


def test_a_repository_module_named_like_a_loaded_stdlib_module_is_loaded_from_the_repository(tmp_path: Path, monkeypatch) -> None:
    """`token` is loaded before the repository is on the path; the repository's token.py is what
    its program would import, so the cases run that file, not the standard library's."""
    import os
    import sys

    from portalis.validate import worker

    (tmp_path / "token.py").write_text("def ours():\n    return 42\n", encoding="utf-8")
    monkeypatch.setattr(worker, "_ROOTS", [os.path.join(os.path.realpath(tmp_path), "")])
    monkeypatch.setitem(sys.modules, "token", sys.modules.get("token") or __import__("token"))
    assert worker._module("token").ours() == 42
    with pytest.raises(ImportError, match="not to the repository"):
        worker._module("json")  # no json.py in the repository


def test_keyword_only_parameters_are_passed_by_name() -> None:
    """A case lists every parameter in order (as the translation takes them); Python's call passes
    the keyword-only ones by name (textwrap.TextWrapper's `max_lines`)."""
    from portalis.validate import worker

    def f(a, b=1, *, c=2, d=3):
        return (a, b, c, d)

    assert worker._once(f, [5, 6, 7, 8], [], 0, 1.0)["value"] == (5, 6, 7, 8)
    assert worker._once(f, [5], [], 0, 1.0)["value"] == (5, 1, 2, 3)
    assert worker._arguments({"args": [5, 6, 7, 8]}, f) == [5, 6, 7, 8]


def test_classes_referring_to_each_other_through_containers_get_cases() -> None:
    """A parser holding proxies that hold the parser (configparser) nests without end: the
    generator stops with empty containers and None below its depth cut-off instead of giving up."""
    from portalis.model import PyType
    from portalis.validate.cases import strategy_for

    tm = type_map_of(
        "from typing import Optional\n\n\nclass Parser:\n    def __init__(self, name: str) -> None:\n"
        "        self.name = name\n        self.proxies: dict[str, Proxy] = {}\n        self.parent: Optional[Parser] = None\n\n\n"
        "class Proxy:\n    def __init__(self, parser: Parser, key: str) -> None:\n"
        "        self.parser = parser\n        self.key = key\n\n\n"
        "def size(p: Parser) -> int:\n    return len(p.proxies)\n",
        "cyc",
    )
    strategy = strategy_for(PyType(kind="class", module="cyc", name="Parser"), {"cyc": tm})
    assert not isinstance(strategy, str), strategy
    sig = tm.function("size")
    cases = generated_cases("cyc", sig, {"cyc": tm}, 10, seed=1)
    assert isinstance(cases, list) and cases
    # tuples nested past the cut-off (no container to stop in) still say why they have no values
    deep = PyType(kind="int")
    for _ in range(8):
        deep = PyType(kind="tuple", args=(deep,))
    assert strategy_for(deep, {}) == "a type nested too deeply"
