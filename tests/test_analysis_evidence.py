"""Types from evidence (portalis/analysis): each source of evidence on its own, conflicting
evidence, provenance on the type map, golden facts files (no cargo), and differential tests of
unannotated functions that only the evidence types (translated, compiled, run against CPython).

Regenerate the golden files after an intended change:

    PORTALIS_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_analysis_evidence.py -k golden
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, DiffRun, needs_cargo, run_differential, type_map_of
from portalis.analysis import ModuleEvidence, evidence_for
from portalis.analysis.provenance import explain, find_signature, signature_summary
from portalis.interface import interface_hash
from portalis.model import (
    FunctionReport, FunctionStatus, ModuleTypeMap, ModuleValidation, TypedParam, TypeOrigin,
)
from portalis.parse import parse_source, source_module_from_text
from portalis.pipeline import module_report

GOLDEN = Path(__file__).parent / "golden" / "analysis"
REGEN = os.environ.get("PORTALIS_REGEN_GOLDEN") == "1"


def evidence(source: str, module: str = "sample") -> ModuleEvidence:
    parsed = parse_source(source_module_from_text(module, source), source)
    assert parsed.ok, parsed.diagnostics
    return evidence_for(parsed)


def param(source: str, function: str, name: str):
    return evidence(source).function(function).params[name]


def shown(ev) -> str:
    """`int (default: = 0 at line 1)` for a TypeEvidence (or `?` when nothing pinned it)."""
    return explain(ev.type, ev.provenance) if ev.type is not None else "?"


# ---------------------------------------------------------------- each source on its own


def test_defaults_pin_types_and_none_makes_optional() -> None:
    ev = evidence("def f(n=0, name='x', xs=[], flag=True, hi=None):\n    if hi is None:\n        hi = n + 1\n    return hi\n")
    params = ev.function("f").params
    assert shown(params["n"]) == "int (default: = 0 at line 1)"
    assert str(params["name"].type) == "str" and str(params["flag"].type) == "bool"
    assert str(params["xs"].type) == "list[unknown]"  # partial: lowering completes it
    # `if hi is None: hi = n + 1`: what replaces the None is what it holds otherwise
    assert str(params["hi"].type) == "Optional[int]"
    assert {o.source for o in params["hi"].provenance} == {"default", "assignment"}


@pytest.mark.parametrize(
    "body, expected, source",
    [
        ("    x.append(1)\n", "list[int]", "use: .append() at line 2"),
        ("    return x.split()\n", "str", "use: .split() at line 2"),
        ("    for k, v in x.items():\n        pass\n", "dict[unknown, unknown]", "use: .items() at line 2"),
        ("    x.add(2.5)\n", "set[float]", "use: .add() at line 2"),
        ("    return x - 1\n", "int", "use: x - 1 at line 2"),
        ("    return '-' * x\n", "int", "use: '-' * x at line 2"),
        ("    return x == 'a'\n", "str", "use: x == 'a' at line 2"),
        ("    return x in ('R', 'AL')\n", "str", "use: x in ('R', 'AL') at line 2"),
        ("    return ord(x)\n", "str", "use: ord() at line 2"),
        ("    return range(x)\n", "int", "use: range() at line 2"),
        ("    return 'abc'[x]\n", "int", "use: 'abc'[x] at line 2"),
        ("    return [1, 2][:x]\n", "int", "use: [1, 2][:x] at line 2"),
        ("    return x['key']\n", "dict[str, unknown]", "use: x['key'] at line 2"),
        ("    return 'a b'.split(x)\n", "str", "use: .split() of a str at line 2"),
        ("    total = 0\n    for v in x:\n        total += v - 1\n    return total + len(x)\n", "list[int]", "use: for v in x at line 3"),
    ],
)
def test_each_kind_of_use(body: str, expected: str, source: str) -> None:
    ev = param(f"def f(x):\n{body}", "f", "x")
    assert str(ev.type) == expected, ev
    assert source in [str(o) for o in ev.provenance], ev.provenance


def test_passed_to_a_function_whose_parameter_type_is_known() -> None:
    ev = evidence("def g(n: int) -> int:\n    return n\n\n\ndef f(a):\n    return g(a)\n")
    a = ev.function("f").params["a"]
    assert shown(a) == "int (use: passed to g() as `n` at line 6)"


def test_a_number_used_with_floats_is_a_float_only_weakly() -> None:
    ev = evidence("def f(r, g):\n    m = max(r, g)\n    return (m - r) / (m + 0.5)\n")
    r = ev.function("f").params["r"]
    assert str(r.type) == "float" and r.weak  # the type map takes it only where lowering found nothing
    strong = param("def f(n):\n    return n ** 0.5 + n % 2\n", "f", "n")
    assert str(strong.type) == "int" and not strong.weak  # `n % 2` says int; `** 0.5` works on ints


def test_returned_expressions() -> None:
    ev = evidence(
        "def lit():\n    return 'a'\n\n\n"
        "def local(n: int):\n    out = []\n    for i in range(n):\n        out.append(i * 2.5)\n    return out\n\n\n"
        "def op(a: int, b: int):\n    return a // b, a / b\n\n\n"
        "def maybe(n: int):\n    if n > 0:\n        return n\n\n\n"
        "def mixed(n: int):\n    if n:\n        return 1\n    return 0.5\n"
    )
    assert shown(ev.function("lit").returns) == "str (return: return 'a' at line 2)"
    assert str(ev.function("local").returns.type) == "list[float]"  # `[]` then floats appended
    assert str(ev.function("op").returns.type) == "tuple[int, float]"
    assert str(ev.function("maybe").returns.type) == "Optional[int]"  # the end is reachable
    assert str(ev.function("mixed").returns.type) == "num"  # Python keeps 1 and 0.5 apart


def test_call_sites_to_a_fixed_point() -> None:
    ev = evidence(
        "def inner(c):\n    return c\n\n\n"
        "def middle(b):\n    return inner(b)\n\n\n"
        "def outer():\n    return middle(2.5) + middle(1)\n"
    )
    b = ev.function("middle").params["b"]
    assert str(b.type) == "float"  # 2.5 and 1: a float parameter takes both
    c = ev.function("inner").params["c"]
    assert str(c.type) == "float" and "inner(b) in middle" in str(c.provenance[0])  # one round later
    assert str(ev.function("inner").returns.type) == "float"
    assert ev.rounds >= 3


def test_rounds_reuse_only_scopes_whose_inputs_did_not_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """A round computes again only the scopes whose inputs (parameter types, returns, attribute
    types) changed; the evidence is the same as with every scope computed every round."""
    from portalis.analysis.evidence import ModuleAnalysis, _ModuleContext

    source = (
        "def inner(c):\n    total = c\n    return total\n\n\n"
        "def middle(b):\n    x = inner(b)\n    return x\n\n\n"
        "def outer():\n    return middle(2.5) + middle(1)\n\n\n"
        "class Box:\n    def __init__(self, v):\n        self.v = v\n\n    def get(self):\n        y = self.v\n        return y\n\n\n"
        "def make():\n    return Box(3).get()\n\n\n"
        "def alone(n=0):\n    k = n + 1\n    return k\n"
    )
    computed: list[str] = []
    real_scope = _ModuleContext.scope

    def counting(self, u):  # noqa: ANN001
        computed.append(u.qualname)
        return real_scope(self, u)

    monkeypatch.setattr(_ModuleContext, "scope", counting)
    reused = evidence(source)
    with_reuse = len(computed)
    computed.clear()
    monkeypatch.setattr(ModuleAnalysis, "_reusable_scopes", lambda self, inputs: {})
    fresh = evidence(source)
    assert reused.model_dump() == fresh.model_dump()
    assert reused.rounds >= 3
    # `alone` has the same inputs from the first round on: computed once, not once a round
    assert computed.count("alone") == fresh.rounds and with_reuse < len(computed)


def test_docstring_examples() -> None:
    ev = evidence('def f(xs):\n    """\n    >>> f([1, 2])\n    3\n    """\n    return sum(xs)\n')
    xs = ev.function("f").params["xs"]
    assert shown(xs) == "list[int] (docstring: example call at line 1)"


def test_methods_attributes_and_self_calls() -> None:
    ev = evidence(
        "class Acc:\n    def __init__(self, start=0):\n        self.total = start\n\n"
        "    def add(self, n):\n        self.total += n\n        return self.double()\n\n"
        "    def double(self):\n        return self.total * 2\n"
    )
    assert str(ev.fields["Acc"]["total"].type) == "int"
    assert str(ev.function("Acc.double").returns.type) == "int"
    assert str(ev.function("Acc.add").returns.type) == "int"  # through self.double()


def test_attribute_uses_in_other_methods_pin_the_stored_parameter() -> None:
    # textwrap.TextWrapper's shape: `max_lines=None` stored on self, compared with ints elsewhere
    src = (
        "class Wrapper:\n    def __init__(self, width=70, max_lines=None, label=None):\n"
        "        self.width = width\n        self.max_lines = max_lines\n        self.label = label\n\n"
        "    def lines(self, n):\n        if self.max_lines is not None and n > self.max_lines - 1:\n"
        "            return self.width\n        return n\n"
    )
    ev = evidence(src)
    params = ev.function("Wrapper.__init__").params
    assert str(params["max_lines"].type) == "Optional[int]"
    assert any("self.max_lines - 1" in (o.detail or "") for o in params["max_lines"].provenance)
    assert params["label"].type is None  # nothing tells what `label` holds: PTL110 stays
    assert str(ev.fields["Wrapper"]["max_lines"].type) == "Optional[int]"
    # string.Template's shape: a str method called on the attribute in another method
    tmpl = evidence("class T:\n    def __init__(self, template):\n        self.template = template\n\n"
                    "    def lines(self):\n        return self.template.splitlines(keepends=True)\n")
    assert shown(tmpl.function("T.__init__").params["template"]) == "str (use: .splitlines() at line 6)"
    # ... or on a slice of it (a slice of a str is a str)
    sliced = evidence("class T:\n    def __init__(self, template):\n        self.template = template\n\n"
                      "    def head(self, i):\n        return self.template[:i].splitlines()\n\n\ndef f(s):\n    return s[1:].upper()\n")
    assert str(sliced.function("T.__init__").params["template"].type) == "str"
    assert str(sliced.function("f").params["s"].type) == "str"
    # a use saying str against a default saying int: conflicting evidence, both named
    bad = evidence("class C:\n    def __init__(self, n=0):\n        self.n = n\n\n    def m(self):\n        return self.n == 'a'\n")
    n = bad.function("C.__init__").params["n"]
    assert n.type is None and "default" in n.conflict and "self.n == 'a'" in n.conflict
    # rebound before it is stored: the attribute's uses say nothing about the argument
    rebound = evidence("class C:\n    def __init__(self, n):\n        n = str(n)\n        self.n = n\n\n    def m(self):\n        return self.n + 1\n")
    assert rebound.function("C.__init__").params["n"].type is None


def test_yield_from_gives_the_elements_of_what_it_delegates_to() -> None:
    # calendar.Calendar.itermonthdays' shape: `yield from repeat(0, n)` and `yield from range(...)`
    ev = evidence(
        "from itertools import repeat\n\n\ndef days(before, n):\n    yield from repeat(0, before)\n"
        "    yield from range(1, n + 1)\n\n\ndef pairs(n):\n    for i, d in enumerate(days(0, n)):\n        yield d, i % 7\n\n\n"
        "def words(text):\n    yield from text.split()\n    yield 1\n"
    )
    days = ev.function("days").returns
    assert str(days.type) == "list[int]"
    assert any(o.detail == "yield from repeat(0, before)" for o in days.provenance)
    assert str(ev.function("pairs").returns.type) == "list[tuple[int, int]]"  # through days()
    assert ev.function("words").returns.type is None  # str and int elements: not one type
    # an untyped delegate leaves it open, saying which
    open_ = evidence("def f(xs):\n    yield from xs\n").function("f").returns
    assert open_.type is None and "yield from xs" in open_.tried


def test_methods_of_standard_library_objects() -> None:
    # calendar.weekday's shape: the result of a method of an object datetime makes
    ev = evidence("import datetime\n\n\ndef weekday(y, m, d):\n    return datetime.date(y, m, d).weekday()\n\n\n"
                  "def other(d):\n    return datetime.date(2000, 1, 1).timetuple()\n\n\n"
                  "def moved(d):\n    return datetime.date(2000, 1, 1).replace(day=d)\n")
    assert str(ev.function("weekday").returns.type) == "int"
    assert ev.function("other").returns.type is None  # a method the table does not know
    assert str(ev.function("moved").returns.type) == "date"  # replace() gives the same type


def test_passed_to_an_inherited_method() -> None:
    # calendar.TextCalendar.formatmonth's shape: `theyear` passed to a method of the base class
    ev = evidence("class Base:\n    def days(self, year):\n        return year % 4\n\n\n"
                  "class Text(Base):\n    def month(self, theyear):\n        return self.days(theyear)\n")
    assert shown(ev.function("Text.month").params["theyear"]) == "int (use: passed to self.days() as `year` at line 8)"


# ---------------------------------------------------------------- conflicts and what was tried


def test_conflicting_evidence_names_both_observations() -> None:
    ev = param("def f(x=''):\n    return x - 1\n", "f", "x")
    assert ev.type is None
    assert ev.conflict == "str (default: = '' at line 1) and int (use: x - 1 at line 2)"
    tm = type_map_of("def f(x=''):\n    return x - 1\n")
    (diag,) = [d for d in tm.function("f").diagnostics if d.code == "PTL170"]
    assert "conflicting evidence" in diag.message and "default" in diag.message and "x - 1" in diag.message


def test_a_rebinding_to_another_type_is_not_a_conflict() -> None:
    ev = param("def f(n):\n    n = str(n)\n    return n.upper()\n", "f", "n")
    assert ev.conflict is None and ev.type is None  # the uses are the str's, not the argument's


def test_unpinned_parameters_keep_ptl110_with_what_was_tried() -> None:
    # (`xs.size`: a use no trait expresses, so not a generic `list[T]` either; tests/test_generics.py)
    tm = type_map_of("def f(xs):\n    return len(xs) + xs.size\n")
    (diag,) = [d for d in tm.function("f").diagnostics if d.code == "PTL110" and "`xs`" in d.message]
    assert "none could be inferred" in diag.message and "sized (use: len() at line 2)" in diag.message


# ---------------------------------------------------------------- provenance on the type map


def test_provenance_is_recorded_on_the_signature() -> None:
    tm = type_map_of("def f(a: int, b=2.0, c=None):\n    if c is None:\n        c = 'x'\n    return c * a\n")
    sig = tm.function("f")
    prov = {p.name: [o.source for o in p.provenance] for p in sig.params}
    assert prov == {"a": ["annotation"], "b": ["default"], "c": ["assignment", "default"]} or prov["c"][0] in ("default", "assignment")
    assert sig.returns_provenance and sig.returns_provenance[0].source in ("return", "body")
    summary = signature_summary(sig)
    assert summary["params"][0] == {"name": "a", "type": "int", "rust": "i64", "provenance": ["annotation: int at line 1"]}


def test_lowering_learnt_types_say_so() -> None:
    tm = type_map_of("def f(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total\n\n\ndef g() -> int:\n    return f([1, 2])\n")
    sig = tm.function("f")
    assert sig.typed
    assert [o.source for o in sig.params[0].provenance] in (["call"], ["body"])


def test_stored_rows_without_provenance_still_load() -> None:
    old = {"name": "x", "py_type": {"kind": "int"}, "rust_type": "i64"}
    assert TypedParam.model_validate(old).provenance == []
    tm = ModuleTypeMap.model_validate_json(json.dumps({
        "module": "m", "functions": [{"name": "f", "qualname": "f", "params": [old], "returns": {"kind": "int"},
                                      "rust_returns": "i64", "line": 1}],
    }))
    assert tm.function("f").returns_provenance == []


def test_provenance_is_not_part_of_the_interface() -> None:
    tm = type_map_of("def f(n=0):\n    return n + 1\n")
    moved = tm.model_copy(deep=True)
    moved.functions[0].params[0].provenance = [TypeOrigin(source="default", line=40, detail="= 0")]
    assert interface_hash(tm) == interface_hash(moved)


def test_the_report_json_has_each_signature_with_provenance() -> None:
    tm = type_map_of("def f(s):\n    return s.upper()\n")
    validation = ModuleValidation(module="sample", compiles=True, functions=[
        FunctionReport(name="f", qualname="f", status=FunctionStatus.TRANSLATED)])
    entry = module_report(None, None, validation, "sample", "sample.py", tm)["functions"][0]
    assert entry["signature"]["params"] == [{"name": "s", "type": "str", "rust": "&str", "provenance": ["use: .upper() at line 2"]}]
    assert entry["signature"]["returns"]["type"] == "str"
    assert find_signature(tm, "f") is tm.function("f")


def test_the_ui_metadata_shows_provenance() -> None:
    from portalis_assets.metadata import signatures_table

    tm = type_map_of("def f(n=0):\n    return n + 1\n\n\nclass C:\n    def m(self, s):\n        return s.strip()\n")
    rows = {(r.data["function"], r.data["parameter"]): r.data for r in signatures_table(tm).value.records}
    assert rows[("f", "n")]["rust_type"] == "i64" and rows[("f", "n")]["provenance"] == "int (default: = 0 at line 1)"
    assert rows[("C.m", "s")]["provenance"] == "str (use: .strip() at line 7)"


def test_analysis_never_imports_lowering() -> None:
    imports = re.compile(r"^\s*(from\s+portalis(\.lower\b|\s+import\s+.*\blower\b)|import\s+portalis\.lower\b)", re.M)
    for path in (REPO / "portalis" / "analysis").glob("*.py"):
        assert not imports.findall(path.read_text(encoding="utf-8")), path
    code = "import sys, portalis.analysis; print(sorted(m for m in sys.modules if m.startswith('portalis.lower')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.stdout.strip() == "[]"
    # The neutral modules both sides read (walker, syntactic scan, exceptions, class interfaces,
    # the regex translation, computed constants' types, the Unsupported exception).
    for name in ("cst_walk", "cst_scan", "exception_facts", "class_interfaces", "regex_syntax", "constant_facts", "unsupported"):
        assert not imports.findall((REPO / "portalis" / f"{name}.py").read_text(encoding="utf-8")), name


def test_the_type_map_never_imports_lowering() -> None:
    """typemap.py does not use portalis.lower at all (the older inference by lowering bodies,
    its last use, is gone), at import time or inside a function."""
    text = (REPO / "portalis" / "typemap.py").read_text(encoding="utf-8")
    assert not re.findall(r"^\s*(from|import) portalis\.lower", text, re.M)
    code = "import sys, portalis.typemap; print(sorted(m for m in sys.modules if m.startswith('portalis.lower')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------- golden facts files


def _compact(ev: ModuleEvidence) -> dict:
    def one(t) -> dict:
        out: dict = {"type": str(t.type) if t.type is not None else None, "provenance": [str(o) for o in t.provenance]}
        if t.weak:
            out["weak"] = True
        if t.conflict:
            out["conflict"] = t.conflict
        if t.type is None and t.tried:
            out["tried"] = t.tried
        return out

    return {
        "functions": {q: {"params": {p: one(e) for p, e in f.params.items()}, "returns": one(f.returns)} for q, f in ev.functions.items()},
        "fields": {c: {a: one(e) for a, e in attrs.items()} for c, attrs in ev.fields.items()},
    }


@pytest.mark.parametrize("name", sorted(p.stem for p in GOLDEN.glob("*.py")))
def test_golden_facts(name: str) -> None:
    source = (GOLDEN / f"{name}.py").read_text(encoding="utf-8")
    got = _compact(evidence(source, name))
    expected_path = GOLDEN / f"{name}.json"
    if REGEN or not expected_path.exists():
        expected_path.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        if not REGEN:
            pytest.fail(f"{expected_path.name} was missing: written, check it and commit it")
    assert got == json.loads(expected_path.read_text(encoding="utf-8")), f"regenerate with PORTALIS_REGEN_GOLDEN=1 if intended"


def _compact_local_facts(tm: ModuleTypeMap) -> dict:
    sigs = list(tm.functions) + [m for c in tm.classes for m in c.methods]
    return {s.qualname: {"locals": {n: str(t) for n, t in s.facts.locals.items()},
                         "widened": {n: str(t) for n, t in s.facts.widened.items()},
                         "rebound": {n: [str(t) for t in ts] for n, ts in s.facts.rebound.items()},
                         "nested": {n: [[str(t) for t in f.params], str(f.returns)] for n, f in s.facts.nested.items()}} for s in sigs}


@pytest.mark.parametrize("name", sorted(p.stem for p in (GOLDEN / "facts").glob("*.py")))
def test_golden_local_facts(name: str) -> None:
    """The local-types pass' facts (type map, no lowering, no cargo) against facts/NAME.json."""
    source = (GOLDEN / "facts" / f"{name}.py").read_text(encoding="utf-8")
    got = _compact_local_facts(type_map_of(source, name))
    expected_path = GOLDEN / "facts" / f"{name}.json"
    if REGEN or not expected_path.exists():
        expected_path.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        if not REGEN:
            pytest.fail(f"{expected_path.name} was missing: written, check it and commit it")
    assert got == json.loads(expected_path.read_text(encoding="utf-8")), "regenerate with PORTALIS_REGEN_GOLDEN=1 if intended"


