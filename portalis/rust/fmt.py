"""rustfmt over printed source: the last step of printing."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass


class RustfmtError(RuntimeError):
    """rustfmt rejected the printed source: a printer bug, reported with rustfmt's message."""


def rustfmt_available(rustfmt: str = "rustfmt") -> bool:
    return shutil.which(rustfmt) is not None


def format_source(source: str, rustfmt: str = "rustfmt", edition: str = "2021", timeout: float = 30) -> str:
    """Format a whole Rust file with rustfmt (stdin to stdout)."""
    proc = subprocess.run(
        [rustfmt, "--edition", edition, "--emit", "stdout", "--quiet"],
        input=source,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RustfmtError(proc.stderr.strip() or f"rustfmt exited with {proc.returncode}")
    return proc.stdout


# One rustfmt run per crate is the fast path; a run gets this long per byte of input (rustfmt
# formats several MB/s; 20 KB/s leaves room for a loaded machine) and at least ITEM_TIMEOUT_S.
ITEM_TIMEOUT_S = 30.0
_BYTES_PER_S = 20_000
_MARK = "// @portalis-unit "


# rustfmt's time grows steeply with bracket nesting (a 100-deep tuple takes 5 s, a 190-deep one
# over 30 s), and no real code nests this deep: such an item is not handed to rustfmt at all.
MAX_NESTING = 64
_BRACKETS = re.compile(r"""[()\[\]{}]|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])'""")


def bracket_depth(text: str) -> int:
    """The deepest nesting of (), [] and {} in Rust text, brackets inside string and char
    literals not counted (an estimate for raw strings, which is all the limit needs)."""
    if text.count("(") + text.count("[") + text.count("{") <= MAX_NESTING:
        return MAX_NESTING  # cannot be deeper; skips the scan for nearly every item
    depth = deepest = 0
    for m in _BRACKETS.finditer(text):
        ch = m.group()
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
    return deepest


class RustfmtUnavailable(RuntimeError):
    """rustfmt could not be started (missing, not executable)."""


@dataclass
class FormatFailure:
    """Why rustfmt did not format one unit: its message, or a timeout."""

    reason: str
    timed_out: bool = False
    too_deep: bool = False  # not run: nested deeper than MAX_NESTING


def run_timeout(text: str) -> float:
    return max(ITEM_TIMEOUT_S, len(text) / _BYTES_PER_S)


def format_many(texts: list[str], rustfmt: str = "rustfmt", edition: str = "2021") -> list[str | FormatFailure]:
    """Format independent Rust texts (items) with as few rustfmt runs as possible: one run for
    all of them; when that run fails or times out, the texts are split in halves and each half
    is run again, down to the single texts that fail, so one bad item costs only itself
    (O(k log n) runs for k bad items among n). Empty texts come back as they are. Raises
    RustfmtUnavailable when rustfmt cannot be started at all."""
    results: list[str | FormatFailure | None] = [t if not t.strip() else None for t in texts]
    todo = []
    for i, t in enumerate(texts):
        if results[i] is not None:
            continue
        try:
            t.encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate: no UTF-8 form, rustfmt cannot read it
            results[i] = FormatFailure(f"the Rust text is not valid UTF-8 ({exc.reason} at index {exc.start})")
            continue
        depth = bracket_depth(t)
        if depth > MAX_NESTING:
            results[i] = FormatFailure(f"its brackets nest {depth} deep (rustfmt is not run past {MAX_NESTING}: its time grows steeply with depth)", too_deep=True)
            continue
        todo.append(i)

    def run(indices: list[int]) -> None:
        joined = "\n".join(f"{_MARK}{i}\n{texts[i]}\n" for i in indices)
        try:
            formatted = format_source(joined, rustfmt, edition, timeout=run_timeout(joined))
        except OSError as exc:
            raise RustfmtUnavailable(f"rustfmt could not be started: {exc}") from exc
        except (RustfmtError, subprocess.TimeoutExpired) as exc:
            if len(indices) > 1:
                half = len(indices) // 2
                run(indices[:half])
                run(indices[half:])
                return
            if isinstance(exc, subprocess.TimeoutExpired):
                results[indices[0]] = FormatFailure(f"rustfmt did not finish in {exc.timeout:.0f} s", timed_out=True)
            else:
                results[indices[0]] = FormatFailure(_readable(str(exc)))
            return
        pieces = _split_units(formatted)
        for i in indices:
            results[i] = pieces.get(i, texts[i]).strip() + "\n"

    if todo:
        run(todo)
    return [r if r is not None else "" for r in results]


def _split_units(formatted: str) -> dict[int, str]:
    pieces: dict[int, list[str]] = {}
    current: list[str] | None = None
    for line in formatted.splitlines():
        if line.startswith(_MARK):
            current = pieces.setdefault(int(line[len(_MARK):]), [])
        elif current is not None:
            current.append(line)
    return {i: "\n".join(lines) for i, lines in pieces.items()}


def _readable(message: str, lines: int = 12) -> str:
    """rustfmt's message, first lines (it quotes the offending line: enough to see the bug)."""
    kept = [line for line in message.splitlines() if line.strip()][:lines]
    return "\n".join(kept)


def check_formatted(source: str, rustfmt: str = "rustfmt", edition: str = "2021") -> bool:
    """True when rustfmt would leave the source unchanged."""
    return format_source(source, rustfmt, edition) == source
