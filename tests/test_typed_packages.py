"""What typed PyPI packages (issue 11; packaging 25.0 is the model) write and the translation
must not break on. Each case is a pattern taken from the package, reduced; golden checks of
the lowering, no cargo (the corpus run, `benchmarks/corpus.py --corpus pypi --only packaging`,
is where these were rustc errors that quarantined whole classes):

- `self._markers = normalize(parse(marker))` with `normalize(v: Any) -> Any` typed the field
  as the generic callee's `T` (E0425 in the struct, and then every method of `Marker`);
- a class-level annotation with no Rust type (`_key: tuple[Any, ...]`, `CmpKey`) dropped the
  whole class (`Version`) while other modules still built it;
- `a < b` on objects whose `__lt__` is inherited (and takes the base) had no PartialOrd;
- a set of objects (`set[Tag]`) has no Hash;
- `x or platform_tags()` with a callee that raises put a `?` inside a closure;
- `f"{self.url}"` of an Optional[str] printed the repr (`'https://..'`), and of an Optional
  object did not compile.
"""

from __future__ import annotations

import pytest

from portalis.lower.module import lower_module
from portalis.model import ModuleTranslation
from portalis.parse import parse_source, source_module_from_text

from conftest import DiffRun, needs_cargo, run_differential, type_map_of


def _lowered(source: str) -> tuple[dict[str, str], ModuleTranslation]:
    parsed = parse_source(source_module_from_text("sample", source), source)
    tm = type_map_of(source)
    out = lower_module(parsed, tm, {"sample": tm}, None)
    return {i.name: i.code for i in out.items}, out


def _diag(out: ModuleTranslation, function: str) -> list[tuple[str, str]]:
    return [(d.code, d.message) for d in out.diagnostics if d.function == function]


GENERIC_FIELD = '''
from typing import Any


def normalize(results: Any) -> Any:
    return results


class Marker:
    def __init__(self, marker: str) -> None:
        self._markers = normalize(parse(marker))

    def __repr__(self) -> str:
        return f"<Marker('{self}')>"

    def __str__(self) -> str:
        return "m"
'''


def test_a_generic_callees_type_parameter_is_no_field_type() -> None:
    code, out = _lowered(GENERIC_FIELD)
    struct = code["Marker"]
    assert "pub _markers: crate::pyrt::Opaque" in struct and ": T" not in struct
    assert "format!(\"<Marker('{}')>\", self.__str__())" in code["Marker.__repr__"]
    assert any(c == "PTL112" for c, _ in _diag(out, "Marker"))
    # `Marker(...)` would only reach __init__'s todo!(): `new` says so instead of failing
    assert "todo!" in code["Marker.new"]
    assert any("runs `Marker.__init__`, which is not translated" in m for _, m in _diag(out, "Marker.new"))
    status = {i.name: i.status.value for i in out.items}
    assert status["Marker.new"] == "untranslated" and status["Marker.__repr__"] == "translated"


UNSUPPORTED_FIELD = '''
from typing import Any, Callable


class BaseVersion:
    _key: tuple[Any, ...]

    def __hash__(self) -> int:
        return hash(self._key)


class Version(BaseVersion):
    _check: Callable[..., int]

    def __init__(self, version: str) -> None:
        self.text = version

    def name(self) -> str:
        return self.text.upper()


def build(s: str) -> str:
    return Version(s).name()
'''


def test_a_field_annotated_with_an_unsupported_type_holds_the_placeholder() -> None:
    code, out = _lowered(UNSUPPORTED_FIELD)
    # the classes keep their structs and what does not touch the field translates
    assert "pub _key: crate::pyrt::Opaque" in code["BaseVersion"]
    assert "pub text: String" in code["Version"] and "pub _check: crate::pyrt::Opaque" in code["Version"]
    assert "todo!" not in code["Version.name"] and "Version::new(s).name()" in code["build"].replace("\n", "")
    # the method touching it says which annotation has no Rust type
    hashed = _diag(out, "BaseVersion.__hash__")
    assert hashed and hashed[0][0] == "PTL111" and "_key" in hashed[0][1] and "placeholder" in hashed[0][1]
    assert any(c == "PTL111" and "BaseVersion._key" in m for c, m in _diag(out, "BaseVersion"))


ORDERING = '''
class Base:
    def __init__(self, n: int) -> None:
        self.n = n

    def __lt__(self, other: "Base") -> bool:
        return self.n < other.n


class Version(Base):
    pass


def older(a: Version, b: Version) -> bool:
    return a < b


def older_base(a: Base, b: Base) -> bool:
    return a < b
'''


