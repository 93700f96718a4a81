"""Observed calls: the tracer (portalis/validate/trace.py, trace_worker.py) and its evidence.

One sandboxed run of a tiny repository's tests (module fixture, a few seconds: it ends with a
test the per-test timer cannot stop, so the run is killed at its time limit); the rest works
on recorded data or in this process."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

from portalis.analysis.observed import described_type
from portalis.analysis.provenance import find_signature
from portalis.model import ObservedFunction, ObservedType, Observations, SourceModule
from portalis.parse import parse_source, source_module_from_text
from portalis.sandbox import SandboxPolicy
from portalis.store import Store
from portalis.typemap import build_type_map
from portalis.types import pytypes as T
from portalis.validate import trace
from portalis.validate.trace import TraceConfig, kill_after, observe, run_tracer

WORKER = Path(trace.__file__).with_name("trace_worker.py")
SPAWNED = "6017.25"  # the argument of the `sleep` the spawning test starts: found in /proc if it survived

SHAPES = '''\
def scale(xs, k):
    return [x * k for x in xs]


def label(n):
    return "n=" + str(n)


def pick(d, key):
    """
    >>> pick({"a": 1}, "a")
    1
    """
    return d[key]


class Box:
    def __init__(self, w):
        self.w = w

    def grow(self, by):
        return Box(self.w + by)


def opts(*args, **kw):
    return len(args) + len(kw)
'''

TESTS = f'''\
import signal
import subprocess

from shapes import Box, label, opts, scale


def test_scale():
    assert scale([1, 2], 3) == [3, 6]


def test_label():
    assert label(5) == "n=5"


def test_scale_rejects_none():
    try:
        scale(None, 2)
    except TypeError:
        pass


def test_opts():
    assert opts("x", a=1, b=2) == 3


def test_hang():
    while True:  # stopped by the per-test timer
        pass


def test_box():
    assert Box(2).grow(1.5).w == 3.5


def test_spawn_and_block():
    subprocess.Popen(["sleep", "{SPAWNED}"])
    signal.pthread_sigmask(signal.SIG_BLOCK, {{signal.SIGALRM}})  # the per-test timer cannot stop this one
    while True:
        pass


def test_never_reached():
    label("never")
'''

CONFIG = TraceConfig(per_test_s=0.5, max_s=2.0, sandbox=SandboxPolicy(allow_unsandboxed=True))


def _repo(root: Path) -> Path:
    (root / "tests").mkdir(parents=True)
    (root / "shapes.py").write_text(SHAPES, encoding="utf-8")
    (root / "tests" / "test_shapes.py").write_text(TESTS, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def traced(tmp_path_factory) -> Observations:
    root = _repo(tmp_path_factory.mktemp("trace") / "repo")
    return run_tracer(root, {"shapes.py": "shapes"}, ["tests/test_shapes.py"], CONFIG)


def _shapes_parsed():
    return parse_source(source_module_from_text("shapes", SHAPES), SHAPES)


def test_recorder_types_of_arguments_and_returns(traced: Observations) -> None:
    seen = traced.module("shapes")
    assert {t.type for t in seen["scale"].params["xs"]} == {T.list_of(T.INT)}
    assert [t.type for t in seen["scale"].returns] == [T.list_of(T.INT)]
    assert seen["scale"].params["xs"][0].first == "tests/test_shapes.py::test_scale"
    assert {t.type for t in seen["pick"].params["d"]} == {T.dict_of(T.STR, T.INT)}  # from the doctest
    assert {t.type for t in seen["Box.__init__"].params["w"]} == {T.INT, T.FLOAT}
    assert [t.type for t in seen["Box.grow"].returns] == [T.class_type("shapes", "Box")]
    assert "Box" not in seen  # the class body is not a call
    # `*args`: its elements; `**kw`: its values (each is one argument)
    assert {t.type for t in seen["opts"].params["args"]} == {T.STR}
    assert {t.type for t in seen["opts"].params["kw"]} == {T.INT}
    assert traced.doctests == 1


def test_bounds_stop_a_hanging_test_and_keep_what_was_seen(traced: Observations) -> None:
    # test_hang: interrupted by the per-test timer, the run goes on (test_box was recorded)
    assert any("test_hang: stopped" in e for e in traced.errors)
    assert "Box.grow" in traced.module("shapes")
    # test_spawn_and_block: the timer cannot interrupt it: the run is killed at its limit
    assert traced.stopped == f"killed after {kill_after(CONFIG.max_s):g} s"
    assert traced.seconds < kill_after(CONFIG.max_s) + 20
    assert {t.type for t in traced.module("shapes")["label"].params["n"]} == {T.INT}  # never "str": not reached
    # a call that raised (scale(None, 2): TypeError) says nothing of the types scale takes
    assert {t.type for t in traced.module("shapes")["scale"].params["xs"]} == {T.list_of(T.INT)}
    # the process it spawned was killed with it
    for pid in os.listdir("/proc"):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        assert SPAWNED.encode() not in cmdline, f"process {pid} survived the tracer's sandbox"


def test_observed_calls_pin_an_otherwise_untyped_parameter(traced: Observations) -> None:
    parsed = _shapes_parsed()
    before = build_type_map(parsed)
    assert any(d.code == "PTL110" and "`n`" in d.message for d in before.diagnostics)
    after = build_type_map(parsed, traced.module("shapes"))
    label = find_signature(after, "label")
    assert label is not None and [(p.name, p.py_type) for p in label.params] == [("n", T.INT)]
    assert label.params[0].provenance[0].source == "observed"
    assert "first in tests/test_shapes.py::test_label" in str(label.params[0].provenance[0])
    assert not any(d.function == "label" for d in after.diagnostics)
    grow = find_signature(after, "Box.grow")
    assert grow is not None and grow.params[0].py_type == T.FLOAT  # an int and a float were seen: float


def _observed(**params: list) -> ObservedFunction:
    return ObservedFunction(qualname="f", calls=3, params={p: [ObservedType(type=t, calls=1, first=f"test_{i}") for i, t in enumerate(ts)]
                                                                 for p, ts in params.items()})


def test_observed_keyword_arguments_type_a_kwargs_dict() -> None:
    source = "def f(**kw):\n    return len(kw)\n"
    parsed = parse_source(source_module_from_text("m", source), source)
    tm = build_type_map(parsed, {"f": _observed(kw=[T.INT])})
    sig = find_signature(tm, "f")
    assert sig is not None and [(str(p.py_type), p.keywords) for p in sig.params] == [("dict[str, int]", True)]


def test_observed_conflicting_with_the_body_is_ptl170() -> None:
    source = "def f(x):\n    return x - 1\n"
    parsed = parse_source(source_module_from_text("m", source), source)
    tm = build_type_map(parsed, {"f": _observed(x=[T.STR])})
    assert any(d.code == "PTL170" and "observed" in d.message and "x - 1" in d.message for d in tm.diagnostics)


def test_observed_types_that_disagree_leave_a_generic_function_generic() -> None:
    # heapq/bisect under their tests: ints in one test, strs in another. That says the function
    # takes several types, not that its evidence conflicts: the body (only comparisons) makes it
    # generic; before, PTL170 "int (observed) and str (observed)" left it untranslated.
    source = "def smaller(a, b):\n    return a if a < b else b\n"
    parsed = parse_source(source_module_from_text("m", source), source)
    tm = build_type_map(parsed, {"smaller": _observed(a=[T.INT, T.STR], b=[T.INT, T.STR])})
    assert not any(d.code == "PTL170" for d in tm.diagnostics), tm.diagnostics
    sig = find_signature(tm, "smaller")
    assert sig is not None and [p.py_type.kind for p in sig.params] == ["typevar", "typevar"]


def test_observed_types_of_a_parameter_the_body_calls_are_not_used() -> None:
    # bisect's `key` under CPython's tests: a str passed to check the TypeError; the body calls
    # key, so it is a callable the tracer cannot describe (was: `key: str`, "calling `key`, a str")
    source = "def first(xs, key=None):\n    if key is None:\n        return xs[0]\n    return key(xs[0])\n"
    parsed = parse_source(source_module_from_text("m", source), source)
    tm = build_type_map(parsed, {"first": _observed(key=[T.STR, T.NONE])})
    sig = find_signature(tm, "first")
    assert sig is not None and not any(p.py_type == T.STR or p.py_type == T.optional(T.STR) for p in sig.params)


def test_observed_none_makes_optional_and_returns_fill_the_open_return() -> None:
    source = "def f(x):\n    print(x)\n\n\ndef g(v):\n    return v.thing()\n"
    parsed = parse_source(source_module_from_text("m", source), source)
    g = ObservedFunction(qualname="g", calls=2, params={"v": []}, returns=[ObservedType(type=T.INT, calls=2, first="t")])
    tm = build_type_map(parsed, {"f": _observed(x=[T.INT, T.NONE]), "g": g})
    f = find_signature(tm, "f")
    assert f is not None and f.params[0].py_type == T.optional(T.INT)
    assert [o.source for o in f.params[0].provenance] == ["observed", "observed"]
    gs = find_signature(tm, "g")
    assert gs is not None and gs.returns == T.INT and gs.returns_provenance[0].source == "observed"


def test_cache_hit_on_unchanged_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repo(tmp_path / "repo")
    runs: list[int] = []

    def fake(root_, files, tests, config):
        runs.append(1)
        return Observations(modules={"shapes": {"label": _observed(n=[T.INT])}}, tests=len(tests))

    monkeypatch.setattr(trace, "run_tracer", fake)
    store = Store(tmp_path / "cache.duckdb")
    modules = [SourceModule(module="shapes", path="shapes.py", sha256="")]
    first = observe(root, modules, CONFIG, store)
    again = observe(root, modules, CONFIG, store)
    assert len(runs) == 1 and not first.cached and again.cached
    assert again.module("shapes")["label"].params["n"][0].type == T.INT
    (root / "tests" / "test_shapes.py").write_text(TESTS + "\n\ndef test_more():\n    pass\n", encoding="utf-8")
    assert not observe(root, modules, CONFIG, store).cached and len(runs) == 2
    assert observe(root, modules, CONFIG.model_copy(update={"enabled": False}), store).reason == "tracing turned off"


def test_nothing_to_run_starts_no_sandbox(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("def f(x):\n    return x\n", encoding="utf-8")
    found = observe(tmp_path, [SourceModule(module="m", path="m.py", sha256="")], CONFIG)
    assert found.reason == "no test files or doctests" and not found.modules


def _worker():
    spec = importlib.util.spec_from_file_location("portalis_trace_worker_test", WORKER)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def _run_in_process(w, root: Path, modules: dict[str, str], tests: list[str], per_test_s: float) -> dict:
    """Run the trace worker in this process over `tests` and return what it wrote; the process's
    cwd, sys.path, modules and profile/trace hooks are restored whatever the run did."""
    import json

    out = root / "observed.json"
    job = {"root": str(root), "modules": modules, "tests": tests, "doctests": False,
           "per_test_s": per_test_s, "max_s": 60.0}
    cwd, path, before = os.getcwd(), list(sys.path), set(sys.modules)
    try:
        w.Run(job, str(out)).main()
    finally:
        os.chdir(cwd)
        sys.path[:] = path
        for name in set(sys.modules) - before:
            sys.modules.pop(name, None)
        sys.setprofile(None)
        sys.settrace(None)
    return json.loads(out.read_text(encoding="utf-8"))


def test_descriptions_and_their_types() -> None:
    w = _worker()

    class Mine:
        pass

    classes = {Mine: ["class", "m", "Mine"]}
    cases = {
        3: T.INT, True: T.BOOL, 2.5: T.FLOAT, "s": T.STR, None: T.NONE,
        (1, "a"): T.tuple_of(T.INT, T.STR),
    }
    for value, want in cases.items():
        assert described_type(w.describe(value, classes)) == want
    assert described_type(w.describe([1, 2.5], classes)) == T.list_of(T.FLOAT)
    assert described_type(w.describe({"a": [1]}, classes)) == T.dict_of(T.STR, T.list_of(T.INT))
    assert described_type(w.describe([1, None], classes)) == T.list_of(T.optional(T.INT))
    assert described_type(w.describe({1, 2}, classes)) == T.set_of(T.INT)
    assert described_type(w.describe(Mine(), classes)) == T.class_type("m", "Mine")
    assert w.describe(b"x", classes) is None and w.describe([b"x"], classes) is None  # opaque: dropped
    assert w.describe(object(), classes) is None
    mod = type(sys)("m")

    class Plain:
        pass

    class Token(tuple):  # like pygments' _TokenType: left out by the translation (PTL140)
        pass

    class Meta(type):
        pass

    for c in (Plain, Token, Meta):
        c.__module__, c.__qualname__ = "m", c.__name__
        setattr(mod, c.__name__, c)
    rec = w.Recorder({}, 1, 1)
    rec.add_classes(mod, "m")
    assert described_type(w.describe(Plain(), rec.classes)) == T.class_type("m", "Plain")
    assert w.describe(Token(), rec.classes) is None and w.describe(Meta("X", (), {}), rec.classes) is None
    assert described_type(w.describe(["a", 1], classes)) is None  # no one element type


def test_sampling_bounds_in_process(tmp_path: Path) -> None:
    w = _worker()
    path = tmp_path / "sampled_mod.py"
    path.write_text("def f(x):\n    return x\n\n\ndef g(x):\n    return x\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location("sampled_mod", path)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    rec = w.Recorder({os.path.realpath(path): "sampled_mod"}, per_function=2, max_calls=3)
    rec.start()
    try:
        for i in range(5):
            mod.f(i)
        mod.g("a")
        mod.g("b")  # past max_calls: recording stopped
    finally:
        sys.setprofile(None)
    assert rec.functions["sampled_mod:f"]["calls"] == 2
    assert rec.functions["sampled_mod:g"]["calls"] == 1
    assert rec.stopped == "3 calls recorded"
    assert list(rec.functions["sampled_mod:f"]["returns"]) == ['"int"']


def test_a_property_setter_is_recorded_apart_from_its_getter(tmp_path: Path) -> None:
    """dateutil's `relativedelta.weeks`: getter and setter share one qualname; the setter's
    calls (returning None) were recorded as the getter's, whose return became Optional[int]
    (and `self.weeks * 7` in the setter then failed). The setter is `Class.__set_x__`, as the
    type map names it."""
    w = _worker()
    path = tmp_path / "prop_mod.py"
    path.write_text("class R:\n    def __init__(self):\n        self.days = 14\n\n"
                    "    @property\n    def weeks(self):\n        return self.days // 7\n\n"
                    "    @weeks.setter\n    def weeks(self, value):\n        self.days = value * 7\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location("prop_mod", path)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["prop_mod"] = mod
    try:
        spec.loader.exec_module(mod)  # type: ignore[union-attr]
        rec = w.Recorder({os.path.realpath(path): "prop_mod"}, per_function=10, max_calls=100)
        rec.start()
        try:
            r = mod.R()
            r.weeks = 3
            assert r.weeks == 3
        finally:
            sys.setprofile(None)
    finally:
        del sys.modules["prop_mod"]
    assert list(rec.functions["prop_mod:R.weeks"]["returns"]) == ['"int"']
    assert rec.functions["prop_mod:R.__set_weeks__"]["params"]["value"] == {'"int"': [rec.test, 1]}


def test_dagster_type_map_reads_observed_calls(tmp_path: Path, instance) -> None:
    """The translator resource's `trace`: the type_map asset runs the tests once (cached in the
    store) and its signatures carry the `observed` provenance."""
    import dagster as dg
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    from portalis.source import discover
    from portalis_assets.definitions import defs
    from portalis_assets.partitions import python_modules
    from portalis_assets.runner import sync_partitions

    root = tmp_path / "repo"
    (root / "tests").mkdir(parents=True)
    (root / "shapes.py").write_text(SHAPES, encoding="utf-8")
    (root / "tests" / "test_shapes.py").write_text("from shapes import label\n\n\ndef test_label():\n    assert label(5) == 'n=5'\n",
                                                   encoding="utf-8")
    database = tmp_path / "portalis.duckdb"
    sync_partitions(instance, [m.module for m in discover(root)], database)
    keys = instance.get_dynamic_partitions(python_modules.name)
    result = defs.resolve_implicit_global_asset_job_def().get_subset(
        asset_selection={dg.AssetKey("parsed_ast"), dg.AssetKey("type_map")}
    ).execute_in_process(
        run_config={"resources": {
            "source_repo": {"config": {"root": str(root), "allow_unsandboxed": True}},
            "store": {"config": {"path": str(database)}},
            "translator": {"config": {"trace": True, "trace_max_s": 20.0}},
        }, "loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        instance=instance, raise_on_error=False,
        tags={ASSET_PARTITION_RANGE_START_TAG: keys[0], ASSET_PARTITION_RANGE_END_TAG: keys[-1]},
    )
    assert result.success
    store = Store(database)
    label = find_signature(store.get_type_maps(["shapes"])["shapes"], "label")
    assert label is not None and label.params[0].py_type == T.INT and label.params[0].provenance[0].source == "observed"
    assert len(store.rows("trace_cache", key_column="key")) == 1


def test_the_pipeline_traces_by_default_as_translate_verify_does(monkeypatch: pytest.MonkeyPatch) -> None:
    from resources.translator import TranslatorResource

    monkeypatch.delenv("PORTALIS_TRACE", raising=False)
    assert TranslatorResource().trace_config(allow_unsandboxed=True) is not None
    monkeypatch.setenv("PORTALIS_TRACE", "off")
    assert TranslatorResource().trace_config() is None
    assert TranslatorResource(trace=True).trace_config() is not None  # the setting wins over the environment
    monkeypatch.delenv("PORTALIS_TRACE")
    assert TranslatorResource(trace=False).trace_config() is None


PYTEST_STYLE = '''\
import pytest

from lexmod import Lexer, shout


@pytest.fixture(scope="module")
def lexer():
    yield Lexer()


@pytest.fixture
def loud(lexer):
    return lexer.loud


@pytest.mark.parametrize("text", ["a", "b"])
def test_lex(lexer, text):
    assert lexer.lex(text) == [text]


@pytest.mark.parametrize("n, k", [(1, 2), pytest.param(3, 4, id="x")])
def test_pairs(n, k, loud):
    assert shout(n + k) == str(n + k) + "!"


def test_skipped():
    pytest.skip("no latex here")  # a BaseException: the run goes on


def test_needs_a_plugin_fixture(benchmark):
    shout("never")  # a fixture neither this module, a conftest nor the runner defines: not run


def test_after_the_skip():
    shout(7.5)
'''

LEXMOD = '''\
class Lexer:
    loud = True

    def lex(self, text):
        return [text]


def shout(x):
    return str(x) + "!"
'''


def test_worker_runs_pytest_fixtures_parametrize_and_survives_skip(tmp_path: Path) -> None:
    """pytest-style tests (pygments' own): module fixtures (a generator, one of module scope) and
    `@pytest.mark.parametrize` give the arguments; `pytest.skip` (a BaseException) fails one test,
    not the run; a test needing a fixture the module lacks is not run."""
    w = _worker()
    (tmp_path / "lexmod.py").write_text(LEXMOD, encoding="utf-8")
    (tmp_path / "test_lexmod.py").write_text(PYTEST_STYLE, encoding="utf-8")
    raw = _run_in_process(w, tmp_path, {str(tmp_path / "lexmod.py"): "lexmod"},
                          [str(tmp_path / "test_lexmod.py")], per_test_s=10.0)
    assert raw["done"] and raw["tests"] == 6 and raw["failed"] == 1  # 2 + 2 parametrized, the skip, the last
    found = trace.convert(raw["functions"])["lexmod"]
    assert [t.type for t in found["Lexer.lex"].params["text"]] == [T.STR]
    assert {t.type for t in found["shout"].params["x"]} == {T.INT, T.FLOAT}  # 3, 7 and 7.5; never "never"
    assert found["Lexer.lex"].calls == 2


SUITE_CONFTEST = """\
import pytest

from ._common import double


@pytest.fixture(params=[2, 3.5])
def amount(request):
    return double(request.param)
"""

SUITE_TESTS = """\
import unittest

import pytest
from portalis_absent_test_dependency import freeze_time  # not installed: a stand-in

from lexmod import shout
from ._common import double


def test_amount(amount):  # a conftest fixture with params, through `request.param`
    shout(amount)


@freeze_time("2020-01-01")
def test_frozen():  # uses the missing dependency: fails alone
    shout("frozen")


def test_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("X", "1")
    shout(tmp_path.is_dir())


@pytest.mark.skip(reason="never")
def test_marked_skip():
    shout(b"skipped")


class TestStyle:
    def setup_method(self, method):
        self.k = 10

    @pytest.mark.parametrize("n", [1, 2])
    def test_method(self, n, amount):
        shout([n * self.k])


class Loops(unittest.TestCase):
    def test_swallows_the_timer(self):
        while True:
            with self.subTest():  # catches every exception, the timer's too
                sum(range(1000))
"""


def test_worker_runs_a_package_suite_with_conftest_missing_dependency_and_classes(tmp_path: Path) -> None:
    """A real project's suite (dateutil's, attrs'): test files in a package (relative imports),
    conftest.py fixtures with `params` read as `request.param`, `tmp_path` and `monkeypatch`, a
    test dependency that is not installed (only the test using it fails), a pytest-style class
    whose methods take fixtures and parametrize, a `skip` mark, and a unittest loop of subTests
    that swallows the per-test timer (stopped all the same)."""
    w = _worker()
    (tmp_path / "lexmod.py").write_text(LEXMOD, encoding="utf-8")
    suite = tmp_path / "suite"  # not `tests`: this process has its own
    suite.mkdir()
    (suite / "__init__.py").write_text("", encoding="utf-8")
    (suite / "_common.py").write_text("def double(x):\n    return x * 2\n", encoding="utf-8")
    (suite / "conftest.py").write_text(SUITE_CONFTEST, encoding="utf-8")
    (suite / "test_suite.py").write_text(SUITE_TESTS, encoding="utf-8")
    raw = _run_in_process(w, tmp_path, {str(tmp_path / "lexmod.py"): "lexmod"},
                          [str(suite / "test_suite.py")], per_test_s=0.5)
    # amount x2, frozen, tmp, the class's 2 x 2, the loop; the skipped one not run
    assert raw["done"] and raw["tests"] == 9, raw
    assert raw["failed"] == 2  # the frozen test and the stopped loop
    assert any("portalis_absent_test_dependency" in e for e in raw["errors"])
    assert any("test_swallows_the_timer: stopped" in e for e in raw["errors"])
    found = trace.convert(raw["functions"])["lexmod"]
    assert {t.type for t in found["shout"].params["x"]} == {T.INT, T.FLOAT, T.BOOL, T.list_of(T.INT)}


def test_observed_arguments_type_an_unannotated_star_args() -> None:
    # more-itertools' `multinomial(*counts)`, `numeric_range(*args)`: the tracer records each
    # extra positional argument; their type is the element type of `*counts` (was: PTL110
    # "incomplete type (list[unknown])", since only an annotation typed a `*args`)
    source = "def multinomial(*counts):\n    total = 0\n    for c in counts:\n        total += c\n    return total\n"
    parsed = parse_source(source_module_from_text("m", source), source)
    assert any(d.code == "PTL110" for d in build_type_map(parsed).diagnostics)
    tm = build_type_map(parsed, {"multinomial": _observed(counts=[T.INT, T.INT])})
    sig = find_signature(tm, "multinomial")
    assert sig is not None and [(p.name, p.py_type, p.variadic) for p in sig.params] == [("counts", T.list_of(T.INT), True)]
    assert sig.params[0].provenance[0].source == "observed" and not tm.diagnostics
    # observed types that disagree say nothing, as for any parameter
    tm = build_type_map(parsed, {"multinomial": _observed(counts=[T.INT, T.STR])})
    assert find_signature(tm, "multinomial") is None or any(d.code == "PTL110" for d in tm.diagnostics)


def test_worker_describes_classes_of_modules_imported_before_their_turn(tmp_path: Path) -> None:
    """pygments: the lexer modules (imported first, in name order) import pygments.token and
    call functions with its token values in their class bodies. The module an earlier import
    loaded was imported a second time at its own turn (a second copy of each class, and only the
    second described: every token opaque), and a class met before its module's turn was not
    described at all."""
    w = _worker()
    (tmp_path / "alpha_use.py").write_text(
        "from zeta_kinds import Kind, mark\n\nAT_IMPORT = mark(Kind())\n\n\ndef made():\n    return Kind()\n", encoding="utf-8")
    (tmp_path / "zeta_kinds.py").write_text(
        "class Kind:\n    pass\n\n\ndef mark(k):\n    return 1\n\n\ndef take(k):\n    return 2\n", encoding="utf-8")
    suite = tmp_path / "suite_kinds"
    suite.mkdir()
    (suite / "test_kinds.py").write_text(
        "from alpha_use import made\nfrom zeta_kinds import take\n\n\ndef test_take():\n    assert take(made()) == 2\n", encoding="utf-8")
    raw = _run_in_process(w, tmp_path, {str(tmp_path / "alpha_use.py"): "alpha_use", str(tmp_path / "zeta_kinds.py"): "zeta_kinds"},
                          [str(suite / "test_kinds.py")], per_test_s=5.0)
    found = trace.convert(raw["functions"])["zeta_kinds"]
    kind = T.class_type("zeta_kinds", "Kind")
    assert [t.type for t in found["mark"].params["k"]] == [kind]  # called while alpha_use was imported
    assert [t.type for t in found["take"].params["k"]] == [kind]  # an instance of the one `Kind` there is


def _inherited(**params: list) -> ObservedFunction:
    return ObservedFunction(qualname="f", calls=0, inherited_from="base:Base.run",
                            inherited={p: [ObservedType(type=t, calls=2, first="test_x") for t in ts] for p, ts in params.items()})


def test_an_override_no_call_reached_takes_its_traced_base_methods_types() -> None:
    # pygments: `SourcePawnLexer.get_tokens_unprocessed(self, text)` overrides
    # `RegexLexer.get_tokens_unprocessed`, which the tests called with strs (was: PTL110)
    source = ("from base import Base\n\n\nclass Sub(Base):\n    def run(self, text, n):\n        return text[1:]\n\n"
              "    def count(self, text):\n        return text - 1\n")
    parsed = parse_source(source_module_from_text("m", source), source)
    tm = build_type_map(parsed, {"Sub.run": _inherited(text=[T.STR], n=[T.STR, T.INT]),
                                 "Sub.count": _inherited(text=[T.STR])})
    sig = find_signature(tm, "Sub.run")
    assert sig is not None and sig.params[0].py_type == T.STR
    assert "overrides `base.Base.run`" in str(sig.params[0].provenance[0])
    n = [p.py_type for p in sig.params if p.name == "n"]
    assert not n or n[0] in (None, T.UNKNOWN) or n[0].kind not in ("str", "int", "union")  # the base took several types: nothing
    # the body's use wins over what the base was passed (a subclass may take more): a number here
    sig = find_signature(tm, "Sub.count")
    assert sig is None or sig.params[0].py_type != T.STR


def test_worker_records_what_an_unreached_override_inherits(tmp_path: Path) -> None:
    w = _worker()
    (tmp_path / "lexers_base.py").write_text(
        "class Base:\n    def run(self, text, n=0):\n        return self.go(text)\n\n    def go(self, text):\n        return text\n\n\n"
        "class Mid(Base):\n    pass\n", encoding="utf-8")
    (tmp_path / "lexers_sub.py").write_text(
        "from lexers_base import Base, Mid\n\n\nclass Sub(Mid):\n    def go(self, text):\n        return text.upper()\n\n\n"
        "class Other(Base):\n    def go(self, text):\n        return text\n\n    def alone(self, x):\n        return x\n\n\n"
        "class Sibling(Sub):\n    pass\n", encoding="utf-8")
    suite = tmp_path / "suite_lex"
    suite.mkdir()
    (suite / "test_lex.py").write_text(
        "from lexers_base import Base\nfrom lexers_sub import Other\n\n\ndef test_run():\n    assert Base().run('a') == 'a'\n"
        "    assert Other().go(3) == 3\n", encoding="utf-8")
    raw = _run_in_process(w, tmp_path, {str(tmp_path / "lexers_base.py"): "lexers_base", str(tmp_path / "lexers_sub.py"): "lexers_sub"},
                          [str(suite / "test_lex.py")], per_test_s=5.0)
    found = trace.convert(raw["functions"])["lexers_sub"]
    sub = found["Sub.go"]  # not reached; its nearest base definition (Base.go, through Mid) was
    assert sub.calls == 0 and sub.inherited_from == "lexers_base:Base.go" and [t.type for t in sub.inherited["text"]] == [T.STR]
    assert found["Other.go"].calls == 1 and not found["Other.go"].inherited  # reached itself: its own calls only
    assert "Other.alone" not in found  # overrides nothing


def test_worker_records_a_generators_yields_not_its_resumes(tmp_path: Path) -> None:
    """pygments' `get_tokens_unprocessed(self, text)` yields `(index, token, value)`: its calls
    return generator objects (nothing), its yields type it. A resume is not a call (it used to
    spend the function's samples and the run's call budget), a `yield from` passes on the inner
    generator's values (recorded there), and a `close()` is no yield of None."""
    w = _worker()
    (tmp_path / "gen_lex.py").write_text(
        "def tokens(text):\n    for i, c in enumerate(text):\n        yield i, c\n\n\n"
        "def both(text):\n    yield from tokens(text)\n\n\n"
        "def counted(n):\n    try:\n        for i in range(n):\n            yield i\n    finally:\n        pass\n\n\n"
        "def stream(text):\n    def streamer():\n        for _, c in tokens(text):\n            yield c\n    return streamer()\n\n\n"
        "def joined(source):\n    return ''.join(source)\n", encoding="utf-8")
    suite = tmp_path / "suite_gen"
    suite.mkdir()
    (suite / "test_gen.py").write_text(
        "from gen_lex import both, counted, joined, stream, tokens\n\n\ndef test_run():\n    assert len(list(tokens('abcdef'))) == 6\n"
        "    assert list(both('ab')) == [(0, 'a'), (1, 'b')]\n    it = counted(5)\n    assert next(it) == 0\n    it.close()\n"
        "    assert joined(stream('xy')) == 'xy'\n",
        encoding="utf-8")
    raw = _run_in_process(w, tmp_path, {str(tmp_path / "gen_lex.py"): "gen_lex"}, [str(suite / "test_gen.py")], per_test_s=5.0)
    assert not raw["failed"], raw["errors"]
    found = trace.convert(raw["functions"], raw["generators"])["gen_lex"]
    assert found["tokens"].calls == 3  # called three times, resumed 10 times
    assert [t.type for t in found["tokens"].yields] == [T.tuple_of(T.INT, T.STR)] and found["tokens"].yields[0].calls == 10
    # a generator object returned or passed (pygments' `get_tokens()`, a `tokensource`): the list
    # of what its code yielded, a nested generator's too
    assert [t.type for t in found["stream"].returns] == [T.list_of(T.STR)]
    assert [t.type for t in found["joined"].params["source"]] == [T.list_of(T.STR)]
    assert found["both"].calls == 1 and not found["both"].yields  # `yield from`: the inner generator's
    assert [t.type for t in found["counted"].yields] == [T.INT]  # not None: `close()` threw GeneratorExit
    assert not found["tokens"].returns


def test_observed_yields_type_a_generator_its_body_cannot() -> None:
    # pygments' RegexLexer: `yield pos, action, m.group()` with `action` from the metaclass's
    # table, which nothing static types; the tests' runs yielded (int, token path, str)
    source = ("def lex(table, text):\n    for i, c in enumerate(text):\n        action = table.lookup_action(c)\n"
              "        yield i, action, c\n\n\ndef plain(text):\n    for c in text:\n        yield c\n")
    parsed = parse_source(source_module_from_text("m", source), source)
    seen = ObservedFunction(qualname="lex", calls=3, yields=[ObservedType(type=T.tuple_of(T.INT, T.STR, T.STR), calls=9, first="test_a")],
                            params={"text": [ObservedType(type=T.STR, calls=3)]})
    other = ObservedFunction(qualname="plain", calls=1, params={"text": [ObservedType(type=T.STR, calls=1)]},
                             yields=[ObservedType(type=T.INT, calls=2)])  # the body's own yields win
    tm = build_type_map(parsed, {"lex": seen, "plain": other})
    sig = find_signature(tm, "lex")
    assert sig is not None and sig.returns == T.list_of(T.tuple_of(T.INT, T.STR, T.STR))
    assert "9 of 9 traced yields" in str(sig.returns_provenance[0])
    sig = find_signature(tm, "plain")
    assert sig is not None and sig.returns == T.list_of(T.STR)


def test_an_unreached_override_takes_what_its_base_yielded(tmp_path: Path) -> None:
    """pygments' tests run only some lexers: `SchemeLexer.get_tokens_unprocessed` (reached by no
    traced call) overrides `RegexLexer.get_tokens_unprocessed`, whose yields were seen; callers
    through the base get the override's results, so its result is the base's list (PTL110
    "return type" before), where its own body does not type it."""
    w = _worker()
    (tmp_path / "lex_base.py").write_text(
        "class Base:\n    def run(self, text):\n        for i, c in enumerate(text):\n            yield i, c\n\n"
        "    def size(self, text):\n        return len(text)\n\n    def lines(self, text):\n        raise NotImplementedError\n", encoding="utf-8")
    (tmp_path / "lex_sub.py").write_text(
        "from lex_base import Base\n\n\nclass Sub(Base):\n    def run(self, text):\n"
        "        for i, c in Base.run(self, text):\n            yield i, c.upper()\n\n"
        "    def size(self, text):\n        return Base.size(self, text) + 1\n\n"
        "    def lines(self, text):\n        for n, line in enumerate(text.split()):\n            yield n, line\n\n\n"
        "class Other(Base):\n    def lines(self, text):\n        for n, line in Base.run(self, text):\n            yield n, line\n",
        encoding="utf-8")
    suite = tmp_path / "suite_sub"
    suite.mkdir()
    (suite / "test_sub.py").write_text(
        "from lex_base import Base\n\n\ndef test_run():\n    assert list(Base().run('ab')) == [(0, 'a'), (1, 'b')]\n"
        "    assert Base().size('ab') == 2\n\n\ndef test_lines():\n    from lex_sub import Sub\n    assert list(Sub().lines('a b')) == [(0, 'a'), (1, 'b')]\n",
        encoding="utf-8")
    raw = _run_in_process(w, tmp_path, {str(tmp_path / "lex_base.py"): "lex_base", str(tmp_path / "lex_sub.py"): "lex_sub"},
                          [str(suite / "test_sub.py")], per_test_s=5.0)
    found = trace.convert(raw["functions"], raw["generators"])["lex_sub"]
    assert [t.type for t in found["Sub.run"].inherited_returns] == [T.list_of(T.tuple_of(T.INT, T.STR))]
    assert [t.type for t in found["Sub.size"].inherited_returns] == [T.INT]
    source = (tmp_path / "lex_sub.py").read_text(encoding="utf-8")
    parsed = parse_source(source_module_from_text("lex_sub", source), source)
    tm = build_type_map(parsed, found)
    sig = find_signature(tm, "Sub.run")
    assert sig is not None and sig.returns == T.list_of(T.tuple_of(T.INT, T.STR))
    assert "overrides `lex_base.Base.run`, whose" in str(sig.returns_provenance[0])
    # `Base.lines` never ran (it raises): `Other.lines`, reached by no call, takes what the reached
    # override `Sub.lines` yielded (pygments' `GAPConsoleLexer.get_tokens_unprocessed` over the
    # abstract `Lexer.get_tokens_unprocessed`)
    assert found["Other.lines"].inherited_by_overrides
    sig = find_signature(tm, "Other.lines")
    assert sig is not None and sig.returns == T.list_of(T.tuple_of(T.INT, T.STR))
    assert "its other overrides" not in str(sig.returns_provenance[0]) and "other overrides'" in str(sig.returns_provenance[0])
