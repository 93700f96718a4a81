"""Runs Python originals on test cases, in a subprocess of its own: `python worker.py JOB RESULTS`.

Standard library only, and not imported as part of portalis: it runs inside the interpreter that
imports the repository under test, so it must not bring anything of ours into that process
(which is also why it has its own small copies of the value encoding of `literals.py`; the
library values' transport is defined here only, and `literals.py` imports it).

JOB is a JSON file: {"paths": [...], "timeout_s": float, "import_timeout_s": float, "repeat": int,
"skip_functions": [...], "fields": the plain classes' field table of every case leaving its own out, "rust": {"module:function": [extension module, module, function]},
"extension_paths": [...] (both optional: the extension's function is also called on each case
of those functions and compared here, the record's "rust"),
"cases": [{"id", "module", "function", "namespace" ("module" or a test file path), "setup":
[statements], "args_src": [expr] | null, "kwargs_src": {name: expr}, "args": [encoded] | null,
"mutated": [parameter index]}]}.

RESULTS gets one JSON line per event, flushed at once: {"id", "status": "started"} before a
case, {"id", "status": "ready"} once its module and test file are imported, then {"id",
"status", ...} when it ends, so the parent knows which case was running if it
has to kill this process. Statuses: ok, raised, timeout, recursion, memory (MemoryError: the
sandbox's memory limit), stdin, nondeterministic,
unusable (arguments could not be evaluated or bound), unrepresentable (a value with no canonical
form), skipped (an earlier case of the function timed out).

Each case runs `repeat` times (default 2) on fresh deep copies of its arguments, with the random
module seeded differently each time: results that differ mark the function non-deterministic.
A case is bounded by an interval timer that raises a BaseException (user `except Exception`
cannot swallow it); print() output is captured per case; stdin reads are refused and recorded.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import decimal
import fractions
import importlib
import importlib.util
import inspect
import io
import itertools
import json
import math
import os
import random
import re
import signal
import sys
import tempfile
import time
import types


class CaseTimeout(BaseException):
    """Raised by the interval timer inside a case that ran too long."""


class StdinRead(BaseException):
    """A case tried to read standard input."""


class _NoStdin(io.TextIOBase):
    """sys.stdin during a case: any read is recorded and refused."""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        raise StdinRead()

    def readline(self, size: int = -1) -> str:  # type: ignore[override]
        raise StdinRead()

    def readlines(self, hint: int = -1) -> list[str]:  # type: ignore[override]
        raise StdinRead()

    def __iter__(self):
        raise StdinRead()


def _on_alarm(signum, frame):  # noqa: ANN001 - signal handler signature
    raise CaseTimeout()


# ---------------------------------------------------------------- values


MAX_ITEMS = 100_000  # a bigger value costs more to print and compare than it can tell


LIBRARY_NAMES = {datetime.date: "date", datetime.timedelta: "timedelta", datetime.datetime: "datetime", datetime.time: "time",
                 datetime.timezone: "timezone",
                 fractions.Fraction: "Fraction", decimal.Decimal: "Decimal"}


def _fixed_zone(value) -> bool:
    """Naive, or aware with a `datetime.timezone` (a fixed offset: the runtime's PyTimezone);
    another tzinfo class has no Rust form."""
    tz = getattr(value, "tzinfo", None)
    return tz is None or type(tz) is datetime.timezone


def _zone(tz):
    """A timezone as [days, seconds, microseconds of its offset, name or None]: None when it was
    made without a name (its repr then is the default one's), so it prints as it did."""
    offset = tz.utcoffset(None)
    named = repr(tz) != repr(datetime.timezone(offset))
    return [offset.days, offset.seconds, offset.microseconds, tz.tzname(None) if named else None]


def encode_library(value):
    """The transport form of a library value (see decode_library), None for other values.
    portalis.validate.literals uses this one too: one codec on both sides of the process."""
    t = type(value)
    if t is datetime.date:
        return {"date": [value.year, value.month, value.day]}
    if t is datetime.datetime and value.tzinfo is None:
        return {"datetime": [value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond]}
    if t is datetime.datetime and type(value.tzinfo) is datetime.timezone:
        return {"datetime": [value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond,
                             _zone(value.tzinfo)]}
    if t is datetime.timezone:
        return {"timezone": _zone(value)}
    if t is datetime.time and value.tzinfo is None:
        return {"time": [value.hour, value.minute, value.second, value.microsecond]}
    if t is datetime.timedelta:
        return {"timedelta": [value.days, value.seconds, value.microseconds]}
    if t is fractions.Fraction:
        return {"fraction": [str(value.numerator), str(value.denominator)]}
    if t is decimal.Decimal:
        return {"decimal": str(value)}  # exact: str() keeps the exponent and a NaN's payload
    if isinstance(value, re.Match) and isinstance(value.string, str):
        return {"re_match": [value.re.pattern, int(value.re.flags), value.string, value.pos, value.endpos,
                             [list(value.span(g)) for g in range(value.re.groups + 1)]]}
    return None


def decode_library(data):
    """The value encode_library encoded; a match is made again by its pattern on its subject
    (match, then search, then fullmatch from its pos to its endpos: the one giving its spans)."""
    if "date" in data:
        return datetime.date(*data["date"])
    if "datetime" in data:
        fields = data["datetime"]
        if len(fields) == 8:
            return datetime.datetime(*fields[:7], tzinfo=_unzone(fields[7]))
        return datetime.datetime(*fields)
    if "timezone" in data:
        return _unzone(data["timezone"])
    if "time" in data:
        return datetime.time(*data["time"])
    if "timedelta" in data:
        d, sec, us = data["timedelta"]
        return datetime.timedelta(days=d, seconds=sec, microseconds=us)
    if "fraction" in data:
        return fractions.Fraction(int(data["fraction"][0]), int(data["fraction"][1]))
    if "decimal" in data:
        return decimal.Decimal(data["decimal"])
    pattern, flags, string, pos, endpos, spans = data["re_match"]
    compiled = re.compile(pattern, flags)
    for how in (compiled.match, compiled.search, compiled.fullmatch):
        m = how(string, pos, endpos)
        if m is not None and [list(m.span(g)) for g in range(compiled.groups + 1)] == spans:
            return m
    raise ValueError(f"the match of {pattern!r} cannot be made again")


def _unzone(data):
    """The timezone _zone encoded (timezone.utc itself for a zero offset without a name)."""
    days, seconds, micros, name = data
    offset = datetime.timedelta(days=days, seconds=seconds, microseconds=micros)
    return datetime.timezone(offset) if name is None else datetime.timezone(offset, name)


_LIBRARY_KEYS = ("date", "datetime", "time", "timedelta", "timezone", "fraction", "decimal", "re_match")


def is_path(value) -> bool:
    """A value of a path class (portalis/path_types.py: pygments' token types): a tuple
    subclass whose `__getattr__` makes children and whose `__contains__` is its own."""
    t = type(value)
    return t is not tuple and t.__bases__ == (tuple,) and "__getattr__" in vars(t) and "__contains__" in vars(t)


def encode_path(value) -> dict:
    """A path as its class, the name its root prints as, and its names: `{"path": ["m:C",
    "Token", ["Name", "Builtin"]]}`; the value compares as the tuple of its names."""
    t = type(value)
    shown, suffix = repr(value), ("." + ".".join(value)) if value else ""
    if not all(isinstance(p, str) for p in value) or not shown.endswith(suffix):
        raise TypeError(f"a {t.__name__} whose repr is not its root and names")
    return {"path": [f"{t.__module__}:{t.__qualname__}", shown[: len(shown) - len(suffix)], list(value)]}


def decode_path(data):
    """The path encode_path encoded: the module's root (the class's value without names) and
    its children by name, the interned objects the module itself hands out."""
    where, _root, parts = data["path"]
    module_name, qualname = where.split(":", 1)
    module = importlib.import_module(module_name)
    cls = getattr(module, qualname)
    node = next((v for v in vars(module).values() if type(v) is cls and len(v) == 0), None)
    if node is None:
        raise ValueError(f"{where} has no root constant")
    for p in parts:
        node = getattr(node, p)
    return node


def canonical(value, budget=None):
    """The comparable form (see portalis.validate.literals.canonical). TypeError for a value
    with no such form, or one of more than MAX_ITEMS items in all."""
    if budget is None:
        budget = [MAX_ITEMS]
    budget[0] -= 1
    if budget[0] < 0:
        raise TypeError(f"a value of more than {MAX_ITEMS} items")
    if isinstance(value, bool) or value is None or isinstance(value, (int, float, str)):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)  # both are Vec<u8> in the Rust, printed as a bytes literal
    if _translated_container_subclass(value):
        return _canonical_attributes(value, budget)
    if isinstance(value, list):
        return [canonical(v, budget) for v in value]
    if isinstance(value, _LAZY):
        # a generator function's result (or map/filter/zip...): its translation returns the
        # items as a Vec, so they compare as a list; at most the budget's worth is drawn
        return [canonical(v, budget) for v in itertools.islice(value, max(budget[0], 0) + 1)]
    if isinstance(value, tuple):
        return tuple(canonical(v, budget) for v in value)
    if isinstance(value, dict):
        return {canonical(k, budget): canonical(v, budget) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return {canonical(v, budget) for v in value}
    library = LIBRARY_NAMES.get(type(value))
    if library is not None and _fixed_zone(value) and (library != "time" or value.tzinfo is None):
        return {"__class__": library, "repr": repr(value)}  # as portalis.validate.literals.library_canonical
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"__class__": type(value).__name__}
        for f in dataclasses.fields(value):
            out[f.name] = canonical(getattr(value, f.name), budget)
        return out
    if _plain_instance(value):
        return _canonical_attributes(value, budget)
    raise TypeError(f"no canonical form for {type(value).__name__}")


def _canonical_attributes(value, budget) -> dict:
    """A plain class's instance: its attributes by name (the Rust Canon impl sorts them too);
    an object reachable from itself (a parent link) has no such form."""
    if id(value) in _OPEN:
        raise TypeError(f"a {type(value).__name__} that refers to itself")
    _OPEN.add(id(value))
    try:
        out = {"__class__": type(value).__name__}
        for name, v in sorted(_attributes(value)):
            out[name] = canonical(v, budget)
    finally:
        _OPEN.discard(id(value))
    return out


# The builtin iterators a function may return (`return reversed(xs)`, `return islice(it, n)`,
# `return iter(xs)`): their translation returns the items as a Vec. Not any Iterator: a class
# of the repository that iterates is compared by its attributes.
_LAZY = (types.GeneratorType, map, filter, zip, enumerate, reversed, type(reversed([])), type(iter([])), type(iter(())),
         type(iter("")), type(iter(range(0))), type(reversed(range(0))), itertools.islice, itertools.chain,
         itertools.accumulate, itertools.takewhile, itertools.dropwhile, itertools.compress, itertools.starmap,
         itertools.combinations, itertools.permutations, itertools.product)
_OPEN: set[int] = set()  # plain objects being made canonical (cycle detection)
_FIELDS: dict[str, list[str]] = {}  # the running case's plain classes: "module:Class" -> field names
# The field of a translated `class Stack(list)` holding its items, of a `class Registry(dict)`
# its entries: portalis.builtin_bases.LIST_FIELD / DICT_FIELD (restated: this process imports
# nothing of the translator's). Field -> (the builtin, how an instance's value is read, how a
# decoded instance is given it).
LIST_FIELD = "__list__"
DICT_FIELD = "__mapping__"
_HELD = {LIST_FIELD: (list, list, list.extend), DICT_FIELD: (dict, dict, dict.update)}


def _attributes(value) -> list[tuple[str, object]]:
    """A plain instance's state: the fields its translation has, read by name (a property such as
    `firstweekday` over `_firstweekday` reads as the field), else its `vars()`."""
    cls = type(value)
    names = _FIELDS.get(f"{cls.__module__}:{cls.__name__}")
    if names is None:
        return list(vars(value).items())
    out = []
    for name in names:
        held = _HELD.get(name)
        if held is not None and isinstance(value, held[0]):
            # `class Stack(list)`: the struct's field for the items the instance holds
            # (portalis/builtin_bases.py)
            out.append((name, held[1](value)))
            continue
        try:
            out.append((name, getattr(value, name)))
        except AttributeError as exc:  # a field this object lacks: no comparable form
            raise TypeError(f"{cls.__name__} has no attribute {name}") from exc
    return out


# Builtin containers a repository class may derive from (`class TokenList(list)`).
_CONTAINERS = (list, tuple, dict, set, frozenset)


def _translated_container_subclass(value) -> bool:
    """An instance of a repository class deriving from a builtin container that the translation
    made a struct of its attributes (the email header parser's `TokenList(list)` subclasses): it
    crosses as that class, not as the container its isinstance() also says. A struct holding the
    items (`__list__`/`__mapping__`, portalis/builtin_bases.py) takes them as that field; one
    without (the class inherits from a list subclass the rewrite left alone) has no place for
    them: an instance holding some has no Rust form (TypeError), an empty one is its attributes
    exactly."""
    cls = type(value)
    if cls in _CONTAINERS or not isinstance(value, _CONTAINERS) or f"{cls.__module__}:{cls.__name__}" not in _FIELDS:
        return False
    if len(value) and not any(isinstance(value, _HELD[f][0]) for f in _FIELDS[f"{cls.__module__}:{cls.__name__}"] if f in _HELD):
        raise TypeError(f"a {cls.__name__} holding {len(value)} {cls.__mro__[1].__name__} items (its translation keeps "
                        f"only its attributes)")
    return _plain_instance(value)


def _plain_instance(value) -> bool:
    """An instance of a plain class of the repository under test (not a builtin or stdlib class,
    not an exception, no slots): what a translated plain class becomes, compared by attributes."""
    cls = type(value)
    # a function or method is no instance; an object whose class defines __call__ still is one
    if isinstance(value, (type, BaseException, types.ModuleType)) or inspect.isroutine(value) or dataclasses.is_dataclass(cls):
        return False
    if f"{cls.__module__}:{cls.__name__}" not in _FIELDS and (not hasattr(value, "__dict__") or "__slots__" in vars(cls)):
        # slots and no list of the translation's fields: vars() would not hold the state
        # (with the list, `_attributes` reads each field by name, slots included)
        return False
    module = sys.modules.get(getattr(cls, "__module__", "") or "")
    where = getattr(module, "__file__", None) if module is not None else None
    return bool(where) and bool(_ROOTS) and any(os.path.realpath(where).startswith(root) for root in _ROOTS)


I64 = 2**63


def encode(value):
    """See portalis.validate.literals.encode_value. Ints outside i64 have no Rust counterpart
    (and huge ones cannot even be printed as JSON): TypeError."""
    if isinstance(value, int) and not isinstance(value, bool) and not -I64 <= value < I64:
        # a function on BigInt returns such ints; as digits (JSON readers differ past i64)
        if len(str(abs(value))) > 4000:
            raise TypeError("an int of more than 4000 digits")
        return {"bigint": str(value)}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (bytes, bytearray)):
        return {"bytes": value.hex(), "mutable": isinstance(value, bytearray)}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": repr(value)}
    if _translated_container_subclass(value):
        return _encode_attributes(value)
    if is_path(value):
        return encode_path(value)
    if isinstance(value, type) and not issubclass(value, BaseException) and value.__module__ not in ("builtins",):
        # a class of the repository passed as a value (decode's "classobj")
        return {"classobj": f"{value.__module__}:{value.__qualname__}"}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {"tuple": [encode(v) for v in value]}
    if isinstance(value, dict):
        return {"dict": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, (set, frozenset)):
        return {"set": [encode(v) for v in value]}
    library = encode_library(value)
    if library is not None:
        return library
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        return {
            "class": f"{cls.__module__}:{cls.__name__}",
            "fields": [[f.name, encode(getattr(value, f.name))] for f in dataclasses.fields(value)],
        }
    if _plain_instance(value):
        return _encode_attributes(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def _encode_attributes(value) -> dict:
    """A plain class's instance as its class and attributes."""
    cls = type(value)
    if id(value) in _OPEN:
        raise TypeError(f"a {cls.__name__} that refers to itself")
    _OPEN.add(id(value))
    try:
        return {"class": f"{cls.__module__}:{cls.__name__}", "fields": [[k, encode(v)] for k, v in _attributes(value)]}
    finally:
        _OPEN.discard(id(value))


def decode(data):
    """See portalis.validate.literals.decode_value; dataclasses become real instances."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v) for v in data]
    if "float" in data:
        return float(data["float"])
    if "bytes" in data:
        value = bytes.fromhex(data["bytes"])
        return bytearray(value) if data.get("mutable") else value
    if "tuple" in data:
        return tuple(decode(v) for v in data["tuple"])
    if "path" in data:
        return decode_path(data)
    if "classobj" in data:
        # a class of the repository passed as a value (`make(HtmlLexer, x)`): the class itself
        module, name = data["classobj"].split(":", 1)
        return getattr(importlib.import_module(module), name)
    if "dict" in data:
        return {decode(k): decode(v) for k, v in data["dict"]}
    if "set" in data:
        return {decode(v) for v in data["set"]}
    if any(key in data for key in _LIBRARY_KEYS):
        return decode_library(data)
    if "class" in data:
        module, name = data["class"].split(":", 1)
        cls = getattr(importlib.import_module(module), name)
        fields = {k: decode(v) for k, v in data["fields"]}
        if dataclasses.is_dataclass(cls):
            return cls(**fields)
        # a plain class: the instance is its attributes, set without running __init__ (the
        # Rust side builds the same struct literal)
        obj = cls.__new__(cls)
        for k, v in fields.items():
            held = _HELD.get(k)
            if held is not None and isinstance(obj, held[0]):
                held[2](obj, v)  # a list subclass's items (portalis/builtin_bases.py)
                continue
            setattr(obj, k, v)
        return obj
    raise ValueError("not an encoded value")


def same(a, b) -> bool:
    """Strict equality of canonical values, nan equal to nan (a rerun must give the same)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return len(a) == len(b) and all(same(ka, kb) and same(va, vb) for (ka, va), (kb, vb) in zip(a.items(), b.items()))
    return a == b


# ---------------------------------------------------------------- running


_TEST_MODULES: dict[str, dict] = {}
_ROOTS: list[str] = []


def _module(name: str):
    """Import a module of the repository. One named like a standard library module that this
    process loaded before the repository was on the path (`token`, `reprlib`) is loaded from the
    repository's file instead, as the repository's own program would see it; one that resolves
    elsewhere and has no such file is an error, not a silent stand-in."""
    module = importlib.import_module(name)
    where = os.path.realpath(getattr(module, "__file__", None) or "") if getattr(module, "__file__", None) else ""
    if _ROOTS and not any(where.startswith(root) for root in _ROOTS):
        own = _repository_file(name)
        if own is None:
            raise ImportError(f"module {name} resolves to {where or 'a built-in module'}, not to the repository")
        spec = importlib.util.spec_from_file_location(name, own)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {own}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses and pickling look the module up by name
        spec.loader.exec_module(module)
    return module


def _repository_file(name: str) -> str | None:
    """The repository's file for a dotted module name (a module or a package's __init__)."""
    rel = name.replace(".", os.sep)
    for root in _ROOTS:
        for candidate in (os.path.join(root, rel + ".py"), os.path.join(root, rel, "__init__.py")):
            if os.path.isfile(candidate):
                return candidate
    return None


def _function(module, name: str):
    """The callable a case calls: `f`; `C.m` a method, called as `C.m(obj, ...)` (a property:
    its getter); `C.new` the Rust constructor, i.e. the class itself (`C(...)`)."""
    parts = name.split(".")
    if len(parts) == 2:
        cls = getattr(module, parts[0])
        if parts[1].startswith("__") and not parts[1].endswith("__") and isinstance(cls, type) and cls.__name__.strip("_"):
            parts[1] = f"_{cls.__name__.lstrip('_')}{parts[1]}"  # `def __mod(self)` is the attribute `_C__mod`
        raw = inspect.getattr_static(cls, parts[1], None)
        if raw is None and parts[1] == "new" and isinstance(cls, type):
            return cls
        setter = parts[1][len("__set_"):-2] if parts[1].startswith("__set_") and parts[1].endswith("__") else ""
        prop = inspect.getattr_static(cls, setter, None) if raw is None and setter else None
        if isinstance(prop, property) and prop.fset is not None:
            return prop.fset  # a property's setter, kept as `__set_x__`
        base = parts[1][len("__init_"):-2] if parts[1].startswith("__init_") and parts[1].endswith("__") else ""
        if raw is None and base and hasattr(module, base):
            return getattr(module, base).__init__  # `super().__init__` kept under the base's name
        if isinstance(raw, property) and raw.fget is not None:
            return raw.fget
        return getattr(cls, parts[1])
    return getattr(module, name)


def _namespace(case: dict) -> dict:
    """Globals the case's argument expressions are evaluated in (a copy: setup may assign)."""
    where = case.get("namespace") or "module"
    if where == "module":
        return dict(vars(_module(case["module"])))
    if where not in _TEST_MODULES:
        name = f"_portalis_cases_{len(_TEST_MODULES)}"
        spec = importlib.util.spec_from_file_location(name, where)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {where}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        _TEST_MODULES[where] = vars(module)
    return dict(_TEST_MODULES[where])


def _arguments(case: dict, func) -> list:
    """The argument list of the case, one value per parameter in order (as the translation
    takes them: `*args` a list, `**kwargs` a dict), defaults applied."""
    if case.get("args") is not None:
        args, kwargs = _in_order(func, [decode(a) for a in case["args"]])
    else:
        ns = _namespace(case)
        for stmt in case.get("setup") or []:
            exec(compile(stmt, "<setup>", "exec"), ns)  # noqa: S102 - the repository's own code
        args = [eval(compile(src, "<argument>", "eval"), ns) for src in case.get("args_src") or []]  # noqa: S307
        kwargs = {k: eval(compile(src, "<argument>", "eval"), ns) for k, src in (case.get("kwargs_src") or {}).items()}  # noqa: S307
    sig = inspect.signature(func)
    bound = sig.bind(*args, **kwargs)
    bound.apply_defaults()
    out = []
    for name, value in bound.arguments.items():
        kind = sig.parameters[name].kind
        # `*args` binds a tuple: the translation takes a list (and compares it as one)
        out.append(list(value) if kind is inspect.Parameter.VAR_POSITIONAL else value)
    return out


def _in_order(func, args: list) -> tuple[list, dict]:
    """Split arguments given for every parameter in order (as the translation takes them) into
    positional ones and keywords: keyword-only ones (after `*`, textwrap.TextWrapper's
    `max_lines`) by name, a `*args` list spread among the positional ones and a `**kwargs`
    dict among the keywords (`f(1, [2, 3], {"a": 4})` calls `f(1, 2, 3, a=4)`)."""
    try:
        params = list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):  # a built-in or extension function: positional only
        return args, {}
    if not any(p.kind in (p.KEYWORD_ONLY, p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params[: len(args)]):
        return args, {}
    positional: list = []
    named: dict = {}
    for p, a in zip(params, args):
        if p.kind is p.VAR_POSITIONAL:
            positional.extend(a)
        elif p.kind is p.VAR_KEYWORD:
            named.update(a)
        elif p.kind is p.KEYWORD_ONLY:
            named[p.name] = a
        else:
            positional.append(a)
    return positional, named


def _call_in_order(func, args: list):
    """Call with every parameter given in order (see _in_order)."""
    positional, named = _in_order(func, args)
    return func(*positional, **named)


def _once(func, args: list, mutated: list[int], seed: int, timeout_s: float, prefix: int | None = None) -> dict:
    """One call on deep copies of args: {"kind": "ok"|"raised"|..., ...}."""
    try:
        passed = copy.deepcopy(args)
    except Exception as exc:  # noqa: BLE001 - a __reduce_ex__ or __deepcopy__ that raises (dateutil's
        # tzfile built without its attributes): the case cannot be run apart from its arguments
        return {"kind": "unrepresentable", "message": f"the arguments cannot be copied: {type(exc).__name__}: {exc}"[:300]}
    out = io.StringIO()
    saved = sys.stdout, sys.stderr, sys.stdin
    globals_before = _module_globals()
    sys.stdout, sys.stderr, sys.stdin = out, io.StringIO(), _NoStdin()
    random.seed(seed)
    started = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    try:
        try:
            value = _call_in_order(func, passed)
            if isinstance(value, _LAZY):
                # a generator runs its body as it is drawn: under the timer, its exceptions
                # and output are the call's (the translation returns the items as a Vec; one
                # item past the bound makes it unrepresentable)
                # (a lazy translation, `prefix`: its first items are what is compared)
                value = list(itertools.islice(value, MAX_ITEMS + 1 if prefix is None else prefix))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr, sys.stdin = saved
            _restore_globals(globals_before)
    except CaseTimeout:
        return {"kind": "timeout"}
    except StdinRead:
        return {"kind": "stdin"}
    except RecursionError:
        return {"kind": "recursion"}
    except MemoryError:  # the sandbox's address-space limit: not an outcome Rust could match
        return {"kind": "memory"}
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - any exception is an outcome of the case
        return {"kind": "raised", "raised": type(exc).__name__, "stdout": out.getvalue(), "seconds": time.perf_counter() - started}
    seconds = time.perf_counter() - started
    try:
        result = canonical(value)
        changed = [canonical(passed[i]) for i in mutated]
    except TypeError as exc:
        return {"kind": "unrepresentable", "message": str(exc)}
    return {"kind": "ok", "value": result, "changed": changed, "stdout": out.getvalue(), "seconds": seconds}


def _module_globals() -> list[tuple[dict, dict]]:
    """(namespace, copy) of each repository module loaded: what a call may rebind."""
    out = []
    for mod in list(sys.modules.values()):
        where = getattr(mod, "__file__", None)
        if not where or not isinstance(where, str):
            continue
        mine = _IN_REPOSITORY.get(where)
        if mine is None:
            mine = _IN_REPOSITORY[where] = bool(_ROOTS) and any(os.path.realpath(where).startswith(r) for r in _ROOTS)
        if mine:
            ns = vars(mod)
            out.append((ns, dict(ns)))
    return out


def _restore_globals(saved: list[tuple[dict, dict]]) -> None:
    """Put back the module-level names a call rebound (`_config._run_validators = False` in
    attrs' `set_disabled`): each case starts from the state the module was imported in, as the
    Rust does (its state is its own), so a setter's cases do not change a getter's results."""
    for ns, before in saved:
        for name in [n for n in ns if n not in before]:
            del ns[name]
        for name, value in before.items():
            if ns.get(name, _MISSING) is not value:
                ns[name] = value


_MISSING = object()
_IN_REPOSITORY: dict[str, bool] = {}  # a module's file -> whether it is the repository's


def _same_outcome(a: dict, b: dict) -> bool:
    if a["kind"] != b["kind"]:
        return False
    if a.get("stdout") != b.get("stdout"):
        return False
    if a["kind"] == "raised":
        return a["raised"] == b["raised"]
    if a["kind"] == "ok":
        return same(a["value"], b["value"]) and same(a["changed"], b["changed"])
    return True


def run_case(case: dict, timeout_s: float, repeat: int, import_timeout_s: float = 10.0, ready=lambda: None, rust=None,
             in_rust=lambda: None) -> dict:
    """Evaluate, bind and call; every outcome is a dict for the results file. `rust`
    ([extension module, module, function]): the extension's function is called too, on the
    same objects, and the comparison is the record's `rust`."""
    record: dict = {"id": case["id"]}
    _FIELDS.clear()
    _FIELDS.update(case.get("fields") or {})
    # Importing the module and the test file (pytest, numpy...) is not the function's behaviour:
    # it gets a limit of its own, once; the arguments and the calls get timeout_s.
    signal.setitimer(signal.ITIMER_REAL, max(timeout_s, import_timeout_s))
    try:
        try:
            func = _function(_module(case["module"]), case["function"])
            if case.get("args") is None:
                _namespace(case)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except CaseTimeout:
        return {**record, "status": "timeout", "message": f"importing the module or test file took over {import_timeout_s:g} s"}
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - the case is unusable, the run goes on
        return {**record, "status": "unusable", "message": f"{type(exc).__name__}: {exc}"[:300]}
    ready()
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    try:
        try:
            args = _arguments(case, func)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except CaseTimeout:
        return {**record, "status": "timeout", "message": "evaluating the arguments timed out"}
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - the case is unusable, the run goes on
        return {**record, "status": "unusable", "message": f"{type(exc).__name__}: {exc}"[:300]}
    try:
        record["args"] = [encode(a) for a in args]
    except TypeError as exc:
        if rust is None:
            return {**record, "status": "unrepresentable", "message": f"argument: {exc}"}
        # through the extension the Rust gets the same objects: no literal needed
        record["label"] = _label(case["function"], args)
    runs: list[dict] = []
    for seed in range(max(1, repeat)):
        runs.append(_once(func, args, case.get("mutated") or [], seed, timeout_s, case.get("prefix")))
        if runs[0]["kind"] not in ("ok", "raised"):
            break  # a timeout (or stdin read...) is not worth repeating
    first = runs[0]
    kind = first["kind"]
    if kind in ("timeout", "stdin", "recursion", "memory", "unrepresentable"):
        return {**record, "status": kind, "message": first.get("message", "")}
    if not all(_same_outcome(first, r) for r in runs[1:]):
        return {**record, "status": "nondeterministic", "message": "two runs of the same call gave different results"}
    record["stdout"] = first.get("stdout", "")
    record["seconds"] = first.get("seconds", 0.0)
    if rust is not None:
        # the Rust runs native code: the interval timer cannot stop it, so the parent must know
        # that a case it has to kill now was in the Rust (a difference, not a Python timeout)
        in_rust()
        record["rust"] = _against_rust(rust, args, case.get("mutated") or [], first, timeout_s)
    if kind == "raised":
        return {**record, "status": "raised", "raised": first["raised"]}
    try:
        return {**record, "status": "ok", "value": encode(first["value"]), "changed": [encode(c) for c in first["changed"]]}
    except TypeError as exc:
        if rust is not None:  # compared here, on the objects: nothing needs encoding
            return {**record, "status": "ok", "value": None, "changed": [], "label": record.get("label") or _label(case["function"], args)}
        return {**record, "status": "unrepresentable", "message": str(exc)}


# ---------------------------------------------------------------- through the extension

REL_TOL = 1e-9  # as the literal harness: f64 results equal or this close (summation order)


def _label(function: str, args: list) -> str:
    try:
        text = f"{function}({', '.join(repr(a) for a in args)})"
    except Exception:  # noqa: BLE001 - a repr that raises: the label is only for people
        text = f"{function}(...)"
    return text if len(text) <= 160 else text[:157] + "..."


def _rust_function(target: list):
    """[extension module, Python module, function] -> the extension's function."""
    ext_name, module, function = target
    obj = importlib.import_module(ext_name)
    for part in [*module.split("."), function]:
        obj = getattr(obj, part)
    return obj


def _close(a, b) -> bool:
    """Equality of canonical values for Rust against Python: types strict, dict order
    counts, floats within REL_TOL."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b or abs(a - b) <= REL_TOL * max(abs(a), abs(b))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return len(a) == len(b) and all(_close(ka, kb) and _close(va, vb) for (ka, va), (kb, vb) in zip(a.items(), b.items()))
    return a == b


def _big(value) -> bool:
    """Whether a canonical value holds an int outside i64."""
    if isinstance(value, int) and not isinstance(value, bool):
        return not -I64 <= value < I64
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_big(v) for v in value)
    if isinstance(value, dict):
        return any(_big(k) or _big(v) for k, v in value.items())
    return False


def _against_rust(target: list, args: list, mutated: list[int], py: dict, timeout_s: float) -> dict:
    """The extension's function called on fresh copies of the same arguments, compared with
    what the original did (`py`, from _once): {"outcome": "match"|"differs"|"skipped", "detail"}."""
    try:
        func = _rust_function(target)
    except Exception as exc:  # noqa: BLE001 - an extension without it: the case is not run
        return {"outcome": "skipped", "detail": f"not in the extension: {type(exc).__name__}: {exc}"[:300]}
    rs, printed = _with_fd1(lambda: _rust_once(func, args, mutated, timeout_s))
    try:
        big = any(_big(canonical(a)) for a in args) or (py["kind"] == "ok" and (_big(py["value"]) or _big(py["changed"])))
    except TypeError:
        big = False
    if rs["kind"] == "raised" and rs["raised"] == "OverflowError" and big and py.get("raised") != "OverflowError":
        return {"outcome": "skipped", "detail": "an int outside i64 (the translation's int)"}
    if py["kind"] == "raised":
        if rs["kind"] == "raised" and rs["raised"] == py["raised"]:
            return {"outcome": "match"}
        got = f"raised {rs['raised']}" if rs["kind"] == "raised" else (f"returned {_show(rs.get('value'))}" if rs["kind"] == "ok" else rs["kind"])
        return {"outcome": "differs", "detail": f"Python raised {py['raised']}, Rust {got}"}
    if rs["kind"] != "ok":
        got = f"raised {rs['raised']}" if rs["kind"] == "raised" else rs["kind"]
        return {"outcome": "differs", "detail": f"Python returned {_show(py['value'])}, Rust {got}"}
    if not _close(py["value"], rs["value"]):
        return {"outcome": "differs", "detail": f"Python returned {_show(py['value'])}, Rust returned {_show(rs['value'])}"}
    if not _close(py["changed"], rs["changed"]):
        return {"outcome": "differs", "detail": f"arguments changed in place: Python {_show(py['changed'])}, Rust {_show(rs['changed'])}"}
    if printed is None:
        if py.get("stdout"):
            return {"outcome": "skipped", "detail": "printed output could not be captured from the Rust"}
    elif printed != py.get("stdout", ""):
        return {"outcome": "differs", "detail": f"printed {_show(printed)} where Python printed {_show(py.get('stdout', ''))}"}
    return {"outcome": "match"}


def _rust_once(func, args: list, mutated: list[int], timeout_s: float) -> dict:
    """_once for the extension's function: pyo3's PanicException derives from BaseException,
    which _once lets through; here it is an outcome (Python raised nothing of that name)."""
    try:
        return _once(func, args, mutated, 0, timeout_s)
    except (CaseTimeout, KeyboardInterrupt):
        raise
    except BaseException as exc:  # noqa: BLE001 - a panic that crossed the boundary
        signal.setitimer(signal.ITIMER_REAL, 0)
        return {"kind": "raised", "raised": type(exc).__name__, "stdout": ""}


def _with_fd1(call):
    """call() with file descriptor 1 sent to a temporary file (the Rust prints there, not to
    sys.stdout): (its result, what was printed), or (result, None) when fd 1 cannot be moved."""
    try:
        tmp = tempfile.TemporaryFile()
        saved = os.dup(1)
    except OSError:
        return call(), None
    with tmp:
        os.dup2(tmp.fileno(), 1)
        try:
            result = call()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        tmp.seek(0)
        return result, tmp.read().decode("utf-8", "replace")


def _show(value, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def main(job_path: str, results_path: str) -> None:
    with open(job_path, encoding="utf-8") as f:
        job = json.load(f)
    for p in reversed(job.get("paths") or []):
        sys.path.insert(0, p)
        _ROOTS.append(os.path.join(os.path.realpath(p), ""))
    sys.setrecursionlimit(1000)
    signal.signal(signal.SIGALRM, _on_alarm)
    timeout_s = float(job.get("timeout_s", 2.0))
    repeat = int(job.get("repeat", 2))
    import_timeout_s = float(job.get("import_timeout_s", 10.0))
    timed_out = set(job.get("skip_functions") or [])
    rust = job.get("rust") or {}  # "module:function" -> [extension module, module, function]
    for p in job.get("extension_paths") or []:
        sys.path.insert(0, p)
    with open(results_path, "a", encoding="utf-8") as results:
        def emit(record: dict) -> None:
            results.write(json.dumps(record) + "\n")
            results.flush()

        shared_fields = job.get("fields")  # the field table of the cases that leave theirs out
        for case in job["cases"]:
            if "fields" not in case:
                case["fields"] = shared_fields
            key = f"{case['module']}:{case['function']}"
            if key in timed_out:
                emit({"id": case["id"], "status": "skipped", "message": "an earlier case of this function timed out"})
                continue
            emit({"id": case["id"], "status": "started"})
            try:
                record = run_case(case, timeout_s, repeat, import_timeout_s,
                                  lambda: emit({"id": case["id"], "status": "ready"}), rust.get(key),
                                  lambda: emit({"id": case["id"], "status": "rust"}))
            except CaseTimeout:
                record = {"id": case["id"], "status": "timeout"}
            if record["status"] == "timeout":
                timed_out.add(key)
            emit(record)
        emit({"status": "done"})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
