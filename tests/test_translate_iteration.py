"""Iteration, comprehensions and function values, differential: each function is translated,
compiled and run on the same arguments as CPython.

- iterables: range (with steps), lists, strings, sets, dict keys/items/values, enumerate, zip,
  reversed, sorted, map, filter, iterators stored in variables;
- comprehensions: list/set/dict/generator, nested, with conditions, over tuples;
- builtins over iterables: sum, min/max (key=, default=), any/all, sorted (key=, reverse=),
  list/set/dict/tuple conversions;
- lambdas (as keys, assigned to names), module functions and builtins as values, nested
  functions (typed by their calls, capturing the enclosing function's variables, recursive);
- for/while ... else; generator functions (collected into the list they yield); zip(*rows).
"""

from __future__ import annotations

import pytest

from conftest import DiffRun, needs_cargo, run_differential

pytestmark = needs_cargo

ITERATION_SRC = '''
from typing import Dict, Iterator, List, Tuple


def evens_squared(xs: List[int]) -> List[int]:
    return [x * x for x in xs if x % 2 == 0]


def pairs(n: int) -> List[Tuple[int, int]]:
    return [(i, j) for i in range(n) for j in range(i) if (i + j) % 2 == 1]


def letters(s: str) -> List[str]:
    return sorted({c for c in s if c.isalpha()})


def index_of_words(words: List[str]) -> Dict[str, int]:
    return {w: i for i, w in enumerate(words)}


def total_len(words: List[str]) -> int:
    return sum(len(w) for w in words)


def has_negative(xs: List[float]) -> bool:
    return any(x < 0 for x in xs)


def all_short(words: List[str]) -> bool:
    return all(len(w) < 4 for w in words)


def dot(a: List[int], b: List[int]) -> int:
    return sum(x * y for x, y in zip(a, b))


def numbered(words: List[str]) -> List[str]:
    out = []
    for i, w in enumerate(words, 1):
        out.append(f"{i}. {w}")
    return out


def backwards(s: str) -> str:
    out = ""
    for c in reversed(s):
        out += c
    return out


def countdown(n: int) -> List[int]:
    return [i for i in range(n, 0, -2)]


def stepped(a: int, b: int, step: int) -> List[int]:
    return list(range(a, b, step))


def by_length(words: List[str]) -> List[str]:
    return sorted(words, key=lambda w: (len(w), w))


def by_last_desc(pairs: List[Tuple[str, int]]) -> List[Tuple[str, int]]:
    return sorted(pairs, key=lambda p: p[1], reverse=True)


def longest(words: List[str]) -> str:
    return max(words, key=len)


def closest(xs: List[float], target: float) -> float:
    return min(xs, key=lambda x: abs(x - target))


def smallest_or(xs: List[int], d: int) -> int:
    return min(xs, default=d)


def squares_map(xs: List[int]) -> List[int]:
    return list(map(lambda x: x * x, xs))


def parse_all(items: List[str]) -> List[int]:
    return list(map(int, items))


def keep_positive(xs: List[int]) -> List[int]:
    return list(filter(lambda x: x > 0, xs))


def sort_in_place(xs: List[str]) -> None:
    xs.sort(key=lambda s: s.lower(), reverse=True)


def dict_walk(d: Dict[str, int]) -> List[str]:
    out = []
    for k, v in d.items():
        if v > 1:
            out.append(k)
    for k in d:
        out.append(k.upper())
    return out + [str(v) for v in d.values()]


def unique_sorted(xs: List[int]) -> List[int]:
    return sorted(set(xs))


def as_dict(keys: List[str], values: List[int]) -> Dict[str, int]:
    return dict(zip(keys, values))


def stored_iterator(xs: List[int]) -> int:
    it = enumerate(xs)
    total = 0
    for i, x in it:
        total += i * x
    return total


def first_long(words: List[str]) -> str:
    for w in words:
        if len(w) > 3:
            break
    else:
        return "none"
    return w


def search(xs: List[int], target: int) -> int:
    i = 0
    while i < len(xs):
        if xs[i] == target:
            break
        i += 1
    else:
        return -1
    return i


def twice(f_arg: int) -> int:
    double = lambda v: v * 2
    return double(f_arg) + double(1)


def uses_nested(xs: List[int]) -> int:
    def is_prime(k):
        if k < 2:
            return False
        for d in range(2, k):
            if k % d == 0:
                return False
        return True

    return len([x for x in xs if is_prime(x)])


def nested_captures(xs: List[int], limit: int) -> List[int]:
    def ok(v):
        return v < limit

    return [x for x in xs if ok(x)]


def nested_recursive(n: int) -> int:
    def fact(k):
        if k <= 1:
            return 1
        return k * fact(k - 1)

    return fact(n)


def nested_as_key(words: List[str]) -> List[str]:
    def vowels(w):
        return sum(1 for c in w if c in "aeiou")

    return sorted(words, key=vowels)


def grid_sum(grid: List[List[int]]) -> int:
    return sum(sum(row) for row in grid)


def flatten(grid: List[List[int]]) -> List[int]:
    return [x for row in grid for x in row]


def transpose(grid: List[List[int]]) -> List[List[int]]:
    return [[row[i] for row in grid] for i in range(len(grid[0]))]


def squares(n: int) -> Iterator[int]:
    for i in range(n):
        yield i * i


def evens_until(xs: List[int], stop: int):
    for x in xs:
        if x == stop:
            return
        if x % 2 == 0:
            yield x


def use_generators(n: int) -> Tuple[int, List[int]]:
    return (sum(squares(n)), list(evens_until([2, 3, 4, 7, 8], 7)))


def columns(rows: List[List[int]]) -> List[List[int]]:
    return [list(col) for col in zip(*rows)]
'''

