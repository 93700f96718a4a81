"""Signature completion (portalis/analysis/signatures.py): what the evidence leaves open in a
signature, completed from the bodies with the settled types, without lowering. Each test hands
the pass explicit open types, so it tests this pass alone (no cargo, milliseconds)."""

from __future__ import annotations

import textwrap

from portalis import typemap
from portalis.analysis import ModuleAnalysis
from portalis.analysis.signatures import complete_signatures
from portalis.model import PyType
from portalis.parse import parse_source, source_module_from_text, source_tree
from portalis.types import pytypes as T


def _complete(source: str, params: dict[str, dict[str, PyType]] | None = None, fields=None):
    source = textwrap.dedent(source)
    parsed = parse_source(source_module_from_text("sample", source), source)
    assert parsed.ok, parsed.diagnostics
    tree = source_tree(parsed.source)
    analysis = ModuleAnalysis(parsed, tree.module, tree.line, lambda text: None)
    params = params if params is not None else {}
    quals = set(analysis.units)
    returns = {q: T.UNKNOWN for q in quals}
    for q in quals:
        params.setdefault(q, {p: T.UNKNOWN for p in analysis.units[q].params})
    return complete_signatures(analysis, params, returns, fields or {})


def test_return_joins_the_typed_values_and_skips_not_implemented() -> None:
    done = _complete("""
        def f(x):
            if x:
                return NotImplemented
            return 1.5
        """, {"f": {"x": T.INT}})
    assert done.returns["f"] == T.FLOAT


def test_empty_list_is_completed_by_the_other_returns() -> None:
    done = _complete("""
        def f(n):
            if n == 0:
                return []
            return [n, n]
        """, {"f": {"n": T.INT}})
    assert done.returns["f"] == T.list_of(T.INT)


def test_returned_values_that_disagree_stay_open() -> None:
    done = _complete("""
        def f(n):
            if n < 0:
                return -1
            return str(n)
        """, {"f": {"n": T.INT}})
    assert "f" not in done.returns


def test_only_none_typed_is_not_a_return_type() -> None:
    # The other return's value is not typed: None alone would be a wrong guess.
    done = _complete("""
        def f(xs):
            if not xs:
                return None
            return g(xs)
        """)
    assert "f" not in done.returns


def test_self_is_the_methods_class() -> None:
    done = _complete("""
        class Stack:
            def __init__(self):
                self.items = []
            def __enter__(self):
                return self
        """)
    assert done.returns["Stack.__enter__"] == T.class_type("sample", "Stack")


def test_parameters_from_the_modules_calls_and_returns_in_rounds() -> None:
    # Round 1: `scale`'s k from the call; round 2: `twice` returns what `scale` returns.
    done = _complete("""
        def scale(k):
            return k * 0.5
        def twice():
            return scale(4) + scale(8)
        """)
    assert done.params["scale"]["k"] == T.INT
    assert done.returns["scale"] == T.FLOAT
    assert done.returns["twice"] == T.FLOAT
    assert done.rounds >= 2


def test_calls_that_pass_different_types_pin_nothing() -> None:
    done = _complete("""
        def show(v):
            return 1
        def main():
            show(1)
            show("a")
        """)
    assert "v" not in done.params.get("show", {})


def test_the_type_map_completes_a_simple_module() -> None:
    """The signatures the older inference by lowering gave here, from the analysis alone."""
    source = "def area(w, h=2):\n    return w * h\n\ndef main():\n    return area(3)\n"
    parsed = parse_source(source_module_from_text("sample", source), source)
    tm = typemap.build_type_map(parsed)
    out = [(s.name, [p.py_type for p in s.params], s.returns) for s in tm.functions]
    assert out == [("area", [T.INT, T.INT], T.INT), ("main", [], T.INT)]


def test_a_bare_none_inside_a_tuple_is_not_a_return_type() -> None:
    # `return None, None` typed, the other return not: the tuple's items are not known.
    done = _complete("""
        def f(s):
            if not s:
                return None, None
            return g(s)
        """)
    assert "f" not in done.returns


def test_a_generator_is_the_list_of_its_typed_yields() -> None:
    done = _complete("""
        def words(n):
            yield "x" * n
            yield from other(n)
            yield from ["a", "b"]
        """, {"words": {"n": T.INT}})
    assert done.returns["words"] == T.list_of(T.STR)