# ---------------------------------------------------------------- differential (cargo)

# Every function here was PTL110 (or wrongly typed) before the evidence pass.
EVIDENCE_SRC = '''
def spread(r, g, b):
    hi = max(r, g, b)
    lo = min(r, g, b)
    return (hi - r) / (hi - lo + 1.0)


def pad(width):
    return " " * width + "|"


def gap(a, b):
    return ord(b) - ord(a)


def first_field(line, sep=None):
    if sep is None:
        sep = ","
    return line.split(sep)[0]


def mean(xs):
    total = 0.0
    for x in xs:
        total = total + x
    return total / len(xs)


def weighted(values, weight):
    return sum(values) * weight + 0.5


def uses_weighted() -> float:
    return weighted([1.0, 2.0], 0.25)
'''

EVIDENCE_CALLS = [
    "spread(0.2, 0.4, 0.6)", "spread(1.0, 1.0, 1.0)", "spread(3, 1, 2)", "pad(0)", "pad(3)",
    "gap('a', 'd')", "gap('z', 'a')", "first_field('a,b', None)", "first_field('a;b', ';')", "first_field('', None)",
    "mean([1.0, 2.0, 4.5])", "mean([3.0])", "weighted([1.0, 2.0, 3.5], 2.0)", "uses_weighted()",
]


