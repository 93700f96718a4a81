"""Runs a repository's tests and doctests under a type recorder: `python trace_worker.py JOB OUT`.

Standard library only, and not imported as part of portalis: it runs inside the sandboxed
interpreter that imports the repository (portalis/validate/trace.py starts it), like worker.py.

JOB is a JSON file: {"root": the repository's private copy, "modules": {path: module name},
"tests": [test file paths], "doctests": bool, "per_function": int, "max_calls": int,
"per_test_s": float, "max_s": float}.

While the tests run, a `sys.settrace` function sees every Python call; a call of a function or method
defined in one of the repository's modules (matched by its code object's file) has its
arguments' and return value's types recorded, for the first `per_function` calls of each
function and `max_calls` calls in all (then the trace function is removed): sampling as MonkeyType
does, so a hot function costs little. Types are JSON descriptions ("int", ["list", [elements]],
["dict", [keys], [values]], ["tuple", item, ...], ["set", [elements]], ["class", module,
qualname]); a value of any other type (bytes, functions, objects of other libraries) is opaque
and its observation dropped.

OUT is rewritten (atomically) before each test whenever something new was recorded, and at the
end: a test that loops forever is interrupted by the per-test timer, and one that cannot be (a
C loop, a wait on another process) is killed with the process by the parent at its time limit;
in both cases what the earlier tests showed is already in OUT.
"""

from __future__ import annotations

import dis
import doctest
import importlib
import importlib.util
import inspect
import io
import json
import os
import signal
import sys
import time
import types
import unittest
from typing import Any

CO_OPTIMIZED = 0x01  # a function's code (a class body or a module's has not)
CO_GENERATOR = 0x20
CO_COROUTINE = 0x80
CO_ASYNC_GENERATOR = 0x200
CO_VARARGS = 0x04
CO_VARKEYWORDS = 0x08
RETURN_VALUE = 83  # the opcode a normal return ends on (3.11); an exception leaves f_lasti elsewhere
YIELD_VALUE = dis.opmap["YIELD_VALUE"]  # where a generator's frame stands when it yields
RESUME = dis.opmap.get("RESUME", -1)  # a frame's first instruction (3.11+); its oparg 0: a fresh start, not a resume
SAMPLE = 8  # elements of a container looked at
MAX_DEPTH = 3
MAX_TYPES = 8  # distinct types kept per parameter
# Bases whose subclasses' instances are opaque (described as nothing): not plain structs.
VALUE_BASES = (int, float, complex, str, bytes, bytearray, tuple, list, dict, set, frozenset, type, BaseException)
SLOWEST = 8  # the slowest tests, named in OUT
PER_PARAMETRIZED = 20  # cases of one parametrized test run (the first ones): sampling again


class TestTimeout(KeyboardInterrupt):
    """Raised by the interval timer inside a test that ran too long. A KeyboardInterrupt: a
    test's `except Exception` cannot swallow it, and unittest (a `subTest` loop), doctest and
    hypothesis re-raise it where they catch everything else."""


def describe(value: Any, classes: dict[type, list], depth: int = 0) -> object | None:
    """A JSON description of a value's type; None when it is opaque."""
    t = type(value)
    if value is None:
        return "none"
    if t is bool:
        return "bool"
    if t is int:
        return "int"
    if t is float:
        return "float"
    if t is str:
        return "str"
    if depth >= MAX_DEPTH:
        return None
    if t is list or t is set or t is frozenset:
        items = _distinct(list(value)[:SAMPLE] if t is not list else value[:SAMPLE], classes, depth)
        return None if items is None else ["list" if t is list else "set", items]
    if t is dict:
        keys = _distinct(list(value)[:SAMPLE], classes, depth)
        values = _distinct(list(value.values())[:SAMPLE], classes, depth)
        return None if keys is None or values is None else ["dict", keys, values]
    if t is tuple:
        if len(value) > SAMPLE:
            return None
        items = [describe(v, classes, depth + 1) for v in value]
        return None if any(i is None for i in items) else ["tuple", *items]
    if t is types.GeneratorType:
        # a repository generator's object (`lexer.get_tokens(code)`, a `tokensource`): named by
        # its code; trace.convert puts the list of what that code was seen to yield in its place
        key = classes.generator_key(value.gi_code) if isinstance(classes, ClassTable) else None
        return None if key is None else ["generator", key]
    cls = classes.get(t)
    if cls is None and isinstance(classes, ClassTable):
        cls = classes.learn(t)
    if cls is None:
        return _library(value, t)
    return cls


def class_description(value: type, name: str) -> list | None:
    """How instances of a repository class are described: `["class", module, qualname]`, or
    `["path", ...]` for a path class; None for a class whose instances are builtin values,
    exceptions or classes (`class _TokenType(tuple)`, pygments' `StyleMeta(type)`): the
    translation leaves them out (PTL140), so naming one would turn a parameter the body types
    (a generic `ttype in other`) into a placeholder."""
    if not any(b in VALUE_BASES for b in value.__mro__[1:]):
        return ["class", name, value.__qualname__]
    if is_path_class(value):
        return ["path", name, value.__qualname__]
    return None


class ClassTable(dict):
    """The repository's classes (type -> description), filled module by module after each
    import (`Recorder.add_classes`) and, for a class met before its module's turn, when its
    first instance is described (`learn`): pygments' lexer modules, imported before
    pygments.token in name order, call `something(Name.Variable)` in their class bodies, and
    those token values were opaque."""

    def __init__(self, modules: set[str]) -> None:
        super().__init__()
        self.modules = modules  # the repository's module names
        self.unknown: set[type] = set()  # types looked at that are not the repository's
        self.generator_codes: dict[types.CodeType, str | None] = {}  # filled by the Recorder (`generator_key`)
        self.files: dict[str, str] = {}  # real path of a repository module -> its module name

    def generator_key(self, code: types.CodeType) -> str | None:
        """`module:qualname` of a repository generator's code (a nested one too:
        `Lexer.get_tokens.<locals>.streamer`); None for another's."""
        key = self.generator_codes.get(code, False)
        if key is False:
            module = self.files.get(code.co_filename)
            qualname = getattr(code, "co_qualname", code.co_name)
            key = f"{module}:{qualname}" if module is not None and code.co_flags & CO_GENERATOR else None
            self.generator_codes[code] = key
        return key  # type: ignore[return-value]

    def learn(self, t: type) -> list | None:
        if t in self.unknown:
            return None
        module = sys.modules.get(getattr(t, "__module__", None) or "")
        name = getattr(module, "__name__", None)
        # a top-level class of a repository module, as that module binds it (a module still
        # being imported binds the classes defined so far)
        if name not in self.modules or "<locals>" in t.__qualname__ or vars(module).get(t.__name__) is not t:
            self.unknown.add(t)
            return None
        d = class_description(t, name)
        if d is None:
            self.unknown.add(t)
            return None
        self[t] = d
        return d