def test_the_type_map_never_loads_lowering() -> None:
    """The type map of a module with unannotated functions, a class and a computed constant is
    built without importing anything from portalis/lower/ (the older inference by lowering, the
    type map's fallback until 2026-12-07, is gone)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    code = (
        "import sys, portalis.typemap as t\n"
        "from portalis.parse import parse_source, source_module_from_text\n"
        "src = 'W = [w.upper() for w in [\"a\"]]\\nclass C:\\n    def __init__(self):\\n        self.n = 0\\n"
        "    def get(self):\\n        return self\\n\\ndef f(x, y=2):\\n    return g(x) * y\\n\\ndef g(a):\\n    return a + 1\\n'\n"
        "tm = t.build_type_map(parse_source(source_module_from_text('m', src), src))\n"
        "assert [str(s.returns) for s in tm.functions] == ['int', 'int'], tm.functions\n"
        "print(sorted(m for m in sys.modules if m.startswith('portalis.lower')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(repo)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_a_module_imported_in_the_body_is_a_module_there() -> None:
    # `import math` inside the function (HumanEval 133): `math.ceil` is math's, an int.
    done = _complete("""
        def sum_squares(lst):
            import math
            squared = 0
            for i in lst:
                squared += math.ceil(i) ** 2
            return squared
        """, {"sum_squares": {"lst": T.list_of(T.FLOAT)}})
    assert done.returns["sum_squares"] == T.INT


def test_filter_keeps_the_element_type_and_a_none_branch_is_optional() -> None:
    # HumanEval 136: `list(filter(...))` is a list of the elements; `x if c else None` is an
    # Optional by construction (not a read narrowing might decide).
    done = _complete("""
        def extremes(lst):
            smallest = list(filter(lambda x: x < 0, lst))
            largest = list(filter(lambda x: x > 0, lst))
            return (max(smallest) if smallest else None, min(largest) if largest else None)
        """, {"extremes": {"lst": T.list_of(T.INT)}})
    assert done.returns["extremes"] == T.tuple_of(T.optional(T.INT), T.optional(T.INT))


def test_a_hash_objects_hexdigest_is_a_str() -> None:
    done = _complete("""
        def md5(text):
            import hashlib
            return hashlib.md5(text.encode('ascii')).hexdigest() if text else None
        """, {"md5": {"text": T.STR}})
    assert done.returns["md5"] == T.optional(T.STR)


def test_computed_constants_are_typed_by_the_analysis() -> None:
    """The analysis types constants computed by an expression as the older inference did (a
    str concatenation, a set, a compiled pattern whose translation travels in its type), and
    leaves out what a static cannot hold or the rules cannot translate."""
    source = textwrap.dedent("""
        import re
        lower = 'abc'
        letters = lower + lower.upper()
        codes = set([1, 2] + list(range(5, 8)))
        WS = re.compile('^[ \\t]+$', re.MULTILINE)
        BACKREF = re.compile(r'(a)\\1')
        ATOMIC = re.compile(r'(?>a)')
        COND = re.compile(r'(a)?(?(1)b|c)')
        """)
    parsed = parse_source(source_module_from_text("sample", source), source)
    out = {"analysis": {c.name: (c.py_type, c.rust_type) for c in typemap.build_type_map(parsed).constants}}
    assert out["analysis"]["letters"] == (T.STR, "std::sync::LazyLock<String>")
    assert out["analysis"]["codes"][0] == T.set_of(T.INT)
    assert out["analysis"]["WS"][0].kind == "re_pattern" and out["analysis"]["WS"][0].name == "(?m)^[ \t]+$"
    # a back-reference and an atomic group are fancy-regex's; a conditional has no translation
    # (PTL243 where used)
    assert out["analysis"]["BACKREF"][1] == "std::sync::LazyLock<fancy_regex::Regex>"
    assert out["analysis"]["ATOMIC"][1] == "std::sync::LazyLock<fancy_regex::Regex>"
    assert "COND" not in out["analysis"]


def test_a_compiled_pattern_constant_types_its_subject_and_its_results() -> None:
    """textwrap.dedent's shape: a module's `re.compile` constant; what its methods search is a
    str (evidence for the parameter), `.sub` returns a str; a module function's result is typed
    through its method (`binascii.hexlify(s).upper()`), and `str.translate` is a str."""
    source = textwrap.dedent("""
        import re, binascii
        _ws = re.compile('^[ \\t]+$', re.MULTILINE)
        def dedent(text):
            text = _ws.sub('', text)
            return text
        def b16(s):
            return binascii.hexlify(s).upper()
        def munge(text, table):
            text = text.expandtabs(4)
            return text.translate(table)
        """)
    parsed = parse_source(source_module_from_text("sample", source), source)
    tm = typemap.build_type_map(parsed)
    sigs = {s.name: s for s in tm.functions}
    assert [p.py_type for p in sigs["dedent"].params] == [T.STR] and sigs["dedent"].returns == T.STR
    assert "compiled pattern" in sigs["dedent"].params[0].provenance[0].detail
    assert sigs["b16"].returns == T.BYTES
    assert sigs["munge"].returns == T.STR
