"""Type inference, differential: unannotated signatures and locals get their types from the
code, the translation compiles and every call behaves as in CPython.

- signatures: docstring examples (doctest and inline forms, renamed functions, prose
  assignments, Input/Output lines), defaults, usage in the body, calls from other functions,
  return types from the returned values (recursion included, None when the end is reachable);
- locals: `[]`/`{}` typed by later appends and stores, int widened to float, None joined into
  Optional, a rebinding with another type (shadowing), a typed parameter assigned a wider value;
- Optional narrowing: `is None` checks, assignments, `x or default`, conditions with `and`;
- int-or-float numbers: an unannotated function returning an int on one path and a float on
  another, a `Union[int, float]` annotation, a number the body tests with isinstance: a value
  that keeps its Python kind (printing `0` vs `0.0`, `//` and `%` on ints).
"""

from __future__ import annotations

import pytest

from conftest import DiffRun, needs_cargo, run_differential

pytestmark = needs_cargo

INFERENCE_SRC = '''
from typing import List, Optional, Tuple, Union


def doctest_form(n):
    """Sum of the first n squares.
    >>> doctest_form(3)
    14
    """
    total = 0
    for i in range(1, n + 1):
        total += i * i
    return total


def inline_form(words, sep):
    """Join words.
    inline_form(["a", "b"], "-") == "a-b"
    """
    return sep.join(words)


def arrow_form(xs):
    """
    arrow_form([1.5, 2.5]) -> 4.0
    arrow_form([]) -> 0.0
    """
    return sum(xs)


def renamed(lst):
    """Examples written for an older name:
    old_name([3, 1, 2]) ==> [1, 2, 3]
    """
    return sorted(lst)


def prose(grid, k):
    """For grid = [[1, 2], [3, 4]] and k = 2 the output is 10."""
    return sum(sum(row) for row in grid) + k - 2


def unquoted(s):
    """unquoted(abc) => 3"""
    return len(s)


def with_default(x, scale=2):
    """with_default(4) == 8"""
    return x * scale


def omits_default(x: int) -> int:
    return with_default(x) + with_default(x, scale=3)


def usage_only(n, text):
    count = 0
    for i in range(n):
        if text.startswith("a"):
            count += i
    return count


def helper(a, b):
    return a * 10 + b


def caller(x: int) -> int:
    return helper(x, 1) + helper(2, x)


def fib(n: int):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def maybe_first(xs: List[int]):
    for x in xs:
        if x > 0:
            return x


def bare_list(l: list):
    """bare_list([1, 2, 3]) == [2, 4, 6]"""
    return [x * 2 for x in l]


def grows(n: int) -> List[int]:
    out = []
    for i in range(n):
        out.append(i * i)
    return out


def keyed(words: List[str]):
    counts = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    return counts


def widened(xs: List[int]) -> float:
    acc = 0
    for x in xs:
        acc += x / 2
    return acc


def joined_none(xs: List[int]) -> int:
    best = None
    for x in xs:
        if best is None or x > best:
            best = x
    if best is None:
        return -1
    return best


def rebinds(n: int) -> List[int]:
    n = str(n)
    n = [int(c) for c in n]
    return n


def param_widens(n: int) -> float:
    while n > 10:
        n = n / 2
    return n


def narrowed_after_assign(xs: List[int]) -> List[int]:
    running = None
    out = []
    for x in xs:
        if running is None:
            running = x
        else:
            running = max(running, x)
        out.append(running)
    return out


def or_default(x: Optional[str]) -> str:
    return x or "none"


def and_narrows(x: Optional[int]) -> bool:
    return x is not None and x > 3


def early_exit(x: Optional[int]) -> int:
    if x is None:
        x = 0
    return x + 1


def optional_result(n: int) -> Optional[int]:
    if n > 0:
        return n * 2
    return None


def value_or(a: int, b: int) -> int:
    return a or b


def mean_or_zero(xs: List[float]):
    if not xs:
        return 0
    return sum(xs) / len(xs)


def middle(l: list):
    """middle([3, 1, 2]) == 2"""
    l = sorted(l)
    if len(l) % 2 == 1:
        return l[len(l) // 2]
    return (l[len(l) // 2 - 1] + l[len(l) // 2]) / 2.0


def all_ints(x, y, z):
    """Examples: all_ints(5, 2, 7) -> True, all_ints(3.6, -2.2, 2) -> False"""
    if isinstance(x, int) and isinstance(y, int) and isinstance(z, int):
        return x + y == z or x + z == y
    return False


def half(x: Union[int, float]) -> Union[int, float]:
    if isinstance(x, int):
        return x // 2
    return -x / 2 + x % 2


def uses_mixed(xs: List[float]) -> str:
    m = mean_or_zero(xs)
    return str(m) + " " + str(m > 1) + " " + str(m * 2) + " " + str(-m + 1) + " " + str(m / 2)


# Facts per binding decided by the analysis (lowered once: tests/golden/analysis/facts/):
# a local rebound to another type, an unannotated parameter widened by `n = n / 2`,
# `tuple(sorted([a, b]))` joined with None, elements stored through `add = out.append`, a
# nested function's return read at the binding in effect (called in a comprehension, `key=`).
def comma_words(s: str) -> List[str]:
    letters = []
    for c in s:
        letters.append(" " if c == "," else c)
    letters = "".join(letters)
    return letters.split()


def odd_collatz(n):
    """odd_collatz(5) -> [1]"""
    out = []
    while n > 1:
        if n % 2 == 0:
            n = n / 2
        else:
            n = n * 3 + 1
        if n % 2 == 1:
            out.append(int(n))
    return sorted(out)


def closest_pair(numbers: List[float]) -> Optional[Tuple[float, float]]:
    best = None
    pair = None
    for i, a in enumerate(numbers):
        for j, b in enumerate(numbers):
            if i != j and (best is None or abs(a - b) < best):
                best = abs(a - b)
                pair = tuple(sorted([a, b]))
    return pair


def by_digit_sum(nums: List[int]) -> List[int]:
    def digits_sum(n):
        neg = 1
        if n < 0:
            n, neg = -1 * n, -1
        n = [int(i) for i in str(n)]
        n[0] = n[0] * neg
        return sum(n)

    positive = [x for x in nums if digits_sum(x) > 0]
    return sorted(positive, key=digits_sum)


def shouted(names: List[str]) -> str:
    out = []
    add = out.append
    for name in names:
        add(name.upper())
    return "-".join(out)
'''