def is_path_class(t: type) -> bool:
    """A tuple subclass whose `__getattr__` makes children and whose `__contains__` is its own
    (pygments' `_TokenType`): the shape portalis/path_types.py recognises in the text, which
    decides; its instances are described as `["path", module, qualname]`."""
    return t.__bases__ == (tuple,) and "__getattr__" in vars(t) and "__contains__" in vars(t)


# Standard-library classes the translation has a runtime type for (portalis/types/pytypes.py
# LIBRARY_TYPES), by module and name: exact types only (a subclass may behave otherwise).
LIBRARY = {("datetime", "date"), ("datetime", "timedelta"), ("datetime", "datetime"), ("datetime", "time"), ("datetime", "timezone"),
           ("fractions", "Fraction"), ("decimal", "Decimal")}


def _library(value: Any, t: type) -> object | None:
    """A standard-library value: `["class", module, name]`, and a match as `["re_match",
    pattern, flags]` (its pattern tells its groups); None for any other."""
    key = (t.__module__, t.__qualname__)
    if key in LIBRARY:
        return ["class", *key]
    if key == ("re", "Match") and isinstance(value.re.pattern, str):
        return ["re_match", value.re.pattern, int(value.re.flags)]
    return None


def _distinct(values: list, classes: dict[type, list], depth: int) -> list | None:
    out: list = []
    for v in values:
        d = describe(v, classes, depth + 1)
        if d is None:
            return None
        if d not in out:
            out.append(d)
    return out


def _property_accessor(module: str, qualname: str, code: types.CodeType) -> str | None:
    """A property's setter shares its getter's qualname (`relativedelta.weeks`, both defs):
    its calls are recorded as the type map names it, `Class.__set_x__` (portalis/parse.py),
    not mixed into the getter's (whose returns would gain the setter's None). "" for a
    deleter; None when the code is not a property's setter or deleter."""
    owner, dot, name = qualname.rpartition(".")
    if not dot or "<" in owner:
        return None
    try:
        target: object = sys.modules[module]
        for part in owner.split("."):
            target = vars(target)[part]
        prop = vars(target).get(name)
    except (KeyError, TypeError):
        return None
    if not isinstance(prop, property):
        return None
    if prop.fset is not None and getattr(prop.fset, "__code__", None) is code and getattr(prop.fget, "__code__", None) is not code:
        return f"{owner}.__set_{name}__"
    if prop.fdel is not None and getattr(prop.fdel, "__code__", None) is code:
        return ""
    return None


def resumed(frame: types.FrameType) -> bool:
    """A generator's frame entered again (after a yield, or by `throw`/`close`), not started:
    its first instruction is `RESUME 0` (3.11+; before, a fresh frame has run nothing)."""
    code = frame.f_code.co_code
    i = frame.f_lasti
    if RESUME < 0:
        return i >= 0
    return not (0 <= i < len(code) - 1 and code[i] == RESUME and code[i + 1] & 3 == 0)


def yields_from(code: bytes, lasti: int) -> bool:
    """The YIELD_VALUE at `lasti` is a `yield from`'s (or an await's): the instruction before
    it (skipping caches) is SEND, which passes on the inner iterator's values."""
    send = dis.opmap.get("SEND", -1)
    i = lasti - 2
    while i >= 0 and code[i] == dis.opmap.get("CACHE", -1):
        i -= 2
    return i >= 0 and code[i] == send


