"""A pytest plugin that swaps a repository's functions for their Rust translations.

Loaded into the repository's own test run (`python -m pytest -p portalis.pyext.plugin`) by
`portalis test` (portalis/pyext/swap.py); configured by a JSON file named in the environment
variable PORTALIS_SWAP_CONFIG:

    {"extension": "examples_rs", "swap": true, "functions": ["pkg.mod.f", ...], "results": "out.json"}

With `swap`, each listed function is replaced, in its module and wherever the repository's
modules imported it (`from pkg.mod import f`), by a wrapper that binds the call like the Python
function (defaults, keywords) and calls the Rust one from the extension module; a listed class is
replaced whole by the extension's #[pyclass] (the tests that used it are those during which its
calls counter, `__portalis_calls__()` of the extension, moved; no time is measured). Without `swap`
the same wrapper calls the Python function, so both runs carry the same bookkeeping: which test
called which function, and the time spent in each. The results file gets, per test, its outcome,
the failure text and the functions it called; per function, the tests that called it and the
time spent in it. Only the standard library is used here: the plugin runs in the repository's
environment.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import os
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

CONFIG_ENV = "PORTALIS_SWAP_CONFIG"

_config: dict = {}
_current: list[str] = []  # the node id of the running test (a stack of one)
_tests: dict[str, dict] = {}
_calls: dict[str, set[str]] = {}
_seconds: dict[str, float] = {}
_not_swapped: dict[str, str] = {}
_swapped: list[str] = []
_started = 0.0
_ext: list[ModuleType] = []  # the extension, when classes are swapped


def _extension_function(ext: object, module: str, name: str):
    target = ext
    for part in module.split("."):
        target = getattr(target, part)
    return getattr(target, name)


def _wrapper(key: str, python_fn, call):
    """A stand-in for `python_fn` that records the call and runs `call` with the arguments bound
    as Python binds them, in parameter order."""
    sig = inspect.signature(python_fn)
    names = list(sig.parameters)

    @functools.wraps(python_fn)
    def swapped(*args, **kwargs):
        if _current:
            _calls.setdefault(key, set()).add(_current[0])
            _tests.setdefault(_current[0], {}).setdefault("touched", set()).add(key)
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        t0 = time.perf_counter()
        try:
            return call(*[bound.arguments[n] for n in names])
        finally:
            _seconds[key] = _seconds.get(key, 0.0) + time.perf_counter() - t0

    swapped.__portalis_swapped__ = key  # type: ignore[attr-defined]
    return swapped


def _repo_modules(root: Path) -> list[ModuleType]:
    """The loaded modules whose file lies under the repository root."""
    out: list[ModuleType] = []
    for mod in list(sys.modules.values()):
        f = getattr(mod, "__file__", None)
        if f:
            try:
                Path(f).resolve().relative_to(root)
            except ValueError:
                continue
            out.append(mod)
    return out


def install(config: dict) -> None:
    """Replace the configured functions (see the module docstring)."""
    ext: ModuleType | None = None
    if config.get("swap"):
        try:
            ext = importlib.import_module(config["extension"])
        except ImportError as exc:
            for key in config.get("functions", []):
                _not_swapped[key] = f"the extension {config['extension']} does not import: {exc}"
            return
    replaced: dict[int, object] = {}
    for key in config.get("functions", []):
        module, _, name = key.rpartition(".")
        try:
            mod = importlib.import_module(module)
            original = getattr(mod, name)
            call = _extension_function(ext, module, name) if ext is not None else original
        except (ImportError, AttributeError) as exc:
            _not_swapped[key] = f"{type(exc).__name__}: {exc}"
            continue
        if getattr(original, "__portalis_swapped__", None):
            continue
        if isinstance(original, type):  # a class: swapped whole, on the Rust side only
            if ext is None:
                continue
            stand_in = call
            if ext not in _ext:
                _ext.append(ext)
        else:
            stand_in = _wrapper(key, original, call)
        setattr(mod, name, stand_in)
        replaced[id(original)] = stand_in
        _swapped.append(key)
    root = Path(config.get("root", ".")).resolve()
    for mod in _repo_modules(root):  # `from pkg.mod import f` bound the original elsewhere too
        for attr, value in list(vars(mod).items()):
            if id(value) in replaced and not getattr(value, "__portalis_swapped__", None):
                setattr(mod, attr, replaced[id(value)])


def pytest_configure(config: pytest.Config) -> None:
    global _config, _started
    path = os.environ.get(CONFIG_ENV)
    if not path:
        return
    _config = json.loads(Path(path).read_text(encoding="utf-8"))
    _started = time.perf_counter()
    install(_config)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    _current[:] = [item.nodeid]
    _tests.setdefault(item.nodeid, {})
    before = _counts()
    yield
    for key, n in _counts().items():
        if n > before.get(key, 0):
            _calls.setdefault(key, set()).add(item.nodeid)
            _tests[item.nodeid].setdefault("touched", set()).add(key)
    _current[:] = []


def _counts() -> dict[str, int]:
    """Calls into each swapped class so far (the extension counts them)."""
    if not _ext:
        return {}
    return {k: v for k, v in _ext[0].__portalis_calls__().items() if k in _swapped}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    entry = _tests.setdefault(report.nodeid, {})
    if report.failed:
        entry["outcome"] = "failed"
        entry.setdefault("failure", report.longreprtext[-1500:])
    elif report.skipped and entry.get("outcome") != "failed":
        entry["outcome"] = "skipped"
    elif report.when == "call" and report.passed and "outcome" not in entry:
        entry["outcome"] = "passed"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _config.get("results"):
        return
    payload = {
        "swap": bool(_config.get("swap")),
        "wall_s": round(time.perf_counter() - _started, 4),
        "exitstatus": int(exitstatus),
        "swapped": _swapped,
        "not_swapped": _not_swapped,
        "tests": {k: {"outcome": v.get("outcome", "error"), "failure": v.get("failure"), "touched": sorted(v.get("touched", ()))}
                  for k, v in _tests.items()},
        "calls": {k: sorted(v) for k, v in _calls.items()},
        "seconds": {k: round(v, 6) for k, v in _seconds.items()},
    }
    Path(_config["results"]).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