@pytest.fixture(scope="module")
def evidence_run(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(EVIDENCE_SRC, EVIDENCE_CALLS, tmp_path_factory.mktemp("evidence"), toolchain)


@needs_cargo
def test_evidence_module_translates_completely(evidence_run: DiffRun) -> None:
    module = evidence_run.module_report()
    bad = {f["name"]: f["status"] for f in module["functions"] if f["status"] != "translated"}
    assert not bad, (bad, module["diagnostics"])


@needs_cargo
@pytest.mark.parametrize("call", EVIDENCE_CALLS)
def test_evidence_differential(evidence_run: DiffRun, call: str) -> None:
    evidence_run.check(call)


# ---------------------------------------------------------------- local types (facts lowering starts from)


def _facts(source: str, qualname: str) -> dict[str, str]:
    tm = type_map_of(source)
    sig = find_signature(tm, qualname)
    assert sig is not None
    return {n: str(t) for n, t in sig.facts.locals.items()}


def test_local_types_are_the_join_of_what_is_bound() -> None:
    source = (
        "def f(n: int, xs: list[float]) -> float:\n"
        "    total = 0\n"
        "    total = total + n / 2\n"
        "    out = []\n"
        "    for x in xs:\n"
        "        out.append(x * 2)\n"
        "    a, b = 'k', n\n"
        "    seen = {}\n"
        "    seen[a] = b\n"
        "    return total\n"
    )
    facts = _facts(source, "f")
    # int widened to float by a later assignment; [] filled by append; unpacking; a dict filled
    assert facts == {"a": "str", "b": "int", "out": "list[float]", "seen": "dict[str, int]", "total": "float", "x": "float"}


def test_local_types_use_a_completed_annotation_and_int_powers() -> None:
    """`l: list` completed to list[int] by the docstring example is what the locals are computed
    from (they were left to lowering, which re-lowered to learn them); an int to a literal power
    is an int."""
    source = (
        "def f(l: list):\n"
        '    """\n'
        "    >>> f([3, 1, 2])\n"
        "    [1, 9]\n"
        '    """\n'
        "    evens = l[::2]\n"
        "    out = []\n"
        "    for e in evens:\n"
        "        out.append(e ** 2)\n"
        "    return out\n"
    )
    facts = _facts(source, "f")
    assert facts == {"e": "int", "evens": "list[int]", "out": "list[int]"}


def test_local_types_follow_none_checks_and_leave_the_rest_to_lowering() -> None:
    """Flow-sensitive where an Optional local is narrowed (narrowing.py): after `if best is None:
    best = n` it holds an int, so `result` is a list of ints; appended as it is before the check
    in a loop (where it may still be None), the list's elements are Optional (lowering no longer
    learns it: no `Retry`)."""
    source = (
        "def g(numbers: list[int]) -> list[int]:\n"
        "    best = None\n"
        "    result = []\n"
        "    for n in numbers:\n"
        "        if best is None:\n"
        "            best = n\n"
        "        else:\n"
        "            best = max(best, n)\n"
        "        result.append(best)\n"
        "    return result\n"
        "\n"
        "def h(numbers: list[int]):\n"
        "    prev = None\n"
        "    pairs = []\n"
        "    for n in numbers:\n"
        "        pairs.append(prev)\n"
        "        prev = n\n"
        "    return pairs\n"
        "\n"
        "def k(numbers: list[int]):\n"
        "    last = None\n"
        "    out = []\n"
        "    for n in numbers:\n"
        "        if last is not None:\n"
        "            out.append(last + n)\n"
        "        last = n\n"
        "    return out\n"
    )
    facts = _facts(source, "g")
    assert facts["result"] == "list[int]" and facts["n"] == "int"
    assert facts["best"] == "Optional[int]"  # its own None joined with what replaces it
    assert "numbers" not in facts  # parameters are the signature's
    assert _facts(source, "h")["pairs"] == "list[Optional[int]]"  # `prev` may be None where it is appended: so may its elements
    assert _facts(source, "k")["out"] == "list[int]"  # `is not None` narrows its branch


def test_local_types_of_methods_use_the_fields_and_are_not_interface() -> None:
    source = (
        "class Acc:\n"
        "    def __init__(self) -> None:\n"
        "        self.items: list[str] = []\n"
        "    def joined(self) -> str:\n"
        "        parts = [s.upper() for s in self.items]\n"
        "        first = self.items[0]\n"
        "        return first + ','.join(parts)\n"
    )
    assert _facts(source, "Acc.joined") == {"first": "str", "parts": "list[str]", "s": "str"}
    tm = type_map_of(source)
    bare = tm.model_copy(deep=True)
    for c in bare.classes:
        c.methods = [m.model_copy(update={"facts": type(m.facts)()}) for m in c.methods]
    assert interface_hash(bare) == interface_hash(tm)  # a body's locals are no caller's business


def test_lowering_starts_from_the_analysis_locals(monkeypatch) -> None:
    """Lowering reads the facts stored on the signature (no cache keyed by node ids): with them
    the function is lowered once; a type map that says nothing about the locals does not make
    lowering learn `total`'s type and lower again: the function is refused (PTL112 naming
    `total`, int where a later assignment needs float)."""
    from portalis.lower import function as lowering
    from portalis.lower.module import lower_module

    source = (
        "def f(xs: list[int]) -> float:\n"
        "    total = 0\n"
        "    for x in xs:\n"
        "        total = total + x / 2\n"
        "    return total\n"
    )
    parsed = parse_source(source_module_from_text("sample", source), source)
    tm = type_map_of(source)
    assert str(tm.functions[0].facts.locals["total"]) == "float"
    bare = tm.model_copy(update={"functions": [s.model_copy(update={"facts": type(s.facts)()}) for s in tm.functions]})
    passes: list[str] = []
    original = lowering.FunctionLowerer.lower

    def counted(self):
        passes.append(self.node.name.value)
        return original(self)

    monkeypatch.setattr(lowering.FunctionLowerer, "lower", counted)
    with_facts = lower_module(parsed, tm, {"sample": tm}, None)
    assert passes == ["f"]
    passes.clear()
    without = lower_module(parsed, bare, {"sample": bare}, None)
    assert passes == ["f"]  # one pass, no Retry
    assert "let mut total = 0.0;" in with_facts.items[0].code
    refused = [d for d in without.diagnostics if d.code == "PTL112"]
    assert len(refused) == 1 and refused[0].function == "f" and refused[0].line == 4
    assert "`total`" in refused[0].message and "int" in refused[0].message and "float" in refused[0].message


def test_bindings_facts_make_lowering_single_pass(monkeypatch) -> None:
    """The golden bindings module (a local rebound to another type, a widened parameter,
    `tuple(sorted([a, b]))`, `add = out.append`, a nested function called from a comprehension
    and passed as `key=`): with the analysis' facts every function is lowered once; without
    them they are lowered once too, and the functions whose locals lowering used to learn by
    lowering again (`Retry`, deleted) are refused, naming the local."""
    from portalis.lower import function as lowering
    from portalis.lower.module import lower_module

    source = (GOLDEN / "facts" / "bindings.py").read_text(encoding="utf-8")
    parsed = parse_source(source_module_from_text("bindings", source), source)
    tm = type_map_of(source, "bindings")
    bare = tm.model_copy(update={"functions": [s.model_copy(update={"facts": type(s.facts)()}) for s in tm.functions]})
    passes: list[str] = []
    original = lowering.FunctionLowerer.lower

    def counted(self):
        passes.append(self.node.name.value)
        return original(self)

    monkeypatch.setattr(lowering.FunctionLowerer, "lower", counted)
    with_facts = lower_module(parsed, tm, {"bindings": tm}, None)
    assert sorted(passes) == sorted([s.name for s in tm.functions] + ["digits_sum"])  # each lowered once (nested too)
    assert not [d for d in with_facts.diagnostics if d.severity != "info"]
    passes.clear()
    without = lower_module(parsed, bare, {"bindings": bare}, None)
    assert len([p for p in passes if p != "digits_sum"]) == len(tm.functions)  # no function lowered twice
    refused = {d.function: d.message for d in without.diagnostics if d.code == "PTL112"}
    for fn, local in [("words_string", "s_list"), ("collatz", "n"), ("closest", "pair"), ("banner", "out")]:
        assert f"`{local}`" in refused[fn], (fn, refused)
    code = {i.name: i.code for i in with_facts.items if i.kind == "fn"}
    assert "let mut s_list: Vec<String> = Vec::new();" in code["words_string"]
    assert "let s_list: String = s_list.join(\"\");" in code["words_string"]  # the second binding shadows
    assert "let mut n: f64 = n as f64;" in code["collatz"]


def test_formerly_retry_shapes_are_typed_by_the_analysis(monkeypatch) -> None:
    """The standard-library shapes lowering used to learn a local's type in by lowering the
    function again (`Retry`, deleted), written small in facts/retry_shapes.py (its golden facts
    say each local's type): a list filled through `self`, `(name, val)` bound in a `try` and
    its handler, an Optional str copied then narrowed (`disp`), an Optional[bool] starting as
    None, appends through a bound method, an Optional decided by narrowing; and the shapes of
    the tests' own functions only `Retry` typed (a conditional expression narrowing, an
    Optional appended, defaultdict fills, islice, dict(zip()), groupby, a nested function's
    appends, a pattern's matches). Every function is lowered once and translated."""
    from portalis.lower import function as lowering
    from portalis.lower.module import lower_module

    source = (GOLDEN / "facts" / "retry_shapes.py").read_text(encoding="utf-8")
    parsed = parse_source(source_module_from_text("retry_shapes", source), source)
    tm = type_map_of(source, "retry_shapes")
    facts = {s.qualname: s.facts.locals for s in list(tm.functions) + [m for c in tm.classes for m in c.methods]}
    assert str(facts["Lexer.gotonext"]["wslist"]) == "list[str]"
    assert str(facts["params_of"]["params"]) == "list[tuple[str, str]]"
    assert str(facts["group_str"]["disp"]) == "Optional[str]"  # `disp = display_name` (Group.__str__)
    assert str(facts["encode"]["hasspace"]) == "Optional[bool]"
    assert str(facts["translate"]["res"]) == "list[str]"
    assert str(facts["shortest_margin"]["margin"]) == "Optional[str]"
    # and the tests' own functions whose locals only `Retry` typed
    assert str(facts["running_max"]["out"]) == "list[int]"  # `x if best is None else max(best, x)`
    assert str(facts["pairs_with_previous"]["pairs"]) == "list[Optional[int]]"
    groups, counts = facts["group_by_initial"]["groups"], facts["tally"]["counts"]
    assert (str(groups), groups.name, str(counts), counts.name) == ("dict[str, list[str]]", "defaultdict", "dict[str, int]", "defaultdict")
    assert str(facts["split_into"]["out"]) == "list[list[int]]"
    assert str(facts["rows_of"]["rows"]) == "list[dict[str, str]]"
    assert str(facts["runs"]["out"]) == "list[tuple[str, list[str]]]"
    assert str(facts["leaves"]["result"]) == "list[str]"  # appended to by the nested `dfs`
    assert str(facts["tokens"]["out"]) == "list[str]"
    passes: list[str] = []
    original = lowering.FunctionLowerer.lower

    def counted(self):
        passes.append(self.sig.qualname)
        return original(self)

    monkeypatch.setattr(lowering.FunctionLowerer, "lower", counted)
    out = lower_module(parsed, tm, {"retry_shapes": tm}, None)
    assert len(passes) == len(set(passes)) and set(facts) <= set(passes)
    assert not [d for d in out.diagnostics if d.severity != "info"]
    assert all(i.status.value == "translated" for i in out.items if i.kind == "fn"), [(i.name, i.status) for i in out.items]


def test_a_local_the_facts_leave_open_is_refused_naming_it(monkeypatch) -> None:
    """calendar.LocaleHTMLCalendar.formatmonth's shape: a method inherited by a subclass whose
    override of a method it calls has no typed return, so the analysis cannot type what the
    copy appends to `v`. Lowering does not learn `v` from the append and lower again: the copy
    is refused (PTL112 naming `v`, what it was and what the append needs), in one pass; the
    base's own method is translated."""
    from portalis.lower import function as lowering
    from portalis.lower.module import lower_module

    source = (
        "class Base:\n"
        "    def name(self, n: int) -> str:\n"
        "        return str(n)\n"
        "\n"
        "    def render(self, n: int) -> str:\n"
        "        v = []\n"
        "        a = v.append\n"
        "        a('<')\n"
        "        a(self.name(n))\n"
        "        return ''.join(v)\n"
        "\n"
        "\n"
        "class Sub(Base):\n"
        "    def name(self, n):\n"
        "        return super().name(n) + '!'\n"
    )
    parsed = parse_source(source_module_from_text("sample", source), source)
    tm = type_map_of(source)
    render = next(m for c in tm.classes if c.name == "Sub" for m in c.methods if m.name == "render")
    assert "v" not in render.facts.locals
    passes: list[str] = []
    original = lowering.FunctionLowerer.lower

    def counted(self):
        passes.append(self.sig.qualname)
        return original(self)

    monkeypatch.setattr(lowering.FunctionLowerer, "lower", counted)
    out = lower_module(parsed, tm, {"sample": tm}, None)
    assert passes.count("Sub.render") == 1
    refused = [d for d in out.diagnostics if d.code == "PTL112" and d.function == "Sub.render"]
    assert len(refused) == 1, out.diagnostics
    assert "cannot infer the type of `v`" in refused[0].message and "list[str]" in refused[0].message
    status = {i.name: i.status.value for i in out.items}
    assert status["Base.render"] == "translated" and status["Sub.render"] != "translated"


def test_nested_functions_return_types_are_facts_lowering_starts_from(monkeypatch) -> None:
    """`def is_prime(k)` inside a function, called with an int: the analysis says it returns a
    bool for an int (FunctionFacts.nested), so it is lowered once; without the fact its first
    return sets it (nothing read it before), still one pass and the same Rust. A nested
    function called with two different argument types gets no fact."""
    from portalis.lower import function as lowering
    from portalis.lower.module import lower_module

    source = (
        "def largest(n: int) -> int:\n"
        "    def is_prime(k):\n"
        "        for j in range(2, k):\n"
        "            if k % j == 0:\n"
        "                return False\n"
        "        return k > 1\n"
        "    best = 1\n"
        "    for i in range(2, n + 1):\n"
        "        if n % i == 0 and is_prime(i):\n"
        "            best = i\n"
        "    return best\n"
        "\n"
        "def mixed(n: int) -> float:\n"
        "    def twice(v):\n"
        "        return v * 2\n"
        "    return twice(n) + twice(0.5)\n"
    )
    parsed = parse_source(source_module_from_text("sample", source), source)
    tm = type_map_of(source)
    nested = find_signature(tm, "largest").facts.nested  # type: ignore[union-attr]
    assert {k: (tuple(map(str, v.params)), str(v.returns)) for k, v in nested.items()} == {"is_prime": (("int",), "bool")}
    assert find_signature(tm, "mixed").facts.nested == {}  # type: ignore[union-attr]
    local_import = (
        "def h(n: int) -> bool:\n"
        "    import math\n"
        "    def small(p):\n"
        "        return p < math.sqrt(n)\n"
        "    return small(n - 1)\n"
    )
    found = find_signature(type_map_of(local_import), "h").facts.nested  # type: ignore[union-attr]
    assert str(found["small"].returns) == "bool"  # a local `import` read inside is no sibling
    only = tm.model_copy(update={"functions": [s for s in tm.functions if s.name == "largest"]})
    bare = only.model_copy(update={"functions": [s.model_copy(update={"facts": s.facts.model_copy(update={"nested": {}})}) for s in only.functions]})
    passes: list[str] = []
    original = lowering.FunctionLowerer.lower

    def counted(self):
        passes.append(self.node.name.value)
        return original(self)

    monkeypatch.setattr(lowering.FunctionLowerer, "lower", counted)
    with_facts = lower_module(parsed, only, {"sample": only}, None)
    assert passes.count("is_prime") == 1
    passes.clear()
    without = lower_module(parsed, bare, {"sample": bare}, None)
    assert passes.count("is_prime") == 1
    assert [i.code for i in with_facts.items] == [i.code for i in without.items]
    assert "fn is_prime(k: i64) -> bool" in with_facts.items[0].code


def test_a_parameter_stored_into_a_typed_container_takes_its_element_type() -> None:
    """heapq's `heapreplace(heap, item)`: `heap[0] = item` where `heap` is a list[float] (typed
    by the callee it is passed to): item is a float (was a type parameter `T`, and the body
    stopped at PTL113 "a value of type T where float is expected"). Dict values and appends too;
    a container of unknown elements says nothing."""
    src = ("def _siftup(heap: list[float], pos: int) -> None:\n    heap[pos] = heap[0]\n\n"
           "def heapreplace(heap, item):\n    returnitem = heap[0]\n    heap[0] = item\n    _siftup(heap, 0)\n    return returnitem\n\n"
           "def put(d: dict[str, int], k, v):\n    d[k] = v\n\n"
           "def push(xs: list[str], x):\n    xs.append(x)\n\n"
           "def anything(xs, x):\n    xs.append(x)\n")
    tm = type_map_of(src)
    types = {f.name: {p.name: str(p.py_type) for p in f.params} for f in tm.functions}
    assert types["heapreplace"] == {"heap": "list[float]", "item": "float"}
    assert types["put"]["v"] == "int" and types["push"]["x"] == "str"
    assert types["anything"].get("x") != "str"
    prov = next(p for p in tm.function("heapreplace").params if p.name == "item").provenance
    assert any("stored into heap (list[float])" in str(o) for o in prov), prov


JUNK_SOURCE = (
    "def is_junk(ch, ws=' \\t'):\n    return ch in ws\n\n"
    "def ndiff(a, linejunk=None, charjunk=is_junk):\n    return Differ(linejunk, charjunk).compare(a)\n\n"
    "class Differ:\n    def __init__(self, linejunk=None, charjunk=None):\n"
    "        self.linejunk = linejunk\n        self.charjunk = charjunk\n\n"
    "    def compare(self, a):\n        return Matcher(self.charjunk, a).junk() + Matcher(self.linejunk, a).junk()\n\n"
    "    def width(self, n=0):\n        return n + 1\n\n"
    "class Matcher:\n    def __init__(self, isjunk=None, b=''):\n        self.isjunk = isjunk\n        self.b = b\n\n"
    "    def junk(self):\n        out = []\n        isjunk = self.isjunk\n        if isjunk:\n"
    "            for elt in self.b:\n                if isjunk(elt):\n                    out.append(elt)\n        return out\n"
)


def test_a_default_naming_a_module_function_is_a_callable_of_its_types() -> None:
    """difflib's `ndiff(a, b, linejunk=None, charjunk=IS_CHARACTER_JUNK)`: the default is a
    `Callable[[str], bool]` (the function's parameters with defaults left out), and it reaches
    the parameters it is passed to, through fields and call sites (`Differ(linejunk, charjunk)`
    -> `SequenceMatcher(self.charjunk, ...)` -> its `isjunk`, then back to `linejunk` passed as
    the same `isjunk`). Before: PTL110 "no default, docstring example, typed call site"."""
    ev = evidence(JUNK_SOURCE)
    charjunk = ev.function("ndiff").params["charjunk"]
    assert "Callable[[str], bool]" in str(charjunk.type)
    assert any("= is_junk (a module function)" in (o.detail or "") for o in charjunk.provenance)
    assert str(ev.function("Matcher.__init__").params["isjunk"].type) == "Optional[Callable[[str], bool]]"
    assert str(ev.function("Differ.__init__").params["linejunk"].type) == "Optional[Callable[[str], bool]]"
    # a default naming a function whose types are not settled, or a parameter, says nothing
    loose = evidence("def g(x):\n    return x\n\ndef f(k=g):\n    return k\n\ndef h(a, b=a):\n    return b\n")
    assert loose.function("f").params["k"].type is None
    # in a class body, a name the class binds is what the default names (evaluated there)
    shadow = evidence("def pick(s):\n    return s.upper()\n\nclass C:\n    def pick(self):\n        return 1\n\n"
                      "    def m(self, f=pick):\n        return f\n\n    def n(self, g=len):\n        return g\n\n"
                      "def outer(h=pick):\n    return h\n")
    assert shadow.function("C.m").params["f"].type is None
    assert str(shadow.function("outer").params["h"].type) == "Callable[[str], str]"


def test_a_field_holding_a_callable_is_the_placeholder_and_the_class_stays() -> None:
    """A callable is a borrowed `&dyn Fn`; as a struct field it needs a lifetime (rustc E0106
    left the whole class out of the crate, with its verified methods). The field is the
    placeholder (PTL111 warning) and only the methods that touch it are refused."""
    tm = type_map_of(JUNK_SOURCE)
    differ = next(c for c in tm.classes if c.name == "Differ")
    charjunk = next(f for f in differ.fields if f.name == "charjunk")
    assert charjunk.rust_type == "crate::pyrt::Opaque"
    assert not differ.diagnostics
    assert any(d.code == "PTL111" and "a callable" in d.message and d.function == "Differ" for d in tm.diagnostics)
    width = next(m for m in differ.methods if m.name == "width")
    assert not width.diagnostics


def test_callers_passing_lists_of_several_element_types_leave_a_list_of_t() -> None:
    """heapq's `_siftup_max(heap, pos)`, called from `_heappop_max` (traced with a `list[int]`)
    and `_heapreplace_max` (traced with nsmallest's `list[tuple[...]]`): the body only indexes
    and measures `heap`, so callers disagreeing on the element type leave a `list[T]` candidate
    rather than a conflict (which refused it and its three callers, depending on which calls the
    tracer sampled first). A body use that says a type still makes it a conflict."""
    sift = ("def sift(heap, pos):\n    n = len(heap)\n    if pos < n and heap[pos] < heap[0]:\n"
            "        heap[0], heap[pos] = heap[pos], heap[0]\n\n"
            "def a(heap):\n    sift(heap, 0)\n\ndef b(heap):\n    sift(heap, 0)\n\n"
            "def use():\n    a([1, 2])\n    b([(1, 2)])\n")
    heap = evidence(sift).function("sift").params["heap"]
    assert heap.type is None and heap.conflict is None and heap.generic == "container"
    tm = type_map_of(sift)
    assert str(next(p for p in tm.function("sift").params if p.name == "heap").py_type) == "list[T]"
    assert str(next(p for p in tm.function("b").params if p.name == "heap").py_type) == "list[tuple[int, int]]"
    told = evidence(sift.replace("n = len(heap)", "n = len(heap)\n    heap.append(1)"))
    assert told.function("sift").params["heap"].conflict is not None