def test_ordering_objects_needs_the_classs_own_typed_lt() -> None:
    code, out = _lowered(ORDERING)
    assert "todo!" in code["older"]
    assert [c for c, _ in _diag(out, "older")] == ["PTL133"]
    assert "*a < *b" in code["older_base"] and "impl PartialOrd for Base" in code["Base.PartialOrd"]


SETS_OF_OBJECTS = '''
class Tag:
    def __init__(self, name: str) -> None:
        self.name = name


def parse_tag(tag: str) -> frozenset[Tag]:
    tags = set()
    for part in tag.split("."):
        tags.add(Tag(part))
    return frozenset(tags)
'''


def test_a_set_of_objects_is_refused() -> None:
    code, out = _lowered(SETS_OF_OBJECTS)
    assert "todo!" in code["parse_tag"]
    assert any(c == "PTL111" and "Hash" in m for c, m in _diag(out, "parse_tag"))


OR_RAISING = '''
def platform_tags() -> list[str]:
    if not 1:
        raise ValueError("no platform")
    return ["linux"]


def tags(platforms: list[str] | None) -> list[str]:
    return list(platforms or platform_tags())
'''


def test_or_with_a_raising_default_is_a_match() -> None:
    code, _ = _lowered(OR_RAISING)
    body = code["tags"]
    assert "unwrap_or_else" not in body and "None => platform_tags()?" in body


OPTIONAL_STR = '''
from typing import Optional


class Marker:
    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


def describe(url: Optional[str], marker: Optional[Marker]) -> str:
    return f"@ {url}; {marker}"
'''


def test_str_of_an_optional_is_the_str_of_its_value() -> None:
    code, _ = _lowered(OPTIONAL_STR)
    body = " ".join(code["describe"].split())
    assert "py_repr" not in body
    assert "Some(__s1) => __s1.to_string()" in body and "Some(__s2) => __s2.__str__()" in body
    assert 'None => "None".to_string()' in body


NAMES = '''
import typing
from typing import Literal, NewType, cast

NormalizedName = NewType("NormalizedName", str)
EvaluateContext = Literal["metadata", "lock_file", "requirement"]


def canonicalize_name(name: str) -> NormalizedName:
    value = name.replace("_", "-").lower()
    return cast(NormalizedName, value)


def evaluate(name: NormalizedName, context: EvaluateContext = "metadata") -> str:
    return typing.cast("str", name + ":" + context)


def level(n: Literal[1, 2, -3]) -> int:
    return n * 2
'''


def test_newtype_literal_and_cast_are_their_runtime_types() -> None:
    """`NewType("N", str)` is a str at run time, `Literal["a", "b"]` a str, `cast(T, v)` is v."""
    code, out = _lowered(NAMES)
    assert "pub fn canonicalize_name(name: &str) -> String" in code["canonicalize_name"]
    assert "todo!" not in code["canonicalize_name"] and "NormalizedName" not in code["canonicalize_name"]
    assert "pub fn evaluate(name: &str, context: &str) -> String" in code["evaluate"] and "todo!" not in code["evaluate"]
    assert "pub fn level(n: i64) -> i64" in code["level"]
    assert not [d for d in out.diagnostics if d.function in ("canonicalize_name", "evaluate", "level")]


def test_a_literal_of_several_types_is_a_diagnostic() -> None:
    from portalis.types.annotations import AnnotationError, TypeScope, resolve_annotation

    scope = TypeScope.build("m", [], [])
    try:
        resolve_annotation('Literal["a", 1]', scope)
    except AnnotationError as exc:
        assert "several types" in str(exc)
    else:
        raise AssertionError("Literal['a', 1] resolved")


CLASS_NAME = '''
class Node:
    def __init__(self, value: str) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}('{self}')>"

    def __str__(self) -> str:
        return self.value

    def kind(self) -> str:
        return type(self).__name__


class Variable(Node):
    pass


def node_text(v: str) -> str:
    return repr(Variable(v)) + " " + repr(Node(v)) + " " + Variable(v).kind()


class Weekday:
    def __init__(self, weekday: int, n: int = 0) -> None:
        self.weekday = weekday
        self.n = n

    def __call__(self, n: int) -> "Weekday":
        if n == self.n:
            return self
        return self.__class__(self.weekday, n)


def shifted(w: int, n: int) -> int:
    day = Weekday(w, 1)
    return day(n).n * 10 + day(n).weekday
'''


def test_the_class_name_of_an_object_is_its_structs() -> None:
    code, _ = _lowered(CLASS_NAME)
    assert '"Variable"' in code["Variable.__repr__"] and '"Node"' in code["Node.__repr__"]
    assert '"Node".to_string()' in code["Node.kind"]
    assert "Weekday::new(self.weekday, n)" in code["Weekday.__call__"]


