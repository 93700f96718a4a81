"""Parallel worker processes for the per-module stages (parse, type map, lowering).

Each worker owns a fixed shard of the modules for the whole translation, so the libcst tree it
parsed for a module (portalis/parse.py keeps one per source text per process) is the tree its
lowering reads: every module is parsed once, in one process. Results come back in module order,
so a parallel run writes the same crate and report as a serial one (tests/test_workers.py).

How many workers: `jobs` (the CLI's `--jobs N`, the Dagster `translator` resource's `jobs`), else
`$PORTALIS_JOBS`, else the core count; never more than the cores nor the modules. Left to the
default (`jobs` None or 0), a repository under AUTO_MIN_BYTES of Python stays in one process: a
worker's start (about 0.1 s once the fork server runs, 1 s for the server itself) costs more than
it saves there. A process with one thread (the CLI) forks its workers; one with more (Dagster's,
whose threads hold locks a fork would copy half-taken) starts them from a fork server
(multiprocessing's `forkserver`) that has imported the stages.

A worker that dies (killed, out of memory, a crash in native code) costs nothing but time: its
shard is done again in the calling process, where each stage contains its own failures as usual.
So does a batch or a result that cannot be pickled (a module nested near CPython's limits makes
pickle exceed the recursion limit): that batch, or that one module, is done in the caller.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any, Callable, Sequence

AUTO_MIN_BYTES = 256 * 1024  # about 6,000 lines of Python: below that, one process is as fast
JOBS_ENV = "PORTALIS_JOBS"
_PRELOAD = ["portalis.workers", "portalis.parse", "portalis.typemap", "portalis.lower.module", "portalis.names", "portalis.cache"]


def cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def job_count(jobs: int | None = None, items: int | None = None, source_bytes: int | None = None) -> int:
    """How many worker processes to use (1: stay in this process). `jobs` given (> 0) is asked
    for explicitly; else $PORTALIS_JOBS; else every core, when the work is big enough
    (`source_bytes` >= AUTO_MIN_BYTES). Never more than the cores nor the `items`."""
    explicit = jobs is not None and jobs > 0
    if not explicit:
        env = os.environ.get(JOBS_ENV, "").strip()
        if env.isdigit() and int(env) > 0:
            jobs, explicit = int(env), True
    if not explicit:
        jobs = cores() if source_bytes is None or source_bytes >= AUTO_MIN_BYTES else 1
    n = min(int(jobs or 1), cores())
    if items is not None:
        n = min(n, items)
    return max(1, n)


def shards(keys: Sequence[str], n: int, weights: dict[str, int] | None = None) -> list[list[str]]:
    """`keys` split into n shards of about equal weight (source bytes), each in key order."""
    out: list[list[str]] = [[] for _ in range(n)]
    load = [0] * n
    # Largest first onto the lightest shard: balanced without knowing the cost of each module.
    for k in sorted(keys, key=lambda k: -(weights or {}).get(k, 1)):
        i = load.index(min(load))
        out[i].append(k)
        load[i] += (weights or {}).get(k, 1)
    order = {k: i for i, k in enumerate(keys)}
    return [sorted(s, key=order.__getitem__) for s in out]


def _serve(conn: Connection) -> None:
    """A worker: runs `fn(item, *common)` over each batch it is sent, until told to stop."""
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        fn, batch, common = message
        results = [fn(item, *common) for item in batch]
        try:
            payload = ForkingPickler.dumps(results)
        except Exception:  # noqa: BLE001 - RecursionError on a deep tree, an unpicklable value
            payload = ForkingPickler.dumps([_sendable(r) for r in results])
        conn.send_bytes(payload)


class _Redo:
    """In a worker's results: this item's value cannot be sent back (pickling a 200-deep tree
    exceeds the recursion limit); the calling process computes it again."""


def _sendable(value: Any) -> Any:
    try:
        ForkingPickler.dumps(value)
        return value
    except Exception:  # noqa: BLE001 - see _serve
        return _Redo()


def _context() -> Any:
    """A plain fork where this process runs one thread (the CLI: nothing half-taken to copy, no
    start-up cost); else the fork server, which starts clean with the stages imported."""
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


class ShardPool:
    """`n` worker processes, worker i always given shard i (so its per-process caches hold its
    modules). Use as a context manager; `map` may be called for each stage."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._workers: list[tuple[Any, Connection]] = []

    def __enter__(self) -> "ShardPool":
        ctx = _context()
        for _ in range(self.n):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(child,), daemon=True)
            proc.start()
            child.close()
            self._workers.append((proc, parent))
        return self

    def __exit__(self, *exc: object) -> None:
        for proc, conn in self._workers:
            try:
                conn.send(None)
            except OSError:
                pass
        for proc, conn in self._workers:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join()
            conn.close()
        self._workers = []

    def map(self, fn: Callable[..., Any], batches: list[list[Any]], common: tuple = ()) -> list[list[Any]]:
        """fn(item, *common) over each batch, batch i in worker i; the results in batch order. A
        batch whose worker died is run here instead."""
        alive: list[bool] = []
        for (proc, conn), batch in zip(self._workers, batches):
            try:
                conn.send((fn, batch, common))
                alive.append(True)
            except Exception:  # noqa: BLE001 - a dead worker (OSError) or a batch that cannot be
                # pickled (RecursionError on a deeply nested module): nothing was written, the
                # worker still waits, and the batch runs here
                alive.append(False)
        out: list[list[Any]] = []
        for i, ((proc, conn), batch) in enumerate(zip(self._workers, batches)):
            result = None
            if alive[i]:
                try:
                    result = conn.recv()
                except (EOFError, OSError):
                    result = None
            if result is None:
                out.append([fn(item, *common) for item in batch])
            else:
                out.append([fn(item, *common) if isinstance(r, _Redo) else r for item, r in zip(batch, result)])
        return out


