"""Generic functions (issue 11, item 4): values of a TypeVar, or unannotated values the body only
compares, hashes or copies, become a Rust type parameter `T` with the bounds the analysis finds
(portalis/analysis/generics.py -> FunctionFacts.generics); a use no trait expresses is PTL110
naming it. The harness instantiates a generic function at concrete types (int and str) to build
and run cases. Unit tests without cargo; one shared cargo build for the differential tests (the
standard library's own heapq functions among them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DiffRun, needs_cargo, run_differential, type_map_of
from portalis.model import FunctionSignature
from portalis.rust import ir
from portalis.rust.printer import print_item
from portalis.types import pytypes as T
from portalis.validate.cases import generated_cases
from portalis.validate.methods import instantiated

HEAPQ = Path(__import__("heapq").__file__).read_text(encoding="utf-8")
BISECT = Path(__import__("bisect").__file__).read_text(encoding="utf-8")

GENERIC_SRC = '''from typing import Callable, TypeVar

T = TypeVar("T")


def largest(xs: list[T]) -> T:
    best = xs[0]
    for x in xs:
        if x > best:
            best = x
    return best


def count_equal(xs, v):
    n = 0
    for x in xs:
        if x == v:
            n += 1
    return n


def dedupe(xs):
    seen = set()
    out = []
    for x in xs:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def lower_bound(a, x, lo=0, hi=-1):
    if lo < 0:
        raise ValueError('lo must be non-negative')
    if hi == -1:
        hi = len(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def insort(a, x):
    a.insert(lower_bound(a, x, 0, len(a)), x)


def pick(xs, v):
    for x in xs:
        if x.key == v:
            return v
    return v


def first_or(xs, default):
    for x in xs:
        return x
    return default
'''


def _sig(source: str, name: str) -> FunctionSignature:
    sig = type_map_of(source).function(name)
    assert sig is not None
    return sig


def _bounds(source: str, name: str) -> dict[str, tuple[str, ...]]:
    return _sig(source, name).facts.generics


# ---------------------------------------------------------------- the analysis: bounds as facts


def test_bounds_follow_the_body_uses() -> None:
    assert _bounds(GENERIC_SRC, "largest") == {"T": ("PartialOrd", "Clone")}  # a TypeVar annotation
    assert _bounds(GENERIC_SRC, "count_equal") == {"T": ("PartialEq", "Clone")}
    assert _bounds(GENERIC_SRC, "dedupe") == {"T": ("Eq", "std::hash::Hash", "Clone")}  # a set member
    sig = _sig(GENERIC_SRC, "dedupe")
    assert [str(p.py_type) for p in sig.params] == ["list[T]"] and sig.returns.kind == "list"
    assert not sig.diagnostics


def test_bounds_of_a_callee_are_the_callers() -> None:
    """insort compares nothing itself; bisect_left, which it passes its T values to, does."""
    assert _bounds(GENERIC_SRC, "insort") == {"T": ("PartialOrd", "Clone")}
    heapq = type_map_of(HEAPQ, "heapq_src")
    push = heapq.function("heappush")
    assert push is not None and push.facts.generics == {"T": ("PartialOrd", "Clone")} and not push.diagnostics
    assert [p.rust_type for p in push.params] == ["&mut Vec<T>", "T"]
    pop = heapq.function("heappop")
    assert pop is not None and pop.returns == T.typevar("T")


def test_any_is_the_type_parameter_and_isinstance_refuses_it() -> None:
    src = "from typing import Any\n\n\ndef last(xs: list[Any]) -> Any:\n    return xs[-1]\n\n\n" \
          "def ints(xs: list[Any]) -> list[int]:\n    return [x for x in xs if isinstance(x, int)]\n"
    last = _sig(src, "last")
    assert str(last.params[0].py_type) == "list[T]" and last.facts.generics == {"T": ("Clone",)} and not last.diagnostics
    assert any("not generic" in d.message and "isinstance" in d.message for d in _sig(src, "ints").diagnostics)


def test_a_use_no_trait_expresses_is_ptl110_naming_it() -> None:
    sig = _sig(GENERIC_SRC, "pick")
    assert not sig.facts.generics
    diags = [d for d in sig.diagnostics if d.code == "PTL110"]
    assert [d.message.split("`")[1] for d in diags] == ["xs", "v"]  # one per parameter, as before generics
    assert all("; not generic: `x.key == v`: compares a value of type unknown with one of type T" in d.message for d in diags)
    assert not sig.params  # left out of the stub, as before
    attr = _sig("def f(xs):\n    return len(xs) + xs.size\n", "f")
    assert any("not generic: `xs.size`: attribute `size` of a list[T]" in d.message for d in attr.diagnostics)


def test_parameters_the_evidence_types_keep_their_types() -> None:
    """Only what nothing typed becomes T: `lo=0` and `hi=-1` stay ints."""
    sig = _sig(GENERIC_SRC, "lower_bound")
    assert not sig.diagnostics and str(sig.params[0].py_type) == "list[T]"
    assert [p.name for p in sig.params if p.py_type.kind == "typevar"] == ["x"]


# ---------------------------------------------------------------- IR, printer, harness (no cargo)


def test_generic_params_print_with_their_bounds() -> None:
    fn = ir.Fn(name="f", params=(ir.Param("x", ir.TPath("T")),), ret=ir.TPath("T"), body=ir.Block(tail=ir.Path("x")),
               generics=(ir.GenericParam("T", ("PartialOrd", "Clone")), ir.GenericParam("U")))
    assert print_item(fn).startswith("pub fn f<T: PartialOrd + Clone, U>(x: T) -> T {")


def test_the_harness_instantiates_a_generic_function_at_int_and_str() -> None:
    sig = _sig(GENERIC_SRC, "count_equal")
    cases = generated_cases("sample", sig, {}, 10)
    assert not isinstance(cases, str)
    kinds = {type(c.args[1]).__name__ for c in cases}
    assert kinds == {"int", "str"}, kinds
    at_str = instantiated(sig, [["a"], "b"])
    assert [str(p.py_type) for p in at_str.params] == ["list[str]", "str"]
    at_default = instantiated(sig, [[], 3])
    assert [str(p.py_type) for p in at_default.params] == ["list[int]", "int"]


# ---------------------------------------------------------------- differential (one cargo build)

# The standard library's bisect (its key=None callables), called through wrappers: `key` is
# keyword-only, and the differential calls are positional.
CALLABLE_SRC = '''

def find(a, x):
    return bisect_right(a, x, 0, len(a))


def place(a, x):
    insort_left(a, x, 0, len(a))
    return a


def twice(v: int) -> int:
    return 2 * v


def apply_to(f: Callable[[int], int], x: int) -> int:
    return f(x)


def uses_apply(x: int) -> int:
    return apply_to(twice, x) + apply_to(lambda v: v - 1, x) + apply_to(abs, x)
'''

HEAP_SRC = (GENERIC_SRC + "\n\n" + HEAPQ.split("# If available, use C implementation")[0] + "\n\n"
            + BISECT.split("# Overwrite above definitions")[0] + CALLABLE_SRC)

CALLS = [
    "heappush([1, 3, 5], 2)", "heappush(['b', 'd'], 'a')", "heappush([], 7)",
    "heappop([1, 4, 2, 9])", "heappop(['a', 'c', 'b'])", "heappop([])",
    "heapify([5, 3, 8, 1, 9, 2])", "heapify(['q', 'a', 'z', 'b'])",
    "heapreplace([1, 5, 3], 4)", "heappushpop([2, 5, 3], 1)", "heappushpop(['b', 'x'], 'c')",
    "_heapify_max([1, 7, 3, 9])", "_heappop_max([9, 7, 3, 1])",
    "largest([3, 9, 2])", "largest(['pear', 'apple'])", "largest([])",
    "count_equal([1, 2, 1, 1], 1)", "count_equal(['a', 'b'], 'c')",
    "dedupe([3, 1, 3, 2, 1])", "dedupe(['x', 'y', 'x'])",
    "lower_bound([1, 2, 4, 4, 8], 4, 0, 5)", "lower_bound(['a', 'c', 'e'], 'd', 1, 3)", "lower_bound([1, 2], 3, -1, 2)",
    "insort([1, 3, 5], 4)", "insort(['a', 'c'], 'b')",
    "find([1, 2, 2, 5], 2)", "find(['a', 'm', 'z'], 'n')", "find([], 3)",
    "place([1, 2, 2, 5], 2)", "place(['b', 'd'], 'c')",
    "uses_apply(4)", "uses_apply(-3)",
]


@pytest.fixture(scope="module")
def generic_run(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(HEAP_SRC, CALLS, tmp_path_factory.mktemp("generics"), toolchain)


@needs_cargo
def test_generic_functions_translate(generic_run: DiffRun) -> None:
    module = generic_run.module_report()
    status = {f["name"]: f["status"] for f in module["functions"]}
    for name in ("heappush", "heappop", "heapify", "heapreplace", "heappushpop", "_siftdown", "_siftup",
                 "largest", "count_equal", "dedupe", "lower_bound", "insort",
                 "bisect_left", "bisect_right", "insort_left", "insort_right", "find", "place",
                 "apply_to", "uses_apply"):
        assert status[name] == "translated", (name, status[name], module["diagnostics"])
    rust = (generic_run.crate_dir / "src" / "sample.rs").read_text(encoding="utf-8")
    assert "pub fn heappush<T: PartialOrd + Clone>(heap: &mut Vec<T>, item: T)" in rust
    # iterated once, each kept item moved into `out`: the list is taken by value (consumed_params)
    assert "pub fn dedupe<T: Eq + std::hash::Hash + Clone>(xs: Vec<T>) -> Vec<T>" in rust


@needs_cargo
@pytest.mark.parametrize("call", CALLS)
def test_generic_differential(generic_run: DiffRun, call: str) -> None:
    generic_run.check(call)
