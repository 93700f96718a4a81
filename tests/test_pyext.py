"""The translation as a Python extension module (portalis/pyext/): one real maturin build of a
small repository's crate, shared by the module, with one verified function hand-edited wrong in
the Rust before the build; then the repository's own tests run on Python and on the Rust.

The build is a debug build in the session's CARGO_TARGET_DIR, so pyo3 compiles once per session.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portalis.cli import build_parser
from portalis.pipeline import REPORT_NAME, translate_path
from portalis.pyext.build import build_extension
from portalis.pyext.emit import render_cargo, render_lib, write_extension
from portalis.pyext.extension import check_extension_dir, make_extension
from portalis.pyext.plan import plan_extension
from portalis.pyext.repo import swappable
from portalis.pyext.swap import compare, demote
from portalis.validate.behaviour import VerifyConfig

from conftest import needs_cargo

pytestmark = [needs_cargo, pytest.mark.skipif(shutil.which("maturin") is None and not (Path(sys.executable).parent / "maturin").exists(),
                                              reason="maturin is needed")]

CORE = '''\
from dataclasses import dataclass


class OutOfStock(Exception):
    pass


@dataclass
class Item:
    sku: str
    qty: int


def add(a: int, b: int) -> int:
    return a + b


def double(x: int) -> int:
    return x * 2


def tally(words: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    return counts


def kept(words: list[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        if w:
            out.append(w)
    return out


def relabel(d: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for k in d:
        out[k] = d[k] + 1
    return out


def take(item: Item, n: int) -> Item:
    if n > item.qty:
        raise OutOfStock("only " + str(item.qty))
    return Item(item.sku, item.qty - n)


def parse(s: str) -> int:
    if not s.isdigit():
        raise ValueError("not a number: " + s)
    return int(s)


def lookup(d: dict[str, int], k: str) -> int:
    return d[k]


def push(xs: list[int], x: int) -> None:
    xs.append(x)


def factorial(n: int) -> int:
    """A product accumulated in a loop: the translation's ints are num_bigint::BigInt here.

    >>> factorial(30)
    265252859812191058636308480000000
    """
    f = 1
    for i in range(2, n + 1):
        f *= i
    return f


def power(b: int, e: int) -> int:
    return b ** (e % 8)


def total(xs: list[int]) -> int:
    """A tuple where the translation takes a list: no Rust literal, but the extension takes it.

    >>> total((1, 2, 3))
    6
    """
    s = 0
    for x in xs:
        s += x
    return s


def shout(s: str) -> None:
    print(s + "!")


class Counter:
    """A tally with a label: swapped whole (a #[pyclass])."""

    def __init__(self, label: str, start: int = 0) -> None:
        self.label = label
        self.count = start

    def bump(self, n: int) -> int:
        self.count += n
        return self.count

    @property
    def twice(self) -> int:
        return self.count * 2

    @staticmethod
    def zero() -> "Counter":
        return Counter("zero")

    @classmethod
    def of(cls, label: str, n: int) -> "Counter":
        return cls(label, n)

    def __len__(self) -> int:
        return self.count

    def __repr__(self) -> str:
        return "Counter(" + self.label + ", " + str(self.count) + ")"

    def __eq__(self, other: "Counter") -> bool:
        return self.label == other.label and self.count == other.count


def counted(label: str, n: int) -> Counter:
    c = Counter(label)
    c.bump(n)
    return c


def reset(c: Counter) -> None:
    c.count = 0
'''

TESTS = '''\
import pytest

from pyext_shop.core import Counter, Item, OutOfStock, add, counted, double, parse, push, reset, take, tally


def test_add():
    assert add(2, 3) == 5


def test_double():
    assert double(4) == 8


def test_combo():
    assert add(double(2), 1) == 5


def test_tally_order():
    assert list(tally(["b", "a", "b"]).items()) == [("b", 2), ("a", 1)]


def test_take():
    assert take(Item("a", 5), 2) == Item("a", 3)
    with pytest.raises(OutOfStock):
        take(Item("a", 1), 2)


def test_parse():
    assert parse("12") == 12
    with pytest.raises(ValueError):
        parse("x")


def test_push():
    xs = [1]
    push(xs, 2)
    assert xs == [1, 2]


def test_counter():
    c = Counter("a")
    assert c.bump(2) == 2 and c.bump(3) == 5
    assert (c.label, c.count) == ("a", 5) and repr(c) == "Counter(a, 5)"
    assert c == Counter("a", 5) and c != Counter("b", 5)
    assert counted("x", 4) == Counter("x", 4)
    reset(c)
    assert c.count == 0
'''

CONFIG = VerifyConfig(generated_per_function=8, python_timeout_s=0.5, rust_timeout_s=2.0)


@pytest.fixture(scope="module")
def shop(tmp_path_factory, toolchain, cargo_target_dir):
    """Translated, verified, `double` hand-edited to `x * 3` in the Rust, extension built once."""
    root = tmp_path_factory.mktemp("pyext")
    repo = root / "repo"
    (repo / "pyext_shop").mkdir(parents=True)
    (repo / "pyext_shop" / "__init__.py").write_text("", encoding="utf-8")
    (repo / "pyext_shop" / "core.py").write_text(CORE, encoding="utf-8")
    (repo / "tests").mkdir()
    (repo / "tests" / "test_core.py").write_text(TESTS, encoding="utf-8")
    out = root / "crate"
    run = translate_path(repo, out, toolchain, build=False, verify=True, verify_config=CONFIG)
    rs = out / "src" / "pyext_shop" / "core.rs"
    text = rs.read_text(encoding="utf-8")
    assert "x * 2" in text
    rs.write_text(text.replace("x * 2", "x * 3"), encoding="utf-8")  # wrong, after verification
    started = time.perf_counter()
    plan, ext = make_extension(out, run.report_crate_name, run.type_maps, run.report, target_dir=cargo_target_dir, release=False)
    assert ext.ok, (ext.problems, ext.build)
    return {"run": run, "repo": repo, "out": out, "plan": plan, "ext": ext, "build_s": time.perf_counter() - started,
            "target": cargo_target_dir}


@pytest.fixture(scope="module")
def swapped(shop):
    statuses = swappable(shop["plan"], shop["run"].report)
    result = compare(shop["repo"], shop["plan"].module_name, shop["ext"].build.lib_dir, statuses)
    demoted = demote(shop["out"] / REPORT_NAME, result)
    return result, demoted


DIRECT = '''
import json, sys
import {module} as ext
from pyext_shop.core import Item, OutOfStock
core = ext.pyext_shop.core
out = {{}}
def outcome(f, *a):
    try:
        return ["ok", repr(f(*a))]
    except BaseException as e:
        return [type(e).__module__ + "." + type(e).__name__, str(e)]
out["parse"] = outcome(core.parse, "x")
out["take"] = outcome(core.take, Item("a", 1), 2)
out["lookup"] = outcome(core.lookup, {{}}, "k")
out["take_ok"] = [type(core.take(Item("a", 5), 2)) is Item, core.take(Item("a", 5), 2) == Item("a", 3)]
out["relabel"] = list(core.relabel({{"z": 1, "a": 2, "m": 3}}).items())
out["tally"] = list(core.tally(["b", "a", "b"]).items())
# a list the Rust takes by value (consumed: its items moved): the caller's list is untouched
words = ["b", "", "a"]
out["kept"] = [core.kept(words), words]
xs = [1]
core.push(xs, 2)
out["push"] = xs
out["big"] = outcome(core.add, 2 ** 70, 1)
# Functions on BigInt: Python ints of any size both ways (pyo3's num-bigint feature)
import math
f30 = core.factorial(30)
out["bigint"] = [type(f30) is int, f30 == math.factorial(30), core.factorial(0), core.power(2 ** 70, 2) == 2 ** 140,
                 core.power(-(3 ** 50), 3) == -(3 ** 150), outcome(core.power, "x", 2)]
# A class swapped whole: the #[pyclass] keeps the fields, the methods, __repr__ and __eq__.
import pyext_shop.core as py_core
C = core.Counter
c = C("a")
out["class"] = [type(c).__module__, type(c).__name__, c.bump(2), c.bump(3), c.label, c.count, repr(c),
                c == C("a", 5), c != C("a", 5), c == C("b", 5), c == 5, outcome(C, 1)]
out["class_kinds"] = [c.twice, len(c), repr(C.zero()), repr(C.of("o", 3)), outcome(len, C("n", -1))]
c.count = 7
out["class_set"] = [c.count, outcome(setattr, c, "count", "x"), c.count]
# Across the boundary: a Python instance read field by field, changed in place, built back as
# the Python class while it is not swapped, as the #[pyclass] once it is.
p = py_core.Counter("p", 5)
core.reset(p)
core.reset(c)
made = core.counted("x", 4)
out["class_cross"] = [p.count, c.count, type(made) is py_core.Counter, made.bump(1), made.label]
py_core.Counter = C
made = core.counted("x", 4)
out["class_swapped"] = [type(made) is C, made.bump(1), made == C("x", 5), sorted(ext.__portalis_calls__())]
print(json.dumps(out))
'''


@pytest.fixture(scope="module")
def direct(shop):
    """The extension called directly, in a fresh interpreter (not swapped in)."""
    import os

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([shop["ext"].build.lib_dir, str(shop["repo"])]))
    proc = subprocess.run([sys.executable, "-c", DIRECT.format(module=shop["plan"].module_name)], capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_plan_exposes_verified_functions(shop):
    plan = shop["plan"]
    assert plan.module_name == "repo_rs"
    exposed = set(plan.exposed())
    assert {"pyext_shop.core.add", "pyext_shop.core.double", "pyext_shop.core.tally"} <= exposed
    # Every function left out says why, with a code.
    for s in plan.skipped:
        assert s.code.startswith("PTL8") and s.reason
    assert check_extension_dir(Path(shop["ext"].dir), plan.crate_name) == []


def test_a_consumed_list_is_converted_and_left_to_the_caller(direct):
    assert direct["kept"] == [["b", "a"], ["b", "", "a"]]


def test_exceptions_keep_their_classes(direct):
    assert direct["parse"] == ["builtins.ValueError", "not a number: x"]
    assert direct["take"][0] == "pyext_shop.core.OutOfStock"  # the repository's own class
    assert direct["lookup"][0] == "builtins.KeyError"  # a runtime panic, not a PanicException
    assert direct["big"][0] == "builtins.OverflowError"  # past i64: a Python error, not a wrong number


def test_a_big_integer_round_trips(shop, direct):
    """Functions the analysis put on num_bigint::BigInt take and return Python ints of any size:
    pyo3's `num-bigint` feature is on (only because a signature uses BigInt)."""
    assert {"pyext_shop.core.factorial", "pyext_shop.core.power"} <= set(shop["plan"].exposed())
    assert shop["plan"].uses_bigint
    cargo = (Path(shop["ext"].dir) / "Cargo.toml").read_text(encoding="utf-8")
    assert '"extension-module", "num-bigint"' in cargo and 'num-bigint = "=0.4.8"' in cargo
    assert direct["bigint"][:5] == [True, True, 1, True, True]
    assert direct["bigint"][5][0] == "builtins.TypeError"


def test_dicts_keep_order_and_dataclasses_their_fields(direct):
    assert direct["relabel"] == [["z", 2], ["a", 3], ["m", 4]]
    assert direct["tally"] == [["b", 2], ["a", 1]]
    assert direct["take_ok"] == [True, True]
    assert direct["push"] == [1, 2]  # a list changed in place is changed for the caller


def test_class_keeps_its_fields_and_methods(shop, direct):
    """A plain class whose methods are all verified is swapped whole: a #[pyclass] with its
    fields (get and set), its methods, __repr__, __eq__ (and != from it), Python's default for
    `start`; an instance crosses the boundary both ways."""
    plan = shop["plan"]
    assert [c.key for c in plan.swapped_classes()] == ["pyext_shop.core.Counter"]
    # a dataclass crosses by value and is not swapped; its methods (none here) would stay Python
    assert any(s.code == "PTL805" and s.name == "Item" for s in plan.skipped)
    assert direct["class"] == ["pyext_shop.core", "Counter", 2, 5, "a", 5, "Counter(a, 5)", True, False, False, False,
                               ["builtins.TypeError", "argument `label` (str in the translation): expected str"]]
    # a property, a static and a class method, __len__ (a negative length is Python's ValueError)
    assert direct["class_kinds"] == [10, 5, "Counter(zero, 0)", "Counter(o, 3)", ["builtins.ValueError", "__len__() should return >= 0"]]
    assert direct["class_set"][0] == 7 and direct["class_set"][1][0] == "builtins.TypeError" and direct["class_set"][2] == 7
    assert direct["class_cross"] == [0, 0, True, 5, "x"]
    assert direct["class_swapped"] == [True, 5, True, ["pyext_shop.core.Counter"]]


def test_wrong_function_is_caught_and_demoted(shop, swapped):
    result, demoted = swapped
    assert result.python.error is None and result.rust.error is None
    by_id = {t.nodeid.split("::")[-1]: t for t in result.tests}
    assert by_id["test_double"].python == "passed" and by_id["test_double"].rust == "failed"
    assert by_id["test_double"].blamed == ["pyext_shop.core.double"]
    # It called two swapped functions: each was swapped alone, and `add` alone passes.
    assert by_id["test_combo"].touched == ["pyext_shop.core.add", "pyext_shop.core.double"]
    assert by_id["test_combo"].rust == "failed" and by_id["test_combo"].blamed == ["pyext_shop.core.double"]
    for name in ("test_add", "test_tally_order", "test_take", "test_parse", "test_push", "test_counter"):
        assert by_id[name].python == by_id[name].rust == "passed", (name, by_id[name].failure)
    # the class swapped whole: the test used it (its calls counter moved), with the functions taking it
    assert {"pyext_shop.core.Counter", "pyext_shop.core.counted", "pyext_shop.core.reset"} <= set(by_id["test_counter"].touched)
    fns = {f.name: f for f in result.functions}
    assert fns["pyext_shop.core.double"].demoted and fns["pyext_shop.core.double"].tests_calling == 2
    assert fns["pyext_shop.core.double"].tests_failing == 2
    assert not fns["pyext_shop.core.add"].demoted and fns["pyext_shop.core.add"].tests_calling == 2
    assert demoted == ["pyext_shop.core.double"]
    report = json.loads((shop["out"] / REPORT_NAME).read_text(encoding="utf-8"))
    status = {f["name"]: f for m in report["modules"] for f in m["functions"]}
    assert status["double"]["status"] == "failed" and status["double"]["reason"]["code"] == "PTL816"
    assert status["add"]["status"] == "verified"
    assert report["repo_tests"]["rust"]["failed"] == 2
    before = shop["run"].report["verification"]
    assert report["verification"]["verified"] == before["verified"] - 1
    assert report["verification"]["failed"] == before["failed"] + 1
    assert fns["pyext_shop.core.Counter"].tests_calling == 1 and not fns["pyext_shop.core.Counter"].demoted
    assert result.summary_line() == f"tests on Rust: 6/8 pass, {len(result.functions)} functions swapped"


def test_swap_can_be_turned_off_per_function(shop):
    """`--keep-python pkg.mod.f` (compare's keep_python) drops it from the swapped list: the
    suite then runs it on Python and its test passes. One pytest run: the Rust side."""
    from portalis.pyext.swap import run_suite

    exposed = [f"{f.module}.{f.name}" for f in shop["plan"].functions]
    kept = [f for f in exposed if f != "pyext_shop.core.double"]
    res = run_suite(shop["repo"], shop["plan"].module_name, shop["ext"].build.lib_dir, kept, swap=True)
    assert "pyext_shop.core.double" not in res["swapped"] and "pyext_shop.core.add" in res["swapped"]
    assert all(t["outcome"] == "passed" for t in res["tests"].values()), res["tests"]
    assert "pyext_shop.core.double" not in res["calls"] and res["calls"]["pyext_shop.core.add"]


def test_unchanged_crate_is_not_rebuilt(shop):
    ext_dir = Path(shop["ext"].dir)
    lib = ext_dir / "src" / "lib.rs"
    before = lib.stat().st_mtime_ns
    write_extension(shop["out"], shop["plan"])  # the same plan: nothing rewritten
    assert lib.stat().st_mtime_ns == before
    again = build_extension(ext_dir, target_dir=shop["target"], release=False)
    assert again.ok and again.cached and again.lib_dir == shop["ext"].build.lib_dir
    # A release build is another output: not taken for the debug one.
    plan_all = plan_extension(shop["plan"].crate_name, shop["run"].type_maps, shop["run"].report, include_all=True)
    assert set(shop["plan"].exposed()) <= set(plan_all.exposed())


def test_emitted_rust_has_no_unsafe_and_wraps_every_call(shop):
    text = render_lib(shop["plan"])
    assert "#![forbid(unsafe_code)]" in text and "unsafe " not in text.replace("forbid(unsafe_code)", "")
    calls = len(shop["plan"].functions) + sum(len(c.methods) for c in shop["plan"].swapped_classes())
    assert text.count("catch_unwind") == calls
    lib = Path(shop["ext"].dir) / "src" / "lib.rs"
    fmt = subprocess.run(["rustfmt", "--edition", "2021", "--check", str(lib)], capture_output=True, text=True, timeout=60)
    assert fmt.returncode == 0, fmt.stdout[-2000:]
    assert not (Path(shop["ext"].dir) / "build.rs").exists()


def test_cli_parses_the_new_commands():
    args = build_parser().parse_args(["test", "--repo", "r", "--all", "--keep-python", "m.f", "--keep-python", "m.g"])
    assert args.all and args.keep_python == ["m.f", "m.g"]
    args = build_parser().parse_args(["translate", "p", "--out", "o", "--python-all"])
    assert args.python_all and not args.python


def test_python_extension_asset_materializes_with_the_repo_tests(shop, tmp_path):
    """The Dagster asset (after rust_crate): the same core call; its metadata carries the result."""
    import dagster as dg

    from portalis.model import FunctionReport, FunctionStatus, ModuleValidation
    from portalis.store import Store
    from portalis_assets.extension import python_extension
    from resources import DuckDBStoreResource, RustToolchainResource, SourceRepoResource

    (tmp_path / "target").symlink_to(shop["target"], target_is_directory=True)  # the session's: pyo3 stays compiled
    # The rows the UI reads, as validation_report left them: `double` verified (before the edit).
    db = Store(tmp_path / "portalis.duckdb")
    for m in shop["run"].report["modules"]:
        db.put_validation(ModuleValidation(module=m["module"], compiles=True, functions=[
            FunctionReport(name=f["name"], qualname=f["qualname"], status=FunctionStatus(f["status"])) for f in m["functions"]]))
    result = dg.materialize(
        [python_extension],
        resources={"source_repo": SourceRepoResource(root=str(shop["repo"])),
                   "rust_toolchain": RustToolchainResource(crate_dir=str(shop["out"]), work_dir=str(tmp_path)),
                   "store": DuckDBStoreResource(path=str(tmp_path / "portalis.duckdb"))},
        run_config={"ops": {"python_extension": {"config": {"all": True, "release": False,
                                                             "keep_python": ["pyext_shop.core.double"]}}}},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    md = result.asset_materializations_for_node("python_extension")[0].metadata
    assert md["built"].value is True
    # `double` (wrong in the Rust) left on Python: the suite passes on the rest of the Rust.
    assert md["kept_python"].value == ["pyext_shop.core.double"]
    swapped = md["swapped"].value
    assert md["tests_on_rust"].value == f"tests on Rust: 8/8 pass, {swapped} functions swapped" and swapped >= 8
    assert md["rust_failed"].value == 0 and md["python_failed"].value == 0
    check = result.get_asset_check_evaluations()[0]
    assert check.check_name == "repo_tests_on_rust" and check.passed
    # Validated through the extension first: the hand-edited `double` differs (the report file
    # already had it demoted by the repository's tests), and the UI's row, verified until now, says so.
    assert md["validated_through_extension"].value["counts"]["failed"] >= 1
    row = {f.name: f for f in db.get_validations(["pyext_shop.core"])["pyext_shop.core"].functions}
    assert row["double"].status is FunctionStatus.FAILED and row["double"].verified_via == "extension" and row["double"].detail
    assert row["add"].status is FunctionStatus.VERIFIED and row["add"].verified_via == "extension"
    assert db.rows("validation_report", ["pyext_shop.core"])["pyext_shop.core"]["failed"] >= 1


def test_validation_through_the_extension(shop):
    """The Rust called with the same Python objects as the original: the hand-edited `double`
    (verified by the literal harness before the edit) fails, the doctest passing a tuple to
    `total` (a case with no Rust literal) runs, and the report says which path verified what."""
    import copy

    from portalis.pyext.verify import apply_to_report, verify_through_extension

    run = shop["run"]
    assert {"double", "total"} <= {f.name for f in shop["plan"].functions}
    validation = verify_through_extension(shop["repo"], run.type_maps, shop["plan"], Path(shop["ext"].build.lib_dir), CONFIG)
    assert validation.refused is None
    by_name = {v.function: v for v in validation.verdicts}
    assert by_name["double"].status == "failed" and "Rust returned" in by_name["double"].detail
    assert by_name["add"].status == "verified" and by_name["add"].cases_total >= 1
    assert by_name["total"].status == "verified" and by_name["total"].unrenderable >= 1
    assert by_name["parse"].status == "verified"  # ValueError on both sides: an exception matches by class
    assert by_name["shout"].status == "verified"  # what the Rust prints (its fd 1) compared with Python's print
    report = copy.deepcopy(run.report)
    changed = apply_to_report(report, validation)
    assert changed == {"pyext_shop.core.double": "verified -> failed"}
    fns = {f["name"]: f for m in report["modules"] for f in m["functions"]}
    assert fns["double"]["status"] == "failed" and fns["double"]["reason"]["code"] == "PTL817"
    assert fns["total"]["verified_via"] == "extension" and fns["add"]["verified_via"] == "extension"
    assert report["verification"]["failed"] == run.report["verification"]["failed"] + 1
    assert report["extension_validation"]["counts"]["failed"] == 1


KINDS = '''\
class Box:
    def __init__(self, w: int, h: int = 1) -> None:
        self.w = w
        self.h = h

    @property
    def area(self) -> int:
        return self.w * self.h

    @staticmethod
    def unit() -> "Box":
        return Box(1, 1)

    @classmethod
    def square(cls, n: int) -> "Box":
        return cls(n, n)

    def __len__(self) -> int:
        return self.w

    def __lt__(self, other: "Box") -> bool:
        return self.w * self.h < other.w * other.h


class Walk:
    def __init__(self, n: int) -> None:
        self.n = n

    def __iter__(self):
        return iter(range(self.n))


class Big(Box):
    def __init__(self, w: int) -> None:
        self.w = w
        self.h = 100
'''


def test_which_classes_are_swapped_whole(tmp_path):
    """The plan, without a build: every kind of method a #[pyclass] carries; a class with
    another special method or a base class is not swapped (PTL805) and its methods say why
    (PTL803); unverified methods keep a class on Python unless --python-all."""
    (tmp_path / "kinds.py").write_text(KINDS, encoding="utf-8")
    run = translate_path(tmp_path / "kinds.py", tmp_path / "crate", build=False)
    plan = plan_extension(run.report_crate_name, run.type_maps, run.report)  # nothing verified: nothing swapped
    assert plan.swapped_classes() == []
    assert any(s.code == "PTL805" and s.name == "Box" and "not verified" in s.reason for s in plan.skipped)
    plan = plan_extension(run.report_crate_name, run.type_maps, run.report, include_all=True)
    assert [c.name for c in plan.swapped_classes()] == ["Box"]
    why = {s.name: (s.code, s.reason) for s in plan.skipped}
    assert why["Walk"][0] == "PTL805" and "`Walk.__iter__`" in why["Walk"][1]
    assert why["Big"][0] == "PTL805" and "no base" in why["Big"][1]
    assert why["Walk.__iter__"][0] == "PTL803"
    # no signature on BigInt: pyo3's num-bigint feature stays off
    assert not plan.uses_bigint and "num-bigint" not in render_cargo(plan)
    text = render_lib(plan)
    for piece in ('#[pyclass(name = "Box", module = "kinds", subclass)]', "#[getter(w)]", "#[setter(h)]",
                  "#[pyo3(signature = (w, h=None))]", 'or_default(py, "kinds", h, "1")', "#[getter(area)]",
                  "#[staticmethod]", "#[classmethod]", "fn __len__(&self, py: Python<'_>) -> PyResult<usize>",
                  "Err(_) => return Ok(py.NotImplemented())", "m.add_class::<C_kinds_box>()?;"):
        assert piece in text, piece


def test_a_class_failing_the_tests_demotes_its_methods(tmp_path):
    """A class swapped whole that a test fails on: the tests do not say which method, so each
    of its methods leaves `verified` (PTL816); other functions stay."""
    from portalis.pyext.swap import RepoTestReport, SuiteRun, SwappedFunction, TestOutcome

    report = {"modules": [{"module": "m", "functions": [
        {"name": "Box.__init__", "qualname": "Box.__init__", "status": "verified"},
        {"name": "Box.area", "qualname": "Box.area", "status": "verified"},
        {"name": "f", "qualname": "f", "status": "verified"}]}],
        "verification": {"verified": 3, "failed": 0, "untested": 0}}
    path = tmp_path / REPORT_NAME
    path.write_text(json.dumps(report), encoding="utf-8")
    result = RepoTestReport(python=SuiteRun(side="python", passed=1), rust=SuiteRun(side="rust", failed=1),
                            tests=[TestOutcome(nodeid="t::test_box", python="passed", rust="failed", touched=["m.Box"], blamed=["m.Box"])],
                            functions=[SwappedFunction(name="m.Box", status="verified", tests_calling=1, tests_failing=1, demoted=True),
                                       SwappedFunction(name="m.f", status="verified")])
    assert demote(path, result) == ["m.Box"]
    after = {f["qualname"]: f for f in json.loads(path.read_text(encoding="utf-8"))["modules"][0]["functions"]}
    assert after["Box.__init__"]["status"] == after["Box.area"]["status"] == "failed"
    assert after["Box.area"]["reason"]["code"] == "PTL816" and after["f"]["status"] == "verified"