def run_sharded(fn: Callable[..., Any], items: dict[str, Any], jobs: int, common: tuple = (),
                pool: ShardPool | None = None, weights: dict[str, int] | None = None) -> dict[str, Any]:
    """{key: fn(items[key], *common)} computed by `jobs` workers (here when jobs is 1), in the
    order of `items`. With `pool`, its workers (and their shards) are used."""
    if jobs <= 1 and pool is None:
        return {k: fn(v, *common) for k, v in items.items()}
    keys = list(items)
    if pool is not None:
        parts = shards(keys, pool.n, weights)
        results = pool.map(fn, [[items[k] for k in part] for part in parts], common)
    else:
        parts = shards(keys, jobs, weights)
        with ShardPool(len(parts)) as p:
            results = p.map(fn, [[items[k] for k in part] for part in parts], common)
    got = {k: r for part, rs in zip(parts, results) for k, r in zip(part, rs)}
    return {k: got[k] for k in keys}


# The stages as worker functions (module-level, so they pickle by name).

def parse_and_map(item: Any, root: Any) -> tuple[Any, Any]:
    """Parse one module (portalis.source.SourceModule under `root`) and build its type map
    (with the tracer's observations of its functions, or None)."""
    from portalis.parse import parse_file
    from portalis.typemap import build_type_map

    src, observed, passed = (item + (None,) * (3 - len(item))) if isinstance(item, tuple) else (item, None, None)
    parsed = parse_file(root, src)
    return parsed, build_type_map(parsed, observed, passed)


def lower_unformatted(item: tuple[Any, Any], interfaces: Any) -> Any:
    """One module's Rust, printed but not formatted (one rustfmt run formats every module after)."""
    from portalis.lower.module import lower_module

    parsed, type_map = item
    return lower_module(parsed, type_map, interfaces, None)


_SHARED: dict[int, ShardPool] = {}


def shared_pool(n: int) -> ShardPool:
    """A pool of n workers kept for the life of this process (closed at exit): the Dagster stages
    of one run (parse, type map, translation: one step each) hand each module to the same worker,
    which still holds the module's tree from the step before."""
    pool = _SHARED.get(n)
    if pool is None:
        pool = ShardPool(n).__enter__()
        _SHARED[n] = pool
        if len(_SHARED) == 1:
            atexit.register(_close_shared)
    return pool


def _close_shared() -> None:
    for pool in _SHARED.values():
        pool.__exit__(None, None, None)
    _SHARED.clear()


def parse_at(src: Any, root: Any) -> Any:
    """parse_file(root, src); None for no source."""
    from portalis.parse import parse_file

    return parse_file(root, src) if src is not None else None


def type_map_of(item: Any) -> Any:
    """build_type_map(parsed, observed, passed, imported_returns) of a tuple of up to those four
    (the missing ones None) or a bare parsed module; None for no parsed module."""
    from portalis.typemap import build_type_map

    parsed, observed, passed, offered = (*item, None, None, None)[:4] if isinstance(item, tuple) else (item, None, None, None)
    return build_type_map(parsed, observed, passed, offered) if parsed is not None else None


def translate_printed(item: tuple[Any, Any, Any, Any] | None, full: bool) -> Any:
    """translate_planned(plan, parsed, type_map, entries, rustfmt=None): printed, not formatted;
    an exception comes back as the value, for the caller to record as that module's failure.
    None (a module not to translate) gives None."""
    from portalis.cache import translate_planned

    if item is None:
        return None
    plan, parsed, type_map, entries = item
    try:
        return translate_planned(plan, parsed, type_map, entries, rustfmt=None, full=full)
    except Exception as exc:  # noqa: BLE001 - the caller's outer net records it for this module
        return exc
