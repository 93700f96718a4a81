"""Generator functions and iterators as values (issue 11, "Real packages").

Golden tests (no cargo): which generators the analysis makes lazy and why not
(portalis/analysis/generators.py), the type the type map gives them (`iter[T]`, `impl
Iterator<Item = T>`), and the Rust lowering prints: `yield from` extending the collected Vec,
`next()` on a variable kept as a Rust iterator, `islice`, a lazy generator's `from_fn` closure.
Then one differential crate (cargo) running every construct against CPython, lazy generators
compared on their first LAZY_PREFIX items.
"""

from __future__ import annotations

import libcst as cst
import pytest

from conftest import DiffRun, needs_cargo, run_differential, type_map_of
from portalis.analysis.generators import lazy_generator
from portalis.lower.module import lower_module
from portalis.parse import parse_source, source_module_from_text


def _fn(source: str) -> cst.FunctionDef:
    node = cst.parse_module(source).body[0]
    assert isinstance(node, cst.FunctionDef)
    return node


def _lowered(source: str) -> tuple[dict[str, str], dict[str, str]]:
    """(function -> its Rust, function -> the code of its diagnostic)."""
    parsed = parse_source(source_module_from_text("sample", source), source)
    tm = type_map_of(source)
    out = lower_module(parsed, tm, {"sample": tm}, None)
    return {i.name: i.code for i in out.items if i.kind == "fn"}, {d.function: f"{d.code} {d.message}" for d in out.diagnostics if d.function}


# ---------------------------------------------------------------- the analysis: eager or lazy


def test_a_generator_that_ends_is_collected_eagerly() -> None:
    assert lazy_generator(_fn("def f(n):\n    for i in range(n):\n        yield i\n")) is None
    # a `while True:` that a break or a return leaves ends too
    assert lazy_generator(_fn("def f(n):\n    while True:\n        if n > 3:\n            return\n        yield n\n        n += 1\n")) is None
    assert lazy_generator(_fn("def f(n):\n    while True:\n        yield n\n        if n > 3:\n            break\n")) is None


def test_an_endless_generator_is_lazy_with_its_resume_point() -> None:
    plan = lazy_generator(_fn('def f(n):\n    """doc"""\n    k = n\n    while True:\n        k += 1\n        yield k\n        k *= 2\n'))
    assert plan is not None and plan.problem is None and plan.resume_at == 1
    # yields in one `if`, each ending its branch: the next call resumes after the `if`
    tail = lazy_generator(_fn("def f(n):\n    while True:\n        n += 1\n        if n % 2:\n            yield n\n        else:\n            yield -n\n"))
    assert tail is not None and tail.problem is None and tail.resume_at == 1


@pytest.mark.parametrize("source, problem", [
    ("def f(n):\n    while True:\n        yield n\n        yield -n\n", "cannot resume after"),
    ("def f(xs):\n    while True:\n        for x in xs:\n            yield x\n", "cannot resume after"),
    ("def f(xs):\n    while True:\n        yield from xs\n", "`yield from`"),
    ("def f(n):\n    yield 0\n    while True:\n        yield n\n", "a yield before the endless loop"),
    ("def f(n):\n    while True:\n        m = n * 2\n        yield n\n        n = m\n", "`m` is set before the `yield` and read after it"),
    ("def f(n):\n    while True:\n        yield n\n    print(n)\n", "not the last statement"),
    ("def f(n):\n    if n < 0:\n        return\n    while True:\n        yield n\n", "a `return` before the endless loop"),
])
def test_an_endless_generator_the_lazy_form_cannot_resume_says_why(source: str, problem: str) -> None:
    plan = lazy_generator(_fn(source))
    assert plan is not None and plan.problem is not None and problem in plan.problem


def test_the_type_map_gives_an_endless_generator_an_iterator_type() -> None:
    tm = type_map_of("def count(n: int):\n    while True:\n        yield n\n        n += 1\n\n"
                     "def upto(n: int):\n    for i in range(n):\n        yield i\n")
    count, upto = tm.function("count"), tm.function("upto")
    assert count is not None and str(count.returns) == "iter[int]" and count.rust_returns == "impl Iterator<Item = i64>"
    assert upto is not None and str(upto.returns) == "list[int]" and upto.rust_returns == "Vec<i64>"


