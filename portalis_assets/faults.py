"""One module's failure inside a stage: how it is recorded and shown, and the test hooks that put
faults into a real run.

A stage that cannot process a module (an exception escaped the core for it) records a
`module_failures` row and puts a readable error on that module's partition; later stages of the
same run leave the module alone, and the run's last per-module stage (`module_status`) turns it
into a FAILED partition and a failed run.

Test hooks (read from the environment only at these points; unset in normal use):
- PORTALIS_TEST_PAUSE_AT=<point> with PORTALIS_TEST_PAUSE_FILE=<path>: at that point the run
  writes its pid to the file and waits while the file exists (a test kills the process there, or
  deletes the file to let it go on); once per process.
- PORTALIS_TEST_FAULT=<stage>:<module>: that stage raises for that module, as a bug would.
"""

from __future__ import annotations

import os
import time
import traceback
from pathlib import Path

import dagster as dg

PAUSE_ENV = "PORTALIS_TEST_PAUSE_AT"
PAUSE_FILE_ENV = "PORTALIS_TEST_PAUSE_FILE"
FAULT_ENV = "PORTALIS_TEST_FAULT"


_paused: set[str] = set()


class InjectedFault(RuntimeError):
    """Raised by a stage for the module named in PORTALIS_TEST_FAULT."""


def pause_point(name: str) -> None:
    """Test hook: block here while PORTALIS_TEST_PAUSE_FILE exists when PORTALIS_TEST_PAUSE_AT=name."""
    if os.environ.get(PAUSE_ENV) != name or name in _paused:
        return
    _paused.add(name)
    marker = Path(os.environ[PAUSE_FILE_ENV])
    marker.write_text(str(os.getpid()))
    while marker.exists():
        time.sleep(0.05)


def inject_fault(stage: str, module: str) -> None:
    """Test hook: raise for `module` in `stage` when PORTALIS_TEST_FAULT=stage:module."""
    if os.environ.get(FAULT_ENV) == f"{stage}:{module}":
        raise InjectedFault(f"fault injected by {FAULT_ENV} in {stage} for {module}")


def describe_exception(exc: BaseException, frames: int = 4) -> tuple[str, str]:
    """(one line: the exception, the innermost frames as `file:line in function` lines)."""
    message = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
    stack = traceback.extract_tb(exc.__traceback__)[-frames:]
    detail = "\n".join(f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in stack)
    return message, detail


def error_block(module: str, path: str, stage: str, message: str, detail: str = "") -> str:
    """The text of one module's failure, as shown in a code block."""
    lines = [f"module: {module}" + (f" ({path})" if path else ""), f"stage:  {stage}", f"error:  {message}"]
    if detail:
        lines += ["where:"] + [f"  {d}" for d in detail.splitlines()]
    return "\n".join(lines)


def error_md(blocks: list[str]) -> dg.MetadataValue:
    return dg.MetadataValue.md("\n\n".join(f"```\n{b}\n```" for b in blocks) or "_none_")


def record_failure(context: dg.AssetExecutionContext, db, stage: str, module: str, path: str, exc: BaseException) -> None:  # noqa: ANN001
    """A stage could not process `module`: record it for the rest of the run and show it on the
    module's partition. A store that cannot be written is not one module's problem: it is raised."""
    from portalis.store import StoreError

    if isinstance(exc, StoreError):
        raise exc
    message, detail = describe_exception(exc)
    context.log.error(f"{module}: {stage} failed: {message}")
    db.put_failure(module, stage, context.run.run_id, message, detail)
    context.add_asset_metadata(
        {"failed": True, "error": error_md([error_block(module, path, stage, message, detail)])},
        partition_key=module,
    )


def skip_failed(context: dg.AssetExecutionContext, failed: dict[str, dict], module: str) -> bool:
    """True (and the partition says why) when an earlier stage of this run failed for `module`."""
    row = failed.get(module)
    if row is None:
        return False
    context.add_asset_metadata(
        {"failed": True, "skipped": f"{row['stage']} failed for this module in this run: {row['message']}"},
        partition_key=module,
    )
    return True