COMPARISONS = '''
from typing import Any


class Release:
    def __init__(self, major: int, minor: int, local: str = "") -> None:
        self._key = (major, minor)
        self.local = local

    def __eq__(self, other: object) -> bool:
        """Local labels are not compared (packaging's _key leaves out what it normalises)."""
        if not isinstance(other, Release):
            return NotImplemented
        return self._key == other._key

    def __ne__(self, other: object) -> bool:
        if not isinstance(other, self.__class__):
            return NotImplemented
        return self._key != other._key

    def __lt__(self, other: "Release") -> bool:
        if not isinstance(other, Release):
            return NotImplemented
        return self._key < other._key

    def __le__(self, other: Any) -> bool:
        if not isinstance(other, Release):
            return NotImplemented
        return self._key <= other._key


def same(a: Release, b: Release) -> bool:
    return a == b


def direct(a: Release, b: Release) -> bool:
    return a.__eq__(b) and not a.__ne__(b)


# The differential calls build the objects in the function (the harness passes dataclasses only).
def compare(x: int, y: int, local: str) -> list[bool]:
    a, b = Release(1, x, local), Release(1, y)
    return [a == b, a != b, a < b, a <= b, a > b, a >= b, direct(a, b), a.__le__(b), b.__lt__(a), same(b, a)]
'''

SPECIFIER = '''
class Specifier:
    def __init__(self, spec: str) -> None:
        self._spec = spec
        self.note = ""

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = Specifier(other)
        elif not isinstance(other, Specifier):
            return NotImplemented
        return self._spec == other._spec

    def __lt__(self, other: object) -> bool:
        return self._spec < str(other)


def same(a: Specifier, b: Specifier) -> bool:
    return a == b
'''


def test_an_object_other_behind_an_isinstance_guard_is_the_class() -> None:
    code, out = _lowered(COMPARISONS)
    for name in ("__eq__", "__ne__", "__lt__", "__le__"):
        method = code[f"Release.{name}"]
        assert f"pub fn {name}(&self, other: &crate::sample::Release) -> bool" in method
        assert "NotImplemented" not in method and "todo!" not in method and "isinstance" not in method
        assert not _diag(out, f"Release.{name}")
    assert "impl PartialEq for Release" in code["Release.PartialEq"]
    assert "impl PartialOrd for Release" in code["Release.PartialOrd"]
    assert "derive(Debug, Clone, Default)" in code["Release"]  # == is __eq__, not every field
    assert "*a == *b" in code["same"] and "a.__eq__(b)" in code["direct"]


def test_an_object_other_compared_with_another_type_is_refused() -> None:
    code, out = _lowered(SPECIFIER)
    eq = _diag(out, "Specifier.__eq__")
    assert eq and eq[0][0] == "PTL111" and "`str`" in eq[0][1] and "compares `Specifier` objects only" in eq[0][1]
    lt = _diag(out, "Specifier.__lt__")
    assert lt and "no leading `if not isinstance(other, Specifier): return NotImplemented`" in lt[0][1]
    # `==` would otherwise be derive(PartialEq) over every field (`note` too): not Python's answer
    assert [c for c, _ in _diag(out, "same")] == ["PTL133"] and "todo!" in code["same"]


_GUARD = "    if not isinstance(other, C):\n        return NotImplemented\n"


@pytest.mark.parametrize("method, expected", [
    ('def __eq__(self, other: object) -> bool:\n    """doc"""\n    if not isinstance(other, (C,)):\n'
     "        return NotImplemented\n    return True", "guard"),
    ("def __lt__(self, other: typing.Any) -> bool:\n    if not isinstance(other, type(self)):\n"
     "        return NotImplemented\n    return True", "guard"),
    ("def __eq__(self, other: Any) -> bool:\n    return isinstance(other, C)", None),  # stays a type parameter
    ("def __eq__(self, other: 'C') -> bool:\n    return True", None),
    ("def __eq__(self, other: object, /) -> bool:\n    return True", None),
    ("def __add__(self, other: object) -> bool:\n" + _GUARD + "    return True", None),
    ("def __eq__(self, other: object) -> bool:\n" + _GUARD + "    if isinstance(other, D):\n        return False\n"
     "    return True", "`D`"),
    ("def __eq__(self, other: object) -> bool:\n" + _GUARD + "    if other.x:\n        return NotImplemented\n"
     "    return True", "past its guard"),
])
def test_which_comparison_others_are_the_class(method: str, expected: str | None) -> None:
    import libcst as cst

    from portalis.analysis.comparisons import comparison_other

    node = cst.parse_module(method + "\n").body[0]
    assert isinstance(node, cst.FunctionDef)
    fact = comparison_other(node, "C")
    if expected is None:
        assert fact is None
    elif expected == "guard":
        assert fact is not None and fact.guard is node.body.body[-2] and fact.problem is None
    else:
        assert fact is not None and fact.guard is None and expected in (fact.problem or "")