def test_a_parameter_iterated_once_that_callers_pass_iterators_takes_any_iterable() -> None:
    tm = type_map_of(
        "from typing import List\n\n"
        "def first_over(xs: List[int], k: int) -> int:\n    for x in xs:\n        if x > k:\n            return x\n    return -1\n\n"
        "def twice(xs: List[int]) -> int:\n    return sum(xs) + len(xs)\n\n"
        "def nested(xs: List[int], n: int) -> int:\n    t = 0\n    for _ in range(n):\n        for x in xs:\n            t += x\n    return t\n\n"
        "def plain(xs: List[int]) -> int:\n    t = 0\n    for x in xs:\n        t += x\n    return t\n\n"
        "def use(xs: List[int]) -> int:\n"
        "    return first_over(map(abs, xs), 3) + twice(x for x in xs) + nested(iter(xs), 2) + plain(xs)\n"
    )
    kinds = {f.name: [str(p.py_type) for p in f.params] for f in tm.functions}
    assert kinds["first_over"] == ["iter[int]", "int"]
    assert tm.function("first_over").params[0].rust_type == "impl IntoIterator<Item = i64>"
    # used twice, iterated in a loop (Python would find it exhausted the second time), or
    # never given an iterator: a list as before
    assert kinds["twice"] == ["list[int]"] and kinds["nested"] == ["list[int]", "int"] and kinds["plain"] == ["list[int]"]


# ---------------------------------------------------------------- lowering (printed Rust)

LOWERED = '''
import itertools
from typing import Iterator, List


def evens(n: int) -> Iterator[int]:
    for i in range(n):
        if i % 2 == 0:
            yield i


def both(n: int) -> Iterator[int]:
    yield from evens(n)
    yield from [100, 200]


def ticks(n: int):
    for _ in range(n):
        yield


def head_tail(xs: List[int]) -> List[int]:
    it = iter(xs)
    first = next(it)
    return [x + first for x in it]


def pairs(xs: List[str]) -> List[str]:
    it = iter(xs)
    out = []
    for a in it:
        out.append(a + next(it, "-"))
    return out


def count_up(start: int) -> Iterator[int]:
    while True:
        yield start
        start += 1


def take(n: int) -> List[int]:
    return list(itertools.islice(count_up(10), n))


def alternate(n: int):
    while True:
        yield n
        yield -n
'''


@pytest.fixture(scope="module")
def lowered() -> tuple[dict[str, str], dict[str, str]]:
    return _lowered(LOWERED)


def test_yield_from_extends_the_collected_list_and_a_bare_yield_yields_none(lowered) -> None:
    code, _ = lowered
    assert "__yielded.extend(evens(n));" in code["both"] and "__yielded.extend([100, 200]);" in code["both"]
    assert "pub fn ticks(n: i64) -> Vec<()>" in code["ticks"] and "__yielded.push(());" in code["ticks"]


def test_a_variable_next_reads_is_a_rust_iterator_advanced_in_place(lowered) -> None:
    code, _ = lowered
    assert "let mut it = xs.iter().copied();" in code["head_tail"]
    assert 'it.next().expect("StopIteration")' in code["head_tail"]
    assert "it.by_ref()" in code["head_tail"]  # the loop goes on from where next() left it
    # a loop over it whose body also draws from it: the loop draws each item itself
    assert "let a = match it.next() {" in code["pairs"] and 'it.next().unwrap_or("-".to_string())' in code["pairs"]
    assert "#[allow(clippy::while_let_loop)]" in code["pairs"]


def test_an_endless_generator_is_a_from_fn_closure_resuming_after_its_yield(lowered) -> None:
    code, _ = lowered
    rust = code["count_up"]
    assert "pub fn count_up(mut start: i64) -> impl Iterator<Item = i64>" in rust
    assert "std::iter::from_fn(move || {" in rust
    # the statement after the yield runs at the next call, before the loop's next item
    assert rust.index("start += 1;") < rust.index("Some(start)")
    assert "count_up(10).take(crate::pyrt::islice_bound(n))" in code["take"]


def test_an_endless_generator_of_another_shape_is_ptl122_naming_why(lowered) -> None:
    _, diags = lowered
    assert diags["alternate"].startswith("PTL122 a generator with an endless `while True:` loop is translated lazily")
    assert "cannot resume after" in diags["alternate"]


