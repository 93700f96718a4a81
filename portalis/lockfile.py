"""An exclusive lock on a file, waited for a bounded time (one `portalis sync` per DAGSTER_HOME).

`fcntl.flock` locks belong to the open file: the kernel drops them when the process exits, so a
killed sync never leaves a stale lock behind. The holder's pid is written into the file for the
message the next caller sees.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from portalis.store import StoreError


class LockBusyError(StoreError):
    """Another process held the lock for longer than the caller would wait."""


@contextmanager
def exclusive_lock(path: Path, wait_s: float, what: str, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on `path` inside the block; wait up to `wait_s` seconds for it
    (telling `on_wait` once), then raise LockBusyError naming `what` holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_s
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                if time.monotonic() >= deadline:
                    raise LockBusyError(
                        f"{what} (pid {holder}) is still running after {wait_s:.0f} s ({path} is locked); "
                        "run again when it has finished"
                    ) from None
                if not told and on_wait is not None:
                    on_wait(f"waiting up to {wait_s:.0f} s for {what} (pid {holder}) to finish ({path})")
                    told = True
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing drops the lock
