"""Builtins, methods and standard-library members from the declarative tables, differential.

str methods (Python's character semantics: find/index by characters, isupper on mixed text,
title/capitalize/swapcase, padding), list/dict/set methods, numeric builtins (round halves to
even, divmod and pow with Python's signs, bin/hex/oct), isinstance, math.*, string constants,
collections.Counter, f-string format specs, str.format, repr, slices and their assignment, del.
"""

from __future__ import annotations

import pytest

from conftest import DiffRun, needs_cargo, run_differential

pytestmark = needs_cargo

BUILTINS_SRC = '''
import math
import string
from collections import Counter, defaultdict
from typing import Dict, List, Set, Tuple


def str_methods(s: str) -> List[str]:
    return [s.upper(), s.lower(), s.strip(), s.lstrip("x"), s.rstrip(" a"), s.title(), s.capitalize(),
            s.swapcase(), s.replace("a", "AA"), s.center(11, "*"), s.ljust(9, "."), s.rjust(9), s.zfill(10)]


def str_tests(s: str) -> List[bool]:
    return [s.isdigit(), s.isalpha(), s.isupper(), s.islower(), s.isspace(), s.isalnum(),
            s.startswith(("ab", "x")), s.endswith("z"), "b" in s]


def positions(s: str, sub: str) -> Tuple[int, int, int]:
    return (s.find(sub), s.rfind(sub), s.count(sub))


def words(s: str) -> List[str]:
    return s.split() + s.split(",") + s.split(",", 1) + s.splitlines()


def join_words(parts: List[str]) -> str:
    return "-".join(parts) + "|" + "".join(p.upper() for p in parts)


def list_methods(xs: List[int]) -> List[int]:
    xs.append(7)
    xs.insert(0, -1)
    xs.extend([8, 9])
    xs.remove(7)
    last = xs.pop()
    first = xs.pop(0)
    xs.reverse()
    return xs + [last, first, xs.index(8) if 8 in xs else -5, xs.count(1)]


def sort_desc(xs: List[int]) -> None:
    xs.sort(reverse=True)


def dict_methods(d: Dict[str, int]) -> List[int]:
    d["z"] = 26
    out = [d.get("a", 0), d.get("q", -1), len(d)]
    d.setdefault("y", 25)
    out.append(d.pop("z"))
    d.update({"a": 100})
    out.extend(d.values())
    return out


def set_ops(a: List[int], b: List[int]) -> List[int]:
    x: Set[int] = set(a)
    y = set(b)
    x.add(100)
    x.discard(1)
    return sorted(x | y) + sorted(x & y) + sorted(x - y) + sorted(x ^ y) + [int(x.issubset(y))]


def numbers(x: float, n: int) -> Tuple[List[int], List[float]]:
    ints = [round(x), math.floor(x), math.ceil(x), pow(2, n), int(x)]
    floats = [round(x, 1), abs(-x), float(n), math.sqrt(abs(x)), float(int(x)), math.pi, x ** 2]
    return (ints, floats)


def integer_ops(a: int, b: int) -> List[int]:
    q, r = divmod(a, b)
    return [q, r, a // b, a % b, pow(a, 2, 7), -a // b, abs(a - b), max(a, b, 3), min(a, b), a ^ b, a & b, a | b,
            a << 2, a >> 1, math.gcd(a, b), math.factorial(5)]


def radix(n: int) -> List[str]:
    return [bin(n), hex(n), oct(n), str(n), f"{n:05d}", f"{n:x}", f"{n:b}"]


def formats(x: float, s: str) -> List[str]:
    return [f"{x:.2f}", f"{x:8.3f}", f"[{s:>6}]", f"[{s:<6}]", f"{s!r}", "{} and {}".format(s, 3), repr(s),
            str(x), str([1, 2]), str((1, "a")), str({"k": [1.5]})]


def number_formats(x: float, n: int) -> List[str]:
    return [f"{x:,.2f}", f"{n:,}", f"{x:.1%}", f"{n:>10,}", f"{x:e}", f"{x:.3E}", f"{x:+.2f}", f"{n:+d}",
            f"{x:*^12.1f}", f"{x:,}", f"{-n:,}", f"{n:.0%}", f"[{x:<9.2e}]", f"{n:_>6}"]


def kinds(n: int, x: float, s: str) -> List[bool]:
    return [isinstance(n, int), isinstance(x, int), isinstance(s, (int, str)), isinstance(True, int)]


def letters(s: str) -> int:
    return sum(1 for c in s if c in string.ascii_lowercase)


def most_common(words: List[str]) -> Tuple[str, int]:
    counts = Counter(words)
    best = ""
    best_n = 0
    for w in counts:
        if counts[w] > best_n:
            best, best_n = w, counts[w]
    return (best, counts["missing"])


def slices(xs: List[int], s: str) -> List[List[int]]:
    ys = list(xs)
    ys[1:3] = [0, 0, 0]
    zs = list(xs)
    zs[::2] = [9] * len(zs[::2])
    del zs[0]
    return [xs[::-1], xs[1:-1], xs[::2], ys, zs, [len(s[2:]), len(s[::-2])]]


def chained(n: int) -> int:
    a = b = n * 2
    return a + b


def tuple_ops(t: Tuple[int, int], u: Tuple[int, int]) -> List[bool]:
    return [t < u, t == u, (t + u)[3] == u[1], 3 in t]


def membership(c: str, n: int) -> List[bool]:
    return [c in ("a", "e", "i"), c in ["x", "y"], n in [1, 2, 3], n not in (4, 5)]


def ords(s: str) -> List[int]:
    return [ord(c) - ord("a") for c in s] + [ord(chr(65 + len(s)))]


def group(words: List[str]) -> Dict[str, List[str]]:
    groups = defaultdict(list)
    for w in words:
        groups[w[0]].append(w)
    return groups


def tally(words: List[str]) -> Dict[str, int]:
    c = defaultdict(int)
    for w in words:
        c[w] += 1
    return c


def by_count(words: List[str]) -> List[str]:
    c = {}
    for w in words:
        c[w] = c.get(w, 0) + 1
    return sorted(c, key=c.get, reverse=True)


def uppers(words: List[str]) -> List[str]:
    return list(map(str.upper, words))


def percent(name: str, n: int, x: float) -> str:
    return "%s has %d items (%.2f%%) [%5s] [%-4d] %r" % (name, n, x, name, n, name) + " n=%d" % n
'''

