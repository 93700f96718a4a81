"""`hash()` and `__hash__` (issue 11, packaging's `__hash__` methods): `hash()` of an int, a bool, a
str, a tuple of them (a literal, a field, a computed one such as a property) and of an object with
a `__hash__` gives CPython's value under PYTHONHASHSEED=0, which the differential harness's Python
runs with (pyrt::hash_int, hash_str: SipHash-1-3 over the PEP 393 buffer, hash_tuple: xxHash
lanes); a float is PTL133. A class with its own typed `__hash__` and `__eq__` gets `impl Hash` and
`Eq` from them, so its objects are set items and dict keys as in Python. One crate, verified."""

from __future__ import annotations

import pytest

from portalis.pipeline import translate_path
from portalis.validate.behaviour import VerifyConfig

from conftest import needs_cargo

pytestmark = needs_cargo

SOURCE = '''"""hash() of values and objects."""


class Point:
    def __init__(self, x: int, name: str):
        self.x = x
        self.name = name

    def __hash__(self) -> int:
        return hash((self.x, self.name))

    def key(self) -> int:
        return hash(self.name) ^ hash(self.x)


class Infinity:
    def __repr__(self) -> str:
        return "Infinity"

    def __hash__(self) -> int:
        return hash(repr(self))


def h_str(s: str) -> int:
    return hash(s)


def h_int(n: int) -> int:
    return hash(n)


def h_pair(a: int, b: str) -> int:
    return hash((a, b))


def h_obj(x: int, n: str) -> int:
    return hash(Point(x, n))


def h_nested(a: int, b: str, c: bool) -> int:
    return hash((b, (a, c)))


def h_inf() -> int:
    return hash(Infinity())


class Spec:
    def __init__(self, op: str, version: str):
        self.op = op
        self.version = version

    @property
    def canonical(self) -> tuple[str, str]:
        return (self.op, self.version.lower())

    def __hash__(self) -> int:
        return hash(self.canonical)


def h_spec(op: str, v: str) -> int:
    return hash(Spec(op, v))


def h_float(x: float) -> int:
    return hash(x)


class Tag:
    def __init__(self, name: str, abi: str):
        self.name = name
        self.abi = abi

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Tag):
            return NotImplemented
        return self.name == other.name.lower() and self.abi == other.abi

    def __hash__(self) -> int:
        return hash((self.name, self.abi))


def distinct(names: list[str]) -> int:
    seen = set()
    for n in names:
        seen.add(Tag(n, "x"))
    return len(seen)


def counted(names: list[str]) -> dict[str, int]:
    counts: dict[Tag, int] = {}
    for n in names:
        t = Tag(n.lower(), "abi")
        counts[t] = counts.get(t, 0) + 1
    out: dict[str, int] = {}
    for t, c in counts.items():
        out[t.name] = c
    return out
'''

CONFIG = VerifyConfig(generated_per_function=12, python_timeout_s=0.5, rust_timeout_s=2.0)


@pytest.fixture(scope="module")
def hashed(tmp_path_factory, toolchain):
    root = tmp_path_factory.mktemp("hash_repo")
    pkg = root / "repo" / "hashes"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "h.py").write_text(SOURCE, encoding="utf-8")
    return translate_path(pkg, root / "crate", toolchain, build=False, verify=True, verify_config=CONFIG)


def _functions(run) -> dict[str, dict]:
    return {f["name"]: f for m in run.report["modules"] for f in m["functions"]}


@pytest.mark.parametrize("name", [
    "h_str", "h_int", "h_pair", "h_nested",      # values, tuples of them (nested)
    "Point.__hash__", "Point.key", "h_obj",       # a field tuple; an object's __hash__
    "Infinity.__hash__", "h_inf",                 # packaging's `hash(repr(self))`
    "Spec.__hash__", "h_spec",                    # a computed tuple (a property)
    "Tag.__hash__", "distinct", "counted",        # objects as set items and dict keys
])
def test_hash_is_verified(hashed, name) -> None:
    assert hashed.report["crate"]["compiles"] is True
    f = _functions(hashed)[name]
    assert f["status"] == "verified", f


def test_a_float_hash_is_refused(hashed) -> None:
    f = _functions(hashed)["h_float"]
    assert f["status"] == "untranslated" and f["reason"]["code"] == "PTL133" and "float" in f["reason"]["message"], f


def test_hash_and_eq_become_the_traits(hashed) -> None:
    rust = (hashed.out_dir / "src" / "hashes" / "h.rs").read_text(encoding="utf-8")
    assert "impl std::hash::Hash for Tag {" in rust and "impl Eq for Tag {}" in rust
    # Point has a __hash__ but no __eq__ (Python compares its objects by identity): no Hash
    assert "Hash for Point" not in rust
