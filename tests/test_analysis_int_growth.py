"""The analysis' fact "its ints can grow past i64" (portalis/analysis/int_growth.py), without
cargo: why a function grows, and what keeps one on i64."""

from __future__ import annotations

import libcst as cst
import pytest

from portalis.analysis.int_growth import int_growth
from portalis.types import pytypes as T


def fact(src: str, params: int = 1, returns=T.INT):
    fn = cst.parse_module(src).body[0]
    assert isinstance(fn, cst.FunctionDef)
    names = [p.name.value for p in fn.params.params]
    return int_growth(fn, [(n, T.INT) for n in names[:params]] + [(n, T.STR) for n in names[params:]], returns)


@pytest.mark.parametrize("src,why", [
    ("def f(n):\n    r = 1\n    for i in range(n):\n        r *= i\n    return r\n", "`r *= i` accumulated in a loop"),
    ("def f(n):\n    s = 2\n    while n > 0:\n        s = s * s - s + 1\n        n -= 1\n    return s\n", "accumulated in a loop"),
    ("def f(n):\n    if n < 2:\n        return 1\n    return n * f(n - 1)\n", "a product with a recursive call"),
    ("def f(n):\n    return 3 ** n\n", "a power with a computed exponent"),
    ('def f(n):\n    """\n    >>> f(1)\n    90071992547409930\n    """\n    return n + 1\n', "above 2**53"),
    ("@functools.lru_cache(maxsize=None)\ndef f(n):\n    if n < 2:\n        return n\n    return f(n - 1) + f(n - 2)\n",
     "a sum of recursive calls of a cached function"),
    ("@cache\ndef f(n):\n    if n < 2:\n        return n\n    return f(n - 1) + f(n - 2)\n", "cached function"),
    # a list's items from its own items: partition numbers, Fibonacci, Sylvester in a list
    ("def f(n):\n    p = [1] + [0] * n\n    for k in range(1, n + 1):\n        for i in range(k, n + 1):\n"
     "            p[i] += p[i - k]\n    return p[n]\n", "items of `p` accumulated from its own items"),
    ("def f(n):\n    xs = [0, 1]\n    for i in range(n):\n        xs.append(xs[-1] + xs[-2])\n    return xs[n]\n",
     "items of `xs`"),
    ("def f(n):\n    xs = [0] * n\n    for i in range(2, n):\n        xs[i] = xs[i - 1] * 2\n    return xs[len(xs) - 1]\n",
     "items of `xs`"),
])
def test_what_makes_ints_grow(src: str, why: str) -> None:
    found = fact(src)
    assert found is not None and why in (found.grows or "") and found.bigint, found


@pytest.mark.parametrize("src", [
    "def f(n):\n    return n * 2 + n ** 2\n",  # constant exponent, no loop
    "def f(n):\n    t = 0\n    for i in range(n):\n        t += i\n    return t\n",  # sums stay near i64's scale
    # uncached, a sum of recursive calls is exponential time: it never reaches 2**63
    "def f(n):\n    if n < 2:\n        return n\n    return f(n - 1) + f(n - 2)\n",
    "@other\ndef f(n):\n    if n < 2:\n        return n\n    return f(n - 1) + f(n - 2)\n",
    # items set from something else than the list's own items: a counter, not a recurrence
    "def f(n):\n    c = [0] * 10\n    for i in range(n):\n        c[i % 10] += 1\n    return c[0]\n",
])
def test_no_growth_no_fact(src: str) -> None:
    assert fact(src) is None


@pytest.mark.parametrize("src,params,why", [
    ("def f(n):\n    r = 1\n    for i in range(2, n):\n        r *= i\n    return len(str(r))\n", 1, "len(str(r))"),
    ("def f(n):\n    r: int = 1\n    for i in range(n):\n        r *= i\n    return r\n", 1, "r: int = 1"),
    ("def f(n, s):\n    r = 1\n    for i in range(n):\n        r *= i\n    return r\n", 1, "a parameter is not an int"),
    ("def f(n):\n    r = 1\n    for c in [1, 2]:\n        r *= c\n    return r\n", 1, "range"),
    ("def f(n):\n    r = 1\n    for i in range(n):\n        r *= i\n", 1, "without `return`"),
    ("def f(n):\n    r = 1\n    for i in range(n):\n        r *= i\n        i = 2\n    return r\n", 1, "range counter and assigned"),
    # a list of the subset used otherwise than by one index, `append` or `len`
    ("def f(n):\n    xs = [1]\n    for i in range(n):\n        xs.append(xs[-1] * 2)\n    return sum(xs)\n", 1, "`sum(xs)`"),
    ("def f(n):\n    xs = [1]\n    for i in range(n):\n        xs.append(xs[-1] * 2)\n    return xs[1:][0]\n", 1, "xs[1:]"),
    ("def f(n):\n    xs = [1]\n    for i in range(n):\n        xs.append(xs[-1] * 2)\n    xs = 3\n    return xs\n", 1,
     "both a list and something else"),
    # `b = a` shares one list between two names in Python: no Vec copy may stand for it
    ("def f(n):\n    a = [1]\n    b = a\n    for i in range(n):\n        a.append(a[-1] * 2)\n    return b[-1]\n", 1,
     "the list `a` used as a value"),
])
def test_what_keeps_i64(src: str, params: int, why: str) -> None:
    found = fact(src, params)
    assert found is not None and not found.bigint and why in (found.unsupported or ""), found


@pytest.mark.parametrize("src,params,returns,why", [
    # calendar.leapdays: `y1 -= 1` of -2**63, then only divided
    ("def f(y1, y2):\n    y1 -= 1\n    y2 -= 1\n    return (y2 // 4 - y1 // 4) - (y2 // 100 - y1 // 100)\n", 2, T.INT, "`y1 -= 1`"),
    # an automorphic number test: `n * n` below 2**126, then only divided (a bool result)
    ("def f(n):\n    if n < 0:\n        return False\n    s = n * n\n    while n > 0:\n        if n % 10 != s % 10:\n"
     "            return False\n        n //= 10\n        s //= 10\n    return True\n", 1, T.BOOL, "`n * n`"),
    ("def f(a, b):\n    return (a + b) // 2\n", 2, T.INT, "`(a + b)`"),
])
def test_values_passing_i64_midway_are_computed_in_i128(src: str, params: int, returns, why: str) -> None:
    found = fact(src, params, returns)
    assert found is not None and found.wide and why in found.wide and not found.bigint, found


@pytest.mark.parametrize("src,params", [
    ("def f(a, b):\n    return a + b\n", 2),  # only the result leaves i64: converted at the return either way
    ("def f(n):\n    t = n\n    while t > 0:\n        t = t + n\n    return t % 7\n", 1),  # unbounded in a loop
    ("def f(n):\n    return g(n - 1) // 2\n", 1),  # a call: outside the ranged subset
    ("def f(n):\n    return n * n * n // n\n", 1),  # past i128 (2**189)
    ("def f(n):\n    return (n * n) % MOD\n", 1),  # a module constant: its type is not known here
    # a range bound past i64 only at -2**63 (HumanEval 31's is_prime): the loop's `n % k` stays i64
    ("def f(n):\n    for k in range(2, n - 1):\n        if n % k == 0:\n            return 0\n    return 1\n", 1),
])
def test_i128_only_where_ranges_prove_it(src: str, params: int) -> None:
    assert fact(src, params) is None