CALLS = [
    "str_methods('  abc Def a  ')", "str_methods('x-ray')", "str_tests('abc')", "str_tests('AB1')", "str_tests('   ')",
    "str_tests('')", "positions('banana', 'an')", "positions('héllo wörld', 'ö')", "words('a,b c\\nd,e')",
    "join_words(['x', 'yz'])", "list_methods([1, 2, 3, 1])", "sort_desc([3, 1, 2])", "dict_methods({'a': 1, 'b': 2})",
    "set_ops([1, 2, 3], [2, 3, 4])", "numbers(2.5, 3)", "numbers(-3.75, 0)", "integer_ops(17, 5)",
    "integer_ops(-17, 5)", "radix(42)", "radix(-5)", "formats(3.14159, 'ab')", "kinds(1, 2.0, 's')",
    "letters('Hello World')", "most_common(['a', 'b', 'b', 'c'])", "slices([1, 2, 3, 4, 5], 'abcdef')",
    "chained(4)", "tuple_ops((1, 2), (1, 3))", "membership('e', 4)", "membership('z', 2)", "ords('abc')",
    "group(['apple', 'bob', 'avocado'])", "tally(['x', 'y', 'x'])", "by_count(['b', 'a', 'b', 'c', 'a', 'b'])",
    "uppers(['ab', 'c'])", "percent('box', 3, 12.345)",
    "number_formats(1234567.891, 9876543)", "number_formats(-0.000123, -12)", "number_formats(0.5, 0)",
]


