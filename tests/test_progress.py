"""portalis/progress.py: on a terminal one line redrawn in place (and cleared at the end), on a
pipe nothing unless forced, then plain lines; throttled while a stage advances."""

from __future__ import annotations

import io

from portalis.progress import NO_PROGRESS, Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_off_on_a_pipe_unless_forced() -> None:
    pipe = io.StringIO()
    assert Progress.for_stream(pipe) is NO_PROGRESS
    assert Progress.for_stream(pipe, force=False) is NO_PROGRESS
    assert Progress.for_stream(Terminal(), force=False) is NO_PROGRESS
    assert isinstance(Progress.for_stream(pipe, force=True), Progress)
    NO_PROGRESS.stage("parse", 3)
    NO_PROGRESS.advance()
    NO_PROGRESS.close()
    assert pipe.getvalue() == ""


def test_forced_on_a_pipe_plain_lines_throttled() -> None:
    pipe, clock = io.StringIO(), Clock()
    p = Progress.for_stream(pipe, force=True, clock=clock, interval_s=2.0)
    p.stage("parse", total=48)
    for _ in range(47):
        clock.now += 0.01  # 47 modules in 0.47 s: no line for each
        p.advance()
    clock.now += 3
    p.advance()  # after the interval: one line
    p.stage("cargo check")
    clock.now += 60
    p.close()
    lines = pipe.getvalue().splitlines()
    assert lines == [
        "portalis: [   0.0 s] parse 0/48 modules",
        "portalis: [   3.5 s] parse 48/48 modules",
        "portalis: [   3.5 s] parse 48/48 modules: done in 3.5 s",
        "portalis: [   3.5 s] cargo check",
        "portalis: [  63.5 s] cargo check: done in 60.0 s",
    ]
    assert "\r" not in pipe.getvalue()


def test_terminal_redraws_one_line_and_clears_it() -> None:
    tty, clock = Terminal(), Clock()
    p = Progress.for_stream(tty, clock=clock, tick_s=3600)  # the ticker never fires in this test
    assert isinstance(p, Progress) and p.terminal
    p.stage("translate", total=2)
    clock.now += 1
    p.advance()
    p.stage("cargo build")
    p.close()
    out = tty.getvalue()
    assert "\n" not in out  # never scrolls
    frames = [f.rstrip() for f in out.split("\r") if f.strip()]
    assert frames == [
        "portalis: [   0.0 s] translate 0/2 modules",
        "portalis: [   1.0 s] translate 1/2 modules",
        "portalis: [   1.0 s] cargo build",
    ]
    assert out.endswith("\r" + " " * len("portalis: [   1.0 s] cargo build") + "\r")  # cleared


def test_terminal_clock_keeps_running_during_a_long_step() -> None:
    import time

    tty = Terminal()
    p = Progress(tty, terminal=True, tick_s=0.02)
    p.stage("cargo build")
    time.sleep(0.2)
    p.close()
    assert tty.getvalue().count("cargo build") >= 3  # redrawn by the ticker, not only by stage()
