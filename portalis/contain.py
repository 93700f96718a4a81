"""Containment: one module's (or one function's) failure never takes the run down.

Two mechanisms, used by every stage function (parse, type map, lowering, formatting):

- `run_deep(fn, ...)` runs a pass on a thread with a big stack (1 GiB of address space, only the
  pages touched are committed) and a raised Python recursion limit. Python code translated from
  real repositories nests deeply (a 1,000-term sum, a 1,000-branch `elif` chain); the passes
  recurse over those trees, and libcst's native parser recurses on the C stack, where an overflow
  is a segfault, not an exception. With the stack sized to the recursion limit (about 10 KiB of
  C stack per Python frame; the worst measured is 0.5 KiB, see tests/test_containment.py), a
  pass that recurses too deep gets a RecursionError, which the stage turns into a diagnostic.
- `contained(stage, fallback)` wraps a stage function: any exception becomes an
  `internal_error` diagnostic (PTL009: the exception's type and message, the line when known) on
  the module, through the stage's own fallback result, and the other modules go on.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import traceback
from typing import Any, Callable, TypeVar

from portalis.model import Diagnostic

T = TypeVar("T")

INTERNAL_ERROR = "PTL009"  # a stage failed on a module: the module's status is `error`
# Module-level codes that make a module's status `error` (the report, the CLI's exit status).
ERROR_CODES = frozenset({"PTL001", "PTL002", "PTL004", "PTL005", INTERNAL_ERROR})

# Stack sizes tried for a deep thread, largest first: where the system refuses a 1 GiB mapping
# (strict overcommit) a smaller one is used, and the recursion limit shrinks with it.
STACK_SIZES = (1 << 30, 256 << 20, 64 << 20)
# PORTALIS_DEEP_STACK_MB overrides them (a system with little address space; the tests use it to
# reach the limits quickly).
STACK_ENV = "PORTALIS_DEEP_STACK_MB"


def _stack_sizes() -> tuple[int, ...]:
    value = os.environ.get(STACK_ENV, "").strip()
    if value:
        try:
            return (max(1, int(value)) << 20,)
        except ValueError:
            pass
    return STACK_SIZES
# C stack allowed per Python frame when deriving the recursion limit from the stack size.
_BYTES_PER_FRAME = 10 << 10
MAX_RECURSION_LIMIT = 100_000

_local = threading.local()
_limit_lock = threading.Lock()
_stack_lock = threading.Lock()
_limit_users = 0
_limit_saved = 0


def deep_stack_bytes() -> int:
    """The stack size of the current deep thread, or 0 when not on one."""
    return getattr(_local, "stack", 0)


def recursion_limit_for(stack: int) -> int:
    return min(MAX_RECURSION_LIMIT, stack // _BYTES_PER_FRAME)


def _raise_limit(limit: int) -> None:
    global _limit_users, _limit_saved
    with _limit_lock:
        if _limit_users == 0:
            _limit_saved = sys.getrecursionlimit()
        _limit_users += 1
        if sys.getrecursionlimit() < limit:
            sys.setrecursionlimit(limit)


def _restore_limit() -> None:
    global _limit_users
    with _limit_lock:
        _limit_users -= 1
        if _limit_users == 0:
            sys.setrecursionlimit(_limit_saved)


def run_deep(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` on a thread with a big stack and a raised recursion limit; its
    result, or its exception re-raised here. Already on a deep thread: called directly."""
    if deep_stack_bytes():
        return fn(*args, **kwargs)
    box: dict[str, Any] = {}

    def body(stack: int) -> None:
        _local.stack = stack
        try:
            box["result"] = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
            if isinstance(exc, RecursionError):
                exc.portalis_limit = sys.getrecursionlimit()  # type: ignore[attr-defined]  # restored on return
            box["error"] = exc

    for stack in _stack_sizes():
        thread = threading.Thread(target=body, args=(stack,), name="portalis-deep", daemon=True)
        _raise_limit(recursion_limit_for(stack))  # before the start: the thread may run at once
        try:
            with _stack_lock:  # stack_size() is process-wide: set it only for this thread's start
                old = threading.stack_size()
                try:
                    threading.stack_size(stack)
                    thread.start()
                finally:
                    threading.stack_size(old)
        except (RuntimeError, ValueError, MemoryError):
            _restore_limit()
            continue
        break
    else:
        return fn(*args, **kwargs)  # no thread could be started: run here, with the usual limits
    try:
        thread.join()
    finally:
        _restore_limit()
    if "error" in box:
        raise box["error"]
    return box["result"]


def error_line(exc: BaseException) -> int | None:
    """The source line an exception names, when it names one (SyntaxError, Unsupported)."""
    line = getattr(exc, "lineno", None) or getattr(exc, "line", None)
    return line if isinstance(line, int) else None


def describe_exception(exc: BaseException, limit: int = 400) -> str:
    """`Type: message`, one line, bounded (a RecursionError's message is short; others may
    hold a whole source text)."""
    text = " ".join(str(exc).split())
    if len(text) > limit:
        text = text[:limit] + "..."
    name = type(exc).__name__
    if isinstance(exc, RecursionError):
        text = f"{text} (recursion limit {getattr(exc, 'portalis_limit', sys.getrecursionlimit())})"
    return f"{name}: {text}" if text else name


def too_deep(module: str, stage: str, exc: RecursionError, function: str | None = None, code: str = "PTL004") -> Diagnostic:
    """The diagnostic for a module (or function) nested deeper than a pass can recurse."""
    return Diagnostic(
        code=code,
        message=f"nested too deeply for the translator while {stage} ({describe_exception(exc)})",
        module=module, function=function, line=error_line(exc),
    )


def internal_error(module: str, stage: str, exc: BaseException, function: str | None = None) -> Diagnostic:
    """The diagnostic for an exception that escaped a stage on one module (a RecursionError
    is reported as nesting too deep, PTL004, not as a bug)."""
    if isinstance(exc, RecursionError):
        return too_deep(module, stage, exc, function)
    where = ""
    tb = traceback.extract_tb(exc.__traceback__)
    if tb:
        last = tb[-1]
        where = f" (in {last.name}, {last.filename.rsplit('/', 1)[-1]}:{last.lineno})"
    return Diagnostic(
        code=INTERNAL_ERROR,
        message=f"internal error while {stage}: {describe_exception(exc)}{where}; the module was not translated, please report it",
        module=module,
        function=function,
        line=error_line(exc),
    )


def has_internal_error(diagnostics: list[Diagnostic]) -> bool:
    return any(d.code == INTERNAL_ERROR for d in diagnostics)


def contained(stage: str, fallback: Callable[..., T]) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorator for a stage function: run it deep; any exception `exc` becomes
    `fallback(exc, *args, **kwargs)` (which builds the stage's result around
    `internal_error(...)`). The signature is kept; `.uncontained` is the raw function."""

    def wrap(fn: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(fn)
        def stage_fn(*args: Any, **kwargs: Any) -> T:
            try:
                return run_deep(fn, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - one module's failure is that module's diagnostic
                return fallback(exc, *args, **kwargs)

        stage_fn.uncontained = fn  # type: ignore[attr-defined]  # tests reach the raw pass
        return stage_fn

    return wrap
