"""Call and binding forms, differential: `*args` parameters (called with extra positional
arguments, none, or `*xs`; keyword-only parameters after them), assignment expressions (`:=`
in conditions and comprehensions), `{**a, **b}` merges, a loop variable rebound in its body,
loop variables the body never reads, `[x] * n` of non-Copy items, starred unpacking
(`first, *rest = xs`), nested functions that rebind (`nonlocal`) or change in place a variable
of the enclosing function (passed as `&mut`, recursion included; a captured Optional tested
for None).

The harness calls functions with fixed parameters, which call the variadic ones.
"""

from __future__ import annotations

import pytest

from conftest import DiffRun, needs_cargo, run_differential

pytestmark = needs_cargo

SYNTAX_SRC = '''
from typing import Dict, List, Optional, Tuple


def total(*nums: int) -> int:
    return sum(nums)


def joined(sep: str, *parts: str, upper: bool = False) -> str:
    out = sep.join(parts)
    return out.upper() if upper else out


def largest(*xs):
    best = 0
    for x in xs:
        best = max(best, x)
    return best


def use_variadic(xs: List[int]) -> List[str]:
    return [str(total()), str(total(1, 2, 3)), str(total(*xs)), joined("-", "a", "b"),
            joined("+", "x", upper=True), joined(", "), str(largest(4, 9, 2))]


def long_lengths(words: List[str]) -> List[int]:
    return [n for w in words if (n := len(w)) > 2]


def first_long(words: List[str], k: int) -> str:
    for w in words:
        if (m := len(w)) >= k:
            return f"{w}:{m}"
    return "-"


def merged(a: Dict[str, int], b: Dict[str, int]) -> Dict[str, int]:
    both = {**a, "z": 0, **b}
    return {k: v for k, v in both.items() if v >= 0}


def cleaned(text: str) -> List[str]:
    out = []
    for w in text.split():
        w = w.strip(".,!?").lower()
        if w:
            out.append(w)
    return out


def keys_only(d: Dict[str, int]) -> List[str]:
    names = []
    for k, v in d.items():
        names.append(k)
    for i in range(2):
        names.append("!")
    return names


def split_once(s: str) -> Tuple[str, str]:
    head, *rest = s.split(":", 1)
    return head, rest[0] if rest else ""


def ends(xs: List[int]) -> List[int]:
    first, *middle, last = xs
    return [first, last, len(middle)] + middle


def chars(s: str) -> str:
    *init, tail = s
    return tail + "".join(init)


def safe_ends(xs: List[int]) -> int:
    try:
        a, b, *_ = xs
        return a + b
    except ValueError:
        return -1


def counter_closure(xs: List[int]) -> int:
    count = 0

    def bump(x: int) -> None:
        nonlocal count
        count += x

    for x in xs:
        bump(x)
    return count


def collect_leaves(tree: Dict[str, List[str]], root: str) -> List[str]:
    result = []

    def dfs(node: str) -> None:
        children = tree.get(node, [])
        if not children:
            result.append(node)
        for c in children:
            dfs(c)

    dfs(root)
    return result


def running_label(words: List[str]) -> str:
    label = ""
    best = 0

    def visit(w: str) -> None:
        nonlocal label, best
        if len(w) > best:
            best = len(w)
            label = w.upper()

    for w in words:
        visit(w)
    return f"{label}:{best}"


def pair_sums(xs: List[int]) -> int:
    # `if last is not None` on a captured Optional: `if let Some(last) = *last` (the pattern
    # binds a new name; it was `Some(*last)`, which rustfmt rejects)
    last: Optional[int] = None
    total = 0

    def see(x: int) -> None:
        nonlocal last, total
        if last is not None:
            total += last * x
        last = x

    for x in xs:
        see(x)
    return total


def short_circuit(xs: List[int]) -> List[bool]:
    # any()/all() stop at the deciding item: 10 // 0 is never computed for [1, 0].
    return [any(10 // x > 2 for x in xs), all(10 // x > 20 for x in xs), all(a <= b for a, b in zip(xs, xs[1:]))]


def grid(n: int, fill: str) -> List[List[str]]:
    rows = [[fill] * n for _ in range(n)]
    rows[0][0] = "x"
    return rows + [["a", "b"] * 2]
'''

CALLS = [
    "use_variadic([5, 6])", "use_variadic([])", "long_lengths(['a', 'abc', 'hello', 'no'])",
    "first_long(['ab', 'abcd', 'xyzzy'], 4)", "first_long(['a'], 3)",
    "merged({'a': 1, 'z': 5}, {'b': -1, 'c': 3})", "merged({}, {})", "cleaned('Hello, World! ... ok.')",
    "keys_only({'p': 1, 'q': 2})", "grid(2, '.')", "grid(0, '.')", "split_once('a:b:c')", "split_once('abc')",
    "ends([1, 2, 3, 4])", "ends([1, 2])", "chars('xyz')", "safe_ends([1, 2, 3])", "safe_ends([1])",
    "counter_closure([1, 2, 3])", "collect_leaves({'r': ['a', 'b'], 'a': ['c', 'd']}, 'r')",
    "collect_leaves({}, 'x')", "running_label(['hi', 'hello', 'yo'])", "running_label([])",
    "pair_sums([2, 3, 4])", "pair_sums([])",
    "short_circuit([1, 0])", "short_circuit([5, 6])",
]


@pytest.fixture(scope="module")
def syntax(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(SYNTAX_SRC, CALLS, tmp_path_factory.mktemp("syntax"), toolchain)


def test_syntax_module_translates_completely(syntax: DiffRun) -> None:
    module = syntax.module_report()
    bad = {f["name"]: f["status"] for f in module["functions"] if f["status"] != "translated"}
    assert not bad, (bad, module["diagnostics"])
    total = syntax.type_maps["sample"].function("total")
    assert total.params[0].variadic and total.params[0].rust_type == "&[i64]"


@pytest.mark.parametrize("call", CALLS)
def test_syntax(syntax: DiffRun, call: str) -> None:
    syntax.check(call)


def test_unread_loop_variables_are_underscored(syntax: DiffRun) -> None:
    """Python does not mind an unused loop variable; rustc warns unless it starts with `_`."""
    code = (syntax.crate_dir / "src" / "sample.rs").read_text()
    assert "for (k, _v) in" in code
