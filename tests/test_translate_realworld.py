"""A realistic utility module, differential: text statistics, parsing, small algorithms.

Written the way everyday Python is (mixed annotations, Counter, sorted with key tuples,
Optional results, try/except, nested lists, slices, module-level constants) rather than one
construct per function: every function must translate, compile, lint clean and behave as in
CPython on the same calls.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import DiffRun, cargo_env, needs_cargo, run_differential

pytestmark = needs_cargo

SOURCE = '"""Text statistics utilities."""\nimport re\nfrom collections import Counter\nfrom typing import Dict, List, Optional, Tuple\n\nSTOPWORDS = {"the", "a", "an", "and", "of"}\n\n\ndef tokenize(text: str) -> List[str]:\n    words = []\n    for raw in text.lower().split():\n        word = raw.strip(".,;:!?\\"\'()")\n        if word:\n            words.append(word)\n    return words\n\n\ndef word_frequencies(text: str, skip_stopwords: bool = True) -> Dict[str, int]:\n    freq: Dict[str, int] = {}\n    for w in tokenize(text):\n        if skip_stopwords and w in STOPWORDS:\n            continue\n        freq[w] = freq.get(w, 0) + 1\n    return freq\n\n\ndef top_words(text: str, n: int = 3) -> List[Tuple[str, int]]:\n    freq = word_frequencies(text)\n    items = sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))\n    return items[:n]\n\n\ndef longest_word(text: str) -> Optional[str]:\n    words = tokenize(text)\n    if not words:\n        return None\n    return max(words, key=len)\n\n\ndef average_word_length(text: str) -> float:\n    words = tokenize(text)\n    if not words:\n        return 0.0\n    return sum(len(w) for w in words) / len(words)\n\n\ndef capitalize_sentences(text: str) -> str:\n    parts = text.split(". ")\n    return ". ".join(p[:1].upper() + p[1:] for p in parts)\n\n\ndef is_pangram(text: str) -> bool:\n    letters = set(c for c in text.lower() if c.isalpha())\n    return len(letters) == 26\n\n\ndef char_histogram(text: str) -> Dict[str, int]:\n    counts = Counter(c for c in text if not c.isspace())\n    return dict(counts)\n\n\ndef wrap(text: str, width: int) -> List[str]:\n    lines: List[str] = []\n    current = ""\n    for word in text.split():\n        if current and len(current) + 1 + len(word) > width:\n            lines.append(current)\n            current = word\n        elif current:\n            current += " " + word\n        else:\n            current = word\n    if current:\n        lines.append(current)\n    return lines\n\n\ndef rle(s: str) -> str:\n    if not s:\n        return ""\n    out = []\n    prev = s[0]\n    count = 1\n    for ch in s[1:]:\n        if ch == prev:\n            count += 1\n        else:\n            out.append(f"{prev}{count}")\n            prev = ch\n            count = 1\n    out.append(f"{prev}{count}")\n    return "".join(out)\n\n\ndef parse_kv(line: str) -> Dict[str, str]:\n    result = {}\n    for part in line.split(";"):\n        if "=" not in part:\n            continue\n        key, _, value = part.partition("=")\n        result[key.strip()] = value.strip()\n    return result\n\n\ndef matrix_mult(a: List[List[float]], b: List[List[float]]) -> List[List[float]]:\n    n, m, p = len(a), len(b), len(b[0])\n    result = [[0.0] * p for _ in range(n)]\n    for i in range(n):\n        for j in range(p):\n            for k in range(m):\n                result[i][j] += a[i][k] * b[k][j]\n    return result\n\n\ndef binary_search(xs: List[int], target: int) -> int:\n    lo, hi = 0, len(xs) - 1\n    while lo <= hi:\n        mid = (lo + hi) // 2\n        if xs[mid] == target:\n            return mid\n        elif xs[mid] < target:\n            lo = mid + 1\n        else:\n            hi = mid - 1\n    return -1\n\n\ndef flatten(nested: List[List[int]]) -> List[int]:\n    return [x for sub in nested for x in sub]\n\n\ndef chunks(xs: List[int], size: int) -> List[List[int]]:\n    return [xs[i:i + size] for i in range(0, len(xs), size)]\n\n\ndef merge_sorted(a: List[int], b: List[int]) -> List[int]:\n    i = j = 0\n    out = []\n    while i < len(a) and j < len(b):\n        if a[i] <= b[j]:\n            out.append(a[i])\n            i += 1\n        else:\n            out.append(b[j])\n            j += 1\n    out.extend(a[i:])\n    out.extend(b[j:])\n    return out\n\n\ndef fib_memo(n: int, memo: Optional[Dict[int, int]] = None) -> int:\n    if memo is None:\n        memo = {}\n    if n in memo:\n        return memo[n]\n    if n < 2:\n        return n\n    memo[n] = fib_memo(n - 1, memo) + fib_memo(n - 2, memo)\n    return memo[n]\n\n\ndef safe_int(s: str, default: int = 0) -> int:\n    try:\n        return int(s)\n    except ValueError:\n        return default\n\n\ndef clamp(x: float, lo: float, hi: float) -> float:\n    return max(lo, min(x, hi))\n\n\ndef gcd_list(xs: List[int]) -> int:\n    from math import gcd\n    result = 0\n    for x in xs:\n        result = gcd(result, x)\n    return result\n\n\ndef transpose(m: List[List[int]]) -> List[List[int]]:\n    return [list(row) for row in zip(*m)]\n\n\ndef dedupe(xs: List[str]) -> List[str]:\n    seen = set()\n    out = []\n    for x in xs:\n        if x not in seen:\n            seen.add(x)\n            out.append(x)\n    return out\n\n\ndef histogram_bars(values: Dict[str, int]) -> List[str]:\n    width = max(len(k) for k in values) if values else 0\n    return [f"{k:<{width}} | {\'#\' * v}" for k, v in values.items()]\n'

CALLS = [
    "tokenize('The cat, the hat!')", "word_frequencies('a cat and a dog and the cat', True)",
    "word_frequencies('a cat and a dog', False)", "top_words('b a b c a b', 2)", "longest_word('hi there you')",
    "longest_word('')", "average_word_length('ab abcd')", "average_word_length('')",
    "capitalize_sentences('hello there. how are you. fine')", "is_pangram('The quick brown fox jumps over the lazy dog')",
    "is_pangram('abc')", "char_histogram('a b a')", "wrap('the quick brown fox jumps', 10)", "rle('aaabccdddd')",
    "rle('')", "parse_kv('a=1; b = two ;c;d=')", "matrix_mult([[1.0, 2.0], [3.0, 4.0]], [[0.5], [1.0]])",
    "binary_search([1, 3, 5, 7, 9], 7)", "binary_search([1, 3], 4)", "flatten([[1, 2], [], [3]])",
    "chunks([1, 2, 3, 4, 5], 2)", "merge_sorted([1, 4, 6], [2, 3, 7, 8])", "fib_memo(15, None)",
    "safe_int('42', 0)", "safe_int('x', 7)", "clamp(5.5, 0.0, 3.0)", "gcd_list([12, 18, 30])",
    "transpose([[1, 2, 3], [4, 5, 6]])", "dedupe(['b', 'a', 'b', 'c'])", "histogram_bars({'ab': 3, 'c': 1})",
]


SHOP = '"""A small shop model: products, carts, and a graph of warehouses."""\nfrom collections import deque\nfrom dataclasses import dataclass, field\nfrom typing import Dict, List, Optional, Tuple\nimport heapq\n\n\n@dataclass\nclass Product:\n    sku: str\n    name: str\n    price: float\n    tags: List[str] = field(default_factory=list)\n\n    def discounted(self, pct: float) -> float:\n        return round(self.price * (1 - pct / 100), 2)\n\n\n@dataclass\nclass Line:\n    product: Product\n    qty: int = 1\n\n    @property\n    def total(self) -> float:\n        return self.product.price * self.qty\n\n\nclass Cart:\n    TAX = 0.2\n\n    def __init__(self, owner: str):\n        self.owner = owner\n        self.lines: List[Line] = []\n\n    def add(self, product: Product, qty: int = 1) -> None:\n        for line in self.lines:\n            if line.product.sku == product.sku:\n                line.qty += qty\n                return\n        self.lines.append(Line(product, qty))\n\n    def subtotal(self) -> float:\n        return sum(line.total for line in self.lines)\n\n    def total(self) -> float:\n        return round(self.subtotal() * (1 + Cart.TAX), 2)\n\n    def skus(self) -> List[str]:\n        return sorted(line.product.sku for line in self.lines)\n\n    def __len__(self) -> int:\n        return sum(line.qty for line in self.lines)\n\n\ndef cheapest(products: List[Product]) -> Optional[Product]:\n    if not products:\n        return None\n    return min(products, key=lambda p: p.price)\n\n\ndef by_tag(products: List[Product]) -> Dict[str, List[str]]:\n    out: Dict[str, List[str]] = {}\n    for p in products:\n        for t in p.tags:\n            out.setdefault(t, []).append(p.sku)\n    return out\n\n\ndef cart_summary(items: List[Tuple[str, float, int]]) -> str:\n    cart = Cart("ann")\n    for sku, price, qty in items:\n        cart.add(Product(sku, sku.upper(), price), qty)\n    return f"{cart.owner}: {len(cart)} items, {cart.total():.2f} ({\', \'.join(cart.skus())})"\n\n\ndef shortest_path(edges: List[Tuple[str, str]], start: str, goal: str) -> int:\n    graph: Dict[str, List[str]] = {}\n    for a, b in edges:\n        graph.setdefault(a, []).append(b)\n        graph.setdefault(b, []).append(a)\n    seen = {start}\n    queue = deque([(start, 0)])\n    while queue:\n        node, dist = queue.popleft()\n        if node == goal:\n            return dist\n        for nxt in graph.get(node, []):\n            if nxt not in seen:\n                seen.add(nxt)\n                queue.append((nxt, dist + 1))\n    return -1\n\n\ndef k_smallest(xs: List[int], k: int) -> List[int]:\n    heap = list(xs)\n    heapq.heapify(heap)\n    return [heapq.heappop(heap) for _ in range(min(k, len(heap)))]\n\n\ndef running_max(xs: List[int]) -> List[int]:\n    out = []\n    best = None\n    for x in xs:\n        best = x if best is None else max(best, x)\n        out.append(best)\n    return out\n\n\ndef describe(p: Product) -> str:\n    tags = ", ".join(p.tags) if p.tags else "untagged"\n    return "%s (%s): %.2f [%s]" % (p.name, p.sku, p.price, tags)\n'

SHOP_CALLS = [
    "cheapest([Product('a', 'A', 3.5), Product('b', 'B', 1.25, ['x'])])", "cheapest([])",
    "by_tag([Product('a', 'A', 1.0, ['x', 'y']), Product('b', 'B', 2.0, ['y'])])",
    "cart_summary([('pen', 1.5, 2), ('ink', 3.0, 1), ('pen', 1.5, 1)])", "cart_summary([])",
    "shortest_path([('a', 'b'), ('b', 'c'), ('c', 'd'), ('a', 'e')], 'a', 'd')",
    "shortest_path([('a', 'b')], 'a', 'z')", "k_smallest([5, 1, 4, 2, 3], 3)", "k_smallest([2], 5)",
    "running_max([3, 1, 4, 1, 5])", "describe(Product('a', 'Apple', 0.5, ['fruit', 'red']))",
    "describe(Product('b', 'Bolt', 0.1))",
]


ALGO = '''"""Assorted algorithms, written the way people write them."""
from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple
import heapq
import math

Graph = Dict[str, List[Tuple[str, int]]]


@dataclass
class Edge:
    src: str
    dst: str
    weight: int = 1


@dataclass
class Stats:
    count: int = 0
    total: float = 0.0
    values: List[float] = field(default_factory=list)

    def add(self, x: float) -> None:
        self.count += 1
        self.total += x
        self.values.append(x)

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else 0.0

    def stdev(self) -> float:
        if self.count < 2:
            return 0.0
        m = self.mean
        return math.sqrt(sum((v - m) ** 2 for v in self.values) / (self.count - 1))


def build_graph(edges: List[Edge]) -> Graph:
    g: Graph = defaultdict(list)
    for e in edges:
        g[e.src].append((e.dst, e.weight))
        g[e.dst].append((e.src, e.weight))
    return dict(g)


def dijkstra(graph: Graph, start: str) -> Dict[str, int]:
    dist: Dict[str, int] = {start: 0}
    heap = [(0, start)]
    seen: Set[str] = set()
    while heap:
        d, node = heapq.heappop(heap)
        if node in seen:
            continue
        seen.add(node)
        for nxt, w in graph.get(node, []):
            nd = d + w
            if nxt not in dist or nd < dist[nxt]:
                dist[nxt] = nd
                heapq.heappush(heap, (nd, nxt))
    return dist


def bfs_order(graph: Graph, start: str) -> List[str]:
    order = []
    queue = deque([start])
    visited = {start}
    while queue:
        node = queue.popleft()
        order.append(node)
        for nxt, _ in sorted(graph.get(node, [])):
            if nxt not in visited:
                visited.add(nxt)
                queue.append(nxt)
    return order


def topo_sort(deps: Dict[str, List[str]]) -> Optional[List[str]]:
    indeg = {k: 0 for k in deps}
    for k, vs in deps.items():
        for v in vs:
            indeg[v] = indeg.get(v, 0) + 1
    ready = sorted(k for k, d in indeg.items() if d == 0)
    out = []
    while ready:
        n = ready.pop(0)
        out.append(n)
        for v in deps.get(n, []):
            indeg[v] -= 1
            if indeg[v] == 0:
                ready.append(v)
        ready.sort()
    if len(out) != len(indeg):
        return None
    return out


def word_freq(text: str, top: int = 3) -> List[Tuple[str, int]]:
    counts: Dict[str, int] = {}
    for w in text.lower().split():
        w = w.strip(".,!?;:")
        if not w:
            continue
        counts[w] = counts.get(w, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]


def chunk(xs: List[int], n: int) -> List[List[int]]:
    if n <= 0:
        raise ValueError("n must be positive")
    return [xs[i:i + n] for i in range(0, len(xs), n)]


def safe_chunk_count(xs: List[int], n: int) -> int:
    try:
        return len(chunk(xs, n))
    except ValueError:
        return -1


def merge_intervals(intervals: List[Tuple[int, int]]) -> List[Tuple[int, int]]:
    result: List[Tuple[int, int]] = []
    for start, end in sorted(intervals):
        if result and start <= result[-1][1]:
            prev_start, prev_end = result[-1]
            result[-1] = (prev_start, max(prev_end, end))
        else:
            result.append((start, end))
    return result


def binary_search(xs: List[int], target: int) -> int:
    lo, hi = 0, len(xs) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if xs[mid] == target:
            return mid
        elif xs[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1


def run_stats(xs: List[float]) -> Tuple[int, float, float]:
    s = Stats()
    for x in xs:
        s.add(x)
    return s.count, round(s.mean, 3), round(s.stdev(), 3)


def lcs(a: str, b: str) -> str:
    dp = [[""] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, ca in enumerate(a):
        for j, cb in enumerate(b):
            if ca == cb:
                dp[i + 1][j + 1] = dp[i][j] + ca
            else:
                dp[i + 1][j + 1] = max(dp[i][j + 1], dp[i + 1][j], key=len)
    return dp[-1][-1]


def rle(s: str) -> str:
    out = []
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        out.append(f"{s[i]}{j - i}")
        i = j
    return "".join(out)


def parse_kv(line: str) -> Dict[str, str]:
    result = {}
    for part in line.split(";"):
        if "=" not in part:
            continue
        key, _, value = part.partition("=")
        result[key.strip()] = value.strip()
    return result


class Matrix:
    def __init__(self, rows: List[List[float]]):
        self.rows = rows
        self.n = len(rows)
        self.m = len(rows[0]) if rows else 0

    def transpose(self) -> "Matrix":
        return Matrix([[self.rows[i][j] for i in range(self.n)] for j in range(self.m)])

    def mul(self, other: "Matrix") -> "Matrix":
        if self.m != other.n:
            raise ValueError("shape mismatch")
        out = [[0.0] * other.m for _ in range(self.n)]
        for i in range(self.n):
            for j in range(other.m):
                out[i][j] = sum(self.rows[i][k] * other.rows[k][j] for k in range(self.m))
        return Matrix(out)

    def __repr__(self) -> str:
        return f"Matrix({self.rows})"


def matrix_demo(a: List[List[float]], b: List[List[float]]) -> str:
    try:
        return repr(Matrix(a).mul(Matrix(b)).transpose())
    except ValueError as e:
        return f"error: {e}"


class Account:
    interest = 0.02

    def __init__(self, owner: str, balance: int = 0):
        self.owner = owner
        self.balance = balance
        self.history: List[int] = []

    def deposit(self, amount: int) -> None:
        if amount <= 0:
            raise ValueError("deposit must be positive")
        self.balance += amount
        self.history.append(amount)

    def withdraw(self, amount: int) -> bool:
        if amount > self.balance:
            return False
        self.balance -= amount
        self.history.append(-amount)
        return True


def account_demo(ops: List[int]) -> Tuple[int, List[int]]:
    acc = Account("x")
    for op in ops:
        if op >= 0:
            acc.deposit(op)
        else:
            acc.withdraw(-op)
    return acc.balance, acc.history


def primes_upto(n: int) -> List[int]:
    sieve = [True] * (n + 1)
    sieve[0:2] = [False, False]
    for i in range(2, int(n ** 0.5) + 1):
        if sieve[i]:
            for j in range(i * i, n + 1, i):
                sieve[j] = False
    return [i for i, p in enumerate(sieve) if p]


def group_by_len(words: List[str]) -> Dict[int, List[str]]:
    groups: Dict[int, List[str]] = {}
    for w in words:
        groups.setdefault(len(w), []).append(w)
    return {k: sorted(v) for k, v in sorted(groups.items())}


def flatten(nested: List[List[int]]) -> List[int]:
    return [x for row in nested for x in row]


def caesar(s: str, k: int) -> str:
    out = ""
    for ch in s:
        if ch.isalpha():
            base = ord("A") if ch.isupper() else ord("a")
            out += chr((ord(ch) - base + k) % 26 + base)
        else:
            out += ch
    return out
'''

ALGO_CALLS = [
    "run_stats([2.0, 4.0, 4.0, 5.0])", "run_stats([])", "run_stats([1.5])",
    "dijkstra(build_graph([Edge('a', 'b', 4), Edge('a', 'c', 1), Edge('c', 'b', 2), Edge('b', 'd')]), 'a')",
    "dijkstra({}, 'z')", "bfs_order(build_graph([Edge('a', 'c'), Edge('a', 'b'), Edge('b', 'd')]), 'a')",
    "topo_sort({'a': ['b', 'c'], 'b': ['c'], 'c': []})", "topo_sort({'a': ['b'], 'b': ['a']})",
    "word_freq('the cat and the hat. The end!', 3)", "word_freq('a b c', 5)",
    "chunk([1, 2, 3, 4, 5], 2)", "safe_chunk_count([1, 2, 3], 0)", "safe_chunk_count([1, 2, 3], 2)",
    "merge_intervals([(5, 7), (1, 3), (2, 4), (8, 8)])", "merge_intervals([])",
    "binary_search([1, 3, 5, 7], 7)", "binary_search([1, 3, 5, 7], 4)",
    "lcs('ABCBDAB', 'BDCABA')", "lcs('', 'x')", "rle('aaabccdddd')", "parse_kv('a=1; b = two ;junk;c=')",
    "matrix_demo([[1.0, 2.0], [3.0, 4.0]], [[0.5], [1.0]])", "matrix_demo([[1.0, 2.0]], [[1.0, 2.0]])",
    "account_demo([100, -30, -500, 20])", "primes_upto(30)", "primes_upto(1)",
    "group_by_len(['pear', 'fig', 'apple', 'kiwi', 'yam'])", "flatten([[1], [], [2, 3]])",
    "caesar('Hello, World!', 3)", "caesar('abc', -1)",
]


MISC = '''"""Everyday constructs."""
from enum import Enum
from typing import Dict, List, NamedTuple, Optional, Tuple

MAX_RETRIES = 3
VOWELS = "aeiou"


class Color(Enum):
    RED = 1
    GREEN = 2
    BLUE = 3


class Point(NamedTuple):
    x: int
    y: int


class ParseError(Exception):
    pass


def color_name(c: int) -> str:
    return Color(c).name.lower()


def manhattan(a: Point, b: Point) -> int:
    return abs(a.x - b.x) + abs(a.y - b.y)


def parse_point(s: str) -> Point:
    parts = s.split(",")
    if len(parts) != 2:
        raise ParseError(f"bad point: {s}")
    return Point(int(parts[0]), int(parts[1]))


def try_parse(s: str) -> str:
    try:
        p = parse_point(s)
    except ParseError as e:
        return str(e)
    except ValueError:
        return "not a number"
    return f"{p.x}/{p.y}"


def count_vowels(s: str) -> int:
    return sum(1 for ch in s.lower() if ch in VOWELS)


def first_repeat(xs: List[int]) -> Optional[int]:
    seen = set()
    for x in xs:
        if x in seen:
            break
        seen.add(x)
    else:
        return None
    return x


def make_counter(start: int) -> List[int]:
    count = start

    def bump(by: int) -> int:
        return count + by

    return [bump(i) for i in range(3)]


def total(*nums: int) -> int:
    return sum(nums)


def scale(xs: List[float], *, factor: float = 2.0) -> List[float]:
    return [x * factor for x in xs]


def in_range(x: int, lo: int, hi: int) -> bool:
    return lo <= x < hi


def numbered(items: List[str]) -> List[str]:
    return [f"{i}. {item}" for i, item in enumerate(items, start=1)]


def bits(s: str) -> int:
    return int(s, 2)


def remove_all(xs: List[int], v: int) -> List[int]:
    out = list(xs)
    while v in out:
        out.remove(v)
    return out


def pop_front(xs: List[int]) -> Tuple[int, List[int]]:
    ys = xs[:]
    first = ys.pop(0)
    del ys[0]
    return first, ys


def walrus_lengths(words: List[str]) -> List[int]:
    return [n for w in words if (n := len(w)) > 2]


def retry(ok_after: int) -> int:
    attempts = 0
    for attempt in range(MAX_RETRIES):
        attempts += 1
        if attempt >= ok_after:
            return attempts
    return -attempts


def invert(d: Dict[str, int]) -> Dict[int, List[str]]:
    out: Dict[int, List[str]] = {}
    for k, v in sorted(d.items()):
        out.setdefault(v, []).append(k)
    return out


def checked_div(a: int, b: int) -> float:
    assert b != 0, "division by zero"
    return a / b


def title_case(s: str) -> str:
    return " ".join(w.capitalize() for w in s.split())


def fmt_table(rows: List[Tuple[str, float]]) -> str:
    lines = []
    for name, value in rows:
        lines.append(f"{name:>8}|{value:8.2f}|{value:.1%}")
    return "\\n".join(lines)


def gen_squares(n: int):
    for i in range(n):
        yield i * i


def sum_squares(n: int) -> int:
    return sum(gen_squares(n))


def dict_merge(a: Dict[str, int], b: Dict[str, int]) -> Dict[str, int]:
    merged = {**a, **b}
    return {k: v for k, v in merged.items() if v}


def swap_pairs(xs: List[int]) -> List[int]:
    ys = list(xs)
    for i in range(0, len(ys) - 1, 2):
        ys[i], ys[i + 1] = ys[i + 1], ys[i]
    return ys


def nested_get(d: Dict[str, Dict[str, int]], a: str, b: str) -> int:
    return d.get(a, {}).get(b, -1)


def str_ops(s: str) -> List[str]:
    return [s.center(9, "*"), s.zfill(6), s.ljust(6, "."), s.swapcase(), s[::-1], s.title()]
'''

MISC_CALLS = [
    "color_name(2)", "try_parse('3,4')", "try_parse('3;4')", "try_parse('a,4')", "count_vowels('Education')",
    "first_repeat([3, 1, 4, 1, 5])", "first_repeat([1, 2])", "make_counter(10)", "in_range(3, 0, 3)",
    "numbered(['a', 'b'])", "bits('1011')", "remove_all([1, 2, 1, 3], 1)", "pop_front([7, 8, 9])",
    "walrus_lengths(['ab', 'abc', 'abcd'])", "retry(1)", "retry(5)", "invert({'a': 1, 'b': 2, 'c': 1})",
    "checked_div(7, 2)", "title_case('hello big  world')", "fmt_table([('ab', 0.5), ('longer', 12.25)])",
    "sum_squares(5)", "dict_merge({'a': 1, 'b': 0}, {'b': 2, 'c': 0})", "swap_pairs([1, 2, 3, 4, 5])",
    "nested_get({'a': {'b': 2}}, 'a', 'b')", "nested_get({'a': {'b': 2}}, 'x', 'b')", "str_ops('aBc')",
]


RECORDS = '''import math
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple


def fmt_money(x: float) -> str:
    return "{:.2f}".format(x) + " | " + "{:>8}".format("ab") + " | " + "{0}-{1}-{0}".format("a", "b")


def join_nums(xs: List[int]) -> str:
    return ",".join(map(str, xs))


def closest(xs: List[float], target: float) -> float:
    best = float("inf")
    best_x = 0.0
    for x in xs:
        if abs(x - target) < best:
            best = abs(x - target)
            best_x = x
    return best_x


def near(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6) or math.isinf(a)


def text_ops(s: str) -> List[str]:
    out = []
    out.append(str(s.count("a")))
    out.extend(s.splitlines())
    out.append("|".join(s.rsplit(" ", 1)))
    out.append(str(s.find("b")) + str(s.rfind("b")))
    out.append(s.replace("a", "A", 1))
    out.append(str(s.startswith(("x", "a"))))
    return out


class Temperature:
    def __init__(self, celsius: float):
        self._celsius = celsius

    @property
    def celsius(self) -> float:
        return self._celsius

    @celsius.setter
    def celsius(self, value: float) -> None:
        if value < -273.15:
            raise ValueError("below absolute zero")
        self._celsius = value

    @property
    def fahrenheit(self) -> float:
        return self._celsius * 9 / 5 + 32


def temp_demo(values: List[float]) -> List[str]:
    t = Temperature(0.0)
    out = []
    for v in values:
        try:
            t.celsius = v
            out.append(f"{t.fahrenheit:.1f}")
        except ValueError as e:
            out.append(str(e))
    return out


@dataclass
class Order:
    id: int
    items: List[Tuple[str, int]]
    note: Optional[str] = None

    def total_qty(self) -> int:
        return sum(q for _, q in self.items)


def summarize(orders: List[Tuple[int, List[Tuple[str, int]]]]) -> Dict[str, int]:
    objs = [Order(i, items) for i, items in orders]
    totals: Dict[str, int] = {}
    for o in objs:
        for name, q in o.items:
            totals[name] = totals.get(name, 0) + q
    big = [o.id for o in objs if o.total_qty() > 3]
    totals["big"] = len(big)
    return totals


def describe(o: Optional[Order]) -> str:
    if o is None:
        return "none"
    note = o.note or "-"
    return f"#{o.id} {note} {o.total_qty()}"


def describe_demo(n: int) -> List[str]:
    return [describe(None), describe(Order(n, [("a", 2)])), describe(Order(n, [], "rush"))]


def matrix_ops(n: int) -> List[List[int]]:
    m = [[i * n + j for j in range(n)] for i in range(n)]
    t = [list(r) for r in zip(*m)]
    diag = [m[i][i] for i in range(n)]
    return t + [diag, [sum(r) for r in m], [max(c) for c in zip(*m)]]


def parse_csv(text: str) -> List[Dict[str, str]]:
    lines = [l for l in text.strip().split("\\n") if l]
    header = lines[0].split(",")
    rows = []
    for line in lines[1:]:
        values = line.split(",")
        rows.append(dict(zip(header, values)))
    return rows


def first_word_lengths(text: str) -> Dict[str, int]:
    return {w[0]: len(w) for w in text.split() if w}
'''

RECORDS_CALLS = [
    "fmt_money(3.14159)", "join_nums([1, 2, 3])", "join_nums([])", "closest([1.0, 5.5, 3.2], 3.0)",
    "near(1.0, 1.0000001)", "near(1.0, 1.1)", "text_ops('banana bread\\nabc')", "text_ops('x')",
    "temp_demo([20.0, -300.0, 100.0])", "summarize([(1, [('a', 2), ('b', 3)]), (2, [('a', 1)])])",
    "describe_demo(7)", "matrix_ops(3)", "matrix_ops(1)", "parse_csv('a,b\\n1,2\\n3,4\\n')",
    "first_word_lengths('apple banana avocado')",
]


GRAPH = '''from collections import defaultdict
from itertools import groupby
from typing import Dict, List, Optional, Set, Tuple


def grouped(words: List[str]) -> List[Tuple[str, List[str]]]:
    out = []
    for key, group in groupby(sorted(words), key=lambda w: w[0]):
        out.append((key, list(group)))
    return out


def adjacency(edges: List[Tuple[int, int]]) -> Dict[int, Set[int]]:
    adj: Dict[int, Set[int]] = defaultdict(set)
    for a, b in edges:
        adj[a].add(b)
        adj[b].add(a)
    return {k: v for k, v in sorted(adj.items())}


def components(n: int, edges: List[Tuple[int, int]]) -> int:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    return len({find(i) for i in range(n)})


def safe_get(xs: List[int], i: int) -> Optional[int]:
    try:
        return xs[i]
    except IndexError:
        return None


def lookup(d: Dict[str, int], k: str) -> int:
    try:
        return d[k]
    except KeyError:
        return -1


def chained(xs: List[int]) -> bool:
    return all(a <= b for a, b in zip(xs, xs[1:]))


def flatten_dict(d: Dict[str, Dict[str, int]]) -> Dict[str, int]:
    out = {}
    for outer, inner in d.items():
        for k, v in inner.items():
            out[f"{outer}.{k}"] = v
    return out


def ternary_chain(n: int) -> str:
    return "neg" if n < 0 else "zero" if n == 0 else "pos"


def while_else(xs: List[int], target: int) -> int:
    i = 0
    while i < len(xs):
        if xs[i] == target:
            break
        i += 1
    else:
        return -1
    return i


def sum_digits(n: int) -> int:
    return sum(int(d) for d in str(abs(n)))


def transpose_words(lines: List[str]) -> List[str]:
    words = [l.split() for l in lines]
    width = max((len(w) for w in words), default=0)
    return [" ".join(w[i] for w in words if i < len(w)) for i in range(width)]
'''

GRAPH_CALLS = [
    "grouped(['bob', 'amy', 'al', 'bea', 'cy'])", "grouped([])", "adjacency([(1, 2), (2, 3), (4, 1)])",
    "components(5, [(0, 1), (1, 2), (3, 4)])", "components(3, [])", "safe_get([1, 2], 5)", "safe_get([1, 2], -1)",
    "lookup({'a': 1}, 'a')", "lookup({'a': 1}, 'b')", "chained([1, 2, 2, 5])", "chained([3, 1])",
    "flatten_dict({'a': {'x': 1, 'y': 2}, 'b': {}})", "ternary_chain(-3)", "ternary_chain(0)", "ternary_chain(9)",
    "while_else([4, 5, 6], 5)", "while_else([4], 9)", "sum_digits(-9041)", "transpose_words(['a b c', 'd e', 'f'])",
    "transpose_words([])",
]


@pytest.fixture(scope="module")
def graph(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(GRAPH, GRAPH_CALLS, tmp_path_factory.mktemp("graph"), toolchain, module="graph")


def test_graph_module_translates_completely(graph: DiffRun) -> None:
    """itertools.groupby, defaultdict(set) sorted by key, union-find with a nested function that
    changes the enclosing list, IndexError/KeyError caught, while-else, max(default=)."""
    module = graph.module_report("graph")
    bad = {f["name"]: f["status"] for f in module["functions"] if f["status"] != "translated"}
    assert not bad, (bad, module["diagnostics"])


@pytest.mark.parametrize("call", GRAPH_CALLS)
def test_graph_module(graph: DiffRun, call: str) -> None:
    graph.check(call)


@pytest.fixture(scope="module")
def records(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(RECORDS, RECORDS_CALLS, tmp_path_factory.mktemp("records"), toolchain, module="records")


def test_records_module_translates_completely(records: DiffRun) -> None:
    """str.format forms, map(str, ...), float('inf'), math.isclose, a property with a setter
    that raises, a dataclass with an Optional field, zip(*m), CSV-like parsing."""
    module = records.module_report("records")
    bad = {f["name"]: f["status"] for f in module["functions"] if f["status"] != "translated"}
    assert not bad, (bad, module["diagnostics"])


@pytest.mark.parametrize("call", RECORDS_CALLS)
def test_records_module(records: DiffRun, call: str) -> None:
    records.check(call)


@pytest.fixture(scope="module")
def misc(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(MISC, MISC_CALLS, tmp_path_factory.mktemp("misc"), toolchain, module="misc")


def test_misc_module_translates_completely(misc: DiffRun) -> None:
    """Enum and NamedTuple classes, a custom exception, for-else, closures over locals, `*args`,
    keyword-only parameters, `:=`, `{**a, **b}`, generators, asserts, format specs."""
    module = misc.module_report("misc")
    bad = {f["name"]: f["status"] for f in module["functions"] if f["status"] != "translated"}
    assert not bad, (bad, module["diagnostics"])


@pytest.mark.parametrize("call", MISC_CALLS)
def test_misc_module(misc: DiffRun, call: str) -> None:
    misc.check(call)


@pytest.fixture(scope="module")
def algo(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(ALGO, ALGO_CALLS, tmp_path_factory.mktemp("algo"), toolchain, module="algo")


def test_algo_module_translates_completely(algo: DiffRun) -> None:
    """Graphs (defaultdict of tuples, heapq, deque), intervals, DP tables of strings, a matrix
    class raising ValueError caught by its caller, a plain class with a list attribute."""
    module = algo.module_report("algo")
    bad = {f["name"]: f["status"] for f in module["functions"] if f["status"] != "translated"}
    assert not bad, (bad, module["diagnostics"])


@pytest.mark.parametrize("call", ALGO_CALLS)
def test_algo_module(algo: DiffRun, call: str) -> None:
    algo.check(call)


@pytest.fixture(scope="module")
def shop(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(SHOP, SHOP_CALLS, tmp_path_factory.mktemp("shop"), toolchain, module="shop")


def test_shop_module_translates_completely(shop: DiffRun) -> None:
    """Dataclasses with defaults and properties, a class with a class constant and __len__,
    deque, heapq, setdefault, Optional results, printf-style formatting."""
    module = shop.module_report("shop")
    bad = {f["name"]: f["status"] for f in module["functions"] if f["status"] != "translated"}
    assert not bad, (bad, module["diagnostics"])


@pytest.mark.parametrize("call", SHOP_CALLS)
def test_shop_module(shop: DiffRun, call: str) -> None:
    shop.check(call)


@pytest.fixture(scope="module")
def realworld(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(SOURCE, CALLS, tmp_path_factory.mktemp("realworld"), toolchain, module="textstats")


def test_realistic_module_translates_completely(realworld: DiffRun) -> None:
    module = realworld.module_report("textstats")
    bad = {f["name"]: f["status"] for f in module["functions"] if f["status"] != "translated"}
    assert not bad, (bad, module["diagnostics"])


@pytest.mark.parametrize("call", CALLS)
def test_realistic_module(realworld: DiffRun, call: str) -> None:
    realworld.check(call)


@pytest.mark.skipif(shutil.which("cargo-clippy") is None, reason="clippy is not installed")
@pytest.mark.parametrize("which", ["realworld", "shop", "algo", "misc", "records", "graph"])
def test_realistic_modules_lint_clean(which: str, request: pytest.FixtureRequest) -> None:
    """No clippy warning in the translations (the lints are clippy's defaults)."""
    run: DiffRun = request.getfixturevalue(which)
    proc = subprocess.run(
        ["cargo", "clippy", "--offline", "--lib", "--quiet", "--message-format=short"],
        cwd=run.crate_dir, capture_output=True, text=True, timeout=300, env=cargo_env(run.target_dir),
    )
    warnings = [line for line in proc.stderr.splitlines() if "warning" in line]
    assert proc.returncode == 0 and not warnings, proc.stderr[-3000:]