# The same patterns built and run against CPython (one cargo build for the file).
DIFF_SRC = NAMES + OR_RAISING + CLASS_NAME + COMPARISONS + '''

def url_part(url: Optional[str], n: Optional[int]) -> str:
    return f"@ {url} {n}"


def reprs(url: Optional[str], n: Optional[float]) -> str:
    return repr(url) + f" {url!r} {n!r} {n}"


def pick(xs: list[str] | None) -> str:
    return ",".join(xs or ["none"])
'''
DIFF_SRC = "from typing import Optional\n" + DIFF_SRC
DIFF_CALLS = [
    "canonicalize_name('Foo_Bar')",
    "evaluate('pkg', 'lock_file')",
    "level(-3)",
    "tags(None)",
    "tags(['x', 'y'])",
    "tags([])",
    "url_part('https://x.org/a', 3)",
    "url_part(None, None)",
    "url_part('', 0)",
    "pick(None)",
    "pick(['a', 'b'])",
    "node_text('x')",
    "reprs('a', 2.0)",
    "reprs(None, None)",
    "shifted(3, 1)",
    "shifted(3, -2)",
    "compare(2, 2, 'a')",
    "compare(2, 3, '')",
    "compare(3, 2, 'b')",
]


@pytest.fixture(scope="module")
def diff(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(DIFF_SRC, DIFF_CALLS, tmp_path_factory.mktemp("typed"), toolchain)


@needs_cargo
def test_the_patterns_translate(diff: DiffRun) -> None:
    module = diff.module_report()
    bad = {f["name"]: f["status"] for f in module["functions"] if f["status"] != "translated"}
    assert not bad, (bad, module["diagnostics"])


@needs_cargo
@pytest.mark.parametrize("call", DIFF_CALLS)
def test_the_patterns_match_cpython(diff: DiffRun, call: str) -> None:
    diff.check(call)


SLOTTED = '''
class Tag:
    __slots__ = ["_interpreter", "_abi"]

    def __init__(self, interpreter: str, abi: str) -> None:
        self._interpreter = interpreter
        self._abi = abi
'''


def test_a_slotted_objects_fields_are_encoded_for_the_harness(tmp_path, monkeypatch) -> None:
    """packaging's `Tag` has `__slots__`: with the translation's field list its instances are
    compared and passed like any plain object (they were 'cannot encode Tag': untested)."""
    import importlib.util

    from portalis.validate import worker

    (tmp_path / "slotted_tag.py").write_text(SLOTTED)
    spec = importlib.util.spec_from_file_location("slotted_tag", tmp_path / "slotted_tag.py")
    mod = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(__import__("sys").modules, "slotted_tag", mod)
    spec.loader.exec_module(mod)
    monkeypatch.setattr(worker, "_ROOTS", [str(tmp_path) + "/"])
    monkeypatch.setattr(worker, "_FIELDS", {})
    tag = mod.Tag("cp311", "abi3")
    assert not worker._plain_instance(tag)  # no field list: vars() cannot see slots
    worker._FIELDS["slotted_tag:Tag"] = ["_interpreter", "_abi"]
    assert worker.encode(tag) == {"class": "slotted_tag:Tag", "fields": [["_interpreter", "cp311"], ["_abi", "abi3"]]}
    back = worker.decode(worker.encode(tag))
    assert (back._interpreter, back._abi) == ("cp311", "abi3")
    assert worker.canonical(tag, [100]) == {"__class__": "Tag", "_abi": "abi3", "_interpreter": "cp311"}


def test_arguments_that_cannot_be_copied_make_the_case_unrepresentable() -> None:
    """dateutil's tzfile, built by the harness without its attributes, raises AttributeError in
    its `__reduce_ex__`: the worker process died on `copy.deepcopy` ('the Python process
    died'); now that case alone is unrepresentable and the run goes on."""
    from portalis.validate import worker

    class Broken:
        def __reduce_ex__(self, protocol):
            return self._missing

    out = worker._once(lambda x: 1, [Broken()], [], 0, 5.0)
    assert out["kind"] == "unrepresentable" and "cannot be copied: AttributeError" in out["message"]