class Recorder:
    """The profile function and what it saw, per `module:qualname`."""

    def __init__(self, files: dict[str, str], per_function: int, max_calls: int) -> None:
        self.files = files  # real path of a repository module -> its module name
        self.per_function = per_function
        self.max_calls = max_calls
        self.calls = 0
        self.dirty = False
        self.test = ""  # the test running: named in each type's first sighting
        self.functions: dict[str, dict] = {}
        self.codes: dict[types.CodeType, list | None] = {}  # code -> [key, calls, returns, names, generator]
        self.classes: ClassTable = ClassTable(set(files.values()))
        self.classes.files = files
        # generator code's key -> description -> [first test, times]: what it yielded (a function's
        # record shares its own; a nested generator's is only here)
        self.generators: dict[str, dict] = {}
        self.nested_yields: dict[str, int] = {}  # a nested generator's yields looked at (the opaque ones too)
        self.stopped = ""
        self.pending: dict[int, list[tuple[str, object | None]]] = {}  # frame id -> its call's argument types
        self.thrown: dict[int, bool] = {}  # frame id -> an exception was raised in it since its last event

    def add_classes(self, module: types.ModuleType, name: str) -> None:
        """The module's own classes: their instances are described by name (see
        `class_description` for those that are not)."""
        for value in list(vars(module).values()):
            if isinstance(value, type) and getattr(value, "__module__", None) == module.__name__ and "<locals>" not in value.__qualname__:
                d = class_description(value, name)
                if d is not None:
                    self.classes[value] = d

    def _code(self, code: types.CodeType) -> list | None:
        info = self.codes.get(code, False)
        if info is not False:
            return info  # type: ignore[return-value]
        module = self.files.get(code.co_filename)
        qualname = getattr(code, "co_qualname", code.co_name)
        if module is None or "<" in qualname or not code.co_flags & CO_OPTIMIZED:
            info = None  # not the repository's; a lambda, comprehension, nested function or class body
        else:
            n = code.co_argcount + code.co_kwonlyargcount + (1 if code.co_flags & CO_VARARGS else 0) \
                + (1 if code.co_flags & CO_VARKEYWORDS else 0)
            gen = bool(code.co_flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR))
            accessor = _property_accessor(module, qualname, code)
            if accessor == "":
                info = None  # a property's deleter: not a function the type map signs
            else:
                info = [f"{module}:{accessor or qualname}", 0, 0, code.co_varnames[:n], gen]
        self.codes[code] = info
        return info

    def profile(self, frame: types.FrameType, event: str, arg: object) -> None:
        if event == "call":
            info = self._code(frame.f_code)
            if info is None or info[1] >= self.per_function:
                return
            if info[4] and resumed(frame):
                return  # a generator going on after a yield (or thrown into): the same call
            info[1] += 1
            self.calls += 1
            f_locals = frame.f_locals
            record = self._function(info[0])
            record["calls"] += 1
            flags = frame.f_code.co_flags
            # `*args` then `**kwargs` are the last of the parameters, in that order
            varkw = len(info[3]) - 1 if flags & CO_VARKEYWORDS else -1
            varargs = len(info[3]) - 1 - (1 if varkw >= 0 else 0) if flags & CO_VARARGS else -1
            seen: list[tuple[str, object | None]] = []
            for i, name in enumerate(info[3]):
                if name not in f_locals:
                    continue
                value = f_locals[name]
                if i == varargs or i == varkw:
                    # *args: its elements; **kwargs: its values (each types one argument)
                    items = list(value)[:SAMPLE] if i == varargs else list(value.values())[:SAMPLE]
                    d = _distinct(items, self.classes, 0) if items else None
                    seen.extend((name, item) for item in d or [])
                    continue
                seen.append((name, describe(value, self.classes)))
            if info[4]:
                self._add_params(record, seen)  # a generator's "return" events are its yields
            else:
                # kept until the call returns: a call that raises (a test checking the TypeError
                # of a None or a str where a list belongs) says nothing of the types it takes
                self.pending[id(frame)] = seen
            if self.calls >= self.max_calls:
                self.stop(f"{self.max_calls} calls recorded")
        elif event == "return":
            seen = self.pending.pop(id(frame), None)
            info = self.codes.get(frame.f_code)
            if not info:
                return
            if info[4]:
                self._yielded(frame, info, arg)
                return
            code = frame.f_code.co_code
            lasti = frame.f_lasti
            if not (0 <= lasti < len(code) and code[lasti] == RETURN_VALUE):
                return  # an exception passing through: neither its arguments nor a result count
            if seen is not None:
                self._add_params(self._function(info[0]), seen)
            if info[2] >= self.per_function:
                return
            info[2] += 1
            self._add(self._function(info[0])["returns"], describe(arg, self.classes))

    def _yielded(self, frame: types.FrameType, info: list, arg: object) -> None:
        """A generator's "return" event: at a `yield` (not `yield from`, whose values are the
        inner iterator's), what it yields, sampled as a function's results are (its end, a
        `return`, says nothing of its items). One an exception passed through (a `close()`,
        a `throw()`: the frame stands at its yield too, `arg` None) is no yield."""
        if not self._yields(frame) or info[2] >= self.per_function:
            return
        info[2] += 1
        record = self._function(info[0])
        if "yields" not in record:
            record["yields"] = self.generators.setdefault(info[0], {})
        self._add(record["yields"], describe(arg, self.classes))

    def _yields(self, frame: types.FrameType) -> bool:
        """The frame's "return" event is a generator's own `yield`: not an exception leaving it
        (a `close()`/`throw()` stands at the yield too, with `None`), not a `yield from`
        passing the inner iterator's values on, not a coroutine's await."""
        if self.thrown.pop(id(frame), False) or not frame.f_code.co_flags & CO_GENERATOR:
            return False
        code = frame.f_code.co_code
        lasti = frame.f_lasti
        return 0 <= lasti < len(code) and code[lasti] == YIELD_VALUE and not yields_from(code, lasti)

    def _add_params(self, record: dict, seen: list[tuple[str, object | None]]) -> None:
        for name, d in seen:
            self._add(record["params"].setdefault(name, {}), d)

    def _function(self, key: str) -> dict:
        record = self.functions.get(key)
        if record is None:
            record = self.functions[key] = {"calls": 0, "params": {}, "returns": {}}
        return record

    def _add(self, seen: dict, d: object | None) -> None:
        if d is None:
            return
        key = json.dumps(d)
        entry = seen.get(key)
        if entry is not None:
            entry[1] += 1
        elif len(seen) < MAX_TYPES:
            seen[key] = [self.test, 1]
            self.dirty = True
            _ALARM["news"] = time.monotonic()

    def inherit(self) -> None:
        """Each method of a repository class that no traced call reached, overriding a method
        of a base class (the nearest definition in its MRO, a repository function) that was
        reached: the base's parameter types for the parameters both have by the same name at
        the same place (`inherited`, from `inherited_from`). What callers pass through the base
        class (`self.get_tokens_unprocessed(text)` in pygments' `Lexer.get_tokens`) goes to the
        override on a subclass's instance; the evidence pass uses it only where nothing else
        types the parameter (portalis/analysis/evidence.py)."""
        abstract = self._unreached_bases_results()
        for cls in list(self.classes):
            for name, fn in list(vars(cls).items()):
                if not isinstance(fn, types.FunctionType):
                    continue  # static and class methods, properties: not called as the base's
                info = self._code(fn.__code__)
                if info is None or info[0] in self.functions:
                    continue
                nearest = self._nearest_base(cls, name)
                if nearest is not None and nearest[0] in abstract:
                    # the base was never run itself (pygments' `Lexer.get_tokens_unprocessed`
                    # raises NotImplementedError): what its reached overrides gave its callers
                    self.functions[info[0]] = {"calls": 0, "params": {}, "returns": {}, "inherited": {},
                                               "inherited_returns": dict(abstract[nearest[0]]), "inherited_from": nearest[0],
                                               "inherited_by_overrides": True}
                    continue
                for base in cls.__mro__[1:]:
                    if name not in vars(base):
                        continue
                    found = vars(base)[name]
                    binfo = self._code(found.__code__) if isinstance(found, types.FunctionType) else None
                    record = self.functions.get(binfo[0]) if binfo is not None else None
                    if record is not None and record["calls"]:
                        params = {p: dict(record["params"][p]) for i, p in enumerate(info[3])
                                  if i > 0 and i < len(binfo[3]) and binfo[3][i] == p and p in record["params"]}
                        # what the base gave its callers: its results, or for a generator the
                        # object of its code (trace.convert: the list of its yields)
                        result = ({json.dumps(["generator", binfo[0]]): ["", sum(n for _, n in record["yields"].values())]}
                                  if binfo[4] and record.get("yields") else dict(record["returns"]))
                        if params or result:
                            self.functions[info[0]] = {"calls": 0, "params": {}, "returns": {}, "inherited": params,
                                                       "inherited_returns": result, "inherited_from": binfo[0]}
                    break  # the nearest definition only: never a sibling's

    def _nearest_base(self, cls: type, name: str) -> list | None:
        """The code info of the nearest definition of method `name` above `cls` (a repository
        function), or None."""
        for base in cls.__mro__[1:]:
            if name in vars(base):
                found = vars(base)[name]
                return self._code(found.__code__) if isinstance(found, types.FunctionType) else None
        return None

    def _result(self, info: list) -> dict:
        """What a reached function gave its callers: its returns' descriptions, or for a
        generator the object of its code (trace.convert: the list of its yields)."""
        record = self.functions.get(info[0]) or {}
        if info[4]:
            yields = record.get("yields") or {}
            return {json.dumps(["generator", info[0]]): ["", sum(n for _, n in yields.values())]} if yields else {}
        return dict(record.get("returns") or {})

    def _unreached_bases_results(self) -> dict[str, dict]:
        """Base methods no traced call reached -> the results of their reached overrides (each
        override's nearest base), joined later by the evidence pass (disagreeing ones type
        nothing)."""
        out: dict[str, dict] = {}
        for cls in list(self.classes):
            for name, fn in list(vars(cls).items()):
                if not isinstance(fn, types.FunctionType):
                    continue
                info = self._code(fn.__code__)
                record = self.functions.get(info[0]) if info is not None else None
                if record is None or not record["calls"]:
                    continue
                base = self._nearest_base(cls, name)
                if base is None or (self.functions.get(base[0]) or {}).get("calls"):
                    continue
                result = self._result(info)
                if result:
                    out.setdefault(base[0], {}).update(result)
        return out

    def trace(self, frame: types.FrameType, event: str, arg: object):
        """The global trace function (`sys.settrace`, called on each Python call, not on C
        calls as a profile function is): records the call, and asks for the frame's return
        event only for a repository function whose result is still sampled; every other
        frame runs untraced (a profile function is also called on every builtin call)."""
        info = self._code(frame.f_code)
        if info is None:
            return self._nested_generator(frame)
        self.profile(frame, "call", arg)
        if info[4]:
            # a generator's yields are sampled like returns: its frame keeps the local trace
            # function between resumes until enough were seen (`_local` then drops it)
            if info[2] >= self.per_function or not frame.f_code.co_flags & CO_GENERATOR:
                return None
        elif id(frame) not in self.pending and info[2] >= self.per_function:
            return None
        frame.f_trace_lines = False
        return self._local

    def _nested_generator(self, frame: types.FrameType):
        """A generator the type map signs no function for (nested: `streamer` in pygments'
        `Lexer.get_tokens`): only its yields are sampled, for the generator objects it makes."""
        key = self.classes.generator_key(frame.f_code)
        if key is None or self.nested_yields.get(key, 0) >= self.per_function:
            return None
        frame.f_trace_lines = False
        return self._local_nested

    def _local_nested(self, frame: types.FrameType, event: str, arg: object):
        if event == "exception":
            self.thrown[id(frame)] = True
        elif event == "return":
            if not self._yields(frame):
                return self._local_nested
            key = self.classes.generator_key(frame.f_code)
            assert key is not None
            self.nested_yields[key] = self.nested_yields.get(key, 0) + 1
            self._add(self.generators.setdefault(key, {}), describe(arg, self.classes))
            if self.nested_yields[key] >= self.per_function:
                return None
        return self._local_nested

    def _local(self, frame: types.FrameType, event: str, arg: object):
        if event == "return":
            self.profile(frame, "return", arg)
            info = self.codes.get(frame.f_code)
            if info and info[4] and info[2] >= self.per_function:
                return None  # a generator sampled enough: no more events from this frame
        elif event == "exception":
            self.thrown[id(frame)] = True  # its next "return" is the exception leaving, not a result
        return self._local

    def start(self) -> None:
        if not self.stopped:
            sys.settrace(self.trace)

    def pause(self) -> None:
        sys.settrace(None)
        self.thrown.clear()
        self.pending.clear()  # calls still running when a test ends never report their return

    def stop(self, why: str) -> None:
        sys.settrace(None)
        self.stopped = why