CALLS = [
    "evens_squared([1, 2, 3, 4])", "pairs(4)", "letters('b1a-c a')", "index_of_words(['x', 'y', 'x'])",
    "total_len(['ab', 'cde'])", "has_negative([1.0, -0.5])", "has_negative([])", "all_short(['a', 'abcd'])",
    "dot([1, 2, 3], [4, 5, 6, 7])", "numbered(['a', 'b'])", "backwards('héllo')", "countdown(7)",
    "stepped(10, 0, -3)", "stepped(0, 10, 4)", "by_length(['bb', 'a', 'ab', 'c'])",
    "by_last_desc([('a', 1), ('b', 3), ('c', 1)])", "longest(['ab', 'abc', 'xyz'])", "closest([1.0, 4.0, 6.5], 5.0)",
    "smallest_or([], 9)", "smallest_or([4, 2], 9)", "squares_map([3, -1])", "parse_all(['12', '-3'])",
    "keep_positive([3, -1, 0, 2])", "sort_in_place(['b', 'A', 'c'])", "dict_walk({'a': 1, 'b': 2})",
    "unique_sorted([3, 1, 3, 2])", "as_dict(['a', 'b'], [1, 2])", "stored_iterator([5, 6, 7])",
    "first_long(['a', 'abcd', 'xyzzy'])", "first_long(['a'])", "search([4, 5, 6], 6)", "search([4], 1)",
    "twice(5)", "uses_nested([2, 3, 4, 9, 11])", "nested_captures([1, 5, 9], 6)", "nested_recursive(6)",
    "nested_as_key(['sky', 'banana', 'tree'])", "grid_sum([[1, 2], [3]])", "flatten([[1, 2], [], [3]])",
    "transpose([[1, 2], [3, 4], [5, 6]])", "use_generators(4)", "columns([[1, 2, 3], [4, 5, 6]])",
]


@pytest.fixture(scope="module")
def iteration(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(ITERATION_SRC, CALLS, tmp_path_factory.mktemp("iteration"), toolchain)


def test_iteration_module_translates_completely(iteration: DiffRun) -> None:
    module = iteration.module_report()
    bad = {f["name"]: f["status"] for f in module["functions"] if f["status"] != "translated"}
    assert not bad, (bad, module["diagnostics"])
    assert iteration.translation.crate.compiles


@pytest.mark.parametrize("call", CALLS)
def test_iteration(iteration: DiffRun, call: str) -> None:
    iteration.check(call)


def test_comprehensions_are_loops_and_lambdas_are_expanded(iteration: DiffRun) -> None:
    rust = (iteration.crate_dir / "src" / "sample.rs").read_text(encoding="utf-8")
    assert "unsafe" not in rust
    # a nested function becomes a nested fn; a captured variable is passed as a parameter
    assert "fn ok(v: i64, limit: i64) -> bool" in rust
    assert "fn fact(k: i64) -> i64" in rust
