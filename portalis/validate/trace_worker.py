"""Runs a repository's tests and doctests under a type recorder: `python trace_worker.py JOB OUT`.

Standard library only, and not imported as part of portalis: it runs inside the sandboxed
interpreter that imports the repository (portalis/validate/trace.py starts it), like worker.py.

JOB is a JSON file: {"root": the repository's private copy, "modules": {path: module name},
"tests": [test file paths], "doctests": bool, "per_function": int, "max_calls": int,
"per_test_s": float, "max_s": float}.

While the tests run, `sys.setprofile` sees every Python call; a call of a function or method
defined in one of the repository's modules (matched by its code object's file) has its
arguments' and return value's types recorded, for the first `per_function` calls of each
function and `max_calls` calls in all (then the profiler is removed): sampling as MonkeyType
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
RETURN_VALUE = 83  # the opcode a normal return ends on (3.11); an exception leaves f_lasti elsewhere
SAMPLE = 8  # elements of a container looked at
MAX_DEPTH = 3
MAX_TYPES = 8  # distinct types kept per parameter
# Bases whose subclasses' instances are opaque (described as nothing): not plain structs.
VALUE_BASES = (int, float, complex, str, bytes, bytearray, tuple, list, dict, set, frozenset, type, BaseException)
PER_PARAMETRIZED = 20  # cases of one parametrized test run (the first ones): sampling again


class TestTimeout(BaseException):
    """Raised by the interval timer inside a test that ran too long (not an Exception: a test's
    `except Exception` cannot swallow it)."""


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
    cls = classes.get(t)
    if cls is None:
        return _library(value, t)
    return cls


# Standard-library classes the translation has a runtime type for (portalis/types/pytypes.py
# LIBRARY_TYPES), by module and name: exact types only (a subclass may behave otherwise).
LIBRARY = {("datetime", "date"), ("datetime", "timedelta"), ("datetime", "datetime"), ("datetime", "time"), ("fractions", "Fraction")}


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
        self.classes: dict[type, list] = {}
        self.stopped = ""
        self.pending: dict[int, list[tuple[str, object | None]]] = {}  # frame id -> its call's argument types

    def add_classes(self, module: types.ModuleType, name: str) -> None:
        """The module's own classes: their instances are described by name. Not those whose
        instances are builtin values, exceptions or classes (`class _TokenType(tuple)`,
        pygments' `StyleMeta(type)`): the translation leaves them out (PTL140), so naming one
        would turn a parameter the body types (a generic `ttype in other`) into a placeholder."""
        for value in list(vars(module).values()):
            if isinstance(value, type) and getattr(value, "__module__", None) == module.__name__ and "<locals>" not in value.__qualname__:
                if not any(b in VALUE_BASES for b in value.__mro__[1:]):
                    self.classes[value] = ["class", name, value.__qualname__]

    def _code(self, code: types.CodeType) -> list | None:
        info = self.codes.get(code, False)
        if info is not False:
            return info  # type: ignore[return-value]
        module = self.files.get(code.co_filename)
        qualname = getattr(code, "co_qualname", code.co_name)
        if module is None or "<" in qualname or not code.co_flags & CO_OPTIMIZED:
            info = None  # not the repository's; a lambda, comprehension, nested function or class body
        else:
            n = code.co_argcount + code.co_kwonlyargcount + (1 if code.co_flags & CO_VARARGS else 0)
            gen = bool(code.co_flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR))
            info = [f"{module}:{qualname}", 0, 0, code.co_varnames[:n], gen]
        self.codes[code] = info
        return info

    def profile(self, frame: types.FrameType, event: str, arg: object) -> None:
        if event == "call":
            info = self._code(frame.f_code)
            if info is None or info[1] >= self.per_function:
                return
            info[1] += 1
            self.calls += 1
            f_locals = frame.f_locals
            record = self._function(info[0])
            record["calls"] += 1
            varargs = frame.f_code.co_flags & CO_VARARGS
            seen: list[tuple[str, object | None]] = []
            for i, name in enumerate(info[3]):
                if name not in f_locals:
                    continue
                value = f_locals[name]
                if varargs and i == len(info[3]) - 1:
                    d = _distinct(list(value)[:SAMPLE], self.classes, 0) if value else None  # *args: its elements
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
            if not info or info[4]:
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

    def start(self) -> None:
        if not self.stopped:
            sys.setprofile(self.profile)

    def pause(self) -> None:
        sys.setprofile(None)

    def stop(self, why: str) -> None:
        sys.setprofile(None)
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
        self.max_s = float(job.get("max_s", 120.0))

    def write(self, done: bool = False) -> None:
        r = self.recorder
        data = {"functions": r.functions, "tests": self.tests, "doctests": self.doctests, "failed": self.failed,
                "calls": r.calls, "errors": self.errors[:20], "stopped": r.stopped, "done": done,
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
        signal.setitimer(signal.ITIMER_REAL, self.per_test_s)
        out, err = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = io.StringIO()
        self.recorder.start()
        try:
            fn()
        except TestTimeout:
            self.errors.append(f"{name}: stopped after {self.per_test_s:g} s")
            self.failed += 1
        except BaseException:  # noqa: BLE001 - pytest.skip/fail raise BaseExceptions: a failed test, not a failed run
            self.failed += 1
        finally:
            self.recorder.pause()
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr = out, err

    def import_modules(self) -> list[tuple[str, types.ModuleType]]:
        mods = []
        for path, name in sorted(self.job["modules"].items(), key=lambda kv: kv[1]):
            # a repository module shadowing one this process already imported (a copy of a
            # standard-library module): imported again from the repository
            sys.modules.pop(name, None)
            self.recorder.test = f"import {name}"
            signal.setitimer(signal.ITIMER_REAL, self.per_test_s)
            self.recorder.start()
            try:
                mod = importlib.import_module(name)
            except BaseException as exc:  # noqa: BLE001 - a module that cannot be imported has no evidence
                self.errors.append(f"import {name}: {type(exc).__name__}: {str(exc)[:200]}")
                continue
            finally:
                self.recorder.pause()
                signal.setitimer(signal.ITIMER_REAL, 0)
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

    def run_test_file(self, path: str, index: int) -> None:
        name = f"_portalis_test_{index}_{os.path.splitext(os.path.basename(path))[0]}"
        rel = os.path.relpath(path, self.job["root"])
        sys.path.insert(0, os.path.dirname(path))  # its neighbours (conftest helpers, fixtures modules)
        self.recorder.test = f"import {rel}"
        signal.setitimer(signal.ITIMER_REAL, self.per_test_s)
        self.recorder.start()
        try:
            spec = importlib.util.spec_from_file_location(name, path)
            mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
            sys.modules[name] = mod
            spec.loader.exec_module(mod)  # type: ignore[union-attr]
        except BaseException as exc:  # noqa: BLE001 - a test file that cannot be imported gives no evidence
            self.errors.append(f"import {rel}: {type(exc).__name__}: {str(exc)[:200]}")
            return
        finally:
            self.recorder.pause()
            signal.setitimer(signal.ITIMER_REAL, 0)
        fixtures = _fixtures(mod)
        held: dict[str, list] = {}  # fixtures of module or wider scope: made once per file
        try:
            for attr, value in list(vars(mod).items()):
                if self.over():
                    return
                if getattr(value, "__module__", None) != name:
                    continue
                if inspect.isfunction(value) and attr.startswith("test"):
                    if _no_required(value):
                        self.one(f"{rel}::{attr}", value)
                        continue
                    for suffix, params in _parametrized(value):
                        if not _provided(value, params, fixtures):
                            break  # a parameter neither parametrize nor the module's fixtures give
                        if self.over():
                            return
                        self.one(f"{rel}::{attr}{suffix}", lambda f=value, p=params: _with_fixtures(f, p, fixtures, held))
                    continue
                self._test_class(rel, attr, value)
        finally:
            for made in held.values():
                _finish(made)

    def _test_class(self, rel: str, attr: str, value: object) -> None:
        if isinstance(value, type) and issubclass(value, unittest.TestCase):
            for test in _cases(unittest.defaultTestLoader.loadTestsFromTestCase(value)):
                if self.over():
                    return
                self.one(f"{rel}::{test.id().rpartition('.')[0].rpartition('.')[2]}.{test._testMethodName}",
                         lambda t=test: t.run(unittest.TestResult()))
        elif isinstance(value, type) and attr.startswith("Test"):
            for meth in [m for m in dir(value) if m.startswith("test")]:
                if self.over():
                    return
                self.one(f"{rel}::{attr}.{meth}", lambda c=value, m=meth: _plain_method(c, m))

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
            self.run_test_file(path, i)
        self.over()
        self.write(done=True)


def _cases(suite) -> list:
    out = []
    for t in suite:
        out.extend(_cases(t) if isinstance(t, unittest.TestSuite) else [t])
    return out


def _no_required(fn) -> bool:
    """A test function that needs no fixture."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    return all(p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in sig.parameters.values())


def _fixture_of(value: object) -> tuple[str, Any, str] | None:
    """(name, function, scope) of a pytest fixture, read without importing pytest: pytest 8.4+
    wraps it in a FixtureFunctionDefinition (`_fixture_function`), older ones mark the function
    (`_pytestfixturefunction`, the original under `__pytest_wrapped__`)."""
    fn = getattr(value, "_fixture_function", None)
    marker = getattr(value, "_fixture_function_marker", None)
    if fn is None:
        marker = getattr(value, "_pytestfixturefunction", None)
        wrapped = getattr(value, "__pytest_wrapped__", None)
        fn = getattr(wrapped, "obj", None) if marker is not None else None
    if fn is None or not callable(fn):
        return None
    name = getattr(marker, "name", None) or getattr(value, "name", None) or fn.__name__
    return str(name), fn, str(getattr(marker, "scope", "function") or "function")


def _fixtures(mod: types.ModuleType) -> dict[str, tuple[Any, str]]:
    """The test module's own fixtures: name -> (function, scope)."""
    out: dict[str, tuple[Any, str]] = {}
    for value in list(vars(mod).values()):
        found = _fixture_of(value)
        if found is not None:
            out[found[0]] = (found[1], found[2])
    return out


def _parametrized(fn) -> list[tuple[str, dict]]:
    """The argument sets of `@pytest.mark.parametrize` marks on a test function, as (id
    suffix, parameter -> value): the product of its marks; none when a mark is indirect or
    malformed (the test then runs only if fixtures give every parameter, with one set: {})."""
    sets: list[tuple[str, dict]] = [("", {})]
    for mark in getattr(fn, "pytestmark", None) or []:
        if getattr(mark, "name", None) != "parametrize":
            continue
        args, kwargs = tuple(getattr(mark, "args", ())), dict(getattr(mark, "kwargs", {}) or {})
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


def _make(fn, fixtures: dict, held: dict, made: list, depth: int = 0) -> dict:
    """The arguments of `fn` from the fixtures (made on demand; a generator fixture is
    advanced to its value and finished after); KeyError when one cannot be made."""
    out = {}
    for p in inspect.signature(fn).parameters.values():
        if p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name not in fixtures or depth > 8:
            raise KeyError(p.name)  # `request`, `tmp_path`, a conftest fixture: not provided here
        fix, scope = fixtures[p.name]
        if scope != "function" and p.name in held:
            out[p.name] = held[p.name][0]
            continue
        value = fix(**_make(fix, fixtures, held, made, depth + 1))
        entry = [value, None]
        if inspect.isgenerator(value):
            entry = [next(value), value]
        if scope != "function":
            held[p.name] = entry
        else:
            made.append(entry)
        out[p.name] = entry[0]
    return out


def _provided(fn, params: dict, fixtures: dict) -> bool:
    """Whether every parameter `fn` requires is parametrized or one of the module's fixtures."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    return all(p.name in params or p.name in fixtures or p.default is not inspect.Parameter.empty
               or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in sig.parameters.values())


def _finish(entry: list) -> None:
    gen = entry[1]
    if gen is not None:
        try:
            next(gen)
        except BaseException:  # noqa: BLE001 - StopIteration, or a teardown that fails: nothing to record
            pass


def _with_fixtures(fn, params: dict, fixtures: dict, held: dict) -> None:
    """Call a test with its parametrized values and the fixtures it names."""
    made: list = []
    try:
        args = {p: v for p, v in params.items() if p in inspect.signature(fn).parameters}
        args.update(_make(_only(fn, set(args)), fixtures, held, made))
        fn(**args)
    finally:
        for entry in reversed(made):
            _finish(entry)


def _only(fn, given: set[str]):
    """A stand-in with `fn`'s signature less the parameters in `given` (what fixtures must make)."""
    sig = inspect.signature(fn)
    stub = lambda **kw: None  # noqa: E731
    stub.__signature__ = sig.replace(parameters=[p for p in sig.parameters.values() if p.name not in given])  # type: ignore[attr-defined]
    return stub


def _plain_method(cls: type, name: str) -> None:
    obj = cls()
    if hasattr(obj, "setup_method"):
        obj.setup_method(getattr(obj, name))
    try:
        getattr(obj, name)()
    finally:
        if hasattr(obj, "teardown_method"):
            obj.teardown_method(getattr(obj, name))


def _on_alarm(signum, frame) -> None:
    raise TestTimeout()


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        job = json.load(f)
    sys.stdin = io.StringIO()  # a test reading input gets EOF, not our pipe
    Run(job, sys.argv[2]).main()


if __name__ == "__main__":
    main()