@pytest.fixture(scope="module")
def builtins_run(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(BUILTINS_SRC, CALLS, tmp_path_factory.mktemp("builtins"), toolchain)


def test_builtins_module_translates_completely(builtins_run: DiffRun) -> None:
    module = builtins_run.module_report()
    bad = {f["name"]: f["status"] for f in module["functions"] if f["status"] != "translated"}
    assert not bad, (bad, module["diagnostics"])


@pytest.mark.parametrize("call", CALLS)
def test_builtins(builtins_run: DiffRun, call: str) -> None:
    builtins_run.check(call)


CONSTANTS_SRC = '''
VOWELS = "aeiou"
MOD = 10 ** 9 + 7
PRIMES = [2, 3, 5, 7]
ROMAN = {1000: "M", 500: "D", 100: "C", 50: "L", 10: "X", 5: "V", 1: "I"}
pairs = [(1, "one"), (2, "two")]


def count_vowels(s: str) -> int:
    return sum(1 for c in s if c in VOWELS)


def small_primes(n: int) -> list:
    """small_primes(5) == [2, 3, 5]"""
    return [p for p in PRIMES if p <= n]


def roman(n: int) -> str:
    out = ""
    for value, letter in ROMAN.items():
        while n >= value:
            out += letter
            n -= value
    return out


def modded(n: int) -> int:
    return (n * n) % MOD


def names() -> list:
    """names() == ['one', 'two']"""
    return [name for _, name in pairs]
'''

CONSTANT_CALLS = ["count_vowels('education')", "small_primes(6)", "roman(1994)", "modded(123456789)", "names()"]


@pytest.fixture(scope="module")
def constants_run(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(CONSTANTS_SRC, CONSTANT_CALLS, tmp_path_factory.mktemp("constants"), toolchain)


@pytest.mark.parametrize("call", CONSTANT_CALLS)
def test_module_constants(constants_run: DiffRun, call: str) -> None:
    """Module-level constants: scalars are consts, containers statics built at first use."""
    constants_run.check(call)


LIBRARY_SRC = 'from typing import List, Tuple\nfrom functools import reduce\n\nVector = List[float]\nPoint = Tuple[float, float]\n\n\ndef dot(a: Vector, b: Vector) -> float:\n    return sum(x * y for x, y in zip(a, b))\n\n\ndef centroid(points: List[Point]) -> Point:\n    n = len(points)\n    return (sum(p[0] for p in points) / n, sum(p[1] for p in points) / n)\n\n\ndef prod(xs: List[int]) -> int:\n    return reduce(lambda a, b: a * b, xs, 1)\n\n\ndef greet(name: str, n: int) -> str:\n    return "Hello {name}, you have {count} messages ({0})".format(n, name=name, count=n)\n\nfrom itertools import combinations, permutations, product, chain, accumulate\n\n\ndef pairs_sum(xs: List[int], target: int) -> int:\n    return sum(1 for a, b in combinations(xs, 2) if a + b == target)\n\n\ndef perms(s: str) -> List[str]:\n    return ["".join(p) for p in permutations(s)]\n\n\ndef grid(n: int) -> List[Tuple[int, int]]:\n    return list(product(range(n), range(2)))\n\n\ndef joined(a: List[int], b: List[int]) -> List[int]:\n    return list(chain(a, b))\n\n\ndef prefix(xs: List[int]) -> List[int]:\n    return list(accumulate(xs))\n'
LIBRARY_SRC += '''
import bisect
from collections import Counter, OrderedDict


def top_words(text: str, n: int) -> List[Tuple[str, int]]:
    counts = Counter(text.split())
    counts.update(["extra", "extra"])
    counts.update(Counter(["the"]))
    return counts.most_common(n)


def all_counts(text: str) -> List[Tuple[str, int]]:
    return Counter(text).most_common()


def grade(score: int) -> str:
    return "FDCBA"[bisect.bisect([60, 70, 80, 90], score)]


def positions(xs: List[int], x: int) -> List[int]:
    return [bisect.bisect_left(xs, x), bisect.bisect_right(xs, x)]


def insorted(xs: List[int]) -> List[int]:
    out: List[int] = []
    for x in xs:
        bisect.insort(out, x)
    return out


def unique_in_order(xs: List[str]) -> List[str]:
    return list(dict.fromkeys(xs)) + list(OrderedDict.fromkeys(reversed(xs)))


def zeros(keys: List[str]) -> List[Tuple[str, int]]:
    return list(dict.fromkeys(keys, 0).items())
'''

LIBRARY_CALLS = [
    "dot([1.0, 2.0], [3.0, 0.5])", "centroid([(0.0, 0.0), (2.0, 4.0)])", "prod([2, 3, 4])", "greet('ann', 3)",
    "pairs_sum([1, 2, 3, 4, 5], 6)", "perms('abc')", "grid(2)", "joined([1], [2, 3])", "prefix([1, 2, 3, 4])",
    "top_words('the cat the dog a cat the', 3)", "top_words('', 0)", "all_counts('abracadabra')",
    "grade(59)", "grade(75)", "grade(90)", "positions([1, 2, 2, 2, 5], 2)", "positions([], 3)",
    "insorted([5, 1, 4, 1, 3])", "unique_in_order(['b', 'a', 'b', 'c', 'a'])", "zeros(['x', 'y', 'x'])",
]


@pytest.fixture(scope="module")
def library_run(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(LIBRARY_SRC, LIBRARY_CALLS, tmp_path_factory.mktemp("library"), toolchain)


@pytest.mark.parametrize("call", LIBRARY_CALLS)
def test_library_modules(library_run: DiffRun, call: str) -> None:
    """Type aliases, functools.reduce, itertools (combinations, permutations, product, chain,
    accumulate), str.format with named fields, Counter.most_common/update, bisect, dict.fromkeys."""
    library_run.check(call)
