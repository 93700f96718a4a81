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
@pytest.mark.parametrize("which", ["realworld", "shop"])
def test_realistic_modules_lint_clean(which: str, request: pytest.FixtureRequest) -> None:
    """No clippy warning in the translations (the lints are clippy's defaults)."""
    run: DiffRun = request.getfixturevalue(which)
    proc = subprocess.run(
        ["cargo", "clippy", "--offline", "--lib", "--quiet", "--message-format=short"],
        cwd=run.crate_dir, capture_output=True, text=True, timeout=300, env=cargo_env(run.target_dir),
    )
    warnings = [line for line in proc.stderr.splitlines() if "warning" in line]
    assert proc.returncode == 0 and not warnings, proc.stderr[-3000:]