CALLS = [
    "doctest_form(4)", "doctest_form(0)", "inline_form(['x', 'y', 'z'], ', ')", "arrow_form([0.5, 0.25])", "renamed([5, -1, 3])", "prose([[1, 1], [2]], 3)", "unquoted('hello')",
    "omits_default(3)", "with_default(3, 5)", "usage_only(4, 'abc')", "usage_only(4, 'xyz')", "caller(3)",
    "fib(10)", "maybe_first([-1, 0, 5, 7])", "maybe_first([-2])", "bare_list([1, -2])", "grows(4)",
    "keyed(['a', 'b', 'a'])", "widened([1, 2, 3])", "joined_none([3, 9, 2])", "joined_none([])",
    "rebinds(907)", "param_widens(100)", "param_widens(13)", "narrowed_after_assign([1, 3, 2, 5])",
    "or_default('x')", "or_default('')", "or_default(None)", "and_narrows(None)", "and_narrows(5)",
    "and_narrows(1)", "early_exit(None)", "early_exit(4)", "optional_result(3)", "optional_result(-3)",
    "value_or(0, 7)", "value_or(2, 7)",
    # a function returning an int on one path and a float on another (Python keeps both kinds)
    "mean_or_zero([])", "mean_or_zero([1.0, 2.5])", "middle([3, 1, 2])", "middle([4, 1, 2, 3])",
    "uses_mixed([])", "uses_mixed([3.0, 4.0])",
    # numbers whose kind the body tests (isinstance) or that are annotated int | float
    "all_ints(5, 2, 7)", "all_ints(5, 2.0, 7)", "all_ints(1.5, 5, 3.5)", "half(7)", "half(-7)", "half(7.5)",
    # facts per binding (the analysis decides them; lowering no longer lowers these twice)
    "comma_words('Hi, my name,is John')", "comma_words('')", "odd_collatz(14)", "odd_collatz(5)", "odd_collatz(1)",
    "closest_pair([1.0, 2.0, 3.9, 4.0, 5.0, 2.2])", "closest_pair([1.5])", "shouted(['ab', 'c'])", "shouted([])",
    "by_digit_sum([1, 11, -11, -12, 93, 0, -1])", "by_digit_sum([])",
]


@pytest.fixture(scope="module")
def inference(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(INFERENCE_SRC, CALLS, tmp_path_factory.mktemp("inference"), toolchain)


def test_inference_module_translates_completely(inference: DiffRun) -> None:
    module = inference.module_report()
    bad = {f["name"]: f["status"] for f in module["functions"] if f["status"] != "translated"}
    assert not bad, (bad, module["diagnostics"])
    assert inference.translation.crate.compiles


@pytest.mark.parametrize("call", CALLS)
def test_inference(inference: DiffRun, call: str) -> None:
    inference.check(call)


def test_inferred_signatures_are_in_the_type_map(inference: DiffRun) -> None:
    tm = inference.type_maps["sample"]
    shown = {f.name: ([p.rust_type for p in f.params], f.rust_returns) for f in tm.functions}
    assert shown["doctest_form"] == (["i64"], "i64")
    assert shown["inline_form"] == (["&[String]", "&str"], "String")
    assert shown["arrow_form"] == (["&[f64]"], "f64")
    assert shown["renamed"] == (["&[i64]"], "Vec<i64>")
    assert shown["prose"] == (["&[Vec<i64>]", "i64"], "i64")
    assert shown["usage_only"] == (["i64", "&str"], "i64")
    assert shown["helper"] == (["i64", "i64"], "i64")  # from the calls in `caller`
    assert shown["fib"] == (["i64"], "i64")
    assert shown["maybe_first"] == (["&[i64]"], "Option<i64>")  # the end is reachable: None
    assert shown["keyed"] == (["&[String]"], "crate::pyrt::PyDict<String, i64>")


def test_a_function_nothing_types_keeps_ptl110(tmp_path, toolchain) -> None:
    from conftest import type_map_of

    # (`a.x`, `b.y`: uses no trait expresses; a function only passing values around is generic)
    tm = type_map_of("def opaque(a, b):\n    return a.x + b.y\n")
    sig = tm.function("opaque")
    assert not sig.typed and {d.code for d in sig.diagnostics} == {"PTL110"}