# ---------------------------------------------------------------- behaviour (cargo)

DIFF_SRC = '''
import itertools
from collections import deque
from typing import Iterator, List, Tuple


def evens(n: int) -> Iterator[int]:
    for i in range(n):
        if i % 2 == 0:
            yield i


def both(n: int, extra: List[int]) -> Iterator[int]:
    yield from evens(n)
    yield from extra
    yield from (x * 10 for x in extra)


def first_even(n: int) -> int:
    return next(evens(n))


def first_or(n: int, default: int) -> int:
    return next(evens(n), default)


def head_tail(xs: List[int]) -> List[int]:
    it = iter(xs)
    first = next(it)
    rest = []
    for x in it:
        rest.append(x + first)
    return rest


def pairs(xs: List[str]) -> List[str]:
    it = iter(xs)
    out = []
    for a in it:
        b = next(it, "")
        out.append(a + b)
    return out


def caught(xs: List[int]) -> int:
    it = iter(xs)
    try:
        return next(it) * 2
    except StopIteration:
        return -1


def window(xs: List[int], a: int, b: int) -> List[int]:
    return list(itertools.islice(xs, a, b))


def count_up(start: int) -> Iterator[int]:
    while True:
        yield start
        start += 1


def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b


def odd_squares():
    n = 0
    while True:
        n += 1
        if n % 2 == 0:
            continue
        yield n * n


def signs(n: int):
    while True:
        n -= 1
        if n % 3 == 0:
            yield "zero"
        else:
            yield "other"


def cycle_words(words: List[str]):
    i = 0
    while True:
        if words:
            yield words[i % len(words)]
        i += 1


def every_third(n: int):
    while True:
        n += 1
        if n % 3 == 0:
            yield n
        elif n % 7 == 0:
            yield -n
        n += 1


def take(start: int, n: int) -> List[int]:
    return list(itertools.islice(count_up(start), n))


def fibs_below(limit: int) -> List[int]:
    out = []
    for x in fib():
        if x >= limit:
            break
        out.append(x)
    return out


def numbered(words: List[str]) -> List[Tuple[int, str]]:
    return list(zip(count_up(1), words))


def squares_from(k: int) -> List[int]:
    return list(itertools.islice(odd_squares(), k, k + 3))


def third(n: int) -> int:
    it = count_up(n)
    next(it)
    next(it)
    return next(it)


def first_over(xs: List[int], k: int) -> int:
    for x in xs:
        if x > k:
            return x
    return -1


def total(xs: List[float]) -> float:
    return sum([x / 2 for x in xs])


def over(k: int, xs: List[int]) -> int:
    return first_over(count_up(1), k) * 1000 + first_over(map(abs, xs), k) + first_over(xs, k)


def halves(xs: List[int]) -> float:
    return total(x for x in xs) + total(evens(len(xs)))


def split_into(xs: List[int], sizes: List[int]) -> List[List[int]]:
    it = iter(xs)
    out = []
    for size in sizes:
        out.append(list(itertools.islice(it, size)))
    return out


def mark_ends(s: str) -> List[Tuple[bool, bool, str]]:
    it = iter(s)
    out = []
    for a in it:
        first = True
        for b in it:
            out.append((first, False, a))
            a = b
            first = False
        out.append((first, True, a))
    return out


def rest_after(xs: List[int]) -> Tuple[int, int]:
    it = iter(xs)
    first = next(it, 0)
    return first, first_over(it, first)


# Unannotated (issue 10, branch `regress`): what the analysis types now that only the older
# inference by lowering typed (more-itertools' `_windowed_running_max`, `substrings_indexes`,
# `set_partitions`): an iterator passed (a list of its items), a deque of tuples, a generator
# expression returned, a nested generator calling itself.
def _windowed_max(iterator, maxlen):
    s = deque()
    for index, value in enumerate(iterator):
        if s and s[0][0] == index - maxlen:
            s.popleft()
        while s and value > s[-1][1]:
            s.pop()
        s.append((index, value))
        yield s[0][1]


def running_max(xs: List[int], maxlen: int) -> List[int]:
    return list(_windowed_max(iter(xs), maxlen))


def substrings(seq: str):
    return ((seq[i:i + n], i, i + n) for n in range(1, len(seq) + 1) for i in range(len(seq) - n + 1))


def partitions(word: str, k: int):
    items = list(word)

    def helper(xs, k):
        if k == 1:
            yield [xs]
        elif len(xs) == k:
            yield [[x] for x in xs]
        else:
            e, *more = xs
            for p in helper(more, k - 1):
                yield [[e], *p]
            for p in helper(more, k):
                for i in range(len(p)):
                    yield p[:i] + [[e] + p[i]] + p[i + 1:]

    yield from filter(lambda z: all(len(b) > 0 for b in z), helper(items, k))


def use_unannotated() -> int:
    return len(list(substrings("ab"))) + len(list(partitions("abc", 2)))
'''

