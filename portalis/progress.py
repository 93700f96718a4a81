"""Progress of long work on stderr: the stage, modules done of total, the time since the start.

On a terminal, one line is redrawn in place (and its clock keeps running during a long step such
as a cargo build); elsewhere (a pipe, a file, CI) nothing is printed unless asked, and then one
plain line per stage and at most one per `interval_s` while a stage advances, so a log stays
readable. The core takes any object with these methods; `NO_PROGRESS` does nothing.

    progress = Progress.for_stream(sys.stderr, force=args.progress)  # None: on when a terminal
    progress.stage("parse", total=len(modules))
    progress.advance()            # one module done
    progress.close()              # before printing results: the terminal line is cleared
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Callable, Protocol, TextIO


class ProgressSink(Protocol):
    """What the core calls; Progress and NoProgress implement it."""

    def stage(self, name: str, total: int | None = None) -> None: ...

    def advance(self, n: int = 1) -> None: ...

    def close(self) -> None: ...


class NoProgress:
    """Progress that prints nothing (the default of the core's functions)."""

    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


NO_PROGRESS = NoProgress()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class Progress:
    """Stage, `done/total modules` and elapsed seconds on `stream` (see the module docstring)."""

    def __init__(self, stream: TextIO, terminal: bool, interval_s: float = 2.0, tick_s: float = 0.5,
                 clock: Callable[[], float] = time.monotonic, label: str = "portalis") -> None:
        self.stream = stream
        self.terminal = terminal
        self.interval_s = interval_s
        self.clock = clock
        self.label = label
        self.started = clock()
        self.name = ""
        self.total: int | None = None
        self.done = 0
        self._stage_started = self.started
        self._last_line = float("-inf")
        self._width = 0
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._ticker: threading.Thread | None = None
        if terminal:  # keep the clock running while one long step (a cargo build) holds the stage
            self._ticker = threading.Thread(target=self._tick, args=(tick_s,), name="portalis-progress", daemon=True)
            self._ticker.start()

    @classmethod
    def for_stream(cls, stream: TextIO | None = None, force: bool | None = None, **kwargs) -> "ProgressSink":
        """Progress on `stream` (default stderr) when it is a terminal, or when `force` is True;
        NO_PROGRESS when `force` is False or the stream is not a terminal and `force` is None."""
        stream = stream if stream is not None else sys.stderr
        terminal = _is_terminal(stream)
        if force is False or (force is None and not terminal):
            return NO_PROGRESS
        return cls(stream, terminal=terminal, **kwargs)

    # ------------------------------------------------------------ what the core calls

    def stage(self, name: str, total: int | None = None) -> None:
        with self._lock:
            if self.name and not self.terminal:
                self._write_line(self._text(finished=True))
            self.name, self.total, self.done = name, total, 0
            self._stage_started = self.clock()
            self._render(force=True)

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self.done += n
            self._render()

    def close(self) -> None:
        """End the last stage (its line, when not a terminal) and clear the terminal line."""
        if self._closed.is_set():
            return
        self._closed.set()
        if self._ticker is not None:
            self._ticker.join(timeout=2)
        with self._lock:
            if self.terminal:
                if self._width:
                    self.stream.write("\r" + " " * self._width + "\r")
                    self.stream.flush()
            elif self.name:
                self._write_line(self._text(finished=True))
            self.name = ""

    # ------------------------------------------------------------ rendering

    def _text(self, finished: bool = False) -> str:
        now = self.clock()
        count = ""
        if self.total is not None:
            count = f" {self.done}/{self.total} module{'' if self.total == 1 else 's'}"
        elif self.done:
            count = f" {self.done}"
        text = f"{self.label}: [{now - self.started:6.1f} s] {self.name}{count}"
        return f"{text}: done in {now - self._stage_started:.1f} s" if finished else text

    def _render(self, force: bool = False) -> None:
        if self._closed.is_set() or not self.name:
            return
        if self.terminal:
            text = self._text()
            pad = max(0, self._width - len(text))
            self.stream.write("\r" + text + " " * pad)
            self.stream.flush()
            self._width = len(text)
            return
        now = self.clock()
        if force or now - self._last_line >= self.interval_s:
            self._write_line(self._text())

    def _write_line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()
        self._last_line = self.clock()

    def _tick(self, tick_s: float) -> None:
        while not self._closed.wait(tick_s):
            with self._lock:
                self._render()