class Run:
    def __init__(self, job: dict, out: str) -> None:
        self.job = job
        self.out = out
        self.started = time.monotonic()
        files = {os.path.realpath(p): m for p, m in job["modules"].items()}
        self.recorder = Recorder(files, int(job.get("per_function", 50)), int(job.get("max_calls", 20000)))
        self.tests = 0
        self.doctests = 0
        self.failed = 0
        self.errors: list[str] = []
        self.per_test_s = float(job.get("per_test_s", 10.0))
        self.idle_s = float(job.get("idle_s", 0.0))  # 0: no stop for a test that records nothing new
        self.max_s = float(job.get("max_s", 120.0))
        self.tops = {m.split(".")[0] for m in job["modules"].values()}  # the repository's top packages
        self.stubbed: list[str] = []  # missing test dependencies given a stand-in
        self.conftests: dict[str, types.ModuleType | None] = {}
        self.unprovided: dict[str, int] = {}  # fixture nobody provides -> tests not run for it
        self.slowest: list[tuple[float, str]] = []  # (seconds, test): where the time limit goes

    def write(self, done: bool = False) -> None:
        r = self.recorder
        errors = list(self.errors)
        if self.unprovided:
            errors.insert(0, "tests not run, a fixture not provided: " + ", ".join(
                f"`{n}` ({k})" for n, k in sorted(self.unprovided.items(), key=lambda kv: -kv[1])[:8]))
        data = {"functions": r.functions, "generators": r.generators, "tests": self.tests, "doctests": self.doctests, "failed": self.failed,
                "calls": r.calls, "errors": errors[:20], "slowest": self.slowest, "stopped": r.stopped, "done": done,
                "seconds": round(time.monotonic() - self.started, 3)}
        tmp = self.out + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f)
        os.replace(tmp, self.out)
        r.dirty = False

    def over(self) -> bool:
        if time.monotonic() - self.started > self.max_s:
            self.recorder.stop(f"time limit ({self.max_s:g} s)")
            return True
        return bool(self.recorder.stopped)

    def one(self, name: str, fn, doctest: bool = False) -> None:
        """Run one test (or one docstring's examples) under the recorder and the per-test timer."""
        if self.recorder.dirty:
            self.write()
        self.recorder.test = name
        if not doctest:
            self.tests += 1
        out, err = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = io.StringIO()
        t0 = time.monotonic()
        _arm(self.per_test_s, self.idle_s)
        self.recorder.start()
        try:
            fn()
            _disarm()
            if _ALARM["fired"]:  # a test that swallowed the TestTimeout (unittest's subTest)
                raise TestTimeout()
        except BaseException:  # noqa: BLE001 - pytest.skip/fail raise BaseExceptions: a failed test, not a failed run
            _disarm()
            if _ALARM["fired"]:  # a TestTimeout, or what a test that caught it raised after
                self.errors.append(f"{name}: stopped after {_ALARM['fired']}")
            self.failed += 1
        finally:
            _disarm()
            self.recorder.pause()
            sys.stdout, sys.stderr = out, err
            self.slowest = sorted(self.slowest + [(round(time.monotonic() - t0, 2), name)], reverse=True)[:SLOWEST]

    def import_modules(self) -> list[tuple[str, types.ModuleType]]:
        mods = []
        for path, name in sorted(self.job["modules"].items(), key=lambda kv: kv[1]):
            # a repository module shadowing one this process already imported (a copy of a
            # standard-library module): imported again from the repository. Not one an earlier
            # module's import already loaded from the repository: importing it again made a
            # second copy of each of its classes, and only the new copies were described (every
            # pygments token was an instance of the first `_TokenType`, so opaque)
            loaded = sys.modules.get(name)
            if loaded is not None and os.path.realpath(getattr(loaded, "__file__", "") or "") != os.path.realpath(path):
                sys.modules.pop(name, None)
            self.recorder.test = f"import {name}"
            _arm(self.per_test_s)
            self.recorder.start()
            try:
                mod = importlib.import_module(name)
            except BaseException as exc:  # noqa: BLE001 - a module that cannot be imported has no evidence
                self.errors.append(f"import {name}: {type(exc).__name__}: {str(exc)[:200]}")
                continue
            finally:
                self.recorder.pause()
                _disarm()
            if os.path.realpath(getattr(mod, "__file__", "") or "") != os.path.realpath(path):
                self.errors.append(f"import {name}: found {getattr(mod, '__file__', None)}, not the repository's")
                continue
            self.recorder.add_classes(mod, name)
            mods.append((name, mod))
        return mods

    def run_doctests(self, mods: list[tuple[str, types.ModuleType]]) -> None:
        finder = doctest.DocTestFinder(exclude_empty=True)
        for name, mod in mods:
            try:
                found = finder.find(mod, name)
            except Exception as exc:  # noqa: BLE001
                self.errors.append(f"doctests of {name}: {type(exc).__name__}")
                continue
            for test in found:
                if self.over():
                    return
                runner = doctest.DocTestRunner(verbose=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
                self.doctests += 1
                self.one(f"doctest {test.name}", lambda t=test, r=runner: r.run(t, out=lambda s: None, clear_globs=True), doctest=True)

    def import_test(self, path: str, index: int, rel: str) -> types.ModuleType | None:
        """Import a test file (or a conftest.py): under its package's dotted name when its
        folders up to the root are packages (`tests/__init__.py`), so its relative imports
        (`from ._common import x`) work; else under a private name. A test dependency that is
        not installed (`from freezegun import freeze_time`) is replaced by a stand-in
        (`_missing_module`) and the import tried again: the tests using it fail, not the file."""
        dotted = _package_name(self.job["root"], path)
        name = dotted or f"_portalis_test_{index}_{os.path.splitext(os.path.basename(path))[0]}"
        if name in sys.modules:
            return sys.modules[name]
        self.recorder.test = f"import {rel}"
        for _ in range(8):
            _arm(self.per_test_s)
            self.recorder.start()
            try:
                if dotted:
                    return importlib.import_module(dotted)
                spec = importlib.util.spec_from_file_location(name, path)
                mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
                sys.modules[name] = mod
                spec.loader.exec_module(mod)  # type: ignore[union-attr]
                return mod
            except ModuleNotFoundError as exc:
                sys.modules.pop(name, None)
                if not self._stub(exc.name):
                    self.errors.append(f"import {rel}: ModuleNotFoundError: {str(exc)[:200]}")
                    return None
            except BaseException as exc:  # noqa: BLE001 - a test file that cannot be imported gives no evidence
                sys.modules.pop(name, None)
                self.errors.append(f"import {rel}: {type(exc).__name__}: {str(exc)[:200]}")
                return None
            finally:
                self.recorder.pause()
                _disarm()
        return None

    def _stub(self, missing: str | None) -> bool:
        """Put a stand-in for the missing module `missing` (and its parents) in sys.modules;
        False when it is the repository's own or its top package is installed (a real fault)."""
        if not missing or missing in sys.modules:
            return False
        top = missing.split(".")[0]
        if top in self.tops or (top not in self.stubbed and importlib.util.find_spec(top) is not None):
            return False
        parts = missing.split(".")
        for i in range(1, len(parts) + 1):
            sys.modules.setdefault(".".join(parts[:i]), _missing_module(".".join(parts[:i])))
        if top not in self.stubbed:
            self.stubbed.append(top)
            self.errors.append(f"test dependency `{top}` is not installed: a stand-in was used (the tests using it fail)")
        return True

    def conftest_fixtures(self, folder: str) -> dict[str, tuple]:
        """The fixtures of the conftest.py files from the root down to `folder` (a nearer one wins)."""
        root = os.path.realpath(self.job["root"])
        chain, here = [], os.path.realpath(folder)
        while here.startswith(root):
            chain.append(here)
            if here == root:
                break
            here = os.path.dirname(here)
        out: dict[str, tuple] = {}
        for d in reversed(chain):
            path = os.path.join(d, "conftest.py")
            if not os.path.isfile(path):
                continue
            if path not in self.conftests:
                self.conftests[path] = self.import_test(path, len(self.conftests) + 10_000, os.path.relpath(path, root))
            if self.conftests[path] is not None:
                out.update(_fixtures(self.conftests[path]))
        return out

    def run_test_file(self, path: str, index: int) -> None:
        rel = os.path.relpath(path, self.job["root"])
        sys.path.insert(0, os.path.dirname(path))  # its neighbours (conftest helpers, fixtures modules)
        fixtures = self.conftest_fixtures(os.path.dirname(path))
        if _mentions(path, "hypothesis"):
            _few_examples()
        mod = self.import_test(path, index, rel)
        if mod is None:
            return
        name = mod.__name__
        fixtures.update(_fixtures(mod))
        marks = _marks(mod)
        held: dict[str, list] = {}  # fixtures of module or wider scope: made once per file
        try:
            for attr, value in list(vars(mod).items()):
                if self.over():
                    return
                if getattr(value, "__module__", None) != name or _skipped(marks + _marks(value)):
                    continue
                if inspect.isfunction(value) and attr.startswith("test"):
                    self._test_function(f"{rel}::{attr}", value, fixtures, held, marks)
                    continue
                self._test_class(rel, attr, value, fixtures, held, marks)
        finally:
            for made in held.values():
                _finish(made)

    def _test_function(self, label: str, fn, fixtures: dict, held: dict, marks: list, cls: type | None = None) -> None:
        """Run a test function (or a test class's method, on a fresh instance per case) once
        per argument set its parametrize marks and its parametrized fixtures give."""
        autouse = [n for n, f in fixtures.items() if f[3]]
        if cls is None and _no_required(fn) and not autouse and not _parametrize_marks(fn, marks):
            self.one(label, fn)
            return
        for suffix, params in _argument_sets(fn, marks, fixtures, cls is not None):
            missing = _unprovided(fn, params, fixtures, cls is not None)
            if missing:
                self.unprovided[missing] = self.unprovided.get(missing, 0) + 1
                return
            if self.over():
                return
            if cls is None:
                self.one(label + suffix, lambda f=fn, p=params: _with_fixtures(f, p, fixtures, held, autouse))
            else:
                self.one(label + suffix, lambda f=fn, p=params: _method_with_fixtures(cls, f, p, fixtures, held, autouse))

    def _test_class(self, rel: str, attr: str, value: object, fixtures: dict, held: dict, marks: list) -> None:
        if isinstance(value, type) and issubclass(value, unittest.TestCase):
            for test in _cases(unittest.defaultTestLoader.loadTestsFromTestCase(value)):
                if self.over():
                    return
                self.one(f"{rel}::{test.id().rpartition('.')[0].rpartition('.')[2]}.{test._testMethodName}",
                         lambda t=test: _run_case(t))
        elif isinstance(value, type) and attr.startswith("Test"):
            marks = marks + _marks(value)
            own = {**fixtures, **_fixtures(value)}
            for meth in [m for m in dir(value) if m.startswith("test")]:
                fn = inspect.getattr_static(value, meth, None)
                if self.over():
                    return
                if not inspect.isfunction(fn) or _skipped(marks + _marks(fn)):
                    continue
                self._test_function(f"{rel}::{attr}.{meth}", fn, own, held, marks, cls=value)

    def main(self) -> None:
        root = self.job["root"]
        sys.path.insert(0, root)
        os.chdir(root)
        signal.signal(signal.SIGALRM, _on_alarm)
        mods = self.import_modules()
        if self.job.get("doctests", True):
            self.run_doctests(mods)
        for i, path in enumerate(self.job.get("tests", [])):
            if self.over():
                break
            try:
                self.run_test_file(path, i)
            except Exception as exc:  # noqa: BLE001 - a fault of the runner on one file: the next files still run
                self.recorder.pause()
                self.errors.append(f"{os.path.relpath(path, root)}: the runner failed: {type(exc).__name__}: {str(exc)[:200]}")
        self.over()
        self.recorder.inherit()
        self.write(done=True)


def _cases(suite) -> list:
    out = []
    for t in suite:
        out.extend(_cases(t) if isinstance(t, unittest.TestSuite) else [t])
    return out


def _run_case(test: unittest.TestCase) -> None:
    """Run a unittest case; a failure or error raises, so it counts as a failed test."""
    result = unittest.TestResult()
    test.run(result)
    if result.errors or result.failures or result.unexpectedSuccesses:
        raise AssertionError(f"{test.id()} failed")


def _no_required(fn) -> bool:
    """A test function that needs no fixture."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    return all(p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in sig.parameters.values())


def _package_name(root: str, path: str) -> str | None:
    """`tests.test_parser` for ROOT/tests/test_parser.py when every folder between the root and
    the file is a package (has `__init__.py`); None otherwise (imported under a private name)."""
    rel = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
    parts = rel[: -len(".py")].split(os.sep) if rel.endswith(".py") else []
    if len(parts) < 2 or not all(p.isidentifier() for p in parts) or parts[-1] == "__init__":
        return None
    here = os.path.realpath(root)
    for part in parts[:-1]:
        here = os.path.join(here, part)
        if not os.path.isfile(os.path.join(here, "__init__.py")):
            return None
    return ".".join(parts)


class MissingDependency(Exception):
    """Raised by a test that uses a test dependency that is not installed."""


class _Missing:
    """Stands in for anything of a missing test dependency: attributes are stand-ins, a call
    gives a stand-in, a function decorated by one (`@freeze_time("2020-01-01")`) raises
    MissingDependency when called (that test fails; the others of its file run)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> "_Missing":
        if attr.startswith("_") or attr == "pytestmark":  # not a fixture, test or mark to the runner
            raise AttributeError(attr)
        return _Missing(f"{self._name}.{attr}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and not kwargs and inspect.isfunction(args[0]):
            fn, name = args[0], self._name

            def needs_it(*a: Any, **k: Any) -> None:
                raise MissingDependency(f"{name} is not installed")

            needs_it.__name__, needs_it.__qualname__ = fn.__name__, fn.__qualname__
            needs_it.__module__, needs_it.__wrapped__ = fn.__module__, fn  # type: ignore[attr-defined]
            return needs_it
        if len(args) == 1 and not kwargs and isinstance(args[0], type):
            return args[0]  # a class decorator: the class as written (its tests may fail)
        return _Missing(f"{self._name}()")


def _missing_module(name: str) -> types.ModuleType:
    mod = types.ModuleType(name, f"stand-in for the missing test dependency {name}")
    mod.__path__ = []  # type: ignore[attr-defined]  # a package: its submodules are stubbed too
    mod.__getattr__ = lambda attr: _Missing(f"{name}.{attr}") if not attr.startswith("_") else _no_attr(attr)  # type: ignore[attr-defined]
    return mod


def _no_attr(attr: str) -> Any:
    raise AttributeError(attr)


def _mentions(path: str, word: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return word in f.read()
    except OSError:
        return False


_FEW_EXAMPLES: list[bool] = []


def _few_examples() -> None:
    """Hypothesis, when the tests use it: 10 examples a test, no deadline (the recorder slows
    every call), no example database written into the repository."""
    if _FEW_EXAMPLES:
        return
    _FEW_EXAMPLES.append(True)
    try:
        from hypothesis import HealthCheck, settings

        settings.register_profile("portalis-trace", max_examples=10, deadline=None, database=None,
                                  suppress_health_check=list(HealthCheck))
        settings.load_profile("portalis-trace")
    except Exception:  # noqa: BLE001 - not installed or another version: its tests run as they are
        pass


def _marks(obj: object) -> list:
    """The pytest marks on a test function, class or module (`pytestmark`)."""
    try:
        marks = getattr(obj, "pytestmark", None) or []
    except Exception:  # noqa: BLE001 - an object whose attributes raise
        return []
    marks = list(marks) if isinstance(marks, (list, tuple)) else [marks]
    return [m for m in marks if isinstance(getattr(m, "name", None), str)]


def _skipped(marks: list) -> bool:
    """Whether a `skip` mark, or a `skipif` whose condition holds, is among `marks` (a string
    condition is not evaluated: the test runs)."""
    for mark in marks:
        name = getattr(mark, "name", None)
        args = tuple(getattr(mark, "args", ()) or ())
        if name == "skip":
            return True
        if name == "skipif":
            cond = args[0] if args else getattr(mark, "kwargs", {}).get("condition", False)
            if not isinstance(cond, str) and cond:
                return True
    return False


def _parametrize_marks(fn, marks: list) -> list:
    return [m for m in _marks(fn) + marks if getattr(m, "name", None) == "parametrize"]


def _fixture_of(value: object) -> tuple[str, Any, str, tuple | None, bool] | None:
    """(name, function, scope, params, autouse) of a pytest fixture, read without importing
    pytest: pytest 8.4+ wraps it in a FixtureFunctionDefinition (`_fixture_function`), older
    ones mark the function (`_pytestfixturefunction`, the original under `__pytest_wrapped__`)."""
    fn = getattr(value, "_fixture_function", None)
    marker = getattr(value, "_fixture_function_marker", None)
    if fn is None:
        marker = getattr(value, "_pytestfixturefunction", None)
        wrapped = getattr(value, "__pytest_wrapped__", None)
        fn = getattr(wrapped, "obj", None) if marker is not None else None
    if fn is None or not callable(fn):
        return None
    name = getattr(marker, "name", None) or getattr(value, "name", None) or fn.__name__
    params = getattr(marker, "params", None)
    return (str(name), fn, str(getattr(marker, "scope", "function") or "function"),
            tuple(params) if params is not None else None, bool(getattr(marker, "autouse", False)))


def _fixtures(holder: object) -> dict[str, tuple]:
    """The fixtures a test module, conftest or test class defines: name -> (function, scope,
    params, autouse)."""
    out: dict[str, tuple] = {}
    for value in list(vars(holder).values()):
        try:
            found = _fixture_of(value)
        except Exception:  # noqa: BLE001 - an object whose attributes raise, or odd marker data: no fixture
            found = None
        if found is not None:
            out[found[0]] = found[1:]
    return out


def _parametrized(fn, marks: list = ()) -> list[tuple[str, dict]]:
    """The argument sets of `@pytest.mark.parametrize` marks on a test function (and its class
    and module), as (id suffix, parameter -> value): the product of its marks; none when a
    mark is indirect or malformed (the test then runs only if fixtures give every parameter)."""
    sets: list[tuple[str, dict]] = [("", {})]
    for mark in _parametrize_marks(fn, list(marks)):
        args, kwargs = tuple(getattr(mark, "args", ())), dict(getattr(mark, "kwargs", {}) or {})
        if len(args) < 2 and "argvalues" in kwargs:
            args = (args[0] if args else kwargs.get("argnames"), kwargs["argvalues"])
        if len(args) < 2 or kwargs.get("indirect"):
            return []
        names = [n.strip() for n in args[0].split(",")] if isinstance(args[0], str) else list(args[0])
        rows = []
        for value in args[1]:
            values = getattr(value, "values", None) if type(value).__name__ == "ParameterSet" else None
            if values is None:
                values = (value,) if len(names) == 1 else tuple(value)
            if len(values) != len(names):
                return []
            rows.append(dict(zip(names, values)))
        sets = [(f"{s}[{i}]" if len(rows) > 1 else s, {**p, **r}) for s, p in sets for i, r in enumerate(rows)]
        if len(sets) > PER_PARAMETRIZED:
            sets = sets[:PER_PARAMETRIZED]
    return sets


class FixtureParam:
    """The key under which an argument set carries the value of a parametrized fixture
    (`@pytest.fixture(params=[True, False])`, read by the fixture as `request.param`)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FixtureParam) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("fixture-param", self.name))


def _needed(fn, given: set[str], fixtures: dict, method: bool, autouse: list[str]) -> list[str]:
    """The fixtures a test needs, with the fixtures they need (depth first, each once)."""
    order: list[str] = []

    def visit(f, depth: int, skip_first: bool) -> None:
        try:
            params = list(inspect.signature(f).parameters.values())
        except (TypeError, ValueError):
            return
        for p in params[1:] if skip_first else params:
            if p.name in given or p.name in order or p.default is not inspect.Parameter.empty:
                continue
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name not in fixtures or depth > 8:
                continue
            order.append(p.name)
            visit(fixtures[p.name][0], depth + 1, _takes_self(fixtures[p.name][0]))

    visit(fn, 0, method)
    for name in autouse:
        if name not in order and name not in given:
            order.append(name)
            visit(fixtures[name][0], 1, _takes_self(fixtures[name][0]))
    return order


def _takes_self(fn) -> bool:
    try:
        first = next(iter(inspect.signature(fn).parameters), None)
    except (TypeError, ValueError):
        return False
    return first == "self" and not inspect.ismethod(fn)


def _argument_sets(fn, marks: list, fixtures: dict, method: bool) -> list[tuple[str, dict]]:
    """The argument sets a test runs with: its parametrize marks times the params of the
    parametrized fixtures it needs (capped at PER_PARAMETRIZED)."""
    sets = _parametrized(fn, marks) if _parametrize_marks(fn, marks) else [("", {})]
    if not sets:
        return [("", {})]  # an indirect or odd mark: only fixtures can give the arguments
    autouse = [n for n, f in fixtures.items() if f[3]]
    out = []
    for suffix, params in sets:
        combos = [(suffix, params)]
        for name in _needed(fn, set(params), fixtures, method, autouse):
            values = fixtures[name][2]
            if values:
                combos = [(f"{s}[{name}={i}]", {**p, FixtureParam(name): v}) for s, p in combos for i, v in enumerate(values)]
        out.extend(combos)
        if len(out) >= PER_PARAMETRIZED:
            break
    return out[:PER_PARAMETRIZED]


BUILTIN_FIXTURES = ("request", "tmp_path", "monkeypatch")


def _unprovided(fn, params: dict, fixtures: dict, method: bool) -> str | None:
    """The first parameter `fn` requires that neither its arguments, the fixtures (and the
    fixtures those need) nor the built-ins give; None when all are."""
    seen: set = set()

    def first(f, skip_self: bool, depth: int) -> str | None:
        try:
            ps = list(inspect.signature(f).parameters.values())
        except (TypeError, ValueError):
            return "(no signature)"
        for p in ps[1:] if skip_self else ps:
            if p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                continue
            if p.name in params or p.name in BUILTIN_FIXTURES or p.name in seen:
                continue
            if p.name not in fixtures or depth > 8:
                return p.name
            seen.add(p.name)
            found = first(fixtures[p.name][0], _takes_self(fixtures[p.name][0]), depth + 1)
            if found:
                return found
        return None

    return first(fn, method, 0)


class _Request:
    """What a fixture asking for `request` gets: the parametrized value (`request.param`)."""

    def __init__(self, name: str, params: dict) -> None:
        self.fixturename = name
        self._params = params
        self.config = None

    @property
    def param(self) -> Any:
        try:
            return self._params[FixtureParam(self.fixturename)]
        except KeyError:
            raise AttributeError("param") from None


def _builtin(name: str, fixture: str, params: dict) -> list:
    """[value, generator, finalizer] of a built-in fixture."""
    if name == "request":
        return [_Request(fixture, params), None, None]
    if name == "tmp_path":
        import pathlib
        import shutil
        import tempfile

        path = tempfile.mkdtemp(prefix="portalis-trace-")
        return [pathlib.Path(path), None, lambda: shutil.rmtree(path, ignore_errors=True)]
    from _pytest.monkeypatch import MonkeyPatch  # monkeypatch: pytest's own, undone after

    mp = MonkeyPatch()
    return [mp, None, mp.undo]


def _make(fn, fixtures: dict, held: dict, made: list, params: dict, depth: int = 0, skip_self: bool = False,
          name: str = "") -> dict:
    """The arguments of `fn` from the fixtures (made on demand; a generator fixture is
    advanced to its value and finished after); KeyError when one cannot be made."""
    out = {}
    sig = list(inspect.signature(fn).parameters.values())
    for p in sig[1:] if skip_self else sig:
        if p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name in params:
            out[p.name] = params[p.name]
            continue
        if p.name in BUILTIN_FIXTURES and p.name not in fixtures:
            entry = _builtin(p.name, name, params)
            made.append(entry)
            out[p.name] = entry[0]
            continue
        if p.name not in fixtures or depth > 8:
            raise KeyError(p.name)  # `tmpdir`, `capsys`, a plugin's fixture: not provided here
        out[p.name] = _fixture_value(p.name, fixtures, held, made, params, depth)
    return out


def _fixture_value(name: str, fixtures: dict, held: dict, made: list, params: dict, depth: int) -> Any:
    fix, scope = fixtures[name][0], fixtures[name][1]
    key = name if FixtureParam(name) not in params else f"{name}={params[FixtureParam(name)]!r}"
    if scope != "function" and key in held:
        return held[key][0]
    value = fix(**_make(fix, fixtures, held, made, params, depth + 1, _takes_self(fix), name))
    entry = [value, None, None]
    if inspect.isgenerator(value):
        entry = [next(value), value, None]
    if scope != "function":
        held[key] = entry
    else:
        made.append(entry)
    return entry[0]


def _finish(entry: list) -> None:
    gen = entry[1]
    if gen is not None:
        try:
            next(gen)
        except BaseException:  # noqa: BLE001 - StopIteration, or a teardown that fails: nothing to record
            pass
    if len(entry) > 2 and entry[2] is not None:
        try:
            entry[2]()
        except BaseException:  # noqa: BLE001
            pass


def _with_fixtures(fn, params: dict, fixtures: dict, held: dict, autouse: list[str] = ()) -> None:
    """Call a test with its parametrized values and the fixtures it names (the autouse
    fixtures made first)."""
    made: list = []
    try:
        for name in autouse:
            _fixture_value(name, fixtures, held, made, params, 0)
        names = inspect.signature(fn).parameters
        args = {p: v for p, v in params.items() if isinstance(p, str) and p in names}
        args.update(_make(_only(fn, set(args)), fixtures, held, made, params))
        fn(**args)
    finally:
        for entry in reversed(made):
            _finish(entry)


def _method_with_fixtures(cls: type, fn, params: dict, fixtures: dict, held: dict, autouse: list[str]) -> None:
    """A pytest-style test class's method on a fresh instance (`setup_method` and
    `teardown_method` around it), the class's own fixtures bound to that instance."""
    obj = cls()
    bound = {n: ((f[0].__get__(obj) if _takes_self(f[0]) else f[0]),) + tuple(f[1:]) for n, f in fixtures.items()}
    method = fn.__get__(obj)
    if hasattr(obj, "setup_method"):
        obj.setup_method(method)
    try:
        _with_fixtures(method, params, bound, held, autouse)
    finally:
        if hasattr(obj, "teardown_method"):
            obj.teardown_method(method)


def _only(fn, given: set[str]):
    """A stand-in with `fn`'s signature less the parameters in `given` (what fixtures must make)."""
    sig = inspect.signature(fn)
    stub = lambda **kw: None  # noqa: E731
    stub.__signature__ = sig.replace(parameters=[p for p in sig.parameters.values() if p.name not in given])  # type: ignore[attr-defined]
    return stub


# The per-test timer ticks every TICK_S; a tick raises TestTimeout in a test that has run past
# its limit, or past `idle` seconds with nothing new recorded for as long (a test looping on
# functions already sampled: more-itertools' prime sieves, dateutil's walk of every time zone;
# what it would add is more of the same, and the whole run has a time limit). It goes on firing
# until disarmed, since a test may catch one TestTimeout (`except BaseException`) and go on.
TICK_S = 0.25
_ALARM: dict[str, Any] = {"armed": False, "fired": "", "start": 0.0, "limit": 0.0, "idle": 0.0, "news": 0.0}


def _arm(seconds: float, idle: float = 0.0) -> None:
    now = time.monotonic()
    _ALARM.update(armed=True, fired="", start=now, limit=seconds, idle=idle, news=now)
    signal.setitimer(signal.ITIMER_REAL, min(TICK_S, seconds), TICK_S)


def _disarm() -> None:
    _ALARM["armed"] = False
    signal.setitimer(signal.ITIMER_REAL, 0)


def _on_alarm(signum, frame) -> None:
    if not _ALARM["armed"]:
        return
    now = time.monotonic()
    ran = now - _ALARM["start"]
    if not _ALARM["fired"]:
        if ran >= _ALARM["limit"]:
            _ALARM["fired"] = f"{_ALARM['limit']:g} s"
        elif _ALARM["idle"] and ran >= _ALARM["idle"] and now - _ALARM["news"] >= _ALARM["idle"]:
            _ALARM["fired"] = f"{ran:.1f} s, nothing new recorded for {_ALARM['idle']:g} s"
    if _ALARM["fired"] and (frame is None or frame.f_code.co_filename != _HERE):
        # not inside the runner's own code (its handlers and finally blocks between a test's
        # end and the disarm): the next tick, in the test's code, raises
        raise TestTimeout()


_HERE = __file__


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        job = json.load(f)
    sys.stdin = io.StringIO()  # a test reading input gets EOF, not our pipe
    Run(job, sys.argv[2]).main()


if __name__ == "__main__":
    main()