CALLS = [
    "evens(7)", "both(5, [1, 2])", "both(0, [])", "first_even(5)", "first_even(0)", "first_or(0, -4)", "first_or(9, -4)",
    "head_tail([3, 4, 5])", "head_tail([])", "pairs(['a', 'b', 'c'])", "caught([])", "caught([21, 1])",
    "window([1, 2, 3, 4, 5], 1, 3)", "window([1, 2], 3, 9)", "window([1, 2], -1, 2)",
    "count_up(5)", "fib()", "odd_squares()", "signs(7)", "cycle_words(['a', 'b', 'c'])", "every_third(0)",
    "take(3, 4)", "take(3, 0)", "fibs_below(100)", "numbered(['x', 'y'])", "squares_from(2)", "third(10)",
    "first_over([1, 5, 2], 4)", "over(3, [-7, 1])", "over(9, [])", "halves([1, 2, 3])", "rest_after([3, 1, 4, 5])", "rest_after([])",
    "split_into([1, 2, 3, 4, 5, 6], [1, 2, 4])", "mark_ends('ABC')", "mark_ends('')",
    "running_max([4, 3, 7, 0, 8, 1, 6], 3)", "running_max([], 2)", "substrings('more')", "partitions('abcd', 2)",
    "partitions('ab', 3)", "use_unannotated()",
]


@pytest.fixture(scope="module")
def generators(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(DIFF_SRC, CALLS, tmp_path_factory.mktemp("generators"), toolchain)


@needs_cargo
def test_every_generator_construct_translates(generators: DiffRun) -> None:
    module = generators.module_report()
    bad = {f["name"]: f["status"] for f in module["functions"] if f["status"] != "translated"}
    assert not bad, (bad, module["diagnostics"])
    rust = (generators.crate_dir / "src" / "sample.rs").read_text(encoding="utf-8")
    assert "unsafe" not in rust and "std::iter::from_fn" in rust
    assert "pub fn first_over(xs: impl IntoIterator<Item = i64>, k: i64) -> i64" in rust
    assert "first_over(count_up(1), k)" in rust  # the endless generator is drawn, never collected


@needs_cargo
@pytest.mark.parametrize("call", CALLS)
def test_generators_behave_as_in_python(generators: DiffRun, call: str) -> None:
    generators.check(call)


def test_an_eager_generator_never_draws_from_an_endless_one() -> None:
    _, diags = _lowered(
        "from typing import Iterator, List\n\n"
        "def count_up(start: int) -> Iterator[int]:\n    while True:\n        yield start\n        start += 1\n\n"
        "def doubled(n: int) -> Iterator[int]:\n    for x in count_up(n):\n        yield x * 2\n\n"
        "def chained(n: int) -> Iterator[int]:\n    yield n\n    yield from count_up(n)\n"
    )
    assert diags["doubled"].startswith("PTL122 a generator collected into a list draws from `count_up()`")
    assert diags["chained"].startswith("PTL122 a generator collected into a list draws from `count_up()`")


def test_the_worker_draws_the_first_items_of_a_lazy_result() -> None:
    """--verify's Python side: an endless generator is drawn LAZY_PREFIX items when its
    translation is lazy (PyCase.prefix), and is unrepresentable otherwise (no Vec holds it)."""
    import itertools

    from portalis.validate import worker
    from portalis.validate.harness import LAZY_PREFIX

    def endless(start):
        yield from itertools.count(start)

    drawn = worker._once(endless, [5], [], 0, 5.0, prefix=LAZY_PREFIX)
    assert drawn["kind"] == "ok" and drawn["value"] == list(range(5, 5 + LAZY_PREFIX))
    assert worker._once(endless, [5], [], 0, 5.0)["kind"] == "unrepresentable"
