"""Python values on both sides of a differential test.

- `canonical(value)`: the comparable form of a Python value, the same form the Rust side prints
  (ints, floats, str, bool, None, lists, tuples, dicts in iteration order, sets, dataclasses as
  tagged dicts `{'__class__': 'Item', 'sku': ...}`).
- `same(a, b)`: strict structural comparison of canonical values (1 != 1.0 != True, dict order
  matters), floats optionally within a relative tolerance.
- `RustLiterals`: renders a Python value as a Rust expression of the owned Rust type that the
  translator gives a Python type (`PyType`), for the argument lists of generated test cases.
- `encode_value` / `decode_value`: a lossless JSON form of argument values (tuples, sets, dicts
  with any keys, dataclass instances, nan/inf) so they can cross a process boundary without
  pickling objects of the repository under test.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from portalis.model import ModuleTypeMap, PyType, TypedField
from portalis.rust.printer import print_expr, print_type
from portalis.rust.values import NoRustValue, reroot, value_expr
from portalis.types.rust_types import owned_type
from portalis.validate.worker import LIBRARY_NAMES, _fixed_zone, decode_library, encode_library


@dataclass(frozen=True)
class Raised:
    """A call that raised (Python) or panicked / returned Err (Rust): compared by exception name."""

    kind: str


@dataclass(frozen=True)
class PathValue:
    """A value of a path class (portalis/path_types.py) without the class itself: `cls` is
    "module:qualname", `root` the name the root prints as, `parts` its names. It compares as
    the tuple of its names (as the Python value does), and is PyPath::new(root, parts) in Rust."""

    cls: str
    root: str
    parts: tuple[str, ...]

    def __repr__(self) -> str:
        return self.root + "".join("." + p for p in self.parts)


@dataclass(frozen=True)
class ClassObjectValue:
    """A class object of the repository (`type[A | B]`'s values, portalis/lower/class_objects.py)
    without the class itself: "module" and "name". The worker passes the class; Rust, its
    variant of the class-object enum."""

    module: str
    name: str

    def __repr__(self) -> str:
        return self.name


@dataclass(frozen=True, repr=False)
class ClassValue:
    """An instance of a translated dataclass without the class itself: what `decode_value` gives
    for a dataclass and what strategies build. `fields` are in declaration order."""

    module: str
    name: str
    fields: tuple[tuple[str, Any], ...]

    def __repr__(self) -> str:
        return f"{self.name}({', '.join(f'{k}={v!r}' for k, v in self.fields)})"

    def get(self, field: str) -> Any:
        for k, v in self.fields:
            if k == field:
                return v
        raise KeyError(field)


def canonical(value: object) -> object:
    """A Python value in the comparable form the Rust harness prints."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, float, str)):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)  # both are Vec<u8> in the Rust, printed as a bytes literal
    if isinstance(value, list):
        return [canonical(v) for v in value]
    if isinstance(value, PathValue):
        return value.parts
    if isinstance(value, ClassObjectValue):
        return f"<class '{value.module}.{value.name}'>"
    if isinstance(value, tuple):
        return tuple(canonical(v) for v in value)
    if isinstance(value, dict):
        return {canonical(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return {canonical(v) for v in value}
    if isinstance(value, ClassValue):
        return {"__class__": value.name, **{k: canonical(v) for k, v in value.fields}}
    library = library_canonical(value)
    if library is not None:
        return library
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict = {"__class__": type(value).__name__}
        for f in dataclasses.fields(value):
            out[f.name] = canonical(getattr(value, f.name))
        return out
    raise TypeError(f"no canonical form for {type(value).__name__} {value!r:.80}")


def library_canonical(value: object) -> dict | None:
    """A date, timedelta, naive datetime or Fraction: its class and repr (the Rust harness
    prints the runtime type's repr, which is Python's); None for other values."""
    name = LIBRARY_NAMES.get(type(value))
    if name is None or not _fixed_zone(value) or (name == "time" and getattr(value, "tzinfo", None) is not None):
        return None
    return {"__class__": name, "repr": repr(value)}


LIBRARY_KEYS = ("date", "datetime", "time", "timedelta", "timezone", "fraction", "decimal", "re_match")


def same(a: object, b: object, rel_tol: float = 0.0) -> bool:
    """Strict structural equality: types must match (1 != 1.0 != True), dicts compare in order.
    Floats are equal when identical (nan == nan, 0.0 != -0.0) or, with rel_tol > 0, within that
    relative tolerance of each other (same sign and same infinities)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        assert isinstance(b, float)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if a == b:
            return math.copysign(1, a) == math.copysign(1, b)
        return rel_tol > 0 and math.isfinite(a) and math.isfinite(b) and math.isclose(a, b, rel_tol=rel_tol)
    if isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple))
        return len(a) == len(b) and all(same(x, y, rel_tol) for x, y in zip(a, b))
    if isinstance(a, dict):
        assert isinstance(b, dict)
        return len(a) == len(b) and all(
            same(ka, kb, rel_tol) and same(va, vb, rel_tol) for (ka, va), (kb, vb) in zip(a.items(), b.items())
        )
    return a == b


# ---------------------------------------------------------------- Rust literals


class RenderError(TypeError):
    """A value that has no Rust literal of the wanted type (the case is skipped, not the run)."""


class RustLiterals:
    """Renders Python values as Rust expressions of the owned Rust type of a Python type
    (portalis/rust/values.py builds the expression, the printer prints it).

    `crate` is the crate's name (types print as `crate::m::T` inside the crate and as
    `<crate>::m::T` from an example program); `type_maps` give the fields of dataclasses."""

    def __init__(self, crate: str, type_maps: dict[str, ModuleTypeMap]) -> None:
        self.crate = crate
        self.type_maps = type_maps

    def rust_type(self, t: PyType) -> str:
        return print_type(reroot(owned_type(t), self.crate))

    def owned(self, value: object, t: PyType) -> str:
        """A Rust expression of type `owned_type(t)` equal to `value`; RenderError if none."""
        try:
            return print_expr(value_expr(value, t, classes=self._fields, root=self.crate, suffixed=True))
        except NoRustValue as exc:
            raise RenderError(str(exc)) from exc

    def _fields(self, t: PyType) -> list[TypedField] | None:
        tm = self.type_maps.get(t.module or "")
        cls = tm.cls(t.name or "") if tm else None
        from portalis.validate.methods import instance_class

        if not instance_class(cls):
            return None
        return list(cls.fields)


# ---------------------------------------------------------------- transport


def encode_value(value: object) -> Any:
    """A JSON-serialisable, lossless form of an argument value (see decode_value)."""
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
        return {"bigint": str(value)}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (bytes, bytearray)):
        return {"bytes": value.hex(), "mutable": isinstance(value, bytearray)}
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return {"float": repr(value)}
    if isinstance(value, list):
        return [encode_value(v) for v in value]
    if isinstance(value, PathValue):
        return {"path": [value.cls, value.root, list(value.parts)]}
    if isinstance(value, ClassObjectValue):
        return {"classobj": f"{value.module}:{value.name}"}
    if isinstance(value, tuple):
        return {"tuple": [encode_value(v) for v in value]}
    if isinstance(value, dict):
        return {"dict": [[encode_value(k), encode_value(v)] for k, v in value.items()]}
    if isinstance(value, (set, frozenset)):
        return {"set": [encode_value(v) for v in value]}
    if isinstance(value, ClassValue):
        return {"class": f"{value.module}:{value.name}", "fields": [[k, encode_value(v)] for k, v in value.fields]}
    library = encode_library(value)
    if library is not None:
        return library
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        return {
            "class": f"{cls.__module__}:{cls.__name__}",
            "fields": [[f.name, encode_value(getattr(value, f.name))] for f in dataclasses.fields(value)],
        }
    raise TypeError(f"cannot encode {type(value).__name__}")


def decode_value(data: Any, make_class: Any = None) -> object:
    """The value `encode_value` encoded. Dataclasses come back as ClassValue unless
    `make_class(module, name, fields: dict)` builds the real instance."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode_value(v, make_class) for v in data]
    if "float" in data:
        return float(data["float"])
    if "bytes" in data:
        value = bytes.fromhex(data["bytes"])
        return bytearray(value) if data.get("mutable") else value
    if "bigint" in data:
        return int(data["bigint"])
    if "tuple" in data:
        return tuple(decode_value(v, make_class) for v in data["tuple"])
    if "path" in data:
        cls, root, parts = data["path"]
        return PathValue(cls, root, tuple(parts))
    if "classobj" in data:
        module, name = data["classobj"].split(":", 1)
        return ClassObjectValue(module, name)
    if "dict" in data:
        return {decode_value(k, make_class): decode_value(v, make_class) for k, v in data["dict"]}
    if "set" in data:
        return {decode_value(v, make_class) for v in data["set"]}
    if any(key in data for key in LIBRARY_KEYS):
        return decode_library(data)
    if "class" in data:
        module, name = data["class"].split(":", 1)
        fields = tuple((k, decode_value(v, make_class)) for k, v in data["fields"])
        if make_class is not None:
            return make_class(module, name, dict(fields))
        return ClassValue(module=module, name=name, fields=fields)
    raise ValueError(f"not an encoded value: {data!r:.80}")
